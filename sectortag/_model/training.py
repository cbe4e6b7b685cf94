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
from . import features as _features
from .tagger import _ABSENT_INTERCEPT, _check_labels, _check_texts, _probabilities, training_data_hash
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
    occurrences, _ = _features.extract(texts, settings)
    counts = TermCounts(occurrences, len(texts))
    del occurrences
    folds = _folds(tagger, len(texts), truth, groups)
    grid = C_GRID if tagger.C == "auto" else (float(tagger.C),)
    report(f"cross-validating: {n_folds} folds" + (f", C in {list(grid)}" if len(grid) > 1 else ""))
    fold_features = [_fold_features(tagger, counts, train, test, settings) for train, test in folds]
    with _pool(tagger.n_jobs) as pool:
        fitted = _fit_models(tagger, pool, [f[0].matrix for f in fold_features], [truth[train] for train, _ in folds],
                             grid, multilabel)
        out_of_fold = {}
        for c_index, C in enumerate(grid):
            out_of_fold[C] = np.zeros(truth.shape)
            for (features, test_matrix), (_, test), (coef, intercept) in zip(fold_features, folds, fitted[c_index]):
                out_of_fold[C][test] = _probabilities(test_matrix @ coef.T.astype(np.float64) + intercept, multilabel)
        search = {C: _cv_decisions(out_of_fold[C], truth, multilabel, n_folds) for C in grid}
        chosen = max(grid, key=lambda C: (search[C]["micro_f1"], -C))  # ties: the stronger regularisation
        thresholds, sources, predicted_oof = search[chosen]["decisions"]
        cv_seconds = time.perf_counter() - started

        report("fitting the final model on all examples")
        final = counts.fit_features(np.arange(len(texts)), min_df=tagger.min_df, max_features=tagger.max_features,
                                    settings=settings, lexicon_weight=tagger.lexicon_weight)
        (coef, intercept), = _fit_models(tagger, pool, [final.matrix], [truth], (chosen,), multilabel)[0]
    tagger.classes_ = list(classes)
    tagger.multilabel_ = multilabel
    tagger.feature_settings_ = settings
    tagger.vocabulary_, tagger.idf_, tagger.coef_, tagger.intercept_ = final.vocabulary, final.idf, coef, intercept
    tagger.thresholds_ = thresholds
    tagger.threshold_sources_ = sources
    tagger.training_info_ = _training_info(tagger, texts, labels, truth, out_of_fold[chosen], predicted_oof, groups)
    tagger.training_info_["regularization"] = {
        "C": chosen,
        "grid": list(grid),
        "cv_micro_f1": [search[C]["micro_f1"] for C in grid],
        "cv_macro_f1": [search[C]["macro_f1"] for C in grid],
        "cv_fits": len(grid) * n_folds,
        "cv_seconds": round(cv_seconds, 3),
        "seconds": round(time.perf_counter() - started, 3),
        "note": "C chosen by cross-validated micro-F1 on the folds that choose the thresholds (ties: smaller C)",
    }
    return tagger


# C="auto": the grid searched by cross-validation. Each step multiplies C by 10;
# higher C costs more solver iterations.
C_GRID = (1.0, 10.0, 100.0)


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


def _cv_decisions(out_of_fold: np.ndarray, truth: np.ndarray, multilabel: bool, n_folds: int) -> dict:
    """Thresholds chosen on out-of-fold probabilities, the decisions they give, and their micro/macro F1."""
    if multilabel:
        thresholds, sources = choose_thresholds(out_of_fold, truth, min_positives=n_folds)
        predicted = out_of_fold >= thresholds
    else:
        thresholds, sources = np.full(truth.shape[1], np.nan), ["argmax"] * truth.shape[1]
        predicted = out_of_fold == out_of_fold.max(axis=1, keepdims=True)
    hits = (predicted & truth).sum(axis=0)
    per_label = 2 * hits / np.maximum(predicted.sum(axis=0) + truth.sum(axis=0), 1)
    present = truth.any(axis=0) | predicted.any(axis=0)
    return {
        "decisions": (thresholds, sources, predicted),
        "micro_f1": float(2 * hits.sum() / max(predicted.sum() + truth.sum(), 1)),
        "macro_f1": float(per_label[present].mean()) if present.any() else 0.0,
    }


