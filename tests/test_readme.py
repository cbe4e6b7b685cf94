"""The README's examples, executed as written.

Every ``python`` block runs (in a scratch folder holding the files the
blocks name), and the first one's output must be the ``text`` block after
it; every ``console`` block's ``$`` commands run in a shell from the
repository root, with ``sectortag`` meaning ``python -m sectortag`` from
this checkout, and must print what the README shows. The ``bash`` blocks
install the package and are left to CI.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import REPO, toy_corpus

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, re.S)
PYTHON = [body for lang, body in BLOCKS if lang == "python"]
CONSOLE = [body for lang, body in BLOCKS if lang == "console"]


def commands_and_outputs(block: str) -> list[tuple[str, str]]:
    """(command, expected output) for each ``$`` line of a console block."""
    pairs, command, lines = [], None, []
    for line in block.splitlines():
        if line.startswith("$ "):
            if command is not None:
                pairs.append((command, "\n".join(lines).strip("\n")))
            command, lines = line[2:], []
        else:
            lines.append(line)
    if command is not None:
        pairs.append((command, "\n".join(lines).strip("\n")))
    return pairs


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A folder with the README's file names: the repository's datasets and a labelled file of 'my' paragraphs."""
    (tmp_path / "datasets").symlink_to(REPO / "datasets")
    texts, labels = toy_corpus()
    with open(tmp_path / "my_paragraphs.jsonl", "w", encoding="utf-8") as out:
        for i, (text, names) in enumerate(zip(texts, labels)):
            out.write(json.dumps({"text": text, "labels": names, "doc_id": f"doc-{i % 8}"}) + "\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_readme_has_the_blocks_this_test_runs():
    assert len(PYTHON) >= 3 and len(CONSOLE) >= 3
    assert "scoring=sectortag.multilabel_scorer" in README and "cv=5" in README


@pytest.mark.parametrize("index", range(len(PYTHON)))
def test_python_blocks_run_as_written(scratch, index):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(PYTHON[index], f"README.md python block {index + 1}", "exec"), {"__name__": "__readme__"})
    if index == 0:
        expected = README.split(PYTHON[0], 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
        assert out.getvalue() == expected


@pytest.mark.parametrize("index", range(len(CONSOLE)))
def test_console_blocks_print_what_the_readme_shows(index):
    env = dict(os.environ, PYTHONPATH=str(REPO), COLUMNS="200")
    prelude = f'sectortag() {{ "{sys.executable}" -m sectortag "$@"; }}\n'
    for command, expected in commands_and_outputs(CONSOLE[index]):
        done = subprocess.run(["bash", "-c", prelude + command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, cwd=REPO, env=env, timeout=120)
        got = done.stdout.strip("\n")
        assert got == expected, f"Want (README): {command}\n{expected}\nIs:\n{got}"
