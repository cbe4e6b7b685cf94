"""Figures of evaluation reports as inline SVG: P/R/F1 bars, reliability diagrams, F1 against threshold.

matplotlib is imported inside these functions only, so that nothing but
``evaluate --html`` and ``benchmark --html`` (and the benchmarks) ever loads
it; it is an optional dependency (``pip install "sectortag[plots]"``).
Each function takes parts of a report (``label_scores`` results and
:func:`~sectortag._eval.curves.label_curves`) and returns one ``<svg>``
element, text kept as text. Colours are Okabe and Ito's, with hatches and
line styles so that the figures read in greyscale too.
"""

from __future__ import annotations

import io
import math
from html import escape
from collections.abc import Iterator, Sequence

from .._errors import SectorTagError

__all__ = ["MAX_PANELS", "PlotsUnavailable", "prf_bars", "reliability_diagrams", "threshold_curves"]

#: At most this many labels get a panel (those with the most support); more would be unreadable.
MAX_PANELS = 24
_BLUE, _ORANGE, _GREEN, _VERMILLION, _GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#777777"
_MEASURES = (("precision", _BLUE, ""), ("recall", _ORANGE, "///"), ("f1", _GREEN, ".."))


class PlotsUnavailable(SectorTagError):
    """matplotlib is not installed."""


def _matplotlib():
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise PlotsUnavailable(
            "HTML reports need matplotlib, which is not installed; pip install 'sectortag[plots]' (or matplotlib)"
        ) from None
    return matplotlib, Figure


def _rc(name: str) -> dict:
    return {
        "svg.fonttype": "none",  # text stays text: smaller, searchable, selectable
        "svg.hashsalt": f"sectortag-{name}",  # distinct ids for several figures in one page
        "text.parse_math": False,  # a label name with $ in it is just text
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "hatch.linewidth": 0.6,
    }


