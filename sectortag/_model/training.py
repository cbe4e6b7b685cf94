"""Training a SectorTagger: features, linear models, thresholds by cross-validation.

Apart from tagging: this module imports scikit-learn, and only
``SectorTagger.fit`` imports this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from .._errors import DataError
from .._eval.metrics import binarize, label_scores
from .linear import Problems, fit_linear_models
from .tagger import _check_labels, _check_texts, _probabilities, training_data_hash
from .calibration import fit_platt, fit_softmax_scaling
from .termcounts import TermCounts
from .thresholds import choose_thresholds

__all__ = ["fit_tagger"]


def fit_tagger(
    tagger,
    texts: Iterable[str],
    labels: Iterable[Sequence[str]],
    groups: Sequence | None = None,
    *,
    progress: Callable[[str], None] | None = None,
):
    """Fit ``tagger`` (a SectorTagger whose parameters are valid) in place; return it."""
    report = progress or (lambda message: None)
    texts = _check_texts(texts)
    labels = _check_labels(labels, len(texts))
    classes = tagger._resolve_classes(labels)
    truth = binarize(labels, classes)
    multilabel = not tagger.single_label  # explicit: one label on every example is no reason to switch
    for col, name in enumerate(classes):
        if multilabel and truth[:, col].all():
            raise DataError(f"label {name!r} is on every example; there is nothing to tell it apart from")
    n_folds = tagger.threshold_folds
    if len(texts) < 2 * n_folds:
        raise DataError(
            f"{len(texts)} examples are too few to choose thresholds by {n_folds}-fold "
            f"cross-validation; give at least {2 * n_folds} (or lower threshold_folds)"
        )
    if groups is not None and len(groups) != len(texts):
        raise DataError(f"got {len(texts)} texts but {len(groups)} groups; give one group (e.g. document id) per text")
    if groups is not None and len(set(groups)) < n_folds:
        raise DataError(f"{len(set(groups))} groups are too few for {n_folds} folds; give more documents or lower threshold_folds")

    started = time.perf_counter()
    settings = tagger._settings()
    report("counting n-grams")
    counts = TermCounts.from_texts(texts, settings)
    folds = _folds(tagger, len(texts), truth, groups)
    grid = C_GRIDS[tagger.loss] if tagger.C == "auto" else (float(tagger.C),)
    report(f"cross-validating: {n_folds} folds" + (f", C in {list(grid)}" if len(grid) > 1 else ""))
    fold_features = [_fold_features(tagger, counts, train, test, settings) for train, test in folds]
    final = counts.fit_features(np.arange(len(texts)), min_df=tagger.min_df, max_features=tagger.max_features,
                                settings=settings, lexicon_weight=tagger.lexicon_weight)
    problems = Problems(
        train=[f.matrix for f, _ in fold_features] + [final.matrix],
        truths=[truth[train] for train, _ in folds] + [truth],
        test=[test_matrix for _, test_matrix in fold_features] + [None],
        multilabel=multilabel, loss=tagger.loss, class_weight=tagger.class_weight, random_state=tagger.random_state,
    )
    with fit_linear_models(problems, tagger.n_jobs) as fit:
        search = {}
        for C, decisions in zip(grid, fit.cross_validate(grid)):
            decision = np.zeros(truth.shape)
            for (_, test), fold_decision in zip(folds, decisions):
                decision[test] = fold_decision
            search[C] = _cross_validated(tagger, decision, truth, multilabel)
        chosen = max(grid, key=lambda C: (search[C]["micro_f1"], -C))  # ties: the stronger regularisation
        best = search[chosen]
        cv_seconds = time.perf_counter() - started
        report("fitting the final model on all examples")
        rows, intercept = fit.final(chosen)
    tagger.classes_ = list(classes)
    tagger.multilabel_ = multilabel
    tagger.feature_settings_ = settings
    tagger.vocabulary_, tagger.idf_ = final.vocabulary, final.idf
    # the calibration is affine in the decision value: it folds into the model
    tagger.coef_ = np.empty((len(rows), final.matrix.shape[1]), dtype=np.float32)
    for j, row in enumerate(rows):
        tagger.coef_[j] = row * best["scale"][j]
    tagger.intercept_ = intercept * best["scale"] + best["shift"]
    tagger.thresholds_ = best["thresholds"]
    tagger.threshold_sources_ = best["sources"]
    tagger.training_info_ = _training_info(tagger, texts, labels, truth, best["probabilities"], best["predicted"], groups)
    tagger.training_info_["regularization"] = {
        "loss": tagger.loss,
        "C": chosen,
        "grid": list(grid),
        "cv_micro_f1": [search[C]["micro_f1"] for C in grid],
        "cv_macro_f1": [search[C]["macro_f1"] for C in grid],
        "calibration": CALIBRATION[tagger.loss][multilabel],
        "cv_fits": len(grid) * n_folds,
        "cv_seconds": round(cv_seconds, 3),
        "seconds": round(time.perf_counter() - started, 3),
        "note": "C chosen by cross-validated micro-F1 on the folds that choose the thresholds (ties: smaller C); "
                "cv_fits per label; cv_seconds from the start of fit to the choice of C, counting included",
    }
    return tagger


# C="auto": the grid searched by cross-validation, per loss (a squared-hinge
# SVM's C is on a smaller scale than a logistic regression's); higher C costs
# more solver iterations. Measured with the SVM (CV micro-F1 at C = 0.3/1/3/10):
# the shipped corpus 0.837/0.842/0.842/0.841, R8 0.973/0.975/0.977/0.976,
# Reuters-21578 0.905/0.911/0.912/0.913 (0.891 at C=0.1).
C_GRIDS = {"squared_hinge": (0.3, 1.0, 3.0), "log_loss": (1.0, 10.0, 100.0)}
CALIBRATION = {
    "squared_hinge": {True: "sigmoid per label (Platt) on out-of-fold decisions",
                      False: "softmax with a scale and shift per label on out-of-fold decisions"},
    "log_loss": {True: "none (logistic regression)", False: "none (softmax regression)"},
}


def _folds(tagger, n: int, truth: np.ndarray, groups: Sequence | None):
    from sklearn.model_selection import GroupKFold, KFold

    if groups is not None:
        splitter = GroupKFold(n_splits=tagger.threshold_folds, shuffle=True, random_state=tagger.random_state)
        return list(splitter.split(np.zeros(n), groups=list(groups)))
    splitter = KFold(n_splits=tagger.threshold_folds, shuffle=True, random_state=tagger.random_state)
    return list(splitter.split(np.zeros(n)))


def _fold_features(tagger, counts: TermCounts, train: np.ndarray, test: np.ndarray, settings):
    """A fold's training features (vocabulary and IDF from ``train`` alone) and its test matrix."""
    features = counts.fit_features(train, min_df=tagger.min_df, max_features=tagger.max_features,
                                   settings=settings, lexicon_weight=tagger.lexicon_weight)
    return features, counts.transform(test, features)


