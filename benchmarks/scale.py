"""Tagging large inputs through the CLI: time, paragraphs/s and peak memory at 10k, 100k and 1M paragraphs.

    python -m benchmarks.scale [--sizes 10000,100000,1000000] [--jobs 1,2] [--keep DIR]
    python -m benchmarks.scale --cluster [--cluster-size 1000000] [--workers 1,2] [--partition-rows 50000]
    python -m benchmarks.scale --frame [--frame-size 100000]

``--cluster`` writes ``results/scale_cluster.md``: 1M paragraphs in one
Parquet file (row groups of ``--partition-rows``), tagged by the
single-process CLI (``--out out.parquet``) and by ``--scheduler local:N``
for each N of ``--workers`` (``--out DIR``, one part per row group), each
in its own child process: time, rows/s, the speed-up over one process,
peak memory of the whole process tree and of each worker, start-up, and
the scheduler's overhead per partition (wall time of the tagging phase
times the workers, less the time spent inside parts, per part). Every
output's ids are checked against the input's: each once, in order.

For each size, paragraphs resampled (with replacement, seed 0) from the
project's data (the same pool as ``benchmarks.speed``) are written to a
temporary folder in two forms:

- JSON Lines, one record ``{"id": ..., "text": ...}`` a line, tagged with
  ``python -m sectortag tag --file in.jsonl --jsonl --out out.jsonl``;
- plain text, paragraphs separated by a blank line, tagged with
  ``python -m sectortag tag --file in.txt --input-format text --out out.jsonl``.

Each run is one child process: its wall time, CPU time and peak resident
memory (``ru_maxrss``) are reported, with the number of rows written and
the input and output sizes. Time should grow linearly with the input and
memory should stay flat (the CLI reads, tags and writes in batches).
The generated files are deleted after each size unless ``--keep`` is given.

Each input is tagged once per ``--jobs`` value (``sectortag tag --jobs N``).
For comparison, a child process reads the same JSON Lines paragraphs and
times ``tagger.predict`` alone over them, in 4,096-paragraph batches: the
in-process rate the CLI's reading, splitting and writing are measured
against.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time

from ._common import environment, header_markdown, load_average, run_measured, target, targets_markdown, write_report
from .speed import paragraph_pool, resample

FORMATS = {
    "jsonl": ("in.jsonl", ["--jsonl"]),
    "text": ("in.txt", ["--input-format", "text"]),
}


def _log(message: str) -> None:
    sys.stderr.write(f"[scale {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def _clean(text: str) -> str:
    """One paragraph for the plain-text file: inner blank lines would split it, so collapse them."""
    return "\n".join(line for line in text.splitlines() if line.strip()).strip()


def write_inputs(texts: list[str], folder: str) -> dict[str, str]:
    paths = {}
    path = paths["jsonl"] = os.path.join(folder, FORMATS["jsonl"][0])
    with open(path, "w", encoding="utf-8") as handle:
        for i, text in enumerate(texts):
            handle.write(json.dumps({"id": f"p{i:07d}", "text": text}, ensure_ascii=False) + "\n")
    path = paths["text"] = os.path.join(folder, FORMATS["text"][0])
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n\n".join(_clean(t) for t in texts) + "\n")
    return paths


def _count_lines(path: str) -> int:
    count = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 24), b""):
            count += block.count(b"\n")
    return count


def in_process_rate(path: str) -> dict:
    """``tagger.predict`` over the paragraphs of a JSON Lines file, in a child process: paragraphs/s."""
    code = (
        "import json, sys, time\n"
        "import sectortag\n"
        "tagger = sectortag.load()\n"
        "texts = [json.loads(line)['text'] for line in open(sys.argv[1], encoding='utf-8')]\n"
        "tagger.predict(texts[:4096])\n"
        "start = time.perf_counter()\n"
        "for i in range(0, len(texts), 4096):\n"
        "    tagger.predict(texts[i:i + 4096])\n"
        "print(json.dumps({'seconds': time.perf_counter() - start, 'n': len(texts)}))\n"
    )
    run = run_measured([sys.executable, "-c", code, path], cwd=tempfile.gettempdir())
    if run["returncode"] != 0:
        raise SystemExit(f"in-process measurement failed:\n{run['stderr'][-2000:]}")
    figures = json.loads(run["stdout"])
    return {"seconds": figures["seconds"], "per_second": figures["n"] / figures["seconds"], "peak_rss_mib": run["peak_rss_mib"]}


def run_size(n: int, pool: list[str], folder: str, formats: list[str], jobs: list[int]) -> tuple[list[dict], dict]:
    texts = resample(pool, n)
    start = time.perf_counter()
    paths = write_inputs(texts, folder)
    _log(f"{n:,}: wrote inputs in {time.perf_counter() - start:.1f} s")
    del texts
    rows = []
    for fmt in formats:
        for job in jobs:
            rows.append(_tag_file(n, fmt, job, paths, folder))
    _log(f"{n:,}: in-process predict")
    inproc = in_process_rate(paths["jsonl"]) if "jsonl" in paths else {}
    if inproc:
        _log(f"{n:,}: in process {inproc['per_second']:,.0f}/s")
    return rows, inproc


def _tag_file(n: int, fmt: str, jobs: int, paths: dict, folder: str) -> dict:
    out = os.path.join(folder, f"out-{fmt}.jsonl")
    options = [*FORMATS[fmt][1], "--jobs", str(jobs)]
    cmd = [sys.executable, "-m", "sectortag", "tag", "--file", paths[fmt], *options, "--out", out]
    _log(f"{n:,} {fmt} --jobs {jobs}: tagging")
    run = run_measured(cmd, cwd=tempfile.gettempdir())
    if run["returncode"] != 0:
        raise SystemExit(f"sectortag tag failed on {n:,} paragraphs ({fmt}):\n{run['stderr'][-2000:]}")
    written = _count_lines(out)
    row = {
        "paragraphs": n, "input": fmt, "jobs": jobs, "seconds": run["seconds"], "cpu_seconds": run["cpu_seconds"],
        "per_second": n / run["seconds"], "peak_rss_mib": run["peak_rss_mib"], "rows_written": written,
        "input_mib": os.path.getsize(paths[fmt]) / 2**20, "output_mib": os.path.getsize(out) / 2**20,
        "progress_lines": len([line for line in run["stderr"].splitlines() if "paragraphs tagged" in line]),
        "last_stderr_line": (run["stderr"].strip().splitlines() or [""])[-1],
        "command": " ".join(["python", "-m", "sectortag", "tag", "--file", FORMATS[fmt][0], *options, "--out", f"out-{fmt}.jsonl"]),
    }
    _log(f"{n:,} {fmt} --jobs {jobs}: {row['seconds']:.1f} s, {row['per_second']:,.0f}/s, peak {row['peak_rss_mib']:.0f} MiB, "
         f"{written:,} rows")
    os.unlink(out)
    return row


def _targets(rows: list[dict], inproc: dict) -> list[dict]:
    """CLI >= 80% of the in-process rate, --jobs 2 >= 1.6x --jobs 1, and flat memory, at the largest size."""
    targets = []
    largest = max(r["paragraphs"] for r in rows)
    one = {r["input"]: r for r in rows if r["paragraphs"] == largest and r["jobs"] == 1}
    two = {r["input"]: r for r in rows if r["paragraphs"] == largest and r["jobs"] == 2}
    if "jsonl" in one and largest in inproc:
        share = one["jsonl"]["per_second"] / inproc[largest]["per_second"]
        targets.append(target(f"CLI streaming (jsonl, {largest:,}) >= 80% of in-process predict", share, 0.8))
    for fmt in sorted(set(one) & set(two)):
        targets.append(target(f"--jobs 2 >= 1.6x --jobs 1 ({fmt}, {largest:,})", one[fmt]["seconds"] / two[fmt]["seconds"], 1.6))
    for fmt in sorted(one):
        small = min((r for r in rows if r["input"] == fmt and r["jobs"] == 1), key=lambda r: r["paragraphs"])
        targets.append(target(f"flat memory: peak RSS at {largest:,} <= 1.25x at {small['paragraphs']:,} ({fmt})",
                              one[fmt]["peak_rss_mib"] / small["peak_rss_mib"], 1.25, higher_better=False))
    return targets


def _markdown(env: dict, rows: list[dict], inproc: dict, targets: list[dict], pool: int, checks: list[str]) -> str:
    from tabulate import tabulate

    data = (f"paragraphs resampled (with replacement, seed 0) from the {pool:,} paragraphs of datasets/corpus/*.jsonl, "
            "datasets/seed_paragraphs.jsonl and datasets/seeds/*.txt; written to a temporary folder")
    parts = [header_markdown(env, "Scale: tagging 10k to 1M paragraphs through the CLI", data)]
    parts.append(f"- load average at start / end: {env['load_start']} / {env['load_end']} (1, 5, 15 min); "
                 f"{env['machine']['cores']} cores shared with other work, so wall times are noisy (CPU time is less so)")
    parts.append("- model: the shipped one; each run is one `sectortag tag` child process writing JSON Lines; "
                 "time and peak RSS are that process's (wall clock, `ru_maxrss`; CPU time includes its workers)\n")
    parts.append("## Targets\n")
    parts.append(targets_markdown(targets, ".2f"))
    parts.append("\n## Runs\n")
    table = [[f"{r['paragraphs']:,}", r["input"], str(r["jobs"]), f"{r['input_mib']:.1f}", f"{r['seconds']:.1f}",
              f"{r['cpu_seconds']:.1f}", f"{r['per_second']:,.0f}",
              f"{r['per_second'] / inproc[r['paragraphs']]['per_second']:.0%}" if r["paragraphs"] in inproc else "-",
              f"{r['peak_rss_mib']:.0f}", f"{r['rows_written']:,}", f"{r['output_mib']:.1f}"] for r in rows]
    parts.append(tabulate(table, headers=["paragraphs", "input", "--jobs", "input MiB", "wall s", "CPU s", "paragraphs/s",
                                          "of in-process rate", "peak RSS MiB", "rows written", "output MiB"],
                          tablefmt="github", disable_numparse=True))
    parts.append("\nIn-process `tagger.predict` on the same paragraphs (4,096 a batch, reading excluded): " + "; ".join(
        f"{n:,}: {v['per_second']:,.0f}/s" for n, v in sorted(inproc.items())))
    parts.append("\nCommands (in the temporary folder): " + "; ".join(sorted({f"`{r['command']}`" for r in rows})))
    parts.append("\n## Growth (--jobs 1)\n")
    for fmt in sorted({r["input"] for r in rows}):
        same = sorted((r for r in rows if r["input"] == fmt and r["jobs"] == 1), key=lambda r: r["paragraphs"])
        if len(same) < 2:
            continue
        small, large = same[0], same[-1]
        size_ratio = large["paragraphs"] / small["paragraphs"]
        parts.append(
            f"- {fmt}: {size_ratio:,.0f}x the paragraphs took {large['seconds'] / small['seconds']:.1f}x the wall time "
            f"({large['cpu_seconds'] / small['cpu_seconds']:.1f}x the CPU time; linear would be {size_ratio:,.0f}x) "
            f"and {large['peak_rss_mib'] / small['peak_rss_mib']:.2f}x the peak memory "
            f"({small['peak_rss_mib']:.0f} -> {large['peak_rss_mib']:.0f} MiB); the extra "
            f"{large['paragraphs'] - small['paragraphs']:,} paragraphs ran at "
            f"{(large['paragraphs'] - small['paragraphs']) / (large['seconds'] - small['seconds']):,.0f}/s wall "
            "(start-up excluded)")
    if checks:
        parts.append("\n## Problems\n")
        parts.extend(f"- {c}" for c in checks)
    return "\n".join(parts)


_STATS = re.compile(r"(?P<parts>\d+) parts on (?P<workers>\d+) worker\(s\); cluster ready in (?P<ready>[\d.]+) s, "
                    r"tagging (?P<tagging>[\d.]+) s, (?P<busy>[\d.]+) s of it inside parts \(median (?P<median>[\d.]+) s\); "
                    r"peak memory per worker process (?P<peaks>[\d, ]+) MiB")


def _ids(path: str) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=["id"])["id"].to_pylist()


def run_cluster(n: int, pool: list[str], folder: str, workers: list[int], part_rows: int) -> tuple[list[dict], list[str]]:
    """The single-process CLI and --scheduler local:N on ``n`` paragraphs in Parquet; rows and problems."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = resample(pool, n)
    ids = [f"p{i:07d}" for i in range(n)]
    source = os.path.join(folder, "in.parquet")
    pq.write_table(pa.table({"id": ids, "text": texts}), source, row_group_size=part_rows)
    del texts
    runs = [("single process", ["--out", "out.parquet"], "out.parquet")]
    runs += [(f"local:{w}", ["--scheduler", f"local:{w}", "--partition-rows", str(part_rows), "--out", f"out-{w}"], f"out-{w}")
             for w in workers]
    rows, problems = [], []
    for name, options, out in runs:
        cmd = [sys.executable, "-m", "sectortag", "tag", "--file", "in.parquet", *options]
        _log(f"{n:,} parquet, {name}: tagging")
        run = run_measured(cmd, cwd=folder)
        if run["returncode"] != 0:
            raise SystemExit(f"sectortag tag failed ({name}):\n{run['stderr'][-2000:]}")
        got = _ids(os.path.join(folder, out))
        row = {"run": name, "paragraphs": n, "seconds": run["seconds"], "cpu_seconds": run["cpu_seconds"],
               "per_second": n / run["seconds"], "peak_rss_mib": run["peak_rss_mib"], "rows_written": len(got),
               "ids_exactly_once_in_order": got == ids,
               "command": " ".join(["python", "-m", "sectortag", "tag", "--file", "in.parquet", *options])}
        stats = _STATS.search(run["stderr"])
        if stats:
            busy, tagging, parts, count = (float(stats["busy"]), float(stats["tagging"]), int(stats["parts"]),
                                           int(stats["workers"]))
            row.update(parts=parts, workers=count, cluster_ready_seconds=float(stats["ready"]), tagging_seconds=tagging,
                       seconds_in_parts=busy, median_part_seconds=float(stats["median"]),
                       worker_peak_rss_mib=[float(v) for v in stats["peaks"].split(",")],
                       overhead_per_part_seconds=(tagging * count - busy) / parts,
                       rows_per_second_in_parts_per_worker=n / busy)
        if not row["ids_exactly_once_in_order"]:
            problems.append(f"{name}: the output's ids are not the input's, each once and in order")
        _log(f"{n:,} parquet, {name}: {row['seconds']:.1f} s, {row['per_second']:,.0f}/s, peak {row['peak_rss_mib']:.0f} MiB")
        rows.append(row)
        target = os.path.join(folder, out)
        if os.path.isdir(target):
            shutil.rmtree(target, ignore_errors=True)
        else:
            os.unlink(target)
    single = rows[0]["seconds"]
    for row in rows:
        row["speedup_over_single_process"] = single / row["seconds"]
    return rows, problems


