"""The shipped model, tested like a product.

It is loaded the way users load it (``sectortag.load()``, from the installed
package), run on the seed documents, and held to quality floors that fail
with "Want: ... Is: ...". The floors are deliberately below what the model
reaches today so that retraining (on the seeds plus the corpus) does not
trip them, yet a broken featurizer, a shuffled label order or a stale model
does. The seed paragraphs are part of the training data, so their floor
guards against breakage; the sentences below were written for this test and
are in no training set, so they check that the model generalises at all.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sectortag
from sectortag import SECTORS, read_examples, split_paragraphs
from sectortag._eval.evaluate import evaluate
from sectortag._model.modelio import SHIPPED_MODEL_NAME, read_meta, shipped_model_path

from conftest import REPO, SEEDS

SEED_PARAGRAPHS = REPO / "datasets" / "seed_paragraphs.jsonl"

# Floors (see the module docstring for why they sit where they do).
MICRO_F1_FLOOR = 0.75
MACRO_F1_FLOOR = 0.65
LABEL_F1_FLOOR = 0.5
LANGUAGE_MICRO_F1_FLOOR = 0.65
CV_MICRO_F1_FLOOR = 0.6  # the model's own cross-validated estimate, from its metadata
OBVIOUS_SHARE_FLOOR = 0.7  # of the 21 sentences below; every English one must be right

# One plain sentence per sector and language: its sector must be among the labels.
OBVIOUS = {
    "politics": [
        ("en", "The foreign minister paid an official visit to Rabat and held political consultations with his counterpart on bilateral relations."),
        ("fr", "Le ministre des Affaires étrangères a effectué une visite officielle et a tenu des consultations politiques sur les relations bilatérales."),
        ("it", "Il ministro degli Esteri ha effettuato una visita ufficiale e ha tenuto consultazioni politiche sulle relazioni bilaterali."),
    ],
    "trade": [
        ("en", "Bilateral trade turnover grew by thirty percent, and the business council agreed to boost investment and exports."),
        ("fr", "Les échanges commerciaux ont progressé de trente pour cent et le conseil d'affaires veut stimuler les investissements et les exportations."),
        ("it", "L'interscambio commerciale è cresciuto del trenta per cento e il consiglio d'affari vuole aumentare gli investimenti e le esportazioni."),
    ],
    "food_security": [
        ("en", "The two countries will cooperate on food security, agriculture and wheat supplies."),
        ("fr", "Les deux pays coopéreront dans les domaines de la sécurité alimentaire, de l'agriculture et de l'approvisionnement en blé."),
        ("it", "I due paesi coopereranno in materia di sicurezza alimentare, agricoltura e forniture di grano."),
    ],
    "security_defense": [
        ("en", "The ministers agreed to strengthen cooperation in the fight against terrorism, violent extremism and organised crime."),
        ("fr", "Les ministres ont convenu de renforcer la coopération dans la lutte contre le terrorisme, l'extrémisme violent et la criminalité organisée."),
        ("it", "I ministri hanno concordato di rafforzare la cooperazione nella lotta contro il terrorismo, l'estremismo violento e la criminalità organizzata."),
    ],
    "religion": [
        ("en", "Religious leaders from both countries met for an interfaith dialogue on religious tolerance and the training of imams."),
        ("fr", "Les responsables religieux des deux pays se sont réunis pour un dialogue interreligieux sur la tolérance religieuse et la formation des imams."),
        ("it", "I leader religiosi dei due paesi si sono incontrati per un dialogo interreligioso sulla tolleranza religiosa e la formazione degli imam."),
    ],
    "culture": [
        ("en", "Cultural days, art exhibitions and student exchanges between universities will bring the two peoples closer."),
        ("fr", "Des journées culturelles, des expositions d'art et des échanges d'étudiants entre universités rapprocheront les deux peuples."),
        ("it", "Giornate culturali, mostre d'arte e scambi di studenti tra le università avvicineranno i due popoli."),
    ],
    "multilateral": [
        ("en", "The two sides agreed to coordinate their positions within the United Nations and the Organisation of Islamic Cooperation."),
        ("fr", "Les deux parties ont convenu de coordonner leurs positions au sein des Nations unies et de l'Organisation de la coopération islamique."),
        ("it", "Le due parti hanno concordato di coordinare le loro posizioni in seno alle Nazioni Unite e all'Organizzazione della cooperazione islamica."),
    ],
}
# Navigation text and bylines carry no sector (codebook rule 4).
NO_SECTOR = [("en", "Leave a comment"), ("fr", "Partager cet article"), ("it", "Leggi anche")]


@pytest.fixture(scope="module")
def model():
    return sectortag.load()


@pytest.fixture(scope="module")
def seed_report(model):
    return evaluate(model, read_examples(str(SEED_PARAGRAPHS)))


# --------------------------------------------------------------------------
# where the model comes from


def test_load_without_arguments_gives_the_shipped_model(model):
    assert model.classes_ == list(SECTORS)
    assert model.multilabel_
    assert Path(model.model_path_) == shipped_model_path()
    assert shipped_model_path().name == SHIPPED_MODEL_NAME and shipped_model_path().is_file()


def test_shipped_model_path_is_inside_the_imported_package_or_the_checkout():
    path = shipped_model_path().resolve()
    package = Path(sectortag.__file__).resolve().parent
    # installed: <site-packages>/sectortag/models/; editable or checkout: <repo>/models/
    assert path in (package / "models" / SHIPPED_MODEL_NAME, package.parent / "models" / SHIPPED_MODEL_NAME)


def test_pyproject_ships_the_models_folder_as_package_data():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "sectortag.models" in config["packages"]
    assert config["package-dir"]["sectortag.models"] == "models"
    assert "*.zip" in config["package-data"]["sectortag.models"]
    assert (REPO / "models" / SHIPPED_MODEL_NAME).is_file()


def test_installed_layout_contains_and_loads_the_model(tmp_path):
    """Build the package as an install would lay it out, then load the model from there alone."""
    pytest.importorskip("setuptools")
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(REPO / "pyproject.toml", source)
    for folder in ("sectortag", "models"):
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    lib = tmp_path / "lib"
    build = subprocess.run(
        [sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "build_py", "--build-lib", str(lib)],
        cwd=source, capture_output=True, timeout=120,
    )
    assert build.returncode == 0, build.stderr.decode()
    assert (lib / "sectortag" / "models" / SHIPPED_MODEL_NAME).is_file()
    check = (
        "import json, sys; sys.path.insert(0, sys.argv[1])\n"
        "import importlib.resources, sectortag\n"
        "from sectortag._model.modelio import shipped_model_path\n"
        "names = sorted(p.name for p in importlib.resources.files('sectortag.models').iterdir())\n"
        "tagger = sectortag.load()\n"
        "print(json.dumps({'package': sectortag.__file__, 'names': names, 'path': str(shipped_model_path()),\n"
        "                  'classes': tagger.classes_}))\n"
    )
    run = subprocess.run([sys.executable, "-c", check, str(lib)], capture_output=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr.decode()
    found = json.loads(run.stdout)
    assert Path(found["package"]).resolve().is_relative_to(lib.resolve())
    assert SHIPPED_MODEL_NAME in found["names"]
    assert Path(found["path"]).resolve() == (lib / "sectortag" / "models" / SHIPPED_MODEL_NAME).resolve()
    assert found["classes"] == list(SECTORS)


# --------------------------------------------------------------------------
# metadata


def test_metadata_lists_the_seven_sectors_in_order_with_thresholds():
    meta = read_meta(shipped_model_path())
    assert meta["format"] == "sectortag-model"
    assert meta["labels"] == list(SECTORS)
    assert meta["multilabel"] is True
    assert list(meta["thresholds"]) == list(SECTORS)
    for label, threshold in meta["thresholds"].items():
        assert isinstance(threshold, float) and 0 < threshold < 1, f"{label}: Want: a threshold in (0, 1). Is: {threshold}"
        assert meta["threshold_sources"][label] in ("label", "pooled")
    training = meta["training"]
    assert training["n_examples"] >= 143 and len(training["data_sha256"]) == 64
    assert set(training["label_counts"]) == set(SECTORS) and all(n > 0 for n in training["label_counts"].values())
    cv = training["cv"]["metrics"]["micro"]["f1"]
    assert cv >= CV_MICRO_F1_FLOOR, f"Want: cross-validated micro-F1 >= {CV_MICRO_F1_FLOOR} in the model card. Is: {cv:.3f}"
    assert {"numpy", "scipy", "scikit_learn", "python"} <= set(meta["versions"])


def test_loaded_thresholds_match_the_metadata(model):
    meta = read_meta(shipped_model_path())
    assert [meta["thresholds"][label] for label in SECTORS] == pytest.approx(list(model.thresholds_), abs=0)
    assert all(0 < t < 1 and not math.isnan(t) for t in model.thresholds_)


# --------------------------------------------------------------------------
# the seed documents and paragraphs


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_tags_each_seed_document(model, path):
    text = path.read_text(encoding="utf-8")
    tagged = model.tag_document(text)
    assert len(tagged) == len(split_paragraphs(text))
    for paragraph in tagged:
        assert text[paragraph.start : paragraph.end] == paragraph.text
        assert set(paragraph.labels) <= set(SECTORS)
    labelled = sum(1 for p in tagged if p.labels)
    assert labelled >= len(tagged) / 3, f"{path.name}: Want: a label on at least a third of {len(tagged)} paragraphs. Is: {labelled}"
    sectors = {label for p in tagged for label in p.labels}
    assert len(sectors) >= 3, f"{path.name}: Want: at least 3 sectors across a diplomatic article. Is: {sorted(sectors)}"


def test_seed_paragraphs_micro_and_macro_f1(seed_report):
    overall = seed_report["overall"]
    micro, macro = overall["micro"]["f1"], overall["macro"]["f1"]
    assert micro >= MICRO_F1_FLOOR, f"Want: micro-F1 >= {MICRO_F1_FLOOR} on {SEED_PARAGRAPHS.name}. Is: {micro:.3f}"
    assert macro >= MACRO_F1_FLOOR, f"Want: macro-F1 >= {MACRO_F1_FLOOR} on {SEED_PARAGRAPHS.name}. Is: {macro:.3f}"


@pytest.mark.parametrize("label", SECTORS)
def test_seed_paragraphs_f1_per_sector(seed_report, label):
    scores = seed_report["overall"]["labels"][label]
    assert scores["support"] > 0
    assert scores["f1"] >= LABEL_F1_FLOOR, f"{label}: Want: F1 >= {LABEL_F1_FLOOR} on the seed paragraphs. Is: {scores['f1']:.3f} ({scores})"


def test_seed_paragraphs_f1_per_language(seed_report):
    languages = seed_report["by_lang"]
    assert {"en", "fr", "it"} <= set(languages)
    for lang, scores in languages.items():
        f1 = scores["micro"]["f1"]
        assert f1 >= LANGUAGE_MICRO_F1_FLOOR, f"lang={lang}: Want: micro-F1 >= {LANGUAGE_MICRO_F1_FLOOR}. Is: {f1:.3f}"


# --------------------------------------------------------------------------
# sentences no training set contains


def test_obvious_sentences_get_their_sector(model):
    cases = [(label, lang, text) for label, items in OBVIOUS.items() for lang, text in items]
    results = [(label, lang, model.tag(text).labels) for label, lang, text in cases]
    missed = [f"{lang} {label} -> {labels}" for label, lang, labels in results if label not in labels]
    missed_english = [m for m in missed if m.startswith("en ")]
    assert not missed_english, f"Want: every English sentence tagged with its sector. Is: missed {missed_english}"
    share = 1 - len(missed) / len(cases)
    assert share >= OBVIOUS_SHARE_FLOOR, (
        f"Want: at least {OBVIOUS_SHARE_FLOOR:.0%} of {len(cases)} obvious sentences tagged with their sector. "
        f"Is: {share:.0%}; missed {missed}"
    )
    crowded = [(lang, label, labels) for label, lang, labels in results if len(labels) > 3]
    assert not crowded, f"Want: at most 3 labels on a one-topic sentence. Is: {crowded}"


@pytest.mark.parametrize("lang, text", NO_SECTOR)
def test_navigation_text_gets_no_sector(model, lang, text):
    labels = model.tag(text).labels
    assert labels == [], f"{lang} {text!r}: Want: no label. Is: {labels}"
