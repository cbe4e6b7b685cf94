"""Tables in and out: CSV and Parquet read in batches of rows, tagged, and written.

A :class:`Table` is a batch of rows held as columns (``{name: [values]}``).
Tagging a table keeps every input column and adds the columns of
``tag_frame``: ``labels`` and one ``score_<label>`` per label. CSV is read
with the standard library (the core install tags CSV); Parquet needs
pyarrow (``pip install "sectortag[dask]"``), imported only when a Parquet
file is read or written. A Parquet table keeps its Arrow schema, so its
columns are written back with their own types.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from .._errors import DataError
from .frames import check_new_columns, label_columns, score_texts

__all__ = [
    "CSV_SUFFIXES",
    "PARQUET_SUFFIXES",
    "ParquetRowWriter",
    "ParquetWriter",
    "Table",
    "csv_tables",
    "find_column",
    "parquet_tables",
    "tag_table",
]

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz")
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
TABLE_BATCH = 5000  # rows read, tagged and written at once


@dataclass
class Table:
    """Rows of ``source`` as columns; ``start`` is the first row's number in the source (from 0).

    ``schema`` is the Arrow schema of the columns read from Parquet (None
    for CSV, whose columns are text); ``lines`` the line each CSV row starts on.
    """

    columns: dict[str, list]
    source: str = ""
    start: int = 0
    schema: Any = None
    lines: list[int] | None = field(default=None, repr=False)

    @property
    def num_rows(self) -> int:
        return len(next(iter(self.columns.values()), []))


def find_column(names: Sequence[str], wanted: str, option: str, source: str) -> str:
    """The column called ``wanted`` (exactly, else in any case), or a DataError listing the columns."""
    if wanted in names:
        return wanted
    folded = [name for name in names if name.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    shown = ", ".join(repr(n) for n in list(names)[:12]) + (", ..." if len(names) > 12 else "")
    raise DataError(f"no column {wanted!r} (columns: {shown or 'none'}); pass {option} NAME", path=source)


# --------------------------------------------------------------------------
# CSV


def _header(row: list[str], source: str) -> list[str]:
    names = [name.strip() or f"column_{i}" for i, name in enumerate(row, 1)]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(f"the header names column {name!r} twice; give each column its own name", path=source, line=1)
        seen.add(name)
    return names


def _delimiter(first_line: str) -> str:
    """``;`` when the header has more of them than commas (Excel in French or Italian), else ``,``; tab for TSV."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def csv_tables(pieces: Iterable[str], source: str, *, batch_size: int = TABLE_BATCH,
               header: list[str] | None = None, delimiter: str | None = None, first_line: int = 1,
               where: str = "") -> Iterator[Table]:
    """Tables of ``batch_size`` rows from CSV text arriving in ``pieces``.

    The first line is the header unless ``header`` is given (a part of a
    file cut at a line break, whose header was read before). The delimiter
    is ``,``, ``;`` or a tab, whichever the header line has most of. Blank
    lines are skipped; a row with fewer fields than the header is padded
    with empty strings, one with more is an error naming the line (its
    number in the file: the text starts at line ``first_line``). ``where``
    starts every error message (the part of a file being read).
    """
    from .data import allow_long_csv_fields, split_lines

    allow_long_csv_fields()  # documents are longer than csv's 128 KiB default
    numbered = split_lines(pieces)
    pending: list[str] = []
    offset = first_line - 1

    def lines() -> Iterator[str]:
        yield from pending
        for _, line in numbered:
            yield line + "\n"

    if delimiter is None or header is None:
        for _, line in numbered:
            if line.strip():
                pending.append(line + "\n")
                break
            offset += 1  # blank lines before the first row
        if not pending:
            return
        delimiter = delimiter or _delimiter(pending[-1])
    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    try:
        if header is None:
            header = _header(next(reader), source)
        names = header
        batch: list[list[str]] = []
        lines_of: list[int] = []
        start = 0
        consumed = reader.line_num  # lines read before the next row
        for row in reader:
            first, consumed = offset + consumed + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip() and len(names) > 1):
                continue
            if len(row) > len(names):
                raise DataError(f"{where}{len(row)} fields but the header has {len(names)} columns; quote text that contains "
                                f"the delimiter {delimiter!r}", path=source, line=first)
            if len(row) < len(names):
                row += [""] * (len(names) - len(row))
            batch.append(row)
            lines_of.append(first)
            if len(batch) == batch_size:
                yield Table(dict(zip(names, map(list, zip(*batch)))), source, start, lines=lines_of)
                start += len(batch)
                batch, lines_of = [], []
        if batch:
            yield Table(dict(zip(names, map(list, zip(*batch)))), source, start, lines=lines_of)
    except csv.Error as error:
        raise DataError(f"{where}malformed CSV ({error})", path=source, line=offset + reader.line_num) from None


# --------------------------------------------------------------------------
# Parquet


def _pyarrow_parquet():
    from .._extras import require

    require("pyarrow", "Parquet")
    return require("pyarrow.parquet", "Parquet")


