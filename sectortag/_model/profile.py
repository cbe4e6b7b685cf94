"""Sector profiles: the share of a document's paragraphs and words that each sector carries.

A profile summarises what the tagger said about one document, with no
ground truth involved (that is evaluation's business), so it lives beside
the tagger: :meth:`SectorTagger.profile` for one text, :func:`profile_texts`
for paragraphs that arrive in a stream (``sectortag profile``), and
:class:`ProfileCounter` for callers that already hold tagged paragraphs
(the HTML writer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .._results import SectorProfile

__all__ = ["DOMINANT_RATIO", "ProfileCounter", "profile_texts", "word_count"]

#: A sector is dominant when its word share is at least this fraction of the leading sector's.
DOMINANT_RATIO = 2 / 3
_BATCH = 2000  # paragraphs tagged at once


def word_count(text: str) -> int:
    """Words of ``text``: runs of non-space characters."""
    return len(text.split())


class ProfileCounter:
    """Counts paragraphs and words per sector as tagged paragraphs are added; ``profile()`` gives the result."""

    def __init__(self, classes: Sequence[str]):
        self.classes = list(classes)
        self.paragraphs = self.words = self.unlabelled = 0
        self.label_paragraphs = dict.fromkeys(self.classes, 0)
        self.label_words = dict.fromkeys(self.classes, 0)

    def add(self, text: str, labels: Iterable[str]) -> None:
        """Count one paragraph and the labels it was given."""
        words = word_count(text)
        self.paragraphs += 1
        self.words += words
        labels = [name for name in dict.fromkeys(labels) if name in self.label_words]
        if not labels:
            self.unlabelled += 1
        for name in labels:
            self.label_paragraphs[name] += 1
            self.label_words[name] += words

    def profile(self) -> SectorProfile:
        """The profile of the paragraphs added so far (all shares 0 when there are none)."""
        paragraphs, words = max(self.paragraphs, 1), max(self.words, 1)
        paragraph_share = {name: self.label_paragraphs[name] / paragraphs for name in self.classes}
        word_share = {name: self.label_words[name] / words for name in self.classes}
        ranked = sorted(self.classes, key=lambda name: (-word_share[name], -paragraph_share[name]))
        lead = word_share[ranked[0]] if ranked else 0.0
        dominant = [name for name in ranked if lead > 0 and word_share[name] >= DOMINANT_RATIO * lead]
        return SectorProfile(
            paragraphs=self.paragraphs,
            words=self.words,
            paragraph_share=paragraph_share,
            word_share=word_share,
            unlabelled=self.unlabelled / paragraphs,
            dominant=dominant,
        )


def profile_texts(tagger, paragraphs: Iterable[str], *, threshold: float | None = None) -> SectorProfile:
    """The profile of a document given as its paragraphs, tagged in batches (memory stays flat)."""
    counter = ProfileCounter(tagger.classes_)
    batch: list[str] = []

    def flush() -> None:
        for text, labels in zip(batch, tagger.predict(batch, threshold=threshold)):
            counter.add(text, labels)
        batch.clear()

    for text in paragraphs:
        batch.append(text)
        if len(batch) >= _BATCH:
            flush()
    if batch:
        flush()
    return counter.profile()
