"""Writers of tagged rows: JSON Lines, a JSON array, CSV and a table for people.

A writer takes batches (``write``) and finishes with ``close``; all but the
table stream, so memory stays flat however many rows come. Writing is split
in two so that worker processes can do the costly half: ``format`` turns a
:class:`TaggedBatch` into a chunk of output (text, or lines for the table)
without touching the writer's state, and ``write_chunk`` puts chunks out in
order.

JSON Lines, the streaming format, is built as text directly: no dict per
row, no ``round`` per score (a table of the 10,001 four-decimal values), no
``json.dumps`` but the C string escaper for the text. It is byte for byte
what ``json.dumps(row, ensure_ascii=False)`` gives for the row dict.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

__all__ = ["WRITERS", "CsvWriter", "JsonWriter", "JsonlWriter", "TableWriter", "TaggedBatch", "shorten"]

_escape = json.encoder.encode_basestring  # C-accelerated: what json.dumps(str, ensure_ascii=False) gives
_FOUR_DECIMALS = [repr(k / 10_000) for k in range(10_001)]  # repr(round(p, 4)) for p in [0, 1]


@dataclass
class TaggedBatch:
    """One batch of tagged paragraphs: each row's head (source, paragraph, span...), text, labels and scores.

    ``evidence``, with explanations, holds one ``{label: [evidence dict]}`` per row.
    """

    heads: list[dict]
    texts: list[str]
    labels: list[list[str]]
    probabilities: np.ndarray
    classes: list[str]
    evidence: list[dict] | None = None

    def rows(self) -> list[dict]:
        """The rows as dicts: head, ``labels``, ``scores`` (rounded to 4 decimals), ``text``, [``evidence``]."""
        rows = []
        for i, (head, names, text) in enumerate(zip(self.heads, self.labels, self.texts)):
            scores = dict(zip(self.classes, (round(p, 4) for p in self.probabilities[i].tolist())))
            row = dict(head, labels=names, scores=scores, text=text)
            if self.evidence is not None:
                row["evidence"] = self.evidence[i]
            rows.append(row)
        return rows


def shorten(text: str, width: int = 70) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "\u2026"


class JsonlWriter:
    """One JSON object per line."""

    def __init__(self, out: TextIO | None, with_ids: bool, explain: bool):
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
            evidence = f', "evidence": {json.dumps(batch.evidence[i], ensure_ascii=False)}' if batch.evidence is not None else ""
            lines.append(f'{{"source": {source}, "paragraph": {head["paragraph"]}{ids}, "start": {head["start"]}, '
                         f'"end": {head["end"]}, "labels": [{labels}], "scores": {{{scores[i]}}}, "text": {_escape(text)}'
                         f'{evidence}}}\n')
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
    return json.dumps(value, ensure_ascii=False)


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

    def __init__(self, out: TextIO | None, with_ids: bool, explain: bool):
        self.out, self.started = out, False

    def format(self, batch: TaggedBatch) -> list[str]:
        return ["  " + json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ") for row in batch.rows()]

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
    """CSV with a header row."""

    def __init__(self, out: TextIO | None, with_ids: bool, explain: bool):
        self.out, self.with_ids = out, with_ids
        ids = ["line", "id"] if with_ids else []
        self.header = self._csv([["source", "paragraph", *ids, "start", "end", "labels", "scores", "text"]])
        if out is not None:
            out.write(self.header)

    @staticmethod
    def _csv(records: list[list]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(records)
        return buffer.getvalue()

    def format(self, batch: TaggedBatch) -> str:
        records = []
        for head, names, text, row in zip(batch.heads, batch.labels, batch.texts, batch.probabilities.tolist()):
            scores = ";".join(f"{k}={v:.4f}" for k, v in zip(batch.classes, row))
            ids = [head.get("line", ""), "" if head.get("id") is None else head["id"]] if self.with_ids else []
            records.append([head["source"], head["paragraph"], *ids, head["start"], head["end"], ";".join(names), scores, text])
        return self._csv(records)


class TableWriter(JsonlWriter):
    """A table for people: needs every row to size its columns, so it keeps them (shortened)."""

    def __init__(self, out: TextIO | None, with_ids: bool, explain: bool):
        self.out, self.with_ids, self.explain, self.lines = out, with_ids, explain, []

    def format(self, batch: TaggedBatch) -> list[list]:
        lines = []
        for r in batch.rows():
            labels = ", ".join(f"{name} {r['scores'][name]:.2f}" for name in r["labels"]) or "-"
            line = [r["source"], r["paragraph"]] + ([r.get("id", "")] if self.with_ids else []) + [labels]
            if self.explain:
                line.append("; ".join(f"{label}: " + ", ".join(e["text"] for e in ev) for label, ev in r["evidence"].items()) or "-")
            lines.append(line + [shorten(r["text"])])
        return lines

    def write_chunk(self, chunk: list[list]) -> None:
        self.lines.extend(chunk)

    def close(self) -> None:
        from tabulate import tabulate

        headers = ["source", "#"] + (["id"] if self.with_ids else []) + ["labels"] + (["evidence"] if self.explain else []) + ["text"]
        self.out.write(tabulate(self.lines, headers=headers) + "\n")


WRITERS = {"jsonl": JsonlWriter, "json": JsonWriter, "csv": CsvWriter, "table": TableWriter}