class _pool:
    """A thread pool of ``n_jobs`` workers (joblib semantics: None is 1, -1 all cores); liblinear releases the GIL."""

    def __init__(self, n_jobs: int | None):
        from joblib import effective_n_jobs

        self.workers = effective_n_jobs(n_jobs)
        self._executor = None

    def __enter__(self) -> "_pool":
        if self.workers > 1:
            from concurrent.futures import ThreadPoolExecutor

            self._executor = ThreadPoolExecutor(self.workers)
        return self

    def __exit__(self, *exc) -> None:
        if self._executor is not None:
            self._executor.shutdown()

    def map(self, function, tasks: list) -> list:
        if self._executor is None:
            return [function(*task) for task in tasks]
        return list(self._executor.map(lambda task: function(*task), tasks))


def _fit_models(tagger, pool: _pool, matrices: list, truths: list, grid: Sequence[float], multilabel: bool) -> list:
    """``[c_index][set_index] -> (coef float32, intercept float64)`` for every C of ``grid`` and training set."""
    if multilabel:
        # one task per (C, training set, label), the most frequent labels (the slowest fits) first
        tasks = [(m, t[:, j], C, tagger) for C in grid for m, t in zip(matrices, truths) for j in range(t.shape[1])]
        order = sorted(range(len(tasks)), key=lambda k: -int(tasks[k][1].sum()))
        results = [None] * len(tasks)
        for k, result in zip(order, pool.map(_fit_binary, [tasks[k] for k in order])):
            results[k] = result
        n_labels = truths[0].shape[1]
        per_set = [results[k : k + n_labels] for k in range(0, len(results), n_labels)]
        models = [
            (np.vstack([r[0] for r in rows]).astype(np.float32), np.array([r[1] for r in rows], dtype=np.float64))
            for rows in per_set
        ]
    else:
        # one task per training set: the C path, each fit starting from the previous C's solution
        paths = pool.map(_fit_softmax_path, [(m, t, grid, tagger) for m, t in zip(matrices, truths)])
        models = [path[c_index] for c_index in range(len(grid)) for path in paths]
    return [models[c_index * len(matrices) : (c_index + 1) * len(matrices)] for c_index in range(len(grid))]


def _logistic(tagger, C: float, **extra):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight=tagger.class_weight, max_iter=1000, **extra)


def _fit_binary(features, column: np.ndarray, C: float, tagger) -> tuple[np.ndarray, float]:
    """One label's logistic regression (liblinear's dual solver: same L2 optimum, far faster on text)."""
    if column.all() or not column.any():
        return np.zeros(features.shape[1]), (-_ABSENT_INTERCEPT if column.all() else _ABSENT_INTERCEPT)
    model = _logistic(tagger, C, solver="liblinear", dual=True, random_state=tagger.random_state).fit(features, column)
    return model.coef_[0], float(model.intercept_[0])


def _fit_softmax_path(features, truth: np.ndarray, grid: Sequence[float], tagger) -> list:
    """Single-label softmax models for each C of ``grid`` (ascending), each warm-started from the previous."""
    target = truth.argmax(axis=1)
    present = np.unique(target)
    models = []
    model = _logistic(tagger, grid[0], solver="lbfgs", warm_start=True) if len(present) > 1 else None
    for C in grid:
        coef = np.zeros((truth.shape[1], features.shape[1]))
        intercept = np.full(truth.shape[1], _ABSENT_INTERCEPT)
        if model is None:
            intercept[present[0]] = 0.0
        else:
            model.set_params(C=C).fit(features, target)
            if len(present) == 2:  # binary LogisticRegression keeps one row: split it
                coef[present[1]], coef[present[0]] = model.coef_[0] / 2, -model.coef_[0] / 2
                intercept[present[1]], intercept[present[0]] = model.intercept_[0] / 2, -model.intercept_[0] / 2
            else:
                coef[present], intercept[present] = model.coef_, model.intercept_
        models.append((coef.astype(np.float32), intercept))
    return models


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
