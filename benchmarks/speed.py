"""Tagging speed next to scikit-learn and fastText, on the same paragraphs, in one run, with the tokenization floor.

    python -m benchmarks.speed [--n 50000] [--repeats 3] [--cli-runs 10]

Paragraphs: every paragraph of ``datasets/corpus/*.jsonl``,
``datasets/seed_paragraphs.jsonl`` and the seed documents
(``datasets/seeds/*.txt``, split with ``split_paragraphs``), resampled with
replacement to ``--n`` (seed 0).

Systems, each trained on the seed paragraphs and the corpus (the shipped
model's data):

- sectortag: the shipped model (``sectortag.load()``);
- tfidf+logreg: scikit-learn's default ``TfidfVectorizer()`` +
  ``OneVsRestClassifier(LogisticRegression())``, threshold 0.5;
- hashing+logreg: ``HashingVectorizer(ngram_range=(1, 2))`` + the same;
- fastText: ``train_supervised(loss="ova", wordNgrams=2, epoch=25)``,
  ``predict(k=-1, threshold=0.5)`` (newlines replaced by spaces, as fastText
  requires);
- floor: ``re.findall(r"\\w+", text)`` for every paragraph, no model: the
  least any tagger that reads every word pays in Python.

Each system is measured in a child process of its own (``python -m
benchmarks.speed --worker ...``) so that imports and memory do not leak from
one to another; peak memory is the child's ``ru_maxrss``. Throughput is the
median of ``--repeats`` passes after a warm-up. sectortag is also measured
with ``n_jobs=2`` and with explanations (a batch explained for its
predicted labels, as ``sectortag tag --explain`` does). Start-up is timed as
fresh processes tagging one sentence.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ._common import (DATASETS, REPO, environment, header_markdown, load_average, run_measured, target, targets_markdown,
                      write_report)

SENTENCE = "The two ministers agreed to boost wheat exports and to step up cooperation on maritime security."
SYSTEMS = ("sectortag", "tfidf+logreg", "hashing+logreg", "fasttext", "floor")
SKLEARN = ("tfidf+logreg", "hashing+logreg")
DESCRIPTIONS = {
    "sectortag": "the shipped model, `predict`",
    "tfidf+logreg": "`TfidfVectorizer()` + `OneVsRestClassifier(LogisticRegression())`, 0.5",
    "hashing+logreg": "`HashingVectorizer(ngram_range=(1, 2))` + `OneVsRestClassifier(LogisticRegression())`, 0.5",
    "fasttext": "fastText `train_supervised(loss='ova', wordNgrams=2, epoch=25)`, `predict(k=-1, threshold=0.5)`",
    "floor": "`re.findall(r'\\w+', text)` per paragraph: tokenization alone, no model",
}
_SKLEARN_SCRIPT = """\
import json, sys
import joblib
bundle = joblib.load(sys.argv[1])
row = bundle["pipeline"].predict([sys.argv[2]])[0]
print(json.dumps({"labels": [c for c, v in zip(bundle["classes"], row) if v]}))
"""
_WORD = re.compile(r"\w+")


def _log(message: str) -> None:
    sys.stderr.write(f"[speed {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------
# Data


def paragraph_pool() -> list[str]:
    """Every paragraph of the project's data (texts, not deduplicated)."""
    from sectortag import read_examples, split_paragraphs

    texts = []
    for path in sorted((DATASETS / "corpus").glob("*.jsonl")) + [DATASETS / "seed_paragraphs.jsonl"]:
        texts.extend(e.text for e in read_examples(str(path), labels=None) if e.text.strip())
    for path in sorted((DATASETS / "seeds").glob("*.txt")):
        texts.extend(p.text for p in split_paragraphs(path.read_text(encoding="utf-8")))
    return texts


def resample(pool: list[str], n: int, seed: int = 0) -> list[str]:
    import numpy as np

    rng = np.random.default_rng(seed)
    return [pool[i] for i in rng.integers(len(pool), size=n).tolist()]


