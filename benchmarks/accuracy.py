"""Accuracy of SectorTagger on the project's data, against baselines, with a feature ablation.

    python -m benchmarks.accuracy [--folds 5] [--quick] [--out-name accuracy] [--jobs 2] [--no-dev]

Writes ``benchmarks/results/<out-name>.md``, ``.json`` and ``.html`` (the
same report with figures: precision/recall/F1 per label and language, a
reliability diagram and F1 against threshold per label):

- document-grouped k-fold cross-validation over ``datasets/corpus`` (folds
  keep each ``doc_id`` whole; every tagger chooses its thresholds by its own
  grouped cross-validation inside the training fold only): per label,
  micro/macro, per language and per genre;
- train on the corpus, test on ``datasets/seed_paragraphs.jsonl`` (never
  trained on here), including how often aligned translations (rows sharing
  an ``align`` id) get identical labels;
- Brier score per label on both splits;
- baselines on the same splits: most frequent label set, a keyword lexicon,
  scikit-learn's default TF-IDF + one-vs-rest logistic regression;
- a feature ablation of SectorTagger settings on the grouped split, and a
  nested-selection row that picks a variant inside each outer training fold;
- real text: every variant trained on corpus + seeds (as the shipped model
  is) and tested on ``../shared/data/realtext_dev/`` (never trained on):
  micro/macro, per label and per language on ``dev.jsonl.gz``, and on
  ``dev_parallel.jsonl.gz`` how many paragraphs get identical labels in all
  three languages (and pairwise). Settings are chosen on the corpus CV; the
  dev set confirms them;
- the project's targets, met or missed, computed from the figures above.

The "shipped" row is the settings the shipped model was trained with (read
from ``models/diplomatic.zip``); every other variant changes one thing. Fits run in ``--jobs`` worker processes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np

from sectortag import SECTORS, SectorTagger, read_examples
from sectortag._eval.benchmark import (
    aligned_agreement,
    brier_scores,
    cv_curves,
    document_folds,
    fit_fold,
    slice_scores,
    slices_table,
)
from sectortag._eval.curves import label_curves
from sectortag._eval.metrics import binarize, label_scores
from sectortag._progress import ProgressBar
from sectortag._eval.report import metrics_table

from ._baselines import KeywordLexicon, MajorityLabelSet, TfidfLogReg
from ._common import DATASETS, SHARED_DATA, environment, header_markdown, peak_rss_mib, write_report

CORPUS_GLOB = "corpus/*.jsonl"
SEED_FILE = "seed_paragraphs.jsonl"
DEV_DIR = SHARED_DATA / "realtext_dev"
DEV_FILES = ("dev.jsonl.gz", "dev_parallel.jsonl.gz")
LANGUAGES = ("en", "fr", "it")
RANDOM_STATE = 0
TFIDF = "tfidf + logreg (sklearn defaults, 0.5)"

#: (key, description, goal); measured values are looked up by key.
TARGETS = [
    ("dev_micro", "real text (dev set) micro-F1", 0.85),
    ("dev_macro", "real text (dev set) macro-F1", 0.85),
    ("dev_lang_spread", "dev set: largest gap between two languages' micro-F1 (at most)", 0.03),
    ("dev_parallel", "dev set in 3 languages: paragraphs with identical labels", 0.90),
    ("cv_micro", "grouped CV micro-F1", 0.85),
    ("cv_macro", "grouped CV macro-F1", 0.80),
    ("cv_worst", "grouped CV: lowest sector F1", 0.70),
    ("seed_micro", "seed paragraphs (held out) micro-F1", 0.80),
    ("aligned", "held-out seed translations with identical labels (14/15)", 14 / 15),
]
#: targets where smaller is better
AT_MOST = {"dev_lang_spread"}


# --------------------------------------------------------------------------
# data and variants


def load_data() -> tuple[list, list[str], list, list[Path]]:
    """Corpus examples, the shard (file stem) of each, seed examples, corpus files."""
    files = sorted(DATASETS.glob(CORPUS_GLOB))
    corpus, shards = [], []
    for path in files:
        examples = read_examples(str(path))
        corpus += examples
        shards += [path.stem] * len(examples)
    seed = read_examples(str(DATASETS / SEED_FILE))
    return corpus, shards, seed, files


def load_dev() -> tuple[list, list]:
    """The real-text dev set and its parallel version, or two empty lists when absent."""
    if not all((DEV_DIR / name).exists() for name in DEV_FILES):
        return [], []
    return tuple(read_examples(str(DEV_DIR / name)) for name in DEV_FILES)


def parallel_agreement(examples, predicted) -> dict:
    """Share of aligned paragraphs whose predicted label sets are identical in all languages, and pairwise."""
    groups: dict[str, dict[str, frozenset]] = {}
    for example, names in zip(examples, predicted):
        groups.setdefault(example.align, {})[example.lang] = frozenset(names)
    complete = [g for g in groups.values() if all(lang in g for lang in LANGUAGES)]
    if not complete:
        return {}
    pairs = {f"{a}-{b}": float(np.mean([g[a] == g[b] for g in complete]))
             for i, a in enumerate(LANGUAGES) for b in LANGUAGES[i + 1:]}
    return {"groups": len(complete), "identical": int(sum(len(set(g.values())) == 1 for g in complete)),
            "share": float(np.mean([len(set(g.values())) == 1 for g in complete])), "pairwise": pairs}


def dev_summary(dev, dev_parallel, predicted_dev, predicted_parallel) -> dict:
    """Scores on the dev set (overall, per label, per language) and translation invariance on its parallel version."""
    evaluation = slice_scores(dev, predicted_dev, SECTORS)
    by_lang = {lang: evaluation["by_lang"][lang]["micro"]["f1"] for lang in LANGUAGES if lang in evaluation["by_lang"]}
    parallel_eval = slice_scores(dev_parallel, predicted_parallel, SECTORS)
    return {
        "evaluation": evaluation,
        "summary": _summary(evaluation["overall"]),
        "labels": {k: m["f1"] for k, m in evaluation["overall"]["labels"].items()},
        "by_lang_micro": by_lang,
        "lang_spread": (max(by_lang.values()) - min(by_lang.values())) if by_lang else None,
        "parallel": parallel_agreement(dev_parallel, predicted_parallel),
        "parallel_summary": _summary(parallel_eval["overall"]),
        "parallel_by_lang_micro": {lang: parallel_eval["by_lang"][lang]["micro"]["f1"] for lang in LANGUAGES
                                   if lang in parallel_eval["by_lang"]},
    }


def _file_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _git_state() -> str:
    """The checkout's commit, and whether datasets/ and sectortag/ differ from it (read-only git calls)."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=DATASETS.parent, capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        states = []
        for folder in ("datasets", "sectortag"):
            dirty = subprocess.run(["git", "status", "--porcelain", "--", folder], cwd=DATASETS.parent,
                                   capture_output=True, text=True, timeout=10, check=True).stdout.strip()
            states.append(f"{folder}/ {'has uncommitted changes' if dirty else 'as committed'}")
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"{head}, " + ", ".join(states)


