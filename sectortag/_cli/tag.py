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
from ._common import UsageError, add_encoding, add_jobs, add_model, check_jobs, check_out, check_threshold, load_tagger

__all__ = ["add_parser", "run", "tag_inputs", "tag_rows"]

FORMATS = ("table", "json", "jsonl", "csv")
_BATCH = 2000  # paragraphs tagged at once...
_BATCH_CHARS = 4_000_000  # ...or fewer, when they are long
_OUT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}


def _text_items(paragraphs: Iterable, name: str) -> Iterator[tuple[dict, str]]:
    """(row head, text) for each paragraph of one text input."""
    count = 0
    for paragraph in paragraphs:
        count += 1
        yield {"source": name, "paragraph": count, "start": paragraph.start, "end": paragraph.end}, paragraph.text
    if not count:
        where = "standard input" if name == "<stdin>" else name
        raise DataError(f"{where} is empty; give some text to tag")


def _jsonl_items(pieces: Iterable[str], name: str) -> Iterator[tuple[dict, str]]:
    """(row head, text) for each record of a JSON Lines input: one row per record, never split."""
    from .._io.data import parse_jsonl_line, split_lines

    count = 0
    for number, line in split_lines(pieces):
        if not line.strip():
            continue
        record = parse_jsonl_line(line, name, number, "expected a JSON object with a 'text' field")
        text = record.get("text")
        if not isinstance(text, str):
            raise DataError("missing 'text' (a string) in this record", path=name, line=number)
        count += 1
        head = {"source": name, "paragraph": count, "line": number, "id": record.get("id"), "start": 0, "end": len(text)}
        yield head, text
    if not count:
        where = "standard input" if name == "<stdin>" else name
        raise DataError(f"{where} is empty; give one JSON object per line with a 'text' field")


def _is_jsonl(args: argparse.Namespace, name: str) -> bool:
    from .._io.data import JSONL_SUFFIXES

    fmt = args.input_format
    return fmt == "jsonl" or (fmt == "auto" and name.lower().endswith(JSONL_SUFFIXES))


