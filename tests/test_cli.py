"""The command line, run for real: ``python -m sectortag ...`` in a subprocess.

Every error case checks the contract of ``sectortag._cli``: exit code 1 for a
runtime error (2 for a usage error), exactly one line on stderr, and never a
traceback. A subprocess costs 0.3-0.6 s of start-up, so independent calls run
side by side (``run_all``) and the rarer error and usage cases call ``main`` in
this process (``run_main``): the same code, without the start-up.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
from pathlib import Path

import pytest

import sectortag
from sectortag import SECTORS, split_paragraphs
from sectortag._cli import build_parser, main

from conftest import REPO, SEEDS, error_of, run_cli, stdout_of, toy_corpus

SEED_FILES = sorted(SEEDS.glob("*.txt"))
SEED_PARAGRAPHS = REPO / "datasets" / "seed_paragraphs.jsonl"

DOCUMENT = (
    "Wheat, fertiliser and \"food security\" were discussed.\r\n"
    "\r\n"
    "The defence ministers agreed to fight terrorism\r\n"
    "and organised crime together.\r\n"
    "\r\n"
    "  The two countries will coordinate at the United Nations General Assembly.  \r\n"
)


def run_all(calls: dict) -> dict:
    """Run independent CLI calls concurrently, ``{key: (args, stdin)}`` -> ``{key: result}``.

    Each call is still its own ``python -m sectortag`` process; running them
    side by side only saves waiting on a multi-core machine.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {key: pool.submit(run_cli, *args, stdin=stdin) for key, (args, stdin) in calls.items()}
        return {key: future.result() for key, future in futures.items()}


def jsonl_rows(text: str) -> list[dict]:
    return [json.loads(line) for line in text.split("\n") if line]  # not splitlines(): U+2028 may be in a row


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def toy_records() -> list[dict]:
    texts, labels = toy_corpus()
    return [{"id": f"toy-{i}", "text": t, "labels": names} for i, (t, names) in enumerate(zip(texts, labels))]


# --------------------------------------------------------------------------
# tag: inputs


def test_text_arguments_default_to_jsonl_when_piped():
    texts = ["Bilateral trade and investment in energy grew strongly.", "Religious leaders met for interfaith dialogue."]
    rows = jsonl_rows(stdout_of(run_cli("tag", *texts)))
    assert [(r["source"], r["paragraph"], r["text"]) for r in rows] == [("arg1", 1, texts[0]), ("arg2", 1, texts[1])]
    for row in rows:
        assert list(row) == ["source", "paragraph", "start", "end", "labels", "scores", "text"]
        assert list(row["scores"]) == list(SECTORS)
        assert all(0 <= s <= 1 for s in row["scores"].values())
        assert set(row["labels"]) <= set(SECTORS)


def test_seed_files_give_one_row_per_paragraph():
    args = [arg for path in SEED_FILES for arg in ("--file", str(path))]
    rows = jsonl_rows(stdout_of(run_cli("tag", *args)))
    for path in SEED_FILES:
        text = path.read_text(encoding="utf-8")
        paragraphs = split_paragraphs(text)
        mine = [r for r in rows if r["source"] == str(path)]
        assert len(mine) == len(paragraphs), f"{path.name}: Want: {len(paragraphs)} rows. Is: {len(mine)}"
        assert [r["paragraph"] for r in mine] == list(range(1, len(paragraphs) + 1))
        assert [(r["start"], r["end"], r["text"]) for r in mine] == [(p.start, p.end, p.text) for p in paragraphs]
    assert len(rows) == sum(len(split_paragraphs(p.read_text(encoding="utf-8"))) for p in SEED_FILES)


def test_stdin_with_windows_line_endings_and_a_byte_order_mark():
    rows = jsonl_rows(stdout_of(run_cli("tag", stdin=b"\xef\xbb\xbf" + DOCUMENT.encode("utf-8"))))
    paragraphs = split_paragraphs(DOCUMENT)
    assert [(r["source"], r["start"], r["end"], r["text"]) for r in rows] == [
        ("<stdin>", p.start, p.end, p.text) for p in paragraphs
    ]
    assert len(rows) == 3 and all(DOCUMENT[r["start"] : r["end"]] == r["text"] for r in rows)


