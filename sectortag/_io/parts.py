"""Files cut into parts that workers read, tag and write on their own (``--scheduler``).

The client only plans: it reads Parquet footers and scans CSV bytes, and
sends each worker a small :class:`Part` (a path and a piece of it) and the
model's path, never rows or the tagger. A worker reads its part, tags it a
table at a time with the model it loaded once (``frames.tagger_for``) and
writes ``part.NNNNN.parquet`` into the output folder: under a temporary
name, renamed when complete, so a part run twice (its first worker died)
replaces its own file and is never written twice.

* Parquet: a part is one or more whole row groups (a row group cannot be
  split without reading it), so files written with smaller row groups
  spread over more workers.
* CSV: a part is a byte range cut at a line break outside quotes (an even
  number of ``"`` before it: a quoted field may hold line breaks); every
  part gets the file's header and the line number it starts at, so errors
  name the file's own lines. A gzipped CSV file is one part.

Every error names the file and the part.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .._errors import DataError
from .tables import TABLE_BATCH, Table, csv_tables, open_parquet, parquet_tables, tag_table

__all__ = ["Part", "PartResult", "part_name", "plan_parts", "run_part"]

PART_ROWS = 50_000  # rows a part aims at; see benchmarks/README.md on choosing it
_SCAN = 1 << 24  # bytes scanned at a time when cutting a CSV file


@dataclass(frozen=True)
class Part:
    """A piece of one input file that one task reads, tags and writes."""

    number: int
    path: str
    kind: str  # "parquet" or "csv"
    row_groups: tuple[int, ...] = ()
    rows: int | None = None  # known for Parquet, from the footer
    byte_range: tuple[int, int] | None = None
    header: tuple[str, ...] = ()
    delimiter: str = ","
    first_line: int = 1

    def describe(self) -> str:
        """``part 3 (row groups 6-7)``: how errors and progress name this part."""
        if self.kind == "parquet":
            groups = self.row_groups
            span = f"row group {groups[0]}" if len(groups) == 1 else f"row groups {groups[0]}-{groups[-1]}"
        elif self.byte_range is None:
            span = "the whole file"
        else:
            span = f"bytes {self.byte_range[0]:,}-{self.byte_range[1]:,}, from line {self.first_line}"
        return f"part {self.number} ({span})"


@dataclass
class PartResult:
    """What a task reports: rows read and written, where, how long it took, in which process, its peak memory."""

    number: int
    rows_in: int
    rows_out: int
    seconds: float
    worker_pid: int
    file: str | None = None
    peak_rss_mib: float = 0.0


def part_name(number: int) -> str:
    """The file a part is written to in the output folder (names sort in input order)."""
    return f"part.{number:05d}.parquet"


# --------------------------------------------------------------------------
# planning (on the client)


def _parquet_parts(path: str, first: int, part_rows: int) -> list[Part]:
    metadata = open_parquet(path).metadata
    parts, groups, rows = [], [], 0
    for group in range(metadata.num_row_groups):
        count = metadata.row_group(group).num_rows
        if count == 0:
            continue
        groups.append(group)
        rows += count
        if rows >= part_rows:
            parts.append(Part(first + len(parts), path, "parquet", tuple(groups), rows))
            groups, rows = [], 0
    if groups:
        parts.append(Part(first + len(parts), path, "parquet", tuple(groups), rows))
    return parts


def _csv_header(path: str, encoding: str, errors: str) -> tuple[list[str], str, int, int]:
    """(column names, delimiter, byte offset after the header line, its line number)."""
    from .tables import _delimiter, _header

    import csv

    import gzip

    line_number = 0
    offset = 0
    with (gzip.open if path.lower().endswith(".gz") else open)(path, "rb") as handle:
        for raw in handle:
            line_number += 1
            offset += len(raw)
            try:
                line = raw.decode(encoding, errors)
            except UnicodeDecodeError as error:
                raise DataError(f"cannot decode the header as {encoding} ({error.reason}); pass --encoding",
                                path=path, line=line_number) from None
            if line.strip():
                if line.count('"') % 2:
                    raise DataError("the header holds a line break inside quotes; give each column a one-line name",
                                    path=path, line=line_number)
                delimiter = _delimiter(line)
                return _header(next(csv.reader([line], delimiter=delimiter)), path), delimiter, offset, line_number
    raise DataError("is empty; give a CSV file with a header line", path=path)


def _csv_cuts(path: str, begin: int, part_bytes: int) -> list[tuple[int, int]]:
    """(byte offset, line number from the start offset) of each line break where the file can be cut.

    A cut is the first line start at or after every ``part_bytes`` with an
    even number of ``"`` before it, so it never falls inside a quoted field.
    """
    cuts = [(begin, 0)]
    quotes = lines = 0
    target = begin + part_bytes
    position = begin
    with open(path, "rb") as handle:
        handle.seek(begin)
        while block := handle.read(_SCAN):
            end = position + len(block)
            search = 0
            while target < end:
                at = max(target - position, search)
                newline = block.find(b"\n", at)
                while newline != -1 and (quotes + block.count(b'"', 0, newline)) % 2:
                    newline = block.find(b"\n", newline + 1)
                if newline == -1:
                    break
                cut = position + newline + 1
                cuts.append((cut, lines + block.count(b"\n", 0, newline + 1)))
                search = newline + 1
                target = cut + part_bytes
            quotes += block.count(b'"')
            lines += block.count(b"\n")
            position = end
    return cuts


def _csv_parts(path: str, first: int, part_bytes: int, encoding: str, errors: str) -> list[Part]:
    header, delimiter, begin, header_line = _csv_header(path, encoding, errors)
    size = os.path.getsize(path)
    if path.lower().endswith(".gz"):
        return [Part(first, path, "csv", header=tuple(header), delimiter=delimiter)]
    cuts = [(offset, header_line + 1 + line) for offset, line in _csv_cuts(path, begin, part_bytes) if offset < size]
    parts = []
    for i, (start, line) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else size
        parts.append(Part(first + i, path, "csv", byte_range=(start, end), header=tuple(header),
                          delimiter=delimiter, first_line=line))
    return parts


def _bytes_per_row(path: str, begin: int) -> float:
    with open(path, "rb") as handle:
        handle.seek(begin)
        sample = handle.read(1 << 20)
    return max(len(sample) / max(sample.count(b"\n"), 1), 1.0)


def plan_parts(inputs: Sequence[tuple[str, str]], *, part_rows: int = PART_ROWS, encoding: str = "utf-8",
               errors: str = "strict") -> list[Part]:
    """The parts of ``(kind, path)`` inputs, numbered in input order; each aims at ``part_rows`` rows."""
    parts: list[Part] = []
    for kind, path in inputs:
        if kind == "parquet":
            parts.extend(_parquet_parts(path, len(parts), part_rows))
        elif kind == "csv":
            begin = _csv_header(path, encoding, errors)[2]
            part_bytes = max(int(part_rows * _bytes_per_row(path, begin)), 1 << 16)
            parts.extend(_csv_parts(path, len(parts), part_bytes, encoding, errors))
        else:
            raise DataError(f"--scheduler reads CSV and Parquet files, not {kind}; convert the file or drop --scheduler",
                            path=path)
    return parts


# --------------------------------------------------------------------------
# running (on a worker)


def _byte_pieces(part: Part, encoding: str, errors: str) -> Iterator[str]:
    from .data import decode_stream

    start, end = part.byte_range

    class _Range:
        def __init__(self, handle):
            self.handle, self.left = handle, end - start

        def read(self, size: int) -> bytes:
            data = self.handle.read(min(size, self.left))
            self.left -= len(data)
            return data

    with open(part.path, "rb") as handle:
        handle.seek(start)
        yield from decode_stream(_Range(handle), part.path, encoding, errors)


def read_part(part: Part, *, encoding: str = "utf-8", errors: str = "strict",
              batch_size: int = TABLE_BATCH) -> Iterator[Table]:
    """The rows of ``part`` as tables; a DataError naming the file and the part when they cannot be read."""
    where = f"{part.describe()}: "
    if part.kind == "parquet":
        yield from parquet_tables(part.path, batch_size=batch_size, row_groups=list(part.row_groups), where=where)
        return
    from .data import iter_file_text

    try:
        if part.byte_range is None:
            pieces = iter_file_text(part.path, encoding, errors)
            yield from csv_tables(pieces, part.path, batch_size=batch_size, delimiter=part.delimiter, where=where)
        else:
            yield from csv_tables(_byte_pieces(part, encoding, errors), part.path, batch_size=batch_size,
                                  header=list(part.header), delimiter=part.delimiter, first_line=part.first_line,
                                  where=where)
    except OSError as error:
        raise DataError(f"{where}cannot read ({error.strerror or error}); check that every worker sees the file",
                        path=part.path) from None


def run_part(part: Part, *, model: str | None, text: str, out_dir: str, threshold: float | None = None,
             encoding: str = "utf-8", errors: str = "strict", batch_size: int = TABLE_BATCH) -> PartResult:
    """Read, tag and write one part into ``out_dir`` as ``part_name(part.number)``; what was done."""
    from .frames import tagger_for

    started = time.perf_counter()
    tagger = tagger_for(model)
    rows_in = rows_out = 0
    writer = temporary = target = None
    handle = None
    try:
        for table in read_part(part, encoding=encoding, errors=errors, batch_size=batch_size):
            rows_in += table.num_rows
            done = tag_table(tagger, table, text, threshold=threshold)
            rows_out += done.num_rows
            if writer is None:
                from .tables import ParquetWriter

                target = os.path.join(out_dir, part_name(part.number))
                temporary = os.path.join(out_dir, f".{part_name(part.number)}.{uuid.uuid4().hex}.tmp")
                handle = open(temporary, "wb")
                writer = ParquetWriter(handle)
            writer.write(done)
        if writer is not None:
            writer.close()
            handle.close()
            os.replace(temporary, target)
            temporary = None
    finally:
        if handle is not None and not handle.closed:
            handle.close()
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return PartResult(part.number, rows_in, rows_out, time.perf_counter() - started, os.getpid(), target, peak)
