"""``sectortag tag``: inputs are read, split, tagged and written in batches.

Memory stays flat however large the input. Rows are written as soon as
their batch is tagged; an error part-way (a bad record on line 900,000)
stops with exit code 1 after the rows before it, and ``--out`` then leaves
no file behind. An empty input gives no row and a note on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator, Sequence

from ._common import (
    UsageError, add_encoding, add_jobs, add_model, check_jobs, check_out, check_threshold, load_tagger, output_format,
)

__all__ = ["add_parser", "explain_evidence", "plan_inputs", "run", "tag_inputs", "tag_rows"]

FORMATS = ("table", "json", "jsonl", "csv", "parquet", "html")
STDIN = "<stdin>"
_BATCH = 2000  # paragraphs tagged at once...
_BATCH_CHARS = 4_000_000  # ...or fewer, when they are long
_OUT_FORMATS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet",
    ".html": "html", ".htm": "html",
}


def plan_inputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(kind, source) of every input, checked before anything is read or tagged.

    kind is ``arg`` (source is the text) or an input format (source is a
    path or ``<stdin>``); ``-`` as a file or a TEXT stands for standard
    input. A TEXT that names an existing file is refused with a hint to use
    ``--file``, and missing files fail here, before the model is loaded.
    """
    from .._io.data import check_path
    from .._io.inputs import format_of

    plan = []
    for text in args.text:
        if text == "-":
            plan.append(("auto" if args.input_format == "auto" else args.input_format, STDIN))
        elif "\n" not in text and len(text) < 4096 and os.path.isfile(text):
            raise UsageError(f"TEXT {text!r} is the name of a file; to tag the file, use --file {text}")
        else:
            plan.append(("arg", text))
    for path in expand_globs(args.file or []):
        if path == "-":
            plan.append(("auto" if args.input_format == "auto" else args.input_format, STDIN))
            continue
        check_path(path)
        plan.append((format_of(path, args.input_format), path))
    if not plan:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("nothing to tag: give TEXT, --file PATH, or pipe text on stdin")
        plan.append((args.input_format, STDIN))
    if sum(source == STDIN for _, source in plan) > 1:
        raise UsageError("standard input (-) can be read only once")
    if any(kind == "parquet" and source == STDIN for kind, source in plan):
        raise UsageError("Parquet cannot be read from standard input; give the file with --file PATH")
    return plan


def expand_globs(paths: Sequence[str]) -> list[str]:
    """``--file`` values with glob patterns (``corpus/*.parquet``) expanded in sorted order; others kept."""
    import glob

    from .._errors import DataError

    found = []
    for path in paths:
        if path != "-" and not os.path.exists(path) and glob.has_magic(path):
            matches = sorted(glob.glob(path))
            if not matches:
                raise DataError("no file matches this pattern; check the path", path=path)
            found.extend(matches)
        else:
            found.append(path)
    return found


def _items(plan: Sequence[tuple[str, str]], args: argparse.Namespace, empty: list[str]) -> Iterator[tuple]:
    """(row head, text, fields) for every paragraph or record of every input, in order, read lazily.

    The name of every input that gave nothing is appended to ``empty``.
    """
    from .._io.data import decode_stream, iter_file_text
    from .._io.inputs import record_items, sniff, text_items
    from .._io.paragraphs import iter_paragraphs, split_paragraphs

    arg_number = 0
    for kind, source in plan:
        if kind == "arg":
            arg_number += 1
            name = f"arg{arg_number}"
            items = text_items(split_paragraphs(source, split=args.split), name)
        else:
            name = source
            if kind == "parquet":
                pieces = None
            elif source == STDIN:
                pieces = decode_stream(sys.stdin.buffer, source, args.encoding, args.errors)
                if kind == "auto":
                    kind, pieces = sniff(pieces)
            else:
                pieces = iter_file_text(source, args.encoding, args.errors)
            if kind == "text":
                items = text_items(iter_paragraphs(pieces, split=args.split), source)
            else:
                items = record_items(pieces, source, kind, text=args.text_column, id=args.id_column)
        count = 0
        for item in items:
            count += 1
            yield item
        if not count:
            empty.append("standard input" if name == STDIN else name)


def explain_evidence(explanation, offset: int, top: int) -> list[dict]:
    """The ``top`` distinct words and phrases behind one label, strongest first.

    A word that occurs several times is listed once: its weight is the sum
    over its occurrences and its span the strongest occurrence's.
    """
    merged: dict[str, dict] = {}
    for e in explanation.evidence:
        key = e.text.casefold()
        if key in merged:
            merged[key]["weight"] += e.weight
        else:
            merged[key] = {"text": e.text, "start": offset + e.start, "end": offset + e.end, "weight": e.weight}
    ranked = sorted(merged.values(), key=lambda item: -abs(item["weight"]))[:top]
    return [dict(item, weight=round(item["weight"], 4)) for item in ranked]