def _key(params: dict) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def shipped_settings() -> dict:
    """The parameters the shipped model was trained with (its ``meta.json``), as ``SectorTagger`` takes them.

    The "shipped" row is therefore what ``models/build.sh`` trains, whatever
    ``SectorTagger()``'s defaults are; parameters the model file does not
    record take their defaults.
    """
    from sectortag._model.modelio import read_meta, shipped_model_path

    params = SectorTagger().get_params()
    recorded = read_meta(shipped_model_path()).get("params", {})
    params.update({k: tuple(v) if isinstance(v, list) else v for k, v in recorded.items() if k in params})
    params["n_jobs"] = None  # how the model was trained, not what it is
    return params


#: boolean parameters that are not feature settings to ablate (single_label needs single-label data)
_NOT_FEATURE_FLAGS = {"single_label"}


def build_variants(quick: bool, char: bool = True) -> list[dict]:
    """Ablation variants, relative to the shipped model's settings (``shipped_settings``).

    A variant whose settings equal an earlier one's is kept as a row that
    points to it (``same_as``) and is not fitted again.
    """
    defaults = shipped_settings()
    word = tuple(defaults["word_ngram_range"]) if defaults["word_ngram_range"] else (1, 2)
    prefix = defaults["word_prefix"] or 5
    char_range = (3, 5)  # (2, 5) costs about twice the fit time for no gain here
    wanted = [
        ("shipped", "the shipped model's settings", {}),
        ("word", f"word n-grams {word}; no prefixes, no char n-grams", {"word_ngram_range": word, "word_prefix": None, "char_ngram_range": None}),
    ]
    if not quick:
        toggled_prefix = None if defaults["word_prefix"] else prefix
        c_values = [c for c in (1.0, 100.0, 3.0, 30.0) if c != defaults["C"]][:2]
        wanted += [
            ("word+prefix", f"word n-grams {word} + {prefix}-letter prefixes; no char n-grams",
             {"word_ngram_range": word, "word_prefix": prefix, "char_ngram_range": None}),
            *([("char", f"char n-grams {char_range}; no word n-grams, no prefixes",
                {"word_ngram_range": None, "word_prefix": None, "char_ngram_range": char_range}),
               ("word+char", f"word n-grams {word} + char n-grams {char_range}; no prefixes",
                {"word_ngram_range": word, "word_prefix": None, "char_ngram_range": char_range})] if char else []),
            ("prefix", f"shipped, word_prefix={toggled_prefix}", {"word_prefix": toggled_prefix}),
        ]
        # every on/off setting (fold_accents, and any flag added later) switched from its default
        wanted += [(f"{name}={not value}", f"shipped, {name}={not value}", {name: not value})
                   for name, value in defaults.items() if isinstance(value, bool) and name not in _NOT_FEATURE_FLAGS]
        wanted += [(f"C={c:g}", f"shipped, C={c:g}", {"C": c}) for c in c_values]
        weights = [w for w in (1.0, 2.0, 4.0) if w != defaults["lexicon_weight"]]
        wanted += [(f"lexicon_weight={w:g}", f"shipped, lexicon_weight={w:g}", {"lexicon_weight": w}) for w in weights]
    variants, seen = [], {}
    for name, description, changes in wanted:
        params = {**defaults, **changes}
        key = _key(params)
        variants.append({"name": name, "description": description, "changes": changes, "params": params,
                         "same_as": seen.get(key)})
        seen.setdefault(key, name)
    return variants


# --------------------------------------------------------------------------
# fitting (in worker processes)


def _fit_task(kind: str, name: str, fold, examples, train, test, params: dict) -> tuple[str, str, object, dict]:
    """One fit in a worker: a SectorTagger variant with ``params`` (``fit_fold``) or the TF-IDF baseline."""
    if kind == "tagger":
        return kind, name, fold, fit_fold(examples, train, test, params)
    start = time.perf_counter()
    model = TfidfLogReg().fit([examples[i].text for i in train], [examples[i].labels for i in train])
    texts = [examples[i].text for i in test]
    return kind, name, fold, {"test": [int(i) for i in test], "predicted": model.predict(texts),
                              "probabilities": model.predict_proba(texts), "fit_seconds": time.perf_counter() - start}


