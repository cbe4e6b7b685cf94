"""Write ``models/README.md``, the shipped model's card, from the model file and the benchmark results.

    python -m benchmarks.model_card

Nothing in the card is typed by hand: the training data, settings and
thresholds come from the model file's metadata, the figures from the JSON
reports in ``benchmarks/results/`` (each keeps its own machine, date and
command, repeated here).
"""

from __future__ import annotations

import json

from tabulate import tabulate

from sectortag._model.modelio import read_meta, shipped_model_path

from ._common import REPO, RESULTS

_REPORTS = {
    "accuracy": "Accuracy on the project's data (`python -m benchmarks.accuracy`)",
    "public": "Public benchmarks through `sectortag train --custom-labels` (`python -m benchmarks.public`)",
    "speed": "Speed (`python -m benchmarks.speed`)",
    "scale": "Scale (`python -m benchmarks.scale`)",
}


def _value(row: dict):
    for key in ("measured", "value"):
        if key in row:
            return row[key]
    return None


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
    return "-" if value is None else str(value)


def _targets_table(report: dict) -> str | None:
    targets = report.get("targets")
    if not isinstance(targets, list) or not targets:
        return None
    rows = []
    for row in targets:
        met = row.get("met")
        margin = row.get("margin")
        status = "met" if met else ("missed" if met is False else "-")
        if margin is not None and met is False:
            status += f" by {_fmt(abs(margin))}"
        name, goal = row.get("target", row.get("key")), row.get("goal")
        if not isinstance(name, str):  # public.json: {"dataset", "metric", "target": goal}
            name, goal = f"{row.get('dataset')} {row.get('metric')}", row.get("target")
        rows.append([name, _fmt(goal), _fmt(_value(row)), status])
    return tabulate(rows, headers=["target", "goal", "measured", "status"], tablefmt="github", disable_numparse=True)


def _provenance(report: dict) -> str:
    env = report.get("environment", report)
    machine = env.get("machine", {})
    return (
        f"measured {env.get('date', '?')} by `{env.get('command', '?')}` on {machine.get('cpu', '?')}, "
        f"{machine.get('cores', '?')} cores; full report in `benchmarks/results/`"
    )


def _weakest_on_real_text() -> str:
    """A sentence naming the two sectors with the lowest F1 on the dev set, when the report has it."""
    file = RESULTS / "accuracy.json"
    dev = json.loads(file.read_text(encoding="utf-8")).get("dev") if file.exists() else None
    if not dev:
        return ""
    labels = dev["evaluation"]["overall"]["labels"]
    weakest = sorted(labels, key=lambda label: labels[label]["f1"])[:2]
    return " On real text the weakest sectors are " + " and ".join(
        f"`{label}` (F1 {labels[label]['f1']:.3f}, recall {labels[label]['recall']:.3f})" for label in weakest
    ) + "."


def _real_text() -> list[str]:
    """The dev-set section, from ``benchmarks/results/accuracy.json``."""
    file = RESULTS / "accuracy.json"
    if not file.exists():
        return []
    report = json.loads(file.read_text(encoding="utf-8"))
    dev = report.get("dev")
    if not dev:
        return []
    labels = dev["evaluation"]["overall"]["labels"]
    by_lang = dev["evaluation"]["by_lang"]
    rows = [[label, m["precision"], m["recall"], m["f1"]] + [by_lang[lang]["labels"].get(label, {}).get("f1") for lang in by_lang]
            for label, m in labels.items()]
    overall = dev["evaluation"]["overall"]
    rows.append(["micro", overall["micro"]["precision"], overall["micro"]["recall"], overall["micro"]["f1"]]
                + [by_lang[lang]["micro"]["f1"] for lang in by_lang])
    rows.append(["macro", None, None, overall["macro"]["f1"]] + [by_lang[lang]["macro"]["f1"] for lang in by_lang])
    par = dev["parallel"]
    return [
        "",
        "## On real text it never saw",
        "",
        f"{_provenance(report)}. Trained as shipped (corpus + seed paragraphs) and tested on "
        f"`../shared/data/realtext_dev`: {report['data']['dev']['paragraphs']} real paragraphs (the openings of "
        "ministry releases, joint statements, news of visits, UN and FAO news, religious-diplomacy news and "
        "interviews, in English, French and Italian), never used for training or for choosing settings.",
        "",
        tabulate(rows, headers=["label", "precision", "recall", "F1", *[f"F1 {lang}" for lang in by_lang]],
                 floatfmt=".3f", tablefmt="github", missingval="-"),
        "",
        f"The same paragraphs translated into all three languages ({report['data']['dev']['parallel_rows']} rows): "
        f"{par['share']:.1%} get identical labels in English, French and Italian (pairwise "
        + ", ".join(f"{k} {v:.1%}" for k, v in par["pairwise"].items())
        + "); micro-F1 per language on these rows: "
        + ", ".join(f"{k} {v:.3f}" for k, v in dev["parallel_by_lang_micro"].items())
        + ". The per-language figures in the table above compare different documents; on the same paragraphs "
        "the languages are this close.",
    ]