def _cluster_markdown(env: dict, rows: list[dict], pool: int, part_rows: int, problems: list[str]) -> str:
    from tabulate import tabulate

    n = rows[0]["paragraphs"]
    data = (f"{n:,} paragraphs resampled (with replacement, seed 0) from the {pool:,} paragraphs of the project's data "
            f"(as `benchmarks.speed`), in one Parquet file with columns id and text, row groups of {part_rows:,} rows")
    parts = [header_markdown(env, "Scale on a cluster: 1M paragraphs from Parquet, one process and Dask", data)]
    parts.append(f"- load average at start / end: {env['load_start']} / {env['load_end']} (1, 5, 15 min); "
                 f"{env['machine']['cores']} cores, shared with other work, so wall times are noisy")
    parts.append("- each run is one child process started in the data folder; wall time, CPU time and peak RSS are "
                 "those of its whole process tree (`ru_maxrss` is the largest single process); the worker figures come "
                 "from the run's own report on stderr\n")
    table = []
    for r in rows:
        table.append([r["run"], f"{r['seconds']:.1f}", f"{r['cpu_seconds']:.1f}", f"{r['per_second']:,.0f}",
                      f"{r['speedup_over_single_process']:.2f}x", f"{r['peak_rss_mib']:.0f}",
                      ", ".join(f"{v:.0f}" for v in r.get("worker_peak_rss_mib", [])) or "-",
                      r.get("parts", "-"), f"{r['cluster_ready_seconds']:.1f}" if "parts" in r else "-",
                      f"{r['rows_per_second_in_parts_per_worker']:,.0f}" if "parts" in r else "-",
                      f"{1000 * r['overhead_per_part_seconds']:.0f}" if "parts" in r else "-",
                      f"{r['rows_written']:,}", "yes" if r["ids_exactly_once_in_order"] else "NO"])
    parts.append(tabulate(table, headers=["run", "wall s", "CPU s", "rows/s", "speed-up", "peak RSS MiB",
                                          "worker peak MiB", "parts", "cluster start s", "rows/s per worker in parts",
                                          "overhead ms / part", "rows out", "ids once, in order"],
                          tablefmt="github", disable_numparse=True))
    parts.append("\nCommands (in the data folder): " + "; ".join(f"`{r['command']}`" for r in rows))
    best = max(rows[1:], key=lambda r: r.get("workers", 0), default=None)
    if best is not None:
        ratio = best["speedup_over_single_process"]
        status = "met" if ratio >= 1.5 else f"missed by {1.5 - ratio:.2f}"
        parts.append(f"\n## Target\n\n| target | goal | measured | status |\n|---|---|---|---|\n"
                     f"| `--scheduler {best['run']}` vs the single-process CLI, 1M paragraphs from Parquet | 1.50x | "
                     f"{ratio:.2f}x | {status} |")
    if problems:
        parts.append("\n## Problems\n")
        parts.extend(f"- {p}" for p in problems)
    return "\n".join(parts)


