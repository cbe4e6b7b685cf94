"""Per-label decision thresholds chosen on out-of-fold probabilities.

A fixed 0.5 cut is wrong for rare labels (their probabilities rarely reach
it) and for frequent ones; the F1-optimal cut on cross-validated scores is
the standard fix, and it is stored with the model so callers never guess.
"""

from __future__ import annotations

import numpy as np

__all__ = ["best_f1_threshold", "choose_thresholds"]


def best_f1_threshold(scores: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """(threshold, F1) maximising F1 of ``scores >= threshold`` against ``truth``.

    The threshold sits midway between the lowest score kept and the next
    lower score, so every training decision stays as measured while new
    scores near the cut are not decided by floating-point noise.
    """
    positives = int(truth.sum())
    if positives == 0 or len(scores) == 0:
        return 0.5, 0.0
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], truth[order].astype(np.int64)
    true_pos = np.cumsum(hits)
    kept = np.arange(1, len(ranked) + 1)
    last_of_run = np.r_[ranked[1:] != ranked[:-1], True]
    f1 = 2 * true_pos[last_of_run] / (kept[last_of_run] + positives)
    best = int(np.argmax(f1))
    distinct = ranked[last_of_run]
    lower = distinct[best + 1] if best + 1 < len(distinct) else 0.0
    return float((distinct[best] + lower) / 2), float(f1[best])


def choose_thresholds(
    probabilities: np.ndarray, truth: np.ndarray, *, min_positives: int
) -> tuple[np.ndarray, list[str]]:
    """One threshold per column, and how each was chosen ("label" or "pooled").

    Labels with fewer than ``min_positives`` positive examples cannot be
    cross-validated on their own; they share the threshold that maximises
    micro-F1 over all labels' out-of-fold scores pooled.
    """
    pooled, _ = best_f1_threshold(probabilities.ravel(), truth.ravel())
    thresholds = np.empty(truth.shape[1])
    sources = []
    for col in range(truth.shape[1]):
        if truth[:, col].sum() >= min_positives:
            thresholds[col], _ = best_f1_threshold(probabilities[:, col], truth[:, col])
            sources.append("label")
        else:
            thresholds[col] = pooled
            sources.append("pooled")
    return thresholds, sources
