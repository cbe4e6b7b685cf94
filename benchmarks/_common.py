"""What every benchmark report carries: machine, versions, command, date; and how it is written."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import resource
import sys
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


def write_report(name: str, markdown: str, payload: dict) -> tuple[Path, Path]:
    """Write ``benchmarks/results/<name>.md`` and ``<name>.json``; returns both paths."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    md_path, json_path = RESULTS / f"{name}.md", RESULTS / f"{name}.json"
    md_path.write_text(markdown.rstrip() + "\n", encoding="utf-8")
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return md_path, json_path
