"""Tagging speed, latency, load time, size and memory of the shipped model, next to a plain scikit-learn pipeline.

    python -m benchmarks.speed [--n 50000] [--repeats 3] [--cli-runs 10]

Paragraphs: every paragraph of ``datasets/corpus/*.jsonl``,
``datasets/seed_paragraphs.jsonl`` and the seed documents
(``datasets/seeds/*.txt``, split with ``split_paragraphs``), resampled with
replacement to ``--n`` (seed 0).

Reference: scikit-learn's default ``TfidfVectorizer()`` and
``OneVsRestClassifier(LogisticRegression())`` (0.5 threshold), fitted on
the seed paragraphs and the corpus, saved with ``joblib.dump``.

Each measurement runs in a child process of its own (``python -m
benchmarks.speed --worker ...``) so that neither system's imports or
memory leak into the other's figures; peak memory is the child's
``ru_maxrss``. Throughput is the median of ``--repeats`` passes over all
paragraphs after a warm-up; "all cores" spreads chunks over a joblib loky
pool that is started (and has loaded the model) before timing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ._common import DATASETS, REPO, environment, header_markdown, load_average, run_measured, write_report

SENTENCE = "The two ministers agreed to boost wheat exports and to step up cooperation on maritime security."
_SKLEARN_SCRIPT = """\
import json, sys
import joblib
bundle = joblib.load(sys.argv[1])
row = bundle["pipeline"].predict([sys.argv[2]])[0]
print(json.dumps({"labels": [c for c, v in zip(bundle["classes"], row) if v]}))
"""


def _log(message: str) -> None:
    sys.stderr.write(f"[speed {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------
# Data


def paragraph_pool() -> list[str]:
    """Every distinct-source paragraph of the project's data (texts, not deduplicated)."""
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


def fit_sklearn(path: str) -> dict:
    """Fit the reference pipeline on seeds + corpus and ``joblib.dump`` it to ``path``."""
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MultiLabelBinarizer

    examples, paths = training_examples()
    binarizer = MultiLabelBinarizer()
    target = binarizer.fit_transform([e.labels for e in examples])
    pipeline = make_pipeline(TfidfVectorizer(), OneVsRestClassifier(LogisticRegression()))
    start = time.perf_counter()
    pipeline.fit([e.text for e in examples], target)
    seconds = time.perf_counter() - start
    joblib.dump({"pipeline": pipeline, "classes": list(binarizer.classes_)}, path)
    return {"examples": len(examples), "files": [str(p.relative_to(REPO)) for p in paths], "fit_seconds": seconds,
            "n_features": len(pipeline[0].vocabulary_), "classes": list(binarizer.classes_)}


# --------------------------------------------------------------------------
# The two systems behind one interface, for the workers


class _SectorTag:
    name = "sectortag"

    def __init__(self, path: str | None):
        import sectortag

        self.model = sectortag.load(path)

    def predict(self, texts):
        return self.model.predict(texts)

    def predict_proba(self, texts):
        return self.model.predict_proba(texts)

    def tag(self, text):
        return self.model.tag(text).labels


class _Sklearn:
    name = "sklearn"

    def __init__(self, path: str):
        import joblib

        bundle = joblib.load(path)
        self.pipeline, self.classes = bundle["pipeline"], bundle["classes"]

    def predict(self, texts):
        indicator = self.pipeline.predict(texts)
        return [[self.classes[j] for j in row.nonzero()[0]] for row in indicator]

    def predict_proba(self, texts):
        return self.pipeline.predict_proba(texts)

    def tag(self, text):
        return self.predict([text])[0]


def _open(system: str, path: str | None):
    return _SectorTag(path) if system == "sectortag" else _Sklearn(path)


_CACHE: dict = {}


def _chunk_predict(system: str, path: str | None, texts: list[str]) -> int:
    """Run in a loky worker: load the model once per worker, tag a chunk."""
    key = (system, path)
    if key not in _CACHE:
        _CACHE[key] = _open(system, path)
    return len(_CACHE[key].predict(texts))


