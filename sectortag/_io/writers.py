"""Writers of tagged rows: JSON Lines, a JSON array, CSV and a table for people.

A writer takes batches (``write``) and finishes with ``close``. All stream:
the table is sized on its first ``TABLE_ROWS`` rows and, when more come,
goes on with the same column widths, so memory stays flat however many rows
come. Writing is split in two so that worker processes can do the costly
half: ``format`` turns a :class:`TaggedBatch` into a chunk of output (text,
CSV records or table lines) without touching the writer's state, and
``write_chunk`` puts chunks out in order.

JSON Lines, the streaming format, is built as text directly: no dict per
row, no ``round`` per score (a table of the 10,001 four-decimal values), no
``json.dumps`` but the C string escaper for the text. It is byte for byte
what ``json.dumps(row, ensure_ascii=False, default=json_default)`` gives for
the row dict.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

__all__ = [
    "TABLE_ROWS", "WRITERS", "CsvWriter", "JsonWriter", "JsonlWriter", "TableWriter", "TaggedBatch", "evidence_text",
    "shorten",
]

TABLE_ROWS = 1000  # rows a table is sized on before it streams
_escape = json.encoder.encode_basestring  # C-accelerated: what json.dumps(str, ensure_ascii=False) gives
_FOUR_DECIMALS = [repr(k / 10_000) for k in range(10_001)]  # repr(round(p, 4)) for p in [0, 1]


@dataclass
class TaggedBatch:
    """One batch of tagged paragraphs: each row's head (source, paragraph, span...), text, labels and scores.

    ``evidence``, with explanations, holds one ``{label: [evidence dict]}`` per
    row; ``fields``, one dict per row of the record fields passed through
    from the input (empty for text), which end the row.
    """

    heads: list[dict]
    texts: list[str]
    labels: list[list[str]]
    probabilities: np.ndarray
    classes: list[str]
    evidence: list[dict] | None = None
    fields: list[dict] | None = None

    def rows(self) -> list[dict]:
        """The rows as dicts: head, ``labels``, ``scores`` (rounded to 4 decimals), ``text``, [``evidence``], fields."""
        rows = []
        for i, (head, names, text) in enumerate(zip(self.heads, self.labels, self.texts)):
            scores = dict(zip(self.classes, (round(p, 4) for p in self.probabilities[i].tolist())))
            row = dict(head, labels=names, scores=scores, text=text)
            if self.evidence is not None:
                row["evidence"] = self.evidence[i]
            if self.fields is not None:
                row.update(self.fields[i])
            rows.append(row)
        return rows


def shorten(text: str, width: int = 70) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "\u2026"


def json_default(value):
    """JSON for values passed through from a Parquet table: dates and times as ISO text, anything else as its str."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=json_default)


def evidence_text(evidence: dict) -> str:
    """``label: word, word; label: word`` for people, or ``-`` when there is none."""
    return "; ".join(f"{label}: " + ", ".join(e["text"] for e in items) for label, items in evidence.items()) or "-"


class JsonlWriter:
    """One JSON object per line."""

    def __init__(self, out: TextIO | None, with_ids: bool, explain: bool, classes: Sequence[str] = ()):
        self.out = out

    def write(self, batch: TaggedBatch) -> None:
        self.write_chunk(self.format(batch))

    def write_chunk(self, chunk: Any) -> None:
        self.out.write(chunk)

    def close(self) -> None:
        pass

    def format(self, batch: TaggedBatch) -> str:
        scores = _score_texts(batch.probabilities, batch.classes)
        names = {name: _escape(name) for name in batch.classes}
        sources: dict[str, str] = {}
        lines = []
        for i, (head, labels, text) in enumerate(zip(batch.heads, batch.labels, batch.texts)):
            source = sources.get(head["source"])
            if source is None:
                source = sources[head["source"]] = _escape(head["source"])
            labels = ", ".join([names[n] for n in labels])
            ids = f', "line": {head["line"]}, "id": {_json_value(head["id"])}' if "line" in head else ""
            evidence = f', "evidence": {_json(batch.evidence[i])}' if batch.evidence is not None else ""
            # the record's other fields: their "key": value pairs, Parquet dates as ISO text
            fields = f", {_json(batch.fields[i])[1:-1]}" if batch.fields is not None and batch.fields[i] else ""
            lines.append(f'{{"source": {source}, "paragraph": {head["paragraph"]}{ids}, "start": {head["start"]}, '
                         f'"end": {head["end"]}, "labels": [{labels}], "scores": {{{scores[i]}}}, "text": {_escape(text)}'
                         f'{evidence}{fields}}}\n')
        return "".join(lines)


