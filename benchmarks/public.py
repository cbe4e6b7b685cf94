"""SectorTagger on public text-classification benchmarks, trained and scored through its own CLI.

    python -m benchmarks.public [--datasets reuters,r8] [--keep-models DIR]

Data (converted, see ``shared/data/README.md``): Reuters-21578 ModApte
(90 labels, multi-label) and R8 (its 8-class single-label subset).

For each data set, as child processes:

1. ``python -m sectortag train --custom-labels --data train.jsonl.gz --out M``:
   wall time, CPU time and peak resident memory (``wait4``) of that process;
2. ``python -m sectortag evaluate --data test.jsonl.gz --model M --format json``:
   micro/macro precision, recall, F1 and exact match;
3. ``python -m sectortag tag --file test.jsonl.gz --model M --out P.jsonl``:
   the predictions themselves, from which the figures are recomputed
   independently (scikit-learn's ``f1_score``), how many labels each
   document got is counted, and for R8 accuracy is checked to equal micro-F1;
4. reference models in a child process each, on the same files:
   ``TfidfVectorizer(sublinear_tf=True)`` + ``LinearSVC()`` (one-vs-rest,
   decision threshold 0) and ``TfidfVectorizer(sublinear_tf=True)`` +
   ``OneVsRestClassifier(LogisticRegression())`` (probability 0.5), all
   scikit-learn defaults otherwise.

The test files are only ever used for the final scores; ``sectortag train``
runs with its defaults (``TRAIN_ARGS`` is empty), which choose C by
cross-validation on the train file alone.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from ._common import SHARED_DATA, environment, header_markdown, load_average, run_measured, write_report

# Extra options for `sectortag train`, per data set: none. Every figure is
# the CLI's defaults (C chosen by cross-validation on the train file alone);
# earlier runs used options chosen by hand, see benchmarks/README.md.
TRAIN_ARGS: dict[str, list[str]] = {"reuters": [], "r8": []}

DATASETS = {
    "reuters": {
        "folder": "reuters21578",
        "title": "Reuters-21578 ModApte, 90 labels, multi-label",
        "multilabel": True,
        "targets": {"micro_f1": 0.87, "macro_f1": 0.50},
        "published": {
            "metric": "micro_f1",
            "low": 0.867,
            "high": 0.875,
            "text": "linear SVM, micro-averaged precision/recall break-even point 0.867-0.875 "
                    "(Joachims 1998, as tabulated in Manning, Raghavan & Schuetze, "
                    "Introduction to Information Retrieval, Table 15.2)",
        },
    },
    "r8": {
        "folder": "reuters21578_r8",
        "title": "R8 (Reuters-21578 single-label subset), 8 classes",
        "multilabel": False,
        "targets": {"accuracy": 0.976},
        "published": {
            "metric": "accuracy",
            "low": 0.97,
            "high": 0.97,
            "text": "linear SVM accuracy about 0.97 (Cardoso-Cachopo 2007)",
        },
    },
}

BASELINES = {
    "svm": "scikit-learn TfidfVectorizer(sublinear_tf=True) + LinearSVC() one-vs-rest, threshold 0",
    "logreg": "scikit-learn TfidfVectorizer(sublinear_tf=True) + OneVsRestClassifier(LogisticRegression()), threshold 0.5",
}


def _log(message: str) -> None:
    sys.stderr.write(f"[public {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def read_jsonl_gz(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _files(name: str) -> tuple[Path, Path]:
    folder = SHARED_DATA / DATASETS[name]["folder"]
    return folder / "train.jsonl.gz", folder / "test.jsonl.gz"


# --------------------------------------------------------------------------
# The reference models, each in its own child process


def _baseline_child(kind: str, name: str) -> None:
    """Fit and apply one reference model; print timings and predictions as JSON."""
    start = time.perf_counter()
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MultiLabelBinarizer
    from sklearn.svm import LinearSVC

    import_seconds = time.perf_counter() - start
    train_path, test_path = _files(name)
    train, test = read_jsonl_gz(train_path), read_jsonl_gz(test_path)
    multilabel = DATASETS[name]["multilabel"]
    classifier = LinearSVC() if kind == "svm" else LogisticRegression()
    start = time.perf_counter()
    if multilabel:
        binarizer = MultiLabelBinarizer()
        target = binarizer.fit_transform([r["labels"] for r in train])
        model = make_pipeline(TfidfVectorizer(sublinear_tf=True), OneVsRestClassifier(classifier))
    else:
        target = [r["labels"][0] for r in train]
        model = make_pipeline(
            TfidfVectorizer(sublinear_tf=True), classifier if kind == "svm" else OneVsRestClassifier(classifier)
        )
    model.fit([r["text"] for r in train], target)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    raw = model.predict([r["text"] for r in test])
    predict_seconds = time.perf_counter() - start
    if multilabel:
        predictions = [list(labels) for labels in binarizer.inverse_transform(raw)]
    else:
        predictions = [[str(label)] for label in raw]
    json.dump({"import_seconds": import_seconds, "fit_seconds": fit_seconds, "predict_seconds": predict_seconds,
               "n_features": len(model[0].vocabulary_), "predictions": predictions}, sys.stdout)


# --------------------------------------------------------------------------
# Scoring


def _classes(train: list[dict], test: list[dict]) -> list[str]:
    return sorted({n for r in train for n in r["labels"]} | {n for r in test for n in r["labels"]})


def score_predictions(truth: list[list[str]], predicted: list[list[str]], classes: list[str]) -> dict:
    """Micro/macro F1 by sectortag's metric code and, independently, by scikit-learn; accuracy; labels per doc."""
    import numpy as np
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    from sectortag import label_scores

    ours = label_scores(truth, predicted, classes)
    binarizer = MultiLabelBinarizer(classes=classes)
    y_true, y_pred = binarizer.fit_transform(truth), binarizer.transform(predicted)
    present = (y_true.sum(0) > 0) | (y_pred.sum(0) > 0)
    sk_micro = float(f1_score(y_true, y_pred, average="micro", zero_division=0))
    sk_macro = float(f1_score(y_true[:, present], y_pred[:, present], average="macro", zero_division=0))
    counts = np.bincount([len(p) for p in predicted], minlength=3)
    single_truth = all(len(t) == 1 for t in truth)
    accuracy = (
        float(np.mean([len(p) == 1 and p[0] == t[0] for t, p in zip(truth, predicted)])) if single_truth else None
    )
    return {
        "micro_f1": ours["micro"]["f1"],
        "macro_f1": ours["macro"]["f1"],
        "micro_precision": ours["micro"]["precision"],
        "micro_recall": ours["micro"]["recall"],
        "exact_match": ours["exact_match"],
        "accuracy": accuracy,
        "sklearn_micro_f1": sk_micro,
        "sklearn_macro_f1": sk_macro,
        "labels_per_doc": {"0": int(counts[0]), "1": int(counts[1]), "2+": int(counts[2:].sum())},
        "macro_over_labels": int(present.sum()),
    }


