"""benchmark_report (sectortag benchmark) and the baselines of benchmarks/accuracy.py, on the toy corpus."""

from __future__ import annotations

import json
import sys

import pytest

from sectortag import SECTORS, DataError, Example
from sectortag._eval.benchmark import (
    aligned_agreement,
    benchmark_report,
    document_folds,
    render_benchmark,
)
from sectortag._progress import ProgressBar
from sectortag._eval.evaluate import evaluate

from conftest import REPO, run_cli, toy_corpus

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks._baselines import KeywordLexicon, MajorityLabelSet, TfidfLogReg  # noqa: E402


def toy_examples(*, doc_ids: bool = True) -> list[Example]:
    """The toy corpus with a language per example and, optionally, six documents."""
    texts, labels = toy_corpus()
    return [
        Example(text=text, labels=tuple(names), id=f"t{i}", doc_id=f"d{i % 6}" if doc_ids else None,
                lang=("en", "fr", "it")[i % 3], genre=("speech", "news_report")[i % 2])
        for i, (text, names) in enumerate(zip(texts, labels))
    ]


def write_jsonl(path, examples) -> str:
    path.write_text("".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in examples), encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------
# benchmark_report


def test_model_report_matches_evaluate_and_times_the_tagger(toy_tagger):
    examples = toy_examples()
    report = benchmark_report(examples, toy_tagger)
    block = report["model"]
    assert block["evaluation"] == evaluate(toy_tagger, examples)
    assert set(block["evaluation"]["by_lang"]) == {"en", "fr", "it"}
    assert set(block["evaluation"]["by_genre"]) == {"speech", "news_report"}
    assert block["load_seconds"] is None and block["path"] is None
    speed = block["speed"]
    assert speed["paragraphs"] == len(examples) and speed["paragraphs_per_second"] > 0
    assert 0 < speed["latency_ms"]["median"] <= speed["latency_ms"]["p95"]
    assert set(block["brier"]) == set(toy_tagger.classes_) | {"mean"}
    assert all(0 <= v <= 1 for v in block["brier"].values())
    assert report["data"]["n_examples"] == len(examples) and report["data"]["n_documents"] == 6
    assert "cv" not in report


def test_model_path_is_loaded_and_its_load_time_measured(toy_model_path):
    report = benchmark_report(toy_examples(), toy_model_path, speed=False)
    assert report["model"]["path"] == str(toy_model_path)
    assert report["model"]["load_seconds"] > 0
    assert "speed" not in report["model"]


def test_training_is_cross_validated_by_document_with_progress():
    examples = toy_examples()
    calls = []
    report = benchmark_report(
        examples, train=True, settings={"threshold_folds": 2}, folds=3, progress=lambda *a: calls.append(a)
    )
    cv = report["cv"]
    assert cv["grouped"] and cv["folds"] == 3 and cv["params"]["threshold_folds"] == 2
    overall = cv["evaluation"]["overall"]
    assert overall["n_examples"] == len(examples)
    assert 0 < overall["micro"]["f1"] <= 1
    assert "model" not in report
    done = [c[0] for c in calls]
    assert done == sorted(done) and calls[-1][0] == calls[-1][1] == 3 * (2 + 2)


def test_folds_keep_documents_whole_or_fall_back_to_plain_folds():
    examples = toy_examples()
    splits, grouped = document_folds(examples, 3)
    assert grouped
    for train, test in splits:
        assert not {examples[i].doc_id for i in train} & {examples[i].doc_id for i in test}
    assert sorted(i for _, test in splits for i in test) == list(range(len(examples)))
    _, grouped = document_folds(toy_examples(doc_ids=False), 3)
    assert not grouped


def test_errors_name_the_problem():
    with pytest.raises(DataError, match="6 documents are too few for 7-fold"):
        document_folds(toy_examples(), 7)
    with pytest.raises(ValueError, match="nothing to benchmark"):
        benchmark_report(toy_examples())
    with pytest.raises(ValueError, match="folds must be an int >= 2"):
        benchmark_report(toy_examples(), train=True, folds=1)


def test_aligned_translations_are_compared_as_label_sets():
    examples = [
        Example("a", ("trade", "politics"), id="en1", align="p1"),
        Example("b", ("trade", "politics"), id="fr1", align="p1"),
        Example("c", ("culture",), id="en2", align="p2"),
        Example("d", ("culture",), id="fr2", align="p2"),
        Example("e", (), id="lonely", align="p3"),
        Example("f", (), id="none"),
    ]
    predicted = [["politics", "trade"], ["trade", "politics"], ["culture"], [], [], []]
    result = aligned_agreement(examples, predicted)
    assert (result["groups"], result["identical"], result["share"], result["truth_identical"]) == (2, 1, 0.5, 2)
    assert [d["align"] for d in result["differing"]] == ["p2"]
    assert aligned_agreement(examples[4:], predicted[4:]) is None


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_render_every_format(toy_tagger, fmt):
    report = benchmark_report(toy_examples(), toy_tagger, speed=False)
    text = render_benchmark(report, fmt)
    if fmt == "json":
        assert json.loads(text)["model"]["evaluation"]["overall"]["n_examples"] == len(toy_examples())
    else:
        assert "micro avg" in text and "lang=fr" in text and "genre=speech" in text
        assert ("| label" in text) == (fmt == "markdown")


