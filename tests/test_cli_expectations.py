"""The command line a new user expects (issue 9, third section): each case asserts what the user reads."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os

import numpy as np
import pytest

import sectortag
from sectortag import SECTORS, split_paragraphs
from sectortag._io import writers

from conftest import REPO, SEEDS, error_of, run_cli, stdout_of, toy_corpus

SEED_PARAGRAPHS = REPO / "datasets" / "seed_paragraphs.jsonl"

WRAPPED = (
    "The Kingdom of Morocco and the Republic of Kazakhstan signed a joint\n"
    "statement on Tuesday in Rabat, in which both countries agreed to deepen\n"
    "Their cooperation in agriculture, trade and investment, and to open\n"
    "Direct flights between the two capitals before the end of the year.\n"
    "\n"
    "The ministers also discussed security cooperation and the fight against\n"
    "Terrorism, and agreed to hold regular consultations on regional issues.\n"
)


def rows_of(result) -> list[dict]:
    return [json.loads(line) for line in stdout_of(result).split("\n") if line]


def records_file(path, records) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------
# inputs


def test_several_file_values_and_dash_for_stdin(tmp_path, run_main):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Wheat exports grew.\n\nDefence talks.\n")
    second.write_text("Religious leaders met.\n")
    rows = rows_of(run_main("tag", "--file", str(first), str(second), "--file", "-", stdin=b"Trade rose.\n"))
    assert [(r["source"], r["text"]) for r in rows] == [
        (str(first), "Wheat exports grew."), (str(first), "Defence talks."), (str(second), "Religious leaders met."),
        ("<stdin>", "Trade rose."),
    ]


def test_a_text_argument_naming_a_file_is_refused(tmp_path, run_main):
    report = tmp_path / "report.txt"
    report.write_text("Wheat.")
    message = error_of(run_main("tag", str(report)), code=2)
    assert message == f"sectortag tag: error: TEXT '{report}' is the name of a file; to tag the file, use --file {report}"


@pytest.mark.parametrize("split, expect", [("auto", 2), ("blank", 2), ("line", 6)])
def test_split_option_and_parameter(tmp_path, run_main, split, expect):
    path = tmp_path / "wrapped.txt"
    path.write_text(WRAPPED)
    rows = rows_of(run_main("tag", "--split", split, "--file", str(path)))
    assert len(rows) == expect
    assert [(p.start, p.end) for p in split_paragraphs(WRAPPED, split=split)] == [(r["start"], r["end"]) for r in rows]
    assert len(sectortag.load().tag_document(WRAPPED, split=split)) == expect


def test_hard_wrapped_prose_keeps_its_labels(run_main):
    rows = rows_of(run_main("tag", "-", stdin=WRAPPED.encode()))
    assert len(rows) == 2 and "trade" in rows[0]["labels"] and "security_defense" in rows[1]["labels"]


def test_unknown_split_in_the_library():
    with pytest.raises(ValueError, match="split must be one of auto, blank, line, got 'lines'"):
        split_paragraphs("x", split="lines")


def test_jsonl_on_stdin_is_detected_and_fields_pass_through(run_main):
    stdin = b'{"id": "p1", "text": "Wheat exports grew.", "lang": "en", "labels": ["trade"]}\n{"text": "Defence talks."}\n'
    rows = rows_of(run_main("tag", stdin=stdin))
    assert [(r["id"], r["line"], r["text"]) for r in rows] == [("p1", 1, "Wheat exports grew."), (None, 2, "Defence talks.")]
    assert rows[0]["lang"] == "en" and rows[0]["input_labels"] == ["trade"]  # a field named like an output key is renamed
    assert list(rows[0])[-2:] == ["lang", "input_labels"]


def test_json_arrays_from_a_file_and_stdin(tmp_path, run_main):
    path = tmp_path / "paragraphs.json"
    path.write_text(json.dumps([{"id": 1, "text": "Wheat exports grew."}, "Defence talks."]))
    rows = rows_of(run_main("tag", "--file", str(path)))
    assert [(r["id"], r["text"]) for r in rows] == [(1, "Wheat exports grew."), (None, "Defence talks.")]
    rows = rows_of(run_main("tag", stdin=path.read_bytes()))
    assert [r["text"] for r in rows] == ["Wheat exports grew.", "Defence talks."]
    # text that merely starts with a bracket is text
    rows = rows_of(run_main("tag", stdin=b"[Unofficial translation] Wheat exports grew.\n"))
    assert rows[0]["text"] == "[Unofficial translation] Wheat exports grew." and "id" not in rows[0]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_input_with_a_text_column_in_any_case(tmp_path, run_main, delimiter):
    path = tmp_path / "paragraphs.csv"
    path.write_text(f'ID{delimiter}Text{delimiter}Country\nn1{delimiter}"Wheat exports{delimiter} grew."{delimiter}MA\n'
                    f'n2{delimiter}Defence talks.{delimiter}KZ\n', encoding="utf-8")
    rows = rows_of(run_main("tag", "--file", str(path)))
    assert [(r["id"], r["line"], r["text"], r["Country"]) for r in rows] == [
        ("n1", 2, f"Wheat exports{delimiter} grew.", "MA"), ("n2", 3, "Defence talks.", "KZ")
    ]


def test_csv_without_a_text_column(tmp_path, run_main):
    path = tmp_path / "paragraphs.csv"
    path.write_text("id,body\n1,Wheat\n")
    assert error_of(run_main("tag", "--file", str(path))) == (
        f"sectortag tag: error: {path}: no column 'text' (columns: 'id', 'body'); pass --text-column NAME"
    )


@pytest.mark.parametrize("name", ["rows.csv", "rows.csv.gz"])
def test_out_suffix_csv_writes_csv_with_one_column_per_label(tmp_path, run_main, name):
    out = tmp_path / name
    assert run_main("tag", "--out", str(out), "--no-progress", "Wheat exports grew.").returncode == 0
    data = out.read_bytes()
    text = (gzip.decompress(data) if name.endswith(".gz") else data).decode()
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert list(row) == ["source", "paragraph", "start", "end", "labels", *[f"score_{s}" for s in SECTORS], "text"]
    assert row["text"] == "Wheat exports grew." and 0 <= float(row["score_trade"]) <= 1


def test_explain_with_csv_and_no_repeated_words(run_main):
    text = "Terrorism, terrorism and again terrorism: the defence ministers fought terrorism together."
    (row,) = list(csv.DictReader(io.StringIO(stdout_of(run_main("tag", "--format", "csv", "--explain", text)))))
    assert row["evidence"].startswith("security_defense: ")
    words = [w.strip().lower() for w in row["evidence"].split(": ", 1)[1].split(";")[0].split(",")]
    assert len(words) == len(set(words)), words
    (row,) = rows_of(run_main("tag", "--explain", "--top", "10", text))
    items = row["evidence"]["security_defense"]
    assert len({e["text"].lower() for e in items}) == len(items)
    assert all(text[e["start"] : e["end"]] == e["text"] for e in items)


@pytest.mark.parametrize("fmt, stdout", [("jsonl", ""), ("json", "[]\n"), ("csv", None), ("table", "")])
def test_empty_input_gives_zero_rows_and_a_note(tmp_path, run_main, fmt, stdout):
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n\n")
    result = run_main("tag", "--format", fmt, "--file", str(empty))
    assert result.returncode == 0
    assert result.stderr.decode() == f"sectortag tag: note: {empty} is empty; nothing to tag there\n"
    if stdout is not None:
        assert result.stdout.decode() == stdout
    else:
        assert result.stdout.decode().startswith("source,paragraph,line,id,start,end,labels,score_politics") is False
        assert result.stdout.decode().startswith("source,paragraph,start,end,labels,score_politics")


def test_empty_stdin_and_text(run_main):
    result = run_main("tag", stdin=b"")
    assert result.returncode == 0 and result.stdout == b""
    assert result.stderr.decode() == "sectortag tag: note: standard input is empty; nothing to tag there\n"
    result = run_main("tag", "Wheat.", "  ")
    assert result.returncode == 0 and len(rows_of(result)) == 1 and b"arg2 is empty" in result.stderr


def test_the_table_streams_past_its_first_rows(monkeypatch):
    monkeypatch.setattr(writers, "TABLE_ROWS", 2)
    out = io.StringIO()
    table = writers.TableWriter(out, False, False)

    def batch(numbers, text="Wheat."):
        heads = [{"source": "arg1", "paragraph": i} for i in numbers]
        return writers.TaggedBatch(heads, [text] * len(heads), [["trade"]] * len(heads), np.full((len(heads), 1), 0.9), ["trade"])

    table.write(batch(range(1, 3)))
    assert out.getvalue() == ""  # sized on the first rows, still held
    table.write(batch(range(3, 6), text="A much longer paragraph " * 5))
    streamed = out.getvalue()
    table.write(batch([6]))
    table.close()
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["source", "#", "labels", "text"] and set(lines[1]) == {"-", " "}
    assert len(lines) == 2 + 6 and streamed.count("\n") == 2 + 5
    assert len({len(line.rstrip()) for line in lines[2:4]}) == 1  # the same columns
    assert lines[4].endswith("\u2026") and lines[-1].split()[:2] == ["arg1", "6"]


# --------------------------------------------------------------------------
# train, single-label, benchmark


@pytest.fixture(scope="module")
def data_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("expect")
    texts, labels = toy_corpus()
    multi = records_file(folder / "toy.jsonl", [{"text": t, "labels": n} for t, n in zip(texts, labels)])
    single = records_file(folder / "single.jsonl", [{"text": t, "labels": n} for t, n in zip(texts, labels) if len(n) == 1])
    return folder, multi, single


def test_single_label_is_explicit_and_said(data_files, run_main):
    folder, _, single = data_files
    result = run_main("train", "--data", single, "--folds", "3", "--out", str(folder / "multi.zip"))
    assert result.returncode == 0
    assert "training a multi-label (zero or more labels per paragraph) tagger on" in result.stderr.decode()
    assert "saved" in result.stderr.decode() and ": multi-label, 7 labels" in result.stderr.decode()
    assert rows_of(run_main("tag", "--model", str(folder / "multi.zip"), "Thank you very much."))[0]["labels"] == []
    result = run_main("train", "--single-label", "--data", single, "--folds", "3", "--out", str(folder / "single.zip"))
    assert "training a single-label (one label per paragraph) tagger on" in result.stderr.decode()
    assert len(rows_of(run_main("tag", "--model", str(folder / "single.zip"), "Thank you very much."))[0]["labels"]) == 1
    assert rows_of(run_main("tag", "--threshold", "1", "--model", str(folder / "single.zip"), "Thank you."))[0]["labels"] == []


def test_single_label_on_multi_label_data(data_files, run_main):
    folder, multi, _ = data_files
    message = error_of(run_main("train", "--single-label", "--data", multi, "--out", str(folder / "x.zip")))
    assert "a single-label tagger needs exactly one label per example; example " in message
    assert message.endswith("give one label each, or train a multi-label tagger")


def test_min_df_too_high_and_infinite_c(data_files, run_main):
    folder, multi, _ = data_files
    result = run_main("train", "--min-df", "500", "--folds", "3", "--data", multi, "--out", str(folder / "x.zip"))
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    message = result.stderr.decode().splitlines()[-1]  # after the progress lines of the fold that found it
    assert message == (
        "sectortag train: error: no word or n-gram occurs in 500 or more paragraphs of this training data (--min-df); "
        "lower --min-df or give more data"
    )
    assert error_of(run_main("train", "--C", "inf", "--data", multi, "--out", str(folder / "x.zip")), code=2) == (
        "sectortag train: error: --C must be a positive finite number or auto, got inf"
    )


def test_errors_name_cli_options_not_python_names(data_files, run_main):
    folder, multi, _ = data_files
    message = error_of(run_main("train", "--folds", "40", "--data", multi, "--out", str(folder / "x.zip")))
    assert "(or lower --folds)" in message and "threshold_folds" not in message


def test_benchmark_train_on_the_bundled_seed_file(run_main):
    result = run_main("benchmark", "--train", "--folds", "2", "--format", "json", "--data", str(SEED_PARAGRAPHS))
    report = json.loads(stdout_of(result))
    assert report["cv"]["folds"] == 2 and report["cv"]["grouped"] is True
    assert 0 < report["cv"]["evaluation"]["overall"]["micro"]["f1"] <= 1


# --------------------------------------------------------------------------
# evaluate, data check, info, codebook


def test_labels_only_predicted_wrongly_are_in_the_table(tmp_path, run_main):
    data = records_file(tmp_path / "wrong.jsonl", [{"text": "Wheat exports and investment grew strongly.", "labels": ["politics"]}])
    table = stdout_of(run_main("evaluate", "--data", data))
    lines = {line.split()[0]: line for line in table.splitlines()[2:] if line.strip()}
    assert "trade" in lines and lines["trade"].split()[1:] == ["0.000", "0.000", "0.000", "0"]
    macro = json.loads(stdout_of(run_main("evaluate", "--format", "json", "--data", data)))["overall"]["labels"]["trade"]
    assert macro["predicted"] == 1 and macro["support"] == 0


def test_evaluating_on_the_training_data_warns(data_files, toy_model_path, run_main):
    folder, multi, _ = data_files
    model = folder / "toy-cli.zip"
    assert run_main("train", "--data", multi, "--folds", "3", "--out", str(model)).returncode == 0
    result = run_main("evaluate", "--model", str(model), "--data", multi)
    assert result.returncode == 0
    assert result.stderr.decode() == (
        "sectortag evaluate: warning: these examples are the model's own training data (same SHA-256 as in the model); "
        "its scores on them flatter it, evaluate on held-out data\n"
    )
    part = records_file(folder / "part.jsonl", [json.loads(line) for line in open(multi)][:10] + [{"text": "New text.", "labels": []}])
    result = run_main("evaluate", "--model", str(model), "--data", part)
    assert "warning: 10 of 11 distinct texts (91%) were in the model's training data" in result.stderr.decode()
    result = run_main("benchmark", "--model", str(model), "--data", multi, "--format", "json")
    assert "sectortag benchmark: warning: these examples are the model's own training data" in result.stderr.decode()


def test_shipped_model_on_its_own_training_files_warns(run_main):
    """The files models/build.sh trains on; skipped while datasets/ holds other data than the shipped model saw."""
    from sectortag._model.tagger import training_data_hash

    files = [str(SEED_PARAGRAPHS), *sorted(str(p) for p in (REPO / "datasets" / "corpus").glob("*.jsonl"))]
    examples = [e for path in files for e in sectortag.read_examples(path)]
    if training_data_hash([e.text for e in examples], [e.labels for e in examples]) != sectortag.load().training_info_["data_sha256"]:
        pytest.skip("the shipped model was trained on other data than datasets/ now holds; rebuild it with models/build.sh")
    result = run_main("evaluate", "--format", "json", "--data", *files)
    assert "warning: these examples are the model's own training data" in result.stderr.decode()


def test_data_check_csv_custom_labels_encoding_and_no_silly_suggestions(tmp_path, run_main):
    path = tmp_path / "mine.csv"
    path.write_bytes("text,labels\nCaf\u00e9 and migration talks in Rome today.,migration\n".encode("latin-1"))
    message = run_main("data", "check", str(path)).stderr.decode()
    assert "cannot decode byte 0xe9" in message and "malformed JSON" not in message
    result = run_main("data", "check", "--encoding", "latin-1", str(path))
    assert result.returncode == 1
    assert result.stderr.decode().splitlines()[0] == (
        f"{path}:2: unknown label 'migration'; use one of {', '.join(SECTORS)} (or --custom-labels for your own label names)"
    )
    result = run_main("data", "check", "--encoding", "latin-1", "--custom-labels", str(path))
    assert result.returncode == 0 and result.stdout.decode() == "ok: 1 paragraphs in 1 file(s)\n"


def test_info_shows_a_path_relative_to_the_working_directory(tmp_path):
    assert stdout_of(run_cli("info")).splitlines()[0] == "model: models/diplomatic.zip"
    outside = stdout_of(run_cli("info", cwd=tmp_path, env={"PYTHONPATH": str(REPO)})).splitlines()[0]
    assert outside == f"model: {REPO / 'models' / 'diplomatic.zip'}"


def test_codebook_command_prints_the_shipped_codebook(run_main):
    text = stdout_of(run_main("codebook"))
    assert text == (REPO / "sectortag" / "CODEBOOK.md").read_text(encoding="utf-8")
    assert text.startswith("# Sector codebook") and all(f"`{label}`" in text for label in SECTORS)
    assert "`sectortag codebook`" in (REPO / "README.md").read_text(encoding="utf-8")


def test_codebook_is_package_data():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "CODEBOOK.md" in config["package-data"]["sectortag"]
    assert "sectortag._cli" in config["packages"]


def test_seed_files_are_unchanged_by_the_new_splitter():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert split_paragraphs(text) == split_paragraphs(text, split="line") or len(split_paragraphs(text)) >= 15, path
    assert os.path.exists(SEED_PARAGRAPHS)
