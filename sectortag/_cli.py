"""The ``sectortag`` command line: thin wrappers over library functions.

Exit codes: 0 success, 1 a runtime error (bad file, bad data, bad model),
2 a usage error (argparse). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence

from ._errors import DataError, SectorTagError
from ._version import __version__

_FORMATS = ("table", "json", "jsonl", "csv")


class _UsageError(Exception):
    """A mistake in how the command was called (exit code 2)."""


def _check_threshold(threshold: float | None) -> None:
    if threshold is not None and not 0 <= threshold <= 1:
        raise _UsageError(f"--threshold must be between 0 and 1, got {threshold}")


def _progress(message: str, *, last: bool = False) -> None:
    """A status line on stderr: redrawn in place on a terminal (``last`` ends it), else one line each."""
    from ._progress import StatusLine

    if last:
        StatusLine().end(message)
    else:
        StatusLine().show(message)


def _load_tagger(path: str | None):
    from . import load

    return load(path)


# --------------------------------------------------------------------------
# tag: inputs are read, split, tagged and written in batches, so memory stays
# flat however large the input. Rows are written as soon as their batch is
# tagged; an error part-way (a bad record on line 900,000) stops with exit
# code 1 after the rows before it, and --out then leaves no file behind.

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
    from ._io.data import parse_jsonl_line, split_lines

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


def _is_jsonl(args, name: str) -> bool:
    from ._io.data import JSONL_SUFFIXES

    fmt = args.input_format
    return fmt == "jsonl" or (fmt == "auto" and name.lower().endswith(JSONL_SUFFIXES))


def _plan_inputs(args) -> list[tuple[str, str]]:
    """(kind, source) of every input, checked before anything is read or tagged.

    kind is ``arg`` (source is the text), ``text`` or ``jsonl`` (a path or
    ``<stdin>``). TEXT arguments and the existence of files are checked here,
    so the common mistakes fail before the model is loaded.
    """
    plan = [("arg", text) for text in args.text]
    for i, text in enumerate(args.text, 1):
        if not text.strip():
            raise DataError(f"arg{i} is empty; give some text to tag")
    from ._io.data import check_path

    for path in args.file or []:
        check_path(path)
        plan.append(("jsonl" if _is_jsonl(args, path) else "text", path))
    if not plan:
        if sys.stdin is None or sys.stdin.isatty():
            raise _UsageError("nothing to tag: give TEXT, --file PATH, or pipe text on stdin")
        plan.append(("jsonl" if args.input_format == "jsonl" else "text", "<stdin>"))
    return plan


def _items(plan: Sequence[tuple[str, str]], args) -> Iterator[tuple[dict, str]]:
    """(row head, text) for every paragraph or record of every input, in order, read lazily."""
    from ._io.data import decode_stream, iter_file_text
    from ._io.paragraphs import iter_paragraphs, split_paragraphs

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
    from ._io.paragraphs import split_paragraphs

    items = (item for source, text in inputs for item in _text_items(split_paragraphs(text), source))
    return [row for rows in tag_rows(tagger, items, threshold=threshold, explain=explain, top=top) for row in rows]


# tag: writing rows


def _shorten(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "\u2026"


class _JsonlWriter:
    def __init__(self, out, with_ids: bool, explain: bool):
        self.out = out

    def write(self, rows: list[dict]) -> None:
        self.out.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))

    def close(self) -> None:
        pass


class _JsonWriter(_JsonlWriter):
    """A JSON array, streamed one row at a time (same text as ``json.dumps(rows, indent=2)``)."""

    def __init__(self, out, with_ids: bool, explain: bool):
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


class _CsvWriter(_JsonlWriter):
    def __init__(self, out, with_ids: bool, explain: bool):
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


class _TableWriter(_JsonlWriter):
    """A table for people: needs every row to size its columns, so it keeps them (shortened)."""

    def __init__(self, out, with_ids: bool, explain: bool):
        self.out, self.with_ids, self.explain, self.lines = out, with_ids, explain, []

    def write(self, rows: list[dict]) -> None:
        for r in rows:
            labels = ", ".join(f"{name} {r['scores'][name]:.2f}" for name in r["labels"]) or "-"
            line = [r["source"], r["paragraph"]] + ([r.get("id", "")] if self.with_ids else []) + [labels]
            if self.explain:
                line.append("; ".join(f"{label}: " + ", ".join(e["text"] for e in ev) for label, ev in r["evidence"].items()) or "-")
            self.lines.append(line + [_shorten(r["text"])])

    def close(self) -> None:
        from tabulate import tabulate

        headers = ["source", "#"] + (["id"] if self.with_ids else []) + ["labels"] + (["evidence"] if self.explain else []) + ["text"]
        self.out.write(tabulate(self.lines, headers=headers) + "\n")


_WRITERS = {"jsonl": _JsonlWriter, "json": _JsonWriter, "csv": _CsvWriter, "table": _TableWriter}


@contextlib.contextmanager
def _output(path: str | None):
    """Standard output, or a file written atomically: an error part-way leaves no file."""
    if path is None:
        yield sys.stdout
        return
    import tempfile

    if os.path.isdir(path):
        raise DataError("is a directory; give a file name for the output", path=path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise DataError(f"folder {directory} does not exist; create it first", path=path)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".sectortag-", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        with open(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


class _Progress:
    """Paragraphs done and rate on stderr: a line redrawn in place on a terminal, else one every 10 s."""

    def __init__(self, enabled: bool):
        import time

        from ._progress import StatusLine

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


def _cmd_tag(args) -> int:
    _check_threshold(args.threshold)
    if args.top < 0:
        raise _UsageError(f"--top must be 0 or more, got {args.top}")
    plan = _plan_inputs(args)
    tagger = _load_tagger(args.model)
    fmt = args.format or _OUT_FORMATS.get(os.path.splitext(args.out or "")[1].lower())
    fmt = fmt or ("table" if args.out is None and sys.stdout.isatty() else "jsonl")
    with_ids = any(kind == "jsonl" for kind, _ in plan)
    show = not args.no_progress and (args.out is not None or (sys.stderr.isatty() and not sys.stdout.isatty()))
    progress = _Progress(show)
    done = 0
    try:
        with _output(args.out) as out:
            writer = _WRITERS[fmt](out, with_ids, args.explain)
            for rows in tag_rows(tagger, _items(plan, args), threshold=args.threshold, explain=args.explain, top=args.top):
                writer.write(rows)
                done += len(rows)
                progress.update(done)
            writer.close()
    finally:
        progress.clear()
    progress.finish(done, args.out)
    return 0


# --------------------------------------------------------------------------
# train / evaluate / info


def _read_data(paths: Sequence[str], args, labels):
    from ._io.data import read_examples

    examples = []
    for path in paths:
        examples.extend(read_examples(path, labels=labels, encoding=args.encoding, errors=args.errors))
    return examples


def _check_train_options(args) -> None:
    if args.folds < 2:
        raise _UsageError(f"--folds must be 2 or more, got {args.folds}")
    if not args.C > 0:
        raise _UsageError(f"--C must be a positive number, got {args.C}")
    if args.min_df < 1:
        raise _UsageError(f"--min-df must be 1 or more, got {args.min_df}")
    for option, value in (("--word-ngrams", args.word_ngrams), ("--char-ngrams", args.char_ngrams)):
        if value and not 1 <= value[0] <= value[1]:
            raise _UsageError(f"{option} needs 1 <= MIN <= MAX, got {value[0]} {value[1]}")
    folder = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(folder):
        raise DataError(f"folder {folder} does not exist; create it first", path=args.out)


def _cmd_train(args) -> int:
    from ._labels import SECTORS
    from ._model.tagger import SectorTagger

    _check_train_options(args)
    examples = _read_data(args.data, args, None if args.custom_labels else SECTORS)
    groups = [e.doc_id for e in examples] if all(e.doc_id for e in examples) else None
    params = {"C": args.C, "threshold_folds": args.folds, "min_df": args.min_df}
    if args.word_ngrams:
        params["word_ngram_range"] = tuple(args.word_ngrams)
    if args.char_ngrams:
        params["char_ngram_range"] = tuple(args.char_ngrams)
    if args.class_weight:
        params["class_weight"] = args.class_weight
    if args.no_lexicon:
        params["lexicon"] = False
    tagger = SectorTagger(**params)
    started = False

    def progress(message: str) -> None:
        # The first line comes once fit has checked the data, so a data error stays the only line.
        nonlocal started
        if not started:
            _progress(f"training on {len(examples)} examples from {', '.join(args.data)}")
            started = True
        _progress(message)

    tagger.fit([e.text for e in examples], [e.labels for e in examples], groups=groups, progress=progress)
    tagger.save(args.out)
    cv = tagger.training_info_["cv"]["metrics"]
    _progress(
        f"saved {args.out}: {len(tagger.classes_)} labels, cross-validated micro-F1 "
        f"{cv['micro']['f1']:.3f}, macro-F1 {cv['macro']['f1']:.3f}",
        last=True,
    )
    return 0


def _cmd_evaluate(args) -> int:
    from ._eval.evaluate import evaluate
    from ._eval.report import render_evaluation

    _check_threshold(args.threshold)
    examples = _read_data(args.data, args, None)
    tagger = _load_tagger(args.model)
    report = evaluate(tagger, examples, threshold=args.threshold)
    sys.stdout.write(render_evaluation(report, args.format) + "\n")
    return 0


def model_card(meta: dict) -> str:
    """The human-readable summary ``sectortag info`` prints."""
    from tabulate import tabulate

    training = meta.get("training", {})
    metrics = training.get("cv", {}).get("metrics", {})
    per_label = metrics.get("labels", {})
    rows = [
        [label, meta["thresholds"].get(label), meta["threshold_sources"].get(label), training.get("label_counts", {}).get(label),
         per_label.get(label, {}).get("f1")]
        for label in meta["labels"]
    ]
    lines = [
        f"model format {meta['format_version']}, written by sectortag {meta['sectortag_version']} on {meta['created']}",
        f"labels: {len(meta['labels'])} ({'multi-label' if meta['multilabel'] else 'single-label'}), features: {meta['n_features']}",
        f"feature settings: {json.dumps(meta['features'])}",
        f"training data: {training.get('n_examples')} examples, sha256 {training.get('data_sha256', '')[:16]}...",
        f"versions: {json.dumps(meta.get('versions', {}))}",
        "",
        tabulate(rows, headers=["label", "threshold", "chosen by", "train examples", "cv f1"], floatfmt=".3f"),
    ]
    if metrics:
        lines.append(
            f"\ncross-validated on training data ({training['cv']['folds']} folds"
            f"{', grouped by document' if training['cv'].get('grouped') else ''}): "
            f"micro-F1 {metrics['micro']['f1']:.3f}, macro-F1 {metrics['macro']['f1']:.3f}"
        )
    return "\n".join(lines)


def _cmd_info(args) -> int:
    from ._model.modelio import read_meta, shipped_model_path

    path = args.model or shipped_model_path()
    meta = read_meta(path)
    if args.format == "json":
        sys.stdout.write(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    else:
        shown = os.path.relpath(path)
        sys.stdout.write(f"model: {path if shown.startswith('..') else shown}\n" + model_card(meta) + "\n")
    return 0


def _cmd_benchmark(args) -> int:
    from ._eval.benchmark import benchmark_report, render_benchmark
    from ._progress import ProgressBar
    from ._labels import SECTORS

    if args.folds < 2:
        raise _UsageError(f"--folds must be at least 2, got {args.folds}")
    examples = _read_data(args.data, args, None if args.custom_labels else SECTORS)
    model = args.model
    if model is None and not args.train:
        from ._model.modelio import shipped_model_path

        model = shipped_model_path()
    bar = ProgressBar(sys.stderr)
    try:
        report = benchmark_report(examples, model, train=args.train, folds=args.folds, progress=bar)
    finally:
        bar.close()
    sys.stdout.write(render_benchmark(report, args.format) + "\n")
    return 0


# --------------------------------------------------------------------------
# data


def _cmd_data_check(args) -> int:
    from ._datacheck import check_files

    problems, counted = check_files(args.files)
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    if problems:
        sys.stderr.write(f"{len(problems)} problem(s) in {len(args.files)} file(s)\n")
        return 1
    sys.stdout.write(f"ok: {counted} paragraphs in {len(args.files)} file(s)\n")
    return 0


def _cmd_data_stats(args) -> int:
    from ._datacheck import dataset_stats, render_stats

    stats = dataset_stats(_read_data(args.files, args, None))
    sys.stdout.write(render_stats(stats, args.format) + "\n")
    return 0


# --------------------------------------------------------------------------
# parser


def _add_encoding(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--encoding", default="utf-8", help="text encoding of input files (default: utf-8)")
    parser.add_argument(
        "--errors", default="strict", choices=("strict", "replace", "ignore"),
        help="what to do with undecodable bytes (default: strict, i.e. stop with an error)",
    )


def _add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="PATH", help="a model file saved by 'sectortag train' (default: the shipped model)")


def _add_tag(commands) -> None:
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
        "--format", choices=_FORMATS,
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
    _add_model(tag)
    _add_encoding(tag)
    tag.set_defaults(handler=_cmd_tag)


def _add_train(commands) -> None:
    train = commands.add_parser("train", help="train a model on labelled paragraphs",
                                description="Train a model on JSONL (.jsonl, .jsonl.gz) or CSV (text, labels separated by ';').")
    train.add_argument("--data", required=True, action="extend", nargs="+", metavar="FILE", help="training files (several after one --data, or repeat --data)")
    train.add_argument("--out", required=True, metavar="PATH", help="where to write the model file")
    train.add_argument("--custom-labels", action="store_true", help="accept any label names (default: only the seven sectors)")
    train.add_argument("--C", type=float, default=10.0, help="inverse regularisation strength (default: 10)")
    train.add_argument("--folds", type=int, default=5, help="cross-validation folds for thresholds (default: 5)")
    train.add_argument("--min-df", type=int, default=1, help="keep n-grams seen in at least this many paragraphs (default: 1)")
    train.add_argument("--word-ngrams", type=int, nargs=2, metavar=("MIN", "MAX"), help="word n-gram lengths (default: 1 2)")
    train.add_argument("--char-ngrams", type=int, nargs=2, metavar=("MIN", "MAX"), help="also use character n-grams of these lengths")
    train.add_argument("--class-weight", choices=("balanced",), help="reweight each label's examples by its frequency (default: none)")
    train.add_argument("--no-lexicon", action="store_true", help="do not use the sector keyword lexicon as features (e.g. for another taxonomy)")
    _add_encoding(train)
    train.set_defaults(handler=_cmd_train)


def _add_evaluate(commands) -> None:
    evaluate = commands.add_parser("evaluate", help="precision, recall and F1 of a model on labelled data")
    evaluate.add_argument("--data", required=True, action="extend", nargs="+", metavar="FILE", help="labelled files (several after one --data, or repeat --data)")
    evaluate.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    evaluate.add_argument("--threshold", type=float, help="one threshold for every label instead of the model's own")
    _add_model(evaluate)
    _add_encoding(evaluate)
    evaluate.set_defaults(handler=_cmd_evaluate)


def _add_info(commands) -> None:
    info = commands.add_parser("info", help="the model card: labels, thresholds, training data, metrics, versions")
    info.add_argument("--format", choices=("text", "json"), default="text")
    _add_model(info)
    info.set_defaults(handler=_cmd_info)


def _add_data(commands) -> None:
    data = commands.add_parser("data", help="check or describe annotated data files")
    data_commands = data.add_subparsers(dest="data_command", metavar="ACTION")
    data_commands.required = True
    check = data_commands.add_parser("check", help="validate files against the codebook's format and rules")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(handler=_cmd_data_check)
    stats = data_commands.add_parser("stats", help="counts per label, language and genre")
    stats.add_argument("files", nargs="+", metavar="FILE")
    stats.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    _add_encoding(stats)
    stats.set_defaults(handler=_cmd_data_stats)


def _add_benchmark(commands) -> None:
    benchmark = commands.add_parser(
        "benchmark", help="quality and speed of a model, or cross-validated quality of training, on labelled data",
        description="Score a model on labelled data (per label, language and genre) and time it; with --train, "
        "cross-validate training a new tagger on the data (folds keep documents whole when every example has a "
        "doc_id). Without --model or --train the shipped model is benchmarked.",
    )
    benchmark.add_argument("--data", required=True, action="extend", nargs="+", metavar="FILE", help="labelled files (several after one --data, or repeat --data)")
    benchmark.add_argument("--train", action="store_true", help="cross-validate training a tagger with default settings on the data")
    benchmark.add_argument("--folds", type=int, default=5, help="cross-validation folds with --train (default: 5)")
    benchmark.add_argument("--custom-labels", action="store_true", help="accept any label names (default: only the seven sectors)")
    benchmark.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    _add_model(benchmark)
    _add_encoding(benchmark)
    benchmark.set_defaults(handler=_cmd_benchmark)


#: One function per command, each adding its subparser; a new command adds itself here.
_COMMANDS = (_add_tag, _add_train, _add_evaluate, _add_info, _add_data, _add_benchmark)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sectortag",
        description="Tag paragraphs of diplomatic text (English, French, Italian) by sector.",
    )
    parser.add_argument("--version", action="version", version=f"sectortag {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for add_command in _COMMANDS:
        add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except _UsageError as error:
        parser.exit(2, f"sectortag {args.command}: error: {error}\n")
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (SectorTagError, OSError) as error:
        if isinstance(error, SectorTagError):
            message = str(error)
        else:
            filename = getattr(error, "filename", None)
            message = f"{filename}: {error.strerror or error}" if filename else str(error.strerror or error)
        sys.stderr.write(f"sectortag {args.command}: error: {message}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