def run_fits(tasks: list[tuple], data: list, n_jobs: int, bar) -> dict:
    """{(kind, name, fold): result}; fold is an int, "seed" (train on the corpus, test on the seed
    paragraphs) or "dev" (train on corpus + seeds, test on the real-text dev rows); rows index ``data``."""
    from joblib import Parallel, delayed

    jobs = [delayed(_fit_task)(kind, name, fold, data, train, test, params) for kind, name, fold, train, test, params in tasks]
    results, start = {}, time.perf_counter()
    bar(0, len(jobs), f"fitting {len(jobs)} models in {n_jobs} process(es)")
    runner = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    for done, (kind, name, fold, result) in enumerate(runner(jobs), 1):
        results[(kind, name, fold)] = result
        shown = f"{fold} split" if isinstance(fold, str) else f"fold {fold + 1}"
        bar(done, len(jobs), f"{name} {shown}: fit {result['fit_seconds']:.1f} s (elapsed {time.perf_counter() - start:.0f} s)")
    return results


def _check_params(results: dict, variants: list[dict]) -> list[str]:
    """Fits whose tagger parameters differ from their variant's (sectortag changed while this ran)."""
    expected = {v["name"]: {k: (list(x) if isinstance(x, tuple) else x) for k, x in v["params"].items()} for v in variants}
    problems = []
    for (kind, name, fold), result in sorted(results.items(), key=str):
        if kind == "tagger" and result["params"] != expected[name]:
            problems.append(f"{name} fold {fold} was fitted with {result['params']}, not {expected[name]}: "
                            "sectortag changed while the benchmark ran; run it again")
    return problems


# --------------------------------------------------------------------------
# scoring helpers


def _summary(scores: dict) -> dict:
    """micro P/R/F1, macro F1 and the worst sector (among labels with support)."""
    labels = {name: m["f1"] for name, m in scores["labels"].items() if m["support"]}
    worst = min(labels, key=labels.get) if labels else None
    return {
        "micro_precision": scores["micro"]["precision"],
        "micro_recall": scores["micro"]["recall"],
        "micro_f1": scores["micro"]["f1"],
        "macro_f1": scores["macro"]["f1"],
        "worst_label": worst,
        "worst_f1": labels[worst] if worst else None,
        "exact_match": scores["exact_match"],
    }


def _pool(n: int, splits, results: dict, variant: str) -> tuple[list, np.ndarray, list[float], list[int], list[dict]]:
    """Out-of-fold predictions and probabilities (columns = SECTORS) for one variant."""
    predicted: list[list[str]] = [[] for _ in range(n)]
    probabilities = np.zeros((n, len(SECTORS)))
    fit_seconds, n_features, inner = [], [], []
    for fold, (_, test) in enumerate(splits):
        result = results[("tagger", variant, fold)]
        for row, names in zip(result["test"], result["predicted"]):
            predicted[row] = names
        for col, name in enumerate(SECTORS):
            if name in result["classes"]:
                probabilities[result["test"], col] = result["probabilities"][:, result["classes"].index(name)]
        fit_seconds.append(result["fit_seconds"])
        n_features.append(result["n_features"])
        inner.append(result["inner"])
    return predicted, probabilities, fit_seconds, n_features, inner


def _fold_micro(examples, predicted, splits) -> list[float]:
    return [
        label_scores([examples[i].labels for i in test], [predicted[i] for i in test], SECTORS)["micro"]["f1"]
        for _, test in splits
    ]


def _prevalence_probabilities(train_examples, n_test: int) -> np.ndarray:
    rate = binarize([e.labels for e in train_examples], SECTORS).mean(axis=0)
    return np.tile(rate, (n_test, 1))


def run_baselines(corpus, seed, splits, fits: dict) -> dict:
    """Each baseline's out-of-fold predictions on the corpus and its predictions on the seed split.

    The TF-IDF baseline was fitted in the worker pool (``fits``); the others are cheap.
    """
    makers = {
        "majority label set": lambda: MajorityLabelSet(),
        "majority non-empty label set": lambda: MajorityLabelSet(nonempty=True),
        "keyword lexicon": lambda: KeywordLexicon(),
    }
    out = {}
    for name, make in makers.items():
        cv_predicted: list[list[str]] = [[] for _ in corpus]
        start = time.perf_counter()
        for train, test in splits:
            train_ex = [corpus[i] for i in train]
            test_ex = [corpus[i] for i in test]
            model = make().fit([e.text for e in train_ex], [e.labels for e in train_ex])
            for row, names in zip(test, model.predict([e.text for e in test_ex], [e.lang for e in test_ex])):
                cv_predicted[row] = names
        cv_seconds = time.perf_counter() - start
        model = make().fit([e.text for e in corpus], [e.labels for e in corpus])
        out[name] = {
            "cv_predicted": cv_predicted,
            "cv_probabilities": None,
            "seed_predicted": model.predict([e.text for e in seed], [e.lang for e in seed]),
            "seed_probabilities": None,
            "cv_seconds": cv_seconds,
            "label_set": getattr(model, "label_set_", None),
        }
    cv_predicted = [[] for _ in corpus]
    cv_proba = np.zeros((len(corpus), len(SECTORS)))
    for fold, (_, test) in enumerate(splits):
        result = fits[("tfidf", TFIDF, fold)]
        for row, names in zip(result["test"], result["predicted"]):
            cv_predicted[row] = names
        cv_proba[result["test"]] = result["probabilities"]
    seed_result = fits[("tfidf", TFIDF, "seed")]
    out[TFIDF] = {
        "cv_predicted": cv_predicted,
        "cv_probabilities": cv_proba,
        "seed_predicted": seed_result["predicted"],
        "seed_probabilities": seed_result["probabilities"],
        "cv_seconds": sum(fits[("tfidf", TFIDF, fold)]["fit_seconds"] for fold in range(len(splits))),
        "label_set": None,
    }
    return out


