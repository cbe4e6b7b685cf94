"""Explanations for a batch of texts at once: the words and phrases behind each label's score.

Each n-gram's contribution (its TF-IDF value times the label's weight) is
shared equally among its occurrences and added onto the span it comes from
(the word of a prefix or character n-gram, the words of a word n-gram or
keyword). Everything is computed for the whole batch with array operations:
one extraction, one pass per label to sum contributions by span, one sort
to rank the spans of every (text, label); only the evidence kept is turned
into Python objects.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._results import Evidence, LabelExplanation
from . import features as _features

__all__ = ["explain_batch"]


def explain_batch(tagger, texts: list[str], *, top: int | None,
                  wanted: Sequence[Sequence[int]] | None = None) -> list[dict[str, LabelExplanation]]:
    """One ``{label: LabelExplanation}`` per text, for the label indices ``wanted[i]`` (default: every label).

    ``intercept + sum(evidence weights) + other_weight == score``, where the
    score is exactly ``decision_function``'s: the same values and the same
    sums.
    """
    from .tagger import _probabilities

    n_docs, n_labels = len(texts), len(tagger.classes_)
    occurrences, words = _features.extract(texts, tagger.feature_settings_)
    terms = _features.term_values(occurrences, tagger.vocabulary_, n_docs, tagger.idf_, occurrences=True)
    decision = _features.term_scores(terms, n_docs, tagger.coef_) + tagger.intercept_
    probability = _probabilities(decision, tagger.multilabel_)

    # spans: the distinct (first word, last word) of the occurrences in the vocabulary
    pair = terms.pair
    share = terms.values[pair] / terms.counts[pair]
    cols = terms.cols[pair]
    first, last = occurrences.first_word[terms.hit], occurrences.last_word[terms.hit]
    span_keys, span_of = np.unique(first * max(len(words.doc), 1) + last, return_inverse=True)
    span_first, span_last = np.divmod(span_keys, max(len(words.doc), 1))
    span_doc = words.doc[span_first]

    if wanted is None:
        wants = np.ones((n_docs, n_labels), dtype=bool)
    else:
        wants = np.zeros((n_docs, n_labels), dtype=bool)
        for doc, labels in enumerate(wanted):
            wants[doc, list(labels)] = True
    other = np.zeros((n_docs, n_labels))
    kept_doc, kept_label, kept_span, kept_weight = [], [], [], []
    for label in np.flatnonzero(wants.any(axis=0)).tolist():
        weight = np.bincount(span_of, weights=share * tagger.coef_[label, cols], minlength=len(span_keys))
        spans = np.flatnonzero(wants[span_doc, label])
        # by document, then |weight| falling, then position: the evidence order
        spans = spans[np.lexsort((span_last[spans], span_first[spans], -np.abs(weight[spans]), span_doc[spans]))]
        docs = span_doc[spans]
        keep = np.ones(len(spans), dtype=bool) if top is None else np.arange(len(spans)) - np.searchsorted(docs, docs) < top
        rest = spans[~keep]
        other[:, label] = np.bincount(span_doc[rest], weights=weight[rest], minlength=n_docs)
        chosen = spans[keep]
        kept_doc.append(span_doc[chosen])
        kept_label.append(np.full(len(chosen), label))
        kept_span.append(chosen)
        kept_weight.append(weight[chosen])
    kept_doc, kept_label, kept_span, kept_weight = (
        np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
        for parts, dtype in ((kept_doc, np.int64), (kept_label, np.int64), (kept_span, np.int64), (kept_weight, float))
    )
    order = np.lexsort((kept_label, kept_doc))  # stable: each (text, label)'s evidence stays ranked
    ends = np.cumsum(np.bincount(kept_doc[order] * n_labels + kept_label[order], minlength=n_docs * n_labels))
    starts = words.start[span_first[kept_span[order]]].tolist()
    stops = words.end[span_last[kept_span[order]]].tolist()
    weights = kept_weight[order].tolist()
    ends = ends.tolist()
    decision_rows, probability_rows, other_rows = decision.tolist(), probability.tolist(), other.tolist()
    intercepts = tagger.intercept_.tolist()

    out = []
    for doc, text in enumerate(texts):
        explanations = {}
        for label in np.flatnonzero(wants[doc]).tolist():
            cell = doc * n_labels + label
            begin = ends[cell - 1] if cell else 0
            evidence = [Evidence(text[a:b], a, b, w) for a, b, w in zip(starts[begin:ends[cell]], stops[begin:ends[cell]], weights[begin:ends[cell]])]
            name = tagger.classes_[label]
            explanations[name] = LabelExplanation(
                label=name,
                score=decision_rows[doc][label],
                probability=probability_rows[doc][label],
                intercept=intercepts[label],
                evidence=evidence,
                other_weight=other_rows[doc][label],
            )
        out.append(explanations)
    return out
