"""Tried and dropped: nltk's Snowball stemmers as extra features.

    pip install nltk && python -m benchmarks.stemming

Every word of a paragraph is stemmed by the English, French and Italian
Snowball stemmers (the language of a paragraph is unknown at tagging time)
and its distinct stems are appended to the text as extra tokens, marked so
that they never equal a word; the tagger then learns weights for them like
any other word. This is the feature the issue proposed, built the cheapest
way to measure it (a shipped version would store a word -> stem map in the
model, so that tagging imports no nltk). Compared, with the shipped defaults
otherwise: grouped cross-validation on the corpus, the seed paragraphs held
out, and the real-text dev set with its parallel version. Writes
``benchmarks/results/stemming.md`` and ``.json``.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

from sectortag import SECTORS, SectorTagger
from sectortag._eval.benchmark import document_folds
from sectortag._eval.metrics import label_scores

from ._common import environment, header_markdown, write_report
from .accuracy import RANDOM_STATE, load_data, load_dev, parallel_agreement, shipped_settings

_TOKEN = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=None)
def _stems(word: str) -> tuple[str, ...]:

    stemmers = _stemmers()
    folded = {"".join(c for c in unicodedata.normalize("NFKD", s.stem(word)) if not unicodedata.combining(c)) for s in stemmers}
    return tuple(sorted(folded))


@functools.lru_cache(maxsize=1)
def _stemmers():
    from nltk.stem.snowball import SnowballStemmer

    return [SnowballStemmer(language) for language in ("english", "french", "italian")]


def with_stems(text: str) -> str:
    """``text`` followed by a blank line and the stems of its words, each prefixed with "zq"."""
    stems = [f"zq{stem}" for word in _TOKEN.findall(text.lower()) for stem in _stems(word)]
    return f"{text}\n\n{' '.join(stems)}"


def evaluate(stem: bool, corpus, seed, dev, dev_parallel, folds: int = 5) -> dict:
    prepare = with_stems if stem else (lambda text: text)
    texts = [prepare(e.text) for e in corpus]
    splits, _ = document_folds(corpus, folds, random_state=RANDOM_STATE)
    predicted = [None] * len(corpus)
    for train, test in splits:
        tagger = SectorTagger(**shipped_settings()).fit([texts[i] for i in train], [corpus[i].labels for i in train],
                                    groups=[corpus[i].doc_id for i in train])
        for i, names in zip(test, tagger.predict([texts[i] for i in test])):
            predicted[i] = names
    result = {"cv_micro": label_scores([e.labels for e in corpus], predicted, SECTORS)["micro"]["f1"],
              "cv_parallel": parallel_agreement(corpus, predicted).get("share")}
    tagger = SectorTagger(**shipped_settings()).fit(texts, [e.labels for e in corpus], groups=[e.doc_id for e in corpus])
    seed_predicted = tagger.predict([prepare(e.text) for e in seed])
    result["seed_micro"] = label_scores([e.labels for e in seed], seed_predicted, SECTORS)["micro"]["f1"]
    if dev:
        full = SectorTagger(**shipped_settings()).fit(texts + [prepare(e.text) for e in seed], [e.labels for e in corpus + seed],
                                  groups=[e.doc_id for e in corpus + seed])
        scores = label_scores([e.labels for e in dev], full.predict([prepare(e.text) for e in dev]), SECTORS)
        result.update(dev_micro=scores["micro"]["f1"], dev_macro=scores["macro"]["f1"],
                      dev_parallel=parallel_agreement(dev_parallel, full.predict([prepare(e.text) for e in dev_parallel])).get("share"))
    return result


def main() -> int:
    from tabulate import tabulate

    corpus, _, seed, _ = load_data()
    dev, dev_parallel = load_dev()
    rows = {name: evaluate(stem, corpus, seed, dev, dev_parallel) for name, stem in (("shipped settings", False), ("+ Snowball stems", True))}
    keys = ["cv_micro", "cv_parallel", "seed_micro", "dev_micro", "dev_macro", "dev_parallel"]
    table = tabulate([[name] + [r.get(k) for k in keys] for name, r in rows.items()],
                     headers=["features", "grouped CV micro-F1", "CV 3-language identical", "seeds held out micro-F1",
                              "dev micro-F1", "dev macro-F1", "dev 3-language identical"], floatfmt=".3f", tablefmt="github")
    payload = {"environment": environment("benchmarks.stemming"), "results": rows}
    text = "\n".join([header_markdown(payload["environment"], "Tried and dropped: Snowball stems as features",
                                      "datasets/corpus, datasets/seed_paragraphs.jsonl, ../shared/data/realtext_dev"),
                      "", table, "", __doc__.split("\n\n", 2)[2].strip(), ""])
    md, js = write_report("stemming", text, payload)
    sys.stderr.write(f"wrote {md} and {js}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
