"""SectorTagger: the estimator contract, predictions, explanations and fit errors."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.exceptions
from sklearn.base import clone, is_classifier
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.validation import check_is_fitted

import sectortag
from sectortag import SECTORS, DataError, NotFittedError, SectorTagger
from sectortag._model import tagger as _tagger
from sectortag._model import linear

from conftest import single_label_corpus, toy_corpus

TEXTS, LABELS = toy_corpus()

#: Paragraphs the toy tagger never saw, each plainly about one sector (en, fr, it).
OBVIOUS = [
    ("Religious leaders gathered for an interfaith dialogue on tolerance.", "religion"),
    ("Le dialogue interreligieux entre les chefs religieux.", "religion"),
    ("Gli investimenti e l'interscambio commerciale sono cresciuti.", "trade"),
    ("Food security, agriculture and wheat supplies were discussed.", "food_security"),
    ("La sécurité alimentaire et l'agriculture.", "food_security"),
    ("La lotta al terrorismo e la cooperazione nella difesa.", "security_defense"),
    ("Universities will exchange students and offer scholarships.", "culture"),
    ("The countries will coordinate positions at the United Nations.", "multilateral"),
    ("The ministers held political consultations on bilateral relations.", "politics"),
]
TWO_SECTORS = TEXTS[LABELS.index(["religion", "culture"])]
DOCUMENT = (
    "  Joint statement\r\n\r\n"
    "Religious leaders gathered for an interfaith dialogue on tolerance.\r\n"
    "Universities will exchange students\r\nand offer scholarships.\n\n"
    "\tLa sécurité alimentaire et l'agriculture.  \n\n\n"
    "- The countries will coordinate positions at the United Nations.\n"
    "Leave a comment\n"
)


# ----------------------------------------------------------------------
# shapes, classes and predictions


def test_classes_follow_codebook_order(toy_tagger):
    assert toy_tagger.classes_ == list(SECTORS)
    assert toy_tagger.multilabel_ is True
    assert toy_tagger.thresholds_.shape == (len(SECTORS),)
    assert np.all((toy_tagger.thresholds_ > 0) & (toy_tagger.thresholds_ < 1))


def test_output_shapes_and_ranges(toy_tagger):
    texts = TEXTS[:5] + ["", "Leave a comment"]
    decision = toy_tagger.decision_function(texts)
    probabilities = toy_tagger.predict_proba(texts)
    predicted = toy_tagger.predict(texts)
    assert decision.shape == probabilities.shape == (7, len(SECTORS))
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    # one sigmoid per label in a multi-label tagger
    np.testing.assert_allclose(probabilities, 1 / (1 + np.exp(-decision)), rtol=1e-12)
    assert len(predicted) == 7
    assert all(isinstance(names, list) and set(names) <= set(SECTORS) for names in predicted)


def test_empty_input_gives_empty_output(toy_tagger):
    assert toy_tagger.predict([]) == []
    assert toy_tagger.predict_proba([]).shape == (0, len(SECTORS))
    assert toy_tagger.decision_function([]).shape == (0, len(SECTORS))
    assert toy_tagger.tag_document("") == []
    assert toy_tagger.tag_document(" \n\r\n\t ") == []


@pytest.mark.parametrize("text, label", OBVIOUS)
def test_obvious_paragraph_gets_its_label(toy_tagger, text, label):
    result = toy_tagger.tag(text)
    assert result.labels[:1] == [label], f"{text!r}: want {label}, got {result.labels} ({result.scores})"


def test_training_paragraph_with_two_sectors_gets_both(toy_tagger):
    assert set(toy_tagger.predict([TWO_SECTORS])[0]) == {"religion", "culture"}


@pytest.mark.parametrize("text", ["Leave a comment", "Share this article", "", "12 March 2025", "!!!"])
def test_paragraph_clearing_no_threshold_gets_empty_list(toy_tagger, text):
    probabilities = toy_tagger.predict_proba([text])[0]
    assert np.all(probabilities < toy_tagger.thresholds_)
    assert toy_tagger.predict([text]) == [[]]
    assert toy_tagger.tag(text).labels == []


def test_predict_applies_each_labels_stored_threshold(toy_tagger):
    probabilities = toy_tagger.predict_proba(TEXTS)
    for row, names in zip(probabilities, toy_tagger.predict(TEXTS)):
        expected = {c for c, p, t in zip(SECTORS, row, toy_tagger.thresholds_) if p >= t}
        assert set(names) == expected


def test_tag_orders_labels_most_confident_first_with_every_score(toy_tagger):
    result = toy_tagger.tag(TWO_SECTORS)
    assert list(result.scores) == toy_tagger.classes_
    assert len(result.labels) == 2
    scores = [result.scores[name] for name in result.labels]
    assert scores == sorted(scores, reverse=True)
    np.testing.assert_array_equal(list(result.scores.values()), toy_tagger.predict_proba([TWO_SECTORS])[0])
    assert result.labels == toy_tagger.predict([TWO_SECTORS])[0]
    assert result.to_dict() == {"labels": result.labels, "scores": result.scores}


def test_predict_orders_every_rows_labels_by_probability(toy_tagger):
    probabilities = toy_tagger.predict_proba(TEXTS)
    index = {name: j for j, name in enumerate(toy_tagger.classes_)}
    for row, names in zip(probabilities, toy_tagger.predict(TEXTS, threshold=0.05)):
        scores = [row[index[name]] for name in names]
        assert scores == sorted(scores, reverse=True)


def test_tag_document_spans_slice_back_to_the_paragraphs(toy_tagger):
    paragraphs = toy_tagger.tag_document(DOCUMENT)
    assert [p.text for p in paragraphs] == [p.text for p in sectortag.split_paragraphs(DOCUMENT)]
    assert len(paragraphs) == 6
    for paragraph in paragraphs:
        assert DOCUMENT[paragraph.start : paragraph.end] == paragraph.text
        assert paragraph.labels == toy_tagger.predict([paragraph.text])[0]
        assert list(paragraph.scores) == toy_tagger.classes_
    assert paragraphs[1].labels[:1] == ["religion"]
    assert paragraphs[-1].labels == []


def test_tag_and_tag_document_take_a_threshold(toy_tagger):
    assert set(toy_tagger.tag("Leave a comment", threshold=0.0).labels) == set(SECTORS)
    assert toy_tagger.tag(OBVIOUS[0][0], threshold=1.0).labels == []
    assert all(p.labels == [] for p in toy_tagger.tag_document(DOCUMENT, threshold=1.0))


def test_threshold_lowers_and_raises_labels_monotonically(toy_tagger):
    cuts = [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0]
    predictions = [toy_tagger.predict(TEXTS, threshold=cut) for cut in cuts]
    for lower, higher in zip(predictions, predictions[1:]):
        for many, few in zip(lower, higher):
            assert set(few) <= set(many)
    assert all(set(names) == set(SECTORS) for names in predictions[0])
    assert all(names == [] for names in predictions[-1])
    counts = [sum(map(len, p)) for p in predictions]
    assert counts[0] > counts[4] > counts[-1]


@pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan")])
def test_threshold_out_of_range_is_rejected(toy_tagger, single_label_tagger, threshold):
    for tagger in (toy_tagger, single_label_tagger):
        with pytest.raises(ValueError, match="threshold must be between 0 and 1"):
            tagger.predict(["trade"], threshold=threshold)


def test_batch_results_equal_one_at_a_time_results(toy_tagger, monkeypatch):
    texts = TEXTS + [text for text, _ in OBVIOUS] + ["", "Leave a comment"]
    batch = toy_tagger.predict_proba(texts)
    one_by_one = np.vstack([toy_tagger.predict_proba([text]) for text in texts])
    np.testing.assert_array_equal(batch, one_by_one)
    assert toy_tagger.predict(texts) == [toy_tagger.tag(text).labels for text in texts]
    # inputs longer than one featurising batch are cut into batches
    monkeypatch.setattr(_tagger, "_BATCH", 7)
    np.testing.assert_array_equal(toy_tagger.predict_proba(texts), batch)


def test_predict_accepts_any_iterable_of_strings(toy_tagger):
    expected = toy_tagger.predict(TEXTS[:4])
    assert toy_tagger.predict(tuple(TEXTS[:4])) == expected
    assert toy_tagger.predict(iter(TEXTS[:4])) == expected
    assert toy_tagger.predict(np.array(TEXTS[:4], dtype=object)) == expected


def test_score_is_micro_f1_and_counts_unknown_labels_as_misses(toy_tagger):
    religious = OBVIOUS[0][0]
    assert toy_tagger.score([religious], [["religion"]]) == 1.0
    # a true label the model does not know is a miss, not ignored: P = 1, R = 1/2
    assert toy_tagger.score([religious], [["religion", "energy"]]) == pytest.approx(2 / 3)
    assert 0.9 < toy_tagger.score(TEXTS, LABELS) <= 1.0


# ----------------------------------------------------------------------
# single-label data and custom labels


def test_single_label_mode_is_explicit(single_label_tagger):
    """One label on every example no longer switches single-label mode on: "Thank you" may get no label."""
    texts, labels = single_label_corpus()
    tagger = SectorTagger(threshold_folds=3).fit(texts, labels)
    assert tagger.multilabel_ is True and tagger.single_label is False
    assert not np.isnan(tagger.thresholds_).any()
    assert tagger.predict(["a"], threshold=1.0) == [[]]
    with pytest.raises(sectortag.DataError, match="a single-label tagger needs exactly one label per example; example 37 has 0; give one label each, or train a multi-label tagger"):
        SectorTagger(threshold_folds=3, single_label=True).fit(texts + ["Thank you."], labels + [[]])


def test_single_label_tagger(single_label_tagger):
    texts, _ = single_label_corpus()
    tagger = single_label_tagger
    assert tagger.multilabel_ is False
    assert tagger.threshold_sources_ == ["argmax"] * len(SECTORS)
    assert np.isnan(tagger.thresholds_).all()
    unseen = ["", "Leave a comment", "Thank you", *[text for text, _ in OBVIOUS]]
    probabilities = tagger.predict_proba(texts + unseen)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    predicted = tagger.predict(texts + unseen)
    assert all(len(names) == 1 for names in predicted)
    # a threshold is the least probability the best label needs
    assert tagger.predict(unseen, threshold=1.0) == [[] for _ in unseen]
    assert tagger.predict(unseen, threshold=0.0) == tagger.predict(unseen)
    assert [names[0] for names in predicted] == [tagger.classes_[j] for j in probabilities.argmax(axis=1)]
    for text, label in OBVIOUS:
        assert tagger.tag(text).labels == [label]


def test_single_label_data_with_two_labels(single_label_tagger):
    texts, labels = single_label_corpus()
    keep = [i for i, names in enumerate(labels) if names[0] in ("politics", "trade")]
    tagger = SectorTagger(threshold_folds=3, single_label=True).fit([texts[i] for i in keep], [labels[i] for i in keep])
    assert tagger.classes_ == ["politics", "trade"] and not tagger.multilabel_
    assert tagger.predict(["Trade turnover and investment rose.", "Political consultations."]) == [["trade"], ["politics"]]
    np.testing.assert_allclose(tagger.predict_proba(["anything"]).sum(), 1.0)


def test_multilabel_data_never_fits_a_softmax_in_any_fold(monkeypatch):
    """Regression: one empty example makes the data multi-label; a threshold fold
    whose training part lacks it must still get one-vs-rest (sigmoid) models."""
    texts, labels = single_label_corpus()
    texts, labels = texts + ["Leave a comment"], labels + [[]]

    def no_softmax(*args, **kwargs):
        raise AssertionError("softmax fitted for multi-label data")

    monkeypatch.setattr(linear, "_fit_softmax_path", no_softmax)
    tagger = SectorTagger(threshold_folds=3, loss="log_loss").fit(texts, labels)
    assert tagger.multilabel_ is True


def test_custom_label_names():
    names = {"trade": "Economy", "food_security": "agri-food", "religion": "faith"}
    custom = [[names.get(n, "other") for n in row] for row in LABELS]
    tagger = SectorTagger(threshold_folds=3).fit(TEXTS, custom)
    assert tagger.classes_ == sorted({"Economy", "agri-food", "faith", "other"})
    assert tagger.tag("Religious leaders gathered for an interfaith dialogue.").labels[:1] == ["faith"]
    assert tagger.tag("La sécurité alimentaire et l'agriculture.").labels[:1] == ["agri-food"]
    declared = SectorTagger(labels=["other", "faith", "agri-food", "Economy"], threshold_folds=3).fit(TEXTS, custom)
    assert declared.classes_ == ["other", "faith", "agri-food", "Economy"]
    assert declared.predict_proba(["x"]).shape == (1, 4)


def test_fit_with_groups_keeps_documents_together():
    groups = [i % 4 for i in range(len(TEXTS))]
    tagger = SectorTagger(threshold_folds=3).fit(TEXTS, LABELS, groups=groups)
    assert tagger.training_info_["cv"]["grouped"] is True
    assert tagger.tag(OBVIOUS[0][0]).labels[:1] == ["religion"]


def test_fit_reports_progress():
    messages = []
    SectorTagger(threshold_folds=2).fit(TEXTS, LABELS, progress=messages.append)
    assert messages == [
        "counting n-grams", "cross-validating: 2 folds, C in [0.3, 1.0, 3.0]", "fitting the final model on all examples"
    ]


def test_training_info(toy_tagger):
    info = toy_tagger.training_info_
    assert info["n_examples"] == len(TEXTS)
    assert info["label_counts"] == {name: sum(name in row for row in LABELS) for name in SECTORS}
    assert info["data_sha256"] == _tagger.training_data_hash(TEXTS, LABELS)
    assert info["data_sha256"] != _tagger.training_data_hash(TEXTS, [["trade"]] + LABELS[1:])
    assert len(info["data_sha256"]) == 64
    metrics = info["cv"]["metrics"]
    assert 0.5 < metrics["micro"]["f1"] <= 1
    assert all(0 <= metrics["labels"][name]["brier"] < 0.25 for name in SECTORS)


# ----------------------------------------------------------------------
# determinism


def test_same_random_state_gives_identical_probabilities(toy_tagger):
    again = SectorTagger(threshold_folds=3).fit(TEXTS, LABELS)
    np.testing.assert_array_equal(again.predict_proba(TEXTS), toy_tagger.predict_proba(TEXTS))
    np.testing.assert_array_equal(again.thresholds_, toy_tagger.thresholds_)
    np.testing.assert_array_equal(again.coef_, toy_tagger.coef_)
    other = SectorTagger(threshold_folds=3, random_state=1).fit(TEXTS, LABELS)
    assert not np.array_equal(other.thresholds_, toy_tagger.thresholds_)


# ----------------------------------------------------------------------
# explanations


def _check_explanation(tagger, text, top):
    explanations = tagger.explain(text, top=top)
    decision = tagger.decision_function([text])[0]
    probability = tagger.predict_proba([text])[0]
    assert list(explanations) == tagger.classes_
    for j, (label, explanation) in enumerate(explanations.items()):
        assert explanation.label == label
        assert explanation.score == pytest.approx(decision[j], abs=1e-12)
        assert explanation.probability == pytest.approx(probability[j], abs=1e-12)
        assert explanation.intercept == tagger.intercept_[j]
        total = explanation.intercept + sum(e.weight for e in explanation.evidence) + explanation.other_weight
        assert np.isclose(total, explanation.score, rtol=0, atol=1e-9), (label, total, explanation.score)
        weights = [abs(e.weight) for e in explanation.evidence]
        assert weights == sorted(weights, reverse=True)
        if top is not None:
            assert len(explanation.evidence) <= top
        for evidence in explanation.evidence:
            assert text[evidence.start : evidence.end] == evidence.text
            assert evidence.text and evidence.text == evidence.text.strip(" .,;:!?'\"")
    return explanations


@pytest.mark.parametrize("top", [None, 0, 1, 3, 10])
def test_explain_adds_up_to_the_decision_score(toy_tagger, top):
    _check_explanation(toy_tagger, TWO_SECTORS, top)


def test_explain_points_at_the_words_that_matter(toy_tagger):
    text = "Religious leaders gathered for an interfaith dialogue on tolerance."
    explanations = _check_explanation(toy_tagger, text, top=3)
    assert {e.text for e in explanations["religion"].evidence} & {"Religious", "interfaith", "dialogue", "Religious leaders"}
    assert all(e.weight > 0 for e in explanations["religion"].evidence[:1])
    everything = toy_tagger.explain(text, top=None)["religion"]
    assert everything.other_weight == 0.0
    # a word n-gram is evidence spanning its words
    assert any(" " in e.text for e in everything.evidence)


def test_explain_spans_survive_accents_combining_marks_and_astral_characters(toy_tagger):
    text = "🎉 Se\u0301curite\u0301 alimentaire — l'agricoltura e il « dialogo » interreligioso 🎉"
    explanations = _check_explanation(toy_tagger, text, top=None)
    words = {e.text for e in explanations["food_security"].evidence}
    assert "Se\u0301curite\u0301" in words
    assert "🎉" not in "".join(words)


def test_explain_of_text_without_known_words_is_the_intercept(toy_tagger):
    for text in ("", "zzzz qqqq"):
        for j, explanation in enumerate(toy_tagger.explain(text).values()):
            assert explanation.evidence == [] and explanation.other_weight == 0
            assert explanation.score == pytest.approx(toy_tagger.intercept_[j])


def test_explain_single_label_tagger(single_label_tagger):
    _check_explanation(single_label_tagger, OBVIOUS[0][0], top=2)


def test_explain_rejects_bad_arguments(toy_tagger):
    with pytest.raises(ValueError, match="top must be None or a non-negative int, got -1"):
        toy_tagger.explain("trade", top=-1)
    with pytest.raises(TypeError, match=r"explain\(\) expects one str, got list"):
        toy_tagger.explain(["trade"])


# ----------------------------------------------------------------------
# scikit-learn's estimator contract


def test_get_params_set_params_round_trip(toy_tagger):
    params = toy_tagger.get_params()
    assert params["threshold_folds"] == 3 and params["C"] == "auto"
    assert set(params) == {
        "labels", "word_ngram_range", "word_prefix", "char_ngram_range", "fold_accents", "lexicon", "concepts", "lexicon_weight",
        "min_df", "max_features", "loss", "C", "class_weight", "threshold_folds", "random_state", "n_jobs", "single_label",
    }  # fmt: skip
    fresh = SectorTagger()
    assert fresh.set_params(**params) is fresh
    assert fresh.get_params() == params
    fresh.set_params(C=0.5, word_prefix=None)
    assert fresh.get_params() == dict(params, C=0.5, word_prefix=None)
    assert repr(fresh) == "SectorTagger(C=0.5, threshold_folds=3, word_prefix=None)"
    with pytest.raises(ValueError, match="Invalid parameter 'c' for estimator SectorTagger"):
        fresh.set_params(c=1.0)


def test_init_only_stores_parameters():
    tagger = SectorTagger(C=-1, threshold_folds="many")
    assert tagger.C == -1 and tagger.threshold_folds == "many"
    assert not hasattr(tagger, "classes_")


def test_clone_gives_an_unfitted_copy_with_equal_params(toy_tagger):
    copy = clone(toy_tagger)
    assert type(copy) is SectorTagger
    assert copy.get_params() == toy_tagger.get_params()
    assert not hasattr(copy, "coef_")
    assert is_classifier(toy_tagger)
    check_is_fitted(toy_tagger)
    with pytest.raises(sklearn.exceptions.NotFittedError):
        check_is_fitted(copy)


def test_inside_a_pipeline(toy_tagger):
    strip = FunctionTransformer(lambda texts: [t.strip() for t in texts])
    pipeline = make_pipeline(strip, SectorTagger(threshold_folds=3))
    pipeline.fit(["  " + t + "\n" for t in TEXTS], LABELS)
    assert pipeline.classes_ == list(SECTORS)
    np.testing.assert_array_equal(pipeline.predict_proba(TEXTS), toy_tagger.predict_proba(TEXTS))
    assert pipeline.predict([OBVIOUS[0][0]]) == toy_tagger.predict([OBVIOUS[0][0]])
    assert pipeline.get_params()["sectortagger__C"] == "auto"
    pipeline.set_params(sectortagger__C=1.0)
    assert pipeline[-1].C == 1.0


def test_grid_search_over_c():
    search = GridSearchCV(
        SectorTagger(threshold_folds=2),
        {"C": [0.1, 10.0]},
        scoring=sectortag.multilabel_scorer(),
        cv=KFold(3, shuffle=True, random_state=0),
        error_score="raise",
    )
    search.fit(TEXTS, LABELS)
    scores = search.cv_results_["mean_test_score"]
    assert np.all((scores >= 0) & (scores <= 1))
    assert scores[1] > scores[0]  # heavy regularisation hurts this tiny corpus
    assert search.best_params_ == {"C": 10.0}
    assert search.best_estimator_.tag(OBVIOUS[0][0]).labels[:1] == ["religion"]


# ----------------------------------------------------------------------
# errors


def test_not_fitted_error_before_fit(tmp_path):
    tagger = SectorTagger()
    calls = {
        "predict": lambda: tagger.predict(["x"]),
        "predict_proba": lambda: tagger.predict_proba(["x"]),
        "decision_function": lambda: tagger.decision_function(["x"]),
        "score": lambda: tagger.score(["x"], [["trade"]]),
        "tag": lambda: tagger.tag("x"),
        "tag_document": lambda: tagger.tag_document("x"),
        "explain": lambda: tagger.explain("x"),
        "save": lambda: tagger.save(tmp_path / "model.zip"),
    }
    for name, call in calls.items():
        with pytest.raises(NotFittedError, match="This SectorTagger instance is not fitted yet. Call 'fit'"):
            call()
    assert list(tmp_path.iterdir()) == []


def test_not_fitted_error_has_scikit_learns_bases():
    # by design not a subclass of sklearn's NotFittedError (importing sklearn to tag is
    # too slow), but caught by the same except clauses: ValueError and AttributeError
    for base in sklearn.exceptions.NotFittedError.__bases__:
        assert issubclass(NotFittedError, base)
    assert issubclass(NotFittedError, sectortag.SectorTagError)
    assert not hasattr(SectorTagger(), "coef_")


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.predict("Trade rose."),
        lambda t: t.predict_proba("Trade rose."),
        lambda t: t.decision_function("Trade rose."),
        lambda t: t.predict(b"Trade rose."),
        lambda t: t.score("Trade rose.", [["trade"]]),
        lambda t: SectorTagger().fit("Trade rose.", [["trade"]]),
    ],
)
def test_bare_string_where_a_list_is_expected(toy_tagger, call):
    with pytest.raises(TypeError, match="Iterable over raw text documents expected, (str|bytes) object received"):
        call(toy_tagger)


def test_wrong_types_are_type_errors(toy_tagger):
    with pytest.raises(TypeError, match=r"texts\[1\] is int, expected str"):
        toy_tagger.predict(["fine", 3])
    with pytest.raises(TypeError, match="texts must be an iterable of strings, got int"):
        toy_tagger.predict(3)
    with pytest.raises(TypeError, match=r"tag\(\) expects one str, got list; use predict\(\) for a list"):
        toy_tagger.tag(["Trade rose."])
    with pytest.raises(TypeError, match=r"tag_document\(\) expects one str"):
        toy_tagger.tag_document(None)
    with pytest.raises(TypeError, match="labels must be a list with one list of label names per text, got a string"):
        SectorTagger().fit(TEXTS, "trade")
    with pytest.raises(TypeError, match=r"labels\[0\] is a string; give a list of label names, e.g. \['politics'\]"):
        SectorTagger().fit(TEXTS, ["politics"] + LABELS[1:])
    with pytest.raises(TypeError, match=r"labels\[0\] must contain label names"):
        SectorTagger().fit(TEXTS, [[1]] + LABELS[1:])


@pytest.mark.parametrize(
    "make, kwargs, message",
    [
        (
            lambda: SectorTagger(labels=[*SECTORS, "energy"], threshold_folds=3),
            {},
            "label 'energy' never occurs in the training data; add examples of it or leave it out of labels=",
        ),
        (
            lambda: SectorTagger(labels=["politics", "trade"], threshold_folds=3),
            {},
            r"label 'food_security' is not one of the declared labels \['politics', 'trade'\]",
        ),
        (
            lambda: SectorTagger(threshold_folds=3),
            {"labels": [row + ["politics"] for row in LABELS]},
            "label 'politics' is on every example; there is nothing to tell it apart from",
        ),
        (
            lambda: SectorTagger(threshold_folds=3),
            {"texts": TEXTS[:5], "labels": [["politics"], [], ["politics"], [], []]},
            r"5 examples are too few to choose thresholds by 3-fold cross-validation; give at least 6 \(or lower threshold_folds\)",
        ),
        (
            lambda: SectorTagger(threshold_folds=3),
            {"groups": ["doc-a", "doc-b"] * (len(TEXTS) // 2) + ["doc-a"]},
            "2 groups are too few for 3 folds; give more documents or lower threshold_folds",
        ),
        (
            lambda: SectorTagger(threshold_folds=3),
            {"labels": LABELS[:-1]},
            f"got {len(TEXTS)} texts but {len(TEXTS) - 1} label lists; give one label list per text",
        ),
        (
            lambda: SectorTagger(threshold_folds=3),
            {"groups": list(range(len(TEXTS) - 1))},
            rf"got {len(TEXTS)} texts but {len(TEXTS) - 1} groups; give one group \(e.g. document id\) per text",
        ),
        (
            lambda: SectorTagger(threshold_folds=3),
            {"labels": [[] for _ in TEXTS]},
            "no example has a label; a tagger needs labelled examples to learn from",
        ),
    ],
    ids=["never-occurs", "undeclared", "on-every-example", "too-few-examples", "too-few-groups",
         "length-mismatch", "groups-length-mismatch", "no-labels"],  # fmt: skip
)
def test_fit_rejects_unusable_data(make, kwargs, message):
    arguments = {"texts": TEXTS, "labels": LABELS, **kwargs}
    with pytest.raises(DataError, match=message):
        make().fit(arguments.pop("texts"), arguments.pop("labels"), **arguments)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"C": 0}, "C must be a positive finite number or 'auto', got 0"),
        ({"C": float("inf")}, "C must be a positive finite number or 'auto', got inf"),
        ({"C": "high"}, "C must be a positive finite number or 'auto', got 'high'"),
        ({"threshold_folds": 1}, "threshold_folds must be an int >= 2, got 1"),
        ({"word_ngram_range": (2, 1)}, r"word_ngram_range must be None or \(min_n, max_n\) with 1 <= min_n <= max_n <= 10, got \(2, 1\)"),
        ({"word_prefix": 1}, "word_prefix must be None or an int from 2 to 50, got 1"),
        ({"min_df": 0}, "min_df must be an int >= 1, got 0"),
        ({"max_features": 0}, "max_features must be None or an int >= 1, got 0"),
        ({"class_weight": "auto"}, "class_weight must be None or 'balanced', got 'auto'"),
        ({"word_ngram_range": None, "word_prefix": None}, "no features: set word_ngram_range, word_prefix or char_ngram_range"),
    ],
)
def test_fit_rejects_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        SectorTagger(**params).fit(TEXTS, LABELS)


def test_failed_fit_leaves_no_fitted_state():
    tagger = SectorTagger(threshold_folds=3)
    with pytest.raises(DataError):
        tagger.fit(TEXTS[:5], LABELS[:5])
    with pytest.raises(NotFittedError):
        tagger.predict(["x"])


def test_lexicon_weight_scales_the_keyword_features_idf_only():
    from sectortag._model import features

    plain = SectorTagger(threshold_folds=3).fit(TEXTS, LABELS)
    heavy = SectorTagger(threshold_folds=3, lexicon_weight=3.0).fit(TEXTS, LABELS)
    keyword_columns = plain.vocabulary_.columns(features.keyword_feature_hashes(plain.feature_settings_))
    keyword_columns = keyword_columns[keyword_columns >= 0]
    assert len(keyword_columns) and np.array_equal(plain.vocabulary_.hashes, heavy.vocabulary_.hashes)
    ratio = heavy.idf_ / plain.idf_
    np.testing.assert_allclose(ratio[keyword_columns], 3.0, rtol=1e-6)
    others = np.setdiff1d(np.arange(len(ratio)), keyword_columns)
    np.testing.assert_allclose(ratio[others], 1.0)
    with pytest.raises(ValueError, match="lexicon_weight must be a number"):
        SectorTagger(lexicon_weight=0).fit(TEXTS, LABELS)


def test_ranked_labels_match_the_obvious_loop():
    rng = np.random.default_rng(0)
    for n_labels in (1, 3, 7, 40):
        probabilities = np.round(rng.random((400, n_labels)), 2)  # ties included
        cut = rng.random(n_labels) * 0.8
        classes = [f"label{j}" for j in range(n_labels)]
        order = np.argsort(-probabilities, axis=1, kind="stable")
        passed = probabilities >= cut
        expected = [[classes[j] for j in row if ok[j]] for row, ok in zip(order.tolist(), passed.tolist())]
        assert _tagger._ranked_labels(probabilities, passed, classes) == expected


def test_explanations_of_a_batch_equal_one_text_at_a_time(toy_tagger):
    from sectortag._model.explain import explain_batch

    texts = [TWO_SECTORS, "", "zzzz", "Religious leaders gathered for an interfaith dialogue on tolerance."] * 3
    assert explain_batch(toy_tagger, texts, top=3) == [toy_tagger.explain(t, top=3) for t in texts]
    some = explain_batch(toy_tagger, texts, top=2, wanted=[[0], [], [1, 4], [4]] * 3)
    assert [list(e) for e in some] == [[toy_tagger.classes_[0]], [], [toy_tagger.classes_[1], toy_tagger.classes_[4]],
                                       [toy_tagger.classes_[4]]] * 3
    assert some[3][toy_tagger.classes_[4]] == toy_tagger.explain(texts[3], top=2)[toy_tagger.classes_[4]]
