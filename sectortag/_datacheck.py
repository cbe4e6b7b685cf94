"""Validate annotated data against the codebook, and describe it.

``check_files`` is what ``sectortag data check`` and the test suite run on
everything in ``datasets/``; ``dataset_stats`` produces the counts of the
data card, so no figure there is typed by hand.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from ._io.data import Example, labelled_records
from ._errors import DataError
from ._labels import SECTORS, nearest_label

__all__ = ["GENRES", "check_files", "dataset_stats", "render_stats", "near_duplicates"]

GENRES = ("joint_statement", "press_release", "news_report", "speech", "interview", "analysis")
_LANG = re.compile(r"^[a-z]{2}$")
_ISO_639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el "
    "en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu "
    "ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na "
    "nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so "
    "sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu".split()
)
_WORD = re.compile(r"\w+")
NEAR_DUPLICATE_JACCARD = 0.6
_MIN_WORDS_FOR_DUPLICATES = 8
_MIN_WORDS_UNLABELLED = 25


def _record_problems(record: dict, where: str, allowed: Sequence[str] | None = SECTORS) -> list[str]:
    """Problems of one record; only ``text`` and ``labels`` are required, as ``train`` requires."""
    problems = []
    if not isinstance(record.get("text"), str) or not record["text"].strip():
        problems.append(f"{where}: missing or empty 'text' (a string is required)")
    for key in ("id", "doc_id", "lang"):
        if record.get(key) is not None and (not isinstance(record[key], str) or not record[key].strip()):
            problems.append(f"{where}: '{key}' must be a non-empty string when given, got {record[key]!r}")
    lang = record.get("lang")
    if isinstance(lang, str) and lang and (not _LANG.match(lang) or lang not in _ISO_639_1):
        problems.append(f"{where}: lang {lang!r} is not an ISO 639-1 code; use two lower-case letters such as 'en', 'fr', 'it'")
    labels = record.get("labels")
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        problems.append(f"{where}: 'labels' must be a list of label names (possibly empty)")
    else:
        for label in labels:
            if allowed is not None and label not in allowed:
                guess = nearest_label(label, tuple(allowed))
                fix = f"did you mean '{guess}'?" if guess else f"use one of {', '.join(allowed)}"
                problems.append(f"{where}: unknown label {label!r}; {fix} (or --custom-labels for your own label names)")
        if len(set(labels)) != len(labels):
            problems.append(f"{where}: a label is repeated in {labels}; list each label once")
    genre = record.get("genre")
    if genre is not None and genre not in GENRES:
        problems.append(f"{where}: genre {genre!r} is not one of {', '.join(GENRES)}")
    for key in ("align", "source"):
        if key in record and not isinstance(record[key], str):
            problems.append(f"{where}: '{key}' must be a string")
    if "translated" in record and not isinstance(record["translated"], bool):
        problems.append(f"{where}: 'translated' must be true or false (false on the original version)")
    return problems


def _bigram_hashes(text: str, min_words: int = _MIN_WORDS_FOR_DUPLICATES) -> list[int]:
    """Hashes of the distinct word bigrams of ``text`` (lower-cased); none under ``min_words`` words."""
    words = _WORD.findall(text.lower())
    if len(words) < min_words:
        return []
    return list({hash(pair) for pair in zip(words, words[1:])})


def near_duplicates(
    texts: Sequence[str],
    *,
    threshold: float = NEAR_DUPLICATE_JACCARD,
    max_bucket: int = 64,
    groups: Sequence[str | None] | None = None,
    labelled: Sequence[bool] | None = None,
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, similarity), i < j, where paragraph j's word-bigram Jaccard similarity to i exceeds ``threshold``.

    Each paragraph is reported once, against its most similar earlier
    paragraph found. Only paragraphs of at least eight words take part, and
    of at least 25 when ``labelled`` says they have no label: short lines and
    the stock formulas of page furniture (a dateline, "Read also", "Thank
    you for your attention", a disclaimer, a press contact) repeat across
    documents in real text too, and are not copied text. Paragraphs in the
    same ``groups`` entry (an align group: translations of one paragraph,
    which share names and figures) are never compared. Time and memory grow
    with the number of bigrams, not with the square of the paragraphs: exact copies are found by a hash of their
    bigram set, and other candidates by prefix filtering (two sets over the
    threshold share one of the rarest bigrams of each), each bigram's list
    of candidates holding its ``max_bucket`` latest paragraphs.
    """
    import math

    labelled = [True] * len(texts) if labelled is None else labelled
    groups = [None] * len(texts) if groups is None else groups
    sets = [
        _bigram_hashes(t, _MIN_WORDS_FOR_DUPLICATES if has_label else _MIN_WORDS_UNLABELLED)
        for t, has_label in zip(texts, labelled)
    ]
    frequency = Counter(h for hashes in sets for h in hashes)
    found: list[tuple[int, int, float]] = []
    exact: dict[bytes, int] = {}
    index: dict[int, list[int]] = defaultdict(list)
    arrays: dict[int, np.ndarray] = {}
    for j, hashes in enumerate(sets):
        if not hashes:
            continue
        hashes.sort(key=lambda h: (frequency[h], h))
        mine = np.sort(np.array(hashes, dtype=np.int64))
        key = hashlib.blake2b(mine.tobytes(), digest_size=16).digest()
        if key in exact and (groups[j] is None or groups[exact[key]] != groups[j]):
            found.append((exact[key], j, 1.0))
            continue
        exact.setdefault(key, j)
        arrays[j] = mine
        prefix = hashes[: len(hashes) - math.ceil(threshold * len(hashes)) + 1]
        best, checked = None, set()
        for h in prefix:
            for i in index.get(h, ()):
                if i in checked or (groups[j] is not None and groups[i] == groups[j]):
                    continue
                checked.add(i)
                other = arrays[i]
                if min(len(other), len(mine)) <= threshold * max(len(other), len(mine)):
                    continue
                shared = len(np.intersect1d(other, mine, assume_unique=True))
                similarity = shared / (len(other) + len(mine) - shared)
                if similarity > threshold and (best is None or similarity > best[1]):
                    best = (i, similarity)
        if best is not None:
            found.append((best[0], j, float(best[1])))
        for h in prefix:
            bucket = index[h]
            bucket.append(j)
            if len(bucket) > max_bucket:
                del bucket[0]
    return sorted(found)


