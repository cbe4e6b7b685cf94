"""The SectorTagger estimator: TF-IDF features, linear models, stored thresholds.

It follows scikit-learn's estimator contract (``__init__`` only stores
parameters, ``fit`` learns attributes ending in ``_``, ``get_params`` /
``set_params``) without inheriting from ``sklearn.base.BaseEstimator``:
importing scikit-learn costs most of a second, and a CLI user tagging one
paragraph should not pay it. scikit-learn is imported inside ``fit`` only.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from . import features as _features
from .._errors import DataError, NotFittedError
from .._labels import label_order
from .._eval.metrics import known_classes, label_scores
from .._parallel import WorkerPool, worker_count
from .._results import LabelExplanation, ParagraphTags, SectorProfile, TagResult

__all__ = ["SectorTagger", "load_model", "text_hashes", "training_data_hash"]

_BATCH = 4096  # texts featurised at once: bounds memory on large inputs
_PARALLEL_BATCHES = 4  # with n_jobs, inputs of fewer batches are tagged in this process
_ABSENT_INTERCEPT = -20.0  # a class missing from a training fold: never predicted


def _check_texts(texts: Any, name: str = "texts") -> list[str]:
    if isinstance(texts, (str, bytes)):
        raise TypeError(
            f"Iterable over raw text documents expected, {type(texts).__name__} object received; "
            f"wrap a single text in a list, or use tag()"
        )
    try:
        texts = list(texts)
    except TypeError:
        raise TypeError(f"{name} must be an iterable of strings, got {type(texts).__name__}") from None
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"{name}[{index}] is {type(text).__name__}, expected str")
    return texts


def _check_labels(labels: Any, n_texts: int) -> list[tuple[str, ...]]:
    if isinstance(labels, (str, bytes)):
        raise TypeError("labels must be a list with one list of label names per text, got a string")
    labels = list(labels)
    if len(labels) != n_texts:
        raise DataError(f"got {n_texts} texts but {len(labels)} label lists; give one label list per text")
    checked = []
    for index, names in enumerate(labels):
        if isinstance(names, str):
            raise TypeError(f"labels[{index}] is a string; give a list of label names, e.g. [{names!r}]")
        names = tuple(names)
        if not all(isinstance(n, str) for n in names):
            raise TypeError(f"labels[{index}] must contain label names (str)")
        checked.append(tuple(dict.fromkeys(names)))
    return checked


def _is_matrix(labels: Any) -> bool:
    return hasattr(labels, "shape") and len(getattr(labels, "shape", ())) == 2


def _label_lists(labels: Any, classes: Sequence[str] | None) -> Any:
    """Label lists from a binary indicator matrix whose columns are ``classes``; other forms unchanged."""
    if not _is_matrix(labels):
        return labels
    matrix = labels.toarray() if hasattr(labels, "toarray") else np.asarray(labels)
    if classes is None:
        raise ValueError(
            "labels is an indicator matrix; name its columns with classes=[...] (or the labels parameter)"
        )
    classes = list(classes)
    if matrix.shape[1] != len(classes):
        raise ValueError(f"labels has {matrix.shape[1]} columns but {len(classes)} classes were given")
    if not np.isin(matrix, (0, 1)).all():
        raise ValueError("an indicator matrix holds only 0 and 1")
    return [[classes[j] for j in np.flatnonzero(row)] for row in matrix]


def text_hashes(texts: Sequence[str]) -> np.ndarray:
    """Sorted distinct 64-bit hashes of ``texts``: tells later which texts a model was trained on."""
    return np.unique(np.array(
        [int.from_bytes(hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little") for t in texts],
        dtype=np.uint64,
    ))


def training_data_hash(texts: Sequence[str], labels: Sequence[Sequence[str]]) -> str:
    """SHA-256 of the training examples, in order: identifies what made a model."""
    digest = hashlib.sha256()
    for text, names in zip(texts, labels):
        digest.update(json.dumps([text, list(names)], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * values))


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - values.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


class SectorTagger:
    """Multi-label paragraph tagger: TF-IDF n-grams and one linear model per label.

    Parameters
    ----------
    labels : sequence of str, optional
        The label set, in the order of ``classes_``. Training data with any
        other label, or in which one of these never occurs, is rejected.
        By default the labels are those seen in training (codebook order for
        the seven sectors, alphabetical otherwise).
    word_ngram_range : (int, int) or None
        Word n-grams used as features (words of two or more characters).
    word_prefix : int or None
        Also use the first ``word_prefix`` characters of longer words: a light,
        language-independent stemmer.
    char_ngram_range : (int, int) or None
        Character n-grams inside space-padded words, as scikit-learn's ``char_wb``.
    fold_accents : bool
        Fold accents (é → e) before extracting features; text is always lower-cased.
    lexicon : bool
        Also count matches of the codebook's sector keywords in English,
        French and Italian (``sectortag._lexicon``) as one feature per sector,
        shared by the three languages, so that what is learnt from one
        language's vocabulary carries over to the others.
    concepts : bool
        With ``lexicon``, also one feature per cross-lingual concept
        (``sectortag._model.lexicon.CONCEPTS``: wheat/blé/grano, WFP/PAM,
        OIC/OCI...), and acronyms matched only in capitals.
    lexicon_weight : float
        Multiplies the TF-IDF weight of the keyword and concept features
        (stored in ``idf_``): above 1, the model leans more on what the
        three languages share than on each language's own words.
    min_df : int
        Keep n-grams seen in at least this many training paragraphs.
    max_features : int or None
        Keep at most this many n-grams, the most frequent.
    loss : "squared_hinge" or "log_loss"
        The linear model per label. ``"squared_hinge"``: an L2-regularised
        linear SVM (scikit-learn's ``LinearSVC``) whose decision values are
        turned into probabilities by a sigmoid per label (softmax for a
        single-label tagger) fitted on the out-of-fold decisions of the
        threshold cross-validation, and folded into the coefficients.
        ``"log_loss"``: logistic (softmax) regression, uncalibrated (the model
        of sectortag 0.1.0 and earlier model files).
    C : float or "auto"
        Inverse L2 regularisation strength. ``"auto"`` chooses it from a
        small grid (0.3, 1, 3 for the SVM; 1, 10, 100 for logistic
        regression) by the same cross-validation that chooses the thresholds,
        on the same out-of-fold predictions; the choice, each candidate's
        score and the search's cost are in ``training_info_["regularization"]``.
    class_weight : "balanced" or None
        Passed to each logistic regression.
    threshold_folds : int
        Folds of the cross-validation that chooses each label's threshold.
    random_state : int
        Seed of the fold assignment (results are deterministic for a seed).
    n_jobs : int or None
        Worker processes (None is 1, -1 every core, as in joblib) for fitting
        (labels x folds x candidate C values) and for tagging inputs of more
        than a few thousand texts. Results do not depend on it. It says where
        a model runs, not what it is: a loaded model has n_jobs=None.
    single_label : bool
        Train a single-label tagger: every training example must have exactly
        one label; one softmax model, and ``predict`` answers the best label
        (or none below a ``threshold`` given at prediction time).

    By default a tagger is multi-label, whatever the training data: a label
    is predicted when its probability reaches its threshold (``thresholds_``,
    chosen by cross-validation in ``fit``), and a paragraph that clears no
    threshold gets no label.
    """

    def __init__(
        self,
        *,
        labels: Sequence[str] | None = None,
        word_ngram_range: tuple[int, int] | None = (1, 2),
        word_prefix: int | None = 5,
        char_ngram_range: tuple[int, int] | None = None,
        fold_accents: bool = True,
        lexicon: bool = True,
        concepts: bool = True,
        lexicon_weight: float = 1.0,
        min_df: int = 1,
        max_features: int | None = None,
        loss: str = "squared_hinge",
        C: float | str = "auto",
        class_weight: str | None = None,
        threshold_folds: int = 5,
        random_state: int = 0,
        n_jobs: int | None = None,
        single_label: bool = False,
    ):
        self.labels = labels
        self.word_ngram_range = word_ngram_range
        self.word_prefix = word_prefix
        self.char_ngram_range = char_ngram_range
        self.fold_accents = fold_accents
        self.lexicon = lexicon
        self.concepts = concepts
        self.lexicon_weight = lexicon_weight
        self.min_df = min_df
        self.max_features = max_features
        self.loss = loss
        self.C = C
        self.class_weight = class_weight
        self.threshold_folds = threshold_folds
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.single_label = single_label

    # ------------------------------------------------------------------
    # scikit-learn's parameter protocol

    @classmethod
    def _get_param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in signature.parameters.values() if p.kind == p.KEYWORD_ONLY)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters, as scikit-learn's ``get_params``."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params: Any) -> "SectorTagger":
        """Set constructor parameters, as scikit-learn's ``set_params``."""
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        tags = Tags(estimator_type="classifier", target_tags=TargetTags(required=True))
        tags.classifier_tags = ClassifierTags(multi_label=True)
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    def __repr__(self) -> str:
        defaults = inspect.signature(type(self).__init__).parameters
        changed = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if not (defaults[name].default is value or defaults[name].default == value)
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    # ------------------------------------------------------------------
    # fitting

    def _settings(self) -> _features.FeatureSettings:
        return _features.FeatureSettings(
            word_ngram_range=tuple(self.word_ngram_range) if self.word_ngram_range else None,
            word_prefix=self.word_prefix,
            char_ngram_range=tuple(self.char_ngram_range) if self.char_ngram_range else None,
            fold_accents=bool(self.fold_accents),
            lexicon=bool(self.lexicon),
            concepts=bool(self.lexicon and self.concepts),
        )

    def _validate_params(self) -> None:
        from .schema import NGRAM_MAX, WORD_PREFIX_RANGE  # the limits a model file may hold

        for name in ("word_ngram_range", "char_ngram_range"):
            value = getattr(self, name)
            if value is not None and not (
                len(value) == 2 and all(isinstance(v, int) and v >= 1 for v in value) and value[0] <= value[1] <= NGRAM_MAX
            ):
                raise ValueError(f"{name} must be None or (min_n, max_n) with 1 <= min_n <= max_n <= {NGRAM_MAX}, got {value!r}")
        if not (self.word_ngram_range or self.word_prefix or self.char_ngram_range):
            raise ValueError("no features: set word_ngram_range, word_prefix or char_ngram_range")
        low, high = WORD_PREFIX_RANGE
        if self.word_prefix is not None and not (isinstance(self.word_prefix, int) and low <= self.word_prefix <= high):
            raise ValueError(f"word_prefix must be None or an int from {low} to {high}, got {self.word_prefix!r}")
        if not (isinstance(self.min_df, int) and self.min_df >= 1):
            raise ValueError(f"min_df must be an int >= 1, got {self.min_df!r}")
        if self.max_features is not None and not (isinstance(self.max_features, int) and self.max_features >= 1):
            raise ValueError(f"max_features must be None or an int >= 1, got {self.max_features!r}")
        if not (isinstance(self.lexicon_weight, (int, float)) and 0 < self.lexicon_weight <= 100):
            raise ValueError(f"lexicon_weight must be a number in (0, 100], got {self.lexicon_weight!r}")
        if self.loss not in ("squared_hinge", "log_loss"):
            raise ValueError(f"loss must be 'squared_hinge' or 'log_loss', got {self.loss!r}")
        if self.C != "auto" and not (
            isinstance(self.C, (int, float)) and not isinstance(self.C, bool) and 0 < self.C < float("inf")
        ):
            raise ValueError(f"C must be a positive finite number or 'auto', got {self.C!r}")
        if self.class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight must be None or 'balanced', got {self.class_weight!r}")
        if not (isinstance(self.threshold_folds, int) and self.threshold_folds >= 2):
            raise ValueError(f"threshold_folds must be an int >= 2, got {self.threshold_folds!r}")
        if not isinstance(self.single_label, bool):
            raise ValueError(f"single_label must be True or False, got {self.single_label!r}")

    def _resolve_classes(self, labels: list[tuple[str, ...]]) -> list[str]:
        seen = dict.fromkeys(name for names in labels for name in names)
        if self.labels is not None:
            declared = list(dict.fromkeys(self.labels))
            unknown = [name for name in seen if name not in declared]
            if unknown:
                raise DataError(f"label {unknown[0]!r} is not one of the declared labels {declared}")
            missing = [name for name in declared if name not in seen]
            if missing:
                raise DataError(
                    f"label {missing[0]!r} never occurs in the training data; "
                    "add examples of it or leave it out of labels="
                )
            return declared
        if not seen:
            raise DataError("no example has a label; a tagger needs labelled examples to learn from")
        return label_order(labels)

    def fit(
        self,
        texts: Iterable[str],
        labels: Any,
        groups: Sequence | None = None,
        *,
        classes: Sequence[str] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> "SectorTagger":
        """Learn features, one linear model per label, and a threshold per label.

        ``labels`` holds one list of label names per text (possibly empty),
        or is a binary indicator matrix (n_texts, n_labels) whose columns are
        ``classes`` (default: the ``labels`` parameter), as scikit-learn's
        ``MultiLabelBinarizer`` gives; that form works with ``cv=5`` in
        ``GridSearchCV``. ``groups`` (e.g. document ids) keeps paragraphs of
        one document in the same cross-validation fold while thresholds are
        chosen. ``progress``, if given, is called with a short status line
        per step.
        """
        from .training import fit_tagger

        self._validate_params()
        texts = _check_texts(texts)
        columns = classes if classes is not None else self.labels
        indicator = _is_matrix(labels)
        labels = _label_lists(labels, columns)
        if self.single_label:
            for index, names in enumerate(labels):
                if len(tuple(names)) != 1:
                    raise DataError(
                        f"a single-label tagger needs exactly one label per example; example {index + 1} has "
                        f"{len(tuple(names))}; give one label each, or train a multi-label tagger"
                    )
        try:
            fit_tagger(self, texts, labels, groups, progress=progress)
        except ValueError as error:
            if "0 feature(s)" not in str(error):
                raise
            raise DataError(
                f"no word or n-gram occurs in {self.min_df} or more paragraphs of this training data (min_df); "
                "lower min_df or give more data"
            ) from None
        self.training_text_hashes_ = text_hashes(texts)
        if indicator:  # the columns of indicator matrices given to score() and multilabel_scorer
            self.indicator_classes_ = list(columns)
        else:
            self.__dict__.pop("indicator_classes_", None)
        return self

    # ------------------------------------------------------------------
    # prediction

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator, or use sectortag.load()."
            )

    def decision_function(self, texts: Iterable[str]) -> np.ndarray:
        """Linear decision score per text and label, shape (n, len(classes_))."""
        self._check_fitted()
        texts = _check_texts(texts)
        batches = [texts[start : start + _BATCH] for start in range(0, len(texts), _BATCH)]
        jobs = worker_count(self.n_jobs) if len(batches) >= _PARALLEL_BATCHES else 1
        with WorkerPool(self, SectorTagger._decide, jobs) as pool:
            parts = list(pool.imap(batches))
        return np.concatenate(parts) if parts else np.empty((0, len(self.classes_)))

    def _decide(self, texts: list[str]) -> np.ndarray:
        """Decision scores of one batch."""
        occurrences, _ = _features.extract(texts, self.feature_settings_)
        scores = _features.linear_scores(occurrences, self.vocabulary_, len(texts), self.idf_, self.coef_)
        scores += self.intercept_
        return scores

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Probability per text and label, in ``classes_`` order, each in [0, 1]."""
        return _probabilities(self.decision_function(texts), self.multilabel_)

    def _thresholds(self, threshold: float | None) -> np.ndarray:
        if threshold is None:
            return self.thresholds_
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}")
        return np.full(len(self.classes_), float(threshold))

    def _labels_from(self, probabilities: np.ndarray, threshold: float | None) -> list[list[str]]:
        classes = self.classes_
        cut = self._thresholds(threshold)  # validates ``threshold`` for single-label taggers too
        if not self.multilabel_:
            best = probabilities.argmax(axis=1)
            if threshold is None:
                return [[classes[j]] for j in best]
            return [[classes[j]] if row[j] >= threshold else [] for j, row in zip(best, probabilities)]
        return _ranked_labels(probabilities, probabilities >= cut, classes)

    def predict(self, texts: Iterable[str], *, threshold: float | None = None) -> list[list[str]]:
        """Labels of each text, most confident first (an empty list when none applies).

        ``threshold`` replaces every label's stored threshold for this call.
        A single-label tagger answers its best label, or none when a
        ``threshold`` is given and the best label's probability is below it.
        """
        return self._labels_from(self.predict_proba(texts), threshold)

    def score(self, texts: Iterable[str], labels: Any) -> float:
        """Micro-averaged F1 of ``predict(texts)`` against ``labels`` (label lists, or an indicator matrix in ``classes_`` order)."""
        texts = _check_texts(texts)
        truth = _check_labels(_label_lists(labels, self.label_columns()), len(texts))
        return label_scores(truth, self.predict(texts), known_classes(self.classes_, truth))["micro"]["f1"]

    def label_columns(self) -> list[str] | None:
        """The label of each column of an indicator matrix: those given to ``fit``, else ``classes_``."""
        return getattr(self, "indicator_classes_", None) or getattr(self, "classes_", None)

    def tag(self, text: str, *, threshold: float | None = None) -> TagResult:
        """Tag one text: its labels (most confident first) and every label's score."""
        if not isinstance(text, str):
            raise TypeError(f"tag() expects one str, got {type(text).__name__}; use predict() for a list")
        probabilities = self.predict_proba([text])
        labels = self._labels_from(probabilities, threshold)[0]
        return TagResult(labels=labels, scores=dict(zip(self.classes_, probabilities[0].tolist())))

    def tag_document(self, text: str, *, threshold: float | None = None, split: str = "auto") -> list[ParagraphTags]:
        """Split ``text`` into paragraphs (``split``: see ``split_paragraphs``) and tag each, with its exact span."""
        from .._io.paragraphs import split_paragraphs

        if not isinstance(text, str):
            raise TypeError(f"tag_document() expects one str, got {type(text).__name__}")
        paragraphs = split_paragraphs(text, split=split)
        probabilities = self.predict_proba([p.text for p in paragraphs])
        labels = self._labels_from(probabilities, threshold) if paragraphs else []
        return [
            ParagraphTags(p.text, p.start, p.end, names, dict(zip(self.classes_, row.tolist())))
            for p, names, row in zip(paragraphs, labels, probabilities)
        ]

    def profile(self, text: str, *, threshold: float | None = None, split: str = "auto") -> SectorProfile:
        """The sector profile of one document: the share of its paragraphs and words each sector carries.

        ``text`` is split as by :meth:`tag_document`; see
        :class:`~sectortag.SectorProfile` for the figures and the dominant sectors.
        """
        from .._io.paragraphs import split_paragraphs
        from .profile import profile_texts

        self._check_fitted()
        if not isinstance(text, str):
            raise TypeError(f"profile() expects one str (a document), got {type(text).__name__}; call it once per document")
        return profile_texts(self, (p.text for p in split_paragraphs(text, split=split)), threshold=threshold)

    def explain(self, text: str, *, top: int | None = 10) -> dict[str, LabelExplanation]:
        """For each label, the words and phrases of ``text`` that drive its score.

        Each n-gram's contribution (its TF-IDF value times the label's weight)
        is shared equally among its occurrences and added onto the word it
        comes from (a character n-gram or prefix) or the phrase it spans (a
        word n-gram). Intercept plus all contributions equals the label's
        decision score exactly; ``top`` keeps the largest by absolute weight
        and ``other_weight`` sums the rest.
        """
        self._check_fitted()
        if not isinstance(text, str):
            raise TypeError(f"explain() expects one str, got {type(text).__name__}")
        if top is not None and (not isinstance(top, int) or top < 0):
            raise ValueError(f"top must be None or a non-negative int, got {top!r}")
        from .explain import explain_batch

        return explain_batch(self, [text], top=top)[0]

    def save(self, path: str) -> None:
        """Write the fitted tagger to ``path`` (a zip of JSON and numpy arrays, no pickle)."""
        from .modelio import save_model

        self._check_fitted()
        save_model(self, path)


def _ranked_labels(probabilities: np.ndarray, passed: np.ndarray, classes: Sequence[str]) -> list[list[str]]:
    """Per row, the names of the ``passed`` labels, most probable first (ties: ``classes`` order).

    Works on the (few) passing (row, label) pairs only: one sort of them by
    row and falling probability, then the names cut into one list per row.
    """
    rows, labels = np.nonzero(passed)
    order = np.lexsort((labels, -probabilities[rows, labels], rows))
    names = np.asarray(classes, dtype=object)[labels[order]].tolist()
    ends = np.cumsum(np.bincount(rows, minlength=len(passed))).tolist()
    return [names[start:end] for start, end in zip([0] + ends[:-1], ends)]


def _probabilities(decision: np.ndarray, multilabel: bool) -> np.ndarray:
    return _sigmoid(decision) if multilabel else _softmax(decision)


def load_model(path) -> SectorTagger:
    """A :class:`SectorTagger` read from a file written by ``SectorTagger.save``."""
    from pathlib import Path

    from .._errors import ModelFileError
    from .modelio import read_model

    meta, arrays = read_model(path)
    labels = meta.get("labels")
    try:
        params = {k: (tuple(v) if isinstance(v, list) else v) for k, v in meta["params"].items()}
        known = set(SectorTagger._get_param_names())
        # n_jobs is where a model ran, not what it is
        tagger = SectorTagger(**{k: v for k, v in params.items() if k in known and k != "n_jobs"})
        tagger.vocabulary_ = _features.Vocabulary(arrays["vocabulary"])
        tagger.feature_settings_ = _features.FeatureSettings.from_dict(meta["features"])
        tagger.classes_ = list(labels)
        tagger.multilabel_ = bool(meta["multilabel"])
        tagger.threshold_sources_ = [meta["threshold_sources"][label] for label in labels]
        tagger.training_info_ = meta["training"]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        # a meta.json missing a key or holding a wrong type is as damaged as a bad array
        raise ModelFileError(
            f"{Path(path)}: model file is damaged ({type(error).__name__}: {error}); re-download or retrain it"
        ) from None
    tagger.idf_ = arrays["idf"]
    tagger.coef_ = arrays["coef"]
    tagger.intercept_ = arrays["intercept"]
    tagger.thresholds_ = arrays["thresholds"]
    if "train_hashes" in arrays:  # absent in files written before it
        tagger.training_text_hashes_ = arrays["train_hashes"]
    tagger.model_path_ = str(Path(path))
    return tagger
