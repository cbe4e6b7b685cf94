"""read_examples: JSONL, gzipped JSONL and CSV, and an actionable error for every bad file."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from sectortag import DataError, Example, read_examples
from sectortag._io.data import read_text


def _jsonl(path, *rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows), encoding="utf-8")
    return str(path)


ROWS = [
    {"id": "d1-p1", "doc_id": "d1", "lang": "fr", "genre": "speech", "text": "Le blé et la sécurité alimentaire.", "labels": ["food_security", "trade"], "align": "a1", "source": "x.txt"},
    {"text": "Leave a comment", "labels": []},
]


def test_jsonl(tmp_path):
    examples = read_examples(_jsonl(tmp_path / "data.jsonl", *ROWS))
    assert examples == [
        Example("Le blé et la sécurité alimentaire.", ("food_security", "trade"), id="d1-p1", doc_id="d1", lang="fr", genre="speech", align="a1", source="x.txt"),
        Example("Leave a comment", ()),
    ]
    assert examples[0].to_dict() == ROWS[0]
    assert examples[1].to_dict() == ROWS[1]


def test_minimal_rows_need_only_text_and_labels(tmp_path):
    path = _jsonl(tmp_path / "data.jsonl", {"text": "Trade rose.", "labels": ["trade"]}, {"labels": [], "text": "x", "extra": 1})
    examples = read_examples(path)
    assert [(e.text, e.labels, e.id, e.lang) for e in examples] == [("Trade rose.", ("trade",), None, None), ("x", (), None, None)]


def test_blank_lines_and_byte_order_mark_are_skipped(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"text": "a", "labels": []}\r\n\r\n  \n{"text": "b", "labels": ["trade"]}')
    assert [e.text for e in read_examples(str(path))] == ["a", "b"]


def test_labels_are_stripped_and_deduplicated_in_order(tmp_path):
    path = _jsonl(tmp_path / "data.jsonl", {"text": "a", "labels": [" trade", "politics", "trade", ""]})
    assert read_examples(path)[0].labels == ("trade", "politics")


def test_gzipped_jsonl(tmp_path):
    path = tmp_path / "data.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for row in ROWS:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    assert read_examples(str(path)) == read_examples(_jsonl(tmp_path / "data.jsonl", *ROWS))


def test_corrupted_gzip(tmp_path):
    path = tmp_path / "data.jsonl.gz"
    data = gzip.compress(b'{"text": "a", "labels": []}\n' * 50)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=re.escape(f"{path}: is not a valid gzip file (truncated or corrupted)")):
        read_examples(str(path))


def test_csv_with_semicolon_separated_labels(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(
        'text,labels,lang\n"Trade, wheat and fertilisers",trade; food_security,en\nLeave a comment,,en\n"Two\nlines",politics,fr\n',
        encoding="utf-8",
    )
    examples = read_examples(str(path))
    assert [(e.text, e.labels, e.lang) for e in examples] == [
        ("Trade, wheat and fertilisers", ("trade", "food_security"), "en"),
        ("Leave a comment", (), "en"),
        ("Two\nlines", ("politics",), "fr"),
    ]


def test_csv_needs_text_and_labels_columns(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("paragraph,sectors\nx,trade\n", encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(f"{path}:1: a CSV file needs a header with 'text' and 'labels' columns")):
        read_examples(str(path))


def test_csv_row_with_too_many_fields(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("text,labels\nok,trade\nTrade, wheat,trade\n", encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(f"{path}:3: more fields than header columns; quote text that contains commas")):
        read_examples(str(path))


def test_csv_unknown_label_names_its_line(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("text,labels\nok,trade\nbad,trade;religon\n", encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(f"{path}:3: unknown label 'religon'; did you mean 'religion'?")):
        read_examples(str(path))


def test_misspelt_sector_suggests_the_nearest(tmp_path):
    path = _jsonl(tmp_path / "data.jsonl", {"text": "a", "labels": ["trade"]}, {"text": "b", "labels": ["trde"]})
    with pytest.raises(DataError, match=re.escape(f"{path}:2: unknown label 'trde'; did you mean 'trade'? (use --custom-labels")):
        read_examples(path)


def test_unknown_label_far_from_any_sector_lists_them(tmp_path):
    path = _jsonl(tmp_path / "data.jsonl", {"text": "a", "labels": ["xyzzy"]})
    with pytest.raises(DataError, match=re.escape("unknown label 'xyzzy'; expected one of politics, trade, food_security")):
        read_examples(path)


def test_unknown_label_accepted_when_labels_is_none(tmp_path):
    path = _jsonl(tmp_path / "data.jsonl", {"text": "a", "labels": ["trde", "Energy"]})
    assert read_examples(path, labels=None)[0].labels == ("trde", "Energy")


def test_custom_label_set(tmp_path):
    path = _jsonl(tmp_path / "data.jsonl", {"text": "a", "labels": ["energy"]}, {"text": "b", "labels": ["enrgy"]})
    with pytest.raises(DataError, match=re.escape(f"{path}:2: unknown label 'enrgy'; did you mean 'energy'?")):
        read_examples(path, labels=["energy", "health"])


def test_malformed_json_gives_the_line_number(tmp_path):
    path = _jsonl(tmp_path / "data.jsonl", ROWS[1], ROWS[1], '{"text": "unterminated, "labels": []}')
    with pytest.raises(DataError, match=re.escape(f"{path}:3: malformed JSON (") + r".*column \d+\); each line must be one JSON object"):
        read_examples(path)


def test_json_line_that_is_not_an_object(tmp_path):
    path = _jsonl(tmp_path / "data.jsonl", ROWS[1], '["a", ["trade"]]')
    with pytest.raises(DataError, match=re.escape(f"{path}:2: expected a JSON object with 'text' and 'labels'")):
        read_examples(path)


def test_undecodable_bytes_give_file_offset_and_fix(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_bytes('{"text": "Café", "labels": []}\n'.encode("latin-1"))
    message = f"{path}: cannot decode byte 0xe9 at offset 13 as utf-8; pass --encoding (e.g. latin-1) or --errors replace"
    with pytest.raises(DataError, match=re.escape(message)):
        read_examples(str(path))
    assert read_examples(str(path), errors="replace")[0].text == "Caf\ufffd"
    assert read_examples(str(path), encoding="latin-1")[0].text == "Café"


def test_unknown_encoding(tmp_path):
    path = _jsonl(tmp_path / "data.jsonl", ROWS[1])
    with pytest.raises(DataError, match=re.escape(f"{path}: unknown encoding 'utf-9'")):
        read_examples(path, encoding="utf-9")


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "data.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(f"{path}: contains no examples; add one JSON object per line")):
        read_examples(str(path))


def test_missing_file(tmp_path):
    path = tmp_path / "nope.jsonl"
    with pytest.raises(DataError, match=re.escape(f"{path}: no such file; check the path")):
        read_examples(str(path))


def test_directory(tmp_path):
    folder = tmp_path / "data.jsonl"
    folder.mkdir()
    with pytest.raises(DataError, match=re.escape(f"{folder}: is a directory; pass a file")):
        read_examples(str(folder))
    with pytest.raises(DataError, match=re.escape(f"{folder}: is a directory")):
        read_text(str(folder))


def test_unknown_extension(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text('{"text": "a", "labels": []}\n', encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(f"{path}: unknown data format; use .jsonl, .jsonl.gz or .csv")):
        read_examples(str(path))


@pytest.mark.parametrize("row", [{"labels": []}, {"text": None, "labels": []}, {"text": 3, "labels": []}])
def test_missing_text_field(tmp_path, row):
    path = _jsonl(tmp_path / "data.jsonl", ROWS[1], row)
    with pytest.raises(DataError, match=re.escape(f"{path}:2: missing 'text' (a string) in this record")):
        read_examples(path)


def test_missing_labels_field(tmp_path):
    path = _jsonl(tmp_path / "data.jsonl", {"text": "a"})
    with pytest.raises(DataError, match=re.escape(f"{path}:1: missing 'labels' (a list, possibly empty) in this record")):
        read_examples(path)


@pytest.mark.parametrize("labels", ["trade", "trade;politics", None, {"trade": 1}, [1], ["trade", None]])
def test_labels_not_a_list_of_names(tmp_path, labels):
    path = _jsonl(tmp_path / "data.jsonl", {"text": "a", "labels": labels})
    with pytest.raises(DataError, match=re.escape(f"{path}:1: 'labels' must be a list of label names, e.g. [\"trade\"]")):
        read_examples(path)


def test_data_error_carries_path_and_line(tmp_path):
    path = _jsonl(tmp_path / "data.jsonl", ROWS[1], {"text": "a", "labels": ["trde"]})
    with pytest.raises(DataError) as caught:
        read_examples(path)
    assert (caught.value.path, caught.value.line) == (path, 2)
    assert isinstance(caught.value, ValueError)


def test_jsonl_text_may_hold_unicode_line_separators(tmp_path):
    path = tmp_path / "sep.jsonl"
    text = "first\u2028second\x85third"
    path.write_text(json.dumps({"text": text, "labels": ["trade"]}, ensure_ascii=False) + "\r\n", encoding="utf-8")
    [example] = read_examples(str(path))
    assert example.text == text