def open_parquet(path: str, where: str = ""):
    """A ``pyarrow.parquet.ParquetFile``, or a DataError naming ``path`` (and ``where``, a part) when it is not one."""
    pq = _pyarrow_parquet()
    try:
        return pq.ParquetFile(path)
    except OSError as error:
        if getattr(error, "strerror", None):
            raise DataError(f"{where}cannot read ({error.strerror}); check the path and permissions", path=path) from None
        raise DataError(f"{where}not a readable Parquet file ({_short(error)}); check that it is complete", path=path) from None
    except Exception as error:  # pyarrow raises ArrowInvalid and others on damaged files
        raise DataError(f"{where}not a readable Parquet file ({_short(error)}); check that it is complete", path=path) from None


def _short(error: BaseException) -> str:
    """An error's text on one short line, control characters escaped (it may quote a damaged file)."""
    text = " ".join(str(error).split()) or type(error).__name__
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= 160 else text[:159] + "\u2026"


def parquet_tables(path: str, *, batch_size: int = TABLE_BATCH, row_groups: Sequence[int] | None = None,
                   where: str = "", start: int = 0) -> Iterator[Table]:
    """Tables of at most ``batch_size`` rows from a Parquet file (only ``row_groups`` when given).

    ``where`` names the part being read in errors (e.g. ``"part 3 (row
    groups 6-7): "``); ``start`` is the number of the first row read.
    """
    parquet = open_parquet(path, where)
    schema = parquet.schema_arrow
    try:
        for batch in parquet.iter_batches(batch_size=batch_size, row_groups=row_groups, use_threads=False):
            yield Table(batch.to_pydict(), path, start, schema)
            start += batch.num_rows
    except (OSError, ValueError, TypeError, IndexError) as error:  # ArrowInvalid and ArrowIOError are among these
        raise DataError(f"{where}cannot read the Parquet data ({_short(error)}); the file is damaged", path=path) from None


# --------------------------------------------------------------------------
# tagging


def tag_table(tagger, table: Table, text: str, *, threshold: float | None = None, scores: bool = True) -> Table:
    """``table`` with ``labels`` and ``score_<label>`` columns added (scores as floats, NaN for a missing text)."""
    check_new_columns(list(table.columns), ["labels"] + [f"score_{label}" for label in tagger.classes_],
                      f"{table.source}: the input", DataError)
    try:
        labels, probabilities = score_texts(tagger, table.columns[text], threshold=threshold, column=text,
                                            offset=table.start)
    except TypeError as error:  # a column of numbers, not text
        raise DataError(f"{error}; pass --text-column with a text column", path=table.source) from None
    added = label_columns(tagger, labels, probabilities, scores)
    columns = dict(table.columns)
    columns.update((name, values if name == "labels" else values.tolist()) for name, values in added.items())
    return Table(columns, table.source, table.start, table.schema, table.lines)


# --------------------------------------------------------------------------
# writers


class ParquetWriter:
    """A Parquet file written a batch at a time: tables (input schema kept) or tagged rows (scores flattened)."""

    def __init__(self, out: IO[bytes]):
        self.pq = _pyarrow_parquet()
        import pyarrow

        self.pa, self.out, self.writer = pyarrow, out, None

    def _arrow(self, table: Table):
        pa = self.pa
        fields = []
        known = table.schema
        for name, values in table.columns.items():
            if known is not None and name in known.names:
                fields.append(known.field(name))
            elif name == "labels":
                fields.append(pa.field(name, pa.list_(pa.string())))
            elif name.startswith("score_"):
                fields.append(pa.field(name, pa.float64()))
            elif known is None and values and all(v is None or isinstance(v, str) for v in values):
                fields.append(pa.field(name, pa.string()))
            else:
                kind = pa.array(values).type
                fields.append(pa.field(name, pa.string() if kind == pa.null() else kind))
        schema = pa.schema(fields)
        try:
            return pa.Table.from_pydict(table.columns, schema=schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise DataError(f"cannot write Parquet ({_short(error)})", path=table.source) from None

    def write(self, table: Table) -> None:
        arrow = self._arrow(table)
        if self.writer is None:
            self.writer = self.pq.ParquetWriter(self.out, arrow.schema)
        elif arrow.schema != self.writer.schema:
            arrow = arrow.cast(self.writer.schema)
        self.writer.write_table(arrow)

    def write_rows(self, rows: list[dict]) -> None:
        """Tagged paragraph rows (``source``, ``paragraph``...): ``scores`` become ``score_<label>`` columns."""
        flat: dict[str, list] = {}
        for row in rows:
            for key, value in row.items():
                if key == "scores":
                    for label, score in value.items():
                        flat.setdefault(f"score_{label}", []).append(score)
                elif key == "evidence":
                    flat.setdefault(key, []).append(json.dumps(value, ensure_ascii=False))
                elif key == "id":
                    flat.setdefault(key, []).append(None if value is None else str(value))
                else:
                    flat.setdefault(key, []).append(value)
        if rows:
            self.write(Table(flat))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class ParquetRowWriter:
    """Tagged paragraph rows (dicts, as ``TaggedBatch.rows`` gives) to Parquet: ``write`` batches, then ``close``.

    ``sectortag tag --jobs N`` tags in the workers and writes the rows here, in order.
    """

    def __init__(self, out: IO[bytes], with_ids: bool, explain: bool, classes: Sequence[str] = ()):
        self.parquet = ParquetWriter(out)

    def write(self, rows: list[dict]) -> None:
        self.parquet.write_rows(rows)

    def close(self) -> None:
        self.parquet.close()