def _median_seconds(function, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def _worker(args) -> dict:
    """One measurement in this (child) process; returns JSON-able figures."""
    start = time.perf_counter()
    if args.system == "sectortag":
        import sectortag  # noqa: F401
    else:
        import joblib  # noqa: F401
        import sklearn  # noqa: F401
    import_seconds = time.perf_counter() - start
    start = time.perf_counter()
    system = _open(args.system, args.path)
    first_load = time.perf_counter() - start
    loads = []
    for _ in range(5):
        start = time.perf_counter()
        _open(args.system, args.path)
        loads.append(time.perf_counter() - start)
    out = {"import_seconds": import_seconds, "first_load_seconds": first_load, "load_seconds": statistics.median(loads)}
    texts = resample(paragraph_pool(), args.n)
    out["n"] = len(texts)
    out["chars_per_paragraph"] = sum(map(len, texts)) / len(texts)
    system.predict(texts[:1000])  # warm-up
    if args.what == "batch":
        median, times = _median_seconds(lambda: system.predict(texts), args.repeats)
        out["predict"] = {"median_seconds": median, "seconds": times, "per_second": len(texts) / median}
        median, times = _median_seconds(lambda: system.predict_proba(texts), args.repeats)
        out["predict_proba"] = {"median_seconds": median, "seconds": times, "per_second": len(texts) / median}
    elif args.what == "latency":
        sample = texts[: args.latency_n]
        for text in sample[:50]:
            system.tag(text)
        latencies = []
        for text in sample:
            start = time.perf_counter()
            system.tag(text)
            latencies.append(time.perf_counter() - start)
        latencies.sort()
        out["latency"] = {"n": len(latencies), "median_ms": 1000 * statistics.median(latencies),
                          "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
                          "max_ms": 1000 * latencies[-1]}
    elif args.what == "parallel":
        from joblib import Parallel, delayed

        jobs = os.cpu_count() or 1
        size = max(1, -(-len(texts) // (jobs * 8)))
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        with Parallel(n_jobs=jobs, backend="loky") as parallel:
            start = time.perf_counter()
            parallel(delayed(_chunk_predict)(args.system, args.path, c) for c in chunks)
            cold = time.perf_counter() - start
            median, times = _median_seconds(
                lambda: parallel(delayed(_chunk_predict)(args.system, args.path, c) for c in chunks), args.repeats)
        out["parallel"] = {"jobs": jobs, "chunks": len(chunks), "cold_seconds": cold, "median_seconds": median,
                           "seconds": times, "per_second": len(texts) / median, "cold_per_second": len(texts) / cold}
    return out


# --------------------------------------------------------------------------
# Parent


def _run_worker(system: str, what: str, path: str | None, args) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.speed", "--worker", system, "--what", what, "--n", str(args.n),
           "--repeats", str(args.repeats), "--latency-n", str(args.latency_n)]
    if path:
        cmd += ["--path", path]
    _log(f"{system} {what}")
    run = run_measured(cmd, cwd=str(REPO))
    if run["returncode"] != 0:
        raise SystemExit(f"worker {system} {what} failed:\n{run['stderr']}")
    result = json.loads(run["stdout"])
    result["process_seconds"] = run["seconds"]
    result["peak_rss_mib"] = run["peak_rss_mib"]
    return result


def _fresh(cmd: list[str], runs: int, expect: str | None = None) -> dict:
    """Wall time of ``cmd`` run ``runs`` times as a new process (after one untimed run)."""
    first = run_measured(cmd, cwd=tempfile.gettempdir())
    if first["returncode"] != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{first['stderr']}")
    if expect is not None and expect not in first["stdout"]:
        raise SystemExit(f"{' '.join(cmd)}: unexpected output {first['stdout'][:200]!r}")
    times, peaks, cpu = [], [], []
    for _ in range(runs):
        run = run_measured(cmd, cwd=tempfile.gettempdir())
        times.append(run["seconds"])
        peaks.append(run["peak_rss_mib"])
        cpu.append(run["cpu_seconds"])
    times.sort()
    return {"runs": runs, "median_seconds": statistics.median(times), "min_seconds": times[0],
            "median_cpu_seconds": statistics.median(cpu),
            "p90_seconds": times[int(0.9 * (len(times) - 1))], "peak_rss_mib": max(peaks),
            "output": first["stdout"][:300]}


def _entry_points() -> dict[str, str]:
    """The ``sectortag`` console script: as found on PATH, and the script itself when PATH has a shim."""
    found = {}
    on_path = shutil.which("sectortag")
    if on_path:
        found["sectortag (on PATH)"] = on_path
    direct = Path(sys.executable).parent / "sectortag"
    if direct.exists() and (not on_path or Path(on_path).resolve() != direct.resolve()):
        found["sectortag (next to python)"] = str(direct)
    return found


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=50_000, help="paragraphs tagged in the throughput runs (default: 50000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per throughput figure (default: 3)")
    parser.add_argument("--cli-runs", type=int, default=10, help="fresh processes per start-up latency figure (default: 10)")
    parser.add_argument("--latency-n", type=int, default=2000, help="paragraphs for in-process latency (default: 2000)")
    parser.add_argument("--worker", choices=("sectortag", "sklearn"), help=argparse.SUPPRESS)
    parser.add_argument("--what", choices=("batch", "latency", "parallel"), help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        args.system = args.worker
        json.dump(_worker(args), sys.stdout)
        return 0

    import sectortag
    from sectortag._model.modelio import read_meta, shipped_model_path

    env = environment("benchmarks.speed")
    env["load_start"] = load_average()
    started = time.perf_counter()
    model_path = str(shipped_model_path())
    meta = read_meta(model_path)
    pool = paragraph_pool()
    results: dict = {"n": args.n, "pool": len(pool), "shipped_model": {
        "path": str(Path(model_path).relative_to(REPO)) if Path(model_path).is_relative_to(REPO) else model_path,
        "bytes": os.path.getsize(model_path), "n_features": meta["n_features"], "labels": meta["labels"],
        "training_examples": meta["training"]["n_examples"]}}
    with tempfile.TemporaryDirectory(prefix="sectortag-speed-") as tmp:
        sk_path = os.path.join(tmp, "pipeline.joblib")
        _log("fitting the scikit-learn pipeline on seeds + corpus")
        results["sklearn_model"] = fit_sklearn(sk_path)
        results["sklearn_model"]["bytes"] = os.path.getsize(sk_path)
        script = os.path.join(tmp, "sklearn_tag.py")
        Path(script).write_text(_SKLEARN_SCRIPT, encoding="utf-8")

        for system, path in (("sectortag", None), ("sklearn", sk_path)):
            results[system] = {what: _run_worker(system, what, path, args) for what in ("batch", "latency", "parallel")}

        _log("fresh-process latency")
        fresh = results["fresh_process"] = {}
        fresh["python -m sectortag tag TEXT"] = _fresh([sys.executable, "-m", "sectortag", "tag", SENTENCE], args.cli_runs, '"labels"')
        for label, script_path in _entry_points().items():
            fresh[label.replace("sectortag", "sectortag tag TEXT", 1)] = _fresh([script_path, "tag", SENTENCE], args.cli_runs, '"labels"')
        fresh["sklearn: python script.py TEXT (joblib.load + predict)"] = _fresh([sys.executable, script, sk_path, SENTENCE], args.cli_runs, '"labels"')
        fresh["floor: python -c pass"] = _fresh([sys.executable, "-c", "pass"], args.cli_runs)
        fresh["floor: python -c 'import numpy'"] = _fresh([sys.executable, "-c", "import numpy"], args.cli_runs)
        fresh["floor: python -c 'import sklearn'"] = _fresh([sys.executable, "-c", "import sklearn"], args.cli_runs)
    env["load_end"] = load_average()
    results["runtime_seconds"] = time.perf_counter() - started

    st, sk = results["sectortag"], results["sklearn"]
    throughput = st["batch"]["predict"]["per_second"]
    cli = fresh["python -m sectortag tag TEXT"]["median_seconds"]
    targets = [
        {"target": "one-process throughput >= 20,000 paragraphs/s", "value": throughput, "goal": 20_000,
         "met": throughput >= 20_000, "margin": throughput - 20_000},
        {"target": "one-process throughput >= scikit-learn pipeline", "value": throughput,
         "goal": sk["batch"]["predict"]["per_second"], "met": throughput >= sk["batch"]["predict"]["per_second"],
         "margin": throughput - sk["batch"]["predict"]["per_second"]},
        {"target": "fresh-process `python -m sectortag tag TEXT` <= 0.5 s (median)", "value": cli, "goal": 0.5,
         "met": cli <= 0.5, "margin": 0.5 - cli},
    ]
    for label, figures in fresh.items():
        if label.startswith("sectortag tag TEXT"):
            targets.append({"target": f"fresh-process `{label}` <= 0.5 s (median)", "value": figures["median_seconds"],
                            "goal": 0.5, "met": figures["median_seconds"] <= 0.5, "margin": 0.5 - figures["median_seconds"]})
    payload = {**env, "benchmark": "speed", "sentence": SENTENCE, "targets": targets, "results": results}
    md, js = write_report("speed", _markdown(env, results, targets, sectortag.__version__), payload)
    for t in targets:
        _log(f"{t['target']}: {t['value']:,.3f} ({'met' if t['met'] else 'MISSED'})")
    _log(f"wrote {md} and {js} in {results['runtime_seconds']:.0f} s")
    return 0


def _markdown(env: dict, r: dict, targets: list[dict], version: str) -> str:
    from tabulate import tabulate

    st, sk, fresh = r["sectortag"], r["sklearn"], r["fresh_process"]
    skm = r["sklearn_model"]
    data = (f"{r['n']:,} paragraphs resampled (with replacement, seed 0) from the {r['pool']:,} paragraphs of "
            f"datasets/corpus/*.jsonl, datasets/seed_paragraphs.jsonl and datasets/seeds/*.txt "
            f"(mean {st['batch']['chars_per_paragraph']:.0f} characters)")
    parts = [header_markdown(env, "Speed: tagging throughput, latency, start-up, size, memory", data)]
    parts.append(f"- load average at start / end: {env['load_start']} / {env['load_end']} (1, 5, 15 min); "
                 f"{env['machine']['cores']} cores shared with other work, so absolute figures are noisy; "
                 "ratios come from the same run")
    parts.append(f"- sectortag: the shipped model `{r['shipped_model']['path']}` ({r['shipped_model']['training_examples']} "
                 f"training examples, {r['shipped_model']['n_features']:,} features, {len(r['shipped_model']['labels'])} labels)")
    parts.append(f"- scikit-learn: `TfidfVectorizer()` + `OneVsRestClassifier(LogisticRegression())`, defaults, fitted on "
                 f"{skm['examples']:,} examples ({', '.join(skm['files'])}) in {skm['fit_seconds']:.1f} s; "
                 f"{skm['n_features']:,} features; saved with `joblib.dump`")
    parts.append("- every figure below comes from a fresh child process per system and measurement; "
                 "ratio = how many times better sectortag is (>1 = sectortag better)\n")

    parts.append("## Targets\n")
    parts.append(tabulate([[t["target"], f"{t['value']:,.3f}", "met" if t["met"] else "MISSED", f"{t['margin']:+,.3f}"]
                           for t in targets], headers=["target", "value", "", "margin"], tablefmt="github",
                          disable_numparse=True))

    def row(name, a, b, fmt, higher_better):
        ratio = _ratio(a, b) if higher_better else _ratio(b, a)
        return [name, format(a, fmt), format(b, fmt), f"{ratio:.2f}x"]

    stb, skb = st["batch"], sk["batch"]
    rows = [
        row("batch predict (labels), one process, paragraphs/s", stb["predict"]["per_second"], skb["predict"]["per_second"], ",.0f", True),
        row("batch predict_proba, one process, paragraphs/s", stb["predict_proba"]["per_second"], skb["predict_proba"]["per_second"], ",.0f", True),
        row(f"batch predict, all {st['parallel']['parallel']['jobs']} cores (joblib loky, warm pool), paragraphs/s",
            st["parallel"]["parallel"]["per_second"], sk["parallel"]["parallel"]["per_second"], ",.0f", True),
        row("  same, first call incl. starting workers and loading, paragraphs/s",
            st["parallel"]["parallel"]["cold_per_second"], sk["parallel"]["parallel"]["cold_per_second"], ",.0f", True),
        row("single paragraph in process, median ms (tag() / predict([text]))", st["latency"]["latency"]["median_ms"], sk["latency"]["latency"]["median_ms"], ".3f", False),
        row("single paragraph in process, p95 ms", st["latency"]["latency"]["p95_ms"], sk["latency"]["latency"]["p95_ms"], ".3f", False),
        row("import time in a fresh process, s (sectortag / sklearn+joblib)", stb["import_seconds"], skb["import_seconds"], ".3f", False),
        row("model load, first in process, s", stb["first_load_seconds"], skb["first_load_seconds"], ".4f", False),
        row("model load, median of 5 more, s", stb["load_seconds"], skb["load_seconds"], ".4f", False),
        row("model size on disk, KiB", r["shipped_model"]["bytes"] / 1024, skm["bytes"] / 1024, ",.0f", False),
        row(f"peak RSS of the batch process ({r['n']:,} paragraphs), MiB", stb["peak_rss_mib"], skb["peak_rss_mib"], ",.0f", False),
    ]
    st_fresh = fresh["python -m sectortag tag TEXT"]
    sk_fresh = fresh["sklearn: python script.py TEXT (joblib.load + predict)"]
    rows.append(row("fresh process, tag one sentence, median s (`python -m sectortag tag` / script)",
                    st_fresh["median_seconds"], sk_fresh["median_seconds"], ".3f", False))
    rows.append(row("fresh process, peak RSS, MiB", st_fresh["peak_rss_mib"], sk_fresh["peak_rss_mib"], ",.0f", False))
    parts.append("\n## sectortag next to scikit-learn\n")
    parts.append(tabulate(rows, headers=["measure", f"sectortag {version}", "scikit-learn pipeline", "ratio"], tablefmt="github",
                          disable_numparse=True))

    parts.append("\n## Fresh-process start-up\n")
    parts.append(f"Each command run {st_fresh['runs']} times after one untimed run, as a new process, tagging one sentence: "
                 f"\"{SENTENCE}\"\n")
    parts.append(tabulate([[f"`{k}`", f"{v['median_seconds']:.3f}", f"{v['min_seconds']:.3f}", f"{v['p90_seconds']:.3f}",
                            f"{v['median_cpu_seconds']:.3f}", f"{v['peak_rss_mib']:.0f}"] for k, v in fresh.items()],
                          headers=["command", "median s", "min s", "p90 s", "median CPU s", "peak MiB"], tablefmt="github", disable_numparse=True))

    parts.append("\n## Raw timings\n")
    raw = []
    for name, sys_r in (("sectortag", st), ("sklearn", sk)):
        b = sys_r["batch"]
        raw.append([name, "predict", ", ".join(f"{s:.3f}" for s in b["predict"]["seconds"])])
        raw.append([name, "predict_proba", ", ".join(f"{s:.3f}" for s in b["predict_proba"]["seconds"])])
        p = sys_r["parallel"]["parallel"]
        raw.append([name, f"parallel ({p['chunks']} chunks)", f"cold {p['cold_seconds']:.3f}; " + ", ".join(f"{s:.3f}" for s in p["seconds"])])
        raw.append([name, "latency max ms", f"{sys_r['latency']['latency']['max_ms']:.2f}"])
    parts.append(tabulate(raw, headers=["system", "what", f"seconds per pass over {r['n']:,} paragraphs"], tablefmt="github",
                          disable_numparse=True))
    return "\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