def test_large_file_is_streamed_with_exact_spans(tmp_path):
    # > 2,000 paragraphs (several batches) and > 1 MB (several read and split chunks),
    # mixing blank-line paragraphs, one paragraph per line and hard-wrapped prose.
    blocks = []
    for i in range(2600):
        if i % 3 == 0:
            blocks.append(f"Paragraph {i} on wheat exports and food security.\nLine {i} of a wire story about trade.")
        elif i % 3 == 1:
            blocks.append(f"The ministers discussed defence cooperation in paragraph {i} and\nagreed on " + "more " * 120 + "steps.")
        else:
            blocks.append(f"  • Bullet {i}: cultural festival and universities — é中文 🎉 " + "xyz " * 150)
    text = "\r\n\r\n".join(blocks) + "\n"
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8", newline="")
    assert len(path.read_bytes()) > 1_100_000
    rows = jsonl_rows(stdout_of(run_cli("tag", "--file", str(path))))
    paragraphs = split_paragraphs(text)
    assert len(rows) == len(paragraphs) > 2600
    assert [r["paragraph"] for r in rows] == list(range(1, len(rows) + 1))
    assert [(r["start"], r["end"], r["text"]) for r in rows] == [(p.start, p.end, p.text) for p in paragraphs]


# --------------------------------------------------------------------------
# tag: output formats and options


@pytest.fixture(scope="module")
def document_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("doc") / "doc.txt"
    path.write_bytes(DOCUMENT.encode("utf-8"))
    return path


@pytest.fixture(scope="module")
def format_runs(document_file) -> dict:
    """One run per output format and per extreme threshold, side by side."""
    calls = {fmt: (("tag", "--format", fmt, "--file", str(document_file)), None) for fmt in ("jsonl", "json", "csv", "table")}
    for threshold in ("0", "1"):
        calls[threshold] = (("tag", "--threshold", threshold, "--file", str(document_file)), None)
    calls["explain"] = (("tag", "--explain", "--top", "3", "--file", str(document_file)), None)
    return run_all(calls)


@pytest.fixture(scope="module")
def reference_rows(format_runs) -> list[dict]:
    return jsonl_rows(stdout_of(format_runs["jsonl"]))


def test_jsonl_rows_match_the_library(reference_rows):
    paragraphs = split_paragraphs(DOCUMENT)
    tagged = sectortag.load().tag_document(DOCUMENT)
    assert len(reference_rows) == len(paragraphs) == len(tagged) == 3
    for row, paragraph, tags in zip(reference_rows, paragraphs, tagged):
        assert (row["start"], row["end"], row["text"]) == (paragraph.start, paragraph.end, paragraph.text)
        assert row["labels"] == tags.labels
        assert row["scores"] == pytest.approx({k: round(v, 4) for k, v in tags.scores.items()}, abs=1e-12)


def test_json_format(format_runs, reference_rows):
    rows = json.loads(stdout_of(format_runs["json"]))
    assert rows == reference_rows


def test_csv_format(format_runs, reference_rows):
    out = stdout_of(format_runs["csv"])
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert len(rows) == len(reference_rows)
    for row, want in zip(rows, reference_rows):
        assert row["text"] == want["text"]  # quotes, commas and the line break inside survive
        assert (int(row["start"]), int(row["end"])) == (want["start"], want["end"])
        assert (row["labels"].split(";") if row["labels"] else []) == want["labels"]
        assert {k: float(row[f"score_{k}"]) for k in SECTORS} == want["scores"]  # one column per label score


