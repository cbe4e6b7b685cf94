"""Reference taggers the benchmarks compare SectorTagger with.

- :class:`MajorityLabelSet`: every paragraph gets the training data's most
  frequent label set (optionally the most frequent non-empty one).
- :class:`KeywordLexicon`: a hand-written list of stems per sector in English,
  French and Italian; a paragraph gets a sector when any of its keywords
  matches. No training.
- :class:`TfidfLogReg`: scikit-learn's default ``TfidfVectorizer()`` and
  ``OneVsRestClassifier(LogisticRegression())`` with a 0.5 threshold.

All three answer label lists in codebook order, like ``SectorTagger.predict``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np

from sectortag import SECTORS
from sectortag._model.lexicon import LEXICON

__all__ = ["LEXICON", "KeywordLexicon", "MajorityLabelSet", "TfidfLogReg", "fold_tokens"]

# The lexicon is the library's own (``sectortag._model.lexicon``): the baseline uses
# it alone, the tagger uses its matches as features.

_TOKEN = re.compile(r"[^\W_]+")


def fold_tokens(text: str) -> list[str]:
    """Lower-cased, accent-folded runs of letters and digits."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _TOKEN.findall(stripped.lower())


def _keyword_pattern(keyword: str) -> str:
    """A regex for ``keyword`` in a string of tokens joined and surrounded by single spaces."""
    parts = []
    for stem in keyword.split():
        exact = stem.endswith("$")
        stem = re.escape(stem.rstrip("$"))
        parts.append(f"{stem}(?= )" if exact else rf"{stem}[^ ]*")
    return " " + " ".join(parts)


class KeywordLexicon:
    """A paragraph gets every sector one of whose keywords occurs in it.

    ``predict(texts, langs)`` uses each paragraph's own language's keywords
    when its language is in the lexicon, and every language's otherwise.
    """

    def __init__(self, lexicon: dict[str, dict[str, list[str]]] | None = None):
        self.lexicon = LEXICON if lexicon is None else lexicon
        labels = [s for s in SECTORS if s in self.lexicon] + sorted(set(self.lexicon) - set(SECTORS))
        langs = sorted({lang for per_lang in self.lexicon.values() for lang in per_lang})
        # per language (None: all languages): [(label, one regex for all its keywords, [(keyword, regex)])]
        self._by_lang: dict[str | None, list[tuple[str, re.Pattern, list[tuple[str, re.Pattern]]]]] = {}
        for lang in [*langs, None]:
            entries = []
            for label in labels:
                per_lang = self.lexicon[label]
                keywords = per_lang.get(lang, []) if lang is not None else [k for ks in per_lang.values() for k in ks]
                keywords = list(dict.fromkeys(keywords))
                if not keywords:
                    continue
                patterns = [(k, _keyword_pattern(k)) for k in keywords]
                combined = re.compile("|".join(f"(?:{p})" for _, p in patterns))
                entries.append((label, combined, [(k, re.compile(p)) for k, p in patterns]))
            self._by_lang[lang] = entries

    def fit(self, texts=None, labels=None, groups=None) -> "KeywordLexicon":
        return self  # nothing to learn

    def _entries(self, lang: str | None):
        return self._by_lang.get(lang, self._by_lang[None])

    def labels_of(self, text: str, lang: str | None = None) -> list[str]:
        """The sectors whose keywords occur in ``text``, in codebook order."""
        joined = " " + " ".join(fold_tokens(text)) + " "
        return [label for label, combined, _ in self._entries(lang) if combined.search(joined)]

    def matches(self, text: str, lang: str | None = None) -> dict[str, list[str]]:
        """For each sector that fires, the keywords that matched (for inspection)."""
        joined = " " + " ".join(fold_tokens(text)) + " "
        found: dict[str, list[str]] = {}
        for label, _, keywords in self._entries(lang):
            hits = [keyword for keyword, pattern in keywords if pattern.search(joined)]
            if hits:
                found[label] = hits
        return found

    def predict(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[list[str]]:
        if isinstance(texts, str):
            raise TypeError("predict() expects a list of texts, got a str")
        texts = list(texts)
        langs = [None] * len(texts) if langs is None else list(langs)
        if len(langs) != len(texts):
            raise ValueError(f"got {len(texts)} texts but {len(langs)} languages")
        return [self.labels_of(text, lang) for text, lang in zip(texts, langs)]


class MajorityLabelSet:
    """Predicts the most frequent label set of the training data for every paragraph.

    With ``nonempty=True`` the most frequent non-empty label set is used,
    a stronger reference when most paragraphs carry no label.
    """

    def __init__(self, *, nonempty: bool = False):
        self.nonempty = nonempty

    def fit(self, texts, labels: Sequence[Sequence[str]], groups=None) -> "MajorityLabelSet":
        order = {name: i for i, name in enumerate(SECTORS)}
        counts = Counter(tuple(sorted(set(names), key=lambda n: (order.get(n, len(order)), n))) for names in labels)
        if self.nonempty:
            counts.pop((), None)
        if not counts:
            raise ValueError("no label set to predict: the training data has no (non-empty) labels")
        self.label_set_ = list(counts.most_common(1)[0][0])
        return self

    def predict(self, texts: Sequence[str], langs=None) -> list[list[str]]:
        return [list(self.label_set_) for _ in texts]


class TfidfLogReg:
    """``TfidfVectorizer()`` + ``OneVsRestClassifier(LogisticRegression())``, all defaults, 0.5 threshold."""

    def __init__(self, classes: Sequence[str] = SECTORS):
        self.classes = tuple(classes)

    def fit(self, texts: Sequence[str], labels: Sequence[Sequence[str]], groups=None) -> "TfidfLogReg":
        import warnings

        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import MultiLabelBinarizer

        self.binarizer_ = MultiLabelBinarizer(classes=list(self.classes))
        target = self.binarizer_.fit_transform(labels)
        self.model_ = make_pipeline(TfidfVectorizer(), OneVsRestClassifier(LogisticRegression()))
        with warnings.catch_warnings():  # a label absent from a fold: sklearn warns and predicts it never
            warnings.simplefilter("ignore", UserWarning)
            self.model_.fit(list(texts), target)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.model_.predict_proba(list(texts)), dtype=float)

    def predict(self, texts: Sequence[str], langs=None) -> list[list[str]]:
        probabilities = self.predict_proba(texts)
        return [[self.classes[j] for j in np.flatnonzero(row >= 0.5)] for row in probabilities]
