"""The HTML document view: render time of a 50-paragraph document, size of a 5,000-paragraph one.

    python -m benchmarks.htmlview [--repeat 5]

Documents are made of the corpus's paragraphs (``datasets/corpus/*.jsonl``,
English, French and Italian, in file order, cycled when more are needed),
separated by blank lines. Measured:

- ``sectortag.render_html([doc], tagger, explain=True)`` on 50 paragraphs,
  in process, the model loaded (median of ``--repeat`` runs; the first run,
  which warms caches, is reported apart);
- ``sectortag tag --format html --explain --out PAGE --file DOC`` on the same
  document in a fresh process (start-up and model load included);
- the same command on 5,000 paragraphs, with and without ``--explain``:
  wall time, peak memory and the size of the page.

Targets (issue 12): 50 paragraphs with ``--explain`` render in under 1 s;
5,000 paragraphs give under 10 MB of HTML. Writes
``benchmarks/results/htmlview.md``, ``.json`` and ``.html``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sectortag

from ._common import DATASETS, environment, header_markdown, load_average, run_measured, write_report

TARGET_SECONDS = 1.0
TARGET_BYTES = 10 * 1000 * 1000


def corpus_paragraphs() -> list[str]:
    """Every corpus paragraph's text, in file order."""
    texts = []
    for path in sorted(DATASETS.glob("corpus/*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


def document(paragraphs: list[str], n: int) -> str:
    """``n`` paragraphs (cycled), one per blank-line block."""
    return "\n\n".join(" ".join(text.split()) for text in itertools.islice(itertools.cycle(paragraphs), n))


def _cli(doc_path: Path, page: Path, explain: bool) -> dict:
    cmd = [sys.executable, "-m", "sectortag", "tag", "--format", "html", "--no-progress", "--out", str(page), "--file", str(doc_path)]
    run = run_measured(cmd + (["--explain"] if explain else []))
    if run["returncode"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {run['stderr']}")
    html = page.read_text(encoding="utf-8")
    return {"seconds": run["seconds"], "cpu_seconds": run["cpu_seconds"], "peak_rss_mib": run["peak_rss_mib"], "bytes": len(html.encode("utf-8")),
            "paragraph_items": html.count('<li class="p')}


def _writer_seconds(tagger, text: str, explain: bool) -> float:
    """Seconds the HtmlWriter takes to render rows already tagged (and explained): the page's own cost."""
    from sectortag._cli.tag import tag_inputs
    from sectortag._io.html import html_writer

    rows = tag_inputs(tagger, [("doc", text)], explain=explain)
    start = time.perf_counter()
    writer = html_writer(tagger, explain=explain, top=5)
    writer.write(rows)
    writer.render()
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.htmlview", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="in-process renders of the 50-paragraph document (default: 5)")
    args = parser.parse_args(argv)
    env = environment("benchmarks.htmlview")
    loadavg_start = load_average()
    paragraphs = corpus_paragraphs()
    tagger = sectortag.load()
    small, large = document(paragraphs, 50), document(paragraphs, 5000)
    assert len(sectortag.split_paragraphs(small)) == 50 and len(sectortag.split_paragraphs(large)) == 5000

    seconds, cpu = [], []
    for _ in range(args.repeat + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        html = sectortag.render_html([small], tagger, explain=True)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    in_process = {"first": seconds[0], "median": statistics.median(seconds[1:]), "runs": seconds[1:],
                  "cpu_median": statistics.median(cpu[1:]), "bytes": len(html.encode("utf-8"))}
    writer_only = {"50_explain": _writer_seconds(tagger, small, True), "5000_plain": _writer_seconds(tagger, large, False)}
    with tempfile.TemporaryDirectory(prefix="sectortag-html-") as tmp:
        folder = Path(tmp)
        (folder / "small.txt").write_text(small, encoding="utf-8")
        (folder / "large.txt").write_text(large, encoding="utf-8")
        cli_small = _cli(folder / "small.txt", folder / "small.html", True)
        cli_large = {"explain": _cli(folder / "large.txt", folder / "large.html", True),
                     "plain": _cli(folder / "large.txt", folder / "large-plain.html", False)}
    for run in (cli_small, *cli_large.values()):
        assert run["paragraph_items"] in (50, 5000), run

    largest = max(run["bytes"] for run in cli_large.values())
    targets = [
        {"target": "50 paragraphs with --explain render in under 1 s (render_html, in process, median)",
         "goal": TARGET_SECONDS, "measured": in_process["median"], "met": in_process["median"] < TARGET_SECONDS},
        {"target": "50 paragraphs with --explain: the whole command in a fresh process, start-up included",
         "goal": TARGET_SECONDS, "measured": cli_small["seconds"], "met": cli_small["seconds"] < TARGET_SECONDS},
        {"target": "5,000 paragraphs give under 10 MB of HTML (with --explain, the larger)",
         "goal": TARGET_BYTES, "measured": largest, "met": largest < TARGET_BYTES},
    ]
    payload = {"environment": env, "loadavg": {"start": loadavg_start, "end": load_average()},
               "data": {"corpus_paragraphs": len(paragraphs), "small_characters": len(small), "large_characters": len(large)},
               "render_html_50": in_process, "writer_only_seconds": writer_only, "cli_50_explain": cli_small, "cli_5000": cli_large, "targets": targets}

    def mb(n: int) -> str:
        return f"{n / 1e6:.2f} MB"

    lines = [header_markdown(env, "HTML document view: render time and page size",
                             f"datasets/corpus/*.jsonl paragraphs ({len(paragraphs)}), cycled into documents of 50 "
                             f"({len(small):,} characters) and 5,000 ({len(large):,} characters) paragraphs"),
             f"- load average: {loadavg_start} at start, {load_average()} at end", "", "## Targets", "",
             "| target | goal | measured | status |", "|---|---|---|---|"]
    for t in targets:
        goal = f"< {t['goal']:.1f} s" if t["goal"] == TARGET_SECONDS else f"< {mb(t['goal'])}"
        measured = f"{t['measured']:.3f} s" if t["goal"] == TARGET_SECONDS else mb(t["measured"])
        lines.append(f"| {t['target']} | {goal} | {measured} | {'met' if t['met'] else 'missed'} |")
    lines += ["", "## Runs", "", "| what | wall time | CPU time | peak RSS | page size |", "|---|---:|---:|---:|---:|",
              f"| `render_html(explain=True)`, 50 paragraphs, median of {args.repeat} (first run {in_process['first']:.3f} s) "
              f"| {in_process['median']:.3f} s | {in_process['cpu_median']:.3f} s | - | {mb(in_process['bytes'])} |"]
    for name, run in (("50 paragraphs, --explain", cli_small), ("5,000 paragraphs, --explain", cli_large["explain"]),
                      ("5,000 paragraphs, no --explain", cli_large["plain"])):
        lines.append(f"| `sectortag tag --format html` {name} | {run['seconds']:.2f} s | {run['cpu_seconds']:.2f} s | "
                     f"{run['peak_rss_mib']:.0f} MiB | "
                     f"{mb(run['bytes'])} |")
    lines += ["", f"The page itself (HtmlWriter on rows already tagged) takes {writer_only['50_explain'] * 1000:.0f} ms "
              f"for the 50 explained paragraphs and {writer_only['5000_plain'] * 1000:.0f} ms for the 5,000 without "
              "--explain; the rest of the time with `--explain` goes to `SectorTagger.explain`, one call per paragraph. "
              "Every page was checked to hold one item per paragraph."]
    md_path, json_path = write_report("htmlview", "\n".join(lines), payload)
    sys.stderr.write(f"wrote {md_path} and {json_path}\n")
    for t in targets:
        sys.stderr.write(f"  {t['target']}: {t['measured']:.3f} ({'met' if t['met'] else 'missed'})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
