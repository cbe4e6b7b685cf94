"""The ``sectortag`` command line: thin wrappers over library functions.

Exit codes: 0 success, 1 a runtime error (bad file, bad data, bad model),
2 a usage error (argparse). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Sequence

from ._errors import DataError, SectorTagError
from ._version import __version__

_FORMATS = ("table", "json", "jsonl", "csv")


class _UsageError(Exception):
    """A mistake in how the command was called (exit code 2)."""


def _progress(message: str) -> None:
    sys.stderr.write(f"\r\033[K{message}" if sys.stderr.isatty() else f"{message}\n")
    sys.stderr.flush()


def _load_tagger(path: str | None):
    from . import load

    return load(path)


# --------------------------------------------------------------------------
# tag


def _inputs(args) -> list[tuple[str, str]]:
    """(source name, text) for every input: TEXT arguments, files, or stdin."""
    from ._data import read_text

    inputs = [(f"arg{i}", text) for i, text in enumerate(args.text, 1)]
    for path in args.file or []:
        inputs.append((path, read_text(path, args.encoding, args.errors)))
    if not inputs:
        if sys.stdin is None or sys.stdin.isatty():
            raise _UsageError("nothing to tag: give TEXT, --file PATH, or pipe text on stdin")
        data = sys.stdin.buffer.read()
        from ._data import decode

        inputs.append(("<stdin>", decode(data, "<stdin>", args.encoding, args.errors)))
    for source, text in inputs:
        if not text.strip():
            where = "standard input" if source == "<stdin>" else source
            raise DataError(f"{where} is empty; give some text to tag")
    return inputs


def tag_inputs(tagger, inputs: Sequence[tuple[str, str]], *, threshold=None, explain=False, top=5) -> list[dict]:
    """One row per paragraph of every input: span, labels, scores (and evidence)."""
    from ._paragraphs import split_paragraphs

    located = [(source, p) for source, text in inputs for p in split_paragraphs(text)]
    probabilities = tagger.predict_proba([p.text for _, p in located])
    labels = tagger._labels_from(probabilities, threshold) if located else []
    rows = []
    counters: dict[str, int] = {}
    for (source, paragraph), names, scores in zip(located, labels, probabilities):
        counters[source] = counters.get(source, 0) + 1
        row = {
            "source": source,
            "paragraph": counters[source],
            "start": paragraph.start,
            "end": paragraph.end,
            "labels": names,
            "scores": {label: round(float(s), 4) for label, s in zip(tagger.classes_, scores)},
            "text": paragraph.text,
        }
        if explain:
            explanations = tagger.explain(paragraph.text, top=top)
            row["evidence"] = {
                label: [
                    {"text": e.text, "start": paragraph.start + e.start, "end": paragraph.start + e.end, "weight": round(e.weight, 4)}
                    for e in explanations[label].evidence
                ]
                for label in names
            }
        rows.append(row)
    return rows


def _shorten(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "\u2026"


def _render_rows(rows: list[dict], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["source", "paragraph", "start", "end", "labels", "scores", "text"])
        for r in rows:
            scores = ";".join(f"{k}={v:.4f}" for k, v in r["scores"].items())
            writer.writerow([r["source"], r["paragraph"], r["start"], r["end"], ";".join(r["labels"]), scores, r["text"]])
        return buffer.getvalue()
    from tabulate import tabulate

    table = []
    for r in rows:
        labels = ", ".join(f"{name} {r['scores'][name]:.2f}" for name in r["labels"]) or "-"
        line = [r["source"], r["paragraph"], labels, _shorten(r["text"])]
        if "evidence" in r:
            line.insert(3, "; ".join(f"{label}: " + ", ".join(e["text"] for e in ev) for label, ev in r["evidence"].items()) or "-")
        table.append(line)
    headers = ["source", "#", "labels", "text"] if not rows or "evidence" not in rows[0] else ["source", "#", "labels", "evidence", "text"]
    return tabulate(table, headers=headers) + "\n"


def _cmd_tag(args) -> int:
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        raise _UsageError(f"--threshold must be between 0 and 1, got {args.threshold}")
    inputs = _inputs(args)
    tagger = _load_tagger(args.model)
    rows = tag_inputs(tagger, inputs, threshold=args.threshold, explain=args.explain, top=args.top)
    fmt = args.format or ("table" if sys.stdout.isatty() else "jsonl")
    sys.stdout.write(_render_rows(rows, fmt))
    return 0


# --------------------------------------------------------------------------
# train / evaluate / info


def _read_data(paths: Sequence[str], args, labels):
    from ._data import read_examples

    examples = []
    for path in paths:
        examples.extend(read_examples(path, labels=labels, encoding=args.encoding, errors=args.errors))
    return examples


def _cmd_train(args) -> int:
    from ._labels import SECTORS
    from ._tagger import SectorTagger

    examples = _read_data(args.data, args, None if args.custom_labels else SECTORS)
    groups = [e.doc_id for e in examples] if all(e.doc_id for e in examples) else None
    _progress(f"training on {len(examples)} examples from {', '.join(args.data)}")
    params = {"C": args.C, "threshold_folds": args.folds, "min_df": args.min_df}
    if args.char_ngrams:
        params["char_ngram_range"] = tuple(args.char_ngrams)
    tagger = SectorTagger(**params)
    tagger.fit([e.text for e in examples], [e.labels for e in examples], groups=groups, progress=_progress)
    tagger.save(args.out)
    cv = tagger.training_info_["cv"]["metrics"]
    _progress(
        f"saved {args.out}: {len(tagger.classes_)} labels, cross-validated micro-F1 "
        f"{cv['micro']['f1']:.3f}, macro-F1 {cv['macro']['f1']:.3f}"
    )
    return 0


def _cmd_evaluate(args) -> int:
    from ._evaluate import evaluate
    from ._report import render_evaluation

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
    from ._modelio import read_meta, shipped_model_path

    path = args.model or shipped_model_path()
    meta = read_meta(path)
    if args.format == "json":
        sys.stdout.write(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"model: {path}\n" + model_card(meta) + "\n")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sectortag",
        description="Tag paragraphs of diplomatic text (English, French, Italian) by sector.",
    )
    parser.add_argument("--version", action="version", version=f"sectortag {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    tag = commands.add_parser("tag", help="tag text, files or stdin, one row per paragraph",
                              description="Tag TEXT arguments, --file documents or standard input; every paragraph gets one row.")
    tag.add_argument("text", nargs="*", metavar="TEXT", help="text to tag (split into paragraphs)")
    tag.add_argument("--file", action="append", metavar="PATH", help="a text file to tag (repeatable)")
    tag.add_argument("--format", choices=_FORMATS, help="output format (default: table on a terminal, jsonl when piped)")
    tag.add_argument("--threshold", type=float, help="one probability threshold for every label instead of the model's own")
    tag.add_argument("--explain", action="store_true", help="show the words that support each predicted label")
    tag.add_argument("--top", type=int, default=5, help="evidence items per label with --explain (default: 5)")
    _add_model(tag)
    _add_encoding(tag)
    tag.set_defaults(handler=_cmd_tag)

    train = commands.add_parser("train", help="train a model on labelled paragraphs",
                                description="Train a model on JSONL (.jsonl, .jsonl.gz) or CSV (text, labels separated by ';').")
    train.add_argument("--data", required=True, action="append", metavar="FILE", help="training file (repeatable)")
    train.add_argument("--out", required=True, metavar="PATH", help="where to write the model file")
    train.add_argument("--custom-labels", action="store_true", help="accept any label names (default: only the seven sectors)")
    train.add_argument("--C", type=float, default=10.0, help="inverse regularisation strength (default: 10)")
    train.add_argument("--folds", type=int, default=5, help="cross-validation folds for thresholds (default: 5)")
    train.add_argument("--min-df", type=int, default=1, help="keep n-grams seen in at least this many paragraphs (default: 1)")
    train.add_argument("--char-ngrams", type=int, nargs=2, metavar=("MIN", "MAX"), help="also use character n-grams of these lengths")
    _add_encoding(train)
    train.set_defaults(handler=_cmd_train)

    evaluate = commands.add_parser("evaluate", help="precision, recall and F1 of a model on labelled data")
    evaluate.add_argument("--data", required=True, action="append", metavar="FILE", help="labelled file (repeatable)")
    evaluate.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    evaluate.add_argument("--threshold", type=float, help="one threshold for every label instead of the model's own")
    _add_model(evaluate)
    _add_encoding(evaluate)
    evaluate.set_defaults(handler=_cmd_evaluate)

    info = commands.add_parser("info", help="the model card: labels, thresholds, training data, metrics, versions")
    info.add_argument("--format", choices=("text", "json"), default="text")
    _add_model(info)
    info.set_defaults(handler=_cmd_info)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except _UsageError as error:
        parser.exit(2, f"sectortag {args.command}: error: {error}\n")
    except (SectorTagError, OSError) as error:
        message = str(error) if isinstance(error, SectorTagError) else f"{getattr(error, 'filename', '') or ''}: {error.strerror or error}"
        sys.stderr.write(f"sectortag {args.command}: error: {message}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return 0
