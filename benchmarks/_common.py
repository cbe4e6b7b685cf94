"""What every benchmark report carries: machine, versions, command, date; and how it is written."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import resource
import sys
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
DATASETS = REPO / "datasets"
SHARED_DATA = REPO.parent / "shared" / "data"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        return round(pages / 2**30, 1)
    except (ValueError, OSError):
        return None


def environment(module: str) -> dict:
    """Machine, library versions, date and the command (``python -m <module> ...``) for the report header."""
    import numpy
    import scipy

    import sectortag

    versions = {"python": platform.python_version(), "sectortag": sectortag.__version__,
                "numpy": numpy.__version__, "scipy": scipy.__version__}
    try:
        import sklearn

        versions["scikit_learn"] = sklearn.__version__
    except ImportError:
        pass
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(["python -m", module, *sys.argv[1:]]),
        "machine": {"cpu": _cpu_model(), "cores": os.cpu_count(), "memory_gib": _memory_gib(),
                    "os": f"{platform.system()} {platform.release()}"},
        "versions": versions,
    }


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def header_markdown(env: dict, title: str, data: str) -> str:
    """The lines that open every markdown report."""
    m, v = env["machine"], env["versions"]
    return "\n".join([
        f"# {title}",
        "",
        f"- date: {env['date']}",
        f"- command: `{env['command']}`",
        f"- data: {data}",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}",
        "- versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        "",
    ])


def write_report(name: str, markdown: str, payload: dict, *, figures: str = "") -> tuple[Path, Path]:
    """Write ``benchmarks/results/<name>.md``, ``<name>.json`` and ``<name>.html``; returns the first two paths.

    The HTML page is the markdown report as HTML, with ``figures`` (HTML,
    e.g. from ``sectortag._eval.htmlreport.evaluation_figures``) after it.
    """
    from sectortag._eval.htmlreport import report_page

    RESULTS.mkdir(parents=True, exist_ok=True)
    md_path, json_path = RESULTS / f"{name}.md", RESULTS / f"{name}.json"
    md_path.write_text(markdown.rstrip() + "\n", encoding="utf-8")
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    title, body = markdown_html(markdown)
    (RESULTS / f"{name}.html").write_text(report_page(title or name, body + figures), encoding="utf-8")
    return md_path, json_path


_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*")


def _inline(text: str) -> str:
    """Escaped text with `code` and **bold** marked up."""
    parts, last = [], 0
    for match in _INLINE.finditer(text):
        parts.append(escape(text[last : match.start()]))
        code, bold = match.groups()
        parts.append(f"<code>{escape(code)}</code>" if code is not None else f"<strong>{escape(bold)}</strong>")
        last = match.end()
    return "".join(parts) + escape(text[last:])


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def markdown_html(markdown: str) -> tuple[str, str]:
    """(title, body) of the markdown the benchmarks write: headings, tables, lists, code blocks, paragraphs.

    The first ``# `` heading is the title. Every piece of text is escaped.
    """
    title, html, lines, i = "", [], markdown.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), len(lines))
            html.append(f"<pre>{escape(chr(10).join(lines[i + 1 : end]))}</pre>")
            i = end + 1
        elif line.startswith("#"):
            level = min(len(line) - len(line.lstrip("#")), 6)
            text = line.lstrip("#").strip()
            if level == 1 and not title:
                title = text
            else:
                html.append(f"<h{level}>{_inline(text)}</h{level}>")
            i += 1
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not set(lines[i]) <= set("|-: "):
                    rows.append(_cells(lines[i]))
                i += 1
            head, *body = rows
            html.append("<table><thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head) + "</tr></thead><tbody>"
                        + "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in body)
                        + "</tbody></table>")
        elif line.lstrip().startswith(("- ", "* ")):
            items = []
            while i < len(lines) and (lines[i].lstrip().startswith(("- ", "* ")) or (items and lines[i].startswith("  "))):
                if lines[i].lstrip().startswith(("- ", "* ")):
                    items.append(lines[i].lstrip()[2:])
                else:
                    items[-1] += " " + lines[i].strip()
                i += 1
            html.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
        elif not line.strip():
            i += 1
        else:
            paragraph = []
            while i < len(lines) and lines[i].strip() and not lines[i].startswith(("#", "|", "```", "- ", "* ")):
                paragraph.append(lines[i].strip())
                i += 1
            html.append(f"<p>{_inline(' '.join(paragraph))}</p>")
    return title, "\n".join(html)


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages, to judge how busy the machine was."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


_LAUNCHER = """\
import os, sys, time
report, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
with open(report, "w") as handle:
    handle.write(f"{seconds!r} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime!r} {code}")
sys.exit(code if 0 <= code < 256 else 1)
"""


def run_measured(cmd: list[str], *, stdin: str | None = None, cwd: str | os.PathLike | None = None,
                 env: dict | None = None) -> dict:
    """Run ``cmd`` as a child process; its exit code, output, wall time, CPU time and peak memory.

    Peak memory is the child's maximum resident set size (``ru_maxrss`` from
    ``wait4``, which also covers processes the child waited for). Linux
    carries a parent's high-water mark into a forked child across ``exec``,
    so the command is started from a minimal launcher interpreter (``python
    -I -S``, ~10 MiB), not forked from this (possibly large) process: the
    figure is then the command's own, and the wall time is taken around the
    command alone, launcher start-up excluded.
    """
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sectortag-run-") as tmp:
        report = os.path.join(tmp, "usage")
        proc = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _LAUNCHER, report, *map(str, cmd)],
            input=(stdin or "").encode("utf-8"), capture_output=True, cwd=cwd, env=env,
        )
        try:
            with open(report) as handle:
                seconds, maxrss, cpu, code = handle.read().split()
        except (OSError, ValueError):
            raise RuntimeError(f"could not run {cmd!r}: {proc.stderr.decode('utf-8', 'replace')}") from None
    return {
        "returncode": int(code),
        "seconds": float(seconds),
        "peak_rss_mib": int(maxrss) / 1024,
        "cpu_seconds": float(cpu),
        "stdout": proc.stdout.decode("utf-8", "replace"),
        "stderr": proc.stderr.decode("utf-8", "replace"),
    }


def target(name: str, value: float, goal: float, *, higher_better: bool = True) -> dict:
    """A target row of a report: met when ``value`` reaches ``goal``; margin > 0 means room to spare."""
    met = value >= goal if higher_better else value <= goal
    return {"target": name, "value": value, "goal": goal, "met": met, "margin": value - goal if higher_better else goal - value}


def targets_markdown(targets: list[dict], number: str = ".2f") -> str:
    """The "Targets" table of a report: goal, measured value, met or MISSED, signed margin."""
    from tabulate import tabulate

    rows = [[t["target"], format(t["goal"], number), format(t["value"], number), "met" if t["met"] else "MISSED",
             format(t["margin"], "+" + number)] for t in targets]
    return tabulate(rows, headers=["target", "goal", "measured", "", "margin"], tablefmt="github", disable_numparse=True)
