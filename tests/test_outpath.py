"""Output paths: special files written in place, symlinks written through, checks before work, no temp files left."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest

from sectortag import DataError, ModelFileError
from sectortag._io.outpath import check_output_path, default_mode, open_output

from conftest import REPO, error_of, run_cli


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".sectortag-"))


def test_dev_null_is_written_not_replaced(run_main):
    before = os.stat("/dev/null")
    assert run_main("tag", "--out", "/dev/null", "Wheat exports.").returncode == 0
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_dev_stdout_is_written_directly():
    result = run_cli("tag", "--format", "jsonl", "--out", "/dev/stdout", "Wheat exports.")
    assert result.returncode == 0, result.stderr
    assert b'"text": "Wheat exports."' in result.stdout


def test_dash_is_standard_output(run_main):
    result = run_main("tag", "--format", "jsonl", "--out", "-", "Wheat exports.")
    assert result.returncode == 0 and b'"text": "Wheat exports."' in result.stdout


def test_a_fifo_reader_gets_the_rows(tmp_path, run_main):
    fifo = tmp_path / "rows.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert run_main("tag", "--format", "jsonl", "--out", str(fifo), "Wheat exports.").returncode == 0
    reader.join(10)
    assert b'"text": "Wheat exports."' in received[0]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_symlink_is_written_through(tmp_path, run_main):
    target = tmp_path / "real.jsonl"
    target.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert run_main("tag", "--out", str(link), "Wheat exports.").returncode == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert '"text": "Wheat exports."' in target.read_text()
    assert leftovers(tmp_path) == []


def test_new_files_get_the_umask_mode_and_replaced_files_keep_theirs(tmp_path, toy_tagger):
    old = os.umask(0o027)
    try:
        assert default_mode() == 0o640
        toy_tagger.save(tmp_path / "model.zip")
        assert stat.S_IMODE(os.stat(tmp_path / "model.zip").st_mode) == 0o640
        with open_output(str(tmp_path / "rows.jsonl")) as out:
            out.write("x\n")
        assert stat.S_IMODE(os.stat(tmp_path / "rows.jsonl").st_mode) == 0o640
        os.chmod(tmp_path / "rows.jsonl", 0o604)
        with open_output(str(tmp_path / "rows.jsonl")) as out:
            out.write("y\n")
        assert stat.S_IMODE(os.stat(tmp_path / "rows.jsonl").st_mode) == 0o604
    finally:
        os.umask(old)


def test_a_failed_write_names_the_users_path_and_leaves_nothing(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text("the good old file\n")
    with pytest.raises(DataError) as caught:
        with open_output(str(path)) as out:
            out.write("partial")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert str(caught.value) == f"{path}: cannot write (No space left on device); check the free space and permissions"
    assert path.read_text() == "the good old file\n" and leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "make, fragment",
    [
        (lambda d: str(d), "{d}: is a directory; give a file name for the output"),
        (lambda d: str(d / "missing" / "m.zip"), "{d}/missing/m.zip: folder {d}/missing does not exist; create it first"),
        (lambda d: "", "--out is empty; give a file name, or - for standard output"),
    ],
    ids=["a folder", "missing folder", "empty"],
)
def test_train_checks_out_before_training(tmp_path, run_main, make, fragment):
    data = REPO / "datasets" / "seed_paragraphs.jsonl"
    start = time.perf_counter()
    result = run_main("train", "--data", str(data), "--out", make(tmp_path))
    message = error_of(result, code=2 if "empty" in fragment else 1)
    assert fragment.format(d=tmp_path) in message
    assert time.perf_counter() - start < 5, "Want: the output path checked before training"


def test_read_only_folder_and_file_are_refused_before_work(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(ModelFileError, match=f"{tmp_path}/m.zip: folder {tmp_path} is not writable; choose another output"):
        check_output_path(str(tmp_path / "m.zip"), error=ModelFileError)
    existing = tmp_path / "rows.jsonl"
    existing.write_text("")
    monkeypatch.setattr(os, "access", lambda path, mode: os.path.isdir(path))
    with pytest.raises(DataError, match="rows.jsonl: the file is read-only; choose another output"):
        check_output_path(str(existing))


def test_sigterm_removes_the_temporary_file(tmp_path):
    out = tmp_path / "rows.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "sectortag", "tag", "--out", str(out)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    try:
        process.stdin.write(b"Wheat exports grew.\n\n" * 5000)
        process.stdin.flush()
        deadline = time.monotonic() + 60
        while not leftovers(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert leftovers(tmp_path), "Want: a temporary file while tagging"
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) in (-signal.SIGTERM, 128 + signal.SIGTERM)
    finally:
        process.kill()
        process.wait()
    assert leftovers(tmp_path) == [] and not out.exists()