def _tag_batch(tagger, batch: Sequence[tuple], threshold, explain: bool, top: int):
    """A :class:`TaggedBatch` of ``(row head, text[, fields])`` items, with the evidence for each predicted label.

    The evidence comes from the batch explainer (every span of the predicted
    labels), each word listed once by :func:`explain_evidence`.
    """
    from .._io.writers import TaggedBatch

    heads = [item[0] for item in batch]
    texts = [item[1] for item in batch]
    probabilities = tagger.predict_proba(texts)
    labels = tagger._labels_from(probabilities, threshold)
    evidence = None
    if explain:
        from .._model.explain import explain_batch

        index = {name: j for j, name in enumerate(tagger.classes_)}
        explanations = explain_batch(tagger, texts, top=None, wanted=[[index[n] for n in names] for names in labels])
        evidence = [
            {label: explain_evidence(explained[label], head["start"], top) for label in names}
            for head, names, explained in zip(heads, labels, explanations)
        ]
    fields = [item[2] if len(item) > 2 else {} for item in batch]
    return TaggedBatch(heads, texts, labels, probabilities, list(tagger.classes_), evidence, fields)


def _batches(items: Iterable[tuple], batch_size: int) -> Iterator[list[tuple]]:
    """``items`` in lists of ``batch_size``, or fewer when their texts reach ``_BATCH_CHARS``."""
    batch: list[tuple] = []
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
    tagger, items: Iterable[tuple], *, threshold=None, explain=False, top=5, batch_size=_BATCH
) -> Iterator[list[dict]]:
    """Tag ``(row head, text[, fields])`` items in batches; yield each batch's finished rows.

    A row is the head (source, paragraph number, span...) plus ``labels``,
    ``scores``, ``text``, with ``explain`` the ``evidence`` whose spans are
    offsets into the same input as the head's, then the item's ``fields``.
    Every item gets one row.
    """
    for batch in _batches(items, batch_size):
        yield _tag_batch(tagger, batch, threshold, explain, top).rows()


def tag_inputs(tagger, inputs: Sequence[tuple[str, str]], *, threshold=None, explain=False, top=5, split="auto") -> list[dict]:
    """One row per paragraph of every (source name, text) input, all in memory."""
    from .._io.inputs import text_items
    from .._io.paragraphs import split_paragraphs

    items = (item for source, text in inputs for item in text_items(split_paragraphs(text, split=split), source))
    return [row for rows in tag_rows(tagger, items, threshold=threshold, explain=explain, top=top) for row in rows]


def _tag_and_format(state: tuple, batch: list[tuple]):
    """Tag one batch and format it for the writer, or give its rows without one (in a worker process, or here)."""
    tagger, formatter, threshold, explain, top = state
    tagged = _tag_batch(tagger, batch, threshold, explain, top)
    return len(batch), tagged.rows() if formatter is None else formatter.format(tagged)


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
        if self.enabled and path is not None and path != "-":
            self.line.end(f"{self._message(done)}; wrote {path}")
        else:
            self.clear()


def run(args: argparse.Namespace) -> int:
    """Tag every input of ``args`` and write the rows; the exit code."""
    from .._io.outpath import open_output
    from .._io.tables import ParquetRowWriter
    from .._io.writers import WRITERS
    from .._parallel import WorkerPool, worker_count

    check_threshold(args.threshold)
    check_jobs(args.jobs)
    if args.top < 0:
        raise UsageError(f"--top must be 0 or more, got {args.top}")
    fmt = output_format(args.format, args.out, _OUT_FORMATS)
    if args.scheduler is not None:
        from ._scheduler import run_scheduler

        return run_scheduler(args, args.format)
    if fmt == "parquet" and args.out in (None, "-"):
        raise UsageError("Parquet output needs a file: give --out FILE.parquet")
    check_out(args.out)
    plan = plan_inputs(args)
    tagger = load_tagger(args.model)
    with_ids = any(kind not in ("arg", "text") for kind, _ in plan)
    to_file = args.out not in (None, "-")
    show = not args.no_progress and (to_file or (sys.stderr.isatty() and (not sys.stdout.isatty() or fmt == "table")))
    progress = _Progress(show)
    done, empty = 0, []
    classes = list(tagger.classes_)
    # JSON Lines, JSON, CSV and the table are formatted where the batch is tagged (in the workers with --jobs);
    # the HTML page and Parquet take the rows, tagged in the workers too, and are written here
    formatter = WRITERS[fmt](None, with_ids, args.explain, classes) if fmt in WRITERS else None
    state = (tagger, formatter, args.threshold, args.explain, args.top)
    try:
        # workers are forked before the output is opened: they hold the model and nothing else
        with WorkerPool(state, _tag_and_format, worker_count(args.jobs)) as pool, \
                open_output(args.out, binary=fmt == "parquet") as out:
            if fmt == "html":
                from .._io.html import html_writer

                writer = html_writer(tagger, out, with_ids=with_ids, explain=args.explain, top=args.top,
                                     threshold=args.threshold, sources=[source for _, source in plan])
            elif fmt == "parquet":
                writer = ParquetRowWriter(out, with_ids, args.explain, classes=classes)
            else:
                writer = WRITERS[fmt](out, with_ids, args.explain, classes)
            put = writer.write if formatter is None else writer.write_chunk
            for count, chunk in pool.imap(_batches(_items(plan, args, empty), _BATCH)):
                if fmt == "table":
                    progress.clear()
                put(chunk)
                done += count
                progress.update(done)
            writer.close()
    finally:
        progress.clear()
    progress.finish(done, args.out)
    for name in empty:
        sys.stderr.write(f"sectortag tag: note: {name} is empty; nothing to tag there\n")
    return 0


