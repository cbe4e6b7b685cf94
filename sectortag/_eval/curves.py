"""What the plotted reports draw, computed with numpy alone: reliability and F1 against threshold, per label.

:func:`label_curves` summarises a model's probabilities on labelled
examples in a few hundred numbers per label, kept in the JSON report
(``evaluate --format json`` and ``benchmark --format json`` with
``--html``), so the figures of :mod:`sectortag._eval.plots` are drawn from
the report alone and anyone can redraw them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .metrics import _prf, binarize

__all__ = ["THRESHOLD_GRID", "label_curves", "reliability", "threshold_f1"]

#: Thresholds at which F1 is computed: 0.01, 0.02, ... 0.99.
THRESHOLD_GRID = np.round(np.linspace(0.01, 0.99, 99), 2)


def reliability(truth: np.ndarray, probability: np.ndarray, bins: int = 10) -> dict:
    """Predicted probability against observed frequency in ``bins`` equal-width bins (empty bins left out)."""
    truth, probability = np.asarray(truth, dtype=float), np.asarray(probability, dtype=float)
    which = np.minimum((probability * bins).astype(int), bins - 1)
    count = np.bincount(which, minlength=bins)
    predicted = np.bincount(which, weights=probability, minlength=bins)
    observed = np.bincount(which, weights=truth, minlength=bins)
    kept = count > 0
    return {
        "mean_predicted": (predicted[kept] / count[kept]).tolist(),
        "observed": (observed[kept] / count[kept]).tolist(),
        "count": count[kept].tolist(),
        "bins": bins,
    }


def threshold_f1(truth: np.ndarray, probability: np.ndarray, grid: np.ndarray = THRESHOLD_GRID) -> list[float]:
    """F1 of predicting the label when ``probability >= t``, for each ``t`` of ``grid``."""
    truth = np.asarray(truth, dtype=bool)
    predicted = np.asarray(probability, dtype=float)[:, None] >= np.asarray(grid)[None, :]
    tp = (predicted & truth[:, None]).sum(0).astype(float)
    fp = (predicted & ~truth[:, None]).sum(0).astype(float)
    fn = (~predicted & truth[:, None]).sum(0).astype(float)
    return _prf(tp, fp, fn)[2].tolist()


def label_curves(
    labels: Sequence[Sequence[str]],
    probabilities: np.ndarray,
    classes: Sequence[str],
    thresholds: Sequence[float] | None,
    *,
    note: str = "",
) -> dict:
    """Per label of ``classes`` (columns of ``probabilities``): reliability bins, Brier score, F1 by threshold.

    ``thresholds`` (one per class, or None for a single-label model, which
    takes its best label) are marked on the F1 curves; ``note`` says where
    they come from.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    truth = binarize(labels, classes)
    curves = {}
    for j, label in enumerate(classes):
        curves[label] = {
            "support": int(truth[:, j].sum()),
            "brier": float(((probabilities[:, j] - truth[:, j]) ** 2).mean()) if len(truth) else 0.0,
            "reliability": reliability(truth[:, j], probabilities[:, j]),
            "f1": threshold_f1(truth[:, j], probabilities[:, j]),
            "threshold": None if thresholds is None else float(thresholds[j]),
        }
    return {"grid": THRESHOLD_GRID.tolist(), "labels": curves, "threshold_note": note}
