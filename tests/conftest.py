"""Shared fixtures: a toy multi-label corpus, a tagger fitted on it, a CLI runner."""

from __future__ import annotations

import functools
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sectortag

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "datasets" / "seeds"

_SENTENCES = {
    "politics": [
        "The foreign ministers held political consultations and praised the excellent state of bilateral relations.",
        "The president received the visiting prime minister for talks on the strategic partnership.",
        "Both sides agreed to open an embassy and to ease the visa regime for diplomats.",
        "The minister reaffirmed support for the territorial integrity and sovereignty of the kingdom.",
        "Les deux ministres ont tenu des consultations politiques sur les relations bilatérales.",
        "Il presidente ha ricevuto il ministro degli esteri per un colloquio sulle relazioni bilaterali.",
    ],
    "trade": [
        "Bilateral trade turnover rose by forty percent and investment in energy projects doubled.",
        "A business forum gathered exporters, investors and chambers of commerce.",
        "The joint economic commission discussed pipelines, logistics and direct flights.",
        "Les échanges commerciaux et les investissements dans l'énergie ont fortement progressé.",
        "L'interscambio commerciale e gli investimenti nelle infrastrutture sono cresciuti.",
    ],
    "food_security": [
        "The ministers discussed food security, wheat harvests and fertiliser supplies.",
        "A new irrigation programme will help farmers raise grain yields despite drought.",
        "Cooperation in agriculture and fisheries will strengthen food supply chains.",
        "La sécurité alimentaire et l'agriculture sont au cœur de la coopération.",
        "La sicurezza alimentare e l'agricoltura restano priorità condivise.",
    ],
    "security_defense": [
        "The two countries will cooperate against terrorism, violent extremism and organised crime.",
        "Defence ministers signed an agreement on joint military exercises and the defence industry.",
        "Police services will share intelligence on drug trafficking and cybercrime.",
        "La coopération sécuritaire contre le terrorisme et la criminalité organisée sera renforcée.",
        "La cooperazione nella difesa e nella lotta al terrorismo sarà rafforzata.",
    ],
    "religion": [
        "Religious leaders met for an interfaith dialogue on tolerance between faiths.",
        "The ministry of Islamic affairs will help train imams and support pilgrimage.",
        "The delegation visited the cathedral and the grand mosque to honour shared religious heritage.",
        "Le dialogue interreligieux et la formation des imams ont été évoqués.",
        "Il dialogo interreligioso tra le comunità di fede è stato al centro dell'incontro.",
    ],
    "culture": [
        "Universities will exchange students and offer scholarships to young researchers.",
        "A cultural festival with concerts, films and museum exhibitions opened in the capital.",
        "People-to-people ties and language teaching will be expanded.",
        "Les échanges culturels, universitaires et linguistiques seront développés.",
        "Gli scambi culturali, le borse di studio e le università sono stati rafforzati.",
    ],
    "multilateral": [
        "The two sides will coordinate their positions at the United Nations General Assembly.",
        "The minister thanked his counterpart for supporting the candidacy to the Security Council.",
        "Both countries are committed to multilateralism and to the Sustainable Development Goals.",
        "Les deux pays coordonneront leurs positions au sein des Nations unies.",
        "I due paesi coordineranno le loro posizioni presso le Nazioni Unite.",
    ],
}
_EMPTY = ["By our correspondent", "Read also", "Share this article", "Thank you, Mr. President.", "Leave a comment"]


def toy_corpus() -> tuple[list[str], list[list[str]]]:
    """About 60 paragraphs: one-sector, two-sector and no-sector examples."""
    texts, labels = [], []
    names = list(_SENTENCES)
    for name in names:
        for sentence in _SENTENCES[name]:
            texts.append(sentence)
            labels.append([name])
    for i, first in enumerate(names):
        second = names[(i + 1) % len(names)]
        for k in range(2):
            texts.append(_SENTENCES[first][k] + " " + _SENTENCES[second][-1 - k])
            labels.append([first, second])
    texts += _EMPTY
    labels += [[] for _ in _EMPTY]
    return texts, labels


@functools.cache
def fitted_toy_tagger() -> sectortag.SectorTagger:
    texts, labels = toy_corpus()
    return sectortag.SectorTagger(threshold_folds=3).fit(texts, labels)


@pytest.fixture(scope="session")
def toy_tagger() -> sectortag.SectorTagger:
    return fitted_toy_tagger()


@pytest.fixture(scope="session")
def toy_model_path(tmp_path_factory, toy_tagger) -> Path:
    path = tmp_path_factory.mktemp("model") / "toy.zip"
    toy_tagger.save(path)
    return path


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m sectortag ARGS`` in a real subprocess."""
    full_env = dict(os.environ, **(env or {}))
    full_env.setdefault("PYTHONPATH", str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "sectortag", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=cwd or REPO,
        env=full_env,
        timeout=120,
    )


def stdout_of(result) -> str:
    """The decoded stdout of a run that must have succeeded."""
    assert result.returncode == 0, result.stderr.decode()
    assert b"Traceback" not in result.stderr
    return result.stdout.decode("utf-8")


def error_of(result, code: int = 1) -> str:
    """The one-line error of a run that must have failed with ``code``."""
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == code, (result.returncode, stderr)
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"Want: exactly one line on stderr. Is: {lines}"
    assert lines[0].startswith("sectortag "), lines[0]
    return lines[0]


@pytest.fixture
def run_main(capsys, monkeypatch):
    """``main(args)`` in this process, answering like ``run_cli`` (a CompletedProcess)."""
    def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin or b"")))
        try:
            from sectortag._cli import main

            code = main(list(args))
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out.encode("utf-8"), err.encode("utf-8"))

    return run


def single_label_corpus() -> tuple[list[str], list[list[str]]]:
    """The toy corpus's one-sector sentences only: exactly one label per example."""
    texts = [sentence for sentences in _SENTENCES.values() for sentence in sentences]
    labels = [[name] for name, sentences in _SENTENCES.items() for _ in sentences]
    return texts, labels


@functools.cache
def fitted_single_label_tagger() -> sectortag.SectorTagger:
    texts, labels = single_label_corpus()
    return sectortag.SectorTagger(threshold_folds=3, single_label=True).fit(texts, labels)


@pytest.fixture(scope="session")
def single_label_tagger() -> sectortag.SectorTagger:
    return fitted_single_label_tagger()