def main_cluster(args) -> int:
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    env = environment("benchmarks.scale")
    env["load_start"] = load_average()
    started = time.perf_counter()
    pool = paragraph_pool()
    folder = args.keep or tempfile.mkdtemp(prefix="sectortag-scale-cluster-")
    os.makedirs(folder, exist_ok=True)
    try:
        rows, problems = run_cluster(args.cluster_size, pool, folder, workers, args.partition_rows)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    env["load_end"] = load_average()
    payload = {**env, "benchmark": "scale_cluster", "runtime_seconds": time.perf_counter() - started,
               "partition_rows": args.partition_rows, "results": rows, "notes": problems}
    md, js = write_report("scale_cluster", _cluster_markdown(env, rows, len(pool), args.partition_rows, problems), payload)
    _log(f"wrote {md} and {js} in {time.perf_counter() - started:.0f} s")
    return 0


def main_frame(args) -> int:
    """``tag_frame`` on a pandas DataFrame next to ``predict`` on the same texts, in this process (median of 3)."""
    import statistics

    import pandas as pd

    import sectortag

    env = environment("benchmarks.scale")
    env["load_start"] = load_average()
    texts = resample(paragraph_pool(), args.frame_size)
    frame = pd.DataFrame({"id": range(len(texts)), "text": texts})
    tagger = sectortag.load()
    tagger.predict(texts[:2000])
    timings: dict[str, list[float]] = {"predict": [], "tag_frame": []}
    for _ in range(3):
        for name, call in (("predict", lambda: tagger.predict(texts)),
                           ("tag_frame", lambda: sectortag.tag_frame(frame, model=tagger))):
            start = time.perf_counter()
            call()
            timings[name].append(time.perf_counter() - start)
    env["load_end"] = load_average()
    medians = {name: statistics.median(values) for name, values in timings.items()}
    ratio = medians["tag_frame"] / medians["predict"]
    status = "met" if ratio <= 1.3 else f"missed by {ratio - 1.3:.2f}"
    data = f"{args.frame_size:,} paragraphs resampled (seed 0) from the project's data, as `benchmarks.speed`"
    markdown = "\n".join([
        header_markdown(env, "tag_frame next to predict", data),
        f"- load average at start / end: {env['load_start']} / {env['load_end']}; medians of 3 passes after a warm-up, "
        "one process, the shipped model\n",
        "| call | median s | paragraphs/s |", "|---|---|---|",
        *(f"| `{'tagger.predict(texts)' if n == 'predict' else 'sectortag.tag_frame(frame, model=tagger)'}` | "
          f"{m:.2f} | {args.frame_size / m:,.0f} |" for n, m in medians.items()),
        "\n| target | goal | measured | status |", "|---|---|---|---|",
        f"| `tag_frame` time / `predict` time on {args.frame_size:,} rows | <= 1.30 | {ratio:.2f} | {status} |",
    ])
    md, js = write_report("frame", markdown, {**env, "benchmark": "frame", "timings": timings, "ratio": ratio})
    _log(f"wrote {md} and {js}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated paragraph counts (default: 10000,100000,1000000)")
    parser.add_argument("--inputs", default="jsonl,text", help="comma-separated: jsonl, text (default: both)")
    parser.add_argument("--frame", action="store_true", help="tag_frame next to predict on --frame-size paragraphs")
    parser.add_argument("--frame-size", type=int, default=100_000, help="paragraphs for --frame (default: 100000)")
    parser.add_argument("--cluster", action="store_true", help="Parquet: the single-process CLI next to --scheduler local:N")
    parser.add_argument("--cluster-size", type=int, default=1_000_000, help="paragraphs for --cluster (default: 1000000)")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts for --cluster (default: 1,2)")
    parser.add_argument("--partition-rows", type=int, default=50_000, help="row group and part size for --cluster (default: 50000)")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to run each input with (default: 1,2)")
    parser.add_argument("--keep", metavar="DIR", help="generate the input files in DIR and keep them")
    args = parser.parse_args(argv)
    if args.cluster:
        return main_cluster(args)
    if args.frame:
        return main_frame(args)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, got {args.sizes!r}")
    formats = [f.strip() for f in args.inputs.split(",") if f.strip()]
    jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
    if any(f not in FORMATS for f in formats):
        parser.error(f"--inputs: choose from {', '.join(FORMATS)}")
    env = environment("benchmarks.scale")
    env["load_start"] = load_average()
    started = time.perf_counter()
    pool = paragraph_pool()
    rows, checks, inproc = [], [], {}
    for n in sizes:
        folder = args.keep and os.path.join(args.keep, str(n)) or tempfile.mkdtemp(prefix=f"sectortag-scale-{n}-")
        os.makedirs(folder, exist_ok=True)
        try:
            size_rows, rate = run_size(n, pool, folder, formats, jobs)
            if rate:
                inproc[n] = rate
            for row in size_rows:
                rows.append(row)
                if row["input"] == "jsonl" and row["rows_written"] != n:
                    checks.append(f"{n:,} jsonl records gave {row['rows_written']:,} output rows")
                if row["input"] == "text" and row["rows_written"] != n:
                    checks.append(f"{n:,} blank-line-separated paragraphs gave {row['rows_written']:,} output rows "
                                  "(the paragraph splitter's own rules; not an error by itself)")
        finally:
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    env["load_end"] = load_average()
    targets = _targets(rows, inproc)
    payload = {**env, "benchmark": "scale", "sizes": sizes, "runtime_seconds": time.perf_counter() - started,
               "targets": targets, "results": rows, "in_process": inproc, "notes": checks}
    md, js = write_report("scale", _markdown(env, rows, inproc, targets, len(pool), checks), payload)
    for t in targets:
        _log(f"{t['target']}: {t['value']:.2f} ({'met' if t['met'] else 'MISSED'})")
    _log(f"wrote {md} and {js} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
