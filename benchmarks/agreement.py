"""Inter-annotator agreement of the round-2 annotation, before adjudication.

    python -m benchmarks.agreement

Reads ``datasets/review/round2-annotation.jsonl`` (one row per original
paragraph: the first annotation, the blind second one, and the final label
set after a third reading of every disagreement) and writes
``benchmarks/results/agreement.md`` and ``.json``: per label, Cohen's kappa
and F1 between the two passes (the second scored against the first), with
micro-F1, exact agreement of label sets and how adjudication moved the labels.
"""

from __future__ import annotations

import json
import sys

from sectortag import SECTORS

from ._common import DATASETS, environment, header_markdown, write_report

REVIEW = DATASETS / "review" / "round2-annotation.jsonl"


def cohen_kappa(first: list[bool], second: list[bool]) -> float:
    """Cohen's kappa of two binary annotations of the same items."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second)) / n
    p1, p2 = sum(first) / n, sum(second) / n
    expected = p1 * p2 + (1 - p1) * (1 - p2)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def agreement(rows: list[dict]) -> dict:
    """Per-label kappa and F1 between ``first`` and ``second``, micro-F1 and exact set agreement."""
    labels, tp_all, fp_all, fn_all = {}, 0, 0, 0
    for label in SECTORS:
        first = [label in r["first"] for r in rows]
        second = [label in r["second"] for r in rows]
        final = [label in r["final"] for r in rows]
        tp = sum(a and b for a, b in zip(first, second))
        fp, fn = sum(second) - tp, sum(first) - tp
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        labels[label] = {
            "kappa": cohen_kappa(first, second),
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0,
            "first": sum(first), "second": sum(second), "final": sum(final),
            "final_from_first": sum(a == c for a, c in zip(first, final)) / len(rows),
        }
    return {
        "paragraphs": len(rows),
        "labels": labels,
        "micro_f1": 2 * tp_all / (2 * tp_all + fp_all + fn_all),
        "exact_sets": sum(set(r["first"]) == set(r["second"]) for r in rows) / len(rows),
        "adjudicated": sum(r["adjudicated"] for r in rows),
        "final_equals_first": sum(set(r["final"]) == set(r["first"]) for r in rows if r["adjudicated"]),
        "final_equals_second": sum(set(r["final"]) == set(r["second"]) for r in rows if r["adjudicated"]),
    }


def render_markdown(payload: dict) -> str:
    from tabulate import tabulate

    lines = [header_markdown(payload["environment"], "Annotation agreement (round 2, before adjudication)",
                             f"{REVIEW.relative_to(DATASETS.parent)}: {payload['all']['paragraphs']} original paragraphs")]
    rows = []
    for part, result in payload["parts"].items():
        rows.append([part, result["paragraphs"], result["micro_f1"], result["exact_sets"], result["adjudicated"]])
    lines += ["", tabulate(rows, headers=["paragraphs", "n", "micro-F1", "identical label sets", "adjudicated"],
                           floatfmt=".3f", tablefmt="github"), ""]
    result = payload["all"]
    rows = [[label, m["kappa"], m["f1"], m["first"], m["second"], m["final"]] for label, m in result["labels"].items()]
    lines += ["Per label, all paragraphs (second annotation scored against the first):", "",
              tabulate(rows, headers=["label", "Cohen's kappa", "F1", "first pass", "second pass", "after adjudication"],
                       floatfmt=".3f", tablefmt="github"), "",
              f"Adjudication (a third reading against the codebook, the two label sets shown in random order without "
              f"saying whose): {result['adjudicated']} paragraphs; the decision equals the first annotation in "
              f"{result['final_equals_first']}, the second in {result['final_equals_second']}, neither in "
              f"{result['adjudicated'] - result['final_equals_first'] - result['final_equals_second']}.", ""]
    return "\n".join(lines)


def main() -> int:
    rows = [json.loads(line) for line in REVIEW.open(encoding="utf-8") if line.strip()]
    parts = {
        "corpus (round 1 documents)": [r for r in rows if not r["id"].startswith(("nd", "seed-"))],
        "new documents (round 2)": [r for r in rows if r["id"].startswith("nd")],
        "seed paragraphs": [r for r in rows if r["id"].startswith("seed-")],
    }
    payload = {"environment": environment("benchmarks.agreement"),
               "parts": {name: agreement(part) for name, part in parts.items() if part}, "all": agreement(rows)}
    md, js = write_report("agreement", render_markdown(payload), payload)
    sys.stderr.write(f"wrote {md} and {js}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
