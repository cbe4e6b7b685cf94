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
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
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
    "table_writer",
]

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz")
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
TABLE_BATCH = 5000  # rows read, tagged and written at once
_DIGITS = 4  # scores in text outputs (JSON, CSV, the table view) are rounded to this


@dataclass
class Table:
    """Rows of ``source`` as columns; ``start`` is the first row's number in the source (from 0).

    ``schema`` is the Arrow schema of the columns read from Parquet (None
    for CSV, whose columns are text).
    """

    columns: dict[str, list]
    source: str = ""
    start: int = 0
    schema: Any = None

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
    from .data import split_lines

    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # documents are longer than csv's 128 KiB default
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
        start = 0
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip() and len(names) > 1):
                continue
            if len(row) > len(names):
                raise DataError(f"{where}{len(row)} fields but the header has {len(names)} columns; quote text that contains "
                                f"the delimiter {delimiter!r}", path=source, line=offset + reader.line_num)
            if len(row) < len(names):
                row += [""] * (len(names) - len(row))
            batch.append(row)
            if len(batch) == batch_size:
                yield Table(dict(zip(names, map(list, zip(*batch)))), source, start)
                start += len(batch)
                batch = []
        if batch:
            yield Table(dict(zip(names, map(list, zip(*batch)))), source, start)
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
    return Table(columns, table.source, table.start, table.schema)


# --------------------------------------------------------------------------
# writers


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return None if value != value else round(value, _DIGITS)
    return value


def _json_value(value: Any) -> Any:
    """A value JSON can hold: dates and times as ISO text, bytes as text, anything else as its str."""
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return _rounded(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def table_rows(table: Table, new: Sequence[str]) -> Iterator[dict]:
    """Each row of a tagged ``table`` as a dict for JSON; ``new`` are the columns tagging added (rounded)."""
    names = list(table.columns)
    plain = [name not in new for name in names]
    for values in zip(*table.columns.values()):
        yield {name: (_json_value(v) if keep else _rounded(v)) for name, keep, v in zip(names, plain, values)}


class _RowsWriter:
    """A JSON Lines or JSON writer (``sectortag._io.writers``) fed a table's rows."""

    def __init__(self, writer, new: Sequence[str]):
        self.writer, self.new = writer, new

    def write(self, table: Table) -> None:
        self.writer.write(list(table_rows(table, self.new)))

    def close(self) -> None:
        self.writer.close()


class TableCsvWriter:
    """CSV of the input columns, ``labels`` joined by ``;`` and one column per score."""

    def __init__(self, out: IO[str]):
        self.out, self.header = out, None

    def write(self, table: Table) -> None:
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if self.header is None:
            self.header = list(table.columns)
            writer.writerow(self.header)
        for values in zip(*table.columns.values()):
            writer.writerow(["" if v is None else ";".join(v) if isinstance(v, list) else _rounded(v) for v in values])
        self.out.write(buffer.getvalue())

    def close(self) -> None:
        pass


class TableViewWriter:
    """The table for people (``sectortag._io.writers.TableWriter``): row, id, labels with scores, text."""

    def __init__(self, out: IO[str], text: str, id_column: str | None, labels: Sequence[str], explain: bool = False):
        from .writers import TableWriter

        self.text, self.id_column, self.labels = text, id_column, list(labels)
        self.writer = TableWriter(out, id_column is not None, explain)

    def write(self, table: Table) -> None:
        columns = table.columns
        rows = []
        for i in range(table.num_rows):
            text = columns[self.text][i]
            scores = {label: columns[f"score_{label}"][i] for label in self.labels if f"score_{label}" in columns}
            row = {"source": table.source, "paragraph": table.start + i + 1, "labels": columns["labels"][i],
                   "scores": scores, "text": text if isinstance(text, str) else ""}
            if self.id_column is not None:
                row["id"] = columns[self.id_column][i]
            rows.append(row)
        self.writer.write(rows)

    def close(self) -> None:
        self.writer.close()


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
    """Tagged paragraph rows to Parquet, with the interface of ``sectortag._io.writers``."""

    def __init__(self, out: IO[bytes], with_ids: bool, explain: bool):
        self.parquet = ParquetWriter(out)

    def write(self, rows: list[dict]) -> None:
        self.parquet.write_rows(rows)

    def close(self) -> None:
        self.parquet.close()


def table_writer(fmt: str, out: IO, *, text: str, id_column: str | None, labels: Sequence[str]):
    """A writer of tagged tables in ``fmt`` (jsonl, json, csv, table or parquet) to ``out``."""
    from .writers import WRITERS

    new = ["labels"] + [f"score_{label}" for label in labels]
    if fmt == "parquet":
        return ParquetWriter(out)
    if fmt == "csv":
        return TableCsvWriter(out)
    if fmt == "table":
        return TableViewWriter(out, text, id_column, labels)
    return _RowsWriter(WRITERS[fmt](out, False, False), new)
