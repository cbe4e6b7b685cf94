"""What every command shares: the usage error, common options, loading a model, reading data."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = [
    "UsageError", "add_encoding", "add_html", "add_jobs", "add_model", "check_jobs", "check_out", "check_threshold",
    "load_tagger", "output_format", "read_data", "status", "write_html_report",
]


class UsageError(Exception):
    """A mistake in how the command was called (exit code 2)."""


def check_threshold(threshold: float | None) -> None:
    """A UsageError unless ``threshold`` is None or in [0, 1]."""
    if threshold is not None and not 0 <= threshold <= 1:
        raise UsageError(f"--threshold must be between 0 and 1, got {threshold}")


def check_jobs(jobs: int) -> None:
    """A UsageError unless ``jobs`` is a worker count: 1 or more, or -1 for every core."""
    if jobs == 0 or jobs < -1:
        raise UsageError(f"--jobs must be 1 or more, or -1 for every core, got {jobs}")


def check_out(path: str | None, option: str = "--out") -> None:
    """Check an output path before any work starts (see ``sectortag._io.outpath``)."""
    from .._io.outpath import check_output_path

    if path is None:
        return
    if not path.strip():
        raise UsageError(f"{option} is empty; give a file name, or - for standard output")
    check_output_path(path)


def output_format(requested: str | None, out: str | None, by_suffix: dict[str, str]) -> str:
    """The ``--format`` asked for; else the one ``by_suffix`` gives the ``--out`` name (``.gz`` aside);
    else a table on a terminal and JSON Lines otherwise."""
    import os
    import sys

    if requested:
        return requested
    name = (out or "").lower()
    name = name[:-3] if name.endswith(".gz") else name
    fmt = by_suffix.get(os.path.splitext(name)[1])
    if fmt:
        return fmt
    return "table" if out in (None, "-") and sys.stdout.isatty() else "jsonl"


def status(message: str, *, last: bool = False) -> None:
    """A status line on stderr: redrawn in place on a terminal (``last`` ends it), else one line each."""
    from .._progress import StatusLine

    if last:
        StatusLine().end(message)
    else:
        StatusLine().show(message)


def load_tagger(path: str | None):
    """The model at ``path``, or the shipped model when it is None."""
    from .. import load

    return load(path)


def read_data(paths: Sequence[str], args: argparse.Namespace, labels: Sequence[str] | None) -> list:
    """Every example of ``paths`` (``--encoding``/``--errors`` from ``args``), in order."""
    from .._io.data import read_examples

    examples = []
    for path in paths:
        examples.extend(read_examples(path, labels=labels, encoding=args.encoding, errors=args.errors))
    return examples


def add_encoding(parser: argparse.ArgumentParser) -> None:
    """``--encoding`` and ``--errors`` for commands that read text files."""
    parser.add_argument("--encoding", default="utf-8", help="text encoding of input files (default: utf-8)")
    parser.add_argument(
        "--errors", default="strict", choices=("strict", "replace", "ignore"),
        help="what to do with undecodable bytes (default: strict, i.e. stop with an error)",
    )


def add_model(parser: argparse.ArgumentParser) -> None:
    """``--model PATH``."""
    parser.add_argument("--model", metavar="PATH", help="a model file saved by 'sectortag train' (default: the shipped model)")


def add_html(parser: argparse.ArgumentParser) -> None:
    """``--html REPORT``: the report with figures as one HTML page (needs matplotlib)."""
    parser.add_argument(
        "--html", metavar="REPORT",
        help="also write the report as one self-contained HTML page with figures: precision/recall/F1 bars (per "
        "language when the data has 'lang'), a reliability diagram and F1 against threshold per label (needs "
        "matplotlib: pip install 'sectortag[plots]')",
    )


def write_html_report(path: str, kind: str, report: dict, *, about: Sequence[str] = ()) -> None:
    """Write an ``evaluation`` or ``benchmark`` report as an HTML page to ``path``, the command line named in it."""
    import shlex
    import sys

    from .._eval.htmlreport import benchmark_page, evaluation_page
    from .._io.outpath import open_output

    command = "sectortag " + " ".join(shlex.quote(arg) for arg in sys.argv[1:])
    render = evaluation_page if kind == "evaluation" else benchmark_page
    html = render(report, title=f"sectortag {kind}", about=[f"command: {command}", *about])
    with open_output(path) as out:
        out.write(html)


def add_jobs(parser: argparse.ArgumentParser, *, default: int, what: str) -> None:
    """``--jobs N``: worker processes (-1: one per core)."""
    shown = "every core" if default == -1 else str(default)
    parser.add_argument("--jobs", type=int, default=default, metavar="N",
                        help=f"worker processes for {what}; -1 for one per core (default: {shown})")
