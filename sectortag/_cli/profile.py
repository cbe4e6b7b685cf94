"""``sectortag profile``: one row per document, the share of its paragraphs and words each sector carries.

A text file is one document; in a JSON Lines, JSON or CSV file each record
is one document (its ``text`` split into paragraphs, its ``id`` kept), so
200 joint statements in one CSV give 200 rows to compare in a spreadsheet.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterator, Sequence

from ._common import UsageError, add_encoding, add_model, check_out, check_threshold, load_tagger, output_format

__all__ = ["add_parser", "profile_documents", "render_profiles", "run"]

FORMATS = ("table", "markdown", "csv", "json", "jsonl")
STDIN = "<stdin>"
_OUT_FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".md": "markdown"}


def _plan(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(input format, path or ``<stdin>``) of every FILE, checked before the model is loaded."""
    from .._io.data import check_path
    from .._io.inputs import format_of

    plan = []
    for path in args.files or ["-"]:
        if path == "-":
            if sys.stdin is None or (not args.files and sys.stdin.isatty()):
                raise UsageError("nothing to profile: give FILE arguments, or pipe a document on stdin")
            plan.append((args.input_format, STDIN))
        else:
            check_path(path)
            plan.append((format_of(path, args.input_format), path))
    if sum(source == STDIN for _, source in plan) > 1:
        raise UsageError("standard input (-) can be read only once")
    return plan


def _documents(plan: Sequence[tuple[str, str]], args: argparse.Namespace) -> Iterator[tuple[dict, Iterator[str]]]:
    """(row head, the document's paragraphs) for every document of every input, read lazily."""
    from .._io.data import decode_stream, iter_file_text
    from .._io.inputs import record_items, sniff
    from .._io.paragraphs import iter_paragraphs, split_paragraphs

    for kind, source in plan:
        if source == STDIN:
            pieces = decode_stream(sys.stdin.buffer, source, args.encoding, args.errors)
            if kind == "auto":
                kind, pieces = sniff(pieces)
        else:
            pieces = iter_file_text(source, args.encoding, args.errors)
        if kind in ("auto", "text"):
            yield {"source": source}, (p.text for p in iter_paragraphs(pieces, split=args.split))
            continue
        for head, text, _ in record_items(pieces, source, kind):
            paragraphs = (p.text for p in split_paragraphs(text, split=args.split))
            yield {"source": source, "line": head["line"], "id": head["id"]}, paragraphs


def profile_documents(tagger, documents, *, threshold: float | None = None) -> Iterator[dict]:
    """One row per ``(head, paragraphs)`` document: the head plus its profile's figures."""
    from .._model.profile import profile_texts

    for head, paragraphs in documents:
        yield dict(head, **profile_texts(tagger, paragraphs, threshold=threshold).to_dict())


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def render_profiles(rows: Sequence[dict], classes: Sequence[str], fmt: str) -> str:
    """Profile rows as ``table``, ``markdown``, ``csv``, ``json`` or ``jsonl``."""
    if fmt == "json":
        return json.dumps(list(rows), indent=2, ensure_ascii=False) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    with_ids = any("id" in row for row in rows)
    ids = ["line", "id"] if with_ids else []
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["source", *ids, "paragraphs", "words", "unlabelled", "dominant"]
                        + [f"paragraphs_{label}" for label in classes] + [f"words_{label}" for label in classes])
        for row in rows:
            writer.writerow([row["source"], *(("" if row.get(k) is None else row.get(k)) for k in ids), row["paragraphs"],
                             row["words"], f"{row['unlabelled']:.4f}", ";".join(row["dominant"])]
                            + [f"{row['paragraph_share'][label]:.4f}" for label in classes]
                            + [f"{row['word_share'][label]:.4f}" for label in classes])
        return buffer.getvalue()
    from tabulate import tabulate

    table = [
        [row["source"], *(row.get(k) for k in ids), row["paragraphs"], row["words"], ", ".join(row["dominant"]) or "-"]
        + [f"{_percent(row['paragraph_share'][label])} / {_percent(row['word_share'][label])}" for label in classes]
        for row in rows
    ]
    headers = ["document", *ids, "paragraphs", "words", "dominant", *classes]
    note = "each sector: share of paragraphs / share of words"
    if fmt == "markdown":
        return tabulate(table, headers=headers, tablefmt="github") + f"\n\n{note[0].upper()}{note[1:]}.\n"
    return tabulate(table, headers=headers, missingval="-") + f"\n({note})\n"


def run(args: argparse.Namespace) -> int:
    """Profile every document of ``args`` and write one row each; the exit code."""
    from .._io.outpath import open_output

    check_threshold(args.threshold)
    check_out(args.out)
    plan = _plan(args)
    tagger = load_tagger(args.model)
    fmt = output_format(args.format, args.out, _OUT_FORMATS)
    rows = list(profile_documents(tagger, _documents(plan, args), threshold=args.threshold))
    with open_output(args.out) as out:
        out.write(render_profiles(rows, tagger.classes_, fmt))
    return 0


def add_parser(commands) -> None:
    """Add ``profile`` to the subparsers ``commands``."""
    from .._io.inputs import INPUT_FORMATS
    from .._io.paragraphs import SPLITS

    profile = commands.add_parser(
        "profile", help="per document: the share of paragraphs and words each sector carries, and the dominant sectors",
        description="One row per document: its paragraphs and words, the share of its paragraphs that carry each "
        "sector and the share of its words in those paragraphs (a paragraph with two sectors counts for both), "
        "and its dominant sectors (word share at least two thirds of the leading sector's). A text file is one document; "
        "each record of a JSON Lines, JSON or CSV file is one document, its 'id' kept.",
    )
    profile.add_argument("files", nargs="*", metavar="FILE", help="documents to profile (- for standard input, the default)")
    profile.add_argument(
        "--input-format", choices=INPUT_FORMATS, default="auto",
        help="text (one document per file) or records with a 'text' field (one document per record); "
        "default: from the suffix (.jsonl, .json, .csv), else text",
    )
    profile.add_argument("--split", choices=SPLITS, default="auto", help="where text splits into paragraphs (as for 'tag')")
    profile.add_argument(
        "--format", choices=FORMATS,
        help="output format (default: from the --out suffix .csv, .json, .jsonl or .md; else table on a terminal, "
        "jsonl otherwise); csv has paragraphs_<label> and words_<label> columns, shares from 0 to 1",
    )
    profile.add_argument("--out", metavar="PATH", help="write to this file instead of standard output")
    profile.add_argument("--threshold", type=float, help="one probability threshold for every label instead of the model's own")
    add_model(profile)
    add_encoding(profile)
    profile.set_defaults(handler=run)
