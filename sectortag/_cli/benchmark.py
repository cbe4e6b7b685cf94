"""``sectortag benchmark``: quality and speed of a model, or cross-validated training."""

from __future__ import annotations

import argparse
import sys

from ._common import UsageError, add_encoding, add_html, add_model, check_out, read_data, write_html_report

__all__ = ["add_parser", "run"]


def run(args: argparse.Namespace) -> int:
    """Benchmark and print the report; the exit code."""
    from .._eval.benchmark import benchmark_report, render_benchmark
    from .._labels import SECTORS
    from .._progress import ProgressBar

    if args.folds < 2:
        raise UsageError(f"--folds must be at least 2, got {args.folds}")
    check_out(args.html, "--html")
    examples = read_data(args.data, args, None if args.custom_labels else SECTORS)
    model = args.model
    if model is None and not args.train:
        from .._model.modelio import shipped_model_path

        model = shipped_model_path()
    bar = ProgressBar(sys.stderr)
    try:
        report = benchmark_report(examples, model, train=args.train, folds=args.folds, curves=args.html is not None,
                                  progress=bar)
    finally:
        bar.close()
    warning = report.get("model", {}).get("warning")
    if warning:
        sys.stderr.write(f"sectortag benchmark: warning: {warning}\n")
    if args.html is not None:
        write_html_report(args.html, "benchmark", report, about=[f"data: {', '.join(args.data)}"])
    sys.stdout.write(render_benchmark(report, args.format) + "\n")
    return 0


def add_parser(commands) -> None:
    """Add ``benchmark`` to the subparsers ``commands``."""
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
    add_html(benchmark)
    add_model(benchmark)
    add_encoding(benchmark)
    benchmark.set_defaults(handler=run)