def test_table_format(format_runs, document_file, reference_rows):
    out = stdout_of(format_runs["table"])
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["source", "#", "labels"]
    assert len(lines) == 2 + len(reference_rows)
    for line, row in zip(lines[2:], reference_rows):
        assert str(document_file) in line
        for label in row["labels"]:
            assert f"{label} {row['scores'][label]:.2f}" in line
        assert " ".join(row["text"].split())[:40] in line


@pytest.mark.parametrize("threshold, expect", [("0", list(SECTORS)), ("1", [])])
def test_threshold_extremes(format_runs, threshold, expect):
    rows = jsonl_rows(stdout_of(format_runs[threshold]))
    assert len(rows) == 3
    assert all(sorted(r["labels"], key=SECTORS.index) == expect for r in rows)


def test_explain_evidence_slices_back_into_the_input(format_runs):
    rows = jsonl_rows(stdout_of(format_runs["explain"]))
    assert len(rows) == 3
    assert any(r["evidence"] for r in rows)
    for row in rows:
        assert list(row["evidence"]) == row["labels"]
        for label, evidence in row["evidence"].items():
            assert 1 <= len(evidence) <= 3
            for item in evidence:
                assert DOCUMENT[item["start"] : item["end"]] == item["text"], (label, item)
                assert row["start"] <= item["start"] < item["end"] <= row["end"]
    security = next(r for r in rows if "security_defense" in r["labels"])
    words = {e["text"].lower() for e in security["evidence"]["security_defense"]}
    assert words & {"defence", "terrorism", "crime", "organised crime"}, words


def test_model_option_uses_that_model(toy_model_path, toy_tagger):
    text = "Universities will exchange students and offer scholarships."
    rows = jsonl_rows(stdout_of(run_cli("tag", "--model", str(toy_model_path), text)))
    assert len(rows) == 1
    assert list(rows[0]["scores"]) == toy_tagger.classes_
    want = toy_tagger.tag(text)
    assert rows[0]["labels"] == want.labels
    assert rows[0]["scores"] == pytest.approx({k: round(v, 4) for k, v in want.scores.items()}, abs=1e-12)


def test_jsonl_input_gives_one_row_per_record_with_ids(tmp_path, run_main):
    records = [
        {"id": "a-1", "text": "Wheat exports and food security.\n\nA second paragraph that stays in the same row."},
        {"text": "No id here: the United Nations General Assembly."},
        {"id": 7, "text": ""},
    ]
    plain = write_jsonl(tmp_path / "records.jsonl", records[:2])
    plain.write_text(plain.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a blank line is skipped
    zipped = tmp_path / "more.jsonl.gz"
    zipped.write_bytes(gzip.compress((json.dumps(records[2]) + "\n").encode()))
    out = stdout_of(run_cli("tag", "--format", "csv", "--file", str(plain), "--file", str(zipped)))
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [(r["source"], r["paragraph"], r["line"], r["id"]) for r in rows] == [
        (str(plain), "1", "1", "a-1"),
        (str(plain), "2", "2", ""),
        (str(zipped), "1", "1", "7"),
    ]
    assert [r["text"] for r in rows] == [r["text"] for r in records]
    # --jsonl reads stdin as records too; ids keep their JSON type
    stdin = "".join(json.dumps(r) + "\n" for r in records).encode()
    rows = jsonl_rows(stdout_of(run_main("tag", "--jsonl", stdin=stdin)))
    assert [(r["id"], r["line"], r["start"], r["end"], r["text"]) for r in rows] == [
        (r.get("id"), i, 0, len(r["text"]), r["text"]) for i, r in enumerate(records, 1)
    ]


def test_gzipped_text_and_forced_input_formats(tmp_path, run_main):
    zipped = tmp_path / "doc.txt.gz"
    zipped.write_bytes(gzip.compress(DOCUMENT.encode("utf-8")))
    rows = jsonl_rows(stdout_of(run_main("tag", "--file", str(zipped))))
    assert [(r["start"], r["end"], r["text"]) for r in rows] == [(p.start, p.end, p.text) for p in split_paragraphs(DOCUMENT)]
    # a .jsonl name read as text on request: JSON lines are then just lines of text
    records = write_jsonl(tmp_path / "records.jsonl", [{"text": "Wheat."}, {"text": "Trade."}])
    rows = jsonl_rows(stdout_of(run_main("tag", "--input-format", "text", "--file", str(records))))
    assert [r["text"] for r in rows] == ['{"text": "Wheat."}', '{"text": "Trade."}'] and "id" not in rows[0]
    # and a .txt name read as JSON Lines
    renamed = records.rename(tmp_path / "records.txt")
    rows = jsonl_rows(stdout_of(run_main("tag", "--jsonl", "--file", str(renamed))))
    assert [r["text"] for r in rows] == ["Wheat.", "Trade."]


def test_out_writes_the_file_and_reports_progress(tmp_path, document_file, reference_rows):
    out = tmp_path / "rows.csv"
    result = run_cli("tag", "--file", str(document_file), "--out", str(out))
    assert stdout_of(result) == ""
    assert f"wrote {out}" in result.stderr.decode()
    assert "3 paragraphs tagged" in result.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))  # format from the suffix
    assert [r["text"] for r in rows] == [r["text"] for r in reference_rows]