def _cross_validated(tagger, decision: np.ndarray, truth: np.ndarray, multilabel: bool) -> dict:
    """From one C's out-of-fold decisions: calibration, probabilities, thresholds, decisions, micro/macro F1."""
    n_labels = truth.shape[1]
    if tagger.loss == "squared_hinge":
        scale, shift = fit_platt(decision, truth) if multilabel else fit_softmax_scaling(decision, truth)
    else:
        scale, shift = np.ones(n_labels), np.zeros(n_labels)
    probabilities = _probabilities(decision * scale + shift, multilabel)
    if multilabel:
        thresholds, sources = choose_thresholds(probabilities, truth, min_positives=tagger.threshold_folds)
        predicted = probabilities >= thresholds
    else:
        thresholds, sources = np.full(n_labels, np.nan), ["argmax"] * n_labels
        predicted = probabilities == probabilities.max(axis=1, keepdims=True)
    hits = (predicted & truth).sum(axis=0)
    per_label = 2 * hits / np.maximum(predicted.sum(axis=0) + truth.sum(axis=0), 1)
    present = truth.any(axis=0) | predicted.any(axis=0)
    return {
        "scale": scale, "shift": shift, "probabilities": probabilities,
        "thresholds": thresholds, "sources": sources, "predicted": predicted,
        "micro_f1": float(2 * hits.sum() / max(predicted.sum() + truth.sum(), 1)),
        "macro_f1": float(per_label[present].mean()) if present.any() else 0.0,
    }


def _training_info(tagger, texts, labels, truth, out_of_fold, predicted, groups) -> dict:
    import sklearn

    classes = tagger.classes_
    predicted_labels = [[classes[j] for j in np.flatnonzero(row)] for row in predicted]
    metrics = label_scores(labels, predicted_labels, classes)
    brier = ((out_of_fold - truth) ** 2).mean(axis=0)
    for j, name in enumerate(classes):
        metrics["labels"][name]["brier"] = float(brier[j])
    return {
        "n_examples": len(texts),
        "data_sha256": training_data_hash(texts, labels),
        "label_counts": {name: int(truth[:, j].sum()) for j, name in enumerate(classes)},
        "cv": {
            "folds": tagger.threshold_folds,
            "grouped": groups is not None,
            "note": "out-of-fold predictions on the training data; thresholds were chosen on the same folds",
            "metrics": metrics,
        },
        "scikit_learn_version": sklearn.__version__,
    }
