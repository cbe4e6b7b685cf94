"""The n-gram counts of a training set, counted once and shared by every fold.

Cross-validation fits one model per fold, and each fold needs features of
its own: the vocabulary of its training paragraphs and their IDF. Counting
every n-gram of every paragraph once, then deriving each fold's columns and
IDF from that one matrix, gives exactly what ``Vocabulary.from_occurrences``,
``count_matrix`` and scikit-learn's ``TfidfTransformer`` would build from the
fold alone, without extracting or counting again.

Training only: this module imports scipy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .features import Occurrences, Vocabulary, extract, keyword_feature_hashes, select_vocabulary, tfidf

__all__ = ["FoldFeatures", "TermCounts"]


@dataclass
class FoldFeatures:
    """One training set's vocabulary, IDF and TF-IDF matrix."""

    vocabulary: Vocabulary
    idf: np.ndarray  # float32, as stored in a model
    columns: np.ndarray  # the vocabulary's columns in the shared count matrix
    matrix: sp.csr_matrix  # TF-IDF of the training rows, float64


class TermCounts:
    """Counts of every distinct n-gram (one column each, by ascending hash) in every document."""

    def __init__(self, occurrences: Occurrences, n_docs: int):
        self._count(occurrences.hashes, occurrences.doc, n_docs)

    @classmethod
    def from_texts(cls, texts: list[str], settings, *, batch_size: int = 1024) -> "TermCounts":
        """The counts of ``texts``, extracted ``batch_size`` at a time (memory grows with the n-grams, not the text)."""
        hashes, docs = [], []
        for start in range(0, len(texts), batch_size):
            occurrences, _ = extract(texts[start : start + batch_size], settings)
            hashes.append(occurrences.hashes)
            docs.append(occurrences.doc + start)
        counts = object.__new__(cls)
        counts._count(np.concatenate(hashes) if hashes else np.zeros(0, np.uint64),
                      np.concatenate(docs) if docs else np.zeros(0, np.int64), len(texts))
        return counts

    def _count(self, occurrence_hashes: np.ndarray, occurrence_docs: np.ndarray, n_docs: int) -> None:
        hashes, inverse = np.unique(occurrence_hashes, return_inverse=True)
        width = max(len(hashes), 1)
        keys, counts = np.unique(occurrence_docs * width + inverse, return_counts=True)
        rows, cols = np.divmod(keys, width)
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
        self.hashes = hashes
        self.counts = sp.csr_matrix((counts.astype(np.float64), cols, indptr), shape=(n_docs, len(hashes)))

    def __len__(self) -> int:
        return self.counts.shape[0]

    def fit_features(self, rows: np.ndarray, *, min_df: int, max_features: int | None, settings,
                     lexicon_weight: float = 1.0) -> FoldFeatures:
        """Vocabulary, IDF and TF-IDF matrix learnt from documents ``rows`` alone."""
        counts = self.counts[rows]
        df = np.bincount(counts.indices, minlength=len(self.hashes))
        columns = select_vocabulary(self.hashes, df, min_df=min_df, max_features=max_features)
        vocabulary = Vocabulary(self.hashes[columns])
        # scikit-learn's smooth IDF, TfidfTransformer's exact arithmetic: ln((n + 1) / (df + 1)) + 1
        idf = np.full(len(columns), len(rows) + 1, dtype=np.float64)
        idf /= df[columns].astype(np.float64) + 1.0
        np.log(idf, out=idf)
        idf += 1.0
        idf = idf.astype(np.float32)
        if settings.lexicon and lexicon_weight != 1:
            # the weight lives in the stored IDF, so tagging needs no setting of its own
            keyword_columns = vocabulary.columns(keyword_feature_hashes(settings))
            idf[keyword_columns[keyword_columns >= 0]] *= lexicon_weight
        return FoldFeatures(vocabulary, idf, columns, tfidf(self._columns(counts, columns), idf))

    def transform(self, rows: np.ndarray, features: FoldFeatures) -> sp.csr_matrix:
        """TF-IDF of documents ``rows`` in ``features``' vocabulary (n-grams outside it dropped)."""
        return tfidf(self._columns(self.counts[rows], features.columns), features.idf)

    def _columns(self, counts: sp.csr_matrix, columns: np.ndarray) -> sp.csr_matrix:
        """``counts[:, columns]`` for ascending ``columns``, renumbered 0..len(columns)-1."""
        new_index = np.full(len(self.hashes), -1, dtype=np.int64)
        new_index[columns] = np.arange(len(columns))
        mapped = new_index[counts.indices]
        keep = mapped >= 0
        kept_before = np.zeros(len(keep) + 1, dtype=np.int64)
        np.cumsum(keep, out=kept_before[1:])
        indptr = kept_before[counts.indptr]
        return sp.csr_matrix((counts.data[keep], mapped[keep], indptr), shape=(counts.shape[0], len(columns)))
