"""Training time and peak memory: `sectortag train` with its defaults next to a scikit-learn LinearSVC script.

    python -m benchmarks.training [--datasets reuters,shipped,build] [--repeats 1]

Data sets:

- reuters: Reuters-21578 ModApte train (7,770 documents, 90 labels),
  ``shared/data/reuters21578/train.jsonl.gz``, with ``--custom-labels``;
- shipped: the shipped model's data, ``datasets/seed_paragraphs.jsonl``
  and ``datasets/corpus/*.jsonl``, with the defaults;
- build: the same data with the settings of ``models/build.sh`` (read from
  its ``settings=(...)`` line): one of the build's two trainings.

Each command runs as a child process (wall time, CPU time of it and its
children, peak resident memory of the largest process):

- ``python -m sectortag train [--custom-labels] --data FILES --out M.zip``
  with every default (C chosen by cross-validation, all cores), and again
  with ``--jobs 1``;
- the reference: a script that reads the same files and fits
  ``TfidfVectorizer(sublinear_tf=True)`` + one-vs-rest ``LinearSVC()``, all
  scikit-learn defaults: the whole process, imports and reading included,
  as the issue measured it.

The ratio is sectortag's wall time over the script's, from the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

from ._common import (DATASETS, REPO, SHARED_DATA, environment, header_markdown, load_average, run_measured, target,
                      targets_markdown, write_report)

_SCRIPT = """\
import gzip, json, sys, time
start = time.perf_counter()
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC
records = []
for path in sys.argv[1:]:
    with (gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8")) as f:
        records += [json.loads(line) for line in f if line.strip()]
target = MultiLabelBinarizer().fit_transform([r.get("labels", []) for r in records])
fit = time.perf_counter()
X = TfidfVectorizer(sublinear_tf=True).fit_transform([r["text"] for r in records])
OneVsRestClassifier(LinearSVC()).fit(X, target)
print(json.dumps({"fit_seconds": time.perf_counter() - fit, "examples": len(records)}))
"""


def _log(message: str) -> None:
    sys.stderr.write(f"[training {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def data_sets() -> dict[str, dict]:
    corpus = [str(DATASETS / "seed_paragraphs.jsonl")] + sorted(str(p) for p in (DATASETS / "corpus").glob("*.jsonl"))
    build = build_settings()
    return {
        "reuters": {"files": [str(SHARED_DATA / "reuters21578" / "train.jsonl.gz")], "options": ["--custom-labels"],
                    "title": "Reuters-21578 ModApte train, 7,770 documents, 90 labels", "target": ("ratio", 5.0)},
        "shipped": {"files": corpus, "options": [], "title": "the shipped model's data (seeds + corpus), defaults",
                    "target": None},
        "build": {"files": corpus, "options": build, "title": f"the shipped model's build: {' '.join(build)}",
                  "target": ("seconds", 10.0)},
    }


def build_settings() -> list[str]:
    """The ``train`` options of ``models/build.sh`` (its ``settings=(...)`` line)."""
    import re
    import shlex

    text = (REPO / "models" / "build.sh").read_text(encoding="utf-8")
    found = re.search(r"^settings=\((.*)\)\s*$", text, re.MULTILINE)
    return shlex.split(found.group(1)) if found else []


def _shown(path: str) -> str:
    for root, name in ((str(REPO) + "/", ""), (str(SHARED_DATA.parent) + "/", "")):
        if path.startswith(root):
            return name + path[len(root):]
    return path


def _median_run(cmd: list[str], repeats: int) -> dict:
    runs = []
    for _ in range(repeats):
        run = run_measured(cmd, cwd=str(REPO))
        if run["returncode"] != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{run['stderr'][-3000:]}")
        runs.append(run)
    seconds = [r["seconds"] for r in runs]
    middle = runs[seconds.index(statistics.median_low(seconds))]
    return {"seconds": middle["seconds"], "cpu_seconds": middle["cpu_seconds"], "peak_rss_mib": middle["peak_rss_mib"],
            "all_seconds": seconds, "stdout": middle["stdout"], "stderr": middle["stderr"]}


def run_data_set(name: str, spec: dict, repeats: int, folder: str) -> dict:
    result = {"title": spec["title"], "files": [_shown(f) for f in spec["files"]]}
    script = os.path.join(folder, "linearsvc.py")
    with open(script, "w", encoding="utf-8") as handle:
        handle.write(_SCRIPT)
    _log(f"{name}: scikit-learn LinearSVC script")
    ref = _median_run([sys.executable, script, *spec["files"]], repeats)
    result["linearsvc_script"] = {k: ref[k] for k in ("seconds", "cpu_seconds", "peak_rss_mib", "all_seconds")}
    result["linearsvc_script"].update(json.loads(ref["stdout"]))
    for label, extra in (("sectortag train (defaults)", []), ("sectortag train --jobs 1", ["--jobs", "1"])):
        # "defaults": nothing beyond the data set's own options (every core, C by cross-validation unless set)
        model = os.path.join(folder, f"{name}.zip")
        cmd = [sys.executable, "-m", "sectortag", "train", *spec["options"], *extra, "--data", *spec["files"], "--out", model]
        _log(f"{name}: {label}")
        run = _median_run(cmd, repeats)
        with_meta = json.loads(run_measured([sys.executable, "-m", "sectortag", "info", "--model", model, "--format", "json"])["stdout"])
        result[label] = {k: run[k] for k in ("seconds", "cpu_seconds", "peak_rss_mib", "all_seconds")}
        result[label]["command"] = " ".join(["python -m sectortag train", *spec["options"], *extra, "--data",
                                            *[_shown(f) for f in spec["files"]][:2], "..." if len(spec["files"]) > 2 else "",
                                            "--out", "M.zip"]).replace("  ", " ")
        result[label]["regularization"] = with_meta["training"].get("regularization")
        result[label]["cv_micro_f1"] = with_meta["training"]["cv"]["metrics"]["micro"]["f1"]
        result[label]["ratio_to_script"] = run["seconds"] / ref["seconds"]
        _log(f"{name}: {label}: {run['seconds']:.1f} s ({result[label]['ratio_to_script']:.1f}x the script's "
             f"{ref['seconds']:.1f} s), peak {run['peak_rss_mib']:.0f} MiB")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.training", description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="reuters,shipped,build", help="comma-separated: reuters, shipped, build (default: all)")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each command; the median is reported (default: 1)")
    args = parser.parse_args(argv)
    specs = data_sets()
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    if any(n not in specs for n in names):
        parser.error(f"--datasets: choose from {', '.join(specs)}")
    env = environment("benchmarks.training")
    env["load_start"] = load_average()
    started = time.perf_counter()
    results, targets = {}, []
    with tempfile.TemporaryDirectory(prefix="sectortag-training-") as folder:
        for name in names:
            results[name] = run_data_set(name, specs[name], args.repeats, folder)
            ours = results[name]["sectortag train (defaults)"]
            if specs[name]["target"] is None:
                continue
            kind, goal = specs[name]["target"]
            if kind == "ratio":
                targets.append(target(f"{name}: default training <= {goal:g}x the LinearSVC script (whole process, wall)",
                                      ours["ratio_to_script"], goal, higher_better=False))
            else:
                targets.append(target(f"{name}: training <= {goal:g} s (wall)", ours["seconds"], goal, higher_better=False))
    env["load_end"] = load_average()
    payload = {**env, "benchmark": "training", "targets": targets, "results": results,
               "runtime_seconds": time.perf_counter() - started}
    md, js = write_report("training", _markdown(env, results, targets), payload)
    for t in targets:
        _log(f"{t['target']}: {t['value']:.2f} ({'met' if t['met'] else 'MISSED'})")
    _log(f"wrote {md} and {js}")
    return 0


def _markdown(env: dict, results: dict, targets: list[dict]) -> str:
    from tabulate import tabulate

    data = "; ".join(f"{name}: {r['title']}" for name, r in results.items())
    parts = [header_markdown(env, "Training: time and memory next to a scikit-learn LinearSVC script", data)]
    parts.append(f"- load average at start / end: {env['load_start']} / {env['load_end']} (1, 5, 15 min); the "
                 f"{env['machine']['cores']} cores are shared with other work, so wall times are noisy; ratios come "
                 "from the same run")
    parts.append("- each command is a child process: wall time, CPU time (with its worker processes), peak RSS of the "
                 "largest process; the script's time includes imports and reading, like `sectortag train`'s\n")
    parts.append("## Targets\n")
    parts.append(targets_markdown(targets, ".2f"))
    for name, r in results.items():
        parts.append(f"\n## {name}: {r['title']}\n")
        rows = []
        script = r["linearsvc_script"]
        rows.append(["scikit-learn script: TfidfVectorizer(sublinear_tf=True) + one-vs-rest LinearSVC()",
                     f"{script['seconds']:.1f}", f"{script['cpu_seconds']:.1f}", f"{script['peak_rss_mib']:.0f}", "1.0",
                     f"fit {script['fit_seconds']:.1f} s", "-"])
        for label in ("sectortag train (defaults)", "sectortag train --jobs 1"):
            ours = r[label]
            reg = ours["regularization"] or {}
            rows.append([f"`{ours['command']}`", f"{ours['seconds']:.1f}", f"{ours['cpu_seconds']:.1f}",
                         f"{ours['peak_rss_mib']:.0f}", f"{ours['ratio_to_script']:.1f}",
                         f"{reg.get('loss')} C={reg.get('C')} from {reg.get('grid')}; cross-validation {reg.get('cv_seconds', 0):.1f} s "
                         f"of {reg.get('seconds', 0):.1f} s in fit",
                         f"{ours['cv_micro_f1']:.3f}"])
        parts.append(tabulate(rows, headers=["command", "wall s", "CPU s", "peak MiB", "x script", "model", "CV micro-F1"],
                              tablefmt="github", disable_numparse=True))
    return "\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
