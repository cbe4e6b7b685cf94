"""What ``sectortag tag`` reads: text split into paragraphs, or records (JSON Lines, JSON arrays, CSV, Parquet).

Each reader yields ``(head, text, fields)`` items: ``head`` starts the
output row (source, paragraph number, line, id, span), ``text`` is what is
tagged and ``fields`` are the record's other fields, passed through to the
output. Records are never split into paragraphs; an empty input yields no
item (the caller notes it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from .._errors import DataError
from .data import JSONL_SUFFIXES, parse_jsonl_line, split_lines
from .tables import CSV_SUFFIXES, PARQUET_SUFFIXES, csv_tables, find_column, parquet_tables

__all__ = ["INPUT_FORMATS", "RESERVED", "format_of", "record_items", "sniff", "text_items"]

INPUT_FORMATS = ("auto", "text", "jsonl", "json", "csv", "parquet")
#: Keys of an output row; a record field of the same name is passed through as ``input_<name>``.
RESERVED = frozenset({"source", "paragraph", "line", "id", "start", "end", "labels", "scores", "text", "evidence"})
_JSON_SUFFIXES = (".json", ".json.gz")

Item = tuple[dict, str, dict]


def format_of(name: str, requested: str) -> str:
    """The input format of a file: ``requested`` unless it is ``auto``, else from the file name's suffix."""
    if requested != "auto":
        return requested
    lowered = name.lower()
    if lowered.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lowered.endswith(_JSON_SUFFIXES):
        return "json"
    if lowered.endswith(CSV_SUFFIXES):
        return "csv"
    if lowered.endswith(PARQUET_SUFFIXES):
        return "parquet"
    return "text"


def _fields(record: dict, skip: Iterable[str]) -> dict:
    skipped = set(skip)
    return {(f"input_{k}" if k in RESERVED else k): v for k, v in record.items() if k not in skipped}


def text_items(paragraphs: Iterable, name: str) -> Iterator[Item]:
    """One item per paragraph of a text input."""
    for number, paragraph in enumerate(paragraphs, 1):
        yield {"source": name, "paragraph": number, "start": paragraph.start, "end": paragraph.end}, paragraph.text, {}


def _record_item(record, name: str, count: int, line: int, text_key: str = "text", id_key: str = "id") -> Item:
    text = record.get(text_key)
    if not isinstance(text, str):
        raise DataError(f"missing '{text_key}' (a string) in this record", path=name, line=line)
    head = {"source": name, "paragraph": count, "line": line, "id": record.get(id_key), "start": 0, "end": len(text)}
    return head, text, _fields(record, (text_key, id_key))


def _jsonl(pieces: Iterable[str], name: str, text: str = "text", id: str = "id") -> Iterator[Item]:
    count = 0
    for number, line in split_lines(pieces):
        if not line.strip():
            continue
        record = parse_jsonl_line(line, name, number, f"expected a JSON object with a {text!r} field")
        count += 1
        yield _record_item(record, name, count, number, text, id)


def _json(pieces: Iterable[str], name: str, text: str = "text", id: str = "id") -> Iterator[Item]:
    whole = "".join(pieces)
    if not whole.strip():
        return
    try:
        records = json.loads(whole)
    except json.JSONDecodeError as error:
        raise DataError(f"malformed JSON ({error.msg} at line {error.lineno} column {error.colno}); give an array of "
                        f"objects with a {text!r} field", path=name) from None
    except (ValueError, RecursionError) as error:
        raise DataError(f"malformed JSON ({error}); give an array of objects with a {text!r} field", path=name) from None
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list):
        raise DataError(f"expected a JSON array of objects with a {text!r} field (or of strings)", path=name)
    for number, record in enumerate(records, 1):
        if isinstance(record, str):
            record = {text: record}
        if not isinstance(record, dict):
            raise DataError(f"item {number} of the array is not an object with a {text!r} field", path=name)
        yield _record_item(record, name, number, number, text, id)


def _table_items(tables, name: str, text: str, id: str) -> Iterator[Item]:
    """Records of CSV or Parquet tables; the text column is found in any case, the id column if present."""
    count = 0
    text_key = id_key = None
    for table in tables:
        if text_key is None:
            names = list(table.columns)
            text_key = find_column(names, text, "--text-column", name)
            id_key = next((n for n in names if n == id), None) or next((n for n in names if n.casefold() == id.casefold()), id)
        names = list(table.columns)
        lines = table.lines or range(table.start + 1, table.start + table.num_rows + 1)
        for line, values in zip(lines, zip(*table.columns.values())):
            count += 1
            yield _record_item(dict(zip(names, values)), name, count, line, text_key, id_key)


def _csv(pieces: Iterable[str], name: str, text: str = "text", id: str = "id") -> Iterator[Item]:
    return _table_items(csv_tables(pieces, name), name, text, id)


def _parquet(pieces, name: str, text: str = "text", id: str = "id") -> Iterator[Item]:
    return _table_items(parquet_tables(name), name, text, id)


_READERS = {"jsonl": _jsonl, "json": _json, "csv": _csv, "parquet": _parquet}


def record_items(pieces: Iterable[str] | None, name: str, fmt: str, *, text: str = "text", id: str = "id") -> Iterator[Item]:
    """One item per record of a ``jsonl``, ``json``, ``csv`` or ``parquet`` input (Parquet is read from ``name``).

    ``text`` and ``id`` name the record's text and id fields; a Parquet
    row's ``line`` is its row number (from 1).
    """
    return _READERS[fmt](pieces, name, text, id)


def sniff(pieces: Iterable[str]) -> tuple[str, Iterator[str]]:
    """(format, the same pieces) of standard input: JSON Lines, a JSON array, or text.

    JSON Lines when the first line is a JSON object with a ``text`` field; a
    JSON array when the whole input is one; text otherwise. Only the first
    line is held, except for input that starts with ``[``, which is read
    whole to be tried as JSON.
    """
    pieces = iter(pieces)
    held: list[str] = []
    for piece in pieces:
        held.append(piece)
        joined = "".join(held)
        if joined.strip() and ("\n" in joined.lstrip() or joined.lstrip()[:1] not in "{["):
            break
    joined = "".join(held)
    first = joined.lstrip()[:1]
    if first == "[":
        joined += "".join(pieces)
        try:
            value = json.loads(joined)
        except (ValueError, RecursionError):
            return "text", iter([joined])
        return ("json" if isinstance(value, list) else "text"), iter([joined])
    chained = _chain([joined], pieces)
    if first == "{":
        line = joined.lstrip().split("\n", 1)[0]
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            return "text", chained
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            return "jsonl", chained
    return "text", chained


def _chain(*iterables: Iterable[str]) -> Iterator[str]:
    for iterable in iterables:
        yield from iterable
