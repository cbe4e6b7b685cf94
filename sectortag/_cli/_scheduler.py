"""``sectortag tag --scheduler local:N|tcp://HOST:PORT``: files tagged in parts on a Dask cluster.

The client plans the parts (``sectortag._io.parts``), the cluster's workers
read, tag and write them (``sectortag.dask.tag_parts``): each part becomes
``DIR/part.NNNNN.parquet`` of ``--out DIR``, a Parquet dataset in input
order whose rows have the columns of ``tag_frame`` (the input's, then
``labels`` and ``score_<label>``). Progress goes to stderr, with the
dashboard link; the summary (rows in, rows out, time, rows/s) ends the run.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import logging
import os
import sys
import time

from .._errors import DataError
from .._extras import require
from ._common import UsageError

__all__ = ["check_scheduler", "connect", "run_scheduler"]


def check_scheduler(spec: str) -> tuple[str, int | str]:
    """``("local", N)`` or ``("address", "tcp://HOST:PORT")`` for ``--scheduler``; a UsageError otherwise."""
    if spec.startswith("local:"):
        count = spec.removeprefix("local:")
        if count.isdigit() and int(count) >= 1:
            return "local", int(count)
    elif spec.startswith(("tcp://", "tls://", "ws://", "wss://")) and ":" in spec.split("://", 1)[1]:
        return "address", spec
    raise UsageError(f"--scheduler must be local:N (N worker processes on this machine) or tcp://HOST:PORT "
                     f"(a running Dask scheduler), got {spec!r}")


@contextlib.contextmanager
def connect(spec: str):
    """A ``distributed.Client`` for ``--scheduler``: a new local cluster of N worker processes, or a running one."""
    distributed = require("distributed", "--scheduler")
    kind, value = check_scheduler(spec)
    cluster = None
    try:
        if kind == "local":
            import dask

            # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which turns off glibc's adaptive mmap
            # threshold: every large numpy temporary of the tagger is then mmapped and unmapped afresh, and a
            # worker spends ~40% more CPU (mostly system time) than one process on the same rows.
            environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
                       if k != "MALLOC_TRIM_THRESHOLD_"}
            dask.config.set({"distributed.nanny.pre-spawn-environ": environ})  # for this process: restarts too
            cluster = distributed.LocalCluster(n_workers=value, threads_per_worker=1, processes=True,
                                               dashboard_address=":0", silence_logs=logging.ERROR)
            client = distributed.Client(cluster)
        else:
            try:
                client = distributed.Client(value, timeout="10s")
            except (OSError, TimeoutError) as error:
                raise DataError(f"cannot reach the Dask scheduler at {value} ({' '.join(str(error).split())[:160]}); "
                                "check that it runs and the address") from None
        with client:
            yield client
    finally:
        if cluster is not None:
            cluster.close()


def _prepare_out(path: str) -> bool:
    """Check or create the output folder; True when this run created it."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise DataError("is a file; --scheduler writes a Parquet dataset, so give a folder", path=path)
    if os.path.isdir(path):
        if glob.glob(os.path.join(path, "part.*.parquet")):
            raise DataError("already holds part files; give an empty or new folder", path=path)
        if not os.access(path, os.W_OK | os.X_OK):
            raise DataError("is not writable; choose another folder or fix its permissions", path=path)
        return False
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise DataError(f"folder {parent} does not exist; create it first", path=path)
    os.mkdir(path)
    return True


def _clean_out(path: str, created: bool, failed: bool) -> None:
    """Remove temporary files a killed worker left; after a failure, every part file (and a folder this run made)."""
    names = glob.glob(os.path.join(path, ".part.*.tmp")) + (glob.glob(os.path.join(path, "part.*.parquet")) if failed else [])
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)
    if failed and created:
        with contextlib.suppress(OSError):
            os.rmdir(path)


def _columns(part) -> list[str]:
    from .._io.tables import open_parquet

    return list(part.header) if part.kind == "csv" else list(open_parquet(part.path).schema_arrow.names)


