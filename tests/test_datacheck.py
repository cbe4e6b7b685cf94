"""The data validator: each problem names the file, the line and a fix; and the data card counts."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from sectortag import SECTORS, Example
from sectortag._datacheck import check_files, dataset_stats, near_duplicates, render_stats

_TOPICS = [
    "The two ministers reviewed wheat exports and new fertiliser plants in the northern provinces.",
    "Religious leaders from both countries opened a congress on interfaith tolerance in the capital.",
    "Police services agreed to share intelligence on drug trafficking routes across the border.",
    "A festival of cinema, concerts and museum exhibitions will tour three cities next spring.",
]


def row(i: int, **changes) -> dict:
    record = {"id": f"doc-p{i}", "doc_id": "doc", "lang": "en", "genre": "news_report", "text": _TOPICS[i], "labels": ["trade"]}
    record.update(changes)
    return {k: v for k, v in record.items() if v is not ...}


def write(path, *records) -> str:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records), encoding="utf-8")
    return str(path)


def only_problem(paths) -> str:
    problems, _ = check_files(paths)
    assert len(problems) == 1, problems
    return problems[0]


def test_clean_file_passes(tmp_path):
    path = write(tmp_path / "clean.jsonl", row(0), row(1, labels=[]), row(2, labels=["security_defense", "multilateral"], align="g"), row(3, lang="it"))
    assert check_files([path]) == ([], 4)


def test_clean_files_pass_together(tmp_path):
    first = write(tmp_path / "a.jsonl", row(0), row(1, align="g"))
    second = write(tmp_path / "b.jsonl", row(2, id="other-p1", lang="fr", align="g"), row(3, id="other-p2"))
    assert check_files([first, second]) == ([], 4)


@pytest.mark.parametrize("value", [..., "", "  ", 7, None])
def test_text_is_required(tmp_path, value):
    path = write(tmp_path / "data.jsonl", row(0), row(1, text=value))
    problems, n = check_files([path])
    assert n == (2 if isinstance(value, str) else 1)
    assert problems == [f"{path}:2: missing or empty 'text' (a string is required)"]


@pytest.mark.parametrize("key", ["id", "doc_id", "lang"])
def test_fields_train_does_not_need_are_optional(tmp_path, key):
    path = write(tmp_path / "data.jsonl", row(0, **{key: ...}), row(1, **{key: None}))
    assert check_files([path]) == ([], 2)


@pytest.mark.parametrize("key", ["id", "doc_id", "lang"])
@pytest.mark.parametrize("value", ["", "  ", 7])
def test_optional_fields_when_given_must_be_strings(tmp_path, key, value):
    path = write(tmp_path / "data.jsonl", row(0), row(1, **{key: value}))
    problems, _ = check_files([path])
    assert problems[0] == f"{path}:2: '{key}' must be a non-empty string when given, got {value!r}"
    assert all(p.startswith(f"{path}:2: ") for p in problems)  # a blank lang is also not an ISO code


def test_csv_files_are_checked_like_train_reads_them(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text('text,labels\n"Wheat and trade, said the minister.",trade;food_security\nA heading,\n'
                    "Migration talks were held in Rome today.,migration\n", encoding="utf-8")
    problems, n = check_files([str(path)])
    assert n == 3
    assert problems == [f"{path}:4: unknown label 'migration'; use one of {', '.join(SECTORS)} (or --custom-labels for your own label names)"]
    assert check_files([str(path)], labels=None) == ([], 3)


def test_encoding(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes(json.dumps(row(1, text="Caf\u00e9 " + _TOPICS[1]), ensure_ascii=False).encode("latin-1"))
    assert check_files([str(path)], encoding="latin-1") == ([], 1)


def test_near_duplicate_check_is_not_quadratic():
    """20,000 paragraphs: the old all-pairs check took 6.5 GB; this one a few seconds, memory linear in the bigrams."""
    import time

    rng = np.random.default_rng(0)
    texts = [" ".join(f"w{i}" for i in row) for row in rng.integers(0, 5000, size=(20_000, 12)).tolist()]
    texts[7] = texts[3] + " extra"
    texts[19_999] = texts[10].upper()
    start = time.perf_counter()
    found = near_duplicates(texts)
    assert [(i, j) for i, j, _ in found] == [(3, 7), (10, 19_999)]
    assert time.perf_counter() - start < 20


@pytest.mark.parametrize("labels", [..., "trade", None, [1], ["trade", None]])
def test_schema_error_labels_not_a_list(tmp_path, labels):
    path = write(tmp_path / "data.jsonl", row(0, labels=labels))
    assert only_problem([path]) == f"{path}:1: 'labels' must be a list of label names (possibly empty)"


def test_unknown_label_suggests_the_nearest(tmp_path):
    path = write(tmp_path / "data.jsonl", row(0), row(1, labels=["religion", "securty_defense"]))
    assert only_problem([path]) == f"{path}:2: unknown label 'securty_defense'; did you mean 'security_defense'? (or --custom-labels for your own label names)"


def test_unknown_label_far_from_any_sector_lists_them(tmp_path):
    for far in ("xyzzy", "migration"):  # 'migration' is not 'religion'
        path = write(tmp_path / "data.jsonl", row(0, labels=[far]))
        assert only_problem([path]) == (
            f"{path}:1: unknown label '{far}'; use one of {', '.join(SECTORS)} (or --custom-labels for your own label names)"
        )


def test_repeated_label(tmp_path):
    path = write(tmp_path / "data.jsonl", row(0, labels=["trade", "trade"]))
    assert only_problem([path]) == f"{path}:1: a label is repeated in ['trade', 'trade']; list each label once"


def test_duplicate_id_within_and_across_files(tmp_path):
    first = write(tmp_path / "a.jsonl", row(0), row(1, id="doc-p0"))
    assert only_problem([first]) == f"{first}:2: id 'doc-p0' already used at {first}:1; ids must be unique"
    second = write(tmp_path / "b.jsonl", row(2), row(3, id="doc-p1"))
    problems, n = check_files([write(tmp_path / "c.jsonl", row(0), row(1)), second])
    assert n == 4
    assert problems == [f"{second}:2: id 'doc-p1' already used at {tmp_path / 'c.jsonl'}:2; ids must be unique"]


@pytest.mark.parametrize("lang", ["EN", "eng", "english", "xx", "e", "en-GB", "zz"])
def test_bad_iso_language_code(tmp_path, lang):
    path = write(tmp_path / "data.jsonl", row(0, lang=lang))
    assert only_problem([path]) == (
        f"{path}:1: lang {lang!r} is not an ISO 639-1 code; use two lower-case letters such as 'en', 'fr', 'it'"
    )


@pytest.mark.parametrize("lang", ["en", "fr", "it", "de", "ar", "kk", "ru", "zh"])
def test_good_iso_language_codes(tmp_path, lang):
    assert check_files([write(tmp_path / "data.jsonl", row(0, lang=lang))]) == ([], 1)


def test_unknown_genre(tmp_path):
    path = write(tmp_path / "data.jsonl", row(0, genre="blog"))
    assert only_problem([path]).startswith(f"{path}:1: genre 'blog' is not one of joint_statement, press_release")


def test_align_and_source_must_be_strings(tmp_path):
    path = write(tmp_path / "data.jsonl", row(0, align=3), row(1, source=["x"]))
    assert check_files([path])[0] == [f"{path}:1: 'align' must be a string", f"{path}:2: 'source' must be a string"]


def test_align_group_with_different_labels(tmp_path):
    first = write(tmp_path / "en.jsonl", row(0, align="js-p01", labels=["trade", "food_security"]))
    second = write(tmp_path / "fr.jsonl", row(1, id="fr-p1", lang="fr", align="js-p01", labels=["trade"]), row(2, id="fr-p2"))
    assert only_problem([first, second]) == (
        f"{second}:1: align group 'js-p01' has labels ['trade'] but {first}:1 has ['trade', 'food_security']; "
        "translations must carry identical labels"
    )


def test_align_group_with_identical_labels_passes(tmp_path):
    path = write(
        tmp_path / "data.jsonl",
        row(0, align="g", lang="en", labels=["trade", "politics"]),
        row(1, align="g", lang="fr", labels=["trade", "politics"]),
        row(2, align="g", lang="it", labels=["trade", "politics"]),
    )
    assert check_files([path]) == ([], 3)


def test_align_group_needs_every_language_once(tmp_path):
    path = write(
        tmp_path / "data.jsonl",
        row(0, align="g", lang="en"), row(1, align="g", lang="fr"), row(2, align="g", lang="it"),
        row(3, id="h-en", align="h", lang="en"), row(0, id="h-fr1", align="h", lang="fr", text="Accord sur le blé."),
        row(1, id="h-fr2", align="h", lang="fr", text="Les ministres ont signé un mémorandum culturel."),
    )  # fmt: skip
    assert only_problem([path]) == (
        f"{path}:4: align group 'h' has no it version; more than one fr version; "
        "every aligned paragraph needs exactly one version in each of en, fr, it"
    )


def test_align_group_needs_one_original(tmp_path):
    path = write(
        tmp_path / "data.jsonl",
        row(0, align="g", lang="en", translated=True), row(1, align="g", lang="fr", translated=True),
        row(2, id="x", align="x", lang="en", translated="no"), row(3, id="y", align="x", lang="fr", translated=False),
    )  # fmt: skip
    problems, _ = check_files([path])
    assert problems == [
        f"{path}:3: 'translated' must be true or false (false on the original version)",
        f"{path}:1: align group 'g' has 0 rows with translated=false; mark exactly one version (the original) translated=false",
    ]


def test_near_duplicates_are_reported(tmp_path):
    original = "The two ministers discussed trade and investment in energy and agriculture on Monday."
    copy = "The two ministers discussed trade and investment in energy and agriculture on Tuesday."
    path = write(tmp_path / "data.jsonl", row(0, text=original), row(1), row(2, text=copy))
    problem = only_problem([path])
    assert re.fullmatch(
        re.escape(f"{path}:3: near-duplicate of {path}:1 (word-bigram Jaccard ") + r"0\.\d\d" + re.escape(" > 0.6); rewrite one of them"),
        problem,
    ), problem


def test_near_duplicates_across_files_name_both(tmp_path):
    text = "Both countries will coordinate their positions at the United Nations General Assembly."
    first = write(tmp_path / "a.jsonl", row(0, text=text))
    second = write(tmp_path / "b.jsonl", row(1, id="b-p1", text=text.upper()))
    assert only_problem([first, second]).startswith(f"{second}:1: near-duplicate of {first}:1 (word-bigram Jaccard 1.00")


def test_near_duplicate_threshold_is_strict_and_short_paragraphs_are_exempt():
    base = "wheat exports to the region rose sharply this year"  # 9 words, 8 bigrams
    texts = [
        base,
        "wheat exports to the region rose sharply this month",  # 7 shared of 9 bigrams: 0.78 > 0.6
        "wheat exports to the region rose sharply again slowly",  # 6 shared of 10 bigrams: exactly 0.6, not over it
        "Read also: wheat prices",
        "Read also: wheat prices",  # identical short lines are expected
        "Thank you very much for your kind attention today.",
        "Thank you very much for your kind attention today.",  # a stock formula: unlabelled, under 25 words
    ]
    found = near_duplicates(texts, labelled=[True, True, True, False, False, False, False])
    assert [(i, j) for i, j, _ in found] == [(0, 1)]
    assert found[0][2] == pytest.approx(7 / 9)
    assert near_duplicates([base, texts[2]], threshold=0.59)[0][:2] == (0, 1)
    assert [(i, j) for i, j, _ in near_duplicates(texts[5:])] == [(0, 1)]  # labelled: 8 words are enough


def test_near_duplicates_within_an_align_group_are_translations():
    texts = ["The ministers signed the Kampala accord on 12 May 2025 in Rome.",
             "The ministers signed the Kampala accord on 12 May 2025 in Rome."]
    assert near_duplicates(texts, groups=["g", "g"]) == []
    assert len(near_duplicates(texts, groups=["g", "h"])) == 1
    assert near_duplicates([]) == []


def test_unreadable_and_empty_files(tmp_path):
    missing = tmp_path / "missing.jsonl"
    empty = write(tmp_path / "empty.jsonl")
    bad = write(tmp_path / "bad.jsonl", row(0), "{not json")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(json.dumps(row(1, text="Caf\u00e9 " + _TOPICS[1]), ensure_ascii=False).encode("latin-1"))
    problems, n = check_files([str(missing), empty, bad, str(latin)])
    assert problems[0] == f"{missing}: no such file; check the path"
    assert problems[1] == f"{empty}: contains no records; add one record per line with 'text' and 'labels'"
    assert problems[2].startswith(f"{bad}:2: malformed JSON (")
    assert problems[3].startswith(f"{latin}: cannot decode byte 0xe9 at offset ")
    assert problems[3].endswith("pass --encoding (e.g. latin-1) or --errors replace")
    assert len(problems) == 4 and n == 0


def test_every_problem_names_file_and_line(tmp_path):
    path = write(
        tmp_path / "data.jsonl",
        row(0, lang="EN", labels=["trde"], genre="blog"),
        row(1, id="doc-p0", doc_id=""),
    )
    problems, n = check_files([path])
    assert n == 2 and len(problems) == 5
    assert all(re.match(re.escape(path) + r":[12]: ", p) for p in problems), problems


# ----------------------------------------------------------------------
# dataset_stats


def test_dataset_stats_counts():
    examples = [
        Example("Wheat and trade.", ("food_security", "trade"), doc_id="a", lang="en", genre="speech"),
        Example("Le commerce.", ("trade",), doc_id="a", lang="fr", genre="speech"),
        Example("Leave a comment", (), doc_id="b", lang="en", genre="interview"),
        Example("One two three four five six seven", ("religion", "culture", "multilateral"), doc_id="b", lang="it"),
    ]
    stats = dataset_stats(examples)
    assert stats["n_paragraphs"] == 4
    assert stats["n_documents"] == 2
    assert stats["languages"] == {"en": 2, "fr": 1, "it": 1}
    assert list(stats["label_by_language"]) == list(SECTORS)
    assert stats["label_by_language"]["trade"] == {"en": 1, "fr": 1, "it": 0}
    assert stats["label_by_language"]["politics"] == {"en": 0, "fr": 0, "it": 0}
    assert stats["genres"] == {"(none)": 1, "interview": 1, "speech": 2}
    assert (stats["no_label"], stats["multi_label"]) == (1, 2)
    assert (stats["no_label_share"], stats["multi_label_share"]) == (0.25, 0.5)
    assert stats["words"] == {"min": 2, "median": 3.0, "max": 7}
    json.dumps(stats)  # plain JSON types only


def test_dataset_stats_of_nothing():
    stats = dataset_stats([])
    assert stats["n_paragraphs"] == 0 and stats["no_label_share"] == 0.0
    assert stats["words"] == {"min": 0, "median": 0.0, "max": 0}


def test_render_stats_formats():
    stats = dataset_stats([Example("Wheat and trade.", ("food_security", "trade"), doc_id="a", lang="en", genre="speech")])
    assert json.loads(render_stats(stats, "json")) == stats
    table = render_stats(stats, "table")
    assert table.startswith("1 paragraphs in 1 documents; 1 (100.0%) with two or more labels")
    assert "food_security" in table and "speech" in table
    assert "| label" in render_stats(stats, "markdown")