def test_out_leaves_no_file_when_tagging_fails(tmp_path, run_main):
    data = write_jsonl(tmp_path / "data.jsonl", [{"text": "Wheat."}, {"text": "Trade."}])
    data.write_text(data.read_text() + '{"id": 3}\n', encoding="utf-8")
    out = tmp_path / "rows.jsonl"
    message = error_of(run_main("tag", "--no-progress", "--file", str(data), "--out", str(out)))
    assert f"{data}:3: missing 'text'" in message
    assert list(tmp_path.iterdir()) == [data]


OBVIOUS_TEXTS = [
    "Religious leaders met for an interfaith dialogue.",
    "Bilateral trade and investment grew.",
    "Thank you.",
    "The ministers discussed wheat, food security and defence cooperation against terrorism.",
]


def test_jobs_give_the_same_output_in_every_format(tmp_path):
    # several batches (2,000 paragraphs each), with ids, passed-through fields (one renamed), evidence and an error at the end
    records = [{"id": i, "text": f"Paragraph {i}: " + OBVIOUS_TEXTS[i % len(OBVIOUS_TEXTS)] + " Trade, TRADE.",
                "source": "archive", "year": 1990 + i % 7} for i in range(4500)]
    data = write_jsonl(tmp_path / "many.jsonl", records)
    for args in (("--file", str(data)), ("--file", str(data), "--format", "csv", "--explain"),
                 ("--file", str(data), "--format", "json", "--threshold", "0.3"),
                 ("--file", str(data), "--format", "table", "--explain"), ("--file", str(data), "--format", "html", "--explain"),
                 ("--file", str(data), "--explain", "--top", "2")):
        one, two = run_cli("tag", "--jobs", "1", *args), run_cli("tag", "--jobs", "2", *args)
        assert stdout_of(one) == stdout_of(two)
    rows = jsonl_rows(stdout_of(one))
    assert len(rows) == 4500 and rows[1]["input_source"] == "archive" and rows[1]["year"] == 1991
    words = [e["text"].casefold() for row in rows for items in row["evidence"].values() for e in items]
    assert "trade" in words and len(set(words)) > 1
    for row in rows:  # each word once per label
        for items in row["evidence"].values():
            assert len({e["text"].casefold() for e in items}) == len(items)
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    for jobs in ("1", "2"):
        stdout_of(run_cli("tag", "--jobs", jobs, "--file", str(data), "--out", str(tmp_path / f"{jobs}.parquet")))
    assert pq.read_table(tmp_path / "1.parquet").equals(pq.read_table(tmp_path / "2.parquet"))
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = run_cli("tag", "--jobs", "2", "--file", str(empty))
    assert result.returncode == 0 and result.stdout == b"" and b"empty.txt is empty; nothing to tag there" in result.stderr
    data.write_text(data.read_text() + '{"id": "bad"}\n', encoding="utf-8")
    failed = run_cli("tag", "--jobs", "2", "--file", str(data))
    assert failed.returncode == 1 and b"many.jsonl:4501: missing 'text'" in failed.stderr
    assert b"Traceback" not in failed.stderr and len(jsonl_rows(failed.stdout.decode())) == 4000  # the batches before it