def _json_value(value) -> str:
    """``json.dumps(value, ensure_ascii=False)``, without its overhead for the usual id types."""
    if isinstance(value, str):
        return _escape(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    return _json(value)


_SCORE_TABLES: dict[tuple[str, ...], list[list[str]]] = {}


def _score_texts(probabilities: np.ndarray, classes: list[str]) -> list[str]:
    """Each row's ``"label": 0.1234, ...`` (the inside of its "scores" object), from per-label tables."""
    key = tuple(classes)
    tables = _SCORE_TABLES.get(key)
    if tables is None:
        tables = _SCORE_TABLES[key] = [[_escape(name) + ": " + value for value in _FOUR_DECIMALS] for name in classes]
    index, doubtful = _four_decimal_index(probabilities)
    getitem = list.__getitem__
    out = [", ".join(map(getitem, tables, row)) for row in index.tolist()]
    for i in np.flatnonzero(doubtful.any(axis=1)).tolist():
        out[i] = ", ".join(f"{_escape(name)}: {repr(round(p, 4))}" for name, p in zip(classes, probabilities[i].tolist()))
    return out


def _four_decimal_index(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``round(p, 4) * 10000`` as an index, and where that may be off (next to a half-way point)."""
    scaled = probabilities * 10_000.0
    return np.rint(scaled).astype(np.intp), np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6


class JsonWriter(JsonlWriter):
    """A JSON array, streamed one row at a time (same text as ``json.dumps(rows, indent=2)``)."""

    def __init__(self, out: TextIO | None, with_ids: bool, explain: bool, classes: Sequence[str] = ()):
        self.out, self.started = out, False

    def format(self, batch: TaggedBatch) -> list[str]:
        return ["  " + json.dumps(row, ensure_ascii=False, indent=2, default=json_default).replace("\n", "\n  ")
                for row in batch.rows()]

    def write_chunk(self, chunk: list[str]) -> None:
        parts = []
        for row in chunk:
            parts.append(",\n" if self.started else "[\n")
            parts.append(row)
            self.started = True
        self.out.write("".join(parts))

    def close(self) -> None:
        self.out.write("\n]\n" if self.started else "[]\n")


class CsvWriter(JsonlWriter):
    """CSV: the row head, labels separated by ``;``, one ``score_<label>`` column per label, the text.

    With ``explain`` an ``evidence`` column follows the labels; record fields
    passed through from the input follow the text, as columns named after
    the fields of the first batch (values that are not strings as JSON).
    A chunk is one ``(cells, fields)`` pair per row: the fields' columns are
    known only once the first chunk is written.
    """

    def __init__(self, out: TextIO | None, with_ids: bool, explain: bool, classes: Sequence[str] = ()):
        self.out, self.with_ids, self.explain, self.classes = out, with_ids, explain, list(classes)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.extras: list[str] | None = None

    def _header(self, fields: list[dict]) -> None:
        self.extras = list(dict.fromkeys(k for f in fields for k in f))
        ids = ["line", "id"] if self.with_ids else []
        evidence = ["evidence"] if self.explain else []
        scores = [f"score_{label}" for label in self.classes]
        self.writer.writerow(["source", "paragraph", *ids, "start", "end", "labels", *evidence, *scores, "text", *self.extras])

    @staticmethod
    def _cell(value) -> str:
        return "" if value is None else value if isinstance(value, str) else _json(value)

    def format(self, batch: TaggedBatch) -> list[tuple[list, dict]]:
        records = []
        evidence = batch.evidence or [{}] * len(batch.texts)
        fields = batch.fields or [{}] * len(batch.texts)
        for head, names, text, row, ev, extra in zip(batch.heads, batch.labels, batch.texts,
                                                     batch.probabilities.tolist(), evidence, fields):
            ids = [head.get("line", ""), self._cell(head.get("id"))] if self.with_ids else []
            cells = [head["source"], head["paragraph"], *ids, head["start"], head["end"], ";".join(names),
                     *([evidence_text(ev)] if self.explain else []), *[f"{p:.4f}" for p in row], text]
            records.append((cells, {k: self._cell(v) for k, v in extra.items()}))
        return records

    def write_chunk(self, chunk: list[tuple[list, dict]]) -> None:
        if self.extras is None:
            self._header([extra for _, extra in chunk])
        for cells, extra in chunk:
            self.writer.writerow(cells + [extra.get(k, "") for k in self.extras])
        self.out.write(self.buffer.getvalue())
        self.buffer.seek(0)
        self.buffer.truncate()

    def close(self) -> None:
        if self.extras is None:
            self._header([])
        self.out.write(self.buffer.getvalue())


class TableWriter(JsonlWriter):
    """A table for people, laid out by ``tabulate`` on its first ``TABLE_ROWS`` rows.

    Past that many rows, the table is printed with the widths of those rows
    and every later row follows in the same columns (cut to fit), so a
    million-line input never sits in memory.
    """

    def __init__(self, out: TextIO | None, with_ids: bool, explain: bool, classes: Sequence[str] = ()):
        self.out, self.with_ids, self.explain, self.lines = out, with_ids, explain, []
        self.headers = ["source", "#"] + (["id"] if with_ids else []) + ["labels"] + (["evidence"] if explain else []) + ["text"]
        self.widths: list[int] | None = None

    def _line(self, r: dict) -> list:
        labels = ", ".join(f"{name} {r['scores'][name]:.2f}" for name in r["labels"]) or "-"
        line = [r["source"], r["paragraph"]] + ([r.get("id", "")] if self.with_ids else []) + [labels]
        if self.explain:
            line.append(evidence_text(r["evidence"]))
        return line + [shorten(r["text"])]

    def _stream(self, lines: list[list]) -> None:
        formatted = []
        for line in lines:
            cells = []
            for value, width, column in zip(line, self.widths, self.headers):
                text = "" if value is None else str(value)
                text = text if len(text) <= width else text[: width - 1] + "\u2026"
                cells.append(text.rjust(width) if column == "#" else text.ljust(width))
            formatted.append("  ".join(cells).rstrip() + "\n")
        self.out.write("".join(formatted))

    def format(self, batch: TaggedBatch) -> list[list]:
        return [self._line(r) for r in batch.rows()]

    def write_chunk(self, chunk: list[list]) -> None:
        if self.widths is not None:
            self._stream(chunk)
            return
        self.lines.extend(chunk)
        if len(self.lines) > TABLE_ROWS:
            self.widths = [max([len(h)] + [len("" if line[i] is None else str(line[i])) for line in self.lines])
                           for i, h in enumerate(self.headers)]
            header = [h.rjust(w) if h == "#" else h.ljust(w) for h, w in zip(self.headers, self.widths)]
            self.out.write("  ".join(header).rstrip() + "\n" + "  ".join("-" * w for w in self.widths) + "\n")
            self._stream(self.lines)
            self.lines = []

    def close(self) -> None:
        if self.widths is not None or not self.lines:
            return
        from tabulate import tabulate

        self.out.write(tabulate(self.lines, headers=self.headers) + "\n")


WRITERS = {"jsonl": JsonlWriter, "json": JsonWriter, "csv": CsvWriter, "table": TableWriter}
