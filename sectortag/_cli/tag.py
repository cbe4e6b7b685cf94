"""``sectortag tag``: inputs are read, split, tagged and written in batches.

Memory stays flat however large the input. Rows are written as soon as
their batch is tagged; an error part-way (a bad record on line 900,000)
stops with exit code 1 after the rows before it, and ``--out`` then leaves
no file behind.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator, Sequence

from .._errors import DataError
from ._common import UsageError, add_encoding, add_model, check_out, check_threshold, load_tagger

__all__ = ["add_parser", "run", "tag_inputs", "tag_rows"]

FORMATS = ("table", "json", "jsonl", "csv", "parquet")
INPUT_FORMATS = ("auto", "text", "jsonl", "csv", "parquet")
TABLE_KINDS = ("csv", "parquet")
_BATCH = 2000  # paragraphs tagged at once...
_BATCH_CHARS = 4_000_000  # ...or fewer, when they are long
_OUT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def _text_items(paragraphs: Iterable, name: str) -> Iterator[tuple[dict, str]]:
    """(row head, text) for each paragraph of one text input."""
    count = 0
    for paragraph in paragraphs:
        count += 1
        yield {"source": name, "paragraph": count, "start": paragraph.start, "end": paragraph.end}, paragraph.text
    if not count:
        where = "standard input" if name == "<stdin>" else name
        raise DataError(f"{where} is empty; give some text to tag")


def _jsonl_items(pieces: Iterable[str], name: str, text_field: str = "text", id_field: str = "id") -> Iterator[tuple[dict, str]]:
    """(row head, text) for each record of a JSON Lines input: one row per record, never split."""
    from .._io.data import parse_jsonl_line, split_lines

    count = 0
    for number, line in split_lines(pieces):
        if not line.strip():
            continue
        record = parse_jsonl_line(line, name, number, f"expected a JSON object with a {text_field!r} field")
        text = record.get(text_field)
        if not isinstance(text, str):
            raise DataError(f"missing {text_field!r} (a string) in this record", path=name, line=number)
        count += 1
        head = {"source": name, "paragraph": count, "line": number, "id": record.get(id_field), "start": 0, "end": len(text)}
        yield head, text
    if not count:
        where = "standard input" if name == "<stdin>" else name
        raise DataError(f"{where} is empty; give one JSON object per line with a {text_field!r} field")


def input_kind(fmt: str, name: str) -> str:
    """How to read ``name`` under ``--input-format fmt``: text, jsonl, csv or parquet (``auto``: by suffix)."""
    from .._io.data import JSONL_SUFFIXES
    from .._io.tables import CSV_SUFFIXES, PARQUET_SUFFIXES

    if fmt != "auto":
        return fmt
    lowered = name.lower()
    for kind, suffixes in (("jsonl", JSONL_SUFFIXES), ("csv", CSV_SUFFIXES), ("parquet", PARQUET_SUFFIXES)):
        if lowered.endswith(suffixes):
            return kind
    return "text"


def expand_files(paths: Sequence[str]) -> list[str]:
    """The ``--file`` values with glob patterns (``data/*.parquet``) expanded, in order; each checked."""
    import glob

    from .._io.data import check_path

    found = []
    for path in paths:
        if path != "-" and not os.path.exists(path) and glob.has_magic(path):
            matches = sorted(glob.glob(path))
            if not matches:
                raise DataError("no file matches this pattern; check the path", path=path)
            found.extend(matches)
        else:
            found.append(path)
    for path in found:
        check_path(path)
    return found


def plan_inputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(kind, source) of every input, checked before anything is read or tagged.

    kind is ``arg`` (source is the text), ``text``, ``jsonl``, ``csv`` or
    ``parquet`` (a path, or ``<stdin>`` but for Parquet). TEXT arguments and
    the existence of files are checked here, so the common mistakes fail
    before the model is loaded. Tables (CSV, Parquet) cannot be mixed with
    text in one run: their rows have other columns.
    """
    plan = [("arg", text) for text in args.text]
    for i, text in enumerate(args.text, 1):
        if not text.strip():
            raise DataError(f"arg{i} is empty; give some text to tag")
    for path in expand_files(args.file or []):
        plan.append((input_kind(args.input_format, path), path))
    if not plan:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("nothing to tag: give TEXT, --file PATH, or pipe text on stdin")
        kind = "text" if args.input_format == "auto" else args.input_format
        if kind == "parquet":
            raise UsageError("Parquet cannot be read from standard input; give the file with --file PATH")
        plan.append((kind, "<stdin>"))
    tables = {kind in TABLE_KINDS for kind, _ in plan}
    if len(tables) > 1:
        raise UsageError("CSV and Parquet files cannot be tagged together with text or JSON Lines; tag them in separate runs")
    return plan


def _pieces(source: str, args: argparse.Namespace) -> Iterator[str]:
    from .._io.data import decode_stream, iter_file_text

    if source == "<stdin>":
        return decode_stream(sys.stdin.buffer, source, args.encoding, args.errors)
    return iter_file_text(source, args.encoding, args.errors)


def _items(plan: Sequence[tuple[str, str]], args: argparse.Namespace) -> Iterator[tuple[dict, str]]:
    """(row head, text) for every paragraph or record of every input, in order, read lazily."""
    from .._io.paragraphs import iter_paragraphs, split_paragraphs

    arg_number = 0
    for kind, source in plan:
        if kind == "arg":
            arg_number += 1
            yield from _text_items(split_paragraphs(source), f"arg{arg_number}")
            continue
        pieces = _pieces(source, args)
        if kind == "jsonl":
            yield from _jsonl_items(pieces, source, args.text_column, args.id_column or "id")
        else:
            yield from _text_items(iter_paragraphs(pieces), source)


def _tables(plan: Sequence[tuple[str, str]], args: argparse.Namespace):
    """Every CSV or Parquet input as tables of rows, in order, read lazily."""
    from .._io.tables import csv_tables, parquet_tables

    for kind, source in plan:
        if kind == "parquet":
            yield from parquet_tables(source)
        else:
            yield from csv_tables(_pieces(source, args), source)


def table_columns(names: Sequence[str], source: str, args: argparse.Namespace) -> tuple[str, str | None]:
    """The text column and the id column (None when there is none) of a table with columns ``names``."""
    from .._io.tables import find_column

    text = find_column(names, args.text_column, "--text-column", source)
    if args.id_column is not None:
        return text, find_column(names, args.id_column, "--id-column", source)
    return text, next((name for name in names if name.casefold() == "id"), None)


def _tag_tables(tagger, plan, args, fmt: str, out, progress) -> int:
    """Tag CSV or Parquet inputs a table at a time into ``out``; the number of rows written."""
    from .._io.tables import table_writer, tag_table

    writer = columns = None
    done = 0
    for table in _tables(plan, args):
        if columns is None:
            columns = list(table.columns)
            text, id_column = table_columns(columns, table.source, args)
            writer = table_writer(fmt, out, text=text, id_column=id_column, labels=tagger.classes_)
        elif list(table.columns) != columns:
            raise DataError(f"its columns differ from the first input's ({', '.join(columns)}); tag them in separate runs",
                            path=table.source)
        writer.write(tag_table(tagger, table, text, threshold=args.threshold))
        done += table.num_rows
        progress.update(done)
    if writer is not None:
        writer.close()
    return done


def _tag_batch(tagger, batch: Sequence[tuple[dict, str]], threshold, explain: bool, top: int) -> list[dict]:
    probabilities = tagger.predict_proba([text for _, text in batch])
    labels = tagger._labels_from(probabilities, threshold)
    classes = tagger.classes_
    rows = []
    for (head, text), names, scores in zip(batch, labels, probabilities.tolist()):
        row = dict(head, labels=names, scores={label: round(s, 4) for label, s in zip(classes, scores)}, text=text)
        if explain:
            explanations = tagger.explain(text, top=top)
            offset = head["start"]
            row["evidence"] = {
                label: [
                    {"text": e.text, "start": offset + e.start, "end": offset + e.end, "weight": round(e.weight, 4)}
                    for e in explanations[label].evidence
                ]
                for label in names
            }
        rows.append(row)
    return rows


def tag_rows(
    tagger, items: Iterable[tuple[dict, str]], *, threshold=None, explain=False, top=5, batch_size=_BATCH
) -> Iterator[list[dict]]:
    """Tag ``(row head, text)`` items in batches; yield each batch's finished rows.

    A row is the head (source, paragraph number, span...) plus ``labels``,
    ``scores``, ``text`` and, with ``explain``, ``evidence`` whose spans are
    offsets into the same input as the head's. Every item gets one row.
    """
    batch: list[tuple[dict, str]] = []
    chars = 0
    for item in items:
        batch.append(item)
        chars += len(item[1])
        if len(batch) >= batch_size or chars >= _BATCH_CHARS:
            yield _tag_batch(tagger, batch, threshold, explain, top)
            batch, chars = [], 0
    if batch:
        yield _tag_batch(tagger, batch, threshold, explain, top)


def tag_inputs(tagger, inputs: Sequence[tuple[str, str]], *, threshold=None, explain=False, top=5) -> list[dict]:
    """One row per paragraph of every (source name, text) input, all in memory."""
    from .._io.paragraphs import split_paragraphs

    items = (item for source, text in inputs for item in _text_items(split_paragraphs(text), source))
    return [row for rows in tag_rows(tagger, items, threshold=threshold, explain=explain, top=top) for row in rows]


class _Progress:
    """Paragraphs done and rate on stderr: a line redrawn in place on a terminal, else one every 10 s."""

    def __init__(self, enabled: bool):
        import time

        from .._progress import StatusLine

        self.clock = time.perf_counter
        self.enabled, self.line = enabled, StatusLine()
        self.started = self.last = self.clock()

    def _message(self, done: int) -> str:
        elapsed = self.clock() - self.started
        return f"{done:,} paragraphs tagged in {elapsed:.1f} s ({done / max(elapsed, 1e-9):,.0f}/s)"

    def update(self, done: int) -> None:
        if not self.enabled or self.clock() - self.last < (0.2 if self.line.tty else 10.0):
            return
        self.last = self.clock()
        self.line.show(self._message(done))

    def clear(self) -> None:
        self.line.clear()

    def finish(self, done: int, path: str | None) -> None:
        if self.enabled and path is not None:
            self.line.end(f"{self._message(done)}; wrote {path}")
        else:
            self.clear()


def run(args: argparse.Namespace) -> int:
    """Tag every input of ``args`` and write the rows; the exit code."""
    from .._io.outpath import open_output
    from .._io.tables import ParquetRowWriter
    from .._io.writers import WRITERS

    check_threshold(args.threshold)
    if args.top < 0:
        raise UsageError(f"--top must be 0 or more, got {args.top}")
    if args.scheduler is not None:
        from ._scheduler import run_scheduler

        return run_scheduler(args, args.format)
    check_out(args.out)
    plan = plan_inputs(args)
    tagger = load_tagger(args.model)
    fmt = args.format or _OUT_FORMATS.get(os.path.splitext(args.out or "")[1].lower())
    fmt = fmt or ("table" if args.out is None and sys.stdout.isatty() else "jsonl")
    if fmt == "parquet" and args.out in (None, "-"):
        raise UsageError("Parquet output needs a file: give --out FILE.parquet")
    tables = any(kind in TABLE_KINDS for kind, _ in plan)
    if tables and args.explain:
        raise UsageError("--explain works on text and JSON Lines input, not CSV or Parquet tables")
    with_ids = any(kind == "jsonl" for kind, _ in plan)
    show = not args.no_progress and (args.out is not None or (sys.stderr.isatty() and not sys.stdout.isatty()))
    progress = _Progress(show)
    done = 0
    try:
        with open_output(args.out, binary=fmt == "parquet") as out:
            if tables:
                done = _tag_tables(tagger, plan, args, fmt, out, progress)
            else:
                writer = WRITERS[fmt](out, with_ids, args.explain) if fmt in WRITERS else ParquetRowWriter(out, with_ids, args.explain)
                for rows in tag_rows(tagger, _items(plan, args), threshold=args.threshold, explain=args.explain, top=args.top):
                    writer.write(rows)
                    done += len(rows)
                    progress.update(done)
                writer.close()
    finally:
        progress.clear()
    progress.finish(done, args.out)
    return 0


def add_parser(commands) -> None:
    """Add ``tag`` to the subparsers ``commands``."""
    tag = commands.add_parser(
        "tag", help="tag text, files or stdin, one row per paragraph",
        description="Tag TEXT arguments, --file documents or standard input; every paragraph gets one row. "
        "Input is read, tagged and written in batches, so memory stays flat on large files. Text is split "
        "into paragraphs in chunks cut at blank lines (or between lines the splitter separates anyway); "
        "spans are character offsets into the whole input, and any rule that looks at a whole document sees "
        "one chunk. JSON Lines input (--jsonl) gives one row per record, never split.",
    )
    tag.add_argument("text", nargs="*", metavar="TEXT", help="text to tag (split into paragraphs)")
    tag.add_argument("--file", action="append", metavar="PATH", help="a file to tag; .gz files are unzipped (repeatable)")
    tag.add_argument(
        "--input-format", choices=INPUT_FORMATS, default="auto",
        help="how to read --file and stdin: text split into paragraphs; JSON Lines records with a text field and an "
        "optional id carried into the output; or a table (CSV, Parquet) whose rows keep all their columns and gain "
        "'labels' and 'score_<label>' columns (default: auto, i.e. by suffix: .jsonl, .ndjson, .jsonl.gz; .csv, "
        ".tsv, .csv.gz; .parquet; text for other files and stdin)",
    )
    tag.add_argument("--jsonl", dest="input_format", action="store_const", const="jsonl", help="same as --input-format jsonl")
    tag.add_argument(
        "--format", "--output-format", dest="format", choices=FORMATS,
        help="output format (default: from the --out suffix .jsonl, .json, .csv or .parquet; else table on a terminal, "
        "jsonl otherwise)",
    )
    tag.add_argument("--text-column", default="text", metavar="NAME",
                     help="the column (CSV, Parquet) or field (JSON Lines) holding the text (default: text, in any case)")
    tag.add_argument("--id-column", metavar="NAME",
                     help="the column or field identifying each row, shown in the table and carried as 'id' from JSON "
                     "Lines (default: id, when there is one)")
    tag.add_argument("--out", metavar="PATH", help="write the rows to this file instead of standard output (replaced only when tagging succeeds)")
    tag.add_argument(
        "--no-progress", action="store_true",
        help="no progress line on stderr (shown with --out, or when stderr is a terminal and stdout is not)",
    )
    tag.add_argument("--threshold", type=float, help="one probability threshold for every label instead of the model's own")
    tag.add_argument("--explain", action="store_true", help="show the words that support each predicted label")
    tag.add_argument("--top", type=int, default=5, help="evidence items per label with --explain (default: 5)")
    tag.add_argument(
        "--scheduler", metavar="local:N|tcp://HOST:PORT",
        help="tag CSV or Parquet files on a Dask cluster: local:N starts N worker processes here, tcp://HOST:PORT "
        "uses a running scheduler; with --out FOLDER each part is written as FOLDER/part.NNNNN.parquet "
        "(needs pip install \"sectortag[dask]\")",
    )
    tag.add_argument("--partition-rows", type=int, default=50_000, metavar="N",
                     help="with --scheduler, rows per part (default: 50000); a Parquet part is whole row groups")
    add_model(tag)
    add_encoding(tag)
    tag.set_defaults(handler=run)
