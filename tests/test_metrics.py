"""label_scores against scikit-learn, and multilabel_scorer inside GridSearchCV."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import BaseEstimator
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from sklearn.model_selection import GridSearchCV, KFold

from sectortag import label_scores, multilabel_scorer
from sectortag._eval.metrics import binarize, known_classes


def _lists(matrix: np.ndarray, classes: list[str]) -> list[list[str]]:
    return [[classes[j] for j in np.flatnonzero(row)] for row in matrix]


@st.composite
def indicator_pairs(draw):
    n = draw(st.integers(1, 25))
    k = draw(st.integers(2, 6))
    truth = draw(arrays(bool, (n, k)))
    pred = draw(arrays(bool, (n, k)))
    return truth, pred


@settings(max_examples=50, deadline=None)  # scikit-learn's input checks cost ~50 ms per example
@given(indicator_pairs())
@example((np.zeros((3, 2), bool), np.zeros((3, 2), bool)))
@example((np.ones((3, 2), bool), np.zeros((3, 2), bool)))
@example((np.zeros((3, 3), bool), np.ones((3, 3), bool)))
@example((np.eye(3, dtype=bool), np.eye(3, dtype=bool)[::-1]))
def test_label_scores_equal_scikit_learn(pair):
    truth, pred = pair
    classes = [f"label{j}" for j in range(truth.shape[1])]
    scores = label_scores(_lists(truth, classes), _lists(pred, classes), classes)

    p, r, f, s = precision_recall_fscore_support(truth, pred, average=None, zero_division=0)
    for j, name in enumerate(classes):
        got = scores["labels"][name]
        assert got["precision"] == pytest.approx(p[j]) and got["recall"] == pytest.approx(r[j])
        assert got["f1"] == pytest.approx(f[j]) and got["support"] == s[j]

    p, r, f, _ = precision_recall_fscore_support(truth, pred, average="micro", zero_division=0)
    assert (scores["micro"]["precision"], scores["micro"]["recall"], scores["micro"]["f1"]) == pytest.approx((p, r, f))
    assert scores["micro"]["support"] == scores["macro"]["support"] == truth.sum()

    # macro averages over the labels present in truth or prediction (documented):
    # scikit-learn's macro restricted to those labels
    present = [j for j in range(len(classes)) if truth[:, j].any() or pred[:, j].any()]
    if present:
        p, r, f, _ = precision_recall_fscore_support(truth, pred, labels=present, average="macro", zero_division=0)
    else:
        p = r = f = 0.0
    assert (scores["macro"]["precision"], scores["macro"]["recall"], scores["macro"]["f1"]) == pytest.approx((p, r, f))

    assert scores["exact_match"] == pytest.approx(accuracy_score(truth, pred))
    assert scores["n_examples"] == len(truth)


def test_macro_ignores_labels_absent_from_both_sides():
    scores = label_scores([["a"], ["a"]], [["a"], []], ["a", "b", "c"])
    assert scores["labels"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2, "predicted": 1}
    assert scores["labels"]["b"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0, "predicted": 0}
    assert scores["macro"]["f1"] == pytest.approx(2 / 3)
    assert scores["exact_match"] == 0.5


def test_empty_and_unknown_inputs():
    empty = label_scores([], [], ["a"])
    assert empty["micro"]["f1"] == 0.0 and empty["exact_match"] == 0.0 and empty["n_examples"] == 0
    # labels outside the classes are ignored by binarize; known_classes adds them so they count
    assert binarize([["a", "zzz"]], ["a"]).tolist() == [[True]]
    assert known_classes(["b", "a"], [["a", "zzz"], ["c"]]) == ["b", "a", "c", "zzz"]


def test_mismatched_lengths():
    with pytest.raises(ValueError, match="y_true has 2 rows but y_pred has 1"):
        label_scores([["a"], []], [["a"]], ["a"])


class KeywordTagger(BaseEstimator):
    """Predicts a label when its keyword occurs; ``strict`` drops the second label."""

    def __init__(self, strict: bool = False):
        self.strict = strict

    def fit(self, texts, labels):
        self.classes_ = ["trade", "food_security"]
        return self

    def predict(self, texts):
        out = []
        for text in texts:
            names = [name for name, word in (("trade", "trade"), ("food_security", "wheat")) if word in text]
            out.append(names[:1] if self.strict else names)
        return out


TEXTS = ["trade rose", "wheat harvest", "wheat trade", "nothing", "trade and wheat", "wheat"] * 3
LABELS = [["trade"], ["food_security"], ["food_security", "trade"], [], ["trade", "food_security"], ["food_security"]] * 3


@pytest.mark.parametrize("average", ["micro", "macro"])
def test_multilabel_scorer_in_grid_search(average):
    search = GridSearchCV(KeywordTagger(), {"strict": [True, False]}, scoring=multilabel_scorer(average), cv=KFold(3))
    search.fit(TEXTS, LABELS)
    np.testing.assert_allclose(search.cv_results_["mean_test_score"][1], 1.0)
    assert search.cv_results_["mean_test_score"][0] < 1.0
    assert search.best_params_ == {"strict": False}
    assert search.score(TEXTS, LABELS) == 1.0


def test_multilabel_scorer_counts_labels_the_model_does_not_know():
    model = KeywordTagger().fit(TEXTS, LABELS)
    score = multilabel_scorer()(model, ["trade rose"], [["trade", "energy"]])
    assert score == pytest.approx(2 / 3)  # precision 1, recall 1/2
    assert multilabel_scorer("macro")(model, ["trade rose"], [["trade", "energy"]]) == pytest.approx(0.5)


def test_multilabel_scorer_rejects_unknown_average():
    with pytest.raises(ValueError, match="average must be 'micro' or 'macro', got 'weighted'"):
        multilabel_scorer("weighted")