def _svg(fig, name: str) -> str:
    """The figure as one ``<svg>`` element (no XML prolog), with an accessible name; CSS sizes it."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg") + len("<svg") :]
    return f'<svg role="img" aria-label="{escape(name.replace("-", " "))}"{text}'


def _shown(labels: Sequence[str], support: dict) -> list[str]:
    """The labels to draw: at most MAX_PANELS, those with the most support, in their original order."""
    if len(labels) <= MAX_PANELS:
        return list(labels)
    kept = set(sorted(labels, key=lambda name: -support.get(name, 0))[:MAX_PANELS])
    return [name for name in labels if name in kept]


def _grid(n: int, columns: int = 4) -> tuple[int, int]:
    columns = max(1, min(columns, n))
    return math.ceil(n / columns), columns


def _panels(fig, n: int, columns: int = 4) -> Iterator:
    rows, cols = _grid(n, columns)
    axes = fig.subplots(rows, cols, squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index >= n:
            ax.set_visible(False)
        else:
            yield ax


def prf_bars(slices: dict[str, dict], name: str = "precision-recall-f1") -> str:
    """Horizontal precision/recall/F1 bars per label, one panel per slice (``{"all": label_scores(...), ...}``)."""
    matplotlib, Figure = _matplotlib()
    first = next(iter(slices.values()))
    labels = [label for label, m in first["labels"].items() if m["support"] or m.get("predicted")]
    labels = _shown(labels, {label: m["support"] for label, m in first["labels"].items()})
    with matplotlib.rc_context(_rc(name)):
        height = 0.8 + 0.32 * len(labels) + 0.35
        fig = Figure(figsize=(min(7.5, 2.6 * len(slices) + 1.4), height), layout="constrained")
        axes = fig.subplots(1, len(slices), sharey=True, squeeze=False)[0]
        for ax, (title, scores) in zip(axes, slices.items()):
            for k, (measure, colour, hatch) in enumerate(_MEASURES):
                values = [scores["labels"].get(label, {}).get(measure, 0.0) for label in labels]
                positions = [i + (k - 1) * 0.27 for i in range(len(labels))]
                ax.barh(positions, values, height=0.26, color=colour, hatch=hatch, edgecolor="#333", linewidth=0.4,
                        label=measure if measure != "f1" else "F1")
            ax.set_yticks(range(len(labels)), labels)
            ax.set_xlim(0, 1)
            ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
            ax.grid(axis="x", color="#ddd", linewidth=0.5)
            ax.set_axisbelow(True)
            ax.set_title(f"{title} (n={scores['n_examples']})", fontsize=9)
        axes[0].invert_yaxis()  # the first label on top (the axes share y: invert once)
        axes[0].legend(loc="lower center", bbox_to_anchor=(0.5, 1.0 + 0.35 / height), ncol=3, frameon=False, fontsize=8)
        return _svg(fig, name)


def reliability_diagrams(curves: dict, name: str = "reliability") -> str:
    """One reliability diagram per label: mean predicted probability against observed frequency, Brier score in the title."""
    matplotlib, Figure = _matplotlib()
    entries = curves["labels"]
    labels = _shown(list(entries), {label: c["support"] for label, c in entries.items()})
    rows, _ = _grid(len(labels))
    with matplotlib.rc_context(_rc(name)):
        fig = Figure(figsize=(7.5, 1.95 * rows + 0.3), layout="constrained")
        for ax, label in zip(_panels(fig, len(labels)), labels):
            entry = entries[label]["reliability"]
            ax.plot([0, 1], [0, 1], linestyle=(0, (3, 3)), color=_GREY, linewidth=0.8)
            sizes = [6 + 60 * math.sqrt(c / max(max(entry["count"], default=1), 1)) for c in entry["count"]]
            ax.plot(entry["mean_predicted"], entry["observed"], color=_BLUE, linewidth=1)
            ax.scatter(entry["mean_predicted"], entry["observed"], s=sizes, color=_BLUE, edgecolor="#fff", linewidth=0.5, zorder=3)
            ax.set_xlim(-0.02, 1.02)
            ax.set_ylim(-0.02, 1.02)
            ax.set_aspect("equal")
            ax.set_xticks([0, 0.5, 1])
            ax.set_yticks([0, 0.5, 1])
            ax.set_title(f"{label}\nBrier {entries[label]['brier']:.3f}, n+={entries[label]['support']}", fontsize=8)
        fig.supxlabel("mean predicted probability (dot area: paragraphs in the bin)", fontsize=8)
        fig.supylabel("observed frequency", fontsize=8)
        return _svg(fig, name)


def _interpolate(grid: Sequence[float], values: Sequence[float], x: float) -> float:
    for (x0, y0), (x1, y1) in zip(zip(grid, values), zip(grid[1:], values[1:])):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / ((x1 - x0) or 1)
    return values[0] if x < grid[0] else values[-1]


def threshold_curves(curves: dict, name: str = "f1-threshold") -> str:
    """F1 against the decision threshold, one panel per label, the threshold in use marked."""
    matplotlib, Figure = _matplotlib()
    entries, grid = curves["labels"], curves["grid"]
    labels = _shown(list(entries), {label: c["support"] for label, c in entries.items()})
    rows, _ = _grid(len(labels))
    with matplotlib.rc_context(_rc(name)):
        fig = Figure(figsize=(7.5, 1.85 * rows + 0.3), layout="constrained")
        for ax, label in zip(_panels(fig, len(labels)), labels):
            entry = entries[label]
            ax.plot(grid, entry["f1"], color=_GREEN, linewidth=1.2)
            best = max(range(len(grid)), key=lambda i: entry["f1"][i])
            ax.plot([grid[best]], [entry["f1"][best]], marker="^", color=_GREY, markersize=4, linestyle="none")
            title = label
            if entry["threshold"] is not None:
                t = entry["threshold"]
                f1 = _interpolate(grid, entry["f1"], t)
                ax.axvline(t, color=_VERMILLION, linestyle=(0, (2, 2)), linewidth=1)
                ax.plot([t], [f1], marker="o", color=_VERMILLION, markersize=4)
                title = f"{label}\nt={t:.2f}: F1 {f1:.2f} (best {entry['f1'][best]:.2f})"
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1.02)
            ax.set_xticks([0, 0.5, 1])
            ax.set_yticks([0, 0.5, 1])
            ax.grid(color="#eee", linewidth=0.5)
            ax.set_title(title, fontsize=8)
        fig.supxlabel(f"threshold (dashed: {curves.get('threshold_note') or 'threshold in use'}; triangle: best F1)", fontsize=8)
        fig.supylabel("F1", fontsize=8)
        return _svg(fig, name)
