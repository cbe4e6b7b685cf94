"""Benchmark a tagger on labelled paragraphs: quality, speed, and cross-validated training.

:func:`benchmark_report` serves ``sectortag benchmark`` and the scripts in
``benchmarks/``; :func:`render_benchmark` prints its result. Evaluating a
saved model needs no scikit-learn; it is imported only to cross-validate
training (``train=True``).
"""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._io.data import Example
from .._errors import DataError
from .evaluate import scores_by_slice as slice_scores
from .evaluate import training_overlap
from .._labels import label_order
from .metrics import binarize

__all__ = [
    "aligned_agreement",
    "benchmark_report",
    "brier_scores",
    "cross_validate",
    "cv_curves",
    "document_folds",
    "fit_fold",
    "render_benchmark",
    "slice_scores",
    "slices_table",
    "tagging_speed",
]

#: ``progress(done, total, message)``: ``done`` of ``total`` steps are finished.
Progress = Callable[[int, int, str], None]


# --------------------------------------------------------------------------
# scores from predictions


def brier_scores(examples: Sequence[Example], probabilities: np.ndarray, classes: Sequence[str]) -> dict[str, float]:
    """Mean squared error of each label's probability against the truth (0 is perfect)."""
    truth = binarize([e.labels for e in examples], classes)
    per_label = ((np.asarray(probabilities, dtype=float) - truth) ** 2).mean(axis=0)
    scores = {name: float(value) for name, value in zip(classes, per_label)}
    scores["mean"] = float(per_label.mean()) if len(classes) else 0.0
    return scores


def aligned_agreement(examples: Sequence[Example], predicted: Sequence[Sequence[str]]) -> dict | None:
    """How often paragraphs sharing an ``align`` id (translations) get the same label set.

    None when no two examples share an ``align`` id. Label order is ignored.
    """
    groups: dict[str, list[int]] = {}
    for index, example in enumerate(examples):
        if example.align is not None:
            groups.setdefault(example.align, []).append(index)
    groups = {key: rows for key, rows in groups.items() if len(rows) >= 2}
    if not groups:
        return None
    identical, truth_identical, differing = 0, 0, []
    for key, rows in sorted(groups.items()):
        if len({frozenset(predicted[i]) for i in rows}) == 1:
            identical += 1
        else:
            differing.append({
                "align": key,
                "predicted": {examples[i].id or str(i): list(predicted[i]) for i in rows},
                "truth": {examples[i].id or str(i): list(examples[i].labels) for i in rows},
            })
        truth_identical += len({frozenset(examples[i].labels) for i in rows}) == 1
    return {
        "groups": len(groups),
        "paragraphs": sum(len(rows) for rows in groups.values()),
        "identical": identical,
        "share": identical / len(groups),
        "truth_identical": truth_identical,
        "differing": differing,
    }


# --------------------------------------------------------------------------
# cross-validation


def document_folds(examples: Sequence[Example], folds: int = 5, *, random_state: int = 0):
    """``(splits, grouped)``: k (train, test) index arrays, grouped by ``doc_id`` when every example has one."""
    from sklearn.model_selection import GroupKFold, KFold

    if not (isinstance(folds, int) and folds >= 2):
        raise ValueError(f"folds must be an int >= 2, got {folds!r}")
    n = len(examples)
    grouped = n > 0 and all(e.doc_id for e in examples)
    if grouped:
        documents = len({e.doc_id for e in examples})
        if documents < folds:
            raise DataError(f"{documents} documents are too few for {folds}-fold cross-validation grouped by doc_id; lower the folds")
        splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=random_state)
        splits = splitter.split(np.zeros(n), groups=[e.doc_id for e in examples])
    else:
        if n < folds:
            raise DataError(f"{n} examples are too few for {folds}-fold cross-validation; lower the folds")
        splits = KFold(n_splits=folds, shuffle=True, random_state=random_state).split(np.zeros(n))
    return [(np.asarray(train), np.asarray(test)) for train, test in splits], grouped


