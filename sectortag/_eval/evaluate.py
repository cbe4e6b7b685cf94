"""Score a tagger on labelled examples, overall and per language and genre."""

from __future__ import annotations

from collections.abc import Sequence

from .._io.data import Example
from .metrics import known_classes, label_scores

__all__ = ["evaluate", "scores_by_slice"]


def _slices(examples: Sequence[Example], field: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for index, example in enumerate(examples):
        value = getattr(example, field)
        if value is not None:
            groups.setdefault(value, []).append(index)
    return dict(sorted(groups.items()))


def evaluate(tagger, examples: Sequence[Example], *, threshold: float | None = None) -> dict:
    """Precision, recall, F1 and support per label, micro and macro averages.

    The same figures are given for each ``lang`` and each ``genre`` present
    in ``examples``. Labels the model does not know count as misses.
    """
    predicted = tagger.predict([e.text for e in examples], threshold=threshold)
    return scores_by_slice(examples, predicted, tagger.classes_)


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