class _Progress:
    """Parts and rows done on stderr, redrawn on a terminal, one line every 10 s elsewhere."""

    def __init__(self, total: int, enabled: bool):
        from .._progress import StatusLine

        self.total, self.enabled, self.line = total, enabled, StatusLine()
        self.parts = self.rows = 0
        self.results: list = []
        self.started = self.last = time.perf_counter()

    def __call__(self, result) -> None:
        self.results.append(result)
        self.parts += 1
        self.rows += result.rows_out
        now = time.perf_counter()
        if self.enabled and (now - self.last >= (0.2 if self.line.tty else 10.0) or self.parts == self.total):
            self.last = now
            elapsed = now - self.started
            self.line.show(f"{self.parts}/{self.total} parts, {self.rows:,} rows tagged in {elapsed:.1f} s "
                           f"({self.rows / max(elapsed, 1e-9):,.0f} rows/s)")

    def clear(self) -> None:
        self.line.clear()

    def report(self, workers: int, ready: float) -> str:
        """Where the time and memory went: cluster start, tagging, time inside parts, workers' peak memory."""
        import statistics

        busy = [r.seconds for r in self.results]
        peaks: dict[int, float] = {}
        for r in self.results:
            peaks[r.worker_pid] = max(peaks.get(r.worker_pid, 0.0), r.peak_rss_mib)
        return (f"sectortag tag: {self.parts} parts on {workers} worker(s); cluster ready in {ready:.1f} s, tagging "
                f"{time.perf_counter() - self.started:.1f} s, {sum(busy):.1f} s of it inside parts (median "
                f"{statistics.median(busy) if busy else 0:.2f} s); peak memory per worker process "
                f"{', '.join(f'{v:.0f}' for v in sorted(peaks.values(), reverse=True)) or '-'} MiB\n")


def run_scheduler(args: argparse.Namespace, fmt: str | None) -> int:
    """Tag the ``--file`` inputs of ``args`` on the cluster ``args.scheduler``; the exit code."""
    check_scheduler(args.scheduler)
    require("distributed", "--scheduler")
    from ..dask import tag_parts
    from .._io.parts import plan_parts
    from .._io.tables import find_column
    from .tag import plan_inputs

    plan = plan_inputs(args)
    if any(kind not in ("csv", "parquet") or source == "<stdin>" for kind, source in plan):
        raise UsageError("--scheduler tags CSV and Parquet files: give them with --file PATH (a glob works too)")
    if args.explain:
        raise UsageError("--explain is not available with --scheduler")
    if args.out is None or fmt not in (None, "parquet"):
        raise UsageError("--scheduler writes a Parquet dataset: give --out FOLDER (and no other --format)")
    if args.partition_rows < 1:
        raise UsageError(f"--partition-rows must be 1 or more, got {args.partition_rows}")
    started = time.perf_counter()
    parts = plan_parts(plan, part_rows=args.partition_rows, encoding=args.encoding, errors=args.errors)
    text = first = None
    for part in parts:
        if part.path == getattr(first, "path", None):
            continue
        names = _columns(part)
        if first is None:
            first, columns = part, names
            text = find_column(names, args.text_column, "--text-column", part.path)
        elif names != columns:
            raise DataError(f"its columns differ from the first input's ({', '.join(columns)}); tag them in separate runs",
                            path=part.path)
    created = _prepare_out(args.out)
    show = not args.no_progress
    failed = True
    rows_in = rows_out = 0
    try:
        with connect(args.scheduler) as client:
            workers = len(client.scheduler_info().get("workers", {}))
            ready = time.perf_counter() - started
            if show:
                sys.stderr.write(f"sectortag tag: {len(parts)} parts on {workers} Dask worker(s); dashboard: "
                                 f"{client.dashboard_link}\n")
            progress = _Progress(len(parts), show)
            try:
                for result in tag_parts(client, parts, os.path.abspath(args.out), model=args.model, text=text,
                                        threshold=args.threshold, encoding=args.encoding, errors=args.errors,
                                        on_result=progress):
                    rows_in += result.rows_in
                    rows_out += result.rows_out
            finally:
                progress.clear()
        planned = sum(part.rows for part in parts if part.rows is not None)
        if all(part.rows is not None for part in parts) and planned != rows_in:
            raise DataError(f"{planned:,} rows planned but {rows_in:,} read; the input changed during the run")
        failed = False
        if show:
            sys.stderr.write(progress.report(workers, ready))
    finally:
        _clean_out(args.out, created, failed)
    elapsed = time.perf_counter() - started
    sys.stdout.write(f"rows in {rows_in:,}, rows out {rows_out:,}, {elapsed:.1f} s, "
                     f"{rows_out / max(elapsed, 1e-9):,.0f} rows/s; wrote {args.out}\n")
    return 0