def check_files(
    paths: Sequence[str], *, labels: Sequence[str] | None = SECTORS, encoding: str = "utf-8", errors: str = "strict"
) -> tuple[list[str], int]:
    """Every problem found in ``paths`` (JSONL, ``.jsonl.gz`` or CSV; one line each) and the paragraphs read.

    Checks what ``train`` needs (a text and a list of labels, from
    ``labels``, or any names when it is None) and, when given, the other
    fields: ISO language codes, id uniqueness across all files, genres,
    identical labels within each ``align`` group; and near-duplicate
    paragraphs (word-bigram Jaccard over 0.6).
    """
    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    aligned: dict[str, list[tuple[str, list[str], object, object]]] = defaultdict(list)
    located: list[tuple[str, str, str | None, bool]] = []
    for path in paths:
        try:
            records = list(labelled_records(path, encoding, errors))
        except DataError as error:
            problems.append(str(error))
            continue
        if not records:
            problems.append(f"{path}: contains no records; add one record per line with 'text' and 'labels'")
        for line, record in records:
            where = f"{path}:{line}"
            problems.extend(_record_problems(record, where, labels))
            record_id = record.get("id")
            if isinstance(record_id, str):
                if record_id in seen_ids:
                    problems.append(f"{where}: id {record_id!r} already used at {seen_ids[record_id]}; ids must be unique")
                else:
                    seen_ids[record_id] = where
            if isinstance(record.get("align"), str) and isinstance(record.get("labels"), list):
                aligned[record["align"]].append((where, record["labels"], record.get("lang"), record.get("translated")))
            if isinstance(record.get("text"), str):
                align = record.get("align")
                located.append((where, record["text"], align if isinstance(align, str) else None, bool(record.get("labels"))))
    problems.extend(_alignment_problems(aligned))
    texts, groups, labelled = [r[1] for r in located], [r[2] for r in located], [r[3] for r in located]
    for i, j, similarity in near_duplicates(texts, groups=groups, labelled=labelled):
        problems.append(
            f"{located[j][0]}: near-duplicate of {located[i][0]} (word-bigram Jaccard {similarity:.2f} > "
            f"{NEAR_DUPLICATE_JACCARD}); rewrite one of them"
        )
    return problems, len(located)


