"""``sectortag info``: the model card of a model file."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ._common import add_model

__all__ = ["add_parser", "model_card", "model_info", "run"]


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


def model_info(path: str | None) -> tuple[str, dict]:
    """(the path to show, the model's meta.json) of the model at ``path`` (default: the shipped one)."""
    from .._model.modelio import read_meta, shipped_model_path

    path = path or shipped_model_path()
    meta = read_meta(path)
    shown = os.path.relpath(path)
    return (str(path) if shown.startswith("..") else shown), meta


def run(args: argparse.Namespace) -> int:
    """Print the model card; the exit code."""
    shown, meta = model_info(args.model)
    if args.format == "json":
        sys.stdout.write(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"model: {shown}\n" + model_card(meta) + "\n")
    return 0


def add_parser(commands) -> None:
    """Add ``info`` to the subparsers ``commands``."""
    info = commands.add_parser("info", help="the model card: labels, thresholds, training data, metrics, versions")
    info.add_argument("--format", choices=("text", "json"), default="text")
    add_model(info)
    info.set_defaults(handler=run)
