"""Multi-label precision, recall and F1 without importing scikit-learn.

Evaluation runs in the CLI's fast path and in benchmarks; the figures equal
scikit-learn's ``precision_recall_fscore_support`` with ``zero_division=0``
(the tests check it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["binarize", "known_classes", "label_scores", "multilabel_scorer"]


def binarize(labels: Sequence[Sequence[str]], classes: Sequence[str]) -> np.ndarray:
    """Indicator matrix (n, len(classes)); labels outside ``classes`` are ignored."""
    index = {c: i for i, c in enumerate(classes)}
    matrix = np.zeros((len(labels), len(classes)), dtype=bool)
    for row, names in enumerate(labels):
        for name in names:
            col = index.get(name)
            if col is not None:
                matrix[row, col] = True
    return matrix


def known_classes(classes: Sequence[str], y_true: Sequence[Sequence[str]]) -> list[str]:
    """``classes`` plus any label of ``y_true`` outside it, so that such labels count as misses."""
    return list(classes) + sorted({name for names in y_true for name in names} - set(classes))


def _prf(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
        recall = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 0.0)
        denom = precision + recall
        f1 = np.where(denom > 0, 2 * precision * recall / np.where(denom > 0, denom, 1), 0.0)
    return precision, recall, f1


def label_scores(
    y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]], classes: Sequence[str]
) -> dict[str, Any]:
    """Per-label precision/recall/F1/support (and how often each was predicted) plus micro and macro averages.

    Macro averages run over labels that occur in ``y_true`` or ``y_pred``,
    so a label absent from an evaluation slice does not count as a zero.
    """
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} rows but y_pred has {len(y_pred)}")
    truth, pred = binarize(y_true, classes), binarize(y_pred, classes)
    tp = (truth & pred).sum(0).astype(float)
    fp = (~truth & pred).sum(0).astype(float)
    fn = (truth & ~pred).sum(0).astype(float)
    precision, recall, f1 = _prf(tp, fp, fn)
    support, predicted = truth.sum(0), pred.sum(0)
    per_label = {
        c: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]), "support": int(support[i]),
            "predicted": int(predicted[i])}
        for i, c in enumerate(classes)
    }
    present = (support > 0) | (predicted > 0)
    micro_p, micro_r, micro_f = _prf(tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True))
    macro = {
        "precision": float(precision[present].mean()) if present.any() else 0.0,
        "recall": float(recall[present].mean()) if present.any() else 0.0,
        "f1": float(f1[present].mean()) if present.any() else 0.0,
        "support": int(support.sum()),
    }
    return {
        "labels": per_label,
        "micro": {"precision": float(micro_p[0]), "recall": float(micro_r[0]), "f1": float(micro_f[0]), "support": int(support.sum())},
        "macro": macro,
        "n_examples": len(y_true),
        "exact_match": float((truth == pred).all(1).mean()) if len(y_true) else 0.0,
    }


class _Scorer:
    """A scorer ``(estimator, texts, labels) -> F1`` for ``GridSearchCV(scoring=...)``."""

    def __init__(self, average: str):
        self.average = average

    def __call__(self, estimator, texts=None, labels=None) -> float:
        if texts is None or labels is None:
            raise TypeError("a scorer is called as scorer(estimator, texts, labels)")
        if hasattr(labels, "shape") and len(labels.shape) == 2:
            matrix = labels.toarray() if hasattr(labels, "toarray") else np.asarray(labels)
            columns = estimator.label_columns() if hasattr(estimator, "label_columns") else estimator.classes_
            labels = [[columns[j] for j in np.flatnonzero(row)] for row in matrix]
        return label_scores(labels, estimator.predict(texts), known_classes(estimator.classes_, labels))[self.average]["f1"]

    def __repr__(self) -> str:
        return f"multilabel_scorer({self.average!r})"


def multilabel_scorer(*args, average: str = "micro"):
    """Micro-F1 scorer for ``GridSearchCV(scoring=sectortag.multilabel_scorer)``, or a factory.

    ``multilabel_scorer`` itself is a scorer ``(estimator, texts, labels) ->
    micro-F1``; ``multilabel_scorer("macro")`` (or ``average="macro"``)
    returns the macro-F1 scorer. ``labels`` are label lists, or an indicator
    matrix whose columns are the ``classes`` given to ``fit``.
    """
    if len(args) >= 2:  # called as a scorer: (estimator, texts, labels)
        return _MICRO(*args)
    average = args[0] if args else average
    if average not in ("micro", "macro"):
        raise ValueError(f"average must be 'micro' or 'macro', got {average!r}")
    return _Scorer(average)


_MICRO = _Scorer("micro")
