"""Tagging on a real Dask cluster: a LocalCluster of 2 worker processes, shared by this module.

What is checked, each against single-process tagging: the output equals it
row for row (labels and scores), every input row comes out exactly once
(ids checked), a worker killed in the middle of a run is replaced and the
run completes with nothing lost or duplicated, and a damaged part stops the
run with one line naming the file and the part.
"""

from __future__ import annotations

import os
import signal
import sys

import numpy as np
import pytest

import sectortag

from conftest import REPO, error_of, run_cli, stdout_of

pd = pytest.importorskip("pandas")
pq = pytest.importorskip("pyarrow.parquet")
pa = pytest.importorskip("pyarrow")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from sectortag._io.parts import plan_parts  # noqa: E402
from sectortag.dask import tag_parts  # noqa: E402

TIMEOUT = 120  # seconds any one cluster operation may take


def corpus(n: int) -> list[str]:
    """``n`` paragraphs cycled from the toy corpus, each made unique."""
    from conftest import toy_corpus

    texts = toy_corpus()[0]
    return [f"{texts[i % len(texts)]} (item {i})" for i in range(n)]


@pytest.fixture(scope="module")
def client():
    import logging

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.CRITICAL)
    with distributed.Client(cluster, timeout=TIMEOUT) as client:
        client.run(sys.path.insert, 0, str(REPO))
        yield client
    cluster.close(timeout=TIMEOUT)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """A Parquet file of 6,000 rows in row groups of 500, with ids and another column."""
    folder = tmp_path_factory.mktemp("dataset")
    texts = corpus(6000)
    table = pa.table({"id": [f"r{i:05d}" for i in range(len(texts))], "text": texts,
                      "year": [2000 + i % 20 for i in range(len(texts))]})
    path = folder / "paragraphs.parquet"
    pq.write_table(table, path, row_group_size=500)
    return path


def expected(path, model) -> pd.DataFrame:
    return sectortag.tag_frame(pd.read_parquet(path), model=str(model))