def _alignment_problems(aligned: dict[str, list[tuple[str, list[str], object, object]]]) -> list[str]:
    """Each align group: identical labels, every language of the aligned data once, one original.

    The languages expected are those found in any align group of the files
    checked (en, fr, it for the project's data), so a translation that is
    missing or doubled is caught.
    """
    problems = []
    languages = sorted({lang for members in aligned.values() for _, _, lang, _ in members if isinstance(lang, str)})
    for group, members in sorted(aligned.items()):
        first_where, first_labels = members[0][:2]
        for where, labels, _, _ in members[1:]:
            if labels != first_labels:
                problems.append(
                    f"{where}: align group {group!r} has labels {labels} but {first_where} has {first_labels}; "
                    "translations must carry identical labels"
                )
        found = Counter(lang for _, _, lang, _ in members)
        missing = [lang for lang in languages if not found[lang]]
        doubled = sorted(lang for lang, count in found.items() if count > 1)
        if missing or doubled:
            what = "; ".join(
                part for part in (
                    f"no {', '.join(missing)} version" if missing else "",
                    f"more than one {', '.join(map(str, doubled))} version" if doubled else "",
                ) if part
            )
            problems.append(
                f"{first_where}: align group {group!r} has {what}; every aligned paragraph needs exactly one "
                f"version in each of {', '.join(languages)}"
            )
        flags = [translated for _, _, _, translated in members]
        if any(flag is not None for flag in flags) and flags.count(False) != 1:
            problems.append(
                f"{first_where}: align group {group!r} has {flags.count(False)} rows with translated=false; "
                "mark exactly one version (the original) translated=false"
            )
    return problems


def dataset_stats(examples: Sequence[Example]) -> dict:
    """Counts per label x language and per genre, label-set shares and lengths."""
    languages = sorted({e.lang or "?" for e in examples})
    by_label = {label: Counter() for label in SECTORS}
    for e in examples:
        for label in e.labels:
            by_label.setdefault(label, Counter())[e.lang or "?"] += 1
    genres = Counter(e.genre or "(none)" for e in examples)
    lengths = np.array([len(_WORD.findall(e.text)) for e in examples])
    n = len(examples)
    return {
        "n_paragraphs": n,
        "n_documents": len({e.doc_id for e in examples if e.doc_id}),
        "languages": {lang: sum(1 for e in examples if (e.lang or "?") == lang) for lang in languages},
        "label_by_language": {label: {lang: counts[lang] for lang in languages} for label, counts in by_label.items()},
        "genres": dict(sorted(genres.items())),
        "no_label": sum(1 for e in examples if not e.labels),
        "multi_label": sum(1 for e in examples if len(e.labels) >= 2),
        "no_label_share": sum(1 for e in examples if not e.labels) / n if n else 0.0,
        "multi_label_share": sum(1 for e in examples if len(e.labels) >= 2) / n if n else 0.0,
        "words": {
            "min": int(lengths.min()) if n else 0,
            "median": float(np.median(lengths)) if n else 0.0,
            "max": int(lengths.max()) if n else 0,
        },
    }


def render_stats(stats: dict, fmt: str) -> str:
    """``dataset_stats`` as ``table``, ``markdown`` or ``json``."""
    import json

    if fmt == "json":
        return json.dumps(stats, indent=2)
    from tabulate import tabulate

    tablefmt = "github" if fmt == "markdown" else "simple"
    languages = list(stats["languages"])
    label_rows = [
        [label] + [counts[lang] for lang in languages] + [sum(counts.values())]
        for label, counts in stats["label_by_language"].items()
    ]
    label_rows.append(["(paragraphs)"] + [stats["languages"][lang] for lang in languages] + [stats["n_paragraphs"]])
    parts = [
        f"{stats['n_paragraphs']} paragraphs in {stats['n_documents']} documents; "
        f"{stats['multi_label']} ({stats['multi_label_share']:.1%}) with two or more labels, "
        f"{stats['no_label']} ({stats['no_label_share']:.1%}) with none; "
        f"words per paragraph: min {stats['words']['min']}, median {stats['words']['median']:g}, max {stats['words']['max']}",
        "",
        tabulate(label_rows, headers=["label"] + languages + ["all"], tablefmt=tablefmt),
        "",
        tabulate(list(stats["genres"].items()), headers=["genre", "paragraphs"], tablefmt=tablefmt),
    ]
    return "\n".join(parts)