def test_progress_bar_writes_plain_lines_off_a_terminal(tmp_path):
    with open(tmp_path / "log", "w") as stream:
        bar = ProgressBar(stream, width=4)
        bar(1, 2, "half")
        bar(5, 2, "clipped")
        bar.close()
    assert (tmp_path / "log").read_text() == "[##..] 1/2 half\n[####] 2/2 clipped\n"


# --------------------------------------------------------------------------
# baselines


def _valid(predictions, n):
    return len(predictions) == n and all(isinstance(p, list) and set(p) <= set(SECTORS) and len(set(p)) == len(p) for p in predictions)


def test_majority_label_set():
    texts, labels = toy_corpus()
    majority = MajorityLabelSet().fit(texts, labels)
    predicted = majority.predict(texts)
    assert _valid(predicted, len(texts))
    # every one-sector set occurs 5-6 times, the empty set 5 times: politics has 6
    assert predicted[0] == ["politics"]
    assert MajorityLabelSet().fit(["a", "b", "c"], [[], [], ["trade"]]).predict(["x"]) == [[]]
    assert MajorityLabelSet(nonempty=True).fit(["a", "b", "c"], [[], [], ["trade", "politics"]]).predict(["x"]) == [["politics", "trade"]]


LEXICON_CASES = {
    "politics": {
        "en": "The foreign ministers praised the excellent bilateral relations during the official visit.",
        "fr": "Les ministres ont salué l'excellence des relations bilatérales lors de la visite officielle.",
        "it": "I ministri hanno lodato le ottime relazioni bilaterali durante la visita ufficiale.",
    },
    "trade": {
        "en": "Exports and foreign investment grew strongly last year.",
        "fr": "Les exportations et les investissements étrangers ont fortement progressé.",
        "it": "Le esportazioni e gli investimenti esteri sono fortemente cresciuti.",
    },
    "food_security": {
        "en": "Wheat harvests and food security were discussed.",
        "fr": "La sécurité alimentaire et les récoltes de blé ont été évoquées.",
        "it": "Si è discusso di sicurezza alimentare e di raccolti di grano.",
    },
    "security_defense": {
        "en": "They will fight terrorism together.",
        "fr": "Ils lutteront ensemble contre le terrorisme.",
        "it": "Combatteranno insieme il terrorismo.",
    },
    "religion": {
        "en": "Religious leaders met for an interfaith dialogue.",
        "fr": "Les responsables religieux se sont réunis pour un dialogue interreligieux.",
        "it": "I leader religiosi si sono riuniti per un dialogo interreligioso.",
    },
    "culture": {
        "en": "Universities will exchange students.",
        "fr": "Les universités échangeront des étudiants.",
        "it": "Le università scambieranno studenti.",
    },
    "multilateral": {
        "en": "They will coordinate their positions at the United Nations.",
        "fr": "Ils coordonneront leurs positions aux Nations unies.",
        "it": "Coordineranno le loro posizioni alle Nazioni Unite.",
    },
}


@pytest.fixture(scope="module")
def lexicon() -> KeywordLexicon:
    return KeywordLexicon()


@pytest.mark.parametrize("label,lang", [(label, lang) for label in LEXICON_CASES for lang in ("en", "fr", "it")])
def test_lexicon_fires_on_obvious_sentences(lexicon, label, lang):
    text = LEXICON_CASES[label][lang]
    assert lexicon.predict([text], [lang]) == [[label]], lexicon.matches(text, lang)
    assert label in lexicon.predict([text])[0]  # every language's keywords when the language is unknown


def test_lexicon_folds_case_and_accents_and_respects_whole_word_stems(lexicon):
    assert lexicon.predict(["LA SECURITE ALIMENTAIRE"], ["fr"]) == [["food_security"]]
    assert lexicon.predict(["Un blessé a été soigné."], ["fr"]) == [[]]  # "ble$" matches "blé" only
    texts, labels = toy_corpus()
    assert _valid(lexicon.predict(texts), len(texts))
    with pytest.raises(TypeError, match="list of texts"):
        lexicon.predict("one text")


def test_tfidf_logreg_baseline_gives_valid_label_lists():
    texts, labels = toy_corpus()
    model = TfidfLogReg().fit(texts, labels)
    assert _valid(model.predict(texts), len(texts))
    assert model.predict_proba(texts).shape == (len(texts), len(SECTORS))


# --------------------------------------------------------------------------
# the command


def test_cli_benchmark(tmp_path, toy_model_path):
    data = write_jsonl(tmp_path / "toy.jsonl", toy_examples())
    result = run_cli("benchmark", "--data", data, "--model", str(toy_model_path), "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    assert report["model"]["evaluation"]["overall"]["n_examples"] == len(toy_examples())
    assert report["model"]["speed"]["paragraphs_per_second"] > 0
    assert b"model benchmarked" in result.stderr

    missing = run_cli("benchmark", "--data", str(tmp_path / "missing.jsonl"))
    assert missing.returncode == 1
    assert missing.stderr.decode().strip().splitlines() == [
        f"sectortag benchmark: error: {tmp_path / 'missing.jsonl'}: no such file; check the path"
    ]


def test_cli_benchmark_of_a_model_does_not_import_sklearn(tmp_path, toy_model_path):
    data = write_jsonl(tmp_path / "toy.jsonl", toy_examples())
    code = (
        "import sys; from sectortag._cli import main; "
        f"rc = main(['benchmark', '--data', {data!r}, '--model', {str(toy_model_path)!r}, '--format', 'markdown']); "
        "assert 'sklearn' not in sys.modules, 'sklearn imported'; sys.exit(rc)"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert b"## model" in result.stdout
