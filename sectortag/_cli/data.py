"""``sectortag data check`` and ``sectortag data stats``: annotated data files."""

from __future__ import annotations

import argparse
import sys

from ._common import add_encoding, read_data

__all__ = ["add_parser", "run_check", "run_stats"]


def run_check(args: argparse.Namespace) -> int:
    """Print every problem of the files (exit code 1), or a summary (0)."""
    from .._datacheck import check_files
    from .._labels import SECTORS

    labels = None if args.custom_labels else SECTORS
    problems, counted = check_files(args.files, labels=labels, encoding=args.encoding, errors=args.errors)
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    if problems:
        sys.stderr.write(f"{len(problems)} problem(s) in {len(args.files)} file(s)\n")
        return 1
    sys.stdout.write(f"ok: {counted} paragraphs in {len(args.files)} file(s)\n")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    """Print the counts of the files; the exit code."""
    from .._datacheck import dataset_stats, render_stats

    stats = dataset_stats(read_data(args.files, args, None))
    sys.stdout.write(render_stats(stats, args.format) + "\n")
    return 0


def add_parser(commands) -> None:
    """Add ``data`` with its actions ``check`` and ``stats`` to the subparsers ``commands``."""
    data = commands.add_parser("data", help="check or describe annotated data files")
    data_commands = data.add_subparsers(dest="data_command", metavar="ACTION")
    data_commands.required = True
    check = data_commands.add_parser(
        "check", help="validate files against the codebook's format and rules",
        description="Check labelled files (JSONL, .jsonl.gz, or CSV with 'text' and 'labels' columns, labels "
        "separated by ';'): every record needs a text and a list of labels, as 'train' does; id, doc_id, lang, "
        "genre and align are checked when given; near-duplicate paragraphs are reported.",
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--custom-labels", action="store_true", help="accept any label names (default: only the seven sectors)")
    add_encoding(check)
    check.set_defaults(handler=run_check)
    stats = data_commands.add_parser("stats", help="counts per label, language and genre")
    stats.add_argument("files", nargs="+", metavar="FILE")
    stats.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    add_encoding(stats)
    stats.set_defaults(handler=run_stats)