def _check(condition: bool, message: str, problems: list[str]) -> bool:
    if not condition:
        problems.append(message)
        _log(f"CHECK FAILED: {message}")
    return condition


# --------------------------------------------------------------------------
# One data set


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "sectortag", *args]


def _shown(cmd: list[str], tmp: str) -> str:
    """A command as a person would type it: ``python``, data paths relative to shared/, temp files as <tmp>."""
    out = []
    for part in cmd:
        part = "python" if part == sys.executable else part
        part = part.replace(str(SHARED_DATA), "shared/data").replace(tmp, "<tmp>")
        out.append(part)
    return " ".join(out)


def run_dataset(name: str, workdir: str, problems: list[str]) -> dict:
    spec = DATASETS[name]
    train_path, test_path = _files(name)
    train, test = read_jsonl_gz(train_path), read_jsonl_gz(test_path)
    truth = [r["labels"] for r in test]
    classes = _classes(train, test)
    model = os.path.join(workdir, f"{name}.zip")
    predictions = os.path.join(workdir, f"{name}-predictions.jsonl")
    result: dict = {"dataset": spec["title"], "train_docs": len(train), "test_docs": len(test),
                    "labels": len(classes), "multilabel": spec["multilabel"], "commands": {}}

    cmd = _cli("train", "--custom-labels", *TRAIN_ARGS[name], "--data", str(train_path), "--out", model)
    _log(f"{name}: {_shown(cmd, workdir)}")
    run = run_measured(cmd)
    result["commands"]["train"] = _shown(cmd, workdir)
    if run["returncode"] != 0:
        raise SystemExit(f"sectortag train failed on {name}:\n{run['stderr']}")
    result["train"] = {"seconds": run["seconds"], "cpu_seconds": run["cpu_seconds"], "peak_rss_mib": run["peak_rss_mib"],
                       "last_line": run["stderr"].strip().splitlines()[-1]}
    _log(f"{name}: trained in {run['seconds']:.1f} s, peak {run['peak_rss_mib']:.0f} MiB")
    result["model_bytes"] = os.path.getsize(model)

    info = run_measured(_cli("info", "--model", model, "--format", "json"))
    meta = json.loads(info["stdout"])
    sources = list(meta["threshold_sources"].values())
    result["model"] = {
        "n_features": meta["n_features"],
        "params": meta["params"],
        "threshold_sources": {s: sources.count(s) for s in sorted(set(sources))},
        "cv": {k: meta["training"]["cv"]["metrics"][k]["f1"] for k in ("micro", "macro")},
        "cv_exact_match": meta["training"]["cv"]["metrics"]["exact_match"],
    }

    cmd = _cli("evaluate", "--data", str(test_path), "--model", model, "--format", "json")
    run = run_measured(cmd)
    result["commands"]["evaluate"] = _shown(cmd, workdir)
    if run["returncode"] != 0:
        raise SystemExit(f"sectortag evaluate failed on {name}:\n{run['stderr']}")
    overall = json.loads(run["stdout"])["overall"]
    result["evaluate"] = {
        "seconds": run["seconds"],
        "micro_f1": overall["micro"]["f1"],
        "macro_f1": overall["macro"]["f1"],
        "micro_precision": overall["micro"]["precision"],
        "micro_recall": overall["micro"]["recall"],
        "exact_match": overall["exact_match"],
    }

    cmd = _cli("tag", "--file", str(test_path), "--jsonl", "--model", model, "--out", predictions, "--no-progress")
    run = run_measured(cmd)
    result["commands"]["tag"] = _shown(cmd, workdir)
    if run["returncode"] != 0:
        raise SystemExit(f"sectortag tag failed on {name}:\n{run['stderr']}")
    with open(predictions, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    by_id = {row["id"]: row["labels"] for row in rows}
    _check(len(rows) == len(test) and len(by_id) == len(test), f"{name}: tag gave {len(rows)} rows for {len(test)} documents", problems)
    predicted = [by_id.get(r["id"], []) for r in test]
    scores = score_predictions(truth, predicted, classes)
    scores["tag_seconds"] = run["seconds"]
    result["tag"] = scores
    checks = result["checks"] = {}
    checks["evaluate_equals_tag_output"] = _check(
        abs(scores["micro_f1"] - result["evaluate"]["micro_f1"]) < 1e-9
        and abs(scores["macro_f1"] - result["evaluate"]["macro_f1"]) < 1e-9,
        f"{name}: evaluate's F1 differs from the F1 of tag's output", problems)
    checks["sklearn_f1_agrees"] = _check(
        abs(scores["micro_f1"] - scores["sklearn_micro_f1"]) < 1e-9 and abs(scores["macro_f1"] - scores["sklearn_macro_f1"]) < 1e-9,
        f"{name}: sectortag's F1 differs from scikit-learn's f1_score", problems)
    if not spec["multilabel"]:
        checks["one_label_per_doc"] = _check(
            scores["labels_per_doc"]["1"] == len(test), f"{name}: not exactly one predicted label per document", problems)
        checks["accuracy_equals_micro_f1"] = _check(
            abs(scores["accuracy"] - scores["micro_f1"]) < 1e-12, f"{name}: accuracy differs from micro-F1", problems)
        result["evaluate"]["accuracy"] = scores["accuracy"]

    result["baselines"] = {}
    for kind in BASELINES:
        cmd = [sys.executable, "-m", "benchmarks.public", "--baseline", kind, "--dataset", name]
        _log(f"{name}: reference {kind}")
        run = run_measured(cmd, cwd=str(Path(__file__).resolve().parent.parent))
        if run["returncode"] != 0:
            raise SystemExit(f"reference {kind} failed on {name}:\n{run['stderr']}")
        child = json.loads(run["stdout"])
        scores = score_predictions(truth, child.pop("predictions"), classes)
        result["baselines"][kind] = {"description": BASELINES[kind], "process_seconds": run["seconds"],
                                     "peak_rss_mib": run["peak_rss_mib"], **child, **scores}
    return result


# --------------------------------------------------------------------------
# Report


def _targets(name: str, result: dict) -> list[dict]:
    rows = []
    for metric, target in DATASETS[name]["targets"].items():
        value = result["evaluate"][metric]
        rows.append({"dataset": name, "metric": metric, "target": target, "value": value,
                     "margin": value - target, "met": value >= target})
    return rows


def _markdown(env: dict, results: dict, targets: list[dict], problems: list[str]) -> str:
    from tabulate import tabulate

    data = "; ".join(
        f"{r['dataset']}: {r['train_docs']:,} train / {r['test_docs']:,} test documents, {r['labels']} labels "
        f"(shared/data/{DATASETS[n]['folder']})" for n, r in results.items()
    )
    parts = [header_markdown(env, "Public benchmarks: Reuters-21578 ModApte and R8", data)]
    parts.append(f"- load average at start / end: {env['load_start']} / {env['load_end']} (1, 5, 15 min)\n")
    parts.append("SectorTagger is trained and scored through its own CLI, each command a child process; "
                 "train time and peak memory are those of the `sectortag train` process (wall clock, `ru_maxrss`). "
                 "The reference models run the same way, one child process each (time = fit only; memory = the whole process). "
                 "Test files are used for these scores only.\n")

    parts.append("## Targets\n")
    parts.append(tabulate(
        [[t["dataset"], t["metric"], f"{t['target']:.3f}", f"{t['value']:.4f}", f"{t['margin']:+.4f}",
          "met" if t["met"] else "MISSED"] for t in targets],
        headers=["data", "metric", "target", "sectortag", "margin", ""], tablefmt="github"))
    parts.append("")

    for name, r in results.items():
        spec = DATASETS[name]
        main = "accuracy" if not spec["multilabel"] else "micro_f1"
        parts.append(f"## {r['dataset']}\n")
        rows = [[f"sectortag (CLI{', ' + ' '.join(TRAIN_ARGS[name]) if TRAIN_ARGS[name] else ' defaults'})",
                 r["evaluate"]["micro_f1"], r["evaluate"]["macro_f1"],
                 r["evaluate"].get("accuracy", r["evaluate"]["exact_match"]),
                 r["train"]["seconds"], r["train"]["peak_rss_mib"], r["model"]["n_features"]]]
        for kind, b in r["baselines"].items():
            rows.append([b["description"], b["micro_f1"], b["macro_f1"],
                         b["accuracy"] if b["accuracy"] is not None else b["exact_match"],
                         b["fit_seconds"], b["peak_rss_mib"], b["n_features"]])
        pub = spec["published"]
        headers = ["model", "micro-F1", "macro-F1", "accuracy" if not spec["multilabel"] else "exact match",
                   "train s", "peak MiB", "features"]
        parts.append(tabulate(rows, headers=headers, floatfmt=(None, ".4f", ".4f", ".4f", ".1f", ".0f", ",.0f"),
                              tablefmt="github"))
        ours = r["evaluate"].get(main) if main != "accuracy" else r["evaluate"]["accuracy"]
        low, high = pub["low"], pub["high"]
        where = "above" if ours > high else "below" if ours < low else "within"
        span = f"{low:.3f}" if low == high else f"{low:.3f}-{high:.3f}"
        parts.append(
            f"\nPublished: {pub['text']}. sectortag's {main.replace('_', '-')} {ours:.4f} is {where} {span} "
            f"({ours - low:+.4f} from {low:.3f}{'' if low == high else f', {ours - high:+.4f} from {high:.3f}'})."
            + (" Break-even point and F1 are close but not the same measure." if spec["multilabel"] else "")
        )
        t = r["tag"]
        parts.append(
            f"\n- commands: `{r['commands']['train']}`; `{r['commands']['evaluate']}`; `{r['commands']['tag']}`"
            f"\n- train: {r['train']['seconds']:.1f} s wall, {r['train']['cpu_seconds']:.1f} s CPU, peak RSS "
            f"{r['train']['peak_rss_mib']:.0f} MiB; model file {r['model_bytes'] / 2**20:.1f} MiB; "
            f"CLI's last line: \"{r['train']['last_line']}\""
            f"\n- thresholds: {r['model']['threshold_sources']} (label = chosen on the label's own out-of-fold scores, "
            f"pooled = shared by labels with fewer positives than folds, argmax = single-label)"
            f"\n- cross-validated on train (thresholds chosen on the same folds): micro-F1 {r['model']['cv']['micro']:.4f}, "
            f"macro-F1 {r['model']['cv']['macro']:.4f}"
            f"\n- test micro precision {r['evaluate']['micro_precision']:.4f}, recall {r['evaluate']['micro_recall']:.4f}; "
            f"labels predicted per document (from `tag`): 0: {t['labels_per_doc']['0']}, 1: {t['labels_per_doc']['1']}, "
            f"2+: {t['labels_per_doc']['2+']}; macro-F1 over {t['macro_over_labels']} labels"
            f"\n- evaluate {r['evaluate']['seconds']:.1f} s and tag {t['tag_seconds']:.1f} s for {r['test_docs']:,} documents "
            f"(fresh processes, model load included)"
            f"\n- checks: " + ", ".join(f"{k} {'ok' if v else 'FAILED'}" for k, v in r["checks"].items())
        )
        if not spec["multilabel"]:
            parts.append("- single-label: every test document got exactly one label, so accuracy equals micro-F1 "
                         "(micro precision = recall = accuracy); checked on the `tag` output above.")
        parts.append("")
    if problems:
        parts.append("## Problems\n")
        parts.extend(f"- {p}" for p in problems)
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.public", description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="reuters,r8", help="comma-separated: reuters, r8 (default: both)")
    parser.add_argument("--keep-models", metavar="DIR", help="keep the trained models and predictions in DIR")
    parser.add_argument("--baseline", choices=sorted(BASELINES), help=argparse.SUPPRESS)
    parser.add_argument("--dataset", choices=sorted(DATASETS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline:
        _baseline_child(args.baseline, args.dataset)
        return 0
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        parser.error(f"unknown data set {unknown[0]!r}; choose from {', '.join(DATASETS)}")
    env = environment("benchmarks.public")
    env["load_start"] = load_average()
    started = time.perf_counter()
    problems: list[str] = []
    results = {}
    with tempfile.TemporaryDirectory(prefix="sectortag-public-") as tmp:
        workdir = args.keep_models or tmp
        os.makedirs(workdir, exist_ok=True)
        for name in names:
            results[name] = run_dataset(name, workdir, problems)
    env["load_end"] = load_average()
    targets = [row for name in names for row in _targets(name, results[name])]
    payload = {**env, "benchmark": "public", "train_args": {n: TRAIN_ARGS[n] for n in names},
               "runtime_seconds": time.perf_counter() - started, "targets": targets, "results": results,
               "problems": problems}
    md, js = write_report("public", _markdown(env, results, targets, problems), payload)
    for t in targets:
        _log(f"{t['dataset']} {t['metric']}: {t['value']:.4f} vs target {t['target']:.3f} "
             f"({t['margin']:+.4f}, {'met' if t['met'] else 'MISSED'})")
    _log(f"wrote {md} and {js} in {time.perf_counter() - started:.0f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
