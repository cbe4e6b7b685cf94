"""``sectortag evaluate``: precision, recall and F1 of a model on labelled files."""

from __future__ import annotations

import argparse
import sys

from ._common import add_encoding, add_html, add_model, check_out, check_threshold, load_tagger, read_data, write_html_report

__all__ = ["add_parser", "run"]


def run(args: argparse.Namespace) -> int:
    """Evaluate and print the report; the exit code."""
    from .._eval.evaluate import evaluate, training_overlap
    from .._eval.report import render_evaluation

    check_threshold(args.threshold)
    check_out(args.html, "--html")
    examples = read_data(args.data, args, None)
    tagger = load_tagger(args.model)
    warning = training_overlap(tagger, examples)
    if warning:
        sys.stderr.write(f"sectortag evaluate: warning: {warning}\n")
    report = evaluate(tagger, examples, threshold=args.threshold, curves=args.html is not None)
    if args.html is not None:
        write_html_report(args.html, "evaluation", report, about=[f"model: {tagger.model_path_}", f"data: {', '.join(args.data)}"])
    sys.stdout.write(render_evaluation(report, args.format) + "\n")
    return 0


def add_parser(commands) -> None:
    """Add ``evaluate`` to the subparsers ``commands``."""
    evaluate = commands.add_parser("evaluate", help="precision, recall and F1 of a model on labelled data")
    evaluate.add_argument("--data", required=True, action="extend", nargs="+", metavar="FILE", help="labelled files (several after one --data, or repeat --data)")
    evaluate.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    evaluate.add_argument("--threshold", type=float, help="one threshold for every label instead of the model's own")
    add_html(evaluate)
    add_model(evaluate)
    add_encoding(evaluate)
    evaluate.set_defaults(handler=run)
