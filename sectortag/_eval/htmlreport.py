"""Evaluation and benchmark reports as one HTML page: the tables of the text report, and figures.

``sectortag evaluate --html REPORT`` and ``sectortag benchmark --html
REPORT`` write these pages, as do the scripts in ``benchmarks/``. Figures
are inline SVG (:mod:`sectortag._eval.plots`, which needs matplotlib); the
page loads nothing from outside (:func:`sectortag._io.html.page`).
"""

from __future__ import annotations

from html import escape

from .._io.html import page
from .benchmark import cv_lines, cv_title, data_line, section_notes, slices_table, speed_lines
from .report import metrics_table, render_evaluation

__all__ = ["benchmark_page", "evaluation_figures", "evaluation_page", "report_page"]

_CSS = """
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem;font-variant-numeric:tabular-nums;display:block;overflow-x:auto;max-width:100%}
th,td{border-bottom:1px solid #ddd;padding:.2rem .5rem;text-align:left;white-space:nowrap}
th{background:#f4f4f4}
figure{margin:1rem 0 1.5rem}figure svg{width:100%;height:auto;display:block}
figcaption{font-size:.85rem;color:#333;margin-top:.25rem}
h3{font-size:1rem;margin:1.2rem 0 .25rem}
section{border-top:1px solid #ccc;margin-top:1.25rem;padding-top:.5rem}
pre{white-space:pre-wrap;font-size:.8rem;background:#f7f7f7;padding:.5rem;overflow-x:auto}
"""


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def evaluation_figures(evaluation: dict, curves: dict | None, name: str = "report") -> str:
    """P/R/F1 bars (overall and per language), and with ``curves`` reliability diagrams and F1 against threshold."""
    from .plots import prf_bars, reliability_diagrams, threshold_curves

    by_lang = evaluation.get("by_lang", {})
    slices = {"all": evaluation["overall"], **{f"lang={lang}": scores for lang, scores in by_lang.items()}}
    parts = [_figure(prf_bars(slices, f"{name}-precision-recall-f1"),
                     "Precision, recall and F1 per label" + (", overall and per language." if by_lang else "."))]
    if curves:
        parts.append(_figure(
            reliability_diagrams(curves, f"{name}-reliability"),
            "Reliability per label: paragraphs binned by predicted probability (10 bins), the mean prediction of each "
            "bin against how often the label is really there. A calibrated model's dots lie on the dashed diagonal; "
            "the Brier score (mean squared error of the probability, 0 is perfect) sums it up.",
        ))
        parts.append(_figure(
            threshold_curves(curves, f"{name}-f1-threshold"),
            "F1 each label would get if it were predicted whenever its probability reaches the threshold on the "
            f"x axis. Dashed: {curves.get('threshold_note') or 'the threshold in use'}.",
        ))
    return "\n".join(parts)


def _paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in lines if line)


def report_page(title: str, body: str, *, about: list[str] = ()) -> str:
    """A report page: ``title``, the lines of ``about`` (command, data...), then ``body`` (HTML)."""
    return page(title, f"<header><h1>{escape(title)}</h1>{_paragraphs(list(about))}</header>\n<main>{body}</main>", css=_CSS)


def evaluation_page(report: dict, *, title: str = "sectortag evaluate", about: list[str] = ()) -> str:
    """The page of ``sectortag evaluate --html``: the report's tables, then its figures."""
    body = render_evaluation(report, "html") + "\n" + evaluation_figures(report, report.get("curves"), "evaluation")
    return report_page(title, body, about=about)


def benchmark_page(report: dict, *, title: str = "sectortag benchmark", about: list[str] = ()) -> str:
    """The page of ``sectortag benchmark --html``: each section's tables, notes and figures."""
    sections = []
    for key in ("model", "cv"):
        block = report.get(key)
        if block is None:
            continue
        heading = f"model {block['path'] or '(in memory)'}" if key == "model" else cv_title(block)
        evaluation = block["evaluation"]
        parts = [f'<section id="{key}"><h2>{escape(heading)}</h2>', metrics_table(evaluation["overall"], "html")]
        if "by_lang" in evaluation or "by_genre" in evaluation:
            parts.append(slices_table(evaluation, "html"))
        lines = section_notes(block)
        lines += speed_lines(block.get("speed", {}), block.get("load_seconds")) if key == "model" else cv_lines(block)
        parts.append(_paragraphs(lines))
        parts.append(evaluation_figures(evaluation, block.get("curves"), key))
        sections.append("\n".join(parts) + "</section>")
    return report_page(title, "\n".join(sections), about=[data_line(report["data"]), *about])
