"""Tag tables: a pandas DataFrame (``tag_frame``) or the column batches the CLI reads.

Both add the same columns to the input's: ``labels`` (a list of label
names per row, most confident first) and one ``score_<label>`` column per
label. A missing text (None, NaN) gets no labels and NaN scores; it is
never dropped. pandas is imported only by ``tag_frame``.

The model is given as a path (or None for the shipped one) wherever a
table may be tagged in another process: :func:`tagger_for` loads each
model file once per process and reuses it, so a Dask task or a joblib job
carries a path, never the tagger.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["label_columns", "score_texts", "tag_frame", "tagger_for"]

SPLIT_COLUMNS = ("paragraph", "start", "end")
_CACHE: dict[tuple, Any] = {}
_CACHE_LOCK = threading.Lock()


def tagger_for(model: Any = None):
    """The tagger for ``model``: None (the shipped model), a model file path, or a fitted SectorTagger.

    A path is loaded once per process and kept (keyed by the file's real
    path, size and modification time, so a rewritten file is read again).
    """
    from .._model.tagger import SectorTagger

    if isinstance(model, SectorTagger):
        model._check_fitted()
        return model
    if model is None:
        from .._model.modelio import shipped_model_path

        model = shipped_model_path()
    if not isinstance(model, (str, os.PathLike)):
        raise TypeError(f"model must be None, a model file path or a SectorTagger, got {type(model).__name__}")
    path = os.path.realpath(os.fspath(model))
    try:
        stat = os.stat(path)
        key = (path, stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = (path, None, None)  # load_model reports the missing file
    with _CACHE_LOCK:
        tagger = _CACHE.get(key)
        if tagger is None:
            from .._model.tagger import load_model

            tagger = load_model(os.fspath(model))
            for old in [k for k in _CACHE if k[0] == path]:
                del _CACHE[old]
            _CACHE[key] = tagger
    return tagger


def _is_missing(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def score_texts(tagger, texts: Sequence, *, threshold: float | None = None, column: str = "text", offset: int = 0):
    """``(labels, probabilities)`` of each text: label lists and an (n, n_labels) float array.

    A missing text (None, NaN, pandas NA) gets ``[]`` and a row of NaN; any
    other value that is not a str is a TypeError naming ``column`` and the
    row (its position from 0, plus ``offset``).
    """
    texts = list(texts)
    present = [i for i, text in enumerate(texts) if isinstance(text, str)]
    if len(present) == len(texts):
        probabilities = tagger.predict_proba(texts)
        return tagger._labels_from(probabilities, threshold), probabilities
    for i, text in enumerate(texts):
        if not isinstance(text, str) and not _is_missing(text):
            raise TypeError(f"column {column!r} holds {type(text).__name__} in row {offset + i}; expected text (str) or a missing value")
    probabilities = np.full((len(texts), len(tagger.classes_)), np.nan)
    labels: list[list[str]] = [[] for _ in texts]
    if present:
        found = tagger.predict_proba([texts[i] for i in present])
        probabilities[present] = found
        for i, names in zip(present, tagger._labels_from(found, threshold)):
            labels[i] = names
    else:
        tagger._thresholds(threshold)  # still validate the threshold
    return labels, probabilities


def label_columns(tagger, labels: list[list[str]], probabilities: np.ndarray, scores: bool = True) -> dict[str, Any]:
    """The columns tagging adds: ``labels`` and, with ``scores``, ``score_<label>`` (numpy arrays)."""
    columns: dict[str, Any] = {"labels": labels}
    if scores:
        for j, label in enumerate(tagger.classes_):
            columns[f"score_{label}"] = probabilities[:, j]
    return columns


def check_new_columns(existing: Sequence[str], added: Sequence[str], where: str = "the frame", error=ValueError) -> None:
    """``error`` (a ValueError by default) when tagging would overwrite one of the input's columns."""
    clash = [name for name in added if name in set(existing)]
    if clash:
        raise error(f"{where} already has a column {clash[0]!r}, which tagging adds; rename or drop it first")


def _object_array(values: list) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        array[i] = value
    return array


def _split_frame(frame, text: str):
    """One row per paragraph of each row's text (one row with NA spans for a text without paragraphs)."""
    import pandas as pd

    from .paragraphs import split_paragraphs

    positions, texts, numbers, starts, ends = [], [], [], [], []
    for position, value in enumerate(frame[text].tolist()):
        paragraphs = split_paragraphs(value) if isinstance(value, str) else []
        if not paragraphs:
            positions.append(position)
            texts.append(value)
            numbers.append(pd.NA), starts.append(pd.NA), ends.append(pd.NA)
            continue
        for number, paragraph in enumerate(paragraphs, 1):
            positions.append(position)
            texts.append(paragraph.text)
            numbers.append(number), starts.append(paragraph.start), ends.append(paragraph.end)
    expanded = frame.iloc[positions].copy()
    expanded[text] = texts
    for name, values in zip(SPLIT_COLUMNS, (numbers, starts, ends)):
        expanded[name] = pd.array(values, dtype="Int64")
    return expanded


def tag_frame(frame, *, text: str = "text", model: Any = None, threshold: float | None = None,
              scores: bool = True, split: bool = False):
    """Tag the ``text`` column of a pandas DataFrame; a new DataFrame with the input and its tags.

    The result has every input column, the input's index and its rows in
    order, then ``labels`` (the list of labels of each row, most confident
    first) and, with ``scores``, one ``score_<label>`` column per label
    (float, in the model's label order). A missing text gets ``[]`` and NaN
    scores; nothing is dropped.

    With ``split=True`` each row becomes one row per paragraph of its text
    (see ``split_paragraphs``): the text column then holds the paragraph,
    ``paragraph`` its number in the row's text (from 1) and ``start``/``end``
    its span in it; index and other columns are repeated. A text with no
    paragraphs keeps one row with NA in those three columns.

    ``model`` is None (the shipped model), a model file path (loaded once
    per process) or a fitted :class:`SectorTagger`; ``threshold`` replaces
    every label's stored threshold.

    >>> import pandas as pd, sectortag
    >>> sectortag.tag_frame(pd.DataFrame({"text": ["Wheat exports rose."]}))["labels"].tolist()
    [['food_security', 'trade']]
    """
    from .._extras import require

    pd = require("pandas", "tag_frame")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"tag_frame expects a pandas DataFrame, got {type(frame).__name__}")
    if text not in frame.columns:
        shown = ", ".join(map(repr, list(frame.columns)[:10])) or "none"
        raise KeyError(f"no column {text!r} in the frame (columns: {shown}); pass text='COLUMN'")
    tagger = tagger_for(model)
    added = ["labels"] + ([f"score_{label}" for label in tagger.classes_] if scores else [])
    check_new_columns([str(c) for c in frame.columns], (list(SPLIT_COLUMNS) if split else []) + added)
    if split:
        frame = _split_frame(frame, text)
    labels, probabilities = score_texts(tagger, frame[text].tolist(), threshold=threshold, column=text)
    columns = label_columns(tagger, labels, probabilities, scores)
    columns["labels"] = _object_array(labels)
    return pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)
