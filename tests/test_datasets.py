"""The project's own data sets: valid, covering the seeds, and meeting the corpus quotas."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import pytest

from sectortag import SECTORS, read_examples, split_paragraphs
from sectortag._datacheck import GENRES, check_files, dataset_stats

from conftest import REPO, SEEDS

SEED_FILE = REPO / "datasets" / "seed_paragraphs.jsonl"
CORPUS_FILES = sorted((REPO / "datasets" / "corpus").glob("*.jsonl"))
ALL_FILES = [SEED_FILE, *CORPUS_FILES]
LANGUAGES = ("en", "fr", "it")


def _records(path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="module")
def corpus():
    return [example for path in CORPUS_FILES for example in read_examples(str(path))]


def test_data_files_exist():
    assert SEED_FILE.is_file()
    assert len(CORPUS_FILES) >= 3, CORPUS_FILES
    assert sorted(p.name for p in SEEDS.glob("*.txt")), "no seed documents"


def test_every_data_file_passes_the_validator():
    problems, n = check_files([str(p) for p in ALL_FILES])
    assert problems == [], "\n".join(problems[:20])
    assert n == sum(len(_records(p)) for p in ALL_FILES)


def test_seed_rows_cover_every_paragraph_of_every_seed_document():
    rows = _records(SEED_FILE)
    by_doc = defaultdict(list)
    for row in rows:
        by_doc[row["doc_id"]].append(row)
    documents = sorted(SEEDS.glob("*.txt"))
    # seed document NNN_<hash>.txt is doc_id seed-NNN; its rows are seed-NNN-p01, -p02, ... in order
    expected_docs = {f"seed-{path.name.split('_')[0]}": path for path in documents}
    assert set(by_doc) == set(expected_docs), "seed rows and seed documents do not match one to one"
    for doc_id, path in expected_docs.items():
        paragraphs = [p.text for p in split_paragraphs(path.read_text(encoding="utf-8"))]
        doc_rows = by_doc[doc_id]
        texts = [row["text"] for row in doc_rows]
        assert len(texts) == len(paragraphs), f"{doc_id}: want {len(paragraphs)} paragraphs, is {len(texts)}"
        for number, (want, have) in enumerate(zip(paragraphs, texts), 1):
            assert have == want, f"{doc_id} paragraph {number}: want {want[:80]!r}, is {have[:80]!r}"
        assert [row["id"] for row in doc_rows] == [f"{doc_id}-p{k:02d}" for k in range(1, len(doc_rows) + 1)]
        assert {row["source"] for row in doc_rows} == {path.name}
        assert len({row["lang"] for row in doc_rows}) == 1


def test_aligned_rows_have_identical_labels():
    groups = defaultdict(list)
    for path in ALL_FILES:
        for row in _records(path):
            if "align" in row:
                groups[row["align"]].append((row["id"], row["lang"], row["labels"]))
    assert groups, "no aligned paragraphs"
    for group, members in groups.items():
        assert len(members) >= 2, f"align group {group!r} has one member: {members}"
        assert len({tuple(labels) for _, _, labels in members}) == 1, f"align group {group!r}: {members}"
        assert len({lang for _, lang, _ in members}) == len(members), f"align group {group!r} repeats a language"


def test_corpus_size_and_languages(corpus):
    stats = dataset_stats(corpus)
    assert stats["n_paragraphs"] >= 1500, f"Want: >= 1500 corpus paragraphs. Is: {stats['n_paragraphs']}"
    for lang in LANGUAGES:
        assert stats["languages"].get(lang, 0) >= 400, f"Want: >= 400 paragraphs in {lang}. Is: {stats['languages']}"


@pytest.mark.parametrize("label", SECTORS)
def test_corpus_has_150_paragraphs_per_sector(corpus, label):
    count = sum(label in example.labels for example in corpus)
    assert count >= 150, f"Want: >= 150 paragraphs with {label}. Is: {count}"


def test_corpus_label_set_sizes(corpus):
    sizes = Counter(len(example.labels) for example in corpus)
    assert sizes[0] >= 100, f"Want: >= 100 paragraphs with no label. Is: {sizes[0]}"
    multi = sum(count for size, count in sizes.items() if size >= 2)
    assert multi / len(corpus) >= 0.30, f"Want: >= 30% with two or more labels. Is: {multi / len(corpus):.1%}"
    assert all(set(example.labels) <= set(SECTORS) for example in corpus)


def test_corpus_documents_and_genres(corpus):
    missing = [example.id for example in corpus if not example.doc_id or not example.genre]
    assert missing == [], f"paragraphs without doc_id or genre: {missing[:10]}"
    genres = Counter(example.genre for example in corpus)
    assert set(genres) == set(GENRES) == {"joint_statement", "press_release", "news_report", "speech", "interview", "analysis"}
    # a document has one genre and a version in each of English, French and Italian
    genres_of, languages_of = defaultdict(set), defaultdict(set)
    for example in corpus:
        genres_of[example.doc_id].add(example.genre)
        languages_of[example.doc_id].add(example.lang)
    assert all(len(kinds) == 1 for kinds in genres_of.values()), {d: k for d, k in genres_of.items() if len(k) > 1}
    assert all(langs == {"en", "fr", "it"} for langs in languages_of.values()), {
        d: langs for d, langs in languages_of.items() if langs != {"en", "fr", "it"}
    }


def test_corpus_paragraph_lengths(corpus):
    stats = dataset_stats(corpus)
    assert stats["words"]["min"] >= 1
    assert stats["words"]["max"] <= 250, f"Want: <= 250 words per paragraph. Is: {stats['words']['max']}"
    assert all(example.text == example.text.strip() and "\n" not in example.text for example in corpus)
    short = [example for example in corpus if len(example.text.split()) <= 6]
    assert len(short) >= 20, "the corpus needs one-line headings and bylines, not only long paragraphs"
