"""``sectortag tag`` on tables: CSV and Parquet in, Parquet out, --text-column, --id-column, fields passed through."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import error_of, stdout_of

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

TEXTS = [
    "Bilateral trade turnover rose, and investment in energy projects doubled.",
    "The two countries will cooperate against terrorism\nand organised crime.",
    "Thank you.",
    "Religious leaders met for an interfaith dialogue.",
]


@pytest.fixture
def frame():
    return pd.DataFrame({"doc_id": ["d1", "d2", "d3", "d4"], "Text": TEXTS, "year": [2001, 2002, 2003, 2004],
                         "when": pd.to_datetime(["2020-05-01"] * 4, utc=True)})


def test_csv_in_csv_out_passes_columns_through(tmp_path, run_main, toy_model_path, toy_tagger):
    path = tmp_path / "in.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:  # ';' as Excel writes in French locales
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["doc_id", "Text", "note"])
        writer.writerows([f"d{i}", text, f"n{i}"] for i, text in enumerate(TEXTS, 1))
    out = stdout_of(run_main("tag", "--file", str(path), "--format", "csv", "--id-column", "doc_id",
                             "--model", str(toy_model_path)))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == ["d1", "d2", "d3", "d4"] and [r["note"] for r in rows] == ["n1", "n2", "n3", "n4"]
    assert [r["line"] for r in rows] == ["2", "3", "5", "6"], "a quoted line break moves the next record down a line"
    assert [r["text"] for r in rows] == TEXTS
    assert [r["labels"].split(";") if r["labels"] else [] for r in rows] == toy_tagger.predict(TEXTS)
    first = toy_tagger.predict_proba(TEXTS[:1])[0]
    assert [float(rows[0][f"score_{c}"]) for c in toy_tagger.classes_] == [round(p, 4) for p in first.tolist()]


def test_parquet_in_parquet_out_one_row_per_record_in_order(tmp_path, run_main, frame, toy_model_path, toy_tagger):
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    frame.to_parquet(source)
    stdout_of(run_main("tag", "--no-progress", "--file", str(source), "--id-column", "doc_id", "--out", str(out),
                       "--model", str(toy_model_path)))
    tagged = pd.read_parquet(out)
    assert tagged["id"].tolist() == ["d1", "d2", "d3", "d4"] and tagged["text"].tolist() == TEXTS
    assert tagged["paragraph"].tolist() == [1, 2, 3, 4] and tagged["line"].tolist() == [1, 2, 3, 4]
    assert [list(names) for names in tagged["labels"]] == toy_tagger.predict(TEXTS)
    probabilities = toy_tagger.predict_proba(TEXTS)
    for j, label in enumerate(toy_tagger.classes_):
        assert tagged[f"score_{label}"].tolist() == [round(p, 4) for p in probabilities[:, j].tolist()]
    assert tagged["year"].tolist() == [2001, 2002, 2003, 2004]
    assert str(tagged["when"].dtype) == str(frame["when"].dtype), "Parquet types pass through"


def test_parquet_to_json_lines(tmp_path, run_main, frame, toy_model_path, toy_tagger):
    source = tmp_path / "in.parquet"
    frame.to_parquet(source)
    out = stdout_of(run_main("tag", "--file", str(source), "--text-column", "text", "--model", str(toy_model_path)))
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["doc_id"] for r in records] == ["d1", "d2", "d3", "d4"]
    assert records[0]["when"] == "2020-05-01T00:00:00+00:00"
    assert [r["labels"] for r in records] == toy_tagger.predict(TEXTS)


def test_several_files_and_a_glob_are_tagged_in_order(tmp_path, run_main, frame, toy_model_path):
    for i in range(3):
        frame.assign(doc_id=[f"f{i}-{j}" for j in range(4)]).to_parquet(tmp_path / f"part-{i}.parquet")
    out = stdout_of(run_main("tag", "--file", str(tmp_path / "part-*.parquet"), "--id-column", "doc_id",
                             "--model", str(toy_model_path)))
    assert [json.loads(line)["id"] for line in out.splitlines()] == [f"f{i}-{j}" for i in range(3) for j in range(4)]


def test_json_lines_with_other_field_names_written_as_parquet(tmp_path, run_main, toy_model_path, toy_tagger):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    source.write_text("".join(json.dumps({"key": i, "body": t}) + "\n" for i, t in enumerate(TEXTS)), encoding="utf-8")
    stdout_of(run_main("tag", "--no-progress", "--file", str(source), "--text-column", "body", "--id-column", "key",
                       "--output-format", "parquet", "--out", str(out), "--model", str(toy_model_path)))
    tagged = pd.read_parquet(out)
    assert tagged["id"].tolist() == ["0", "1", "2", "3"] and tagged["text"].tolist() == TEXTS
    assert [list(names) for names in tagged["labels"]] == toy_tagger.predict(TEXTS)


def test_table_errors_are_one_line(tmp_path, run_main, frame, toy_model_path):
    source = tmp_path / "in.parquet"
    frame.to_parquet(source)
    model = ("--model", str(toy_model_path))
    message = error_of(run_main("tag", "--file", str(source), "--text-column", "body", *model))
    assert message == (f"sectortag tag: error: {source}: no column 'body' (columns: 'doc_id', 'Text', 'year', 'when'); "
                       "pass --text-column NAME")
    assert "Parquet output needs a file: give --out FILE.parquet" in error_of(
        run_main("tag", "--file", str(source), "--format", "parquet", *model), 2)
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(source.read_bytes()[:-100])
    assert error_of(run_main("tag", "--file", str(damaged), *model)).startswith(
        f"sectortag tag: error: {damaged}: not a readable Parquet file (")
    bad = tmp_path / "bad.csv"
    bad.write_text("text,x\n\"Wheat\",1,2\n", encoding="utf-8")
    assert error_of(run_main("tag", "--file", str(bad), *model)) == (
        f"sectortag tag: error: {bad}:2: 3 fields but the header has 2 columns; quote text that contains the delimiter ','")
    assert "no file matches this pattern" in error_of(run_main("tag", "--file", str(tmp_path / "none-*.csv"), *model))
