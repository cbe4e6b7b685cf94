"""Writers of tagged rows: JSON Lines, a JSON array, CSV and a table for people.

Each writer takes batches of rows (``write``) and finishes with ``close``;
all but the table stream, so memory stays flat however many rows come.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TextIO

__all__ = ["WRITERS", "CsvWriter", "JsonWriter", "JsonlWriter", "TableWriter", "shorten"]


def shorten(text: str, width: int = 70) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "\u2026"


class JsonlWriter:
    """One JSON object per line."""

    def __init__(self, out: TextIO, with_ids: bool, explain: bool):
        self.out = out

    def write(self, rows: list[dict]) -> None:
        self.out.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))

    def close(self) -> None:
        pass


class JsonWriter(JsonlWriter):
    """A JSON array, streamed one row at a time (same text as ``json.dumps(rows, indent=2)``)."""

    def __init__(self, out: TextIO, with_ids: bool, explain: bool):
        self.out, self.started = out, False

    def write(self, rows: list[dict]) -> None:
        parts = []
        for row in rows:
            parts.append(",\n" if self.started else "[\n")
            parts.append("  " + json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  "))
            self.started = True
        self.out.write("".join(parts))

    def close(self) -> None:
        self.out.write("\n]\n" if self.started else "[]\n")


class CsvWriter(JsonlWriter):
    """CSV with a header row."""

    def __init__(self, out: TextIO, with_ids: bool, explain: bool):
        self.out, self.with_ids = out, with_ids
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        ids = ["line", "id"] if with_ids else []
        self.writer.writerow(["source", "paragraph", *ids, "start", "end", "labels", "scores", "text"])

    def write(self, rows: list[dict]) -> None:
        for r in rows:
            scores = ";".join(f"{k}={v:.4f}" for k, v in r["scores"].items())
            ids = [r.get("line", ""), "" if r.get("id") is None else r["id"]] if self.with_ids else []
            self.writer.writerow([r["source"], r["paragraph"], *ids, r["start"], r["end"], ";".join(r["labels"]), scores, r["text"]])
        self.out.write(self.buffer.getvalue())
        self.buffer.seek(0)
        self.buffer.truncate()

    def close(self) -> None:
        self.out.write(self.buffer.getvalue())


class TableWriter(JsonlWriter):
    """A table for people: needs every row to size its columns, so it keeps them (shortened)."""

    def __init__(self, out: TextIO, with_ids: bool, explain: bool):
        self.out, self.with_ids, self.explain, self.lines = out, with_ids, explain, []

    def write(self, rows: list[dict]) -> None:
        for r in rows:
            labels = ", ".join(f"{name} {r['scores'][name]:.2f}" for name in r["labels"]) or "-"
            line = [r["source"], r["paragraph"]] + ([r.get("id", "")] if self.with_ids else []) + [labels]
            if self.explain:
                line.append("; ".join(f"{label}: " + ", ".join(e["text"] for e in ev) for label, ev in r["evidence"].items()) or "-")
            self.lines.append(line + [shorten(r["text"])])

    def close(self) -> None:
        from tabulate import tabulate

        headers = ["source", "#"] + (["id"] if self.with_ids else []) + ["labels"] + (["evidence"] if self.explain else []) + ["text"]
        self.out.write(tabulate(self.lines, headers=headers) + "\n")


WRITERS = {"jsonl": JsonlWriter, "json": JsonWriter, "csv": CsvWriter, "table": TableWriter}