def assert_same_rows(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Row for row: ids exactly once and in order, the same labels, the same scores."""
    assert got["id"].is_unique, "Want: every id once. Is: duplicates"
    assert got["id"].tolist() == want["id"].tolist(), "Want: every input id, in input order"
    assert [list(names) for names in got["labels"]] == [list(names) for names in want["labels"]]
    scores = [c for c in want.columns if c.startswith("score_")]
    np.testing.assert_array_equal(got[scores].to_numpy(), want[scores].to_numpy())
    pd.testing.assert_frame_equal(got.drop(columns="labels").reset_index(drop=True),
                                  want.drop(columns="labels").reset_index(drop=True), check_dtype=False)


def test_dask_tag_is_lazy_and_equals_tag_frame(client, toy_model_path):
    frame = pd.DataFrame({"id": range(300), "text": corpus(300)}, index=pd.RangeIndex(300) * 2)
    lazy = sectortag.dask.tag(dd.from_pandas(frame, npartitions=4), model=str(toy_model_path))
    assert isinstance(lazy, dd.DataFrame)
    want = sectortag.tag_frame(frame, model=str(toy_model_path))
    assert list(lazy.columns) == list(want.columns)
    got = lazy.compute(timeout=TIMEOUT)
    assert got.index.equals(want.index)
    assert_same_rows(got, want)
    split = sectortag.dask.tag(dd.from_pandas(frame.head(20), npartitions=2), model=str(toy_model_path), split=True)
    pd.testing.assert_frame_equal(split.compute(timeout=TIMEOUT), sectortag.tag_frame(
        frame.head(20), model=str(toy_model_path), split=True), check_dtype=False)


def test_the_model_is_loaded_once_per_worker_and_travels_as_a_path(client, toy_model_path, toy_tagger):
    from sectortag._io.frames import _CACHE

    frame = dd.from_pandas(pd.DataFrame({"text": corpus(200)}), npartitions=8)
    sectortag.dask.tag(frame, model=str(toy_model_path)).compute(timeout=TIMEOUT)
    loaded = client.run(lambda: sum(1 for key in _CACHE if key[0] == os.path.realpath(str(toy_model_path))))
    assert sorted(loaded.values()) == [1, 1]
    with pytest.raises(ValueError, match="save it with tagger.save"):
        sectortag.dask.tag(frame, model=toy_tagger)
    with pytest.raises(TypeError, match="expects a dask.dataframe.DataFrame"):
        sectortag.dask.tag(pd.DataFrame({"text": ["x"]}))


def test_cli_on_a_running_cluster_writes_a_dataset_equal_to_single_process(client, dataset, toy_model_path, tmp_path):
    out = tmp_path / "tagged"
    result = run_cli("tag", "--file", str(dataset), "--scheduler", client.scheduler.address, "--out", str(out),
                     "--partition-rows", "1000", "--model", str(toy_model_path))
    summary = stdout_of(result)
    assert summary.startswith("rows in 6,000, rows out 6,000, ") and summary.rstrip().endswith(f"wrote {out}")
    assert "6/6 parts" in result.stderr.decode() and "dashboard:" in result.stderr.decode()
    assert sorted(os.listdir(out)) == [f"part.{i:05d}.parquet" for i in range(6)]
    assert_same_rows(pd.read_parquet(out), expected(dataset, toy_model_path))


def test_cli_csv_files_by_glob_in_input_order(client, toy_model_path, tmp_path):
    frames = []
    for k in range(2):
        texts = corpus(700)
        frame = pd.DataFrame({"id": [f"f{k}-{i}" for i in range(700)], "note": "x",
                              "text": [t.replace(" (", ',\n"quoted" (') if i % 3 == 0 else t for i, t in enumerate(texts)]})
        frame.to_csv(tmp_path / f"in-{k}.csv", index=False)
        frames.append(frame)
    out = tmp_path / "tagged"
    result = run_cli("tag", "--file", str(tmp_path / "in-*.csv"), "--scheduler", client.scheduler.address, "--out", str(out),
                     "--partition-rows", "100", "--no-progress", "--model", str(toy_model_path))
    assert stdout_of(result).startswith("rows in 1,400, rows out 1,400")
    assert len(os.listdir(out)) >= 4, "each CSV file is cut into several parts"
    assert_same_rows(pd.read_parquet(out), sectortag.tag_frame(pd.concat(frames, ignore_index=True), model=str(toy_model_path)))


def test_a_worker_killed_mid_run_is_replaced_and_nothing_is_lost_or_duplicated(client, dataset, toy_model_path, tmp_path):
    parts = plan_parts([("parquet", str(dataset))], part_rows=500)
    killed = []

    def kill_a_busy_worker(result) -> None:
        if killed:
            return
        busy = [address for address, keys in client.processing().items() if keys]
        pids = client.run(os.getpid, workers=busy[:1])
        for pid in pids.values():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    out = tmp_path / "tagged"
    out.mkdir()
    results = list(tag_parts(client, parts, str(out), model=str(toy_model_path), on_result=kill_a_busy_worker))
    assert killed, "no worker was killed"
    assert [r.number for r in results] == list(range(len(parts)))
    assert sum(r.rows_out for r in results) == 6000
    client.wait_for_workers(2, timeout=TIMEOUT)
    assert killed[0] not in client.run(os.getpid).values(), "the killed worker was replaced by a new process"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith("part.")) == [f"part.{i:05d}.parquet" for i in range(12)]
    assert_same_rows(pd.read_parquet(out), expected(dataset, toy_model_path))


def test_a_damaged_part_is_one_line_naming_the_file_and_the_part(client, dataset, toy_model_path, tmp_path):
    damaged = tmp_path / "damaged.parquet"
    data = bytearray(dataset.read_bytes())
    offset = pq.ParquetFile(dataset).metadata.row_group(7).column(1).data_page_offset
    data[offset:offset + 64] = b"\xff" * 64
    damaged.write_bytes(bytes(data))
    out = tmp_path / "tagged"
    result = run_cli("tag", "--file", str(damaged), "--scheduler", client.scheduler.address, "--out", str(out),
                     "--partition-rows", "1000", "--no-progress", "--model", str(toy_model_path))
    message = error_of(result)
    assert message.startswith(f"sectortag tag: error: {damaged}: part 3 (row groups 6-7): cannot read the Parquet data (")
    assert not out.exists(), "a failed run leaves no dataset behind"
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("id,text\n" + "".join(f"{i},Trade {i}.\n" for i in range(300)) + "300,Trade,extra\n", encoding="utf-8")
    message = error_of(run_cli("tag", "--file", str(bad_csv), "--scheduler", client.scheduler.address, "--out",
                               str(tmp_path / "csv-out"), "--partition-rows", "100", "--no-progress",
                               "--model", str(toy_model_path)))
    assert message.startswith(f"sectortag tag: error: {bad_csv}:302: part ") and message.endswith(
        "3 fields but the header has 2 columns; quote text that contains the delimiter ','")


def test_local_cluster_from_the_cli(dataset, toy_model_path, tmp_path):
    out = tmp_path / "local"
    result = run_cli("tag", "--file", str(dataset), "--scheduler", "local:1", "--out", str(out), "--model", str(toy_model_path))
    assert stdout_of(result).startswith("rows in 6,000, rows out 6,000, ")
    assert "dashboard: http" in result.stderr.decode()
    assert_same_rows(pd.read_parquet(out), expected(dataset, toy_model_path))


def test_scheduler_usage_errors(run_main, dataset, tmp_path):
    assert "--scheduler must be local:N" in error_of(run_main("tag", "--file", str(dataset), "--scheduler", "local:0"), 2)
    assert "--scheduler tags CSV and Parquet files" in error_of(run_main("tag", "Some text.", "--scheduler", "local:1"), 2)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "part.00000.parquet").write_bytes(b"")
    assert "already holds part files; give an empty or new folder" in error_of(
        run_main("tag", "--file", str(dataset), "--scheduler", "local:1", "--out", str(tmp_path / "out")))


def test_scheduler_without_the_extra_gives_the_install_line(run_main, monkeypatch, dataset):
    monkeypatch.setitem(sys.modules, "distributed", None)
    message = error_of(run_main("tag", "--file", str(dataset), "--scheduler", "local:2"))
    assert message == ('sectortag tag: error: --scheduler needs distributed, which is not installed; '
                       'install it with: pip install "sectortag[dask]"')


def test_pyproject_has_the_dask_extra_and_ci_installs_it_as_the_readme_says():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {spec.split("[")[0].split(">")[0].split("=")[0].strip() for spec in project["optional-dependencies"]["dask"]}
    assert names == {"dask", "distributed", "pandas", "pyarrow"}
    core = {spec.split(">")[0].split("<")[0].split("=")[0].strip() for spec in project["dependencies"]}
    assert not core & {"dask", "distributed", "pandas", "pyarrow"}, "the core install stays light"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert 'python -m pip install --quiet ".[test,dask]"' in ci and ci.rstrip().endswith("python -m pytest -q")
    assert 'pip install ".[test,dask]" && python -m pytest -q' in readme


def test_public_names():
    assert sectortag.dask.__all__ == ["tag", "tag_parts"]
    assert "tag_frame" in sectortag.__all__