def fit_fold(
    examples: Sequence[Example],
    train: Sequence[int],
    test: Sequence[int],
    settings: dict | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Fit ``SectorTagger(**settings)`` on ``train`` and predict ``test``.

    Thresholds are chosen by the tagger's own cross-validation inside the
    training rows (grouped by ``doc_id`` when every training row has one);
    the test rows are never seen. Returns the test predictions, their
    probabilities (columns in ``classes``), the fit time and the tagger's
    inner cross-validated metrics.
    """
    from .._model.tagger import SectorTagger

    train_examples = [examples[i] for i in train]
    test_examples = [examples[i] for i in test]
    groups = [e.doc_id for e in train_examples] if all(e.doc_id for e in train_examples) else None
    tagger = SectorTagger(**(settings or {}))
    if groups is not None and len(set(groups)) < tagger.threshold_folds:
        # a fold of a small data set can hold fewer documents than the inner folds that choose thresholds
        if len(set(groups)) >= 2:
            tagger.set_params(threshold_folds=len(set(groups)))
        else:
            groups = None
    start = time.perf_counter()
    tagger.fit([e.text for e in train_examples], [e.labels for e in train_examples], groups=groups, progress=progress)
    fit_seconds = time.perf_counter() - start
    texts = [e.text for e in test_examples]
    probabilities = tagger.predict_proba(texts)
    return {
        "test": [int(i) for i in test],
        "classes": list(tagger.classes_),
        "probabilities": probabilities,
        "predicted": tagger.predict(texts),
        "fit_seconds": fit_seconds,
        "n_features": len(tagger.vocabulary_),
        "inner": tagger.training_info_["cv"]["metrics"],
        "thresholds": [float(t) for t in tagger.thresholds_] if tagger.multilabel_ else None,
        "params": _jsonable(tagger.get_params()),
    }


def cross_validate(
    examples: Sequence[Example],
    settings: dict | None = None,
    *,
    folds: int = 5,
    random_state: int = 0,
    progress: Progress | None = None,
) -> dict:
    """Out-of-fold predictions and probabilities of ``SectorTagger(**settings)``.

    Folds keep each document (``doc_id``) whole when every example has one;
    otherwise they are plain shuffled folds.
    """
    from .._model.tagger import SectorTagger

    settings = dict(settings or {})
    params = SectorTagger(**settings).get_params()
    splits, grouped = document_folds(examples, folds, random_state=random_state)
    classes = label_order([e.labels for e in examples])
    predicted: list[list[str]] = [[] for _ in examples]
    probabilities = np.zeros((len(examples), len(classes)))
    per_step = params["threshold_folds"] + 2  # thresholds folds, final fit, prediction
    total, done = folds * per_step, 0
    fit_seconds, n_features = [], []
    thresholds = np.full((folds, len(classes)), np.nan)  # each fold's, in ``classes`` order
    for fold, (train, test) in enumerate(splits, 1):
        def step(message: str, fold=fold) -> None:
            nonlocal done
            if progress is not None:
                progress(done, total, f"fold {fold}/{folds}: {message}")
                done += 1

        result = fit_fold(examples, train, test, settings, progress=step)
        step("predicting the held-out documents" if grouped else "predicting the held-out examples")
        for row, names in zip(result["test"], result["predicted"]):
            predicted[row] = names
        columns = [result["classes"].index(name) if name in result["classes"] else -1 for name in classes]
        for col, source in enumerate(columns):
            if source >= 0:
                probabilities[result["test"], col] = result["probabilities"][:, source]
                if result["thresholds"] is not None:
                    thresholds[fold - 1, col] = result["thresholds"][source]
        fit_seconds.append(result["fit_seconds"])
        n_features.append(result["n_features"])
    if progress is not None:
        progress(total, total, "cross-validation done")
    return {
        "folds": folds,
        "grouped": grouped,
        "params": params,
        "classes": classes,
        "predicted": predicted,
        "probabilities": probabilities,
        "fit_seconds": fit_seconds,
        "n_features": n_features,
        "thresholds": thresholds,
    }


def cv_curves(examples: Sequence[Example], result: dict) -> dict:
    """Curves of out-of-fold probabilities (``cross_validate``'s result), each fold's thresholds averaged."""
    from .curves import label_curves

    thresholds = result["thresholds"]
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a label absent from every fold's training: no threshold
        mean = np.nanmean(thresholds, axis=0) if len(thresholds) else np.zeros(0)
    known = bool(np.isfinite(mean).any())
    note = f"mean of the {len(thresholds)} folds' thresholds" if known else "single-label: no threshold"
    return label_curves([e.labels for e in examples], result["probabilities"], result["classes"],
                        np.nan_to_num(mean, nan=0.5).tolist() if known else None, note=note)


# --------------------------------------------------------------------------
# speed


def tagging_speed(tagger, texts: Sequence[str], *, min_seconds: float = 0.25, latency_samples: int = 50) -> dict:
    """Paragraphs per second in one batch (one process) and single-paragraph latency."""
    texts = list(texts)
    if not texts:
        return {}
    tagger.predict(texts[:1])  # warm caches (fold tables, transposed weights)
    runs, elapsed = 0, 0.0
    while elapsed < min_seconds or runs == 0:
        start = time.perf_counter()
        tagger.predict(texts)
        elapsed += time.perf_counter() - start
        runs += 1
        if runs >= 100:
            break
    latencies = []
    for text in (texts * (latency_samples // len(texts) + 1))[:latency_samples]:
        start = time.perf_counter()
        tagger.tag(text)
        latencies.append(time.perf_counter() - start)
    latencies_ms = np.array(latencies) * 1000
    return {
        "paragraphs": len(texts),
        "runs": runs,
        "paragraphs_per_second": len(texts) * runs / elapsed,
        "mean_characters": float(np.mean([len(t) for t in texts])),
        "latency_ms": {
            "samples": len(latencies),
            "median": float(np.median(latencies_ms)),
            "p95": float(np.percentile(latencies_ms, 95)),
        },
    }


# --------------------------------------------------------------------------
# the report


def _data_summary(examples: Sequence[Example]) -> dict:
    counts: dict[str, int] = {}
    for e in examples:
        for name in e.labels:
            counts[name] = counts.get(name, 0) + 1
    summary = {
        "n_examples": len(examples),
        "n_documents": len({e.doc_id for e in examples}) if all(e.doc_id for e in examples) else None,
        "label_counts": {name: counts[name] for name in label_order([e.labels for e in examples])},
        "unlabelled": sum(1 for e in examples if not e.labels),
    }
    for field in ("lang", "genre"):
        values: dict[str, int] = {}
        for e in examples:
            value = getattr(e, field)
            if value is not None:
                values[value] = values.get(value, 0) + 1
        if values:
            summary[f"by_{field}"] = dict(sorted(values.items()))
    return summary


def _jsonable(params: dict) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()}


def benchmark_report(
    examples: Sequence[Example],
    model=None,
    *,
    train: bool = False,
    settings: dict | None = None,
    folds: int = 5,
    random_state: int = 0,
    speed: bool = True,
    curves: bool = False,
    progress: Progress | None = None,
) -> dict:
    """Quality (and speed) of a model on labelled examples; optionally of training on them.

    ``model`` is a fitted :class:`SectorTagger` or the path of a saved one
    (its load time is then measured). With ``train=True``,
    ``SectorTagger(**settings)`` is cross-validated on ``examples`` in
    ``folds`` folds that keep documents (``doc_id``) whole when every example
    has one, and its out-of-fold predictions are scored. Scores are given
    overall and per ``lang`` and ``genre``; translations sharing an ``align``
    id are checked for identical label sets. With ``curves``, each section
    also holds each label's reliability bins, Brier score and F1 against
    threshold (``section["curves"]``, drawn by ``benchmark --html``).
    """
    examples = list(examples)
    if not examples:
        raise DataError("no examples to benchmark on")
    if model is None and not train:
        raise ValueError("nothing to benchmark: give a model, or train=True to cross-validate training")
    if not (isinstance(folds, int) and folds >= 2):
        raise ValueError(f"folds must be an int >= 2, got {folds!r}")
    report: dict[str, Any] = {"data": _data_summary(examples)}
    texts = [e.text for e in examples]
    has_model = model is not None
    model_steps = (1 + int(speed)) if has_model else 0
    cv_steps = 0
    if train:
        from .._model.tagger import SectorTagger  # no scikit-learn import until fit

        cv_steps = folds * (SectorTagger(**(settings or {})).get_params()["threshold_folds"] + 2)
    total = model_steps + cv_steps

    def model_step(done: int, message: str) -> None:
        if progress is not None:
            progress(done, total, message)

    if has_model:
        path, load_seconds = None, None
        if isinstance(model, (str, os.PathLike)):
            from .._model.tagger import load_model

            model_step(0, f"loading {model}")
            start = time.perf_counter()
            tagger = load_model(model)
            load_seconds = time.perf_counter() - start
            path = str(model)
        else:
            tagger = model
        model_step(0, "tagging the examples")
        probabilities = tagger.predict_proba(texts)
        predicted = tagger._labels_from(probabilities, None)
        known = list(tagger.classes_)
        section = {
            "path": path,
            "load_seconds": load_seconds,
            "labels": known,
            "evaluation": slice_scores(examples, predicted, known),
            "brier": brier_scores(examples, probabilities, known),
        }
        aligned = aligned_agreement(examples, predicted)
        if aligned is not None:
            section["aligned"] = aligned
        warning = training_overlap(tagger, examples)
        if warning:
            section["warning"] = warning
        if curves:
            from .evaluate import model_curves

            section["curves"] = model_curves(tagger, examples, probabilities)
        if speed:
            model_step(1, "timing the tagger")
            section["speed"] = tagging_speed(tagger, texts)
        report["model"] = section
        model_step(model_steps, "model benchmarked")

    if train:
        cv_progress = None
        if progress is not None:
            def cv_progress(done: int, cv_total: int, message: str) -> None:
                progress(model_steps + done, model_steps + cv_total, message)

        result = cross_validate(examples, settings, folds=folds, random_state=random_state, progress=cv_progress)
        section = {
            "folds": result["folds"],
            "grouped": result["grouped"],
            "params": _jsonable(result["params"]),
            "evaluation": slice_scores(examples, result["predicted"], result["classes"]),
            "brier": brier_scores(examples, result["probabilities"], result["classes"]),
            "fit_seconds": {"mean": float(np.mean(result["fit_seconds"])), "total": float(np.sum(result["fit_seconds"]))},
            "n_features_mean": float(np.mean(result["n_features"])),
            "note": "out-of-fold predictions; each fold's thresholds were chosen inside its training rows only",
        }
        aligned = aligned_agreement(examples, result["predicted"])
        if aligned is not None:
            section["aligned"] = aligned
        if curves:
            section["curves"] = cv_curves(examples, result)
        report["cv"] = section
    return report


# --------------------------------------------------------------------------
# rendering


def slices_table(evaluation: dict, tablefmt: str = "simple") -> str:
    """One row per slice (all, each lang, each genre): n, micro P/R/F1, macro F1, each label's F1."""
    from tabulate import tabulate

    labels = [name for name, m in evaluation["overall"]["labels"].items() if m["support"] or m.get("predicted")]
    rows = []

    def row(name: str, scores: dict) -> list:
        return [name, scores["n_examples"], scores["micro"]["precision"], scores["micro"]["recall"],
                scores["micro"]["f1"], scores["macro"]["f1"]] + [
            scores["labels"][label]["f1"] if scores["labels"][label]["support"] or scores["labels"][label].get("predicted")
            else None for label in labels
        ]

    rows.append(row("all", evaluation["overall"]))
    for field in ("lang", "genre"):
        for value, scores in evaluation.get(f"by_{field}", {}).items():
            rows.append(row(f"{field}={value}", scores))
    headers = ["slice", "n", "micro P", "micro R", "micro F1", "macro F1"] + [f"F1 {label}" for label in labels]
    return tabulate(rows, headers=headers, floatfmt=".3f", tablefmt=tablefmt, missingval="-")


def data_line(data: dict) -> str:
    """``data: N examples in D documents, U without a label``."""
    documents = f" in {data['n_documents']} documents" if data.get("n_documents") else ""
    return f"data: {data['n_examples']} examples{documents}, {data['unlabelled']} without a label"


def cv_title(block: dict) -> str:
    """The heading of a cross-validation section."""
    kind = "grouped by doc_id" if block["grouped"] else "not grouped (no doc_id)"
    return f"{block['folds']}-fold cross-validation of training, {kind}"


def section_notes(block: dict) -> list[str]:
    """The lines under a report section's tables: Brier scores, agreement between translations."""
    lines = []
    brier = block.get("brier")
    if brier:
        lines.append("Brier score per label: " + ", ".join(f"{k} {v:.3f}" for k, v in brier.items()))
    aligned = block.get("aligned")
    if aligned:
        lines.append(
            f"translations (shared align id) with identical labels: {aligned['identical']}/{aligned['groups']}"
            f" ({aligned['share']:.1%}); in the truth: {aligned['truth_identical']}/{aligned['groups']}"
        )
    return lines


def cv_lines(block: dict) -> list[str]:
    """The lines that end a cross-validation section: settings, fit time, the note."""
    changed = {k: v for k, v in block["params"].items() if k not in ("n_jobs",)}
    return [
        "settings: " + json.dumps(changed, ensure_ascii=False),
        f"fit time: {block['fit_seconds']['mean']:.1f} s per fold, {block['fit_seconds']['total']:.1f} s in all",
        block["note"],
    ]


def speed_lines(speed: dict, load_seconds: float | None) -> list[str]:
    """The speed figures of a model section, one sentence a line."""
    lines = []
    if load_seconds is not None:
        lines.append(f"model load time: {load_seconds * 1000:.0f} ms")
    if speed:
        latency = speed["latency_ms"]
        lines.append(
            f"throughput: {speed['paragraphs_per_second']:,.0f} paragraphs/s in one process "
            f"({speed['paragraphs']} paragraphs of {speed['mean_characters']:.0f} characters on average, {speed['runs']} run(s))"
        )
        lines.append(f"single-paragraph latency (tag()): median {latency['median']:.2f} ms, p95 {latency['p95']:.2f} ms")
    return lines


def render_benchmark(report: dict, fmt: str = "table") -> str:
    """The report of :func:`benchmark_report` as ``table``, ``markdown`` or ``json``."""
    from .report import metrics_table

    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False)
    if fmt not in ("table", "markdown"):
        raise ValueError(f"fmt must be 'table', 'markdown' or 'json', got {fmt!r}")
    tablefmt = "github" if fmt == "markdown" else "simple"
    heading = (lambda text: f"## {text}") if fmt == "markdown" else (lambda text: f"{text}\n{'=' * len(text)}")
    parts = [data_line(report["data"])]

    def section(title: str, block: dict) -> None:
        evaluation = block["evaluation"]
        parts.extend(["", heading(title), ""])
        parts.append(metrics_table(evaluation["overall"], tablefmt))
        if "by_lang" in evaluation or "by_genre" in evaluation:
            parts.extend(["", slices_table(evaluation, tablefmt)])
        notes = section_notes(block)
        if notes:
            parts.extend(["", *notes])

    if "model" in report:
        block = report["model"]
        section(f"model {block['path'] or '(in memory)'}", block)
        lines = speed_lines(block.get("speed", {}), block.get("load_seconds"))
        if lines:
            parts.extend([""] + lines)
    if "cv" in report:
        block = report["cv"]
        section(cv_title(block), block)
        parts.extend(["", *cv_lines(block)])
    return "\n".join(parts)
