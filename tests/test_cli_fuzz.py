"""Every command on random and mutated inputs and model files: exit code 0, 1 or 2, errors one line, no traceback.

``main`` runs in this process (the same code as the console script, without
the start-up cost), so an exception that escapes it fails the test with its
traceback. Time is bounded by the number of examples and the small inputs.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import toy_corpus
from test_hostile_models import byte_mutation, header_mutation, json_mutation, members_of, zip_bytes, zip_mutation

# FUZZ_EXAMPLES=2000 in the environment for a long run
SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 40)), deadline=None, suppress_health_check=list(HealthCheck))
SUFFIXES = [".txt", ".jsonl", ".json", ".csv", ".txt.gz", ".jsonl.gz", ".csv.gz", ".md", ""]
TEXTS, LABELS = toy_corpus()


def _records(draw, n_max: int) -> list[dict]:
    n = draw(st.integers(0, n_max))
    records = []
    for i in range(n):
        j = draw(st.integers(0, len(TEXTS) - 1))
        record = {"text": TEXTS[j], "labels": LABELS[j]}
        if draw(st.booleans()):
            record["doc_id"] = f"d{draw(st.integers(0, 5))}"
        if draw(st.integers(0, 19)) == 0:  # a broken field now and then
            record[draw(st.sampled_from(["text", "labels", "id", "lang", "doc_id"]))] = draw(
                st.sampled_from([None, 7, "", [], ["trde"], ["x", 1], {"a": 1}, "fr", "EN"])
            )
        records.append(record)
    return records


@st.composite
def file_content(draw, suffix: str, labelled: bool = False) -> bytes:
    kinds = ["records", "csv", "json", "text", "bytes", "empty"]
    kind = draw(st.sampled_from(kinds + ["csv" if suffix.startswith(".csv") else "records"] * (6 if labelled else 1)))
    if kind == "records":
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(draw, 30)).encode()
    elif kind == "csv":
        delimiter = draw(st.sampled_from([",", ";"]))
        rows = [f'"{r["text"]}"{delimiter}{";".join(map(str, r["labels"])) if isinstance(r["labels"], list) else r["labels"]}'
                for r in _records(draw, 20) if isinstance(r.get("text"), str)]
        data = (f"{draw(st.sampled_from(['text', 'Text', 'body']))}{delimiter}labels\n" + "\n".join(rows)).encode()
    elif kind == "json":
        data = json.dumps(draw(st.sampled_from([[], [{"text": "Wheat."}], ["Trade."], {"text": "x"}, [1, 2], "s"]))).encode()
    elif kind == "text":
        data = draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    elif kind == "bytes":
        data = draw(st.binary(max_size=300))
    else:
        data = b""
    if draw(st.integers(0, 5)) == 0 and data:
        cut = draw(st.integers(0, len(data) - 1))
        data = data[:cut] + draw(st.binary(max_size=8)) + data[cut + 1 :]
    return gzip.compress(data) if suffix.endswith(".gz") and draw(st.integers(0, 4)) else data


@pytest.fixture(scope="module")
def valid_model(toy_model_path) -> dict[str, bytes]:
    return members_of(toy_model_path)


@st.composite
def model_bytes(draw, valid) -> bytes:
    choice = draw(st.integers(0, 7))
    if choice <= 3:
        return zip_bytes(valid)
    mutation = [json_mutation, header_mutation, zip_mutation, byte_mutation][choice - 4]
    return draw(mutation(valid))


def maybe(draw, options: list[str], value) -> list[str]:
    return [options[0], draw(value)] if draw(st.booleans()) else []


@st.composite
def cli_call(draw, valid, commands):
    """(argv, stdin, files to write {name: bytes})."""
    files: dict[str, bytes] = {}

    def data_file(prefix: str, labelled: bool = False) -> str:
        suffix = draw(st.sampled_from(SUFFIXES + [".jsonl", ".jsonl", ".csv"] * (4 if labelled else 0)))
        name = f"{prefix}{len(files)}{suffix}"
        files[name] = draw(file_content(suffix, labelled))
        return name

    def model() -> list[str]:
        if draw(st.integers(0, 3)) == 0:
            return []
        files["model.zip"] = draw(model_bytes(valid))
        return ["--model", "model.zip"]

    encoding = maybe(draw, ["--encoding"], st.sampled_from(["utf-8", "utf-8", "latin-1", "klingon"]))
    errors = maybe(draw, ["--errors"], st.sampled_from(["strict", "replace", "ignore", "ignore", "loud"]))
    command = draw(st.sampled_from(commands))
    stdin = None
    if command == "tag":
        args = ["tag"] + draw(st.lists(st.text(max_size=40), max_size=2))
        if draw(st.booleans()):
            args += ["--file"] + [data_file("in") for _ in range(draw(st.integers(1, 2)))]
        if draw(st.booleans()):
            stdin = draw(file_content(".txt"))
            args += draw(st.sampled_from([[], ["-"], ["--file", "-"]]))
        args += maybe(draw, ["--split"], st.sampled_from(["auto", "blank", "line", "words"]))
        args += maybe(draw, ["--format"], st.sampled_from(["table", "json", "jsonl", "csv", "html", "xml"]))
        args += maybe(draw, ["--input-format"], st.sampled_from(["auto", "text", "jsonl", "json", "csv"]))
        args += maybe(draw, ["--threshold"], st.sampled_from(["0", "0.5", "1", "-1", "nan", "inf", "abc"]))
        args += maybe(draw, ["--top"], st.sampled_from(["0", "3", "-2", "x"]))
        args += maybe(draw, ["--out"], st.sampled_from(["rows.jsonl", "rows.csv", "rows.json", "page.html", "", "-", ".", "/dev/null", "no/such/x"]))
        args += ["--explain"] if draw(st.booleans()) else []
        args += model() + encoding + errors
    elif command in ("train", "benchmark"):
        args = [command, "--data", data_file("train", True)] + (["--custom-labels"] if draw(st.booleans()) else [])
        args += maybe(draw, ["--folds"], st.sampled_from(["2", "2", "3", "1", "x"]))
        if command == "train":
            args += ["--out", draw(st.sampled_from(["m.zip"] * 6 + ["", ".", "no/such/m.zip"]))]
            args += maybe(draw, ["--min-df"], st.sampled_from(["1", "1", "2", "1000", "0"]))
            args += maybe(draw, ["--C"], st.sampled_from(["1", "1", "10", "0", "inf", "nan", "-1"]))
            args += ["--single-label"] if draw(st.booleans()) else []
        else:
            args += ["--train"] if draw(st.integers(0, 3)) == 0 else model()
        args += encoding + errors
    elif command == "profile":
        args = ["profile"] + [data_file("doc") for _ in range(draw(st.integers(0, 2)))]
        if draw(st.booleans()):
            stdin = draw(file_content(".txt"))
            args += ["-"] if draw(st.booleans()) else []
        args += maybe(draw, ["--format"], st.sampled_from(["table", "markdown", "csv", "json", "jsonl", "xml"]))
        args += maybe(draw, ["--input-format"], st.sampled_from(["auto", "text", "jsonl", "json", "csv"]))
        args += maybe(draw, ["--split"], st.sampled_from(["auto", "blank", "line"]))
        args += maybe(draw, ["--threshold"], st.sampled_from(["0", "0.5", "2"]))
        args += maybe(draw, ["--out"], st.sampled_from(["p.csv", "p.md", "", "no/such/p.csv"]))
        args += model() + encoding + errors
    elif command == "evaluate":
        args = ["evaluate", "--data", data_file("eval", True)] + model() + encoding + errors
        args += maybe(draw, ["--threshold"], st.sampled_from(["0", "0.3", "2", "nan"]))
        args += maybe(draw, ["--format"], st.sampled_from(["table", "markdown", "json"]))
        if draw(st.integers(0, 7)) == 0:  # figures take a second or two: now and then
            args += ["--html", draw(st.sampled_from(["report.html", "", "no/such/r.html"]))]
    elif command == "info":
        args = ["info"] + model() + maybe(draw, ["--format"], st.sampled_from(["text", "json", "yaml"]))
    elif command in ("check", "stats"):
        args = ["data", command] + [data_file("data", True) for _ in range(draw(st.integers(1, 2)))] + encoding + errors
        args += ["--custom-labels"] if command == "check" and draw(st.booleans()) else []
    else:
        args = ["codebook"]
    return args, stdin, files


def check_outcome(result, args) -> None:
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode in (0, 1, 2), (args, result.returncode, stderr)
    assert "Traceback" not in stderr, (args, stderr)
    if result.returncode == 0:
        return
    lines = stderr.splitlines()
    if result.returncode == 1 and args[:2] == ["data", "check"]:  # a report: one line per problem, then a count
        assert lines and lines[-1].endswith(" file(s)") and "problem(s) in" in lines[-1], (args, lines)
        return
    errors = [line for line in lines if ": error: " in line]
    assert len(errors) == 1 and lines[-1] == errors[0] and lines[-1].startswith("sectortag"), (args, lines)
    if result.returncode == 1:
        progress = ("training", "counting n-grams", "cross-validating", "choosing", "fitting", "[")  # train's status lines
        assert all(line.startswith(("sectortag", *progress)) for line in lines), (args, lines)


def run_fuzz(tmp_path, monkeypatch, run_main, valid_model, commands, max_seconds: float):
    started = time.perf_counter()

    @SETTINGS
    @given(call=cli_call(valid_model, commands))
    def check(call):
        args, stdin, files = call
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        for name, data in files.items():
            (folder / name).write_bytes(data)
        monkeypatch.chdir(folder)
        check_outcome(run_main(*args, stdin=stdin), args)

    check()
    assert time.perf_counter() - started < max_seconds


def test_fuzz_tag_profile_info_data_codebook(tmp_path, monkeypatch, run_main, valid_model):
    run_fuzz(tmp_path, monkeypatch, run_main, valid_model, ["tag", "tag", "tag", "profile", "info", "check", "stats", "codebook"], 120)


def test_fuzz_train_evaluate_benchmark(tmp_path, monkeypatch, run_main, valid_model):
    run_fuzz(tmp_path, monkeypatch, run_main, valid_model, ["train", "train", "evaluate", "evaluate", "benchmark"], 180)
