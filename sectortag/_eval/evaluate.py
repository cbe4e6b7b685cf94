"""Score a tagger on labelled examples, overall and per language and genre."""

from __future__ import annotations

from collections.abc import Sequence

from .._io.data import Example
from .metrics import known_classes, label_scores

__all__ = ["evaluate", "model_curves", "scores_by_slice", "training_overlap"]


def _slices(examples: Sequence[Example], field: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for index, example in enumerate(examples):
        value = getattr(example, field)
        if value is not None:
            groups.setdefault(value, []).append(index)
    return dict(sorted(groups.items()))


def evaluate(tagger, examples: Sequence[Example], *, threshold: float | None = None, curves: bool = False) -> dict:
    """Precision, recall, F1 and support per label, micro and macro averages.

    The same figures are given for each ``lang`` and each ``genre`` present
    in ``examples``. Labels the model does not know count as misses. With
    ``curves``, ``report["curves"]`` holds each label's reliability bins,
    Brier score and F1 against threshold (see :func:`model_curves`).
    """
    probabilities = tagger.predict_proba([e.text for e in examples])
    predicted = tagger._labels_from(probabilities, threshold)
    report = scores_by_slice(examples, predicted, tagger.classes_)
    if curves:
        report["curves"] = model_curves(tagger, examples, probabilities, threshold)
    return report


def model_curves(tagger, examples: Sequence[Example], probabilities, threshold: float | None = None) -> dict:
    """:func:`~sectortag._eval.curves.label_curves` of a tagger's probabilities, its thresholds marked.

    The thresholds marked are ``threshold`` when given, else the model's own
    (none for a single-label model, which answers its best label).
    """
    from .curves import label_curves

    if threshold is not None:
        thresholds, note = [threshold] * len(tagger.classes_), f"--threshold {threshold}"
    elif tagger.multilabel_:
        thresholds, note = list(tagger.thresholds_), "the model's stored threshold"
    else:
        thresholds, note = None, "single-label model: it answers its best label, no threshold"
    return label_curves([e.labels for e in examples], probabilities, tagger.classes_, thresholds, note=note)


def scores_by_slice(examples: Sequence[Example], predicted: Sequence[Sequence[str]], classes: Sequence[str]) -> dict:
    """The figures of :func:`evaluate`, from predictions already made."""
    if len(examples) != len(predicted):
        raise ValueError(f"{len(examples)} examples but {len(predicted)} predictions")
    truth = [list(e.labels) for e in examples]
    classes = known_classes(classes, truth)
    report = {"overall": label_scores(truth, predicted, classes)}
    for field in ("lang", "genre"):
        slices = _slices(examples, field)
        if slices:
            report[f"by_{field}"] = {
                value: label_scores([truth[i] for i in rows], [predicted[i] for i in rows], classes)
                for value, rows in slices.items()
            }
    return report


def training_overlap(tagger, examples: Sequence[Example]) -> str | None:
    """A warning when ``examples`` are (partly) the data ``tagger`` was trained on, else None.

    The model file records the SHA-256 of its training examples (texts and
    labels, in order) and, since this field was added, a hash of each
    training text; scores on those examples flatter the model.
    """
    import numpy as np

    from .._model.tagger import text_hashes, training_data_hash

    recorded = getattr(tagger, "training_info_", {}).get("data_sha256")
    if recorded and recorded == training_data_hash([e.text for e in examples], [e.labels for e in examples]):
        return "these examples are the model's own training data (same SHA-256 as in the model); its scores on them flatter it, evaluate on held-out data"
    trained = getattr(tagger, "training_text_hashes_", None)
    if trained is None or not len(examples):
        return None
    seen = int(np.isin(text_hashes([e.text for e in examples]), trained).sum())
    distinct = len({e.text for e in examples})
    if not seen:
        return None
    return (f"{seen} of {distinct} distinct texts ({seen / distinct:.0%}) were in the model's training data; "
            "its scores on them flatter it, evaluate on held-out data")
