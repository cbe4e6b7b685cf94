"""Files cut into parts for --scheduler: every row in exactly one part, in order, with the file's own line numbers."""

from __future__ import annotations

import csv
import gzip

import pytest

from sectortag import DataError
from sectortag._io.parts import Part, plan_parts, read_part
from sectortag._io.tables import csv_tables


def write_csv(path, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["id", "text"])
        writer.writerows(rows)


def rows_of(parts):
    return [row for part in parts for table in read_part(part)
            for row in zip(table.columns["id"], table.columns["text"], table.lines or range(table.num_rows))]


def test_csv_parts_never_cut_a_quoted_line_break_and_keep_line_numbers(tmp_path):
    texts = ['Trade "deal"\nsigned, today.' if i % 7 == 0 else f"Paragraph {i}, about wheat." * (1 + i % 5)
             for i in range(3000)]
    path = tmp_path / "in.csv"
    write_csv(path, [(f"r{i}", text) for i, text in enumerate(texts)], delimiter=";")
    parts = plan_parts([("csv", str(path))], part_rows=300)
    assert len(parts) > 2 and [p.number for p in parts] == list(range(len(parts)))
    whole = [row for table in csv_tables([path.read_text(encoding="utf-8")], str(path))
             for row in zip(table.columns["id"], table.columns["text"], table.lines)]
    assert rows_of(parts) == whole, "the same rows, texts and line numbers as reading the whole file"
    assert [r[1] for r in whole] == texts
    assert all(p.delimiter == ";" and p.header == ("id", "text") for p in parts)


def test_a_gzipped_csv_file_is_one_part(tmp_path):
    path = tmp_path / "in.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write("id,text\n1,Wheat.\n2,Trade.\n")
    parts = plan_parts([("csv", str(path))])
    assert len(parts) == 1 and parts[0].describe() == "part 0 (the whole file)"
    assert [r[:2] for r in rows_of(parts)] == [("1", "Wheat."), ("2", "Trade.")]


def test_parquet_parts_are_whole_row_groups(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [str(i) for i in range(1000)], "text": ["Wheat."] * 1000}), path, row_group_size=150)
    parts = plan_parts([("parquet", str(path)), ("parquet", str(path))], part_rows=400)
    assert [p.row_groups for p in parts] == [(0, 1, 2), (3, 4, 5), (6,)] * 2
    assert [p.number for p in parts] == list(range(6)) and sum(p.rows for p in parts) == 2000
    assert parts[1].describe() == "part 1 (row groups 3-5)"
    assert [r[0] for r in rows_of(parts[:3])] == [str(i) for i in range(1000)]


def test_planning_errors_name_the_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(DataError, match=f"{empty}: is empty; give a CSV file with a header line"):
        plan_parts([("csv", str(empty))])
    with pytest.raises(DataError, match="--scheduler reads CSV and Parquet files, not jsonl"):
        plan_parts([("jsonl", str(empty))])
    gone = Part(4, str(tmp_path / "gone.csv"), "csv", byte_range=(0, 10), header=("text",))
    with pytest.raises(DataError, match=r"gone.csv: part 4 \(bytes 0-10, from line 1\): cannot read"):
        list(read_part(gone))