def plan_inputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(kind, source) of every input, checked before anything is read or tagged.

    kind is ``arg`` (source is the text), ``text`` or ``jsonl`` (a path or
    ``<stdin>``). TEXT arguments and the existence of files are checked here,
    so the common mistakes fail before the model is loaded.
    """
    plan = [("arg", text) for text in args.text]
    for i, text in enumerate(args.text, 1):
        if not text.strip():
            raise DataError(f"arg{i} is empty; give some text to tag")
    from .._io.data import check_path

    for path in args.file or []:
        check_path(path)
        plan.append(("jsonl" if _is_jsonl(args, path) else "text", path))
    if not plan:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("nothing to tag: give TEXT, --file PATH, or pipe text on stdin")
        plan.append(("jsonl" if args.input_format == "jsonl" else "text", "<stdin>"))
    return plan


def _items(plan: Sequence[tuple[str, str]], args: argparse.Namespace) -> Iterator[tuple[dict, str]]:
    """(row head, text) for every paragraph or record of every input, in order, read lazily."""
    from .._io.data import decode_stream, iter_file_text
    from .._io.paragraphs import iter_paragraphs, split_paragraphs

    arg_number = 0
    for kind, source in plan:
        if kind == "arg":
            arg_number += 1
            yield from _text_items(split_paragraphs(source), f"arg{arg_number}")
            continue
        if source == "<stdin>":
            pieces = decode_stream(sys.stdin.buffer, source, args.encoding, args.errors)
        else:
            pieces = iter_file_text(source, args.encoding, args.errors)
        if kind == "jsonl":
            yield from _jsonl_items(pieces, source)
        else:
            yield from _text_items(iter_paragraphs(pieces), source)


def _tag_batch(tagger, batch: Sequence[tuple[dict, str]], threshold, explain: bool, top: int):
    """A :class:`TaggedBatch` of ``(row head, text)`` items, with the evidence for each predicted label."""
    from .._io.writers import TaggedBatch

    texts = [text for _, text in batch]
    probabilities = tagger.predict_proba(texts)
    labels = tagger._labels_from(probabilities, threshold)
    evidence = None
    if explain:
        from .._model.explain import explain_batch

        index = {name: j for j, name in enumerate(tagger.classes_)}
        explanations = explain_batch(tagger, texts, top=top, wanted=[[index[n] for n in names] for names in labels])
        evidence = [
            {
                label: [
                    {"text": e.text, "start": head["start"] + e.start, "end": head["start"] + e.end, "weight": round(e.weight, 4)}
                    for e in explained[label].evidence
                ]
                for label in names
            }
            for (head, _), names, explained in zip(batch, labels, explanations)
        ]
    return TaggedBatch([head for head, _ in batch], texts, labels, probabilities, list(tagger.classes_), evidence)


def _batches(items: Iterable[tuple[dict, str]], batch_size: int) -> Iterator[list[tuple[dict, str]]]:
    """``items`` in lists of ``batch_size``, or fewer when their texts reach ``_BATCH_CHARS``."""
    batch: list[tuple[dict, str]] = []
    chars = 0
    for item in items:
        batch.append(item)
        chars += len(item[1])
        if len(batch) >= batch_size or chars >= _BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def tag_rows(
    tagger, items: Iterable[tuple[dict, str]], *, threshold=None, explain=False, top=5, batch_size=_BATCH
) -> Iterator[list[dict]]:
    """Tag ``(row head, text)`` items in batches; yield each batch's finished rows.

    A row is the head (source, paragraph number, span...) plus ``labels``,
    ``scores``, ``text`` and, with ``explain``, ``evidence`` whose spans are
    offsets into the same input as the head's. Every item gets one row.
    """
    for batch in _batches(items, batch_size):
        yield _tag_batch(tagger, batch, threshold, explain, top).rows()


def tag_inputs(tagger, inputs: Sequence[tuple[str, str]], *, threshold=None, explain=False, top=5) -> list[dict]:
    """One row per paragraph of every (source name, text) input, all in memory."""
    from .._io.paragraphs import split_paragraphs

    items = (item for source, text in inputs for item in _text_items(split_paragraphs(text), source))
    return [row for rows in tag_rows(tagger, items, threshold=threshold, explain=explain, top=top) for row in rows]


def _tag_and_format(state: tuple, batch: list[tuple[dict, str]]):
    """Tag one batch and format it for the writer (in a worker process, or here)."""
    tagger, writer, threshold, explain, top = state
    return len(batch), writer.format(_tag_batch(tagger, batch, threshold, explain, top))


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
    from .._io.writers import WRITERS
    from .._parallel import WorkerPool, worker_count

    check_threshold(args.threshold)
    check_jobs(args.jobs)
    if args.top < 0:
        raise UsageError(f"--top must be 0 or more, got {args.top}")
    check_out(args.out)
    plan = plan_inputs(args)
    tagger = load_tagger(args.model)
    fmt = args.format or _OUT_FORMATS.get(os.path.splitext(args.out or "")[1].lower())
    fmt = fmt or ("table" if args.out is None and sys.stdout.isatty() else "jsonl")
    with_ids = any(kind == "jsonl" for kind, _ in plan)
    show = not args.no_progress and (args.out is not None or (sys.stderr.isatty() and not sys.stdout.isatty()))
    progress = _Progress(show)
    done = 0
    formatter = WRITERS[fmt](None, with_ids, args.explain)  # formats batches, in the workers too
    state = (tagger, formatter, args.threshold, args.explain, args.top)
    try:
        # workers are forked before the output is opened: they hold the model and nothing else
        with WorkerPool(state, _tag_and_format, worker_count(args.jobs)) as pool, open_output(args.out) as out:
            writer = WRITERS[fmt](out, with_ids, args.explain)
            for count, chunk in pool.imap(_batches(_items(plan, args), _BATCH)):
                writer.write_chunk(chunk)
                done += count
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
        "--input-format", choices=("auto", "text", "jsonl"), default="auto",
        help="how to read --file and stdin: text split into paragraphs, or JSON Lines records with a 'text' field "
        "and an optional 'id' carried into the output (default: auto, i.e. jsonl for files ending in .jsonl, "
        ".ndjson or .jsonl.gz, text for other files and stdin)",
    )
    tag.add_argument("--jsonl", dest="input_format", action="store_const", const="jsonl", help="same as --input-format jsonl")
    tag.add_argument(
        "--format", choices=FORMATS,
        help="output format (default: from the --out suffix .jsonl, .json or .csv; else table on a terminal, jsonl otherwise)",
    )
    tag.add_argument("--out", metavar="PATH", help="write the rows to this file instead of standard output (replaced only when tagging succeeds)")
    tag.add_argument(
        "--no-progress", action="store_true",
        help="no progress line on stderr (shown with --out, or when stderr is a terminal and stdout is not)",
    )
    tag.add_argument("--threshold", type=float, help="one probability threshold for every label instead of the model's own")
    tag.add_argument("--explain", action="store_true", help="show the words that support each predicted label")
    tag.add_argument("--top", type=int, default=5, help="evidence items per label with --explain (default: 5)")
    add_jobs(tag, default=1, what="tagging (the output does not depend on it)")
    add_model(tag)
    add_encoding(tag)
    tag.set_defaults(handler=run)
