"""Training a SectorTagger: features, linear models, thresholds by cross-validation.

Apart from tagging: this module imports scikit-learn, and only
``SectorTagger.fit`` imports this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from .._errors import DataError
from .._eval.metrics import binarize, label_scores
from . import features as _features
from .tagger import _ABSENT_INTERCEPT, _check_labels, _check_texts, _decide, _probabilities, training_data_hash
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

    settings = tagger._settings()
    occurrences, _ = _features.extract(texts, settings)
    out_of_fold = np.zeros(truth.shape)
    for fold, (train, test) in enumerate(_folds(tagger, len(texts), truth, groups), 1):
        report(f"choosing thresholds: fold {fold}/{n_folds}")
        vocabulary, idf, coef, intercept = _fit_linear(
            tagger, occurrences.subset(train, len(texts)), len(train), truth[train], settings, multilabel
        )
        model = (vocabulary, idf, np.ascontiguousarray(coef.T, dtype=np.float64), intercept)
        decision = _decide(occurrences.subset(test, len(texts)), len(test), model)
        out_of_fold[test] = _probabilities(decision, multilabel)

    if multilabel:
        thresholds, sources = choose_thresholds(out_of_fold, truth, min_positives=n_folds)
        predicted_oof = out_of_fold >= thresholds
    else:
        thresholds, sources = np.full(len(classes), np.nan), ["argmax"] * len(classes)
        predicted_oof = out_of_fold == out_of_fold.max(axis=1, keepdims=True)

    report("fitting the final model on all examples")
    model = _fit_linear(tagger, occurrences, len(texts), truth, settings, multilabel)
    tagger.classes_ = list(classes)
    tagger.multilabel_ = multilabel
    tagger.feature_settings_ = settings
    tagger.vocabulary_, tagger.idf_, tagger.coef_, tagger.intercept_ = model
    tagger.thresholds_ = thresholds
    tagger.threshold_sources_ = sources
    tagger.training_info_ = _training_info(tagger, texts, labels, truth, out_of_fold, predicted_oof, groups)
    return tagger


def _folds(tagger, n: int, truth: np.ndarray, groups: Sequence | None):
    from sklearn.model_selection import GroupKFold, KFold

    if groups is not None:
        splitter = GroupKFold(n_splits=tagger.threshold_folds, shuffle=True, random_state=tagger.random_state)
        return list(splitter.split(np.zeros(n), groups=list(groups)))
    splitter = KFold(n_splits=tagger.threshold_folds, shuffle=True, random_state=tagger.random_state)
    return list(splitter.split(np.zeros(n)))


def _fit_linear(tagger, occurrences, n_docs: int, truth: np.ndarray, settings, multilabel: bool):
    """Vocabulary, IDF, coefficients and intercepts learnt from one training set.

    ``multilabel`` is the whole data set's: a fold of multi-label data in
    which every example happens to have one label still gets one-vs-rest
    models, since its scores go through the sigmoid.
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    vocabulary = _features.Vocabulary.from_occurrences(
        occurrences, n_docs, min_df=tagger.min_df, max_features=tagger.max_features
    )
    counts = _features.count_matrix(occurrences, vocabulary, n_docs)
    idf = TfidfTransformer(sublinear_tf=True).fit(counts).idf_.astype(np.float32)
    if settings.lexicon and tagger.lexicon_weight != 1:
        # the weight lives in the stored IDF, so tagging needs no setting of its own
        columns = vocabulary.columns(_features.keyword_feature_hashes(settings))
        idf[columns[columns >= 0]] *= tagger.lexicon_weight
    features = _features.tfidf(counts, idf)
    if not multilabel:
        coef, intercept = _fit_softmax(tagger, features, truth)
    else:
        coef, intercept = _fit_one_vs_rest(tagger, features, truth)
    return vocabulary, idf, coef.astype(np.float32), intercept.astype(np.float64)


def _logistic(tagger, **extra):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=tagger.C, class_weight=tagger.class_weight, max_iter=1000, **extra)


def _fit_one_vs_rest(tagger, features, truth: np.ndarray):
    from joblib import Parallel, delayed

    def fit_column(column: np.ndarray):
        if column.all() or not column.any():
            intercept = -_ABSENT_INTERCEPT if column.all() else _ABSENT_INTERCEPT
            return np.zeros(features.shape[1]), intercept
        model = _logistic(tagger, solver="liblinear", dual=True, random_state=tagger.random_state).fit(features, column)
        return model.coef_[0], model.intercept_[0]

    columns = [truth[:, j] for j in range(truth.shape[1])]
    if tagger.n_jobs in (None, 1):
        fitted = [fit_column(c) for c in columns]
    else:
        fitted = Parallel(n_jobs=tagger.n_jobs)(delayed(fit_column)(c) for c in columns)
    return np.vstack([f[0] for f in fitted]), np.array([f[1] for f in fitted])


def _fit_softmax(tagger, features, truth: np.ndarray):
    target = truth.argmax(axis=1)
    present = np.unique(target)
    coef = np.zeros((truth.shape[1], features.shape[1]))
    intercept = np.full(truth.shape[1], _ABSENT_INTERCEPT)
    if len(present) == 1:
        intercept[present[0]] = 0.0
        return coef, intercept
    model = _logistic(tagger, solver="lbfgs").fit(features, target)
    if len(present) == 2:  # binary LogisticRegression keeps one row: split it
        coef[present[1]], coef[present[0]] = model.coef_[0] / 2, -model.coef_[0] / 2
        intercept[present[1]], intercept[present[0]] = model.intercept_[0] / 2, -model.intercept_[0] / 2
    else:
        coef[present], intercept[present] = model.coef_, model.intercept_
    return coef, intercept


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