def card() -> str:
    """The model card as markdown."""
    path = shipped_model_path()
    meta = read_meta(path)
    training = meta["training"]
    cv = training["cv"]
    size_mib = path.stat().st_size / 2**20
    lines = [
        "# The shipped model: `diplomatic.zip`",
        "",
        "Generated by `python -m benchmarks.model_card` from the model file and `benchmarks/results/*.json`; "
        "do not edit by hand. `sectortag info` prints the same metadata.",
        "",
        "## What it is",
        "",
        f"A `SectorTagger` (sectortag {meta['sectortag_version']}, model format {meta['format_version']}) for the "
        f"{len(meta['labels'])} sectors of the codebook, multi-label, in English, French and Italian paragraphs. "
        f"TF-IDF features ({meta['n_features']:,} columns) and one logistic regression per sector, with a decision "
        f"threshold per sector chosen by {cv['folds']}-fold cross-validation"
        f"{' grouped by document' if cv.get('grouped') else ''} on the training data. {size_mib:.1f} MiB on disk.",
        "",
        f"- feature settings: `{json.dumps(meta['features'])}`",
        f"- parameters: `{json.dumps({k: v for k, v in meta['params'].items() if k in ('C', 'lexicon_weight', 'min_df', 'class_weight', 'threshold_folds', 'random_state')})}`",
        "- settings chosen by grouped cross-validation on the corpus (all versions of a document in one fold) for "
        "the mean of micro-F1 and the share of paragraphs with identical labels in all three languages, then "
        "confirmed on real text (the ablation in `benchmarks/results/accuracy.md`)",
        f"- training data: {training['n_examples']:,} paragraphs: `datasets/seed_paragraphs.jsonl` and "
        f"`datasets/corpus/*.jsonl` (see `datasets/README.md`), sha256 `{training['data_sha256'][:16]}…`",
        f"- versions that wrote it: `{json.dumps(meta.get('versions', {}))}`",
        "- rebuild: `bash models/build.sh` (trains twice and checks the two models give identical scores)",
        "",
        "## Thresholds and cross-validated F1 on the training data",
        "",
        tabulate(
            [
                [label, meta["thresholds"][label], training["label_counts"].get(label), cv["metrics"]["labels"][label]["f1"]]
                for label in meta["labels"]
            ],
            headers=["label", "threshold", "training paragraphs", "CV F1"],
            floatfmt=".3f",
            tablefmt="github",
        ),
        "",
        f"Out-of-fold micro-F1 {cv['metrics']['micro']['f1']:.3f}, macro-F1 {cv['metrics']['macro']['f1']:.3f} "
        "(the folds the thresholds were chosen on; the benchmark below is the estimate to quote).",
    ]
    lines += _real_text()
    for name, title in _REPORTS.items():
        file = RESULTS / f"{name}.json"
        if not file.exists():
            continue
        report = json.loads(file.read_text(encoding="utf-8"))
        table = _targets_table(report)
        lines += ["", f"## {title}", "", _provenance(report), ""]
        lines.append(table if table else f"See `benchmarks/results/{name}.md`.")
    lines += [
        "",
        "## Limits",
        "",
        "- The corpus it learnt from was written by the project's authors in imitation of ministry and press "
        "prose, and translated by them; the seed paragraphs are the only real text in it." + _weakest_on_real_text(),
        "- The sector lexicon and its cross-lingual concepts (`sectortag/_model/lexicon.py`) were written from "
        "the codebook by a team that had read the seed documents, so the seed score is not fully blind for "
        "those features.",
        "- Translations of one paragraph do not always get identical labels: about one paragraph in five "
        "differs in at least one label between the three languages, usually a second label near its threshold.",
        "- Very short paragraphs (headings, interviewer prompts) that name a sector are sometimes tagged; the "
        "codebook gives them no label.",
        "- English, French and Italian only; other languages get unreliable scores, not an error.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    out = REPO / "models" / "README.md"
    out.write_text(card(), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