def training_examples():
    from sectortag import read_examples

    paths = [DATASETS / "seed_paragraphs.jsonl"] + sorted((DATASETS / "corpus").glob("*.jsonl"))
    return [e for path in paths for e in read_examples(str(path), labels=None)], paths


def fit_references(folder: str) -> dict:
    """Fit the scikit-learn pipelines and fastText on seeds + corpus; save them in ``folder``; what was fitted."""
    import joblib
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MultiLabelBinarizer

    examples, paths = training_examples()
    texts = [e.text for e in examples]
    binarizer = MultiLabelBinarizer()
    target = binarizer.fit_transform([e.labels for e in examples])
    fitted = {"examples": len(examples), "files": [str(p.relative_to(REPO)) for p in paths]}
    for name, vectorizer in (("tfidf+logreg", TfidfVectorizer()), ("hashing+logreg", HashingVectorizer(ngram_range=(1, 2)))):
        pipeline = make_pipeline(vectorizer, OneVsRestClassifier(LogisticRegression()))
        start = time.perf_counter()
        pipeline.fit(texts, target)
        fitted[name] = {"fit_seconds": time.perf_counter() - start, "path": os.path.join(folder, f"{name}.joblib")}
        joblib.dump({"pipeline": pipeline, "classes": list(binarizer.classes_)}, fitted[name]["path"])
        fitted[name]["bytes"] = os.path.getsize(fitted[name]["path"])
    try:
        import fasttext
    except ImportError as error:
        fitted["fasttext"] = {"error": f"fastText not installed ({error}); pip install fasttext-wheel"}
        return fitted
    data = os.path.join(folder, "fasttext.txt")
    with open(data, "w", encoding="utf-8") as handle:
        for e in examples:
            handle.write(" ".join(f"__label__{name}" for name in e.labels) + " " + _one_line(e.text) + "\n")
    start = time.perf_counter()
    model = fasttext.train_supervised(data, loss="ova", wordNgrams=2, epoch=25, thread=1, seed=0, verbose=0)
    path = os.path.join(folder, "fasttext.bin")
    model.save_model(path)
    fitted["fasttext"] = {"fit_seconds": time.perf_counter() - start, "path": path, "bytes": os.path.getsize(path)}
    return fitted


def _one_line(text: str) -> str:
    return text.replace("\n", " ").replace("\r", " ")


# --------------------------------------------------------------------------
# The systems behind one interface, for the workers


class _SectorTag:
    def __init__(self, path: str | None):
        import sectortag

        self.model = sectortag.load(path)

    def predict(self, texts):
        return self.model.predict(texts)

    def tag(self, text):
        return self.model.tag(text).labels


class _Sklearn:
    def __init__(self, path: str):
        import joblib

        bundle = joblib.load(path)
        self.pipeline, self.classes = bundle["pipeline"], bundle["classes"]

    def predict(self, texts):
        indicator = self.pipeline.predict(texts)
        return [[self.classes[j] for j in row.nonzero()[0]] for row in indicator]

    def tag(self, text):
        return self.predict([text])[0]


class _FastText:
    def __init__(self, path: str):
        import fasttext

        self.model = fasttext.load_model(path)

    def predict(self, texts):
        labels, _ = self.model.predict([_one_line(t) for t in texts], k=-1, threshold=0.5)
        return [[name[len("__label__"):] for name in row] for row in labels]

    def tag(self, text):
        return self.predict([text])[0]


class _Floor:
    def __init__(self, path: str | None):
        pass

    def predict(self, texts):
        findall = _WORD.findall
        return [findall(text) for text in texts]

    def tag(self, text):
        return _WORD.findall(text)


def _open(system: str, path: str | None):
    if system == "sectortag":
        return _SectorTag(path)
    if system in SKLEARN:
        return _Sklearn(path)
    return _FastText(path) if system == "fasttext" else _Floor(path)


