"""The declared schema of a model file, checked before anything is built from it.

A model file is a zip of ``meta.json`` and ``.npy`` arrays (see ``modelio``).
This module declares, as tables, what each may hold:

* ``META``: every ``meta.json`` key, its type, range and length. ``FEATURES``
  lists the feature settings; an optional setting added to the format is one
  line there (``"stemming": optional(BOOL)``), and files without it still load.
* ``ARRAYS``: every array member, its exact dtype, its shape in named
  dimensions and what values it may hold. ``n_labels`` and ``n_features``
  come from ``meta.json``; any other dimension name is fixed by the first
  array that has it, so arrays sharing a name must agree (an optional pair
  ``stem_keys``/``stem_values`` of equal lengths is two lines).

The limits are the format's own: the vocabulary's lookup table has
``MAX_FEATURES`` slots, so no valid file has more features, and every size a
reader allocates follows from the checked ``meta.json``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ARRAYS",
    "FEATURES",
    "META",
    "MAX_ELEMENTS",
    "MAX_FEATURES",
    "MAX_LABELS",
    "NGRAM_MAX",
    "WORD_PREFIX_RANGE",
    "ArraySpec",
    "SchemaError",
    "UnknownKeyError",
    "check_meta",
]

MAX_FEATURES = 1 << 22  # slots of the vocabulary's direct-mapped lookup table (features._TABLE_BITS)
MAX_LABELS = 1000
MAX_ELEMENTS = 1 << 27  # of any one array: 512 MiB of float32 coefficients
MAX_NAME = 200  # characters of a label name or a dictionary key
MAX_TEXT = 10_000  # characters of any other string
NGRAM_MAX = 10  # longest word or character n-gram
WORD_PREFIX_RANGE = (2, 50)


class SchemaError(ValueError):
    """A value of ``meta.json`` that the schema does not allow; the message names where and what."""


class UnknownKeyError(SchemaError):
    """A key the schema does not declare: the file was probably written by a newer sectortag."""


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --------------------------------------------------------------------------
# value checks: each is a callable(value, where) raising SchemaError

Check = Callable[[Any, str], None]


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,60}")


def _join(where: str, key: str) -> str:
    """``where.key``; a key that is not plain is shown quoted and escaped (never a line break)."""
    shown = key if _PLAIN_KEY.fullmatch(key) else _show(key)
    return f"{where}.{shown}" if where else shown


def _fail(where: str, expected: str, value: Any) -> None:
    raise SchemaError(f"{where or 'the top level'} must be {expected}, got {_show(value)}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def integer(low: int, high: int) -> Check:
    def check(value, where):
        if not (_is_int(value) and low <= value <= high):
            _fail(where, f"an integer from {low} to {high}", value)

    return check


def number(low: float = -math.inf, high: float = math.inf) -> Check:
    def check(value, where):
        if not (_is_number(value) and low <= value <= high):
            _fail(where, "a finite number" + (f" from {low} to {high}" if math.isfinite(low) else ""), value)

    return check


def text(max_length: int = MAX_TEXT, pattern: str | None = None, *, empty: bool = True) -> Check:
    regex = re.compile(pattern) if pattern else None

    def check(value, where):
        if not (isinstance(value, str) and len(value) <= max_length and (empty or value.strip())):
            _fail(where, f"a{'' if empty else ' non-empty'} string of at most {max_length} characters", value)
        if regex and not regex.fullmatch(value):
            _fail(where, f"a string matching {pattern}", value)

    return check


def BOOL(value, where):
    if not isinstance(value, bool):
        _fail(where, "true or false", value)


def constant(expected: Any) -> Check:
    def check(value, where):
        if value != expected or type(value) is not type(expected):
            _fail(where, _show(expected), value)

    return check


def nullable(inner: Check) -> Check:
    def check(value, where):
        if value is not None:
            inner(value, where)

    return check


def int_range(low: int, high: int) -> Check:
    """``[min, max]``: two integers with ``low <= min <= max <= high``."""

    def check(value, where):
        if not (isinstance(value, list) and len(value) == 2 and all(_is_int(v) for v in value)
                and low <= value[0] <= value[1] <= high):
            _fail(where, f"null or [min, max] with {low} <= min <= max <= {high}", value)

    return check


def list_of(item: Check, max_length: int, *, min_length: int = 0, unique: bool = False) -> Check:
    def check(value, where):
        if not (isinstance(value, list) and min_length <= len(value) <= max_length):
            _fail(where, f"a list of {min_length} to {max_length} items", value)
        for index, element in enumerate(value):
            item(element, f"{where}[{index}]")
        if unique and len(set(value)) != len(value):
            repeated = next(v for i, v in enumerate(value) if v in value[:i])
            _fail(where, "a list without repeats", repeated)

    return check


def mapping(values: Check, max_length: int = MAX_LABELS * 4) -> Check:
    """A JSON object with string keys of at most ``MAX_NAME`` characters."""

    def check(value, where):
        if not (isinstance(value, dict) and len(value) <= max_length):
            _fail(where, f"an object of at most {max_length} entries", value)
        for key, element in value.items():
            if len(key) > MAX_NAME:
                _fail(f"{where} key", f"at most {MAX_NAME} characters", key)
            values(element, _join(where, key))

    return check


def scalar(value, where):
    """Any JSON scalar, or a short list of scalars (constructor parameters)."""
    if isinstance(value, list):
        if len(value) > 16:
            _fail(where, "a list of at most 16 items", value)
        for index, element in enumerate(value):
            scalar(element, f"{where}[{index}]")
    elif isinstance(value, str):
        text(MAX_NAME)(value, where)
    elif not (value is None or isinstance(value, bool) or _is_number(value)):
        _fail(where, "a number, string, true, false or null", value)


def anything(value, where):
    """Any JSON value (its size and depth are bounded by the JSON reader)."""


@dataclass(frozen=True)
class Key:
    check: Check
    required: bool = True


def optional(check: Check) -> Key:
    """A key that files may leave out (e.g. written before it existed)."""
    return Key(check, required=False)


def record(keys: Mapping[str, Key | Check], *, others: Check | None = None) -> Check:
    """A JSON object with declared ``keys``; any other key is refused unless ``others`` checks it."""
    declared = {name: key if isinstance(key, Key) else Key(key) for name, key in keys.items()}

    def check(value, where):
        if not isinstance(value, dict):
            _fail(where, "an object", value)
        for name, key in declared.items():
            if name in value:
                key.check(value[name], _join(where, name))
            elif key.required:
                raise SchemaError(f"no key {_join(where, name)!r}")
        for name in sorted(value.keys() - declared.keys()):
            if others is None:
                raise UnknownKeyError(f"unknown key {_join(where, name)} (written by a newer sectortag? upgrade sectortag)")
            others(value[name], _join(where, name))

    return check


# --------------------------------------------------------------------------
# meta.json

PROBABILITY = number(0.0, 1.0)
LABEL = text(MAX_NAME, empty=False)

#: Feature settings. An optional setting is one more line: ``"stemming": optional(BOOL),``.
FEATURES: dict[str, Key | Check] = {
    "word_ngram_range": nullable(int_range(1, NGRAM_MAX)),
    "word_prefix": nullable(integer(*WORD_PREFIX_RANGE)),
    "char_ngram_range": nullable(int_range(1, NGRAM_MAX)),
    "fold_accents": BOOL,
    "lexicon": optional(BOOL),  # absent in files written before the lexicon
    "concepts": optional(BOOL),  # absent in files written before concepts
}

_METRICS = record({
    "labels": mapping(mapping(number())),
    "micro": mapping(number()),
    "macro": mapping(number()),
}, others=anything)

TRAINING: dict[str, Key | Check] = {
    "n_examples": optional(integer(0, 2**53)),
    "data_sha256": optional(text(64, r"[0-9a-f]{64}")),
    "label_counts": optional(mapping(integer(0, 2**53))),
    "cv": optional(record({
        "folds": integer(2, 10_000),
        "grouped": BOOL,
        "note": optional(text()),
        "metrics": _METRICS,
    }, others=anything)),
    "scikit_learn_version": optional(nullable(text(64))),
}

META: dict[str, Key | Check] = {
    "format": text(64),  # its value is checked first, with its own message
    "format_version": integer(1, 2**31),
    "sectortag_version": text(64),
    "created": text(64),
    "labels": list_of(LABEL, MAX_LABELS, min_length=1, unique=True),
    "multilabel": BOOL,
    "thresholds": mapping(nullable(PROBABILITY)),
    "threshold_sources": mapping(text(64)),
    "features": record(FEATURES),
    "n_features": integer(0, MAX_FEATURES),
    "params": mapping(scalar, 64),
    "training": record(TRAINING, others=anything),
    "versions": optional(mapping(nullable(text(64)), 64)),
}


def check_meta(meta: Any) -> None:
    """A SchemaError unless ``meta`` follows ``META`` and agrees with itself.

    Beyond each key's own type and range: the thresholds, threshold sources
    and label counts name exactly the labels; the settings give at least one
    kind of feature; and the coefficient matrix the file declares stays
    within ``MAX_ELEMENTS``.
    """
    try:
        record(META)(meta, "")
    except UnknownKeyError as error:
        raise UnknownKeyError(f"meta.json has an {error}") from None
    except SchemaError as error:
        raise SchemaError(f"meta.json: {error}") from None
    labels = meta["labels"]
    for name in ("thresholds", "threshold_sources"):
        if list(meta[name]) != labels:
            raise SchemaError(f"meta.json: {name} must name the labels {_show(labels)} in order, got {_show(list(meta[name]))}")
    counts = meta["training"].get("label_counts")
    if counts is not None and not set(counts) <= set(labels):
        raise SchemaError(f"meta.json: training.label_counts names labels not in the model: {_show(sorted(set(counts) - set(labels)))}")
    features = meta["features"]
    if not (features["word_ngram_range"] or features["word_prefix"] or features["char_ngram_range"]):
        raise SchemaError("meta.json: features give no feature at all (no word n-grams, prefixes or character n-grams)")
    if meta["multilabel"] and None in meta["thresholds"].values():
        raise SchemaError("meta.json: thresholds must all be numbers in a multi-label model, got null")
    if len(labels) * meta["n_features"] > MAX_ELEMENTS:
        raise SchemaError(
            f"meta.json: declares {len(labels)} labels x {meta['n_features']} features, more than the "
            f"{MAX_ELEMENTS} coefficients a model may have"
        )


# --------------------------------------------------------------------------
# arrays


@dataclass(frozen=True)
class ArraySpec:
    """One ``.npy`` member: its exact dtype (as ``numpy.dtype.str``), shape and values.

    ``shape`` names each dimension; ``values`` is ``"any"`` (integers such
    as hashes), ``"finite"`` or ``"probability"`` (in [0, 1], or NaN where
    a single-label model has no threshold). ``requires`` lists arrays that
    must be present whenever this one is.
    """

    dtype: str
    shape: tuple[str, ...]
    values: str = "finite"
    required: bool = True
    requires: tuple[str, ...] = ()


#: The array members of a model file. An optional array is one line, e.g.
#: ``"stem_keys": ArraySpec("<u8", ("n_stems",), "any", required=False, requires=("stem_values",)),``
ARRAYS: dict[str, ArraySpec] = {
    "vocabulary": ArraySpec("<u8", ("n_features",), "any"),
    "idf": ArraySpec("<f4", ("n_features",)),
    "coef": ArraySpec("<f4", ("n_labels", "n_features")),
    "intercept": ArraySpec("<f8", ("n_labels",)),
    "thresholds": ArraySpec("<f8", ("n_labels",), "probability"),
    "train_hashes": ArraySpec("<u8", ("n_train",), "any", required=False),  # hashes of the training texts
}
