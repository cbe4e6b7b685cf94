"""Plotted reports: the curves behind the figures, and ``evaluate --html`` / ``benchmark --html``."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from sectortag import Example
from sectortag._eval.benchmark import benchmark_report, brier_scores
from sectortag._eval.curves import THRESHOLD_GRID, label_curves, reliability, threshold_f1

from conftest import error_of, stdout_of, toy_corpus
from test_html import assert_nothing_external, parse


def test_threshold_f1_equals_scikit_learn():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    truth = rng.random(200) < 0.3
    probability = np.clip(truth * 0.4 + rng.random(200) * 0.6, 0, 1)
    expected = [f1_score(truth, probability >= t, zero_division=0) for t in THRESHOLD_GRID]
    assert threshold_f1(truth, probability) == pytest.approx(expected)


def test_reliability_bins_count_every_example():
    probability = np.array([0.0, 0.05, 0.12, 0.5, 0.95, 1.0])
    truth = np.array([0, 0, 1, 1, 1, 1])
    bins = reliability(truth, probability)
    assert sum(bins["count"]) == 6 and bins["count"][-1] == 2  # 1.0 falls in the last bin
    assert bins["mean_predicted"][0] == pytest.approx(0.025) and bins["observed"][0] == 0


def test_label_curves_brier_equals_the_benchmark_s():
    labels = [["a"], ["b"], ["a", "b"], []]
    probabilities = np.array([[0.9, 0.1], [0.2, 0.7], [0.6, 0.6], [0.1, 0.3]])
    curves = label_curves(labels, probabilities, ["a", "b"], [0.5, 0.4], note="stored")
    brier = brier_scores([Example(text="x", labels=tuple(names)) for names in labels], probabilities, ["a", "b"])
    assert {k: c["brier"] for k, c in curves["labels"].items()} == pytest.approx({"a": brier["a"], "b": brier["b"]})
    assert curves["labels"]["b"]["threshold"] == 0.4 and curves["labels"]["a"]["support"] == 2
    json.dumps(curves)  # the report stays JSON


def _labelled_file(tmp_path) -> str:
    texts, labels = toy_corpus()
    path = tmp_path / "labelled.jsonl"
    # texts changed a little: not the toy model's training data, which evaluate would warn about
    path.write_text("".join(json.dumps({"text": t + " Indeed.", "labels": names, "lang": "fr" if i % 3 else "en"}) + "\n"
                            for i, (t, names) in enumerate(zip(texts, labels))), encoding="utf-8")
    return str(path)


def _figures(page: str) -> list[str]:
    parsed = parse(page)
    assert_nothing_external(parsed, page)
    return [a.get("aria-label") for tag, a in parsed.tags if tag == "svg"]


def test_evaluate_html_adds_figures_to_the_tables(tmp_path, toy_model_path, run_main):
    pytest.importorskip("matplotlib")
    out = tmp_path / "report.html"
    text = stdout_of(run_main("evaluate", "--data", _labelled_file(tmp_path), "--model", str(toy_model_path),
                              "--html", str(out)))
    page = out.read_text(encoding="utf-8")
    assert _figures(page) == ["evaluation precision recall f1", "evaluation reliability", "evaluation f1 threshold"]
    assert "lang=fr" in page and "Brier" in page and "stored threshold" in page
    assert page.count("<table>") == 3  # all, en, fr: the same tables as the text report
    assert text.startswith("All examples")


def test_benchmark_html_has_a_section_per_report_part(tmp_path, toy_model_path, run_main):
    pytest.importorskip("matplotlib")
    out = tmp_path / "bench.html"
    stdout_of(run_main("benchmark", "--data", _labelled_file(tmp_path), "--model", str(toy_model_path), "--html", str(out)))
    page = out.read_text(encoding="utf-8")
    assert _figures(page) == ["model precision recall f1", "model reliability", "model f1 threshold"]
    assert "paragraphs/s" in page


def test_cross_validation_curves_mark_the_folds_mean_threshold():
    pytest.importorskip("matplotlib")
    from sectortag._eval.htmlreport import benchmark_page

    texts, labels = toy_corpus()
    examples = [Example(text=t, labels=tuple(names), doc_id=f"d{i % 12}") for i, (t, names) in enumerate(zip(texts, labels))]
    report = benchmark_report(examples, train=True, folds=2, settings={"threshold_folds": 2}, speed=False, curves=True)
    curves = report["cv"]["curves"]
    assert curves["threshold_note"] == "mean of the 2 folds' thresholds"
    assert all(0 < c["threshold"] < 1 for c in curves["labels"].values())
    assert _figures(benchmark_page(report)) == ["cv precision recall f1", "cv reliability", "cv f1 threshold"]


def test_html_report_without_matplotlib_is_one_line(tmp_path, toy_model_path, run_main, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = tmp_path / "report.html"
    message = error_of(run_main("evaluate", "--data", _labelled_file(tmp_path), "--model", str(toy_model_path),
                                "--html", str(out)))
    assert "pip install 'sectortag[plots]'" in message
    assert not out.exists()


def test_html_report_path_is_checked_first(tmp_path, run_main):
    message = error_of(run_main("evaluate", "--data", "no-such.jsonl", "--html", str(tmp_path / "no" / "dir" / "r.html")))
    assert "r.html" in message
