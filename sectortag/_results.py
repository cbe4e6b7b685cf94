"""What tagging and explaining return: small dataclasses with ``to_dict``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["TagResult", "ParagraphTags", "Evidence", "LabelExplanation", "SectorProfile"]


@dataclass(frozen=True)
class TagResult:
    """The labels of one text (most confident first) and every label's score."""

    labels: list[str]
    scores: dict[str, float]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ParagraphTags:
    """One paragraph of a document, its span in the input, and its tags."""

    text: str
    start: int
    end: int
    labels: list[str]
    scores: dict[str, float]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Evidence:
    """A word or phrase of the input and its additive share of a label's score."""

    text: str
    start: int
    end: int
    weight: float


@dataclass(frozen=True)
class LabelExplanation:
    """Why a label got its decision score.

    ``intercept + sum(e.weight for e in evidence) + other_weight == score``:
    ``evidence`` holds the ``top`` words and phrases by absolute weight and
    ``other_weight`` the sum of all the rest.
    """

    label: str
    score: float
    probability: float
    intercept: float
    evidence: list[Evidence] = field(default_factory=list)
    other_weight: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SectorProfile:
    """How much of one document each sector takes up.

    ``paragraph_share[label]`` is the share of the document's paragraphs
    that carry ``label`` and ``word_share[label]`` the share of its words
    that are in such paragraphs (words are runs of non-space characters).
    A paragraph with two sectors counts for both, so shares over labels can
    add up to more than 1. ``unlabelled`` is the share of paragraphs with
    no sector. ``dominant`` lists the sectors whose word share is at least
    two thirds of the leading sector's, strongest first (empty when no paragraph has
    a sector).
    """

    paragraphs: int
    words: int
    paragraph_share: dict[str, float]
    word_share: dict[str, float]
    unlabelled: float
    dominant: list[str]

    def to_dict(self) -> dict:
        return asdict(self)
