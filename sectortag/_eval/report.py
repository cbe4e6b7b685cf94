"""Render metric dictionaries as tables (tabulate), markdown or JSON."""

from __future__ import annotations

import json
from html import escape

__all__ = ["metrics_table", "render_evaluation"]


def metrics_table(scores: dict, tablefmt: str = "simple") -> str:
    """Per-label precision/recall/F1/support, then the micro and macro rows."""
    from tabulate import tabulate

    rows = [
        [label, m["precision"], m["recall"], m["f1"], m["support"]]
        for label, m in scores["labels"].items()
        if m["support"] or m.get("predicted")  # a label only ever predicted wrongly counts in the macro average too
    ]
    for average in ("micro", "macro"):
        m = scores[average]
        rows.append([f"{average} avg", m["precision"], m["recall"], m["f1"], m["support"]])
    return tabulate(rows, headers=["label", "precision", "recall", "f1", "support"], floatfmt=".3f", tablefmt=tablefmt)


def render_evaluation(report: dict, fmt: str) -> str:
    """The evaluation report as ``table``, ``markdown``, ``json`` or ``html`` (the tables, escaped)."""
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False)
    tablefmt = {"markdown": "github", "html": "html"}.get(fmt, "simple")
    heading = {
        "markdown": lambda text: f"### {text}",
        "html": lambda text: f"<h3>{escape(text)}</h3>",
    }.get(fmt, lambda text: text)
    overall = report["overall"]
    parts = [heading(f"All examples (n={overall['n_examples']})"), metrics_table(overall, tablefmt)]
    for field in ("lang", "genre"):
        for value, scores in report.get(f"by_{field}", {}).items():
            parts += ["", heading(f"{field} = {value} (n={scores['n_examples']})"), metrics_table(scores, tablefmt)]
    return "\n".join(parts)
