"""The codebook's sectors and help for misspelt label names."""

from __future__ import annotations

import difflib

from collections.abc import Iterable, Sequence

__all__ = ["SECTORS", "label_order", "nearest_label"]

#: The seven sectors of the codebook, in the fixed order models and reports use.
SECTORS: tuple[str, ...] = (
    "politics",
    "trade",
    "food_security",
    "security_defense",
    "religion",
    "culture",
    "multilateral",
)


#: How alike (difflib's ratio) a name must be to a known label to be suggested: 'trde' -> 'trade' (0.89) is,
#: 'migration' -> 'religion' (0.59) is not.
SUGGESTION_CUTOFF = 0.75


def nearest_label(name: str, known: tuple[str, ...] | list[str] = SECTORS) -> str | None:
    """The known label closest to ``name`` (for "did you mean"), only when it is really close."""
    matches = difflib.get_close_matches(name.strip().lower(), list(known), n=1, cutoff=SUGGESTION_CUTOFF)
    return matches[0] if matches else None


def label_order(labels: Iterable[Sequence[str]]) -> list[str]:
    """The label names seen in ``labels``, in the order of a tagger's ``classes_``.

    Codebook order when they are all sectors, alphabetical otherwise.
    """
    seen = dict.fromkeys(name for names in labels for name in names)
    if set(seen) <= set(SECTORS):
        return [name for name in SECTORS if name in seen]
    return sorted(seen)
