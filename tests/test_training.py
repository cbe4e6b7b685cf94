"""Training internals: shared counts per fold, C by cross-validation, calibration, parallel fits."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfTransformer

import sectortag
from sectortag._model import features as F
from sectortag._model.calibration import fit_platt, fit_softmax_scaling
from sectortag._model.termcounts import TermCounts
from sectortag._model.training import C_GRIDS

from conftest import fitted_toy_tagger, toy_corpus

TEXTS, LABELS = toy_corpus()


# ----------------------------------------------------------------------
# one count matrix, every fold's features


@pytest.mark.parametrize("min_df, max_features", [(1, None), (2, None), (1, 40)])
def test_fold_features_equal_features_built_from_the_fold_alone(min_df, max_features):
    settings = F.FeatureSettings(lexicon=True, concepts=True)
    occurrences, _ = F.extract(TEXTS, settings)
    counts = TermCounts(occurrences, len(TEXTS))
    rows = np.arange(0, len(TEXTS), 3)
    fold = counts.fit_features(rows, min_df=min_df, max_features=max_features, settings=settings)

    alone, _ = F.extract([TEXTS[i] for i in rows], settings)
    vocabulary = F.Vocabulary.from_occurrences(alone, len(rows), min_df=min_df, max_features=max_features)
    expected_counts = F.count_matrix(alone, vocabulary, len(rows))
    idf = TfidfTransformer(sublinear_tf=True).fit(expected_counts).idf_.astype(np.float32)
    np.testing.assert_array_equal(fold.vocabulary.hashes, vocabulary.hashes)
    np.testing.assert_array_equal(fold.idf, idf)
    np.testing.assert_array_equal(fold.matrix.toarray(), F.tfidf(expected_counts, idf).toarray())

    others = np.setdiff1d(np.arange(len(TEXTS)), rows)
    unseen, _ = F.extract([TEXTS[i] for i in others], settings)
    np.testing.assert_allclose(
        counts.transform(others, fold).toarray(),
        F.tfidf(F.count_matrix(unseen, vocabulary, len(others)), idf).toarray(), rtol=1e-12, atol=1e-15,
    )


# ----------------------------------------------------------------------
# C="auto"


def test_auto_C_is_chosen_from_the_grid_by_cross_validation():
    info = fitted_toy_tagger().training_info_["regularization"]
    assert fitted_toy_tagger().C == "auto"
    assert info["grid"] == list(C_GRIDS["squared_hinge"]) and info["C"] in info["grid"]
    best = max(info["cv_micro_f1"])
    assert info["cv_micro_f1"][info["grid"].index(info["C"])] == best
    assert info["cv_fits"] == 3 * len(info["grid"]) and info["cv_seconds"] <= info["seconds"]
    # the model's cross-validated metrics are the chosen C's
    assert fitted_toy_tagger().training_info_["cv"]["metrics"]["micro"]["f1"] == pytest.approx(best)


def test_a_given_C_is_not_searched():
    tagger = sectortag.SectorTagger(threshold_folds=3, C=2.0).fit(TEXTS, LABELS)
    info = tagger.training_info_["regularization"]
    assert info["grid"] == [2.0] and info["C"] == 2.0 and info["cv_fits"] == 3


def test_auto_C_round_trips_through_the_model_file(tmp_path):
    tagger = fitted_toy_tagger()
    tagger.save(tmp_path / "m.zip")
    loaded = sectortag.load(tmp_path / "m.zip")
    assert loaded.C == "auto"
    assert loaded.training_info_["regularization"]["C"] == tagger.training_info_["regularization"]["C"]
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), tagger.predict_proba(TEXTS))


def test_log_loss_fits_logistic_regressions_on_the_larger_grid():
    tagger = sectortag.SectorTagger(threshold_folds=3, loss="log_loss").fit(TEXTS, LABELS)
    info = tagger.training_info_["regularization"]
    assert info["grid"] == list(C_GRIDS["log_loss"]) and info["calibration"].startswith("none")
    assert tagger.predict(["Religious leaders met for an interfaith dialogue."])[0][:1] == ["religion"]


# ----------------------------------------------------------------------
# determinism and cores


def test_results_do_not_depend_on_n_jobs():
    one = sectortag.SectorTagger(threshold_folds=3, n_jobs=1).fit(TEXTS, LABELS)
    two = sectortag.SectorTagger(threshold_folds=3, n_jobs=2).fit(TEXTS, LABELS)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    np.testing.assert_array_equal(one.thresholds_, two.thresholds_)
    np.testing.assert_array_equal(one.predict_proba(TEXTS), two.predict_proba(TEXTS))


def test_single_label_data_in_parallel_gives_the_same_softmax_tagger():
    texts = [t for t, names in zip(TEXTS, LABELS) if len(names) == 1]
    labels = [names for names in LABELS if len(names) == 1]
    one = sectortag.SectorTagger(threshold_folds=3, single_label=True).fit(texts, labels)
    two = sectortag.SectorTagger(threshold_folds=3, single_label=True, n_jobs=2).fit(texts, labels)
    assert not one.multilabel_
    np.testing.assert_array_equal(one.predict_proba(texts), two.predict_proba(texts))
    np.testing.assert_allclose(one.predict_proba(texts).sum(axis=1), 1.0)


# ----------------------------------------------------------------------
# calibration


def test_platt_scaling_recovers_a_known_sigmoid():
    rng = np.random.default_rng(0)
    decisions = rng.normal(size=(20000, 2)) * 2
    truth = rng.random((20000, 2)) < 1 / (1 + np.exp(-(np.array([1.5, 0.5]) * decisions + np.array([-1.0, 2.0]))))
    scale, shift = fit_platt(decisions, truth)
    np.testing.assert_allclose(scale, [1.5, 0.5], atol=0.08)
    np.testing.assert_allclose(shift, [-1.0, 2.0], atol=0.08)


def test_platt_scaling_of_a_label_without_positives_is_finite_and_increasing():
    decisions = np.linspace(-3, 3, 50)[:, None]
    scale, shift = fit_platt(decisions, np.zeros((50, 1), dtype=bool))
    assert np.isfinite(shift).all() and (scale > 0).all()


def test_softmax_scaling_recovers_known_scales():
    rng = np.random.default_rng(1)
    decisions = rng.normal(size=(20000, 3))
    logits = decisions * np.array([2.0, 1.0, 0.5]) + np.array([0.0, 0.5, -0.5])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    label = (p.cumsum(axis=1) > rng.random((20000, 1))).argmax(axis=1)
    scale, shift = fit_softmax_scaling(decisions, np.eye(3, dtype=bool)[label])
    np.testing.assert_allclose(scale, [2.0, 1.0, 0.5], atol=0.1)
    np.testing.assert_allclose(shift - shift[0], [0.0, 0.5, -0.5], atol=0.1)


def test_tagging_with_n_jobs_equals_one_process():
    from sectortag._model import tagger as _tagger

    texts = (TEXTS * 400)[: 5 * _tagger._BATCH]  # enough batches to go parallel
    tagger = fitted_toy_tagger()
    one = tagger.predict_proba(texts)
    try:
        tagger.n_jobs = 2
        two = tagger.predict_proba(texts)
        assert tagger.predict(texts[:10]) == tagger.predict(texts[:10])
    finally:
        tagger.n_jobs = None
    np.testing.assert_array_equal(one, two)


def test_a_loaded_model_tags_in_one_process(tmp_path):
    tagger = sectortag.SectorTagger(threshold_folds=3, n_jobs=2).fit(TEXTS, LABELS)
    tagger.save(tmp_path / "m.zip")
    assert sectortag.load(tmp_path / "m.zip").n_jobs is None