def test_tagging_never_imports_scikit_learn_or_nltk():
    code = (
        "import sys; from sectortag._cli import main; "
        "code = main(['tag', '--format', 'json', 'Wheat exports.']); "
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'nltk'))))"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr.decode() == "[]"


# --------------------------------------------------------------------------
# train, evaluate, info, data


@pytest.fixture(scope="module")
def trainings(tmp_path_factory) -> tuple[Path, dict]:
    """Three small trainings side by side: sectors from JSONL, custom labels, sectors from CSV."""
    folder = tmp_path_factory.mktemp("train")
    records = toy_records()
    write_jsonl(folder / "toy.jsonl", records)
    write_jsonl(folder / "custom.jsonl", [dict(r, labels=[f"x-{name}" for name in r["labels"]]) for r in records])
    with (folder / "toy.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "labels"])
        writer.writerows([r["text"], ";".join(r["labels"])] for r in records)
    train = ("train", "--folds", "3", "--data")
    return folder, run_all({
        "jsonl": ((*train, str(folder / "toy.jsonl"), "--out", str(folder / "toy.zip")), None),
        "custom": ((*train, str(folder / "custom.jsonl"), "--custom-labels", "--out", str(folder / "custom.zip")), None),
        "custom-rejected": ((*train, str(folder / "custom.jsonl"), "--out", str(folder / "rejected.zip")), None),
        "csv": ((*train, str(folder / "toy.csv"), "--out", str(folder / "csv.zip")), None),
        "options": ((*train, str(folder / "toy.jsonl"), "--word-ngrams", "1", "1", "--class-weight", "balanced",
                     "--no-lexicon", "--C", "3", "--out", str(folder / "options.zip")), None),
    })


@pytest.fixture(scope="module")
def trained(trainings) -> tuple[Path, Path, object]:
    folder, results = trainings
    return folder / "toy.jsonl", folder / "toy.zip", results["jsonl"]


def test_train_writes_a_model(trained):
    data, model, result = trained
    assert result.returncode == 0, result.stderr.decode()
    assert model.is_file()
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr and f"saved {model}" in stderr and "micro-F1" in stderr


def test_evaluate_the_trained_model(trained, run_main):
    data, model, _ = trained
    report = json.loads(stdout_of(run_cli("evaluate", "--model", str(model), "--data", str(data), "--format", "json")))
    overall = report["overall"]
    assert overall["n_examples"] == len(toy_records())
    assert overall["micro"]["f1"] >= 0.9, f"Want: micro-F1 >= 0.9 on its own training data. Is: {overall['micro']['f1']:.3f}"
    table = stdout_of(run_main("evaluate", "--model", str(model), "--data", str(data)))
    assert "micro avg" in table and "macro avg" in table


def test_info_describes_the_trained_model(trained, run_main):
    data, model, _ = trained
    meta = json.loads(stdout_of(run_cli("info", "--model", str(model), "--format", "json")))
    assert meta["labels"] == list(SECTORS)
    assert meta["training"]["n_examples"] == len(toy_records())
    assert meta["training"]["cv"]["folds"] == 3
    card = stdout_of(run_main("info", "--model", str(model)))
    assert f"model: {model}" in card and "cross-validated" in card
    assert all(label in card for label in SECTORS)


def test_train_options_reach_the_model(trainings):
    folder, results = trainings
    assert results["options"].returncode == 0, results["options"].stderr.decode()
    tagger = sectortag.load(folder / "options.zip")
    assert tagger.word_ngram_range == (1, 1) and tagger.class_weight == "balanced"
    assert tagger.lexicon is False and tagger.C == 3.0


def test_train_with_custom_labels(trainings):
    folder, results = trainings
    message = error_of(results["custom-rejected"])
    assert "unknown label 'x-politics'" in message and "--custom-labels" in message
    assert not (folder / "rejected.zip").exists()
    assert results["custom"].returncode == 0, results["custom"].stderr.decode()
    assert sectortag.load(folder / "custom.zip").classes_ == sorted(f"x-{name}" for name in SECTORS)


def test_train_on_csv(trainings):
    folder, results = trainings
    assert results["csv"].returncode == 0, results["csv"].stderr.decode()
    model = sectortag.load(folder / "csv.zip")
    assert model.classes_ == list(SECTORS)
    assert model.training_info_["n_examples"] == len(toy_records())


def test_train_rejects_a_misspelt_sector(tmp_path):
    records = toy_records()
    records[4] = dict(records[4], labels=["trdae"])
    data = write_jsonl(tmp_path / "typo.jsonl", records)
    message = error_of(run_cli("train", "--data", str(data), "--out", str(tmp_path / "m.zip")))
    assert f"{data}:5:" in message and "'trdae'" in message and "did you mean 'trade'?" in message
    assert not (tmp_path / "m.zip").exists()


def test_data_check_and_stats():
    assert stdout_of(run_cli("data", "check", str(SEED_PARAGRAPHS))).startswith("ok: 143 paragraphs in 1 file")
    stats = json.loads(stdout_of(run_cli("data", "stats", "--format", "json", str(SEED_PARAGRAPHS))))
    assert stats["n_paragraphs"] == 143
    assert list(stats["label_by_language"])[: len(SECTORS)] == list(SECTORS)


def test_data_check_reports_problems(tmp_path, run_main):
    data = write_jsonl(tmp_path / "bad.jsonl", [{"id": "a", "doc_id": "d", "lang": "en", "text": "Wheat.", "labels": ["wheat"]}])
    result = run_main("data", "check", str(data))
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert f"{data}:1: unknown label 'wheat'" in result.stderr.decode()


# --------------------------------------------------------------------------
# entry points, version, help


def test_version():
    assert stdout_of(run_cli("--version")).strip() == f"sectortag {sectortag.__version__}"


def test_help_in_a_subprocess():
    out = stdout_of(run_cli("tag", "--help"))
    assert out.startswith("usage: sectortag tag") and "--jsonl" in out and "--out PATH" in out


def _command_paths(parser, prefix=()):
    """Every command and subcommand of the parser, e.g. ("data", "check")."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from _command_paths(sub, (*prefix, name))


COMMANDS = list(_command_paths(build_parser()))


def test_every_command_is_covered():
    assert {"tag", "train", "evaluate", "info", "data", ("data", "check"), ("data", "stats")} <= {
        c[0] if len(c) == 1 else c for c in COMMANDS
    }


@pytest.mark.parametrize("command", [(), *COMMANDS], ids=lambda c: " ".join(c) or "sectortag")
def test_help_exits_0(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: sectortag")


def test_console_script_runs_main():
    from importlib.metadata import entry_points

    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "sectortag"]
    assert script.load() is main


# --------------------------------------------------------------------------
# errors: exit code 1 (2 for usage), one line on stderr, no traceback


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    (folder / "latin1.txt").write_bytes("Blé et café.\n\nSécurité alimentaire.".encode("latin-1"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b" \n\t\r\n \n")
    (folder / "broken.jsonl").write_text('{"text": "fine"}\n\n{"text": "no closing brace"\n', encoding="utf-8")
    (folder / "notext.jsonl").write_text('{"text": "fine"}\n{"id": "p2", "body": "wrong key"}\n', encoding="utf-8")
    (folder / "not-a-model.zip").write_bytes(b"this is not a zip archive")
    (folder / "truncated.txt.gz").write_bytes(gzip.compress(b"Wheat exports.\n\nFood security.\n" * 50)[:40])
    (folder / "folder").mkdir()
    write_jsonl(folder / "few.jsonl", toy_records()[::10][:4])
    write_jsonl(folder / "unlabelled.jsonl", [dict(r, labels=[]) for r in toy_records()[:20]])
    (folder / "train-broken.jsonl").write_text(
        json.dumps(toy_records()[0]) + "\n" + '{"text": "x", "labels": [}\n', encoding="utf-8"
    )
    return folder


# The cases a user meets most, each in its own real process...
ERRORS = {
    "missing file": (("tag", "--file", "{d}/nope.txt"), None, ["{d}/nope.txt", "no such file"]),
    "directory": (("tag", "--file", "{d}/folder"), None, ["{d}/folder", "is a directory"]),
    "undecodable bytes": (
        ("tag", "--file", "{d}/latin1.txt"), None,
        ["{d}/latin1.txt", "0xe9 at offset 2", "--encoding", "--errors replace"],
    ),
    "malformed JSON line": (("tag", "--file", "{d}/broken.jsonl"), None, ["{d}/broken.jsonl:3: malformed JSON"]),
    "record without text": (("tag", "--jsonl", "--file", "{d}/notext.jsonl"), None, ["{d}/notext.jsonl:2: missing 'text'"]),
    "bad model file": (("tag", "--model", "{d}/not-a-model.zip", "x"), None, ["{d}/not-a-model.zip", "not a sectortag model"]),
    "too few examples": (("train", "--data", "{d}/few.jsonl", "--out", "{d}/m.zip"), None, ["4 examples are too few", "(or lower --folds)"]),
    "no label ever occurs": (("train", "--data", "{d}/unlabelled.jsonl", "--out", "{d}/m.zip"), None, ["no example has a label"]),
}

# ...and the rarer ones through ``main`` in this process: the same code, without the start-up cost.
MORE_ERRORS = {
    "undecodable stdin": (("tag",), "Blé".encode("latin-1"), ["<stdin>", "offset 2", "--errors replace"]),
    "unknown encoding": (("tag", "--encoding", "klingon", "--file", "{d}/latin1.txt"), None, ["unknown encoding 'klingon'"]),
    "truncated gzip": (("tag", "--file", "{d}/truncated.txt.gz"), None, ["{d}/truncated.txt.gz", "not a valid gzip file"]),
    "JSON line not an object": (("tag", "--jsonl"), b'["a list"]\n', ["<stdin>:1: expected a JSON object"]),
    "missing model file": (("info", "--model", "{d}/nope.zip"), None, ["{d}/nope.zip", "no such model file"]),
    "model is a folder": (("tag", "--model", "{d}/folder", "x"), None, ["{d}/folder", "is a directory"]),
    "output folder missing": (("tag", "--out", "{d}/nowhere/rows.jsonl", "x"), None, ["does not exist"]),
    "output is a folder": (("tag", "--out", "{d}/folder", "x"), None, ["{d}/folder", "is a directory"]),
    "malformed training line": (("train", "--data", "{d}/train-broken.jsonl", "--out", "{d}/m.zip"), None, ["train-broken.jsonl:2: malformed JSON"]),
    "unknown data format": (("evaluate", "--data", "{d}/latin1.txt"), None, ["unknown data format"]),
    "train output folder missing": (("train", "--data", "{d}/few.jsonl", "--out", "{d}/nowhere/m.zip"), None, ["does not exist"]),
}

USAGE_ERRORS = {
    "threshold below 0": (("tag", "--threshold", "-0.1", "x"), "--threshold must be between 0 and 1"),
    "evaluate threshold": (("evaluate", "--threshold", "2", "--data", str(SEED_PARAGRAPHS)), "--threshold must be between 0 and 1"),
    "negative top": (("tag", "--explain", "--top", "-1", "x"), "--top must be 0 or more"),
    "one fold": (("train", "--folds", "1", "--data", "x.jsonl", "--out", "m.zip"), "--folds must be 2 or more"),
    "C of zero": (("train", "--C", "0", "--data", "x.jsonl", "--out", "m.zip"), "--C must be a positive finite number or auto, got 0"),
    "C infinite": (("train", "--C", "inf", "--data", "x.jsonl", "--out", "m.zip"), "--C must be a positive finite number or auto, got inf"),
    "C a word": (("train", "--C", "high", "--data", "x.jsonl", "--out", "m.zip"), "--C must be a positive finite number or auto, got high"),
    "zero jobs": (("tag", "--jobs", "0", "x"), "--jobs must be 1 or more, or -1 for every core, got 0"),
    "train zero jobs": (("train", "--jobs", "-3", "--data", "x.jsonl", "--out", "m.zip"), "--jobs must be 1 or more"),
    "min-df of zero": (("train", "--min-df", "0", "--data", "x.jsonl", "--out", "m.zip"), "--min-df must be 1 or more"),
    "lexicon weight of zero": (("train", "--lexicon-weight", "0", "--data", "x.jsonl", "--out", "m.zip"),
                               "--lexicon-weight must be a number above 0 and at most 100, got 0.0"),
    "char n-grams reversed": (("train", "--char-ngrams", "5", "2", "--data", "x.jsonl", "--out", "m.zip"), "1 <= MIN <= MAX"),
    "word n-grams reversed": (("train", "--word-ngrams", "2", "1", "--data", "x.jsonl", "--out", "m.zip"), "--word-ngrams needs 1 <= MIN <= MAX"),
}


@pytest.fixture(scope="module")
def error_runs(bad_files) -> dict:
    d = str(bad_files)
    return run_all({case: (tuple(a.format(d=d) for a in args), stdin) for case, (args, stdin, _) in ERRORS.items()})


def check_message(message: str, fragments, folder: Path) -> None:
    for fragment in fragments:
        assert fragment.format(d=folder) in message, f"Want: {fragment.format(d=folder)!r} in the message. Is: {message}"
    assert not (folder / "m.zip").exists()


@pytest.mark.parametrize("case", list(ERRORS))
def test_runtime_errors_are_one_line(case, bad_files, error_runs):
    check_message(error_of(error_runs[case]), ERRORS[case][2], bad_files)


@pytest.mark.parametrize("case", list(MORE_ERRORS))
def test_more_runtime_errors_are_one_line(case, bad_files, run_main):
    args, stdin, fragments = MORE_ERRORS[case]
    check_message(error_of(run_main(*(a.format(d=bad_files) for a in args), stdin=stdin)), fragments, bad_files)


def test_threshold_out_of_range_is_a_usage_error():
    message = error_of(run_cli("tag", "--threshold", "1.5", "x"), code=2)
    assert message == "sectortag tag: error: --threshold must be between 0 and 1, got 1.5"


@pytest.mark.parametrize("case", list(USAGE_ERRORS))
def test_usage_errors_exit_2(case, run_main):
    args, fragment = USAGE_ERRORS[case]
    assert fragment in error_of(run_main(*args), code=2)


def test_errors_replace_then_succeeds(bad_files, run_main):
    rows = jsonl_rows(stdout_of(run_cli("tag", "--errors", "replace", "--file", str(bad_files / "latin1.txt"))))
    assert [r["text"] for r in rows] == ["Bl\ufffd et caf\ufffd.", "S\ufffdcurit\ufffd alimentaire."]
    rows = jsonl_rows(stdout_of(run_main("tag", "--encoding", "latin-1", "--file", str(bad_files / "latin1.txt"))))
    assert [r["text"] for r in rows] == ["Blé et café.", "Sécurité alimentaire."]


def test_argparse_usage_errors_exit_2(run_main):
    result = run_main("tag", "--format", "xml", "x")
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert b"invalid choice: 'xml'" in result.stderr
