"""Sector profiles: SectorTagger.profile and ``sectortag profile``."""

from __future__ import annotations

import csv
import io
import json

import pytest

import sectortag
from sectortag._model import profile as profile_module
from sectortag._model.profile import ProfileCounter

from conftest import error_of, stdout_of

DOCUMENT = (
    "Joint statement\n\n"
    "The two countries will cooperate against terrorism, violent extremism and organised crime.\n\n"
    "Bilateral trade turnover rose by forty percent and investment in energy projects doubled.\n\n"
    "Universities will exchange students and offer scholarships to young researchers.\n\n"
    "Defence ministers signed an agreement on joint military exercises and the defence industry."
)


def reference_profile(tagger, text: str) -> dict:
    """The profile computed the obvious way from tag_document."""
    paragraphs = tagger.tag_document(text)
    words = [len(p.text.split()) for p in paragraphs]
    total = sum(words)
    return {
        "paragraphs": len(paragraphs),
        "words": total,
        "paragraph_share": {c: sum(c in p.labels for p in paragraphs) / len(paragraphs) for c in tagger.classes_},
        "word_share": {c: sum(w for p, w in zip(paragraphs, words) if c in p.labels) / total for c in tagger.classes_},
        "unlabelled": sum(not p.labels for p in paragraphs) / len(paragraphs),
    }


def test_profile_matches_the_tagged_paragraphs(toy_tagger):
    profile = toy_tagger.profile(DOCUMENT)
    expected = reference_profile(toy_tagger, DOCUMENT)
    for key, value in expected.items():
        assert getattr(profile, key) == pytest.approx(value), key
    assert profile.paragraph_share["security_defense"] == pytest.approx(2 / 5)
    assert profile.dominant[0] == "security_defense"
    lead = profile.word_share[profile.dominant[0]]
    for name in toy_tagger.classes_:
        assert (name in profile.dominant) == (lead > 0 and profile.word_share[name] >= lead * 2 / 3), name
    assert profile.to_dict()["dominant"] == profile.dominant


def test_profile_of_an_empty_document_is_all_zero(toy_tagger):
    profile = toy_tagger.profile("  \n\n ")
    assert (profile.paragraphs, profile.words, profile.dominant, profile.unlabelled) == (0, 0, [], 0.0)
    assert set(profile.word_share.values()) == {0.0}


def test_profile_takes_one_document(toy_tagger):
    with pytest.raises(TypeError, match="one str"):
        toy_tagger.profile([DOCUMENT])
    with pytest.raises(sectortag.NotFittedError):
        sectortag.SectorTagger().profile(DOCUMENT)


def test_profile_in_batches_equals_one_batch(toy_tagger, monkeypatch):
    whole = toy_tagger.profile(DOCUMENT * 3, threshold=0.3)
    monkeypatch.setattr(profile_module, "_BATCH", 2)
    assert toy_tagger.profile(DOCUMENT * 3, threshold=0.3) == whole


def test_counter_ignores_unknown_and_repeated_labels():
    counter = ProfileCounter(["a", "b"])
    counter.add("one two three", ["a", "a", "zzz"])
    counter.add("four", [])
    profile = counter.profile()
    assert profile.paragraph_share == {"a": 0.5, "b": 0.0}
    assert profile.word_share == {"a": 0.75, "b": 0.0}
    assert (profile.unlabelled, profile.dominant) == (0.5, ["a"])


# --------------------------------------------------------------------------
# the command


def test_cli_gives_one_row_per_file(tmp_path, toy_model_path, toy_tagger, run_main):
    paths = []
    for number in range(3):
        path = tmp_path / f"doc{number}.txt"
        path.write_text(DOCUMENT if number != 1 else "Thank you.\n\nLeave a comment", encoding="utf-8")
        paths.append(str(path))
    out = stdout_of(run_main("profile", "--model", str(toy_model_path), "--format", "csv", *paths))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["source"] for row in rows] == paths
    expected = reference_profile(toy_tagger, DOCUMENT)
    assert float(rows[0]["words_security_defense"]) == pytest.approx(expected["word_share"]["security_defense"], abs=1e-4)
    assert rows[1]["dominant"] == "" and float(rows[1]["unlabelled"]) == 1.0
    assert {f"paragraphs_{c}" for c in toy_tagger.classes_} | {f"words_{c}" for c in toy_tagger.classes_} <= set(rows[0])


def test_cli_gives_one_row_per_record_with_its_id(tmp_path, toy_model_path, run_main):
    data = tmp_path / "statements.jsonl"
    data.write_text("".join(json.dumps({"id": f"s{i}", "text": DOCUMENT}) + "\n" for i in range(4)), encoding="utf-8")
    out = stdout_of(run_main("profile", "--model", str(toy_model_path), "--format", "json", str(data)))
    rows = json.loads(out)
    assert [row["id"] for row in rows] == ["s0", "s1", "s2", "s3"]
    assert all(row["paragraphs"] == 5 for row in rows)


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_cli_tables_show_shares_and_dominant(tmp_path, toy_model_path, run_main, fmt):
    path = tmp_path / "doc.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    out = stdout_of(run_main("profile", "--model", str(toy_model_path), "--format", fmt, str(path)))
    assert "share of paragraphs / share of words" in out
    assert "40% / " in out and "security_defense" in out


def test_cli_reads_stdin_and_names_missing_files(toy_model_path, run_main):
    out = stdout_of(run_main("profile", "--model", str(toy_model_path), "--format", "jsonl", stdin=DOCUMENT.encode()))
    assert json.loads(out)["source"] == "<stdin>"
    assert "no-such.txt: no such file" in error_of(run_main("profile", "no-such.txt"))
    assert "--threshold" in error_of(run_main("profile", "--threshold", "2", "-"), code=2)
