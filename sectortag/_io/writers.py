"""Writers of tagged rows: JSON Lines, a JSON array, CSV and a table for people.

Each writer takes batches of rows (``write``) and finishes with ``close``.
All stream: the table is sized on its first ``TABLE_ROWS`` rows and, when
more come, goes on with the same column widths, so memory stays flat
however many rows come.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TextIO

__all__ = ["TABLE_ROWS", "WRITERS", "CsvWriter", "JsonWriter", "JsonlWriter", "TableWriter", "evidence_text", "shorten"]

TABLE_ROWS = 1000  # rows a table is sized on before it streams
_HEAD = ("source", "paragraph", "line", "id", "start", "end", "labels", "scores", "text", "evidence")


def shorten(text: str, width: int = 70) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "\u2026"


def json_default(value):
    """JSON for values passed through from a Parquet table: dates and times as ISO text, anything else as its str."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def evidence_text(evidence: dict) -> str:
    """``label: word, word; label: word`` for people, or ``-`` when there is none."""
    return "; ".join(f"{label}: " + ", ".join(e["text"] for e in items) for label, items in evidence.items()) or "-"


class JsonlWriter:
    """One JSON object per line."""

    def __init__(self, out: TextIO, with_ids: bool, explain: bool, classes: Sequence[str] = ()):
        self.out = out

    def write(self, rows: list[dict]) -> None:
        self.out.write("".join(json.dumps(r, ensure_ascii=False, default=json_default) + "\n" for r in rows))

    def close(self) -> None:
        pass


class JsonWriter(JsonlWriter):
    """A JSON array, streamed one row at a time (same text as ``json.dumps(rows, indent=2)``)."""

    def __init__(self, out: TextIO, with_ids: bool, explain: bool, classes: Sequence[str] = ()):
        self.out, self.started = out, False

    def write(self, rows: list[dict]) -> None:
        parts = []
        for row in rows:
            parts.append(",\n" if self.started else "[\n")
            parts.append("  " + json.dumps(row, ensure_ascii=False, indent=2, default=json_default).replace("\n", "\n  "))
            self.started = True
        self.out.write("".join(parts))

    def close(self) -> None:
        self.out.write("\n]\n" if self.started else "[]\n")


class CsvWriter(JsonlWriter):
    """CSV: the row head, labels separated by ``;``, one ``score_<label>`` column per label, the text.

    With ``explain`` an ``evidence`` column follows the labels; record fields
    passed through from the input follow the text, as columns named after
    the fields of the first batch (values that are not strings as JSON).
    """

    def __init__(self, out: TextIO, with_ids: bool, explain: bool, classes: Sequence[str] = ()):
        self.out, self.with_ids, self.explain, self.classes = out, with_ids, explain, list(classes)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.extras: list[str] | None = None

    def _header(self, rows: list[dict]) -> None:
        self.extras = list(dict.fromkeys(k for r in rows for k in r if k not in _HEAD))
        ids = ["line", "id"] if self.with_ids else []
        evidence = ["evidence"] if self.explain else []
        scores = [f"score_{label}" for label in self.classes]
        self.writer.writerow(["source", "paragraph", *ids, "start", "end", "labels", *evidence, *scores, "text", *self.extras])

    @staticmethod
    def _cell(value) -> str:
        return "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=json_default)

    def write(self, rows: list[dict]) -> None:
        if self.extras is None:
            self._header(rows)
        for r in rows:
            ids = [r.get("line", ""), self._cell(r.get("id"))] if self.with_ids else []
            evidence = [evidence_text(r.get("evidence", {}))] if self.explain else []
            scores = [f"{r['scores'][label]:.4f}" for label in self.classes]
            extras = [self._cell(r.get(k)) for k in self.extras]
            self.writer.writerow([r["source"], r["paragraph"], *ids, r["start"], r["end"], ";".join(r["labels"]),
                                  *evidence, *scores, r["text"], *extras])
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

    def __init__(self, out: TextIO, with_ids: bool, explain: bool, classes: Sequence[str] = ()):
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

    def write(self, rows: list[dict]) -> None:
        if self.widths is not None:
            self._stream([self._line(r) for r in rows])
            return
        self.lines.extend(self._line(r) for r in rows)
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