def add_parser(commands) -> None:
    """Add ``tag`` to the subparsers ``commands``."""
    from .._io.inputs import INPUT_FORMATS
    from .._io.paragraphs import SPLITS

    tag = commands.add_parser(
        "tag", help="tag text, files or stdin, one row per paragraph",
        description="Tag TEXT arguments, --file documents or standard input; every paragraph gets one row. "
        "Input is read, tagged and written in batches, so memory stays flat on large files. Text is split "
        "into paragraphs in chunks cut at blank lines (or between lines the splitter separates anyway); "
        "spans are character offsets into the whole input, and any rule that looks at a whole document sees "
        "one chunk. Records (JSON Lines, a JSON array, CSV with a 'text' column) give one row each, never "
        "split, and their other fields are passed through. An empty input gives no row and a note on stderr.",
    )
    tag.add_argument("text", nargs="*", metavar="TEXT", help="text to tag (split into paragraphs); - reads standard input")
    tag.add_argument(
        "--file", action="extend", nargs="+", metavar="PATH",
        help="files to tag (several after one --file, or repeat --file; - for standard input); .gz files are unzipped",
    )
    tag.add_argument(
        "--input-format", choices=INPUT_FORMATS, default="auto",
        help="how to read --file and stdin: text split into paragraphs, or records with a 'text' field "
        "(jsonl: one JSON object per line; json: an array of objects; csv: a header with a 'text' column, any "
        "case, ',' or ';' between fields; parquet: a Parquet file, needs pyarrow) whose 'id' and other fields are "
        "carried into the output (default: auto, i.e. from the suffix .jsonl/.ndjson, .json, .csv or .parquet, "
        "text for other files; on stdin, JSON Lines or a JSON array when the input is one, else text)",
    )
    tag.add_argument("--jsonl", dest="input_format", action="store_const", const="jsonl", help="same as --input-format jsonl")
    tag.add_argument(
        "--split", choices=SPLITS, default="auto",
        help="where text splits into paragraphs: blank (blank lines and bullets only), line (every line), or "
        "auto (default: blank for hard-wrapped prose, as pasted from PDFs and e-mails, detected per document; "
        "else every line, except lower-case continuations of a line cut mid-sentence)",
    )
    tag.add_argument(
        "--format", "--output-format", dest="format", choices=FORMATS,
        help="output format (default: from the --out suffix .jsonl, .json, .csv, .parquet or .html; else table on a "
        "terminal, jsonl otherwise); csv and parquet have one column per label score; html is one page to open in a "
        "browser, with each document's sector profile (and, with --explain, the evidence words highlighted)",
    )
    tag.add_argument("--text-column", default="text", metavar="NAME",
                     help="the field (JSON) or column (CSV, Parquet) holding the text (default: text; in CSV and Parquet "
                     "in any case)")
    tag.add_argument("--id-column", default="id", metavar="NAME",
                     help="the field or column carried into the output as 'id' (default: id)")
    tag.add_argument(
        "--out", metavar="PATH",
        help="write the rows to this file instead of standard output (a file is replaced only when tagging "
        "succeeds; devices, FIFOs and - are written directly; a name ending in .gz is gzipped)",
    )
    tag.add_argument(
        "--no-progress", action="store_true",
        help="no progress line on stderr (shown with --out, or when stderr is a terminal and stdout is not or shows a table)",
    )
    tag.add_argument("--threshold", type=float, help="one probability threshold for every label instead of the model's own "
                     "(for a single-label model: the least probability its best label needs)")
    tag.add_argument("--explain", action="store_true", help="show the words that support each predicted label (each word once)")
    tag.add_argument("--top", type=int, default=5, help="evidence words per label with --explain (default: 5)")
    add_jobs(tag, default=1, what="tagging and formatting (the output does not depend on it)")
    tag.add_argument(
        "--scheduler", metavar="local:N|tcp://HOST:PORT",
        help="tag CSV or Parquet files on a Dask cluster: local:N starts N worker processes here, tcp://HOST:PORT "
        "uses a running scheduler; --out FOLDER receives one FOLDER/part.NNNNN.parquet per part, with the input's "
        "columns plus 'labels' and 'score_<label>' (needs pip install \"sectortag[dask]\")",
    )
    tag.add_argument("--partition-rows", type=int, default=50_000, metavar="N",
                     help="with --scheduler, rows per part (default: 50000); a Parquet part is whole row groups")
    add_model(tag)
    add_encoding(tag)
    tag.set_defaults(handler=run)