def _median_seconds(function, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def _worker(args) -> dict:
    """One system's figures, measured in this (child) process."""
    start = time.perf_counter()
    if args.worker == "sectortag":
        import sectortag  # noqa: F401
    elif args.worker in SKLEARN:
        import joblib  # noqa: F401
        import sklearn  # noqa: F401
    elif args.worker == "fasttext":
        import fasttext  # noqa: F401
    out = {"import_seconds": time.perf_counter() - start}
    start = time.perf_counter()
    system = _open(args.worker, args.path)
    out["load_seconds"] = time.perf_counter() - start
    texts = resample(paragraph_pool(), args.n)
    out["n"] = len(texts)
    out["chars_per_paragraph"] = sum(map(len, texts)) / len(texts)
    system.predict(texts[:2000])  # warm-up
    median, times = _median_seconds(lambda: system.predict(texts), args.repeats)
    out["predict"] = {"median_seconds": median, "seconds": times, "per_second": len(texts) / median}
    sample = texts[: args.latency_n]
    for text in sample[:50]:
        system.tag(text)
    latencies = []
    for text in sample:
        start = time.perf_counter()
        system.tag(text)
        latencies.append(time.perf_counter() - start)
    latencies.sort()
    out["latency"] = {"median_ms": 1000 * statistics.median(latencies), "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))]}
    if args.worker == "sectortag":
        out.update(_sectortag_extras(system.model, texts, args.repeats))
    return out


def _sectortag_extras(model, texts: list[str], repeats: int) -> dict:
    """predict_proba, predict on two worker processes, and explanations of the predicted labels."""
    from sectortag._model.explain import explain_batch

    extras = {}
    median, times = _median_seconds(lambda: model.predict_proba(texts), repeats)
    extras["predict_proba"] = {"median_seconds": median, "seconds": times, "per_second": len(texts) / median}
    model.n_jobs = 2
    model.predict(texts[:20_000])  # warm-up (forks each call: included in the timing below)
    median, times = _median_seconds(lambda: model.predict(texts), repeats)
    model.n_jobs = None
    extras["predict_jobs2"] = {"median_seconds": median, "seconds": times, "per_second": len(texts) / median}
    index = {name: j for j, name in enumerate(model.classes_)}
    sample = texts[: max(len(texts) // 5, 1)]

    def explain() -> None:
        for start in range(0, len(sample), 2000):
            batch = sample[start : start + 2000]
            labels = model.predict(batch)
            explain_batch(model, batch, top=5, wanted=[[index[n] for n in names] for names in labels])

    median, times = _median_seconds(explain, repeats)
    extras["explain"] = {"n": len(sample), "median_seconds": median, "seconds": times, "per_second": len(sample) / median}
    return extras


# --------------------------------------------------------------------------
# Parent


def _run_worker(system: str, path: str | None, args) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.speed", "--worker", system, "--n", str(args.n),
           "--repeats", str(args.repeats), "--latency-n", str(args.latency_n)] + (["--path", path] if path else [])
    _log(system)
    run = run_measured(cmd, cwd=str(REPO))
    if run["returncode"] != 0:
        raise SystemExit(f"worker {system} failed:\n{run['stderr']}")
    result = json.loads(run["stdout"])
    result["process_seconds"], result["peak_rss_mib"] = run["seconds"], run["peak_rss_mib"]
    return result


def _fresh(cmd: list[str], runs: int, expect: str | None = None) -> dict:
    """Wall time of ``cmd`` run ``runs`` times as a new process (after one untimed run)."""
    first = run_measured(cmd, cwd=tempfile.gettempdir())
    if first["returncode"] != 0 or (expect is not None and expect not in first["stdout"]):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{first['stderr']}{first['stdout'][:200]}")
    runs_ = [run_measured(cmd, cwd=tempfile.gettempdir()) for _ in range(runs)]
    times = sorted(r["seconds"] for r in runs_)
    return {"runs": runs, "median_seconds": statistics.median(times), "min_seconds": times[0],
            "p90_seconds": times[int(0.9 * (len(times) - 1))], "peak_rss_mib": max(r["peak_rss_mib"] for r in runs_)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=50_000, help="paragraphs tagged in the throughput runs (default: 50000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per throughput figure (default: 3)")
    parser.add_argument("--cli-runs", type=int, default=10, help="fresh processes per start-up figure (default: 10)")
    parser.add_argument("--latency-n", type=int, default=2000, help="paragraphs for in-process latency (default: 2000)")
    parser.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        json.dump(_worker(args), sys.stdout)
        return 0

    import sectortag
    from sectortag._model.modelio import read_meta, shipped_model_path

    env = environment("benchmarks.speed")
    env["load_start"] = load_average()
    started = time.perf_counter()
    model_path = str(shipped_model_path())
    meta = read_meta(model_path)
    results: dict = {"n": args.n, "pool": len(paragraph_pool()), "shipped_model": {
        "bytes": os.path.getsize(model_path), "n_features": meta["n_features"], "labels": meta["labels"],
        "training_examples": meta["training"]["n_examples"]}, "systems": {}}
    with tempfile.TemporaryDirectory(prefix="sectortag-speed-") as tmp:
        _log("fitting the scikit-learn pipelines and fastText on seeds + corpus")
        fitted = results["references"] = fit_references(tmp)
        for system in SYSTEMS:
            path = fitted.get(system, {}).get("path")
            if system == "fasttext" and path is None:
                _log(fitted["fasttext"]["error"])
                continue
            results["systems"][system] = _run_worker(system, path, args)
        _log("fresh-process start-up")
        script = os.path.join(tmp, "sklearn_tag.py")
        Path(script).write_text(_SKLEARN_SCRIPT, encoding="utf-8")
        fresh = results["fresh_process"] = {
            "python -m sectortag tag TEXT": _fresh([sys.executable, "-m", "sectortag", "tag", SENTENCE], args.cli_runs, '"labels"'),
            "scikit-learn: python script.py TEXT (joblib.load + predict)":
                _fresh([sys.executable, script, fitted["tfidf+logreg"]["path"], SENTENCE], args.cli_runs, '"labels"'),
            "floor: python -c pass": _fresh([sys.executable, "-c", "pass"], args.cli_runs),
            "floor: python -c 'import numpy'": _fresh([sys.executable, "-c", "import numpy"], args.cli_runs),
        }
    env["load_end"] = load_average()
    results["runtime_seconds"] = time.perf_counter() - started

    systems = results["systems"]
    ours = systems["sectortag"]
    rate = ours["predict"]["per_second"]
    fastest_sklearn = max(systems[s]["predict"]["per_second"] for s in SKLEARN)
    explain_ratio = ours["explain"]["median_seconds"] / ours["explain"]["n"] / (ours["predict"]["median_seconds"] / ours["n"])
    cold = fresh["python -m sectortag tag TEXT"]["median_seconds"]
    targets = [
        target("one-process predict >= 40,000 paragraphs/s", rate, 40_000),
        target("one-process predict >= 2x the faster scikit-learn pipeline (same run)", rate, 2 * fastest_sklearn),
        target("explain (predicted labels) <= 5x predict, time per paragraph", explain_ratio, 5.0, higher_better=False),
        target("fresh-process `python -m sectortag tag TEXT` <= 0.3 s (median)", cold, 0.3, higher_better=False),
    ]
    payload = {**env, "benchmark": "speed", "sentence": SENTENCE, "targets": targets, "results": results}
    md, js = write_report("speed", _markdown(env, results, targets, sectortag.__version__), payload)
    for t in targets:
        _log(f"{t['target']}: {t['value']:,.3f} ({'met' if t['met'] else 'MISSED'})")
    _log(f"wrote {md} and {js} in {results['runtime_seconds']:.0f} s")
    return 0


def _markdown(env: dict, r: dict, targets: list[dict], version: str) -> str:
    from tabulate import tabulate

    systems, fresh, refs = r["systems"], r["fresh_process"], r["references"]
    ours = systems["sectortag"]
    data = (f"{r['n']:,} paragraphs resampled (with replacement, seed 0) from the {r['pool']:,} paragraphs of "
            f"datasets/corpus/*.jsonl, datasets/seed_paragraphs.jsonl and datasets/seeds/*.txt "
            f"(mean {ours['chars_per_paragraph']:.0f} characters)")
    parts = [header_markdown(env, "Speed: tagging next to scikit-learn and fastText", data)]
    parts.append(f"- load average at start / end: {env['load_start']} / {env['load_end']} (1, 5, 15 min); the "
                 f"{env['machine']['cores']} cores are shared with other work, so absolute figures are noisy; "
                 "ratios come from the same run")
    parts.append(f"- every reference is trained on the shipped model's data ({refs['examples']:,} examples: "
                 f"{', '.join(refs['files'][:2])}, ...); each system runs in a child process of its own")
    parts.append("- ratio = sectortag's speed / the system's (> 1: sectortag faster)\n")
    parts.append("## Targets\n")
    parts.append(targets_markdown(targets, ",.3f"))

    parts.append("\n## Batch tagging, one process\n")
    rows = []
    for name, s in systems.items():
        fit = refs.get(name, {}).get("fit_seconds")
        rows.append([name, DESCRIPTIONS[name], f"{s['predict']['per_second']:,.0f}",
                     f"{ours['predict']['per_second'] / s['predict']['per_second']:.2f}x",
                     f"{s['latency']['median_ms']:.3f}", f"{s['import_seconds'] + s['load_seconds']:.3f}",
                     f"{s['peak_rss_mib']:,.0f}", "-" if fit is None else f"{fit:.1f}"])
    parts.append(tabulate(rows, headers=["system", "what", "paragraphs/s", "sectortag / system", "one paragraph, median ms",
                                         "import + load s", "peak RSS MiB", "fit s"],
                          tablefmt="github", disable_numparse=True))
    parts.append("\n## sectortag: probabilities, two processes, explanations\n")
    base = ours["predict"]["median_seconds"] / ours["n"]
    extra = [
        ["predict", f"{ours['predict']['per_second']:,.0f}", "1.00"],
        ["predict_proba", f"{ours['predict_proba']['per_second']:,.0f}",
         f"{ours['predict_proba']['median_seconds'] / ours['n'] / base:.2f}"],
        ["predict, n_jobs=2 (workers forked per call)", f"{ours['predict_jobs2']['per_second']:,.0f}",
         f"{ours['predict_jobs2']['median_seconds'] / ours['n'] / base:.2f}"],
        [f"predict + explain_batch of the predicted labels, top 5 ({ours['explain']['n']:,} paragraphs)",
         f"{ours['explain']['per_second']:,.0f}", f"{ours['explain']['median_seconds'] / ours['explain']['n'] / base:.2f}"],
    ]
    parts.append(tabulate(extra, headers=["what", "paragraphs/s", "time per paragraph / predict's"], tablefmt="github",
                          disable_numparse=True))
    parts.append("\n## Fresh-process start-up\n")
    parts.append(f"Each command run {fresh['python -m sectortag tag TEXT']['runs']} times after one untimed run, as a new "
                 f"process, tagging one sentence: \"{SENTENCE}\"\n")
    parts.append(tabulate([[f"`{k}`", f"{v['median_seconds']:.3f}", f"{v['min_seconds']:.3f}", f"{v['p90_seconds']:.3f}",
                            f"{v['peak_rss_mib']:.0f}"] for k, v in fresh.items()],
                          headers=["command", "median s", "min s", "p90 s", "peak MiB"], tablefmt="github", disable_numparse=True))
    parts.append("\n## Raw timings (seconds per pass)\n")
    raw = [[name, ", ".join(f"{x:.3f}" for x in s["predict"]["seconds"])] for name, s in systems.items()]
    raw += [["sectortag " + key, ", ".join(f"{x:.3f}" for x in ours[key]["seconds"])]
            for key in ("predict_proba", "predict_jobs2", "explain")]
    parts.append(tabulate(raw, headers=["system", "seconds"], tablefmt="github", disable_numparse=True))
    return "\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