def confident_disagreements(examples, probabilities: np.ndarray, limit: int = 40) -> list[dict]:
    """Paragraphs whose out-of-fold probabilities most confidently contradict the annotation.

    A missed label with probability near 0 or an extra one near 1 is either a
    model error or an annotation to re-check; listed worst first.
    """
    truth = binarize([e.labels for e in examples], SECTORS)
    gap = np.where(truth, 1 - probabilities, probabilities)  # 1 = confidently contradicts
    worst = gap.max(axis=1)
    rows = []
    for i in np.argsort(-worst, kind="stable")[:limit]:
        cols = np.flatnonzero(gap[i] >= 0.5)
        rows.append({
            "id": examples[i].id,
            "truth": list(examples[i].labels),
            "missed": [SECTORS[j] for j in cols if truth[i, j]],
            "extra": [SECTORS[j] for j in cols if not truth[i, j]],
            "confidence": float(worst[i]),
            "text": examples[i].text[:160],
        })
    return rows


# --------------------------------------------------------------------------
# the report


def _fmt(value, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _targets(measured: dict, nested: dict) -> list[dict]:
    rows = []
    for key, description, goal in TARGETS:
        value = measured.get(key)
        sign = -1 if key in AT_MOST else 1
        row = {"key": key, "target": description, "goal": goal, "measured": value, "at_most": key in AT_MOST,
               "met": None if value is None else sign * (value - goal) >= 0,
               "margin": None if value is None else sign * (value - goal)}
        if key in nested:
            row["nested"] = nested[key]
            row["nested_met"] = sign * (nested[key] - goal) >= 0
            row["nested_margin"] = sign * (nested[key] - goal)
        rows.append(row)
    return rows


def _status(met, margin) -> str:
    if met is None:
        return "not measured"
    return f"met (+{margin:.3f})" if met else f"missed by {-margin:.3f}"


def render_markdown(payload: dict) -> str:
    from tabulate import tabulate

    env, data = payload["environment"], payload["data"]
    lines = [header_markdown(
        env, "Accuracy: SectorTagger vs baselines, feature ablation",
        f"{data['corpus']['files']}: {data['corpus']['paragraphs']} paragraphs, {data['corpus']['documents']} documents, "
        f"sha256 {data['corpus']['sha256']}; {data['seed']['file']}: {data['seed']['paragraphs']} paragraphs, "
        f"{data['seed']['documents']} documents, sha256 {data['seed']['sha256']}; git {data['git']}",
    )]
    run = payload["run"]
    for warning in payload["warnings"]:
        lines.append(f"- **warning**: {warning}")
    lines += [
        f"- run: {run['wall_seconds']:.0f} s wall, {run['jobs']} worker process(es), peak RSS of the main process "
        f"{run['peak_rss_mib']:.0f} MiB; load average {run['loadavg_start']} at start, {run['loadavg_end']} at end "
        "(fit times below are wall-clock in a worker and grow with the machine's load)",
        f"- folds: {run['folds']}-fold GroupKFold on doc_id (shuffle, random_state={RANDOM_STATE}); "
        f"fold sizes (paragraphs/documents): {', '.join(f'{p}/{d}' for p, d in run['fold_sizes'])}",
        f"- shipped model's settings: `{payload['shipped_params']}`",
        "",
    ]

    # targets
    lines += ["## Targets", ""]
    rows = []
    for t in payload["targets"]:
        rows.append([t["target"], f"{'<=' if t.get('at_most') else '>='} {t['goal']:.3f}", _fmt(t["measured"]), _status(t["met"], t["margin"]),
                     _fmt(t.get("nested")), _status(t.get("nested_met"), t.get("nested_margin")) if "nested" in t else "-"])
    lines += [tabulate(rows, headers=["target", "goal", "shipped settings", "status", "nested selection", "status"],
                       tablefmt="github", disable_numparse=True), ""]
    lines += ["\"nested selection\" picks the ablation variant inside each outer training fold (see below); it is the "
              "estimate to trust if the shipped settings were themselves tuned on this corpus.", ""]

    # real text
    dev = payload.get("dev")
    if dev:
        d = payload["data"]["dev"]
        lines += ["## Real text: the dev set (never trained on)", "",
                  f"The shipped settings trained on corpus + seed paragraphs (as `models/build.sh` does), tested on "
                  f"{d['files']}: {d['paragraphs']} real paragraphs, and the same paragraphs in English, French and "
                  f"Italian ({d['parallel_rows']} rows, originals plus faithful translations).", "",
                  metrics_table(dev["evaluation"]["overall"], "github"), "",
                  "Per language (F1 per label; '-' where the slice has no example of the label):", "",
                  slices_table(dev["evaluation"], "github"), ""]
        par = dev["parallel"]
        lines += [f"Translation invariance on the parallel rows: {par['identical']}/{par['groups']} paragraphs "
                  f"({par['share']:.1%}) get identical labels in all three languages; pairwise "
                  + ", ".join(f"{k} {v:.1%}" for k, v in par["pairwise"].items())
                  + "; micro-F1 per language on the parallel rows: "
                  + ", ".join(f"{k} {v:.3f}" for k, v in dev["parallel_by_lang_micro"].items()) + ".", ""]

    # grouped CV
    cv = payload["cv"]
    lines += [f"## Grouped {run['folds']}-fold cross-validation on the corpus (shipped settings)", "",
              "Out-of-fold predictions pooled over the folds; each fold's tagger chose its thresholds by its own "
              "grouped cross-validation inside the training fold.", "",
              metrics_table(cv["evaluation"]["overall"], "github"), "",
              (f"Translation invariance out of fold: {cv['parallel']['identical']}/{cv['parallel']['groups']} corpus "
               f"paragraphs ({cv['parallel']['share']:.1%}) get identical labels in all three languages (all versions "
               "of a document are in the same test fold); pairwise "
               + ", ".join(f"{k} {v:.1%}" for k, v in cv["parallel"]["pairwise"].items()) + "." if cv.get("parallel") else ""),
              "",
              f"micro-F1 per fold: {', '.join(f'{v:.3f}' for v in cv['fold_micro_f1'])} "
              f"(mean {np.mean(cv['fold_micro_f1']):.3f}, sd {np.std(cv['fold_micro_f1'], ddof=1) if len(cv['fold_micro_f1']) > 1 else 0:.3f})",
              "", "Per language and genre (F1 per label; '-' where the slice has no example of the label):", "",
              slices_table(cv["evaluation"], "github"), ""]
    rows = [[shard, m["n_examples"], m["micro"]["precision"], m["micro"]["recall"], m["micro"]["f1"], m["macro"]["f1"],
             m["exact_match"]] for shard, m in cv["by_shard"].items()]
    lines += ["Per corpus shard (file):", "",
              tabulate(rows, headers=["shard", "n", "micro P", "micro R", "micro F1", "macro F1", "exact match"],
                       floatfmt=".3f", tablefmt="github"), ""]
    rows = [[d["id"], ", ".join(d["truth"]) or "-", ", ".join(d["missed"]) or "-", ", ".join(d["extra"]) or "-",
             f"{d['confidence']:.3f}", d["text"][:90]] for d in cv["confident_disagreements"][:15]]
    lines += ["Most confident disagreements between out-of-fold probabilities and the annotation (model errors, "
              "or annotations worth a second look; 40 in the JSON):", "",
              tabulate(rows, headers=["id", "annotated", "missed (p < 0.5)", "extra (p >= 0.5)", "confidence", "text"],
                       tablefmt="github", disable_numparse=True), ""]

    # seed
    seed = payload["seed"]
    aligned = seed["aligned"]
    lines += ["## Train on the corpus, test on the seed paragraphs (shipped settings)", "",
              metrics_table(seed["evaluation"]["overall"], "github"), "",
              slices_table(seed["evaluation"], "github"), ""]
    if aligned:
        lines += [f"Aligned translations (docs 001 en / 002 it / 003 fr, rows sharing an `align` id): "
                  f"{aligned['identical']}/{aligned['groups']} groups get identical predicted label sets "
                  f"({aligned['share']:.1%}); the annotations agree in {aligned['truth_identical']}/{aligned['groups']}.", ""]
        if aligned["differing"]:
            rows = [[d["align"], "; ".join(f"{k}: {', '.join(v) or '-'}" for k, v in d["predicted"].items()),
                     ", ".join(next(iter(d["truth"].values()))) or "-"] for d in aligned["differing"]]
            lines += [tabulate(rows, headers=["align", "predicted per translation", "truth"], tablefmt="github"), ""]

    # calibration
    cal = payload["calibration"]
    rows = []
    for label in [*SECTORS, "mean"]:
        rows.append([label] + [cal[split][model].get(label) for split in ("cv", "seed") for model in ("shipped", "tfidf_logreg", "prevalence")])
    lines += ["## Calibration: Brier score per label (lower is better)", "",
              "Out-of-fold probabilities on the corpus (cv) and probabilities of the corpus-trained models on the seed "
              "paragraphs (seed). \"prevalence\" predicts the training fold's label rate for every paragraph.", "",
              tabulate(rows, headers=["label", "cv shipped", "cv tfidf+logreg", "cv prevalence",
                                      "seed shipped", "seed tfidf+logreg", "seed prevalence"],
                       floatfmt=".4f", tablefmt="github"), ""]

    # baselines
    rows = []
    for name, b in payload["baselines"].items():
        c, s = b["cv"], b["seed"]
        dv = b.get("dev") or {}
        rows.append([name, c["micro_precision"], c["micro_recall"], c["micro_f1"], c["macro_f1"],
                     f"{c['worst_label']} {_fmt(c['worst_f1'])}", s["micro_f1"], s["macro_f1"],
                     b["aligned_share"], dv.get("micro_f1"), dv.get("macro_f1"), b.get("dev_parallel_identical")])
    lines += ["## Baselines on the same splits", "",
              tabulate(rows, headers=["tagger", "cv micro P", "cv micro R", "cv micro F1", "cv macro F1", "cv worst sector",
                                      "seed micro F1", "seed macro F1", "aligned identical", "dev micro F1",
                                      "dev macro F1", "dev 3-language identical"],
                       floatfmt=".3f", tablefmt="github", missingval="-"), ""]
    majority = payload["baselines"]["majority label set"]
    lines += [f"The most frequent label set of the whole corpus is {majority['label_set'] or '[] (no label)'}; "
              f"the most frequent non-empty one is {payload['baselines']['majority non-empty label set']['label_set']}.", ""]
    rows = [[label] + [payload["baselines"][name]["cv_labels"][label] for name in payload["baselines"]] for label in SECTORS]
    lines += ["Grouped CV F1 per sector:", "",
              tabulate(rows, headers=["label", *payload["baselines"]], floatfmt=".3f", tablefmt="github"), ""]

    # ablation
    rows = []
    for v in payload["ablation"]:
        if v["same_as"]:
            rows.append([v["name"], v["description"], f"= {v['same_as']}", "", "", "", "", "", "", "", "", ""])
            continue
        m, dv = v["cv"], v.get("dev") or {}
        rows.append([v["name"], v["description"], _fmt(m["micro_f1"]), _fmt(m["macro_f1"]), f"{m['worst_label']} {_fmt(m['worst_f1'])}",
                     _fmt(v.get("parallel_identical")),
                     f"{np.std(v['fold_micro_f1'], ddof=1):.3f}" if len(v["fold_micro_f1"]) > 1 else "-",
                     f"{np.mean(v['fit_seconds']):.1f}", f"{np.mean(v['n_features']):,.0f}",
                     _fmt(dv.get("micro_f1")), _fmt(dv.get("macro_f1")), _fmt(dv.get("parallel_identical"))])
    nested = payload["nested"]
    m = nested["cv"]
    rows.append(["nested", "variant chosen by inner grouped CV micro-F1 in each outer training fold", _fmt(m["micro_f1"]), _fmt(m["macro_f1"]),
                 f"{m['worst_label']} {_fmt(m['worst_f1'])}", "-",
                 f"{np.std(nested['fold_micro_f1'], ddof=1):.3f}" if len(nested["fold_micro_f1"]) > 1 else "-",
                 f"{nested['fit_seconds_per_fold']:.1f}", "-", "-", "-", "-"])
    lines += ["## Feature ablation (grouped CV on the corpus; confirmed on the dev set)", "",
              tabulate(rows, headers=["variant", "settings", "cv micro F1", "cv macro F1", "cv worst sector",
                                      "cv 3-language identical", "fold sd (micro)",
                                      "fit s / fold", "features", "dev micro F1", "dev macro F1", "dev 3-language identical"],
                       tablefmt="github", disable_numparse=True), "",
              "The dev columns train the variant on corpus + seeds and test it on the real-text dev set: a check that "
              "what the corpus CV prefers also holds on real text, not a way to choose.", "",
              "Each variant changes only the settings shown; every other parameter is the shipped model's (header). "
              "fit s / fold: one SectorTagger.fit on the outer training fold (its inner threshold CV included), "
              "in a worker process. The nested row's fit time is the sum over the variants it chooses from.", "",
              "Nested selection, per outer fold: "
              + "; ".join(f"fold {i + 1}: {c['chosen']} (inner micro-F1 {c['inner_micro_f1']:.3f})" for i, c in enumerate(nested["per_fold"])),
              "", "The inner score is the out-of-fold micro-F1 of the tagger's own threshold cross-validation "
              "(grouped by doc_id inside the outer training fold; thresholds chosen on the same folds, so it is "
              "optimistic by the same kind of amount for every variant). The outer test fold is never seen.", ""]

    lines += ["## Method notes", "",
              "- Metrics are sectortag's `label_scores` (equal to scikit-learn's `precision_recall_fscore_support`, "
              "zero_division=0). Macro averages run over labels present in the truth or the predictions of a slice.",
              "- Baselines: majority = most frequent label set of the training fold, for every paragraph; keyword "
              "lexicon = `benchmarks/_baselines.py` (~25-30 stems per sector per language, case/accent-folded tokens, "
              "the paragraph's own language's list); tfidf + logreg = `TfidfVectorizer()` + "
              "`OneVsRestClassifier(LogisticRegression())`, all defaults, threshold 0.5 (its low recall is the 0.5 "
              "cut on rare labels, which SectorTagger's per-label thresholds exist to avoid).",
              "- The lexicon was written by hand from the codebook, whose examples come from the seed documents; "
              "it learns nothing from the corpus, but its seed score is not a blind estimate.",
              "- The seed paragraphs are never trained on in the seed split; the corpus and the seed documents are "
              "different documents.", ""]
    return "\n".join(lines)


def _fold_thresholds(results: dict, variant: str, folds: int) -> np.ndarray:
    """Each outer fold's thresholds for ``variant``, one row per fold, columns SECTORS (nan: label absent)."""
    rows = np.full((folds, len(SECTORS)), np.nan)
    for fold in range(folds):
        result = results[("tagger", variant, fold)]
        for col, name in enumerate(SECTORS):
            if result["thresholds"] is not None and name in result["classes"]:
                rows[fold, col] = result["thresholds"][result["classes"].index(name)]
    return rows


def render_figures(payload: dict) -> str:
    """The HTML report's figures: P/R/F1 per label and language, reliability, F1 against threshold (CV and seeds)."""
    from sectortag._eval.htmlreport import evaluation_figures
    from sectortag._eval.plots import PlotsUnavailable

    parts = []
    try:
        for key, title in (("cv", "grouped cross-validation on the corpus (shipped settings, out-of-fold)"),
                           ("seed", "trained on the corpus, tested on the seed paragraphs")):
            figures = evaluation_figures(payload[key]["evaluation"], payload["curves"][key], key)
            parts.append(f'<section id="figures-{key}"><h2>Figures: {title}</h2>{figures}</section>')
    except PlotsUnavailable as error:
        sys.stderr.write(f"warning: no figures in the HTML report: {error}\n")
        return ""
    return "\n".join(parts)


# --------------------------------------------------------------------------
# main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accuracy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, help="outer cross-validation folds (default: 5, or 3 with --quick)")
    parser.add_argument("--quick", action="store_true", help="shipped settings and word n-grams only: a smoke test")
    parser.add_argument("--no-char", action="store_true",
                        help="leave out the character n-gram variants (the slowest fits: about half the run)")
    parser.add_argument("--out-name", help="results file name without extension (default: accuracy, or accuracy-quick with --quick)")
    parser.add_argument("--no-dev", action="store_true", help="leave out the real-text dev set even when it is there")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes for the fits (default: up to 2)")
    args = parser.parse_args(argv)
    if args.folds is None:
        args.folds = 3 if args.quick else 5
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    if args.out_name is None:
        args.out_name = "accuracy-quick" if args.quick else "accuracy"
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    loadavg_start = [round(x, 2) for x in os.getloadavg()]
    env = environment("benchmarks.accuracy")
    bar = ProgressBar(sys.stderr)

    git_state = _git_state()
    corpus, shards, seed, files = load_data()
    dev, dev_parallel = ([], []) if args.no_dev else load_dev()
    corpus_digest, seed_digest = _file_digest(files), _file_digest([DATASETS / SEED_FILE])
    splits, grouped = document_folds(corpus, args.folds, random_state=RANDOM_STATE)
    assert grouped, "every corpus paragraph has a doc_id"
    variants = build_variants(args.quick, char=not args.no_char)
    fitted = [v for v in variants if v["same_as"] is None]

    corpus_rows = np.arange(len(corpus))
    seed_rows = np.arange(len(corpus), len(corpus) + len(seed))
    data = corpus + seed + dev + dev_parallel
    shipped_rows = np.arange(len(corpus) + len(seed))  # what the shipped model is trained on
    dev_rows = np.arange(len(shipped_rows), len(data))  # dev, then dev_parallel
    # the slowest fits (most data, character n-grams) first, so that the workers finish together
    tasks = [("tagger", "shipped", "seed", corpus_rows, seed_rows, variants[0]["params"])]
    by_cost = sorted(fitted, key=lambda v: v["params"]["char_ngram_range"] is None)
    tasks += [("tagger", v["name"], fold, train, test, v["params"]) for v in by_cost for fold, (train, test) in enumerate(splits)]
    tasks += [("tfidf", TFIDF, fold, train, test, {}) for fold, (train, test) in enumerate(splits)]
    tasks += [("tfidf", TFIDF, "seed", corpus_rows, seed_rows, {})]
    if dev:
        tasks += [("tagger", v["name"], "dev", shipped_rows, dev_rows, v["params"]) for v in by_cost]
        tasks += [("tfidf", TFIDF, "dev", shipped_rows, dev_rows, {})]

    results = run_fits(tasks, data, args.jobs, bar)
    bar.close()
    mismatches = _check_params(results, variants)
    for message in mismatches:
        sys.stderr.write(f"warning: {message}\n")
    sys.stderr.write("scoring, and running the lexicon and majority baselines\n")
    baselines_raw = run_baselines(corpus, seed, splits, results)

    # shipped defaults: grouped CV and seed split
    predicted, probabilities, fit_seconds, n_features, _ = _pool(len(corpus), splits, results, "shipped")
    cv_eval = slice_scores(corpus, predicted, SECTORS)
    by_shard = {}
    for shard in dict.fromkeys(shards):
        rows = [i for i, name in enumerate(shards) if name == shard]
        by_shard[shard] = label_scores([corpus[i].labels for i in rows], [predicted[i] for i in rows], SECTORS)
    seed_result = results[("tagger", "shipped", "seed")]
    seed_predicted = seed_result["predicted"]
    seed_proba = np.zeros((len(seed), len(SECTORS)))
    for col, name in enumerate(SECTORS):
        if name in seed_result["classes"]:
            seed_proba[:, col] = seed_result["probabilities"][:, seed_result["classes"].index(name)]
    seed_eval = slice_scores(seed, seed_predicted, SECTORS)
    aligned = aligned_agreement(seed, seed_predicted)

    def on_dev(predicted_rows) -> dict | None:
        """dev_summary of predictions for dev_rows (dev first, then dev_parallel)."""
        if not dev:
            return None
        return dev_summary(dev, dev_parallel, predicted_rows[: len(dev)], predicted_rows[len(dev):])

    dev_result = on_dev(results[("tagger", "shipped", "dev")]["predicted"]) if dev else None

    # ablation and nested selection
    ablation, pooled = [], {}
    for v in variants:
        row = {k: v[k] for k in ("name", "description", "same_as")}
        row["changes"] = {k: (list(x) if isinstance(x, tuple) else x) for k, x in v["changes"].items()}
        if v["same_as"] is None:
            p, _, secs, feats, inner = _pool(len(corpus), splits, results, v["name"])
            pooled[v["name"]] = (p, inner, secs)
            row.update({
                "cv": _summary(label_scores([e.labels for e in corpus], p, SECTORS)),
                "cv_labels": {k: m["f1"] for k, m in label_scores([e.labels for e in corpus], p, SECTORS)["labels"].items()},
                "fold_micro_f1": _fold_micro(corpus, p, splits),
                "parallel_identical": parallel_agreement(corpus, p).get("share"),
                "fit_seconds": secs,
                "n_features": feats,
                "inner_micro_f1": [i["micro"]["f1"] for i in inner],
            })
            if dev:
                d = on_dev(results[("tagger", v["name"], "dev")]["predicted"])
                row["dev"] = {"micro_f1": d["summary"]["micro_f1"], "macro_f1": d["summary"]["macro_f1"],
                              "parallel_identical": d["parallel"].get("share"), "lang_spread": d["lang_spread"]}
        ablation.append(row)
    nested_predicted: list[list[str]] = [[] for _ in corpus]
    per_fold, nested_seconds = [], []
    for fold, (_, test) in enumerate(splits):
        scores = {name: pooled[name][1][fold]["micro"]["f1"] for name in pooled}
        chosen = max(pooled, key=lambda name: (scores[name], -list(pooled).index(name)))
        for row in test:
            nested_predicted[row] = pooled[chosen][0][row]
        per_fold.append({"chosen": chosen, "inner_micro_f1": scores[chosen], "inner_scores": scores})
        nested_seconds.append(sum(pooled[name][2][fold] for name in pooled))
    nested_scores = label_scores([e.labels for e in corpus], nested_predicted, SECTORS)
    nested = {
        "cv": _summary(nested_scores),
        "cv_labels": {k: m["f1"] for k, m in nested_scores["labels"].items()},
        "fold_micro_f1": _fold_micro(corpus, nested_predicted, splits),
        "per_fold": per_fold,
        "fit_seconds_per_fold": float(np.mean(nested_seconds)),
        "candidates": list(pooled),
    }

    # baselines
    baselines = {}
    shipped_summary = _summary(cv_eval["overall"])
    baselines["SectorTagger (shipped settings)"] = {
        "cv": shipped_summary,
        "cv_labels": {k: m["f1"] for k, m in cv_eval["overall"]["labels"].items()},
        "seed": _summary(seed_eval["overall"]),
        "aligned_share": aligned["share"] if aligned else None,
        "label_set": None,
        "dev": dev_result["summary"] if dev else None,
        "dev_parallel_identical": dev_result["parallel"].get("share") if dev else None,
    }
    if dev:
        lexicon = KeywordLexicon()
        majority = MajorityLabelSet().fit([e.text for e in corpus + seed], [e.labels for e in corpus + seed])
        dev_baselines = {
            TFIDF: results[("tfidf", TFIDF, "dev")]["predicted"],
            "keyword lexicon": lexicon.predict([e.text for e in dev + dev_parallel], [e.lang for e in dev + dev_parallel]),
            "majority label set": majority.predict([e.text for e in dev + dev_parallel]),
        }
    for name, b in baselines_raw.items():
        cv_scores = label_scores([e.labels for e in corpus], b["cv_predicted"], SECTORS)
        b_aligned = aligned_agreement(seed, b["seed_predicted"])
        baselines[name] = {
            "cv": _summary(cv_scores),
            "cv_labels": {k: m["f1"] for k, m in cv_scores["labels"].items()},
            "cv_by_lang": {lang: _summary(s) for lang, s in slice_scores(corpus, b["cv_predicted"], SECTORS)["by_lang"].items()},
            "seed": _summary(label_scores([e.labels for e in seed], b["seed_predicted"], SECTORS)),
            "aligned_share": b_aligned["share"] if b_aligned else None,
            "label_set": b["label_set"],
            "cv_seconds": b["cv_seconds"],
        }
        if dev and name in dev_baselines:
            d = on_dev(dev_baselines[name])
            baselines[name]["dev"] = d["summary"]
            baselines[name]["dev_parallel_identical"] = d["parallel"].get("share")

    # calibration
    tfidf = baselines_raw[TFIDF]
    prevalence_cv = np.zeros((len(corpus), len(SECTORS)))
    for train, test in splits:
        prevalence_cv[test] = _prevalence_probabilities([corpus[i] for i in train], len(test))
    calibration = {
        "cv": {
            "shipped": brier_scores(corpus, probabilities, SECTORS),
            "tfidf_logreg": brier_scores(corpus, tfidf["cv_probabilities"], SECTORS),
            "prevalence": brier_scores(corpus, prevalence_cv, SECTORS),
        },
        "seed": {
            "shipped": brier_scores(seed, seed_proba, SECTORS),
            "tfidf_logreg": brier_scores(seed, tfidf["seed_probabilities"], SECTORS),
            "prevalence": brier_scores(seed, _prevalence_probabilities(corpus, len(seed)), SECTORS),
        },
    }

    measured = {
        "dev_micro": dev_result["summary"]["micro_f1"] if dev else None,
        "dev_macro": dev_result["summary"]["macro_f1"] if dev else None,
        "dev_lang_spread": dev_result["lang_spread"] if dev else None,
        "dev_parallel": dev_result["parallel"].get("share") if dev else None,
        "cv_micro": shipped_summary["micro_f1"],
        "cv_macro": shipped_summary["macro_f1"],
        "cv_worst": shipped_summary["worst_f1"],
        "seed_micro": seed_eval["overall"]["micro"]["f1"],
        "aligned": aligned["share"] if aligned else None,
    }
    nested_measured = {"cv_micro": nested["cv"]["micro_f1"], "cv_macro": nested["cv"]["macro_f1"], "cv_worst": nested["cv"]["worst_f1"]}

    payload = {
        "environment": env,
        "run": {
            "folds": args.folds,
            "quick": args.quick,
            "jobs": args.jobs,
            "wall_seconds": time.perf_counter() - started,
            "peak_rss_mib": peak_rss_mib(),
            "loadavg_start": loadavg_start,
            "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            "fold_sizes": [[len(test), len({corpus[i].doc_id for i in test})] for _, test in splits],
        },
        "data": {
            "corpus": {"files": f"datasets/{CORPUS_GLOB} ({', '.join(p.stem for p in files)})", "paragraphs": len(corpus),
                       "documents": len({e.doc_id for e in corpus}), "sha256": corpus_digest},
            "seed": {"file": f"datasets/{SEED_FILE}", "paragraphs": len(seed), "documents": len({e.doc_id for e in seed}),
                     "sha256": seed_digest},
            "dev": {"files": f"../shared/data/realtext_dev/ ({', '.join(DEV_FILES)})", "paragraphs": len(dev),
                    "parallel_rows": len(dev_parallel), "sha256": _file_digest([DEV_DIR / n for n in DEV_FILES]) if dev else None},
            "git": git_state,
        },
        "shipped_params": {k: (list(x) if isinstance(x, tuple) else x) for k, x in variants[0]["params"].items()},
        "warnings": mismatches,
        "targets": _targets(measured, nested_measured),
        "cv": {"evaluation": cv_eval, "by_shard": by_shard, "fold_micro_f1": _fold_micro(corpus, predicted, splits),
               "parallel": parallel_agreement(corpus, predicted),
               "confident_disagreements": confident_disagreements(corpus, probabilities),
               "fit_seconds": fit_seconds, "n_features": n_features},
        "seed": {"evaluation": seed_eval, "aligned": aligned, "fit_seconds": seed_result["fit_seconds"]},
        "dev": dev_result,
        "calibration": calibration,
        "baselines": baselines,
        "ablation": ablation,
        "nested": nested,
    }
    payload["run"]["wall_seconds"] = time.perf_counter() - started
    seed_thresholds = [seed_result["thresholds"][seed_result["classes"].index(name)] if name in seed_result["classes"]
                       else 0.5 for name in SECTORS]
    payload["curves"] = {
        "cv": cv_curves(corpus, {"thresholds": _fold_thresholds(results, "shipped", len(splits)),
                                 "probabilities": probabilities, "classes": list(SECTORS)}),
        "seed": label_curves([e.labels for e in seed], seed_proba, SECTORS, seed_thresholds,
                             note="the thresholds of the model trained on the corpus"),
    }
    md_path, json_path = write_report(args.out_name, render_markdown(payload), payload, figures=render_figures(payload))
    sys.stderr.write(f"wrote {md_path} and {json_path} in {payload['run']['wall_seconds']:.0f} s\n")
    for t in payload["targets"]:
        sys.stderr.write(f"  {t['target']}: {_fmt(t['measured'])} (goal {t['goal']:.2f}) {_status(t['met'], t['margin'])}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
