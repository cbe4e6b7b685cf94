"""Tagging large inputs through the CLI: time, paragraphs/s and peak memory at 10k, 100k and 1M paragraphs.

    python -m benchmarks.scale [--sizes 10000,100000,1000000] [--jobs 1,2] [--keep DIR]

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated paragraph counts (default: 10000,100000,1000000)")
    parser.add_argument("--inputs", default="jsonl,text", help="comma-separated: jsonl, text (default: both)")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to run each input with (default: 1,2)")
    parser.add_argument("--keep", metavar="DIR", help="generate the input files in DIR and keep them")
    args = parser.parse_args(argv)
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
