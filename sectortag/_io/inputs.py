"""What ``sectortag tag`` reads: text split into paragraphs, or records (JSON Lines, JSON arrays, CSV).

Each reader yields ``(head, text, fields)`` items: ``head`` starts the
output row (source, paragraph number, line, id, span), ``text`` is what is
tagged and ``fields`` are the record's other fields, passed through to the
output. Records are never split into paragraphs; an empty input yields no
item (the caller notes it).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from .._errors import DataError
from .data import JSONL_SUFFIXES, allow_long_csv_fields, parse_jsonl_line, split_lines

__all__ = ["INPUT_FORMATS", "RESERVED", "format_of", "record_items", "sniff", "text_items"]

INPUT_FORMATS = ("auto", "text", "jsonl", "json", "csv")
#: Keys of an output row; a record field of the same name is passed through as ``input_<name>``.
RESERVED = frozenset({"source", "paragraph", "line", "id", "start", "end", "labels", "scores", "text", "evidence"})
_JSON_SUFFIXES = (".json", ".json.gz")
_CSV_SUFFIXES = (".csv", ".csv.gz")

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
    if lowered.endswith(_CSV_SUFFIXES):
        return "csv"
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


def _jsonl(pieces: Iterable[str], name: str) -> Iterator[Item]:
    count = 0
    for number, line in split_lines(pieces):
        if not line.strip():
            continue
        record = parse_jsonl_line(line, name, number, "expected a JSON object with a 'text' field")
        count += 1
        yield _record_item(record, name, count, number)


def _json(pieces: Iterable[str], name: str) -> Iterator[Item]:
    text = "".join(pieces)
    if not text.strip():
        return
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(f"malformed JSON ({error.msg} at line {error.lineno} column {error.colno}); give an array of "
                        "objects with a 'text' field", path=name) from None
    except (ValueError, RecursionError) as error:
        raise DataError(f"malformed JSON ({error}); give an array of objects with a 'text' field", path=name) from None
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list):
        raise DataError("expected a JSON array of objects with a 'text' field (or of strings)", path=name)
    for number, record in enumerate(records, 1):
        if isinstance(record, str):
            record = {"text": record}
        if not isinstance(record, dict):
            raise DataError(f"item {number} of the array is not an object with a 'text' field", path=name)
        head, text, fields = _record_item(record, name, number, number)
        yield head, text, fields


def _lines_with_ends(pieces: Iterable[str]) -> Iterator[str]:
    for _, line in split_lines(pieces):
        yield line + "\n"


def _header_fields(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _csv(pieces: Iterable[str], name: str) -> Iterator[Item]:
    allow_long_csv_fields()
    lines = _lines_with_ends(pieces)
    header_line, number = next(lines, None), 1
    while header_line is not None and not header_line.strip():
        header_line, number = next(lines, None), number + 1
    if header_line is None:
        return
    try:
        delimiter = max(";,\t", key=lambda d: len(_header_fields(header_line, d)))
        header = [h.strip() for h in _header_fields(header_line, delimiter)]
    except csv.Error as error:
        raise DataError(f"malformed CSV header ({error})", path=name, line=number) from None
    columns = {h.lower(): h for h in header}
    if "text" not in columns:
        raise DataError(f"no 'text' column in the CSV header (columns: {', '.join(header)[:200]}); "
                        "name the column of paragraphs 'text'", path=name, line=number)
    reader = csv.reader(lines, delimiter=delimiter)
    count = 0
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise DataError("more fields than header columns; quote text that contains the delimiter",
                                path=name, line=reader.line_num + number)
            record = dict(zip(header, row + [""] * (len(header) - len(row))))
            count += 1
            yield _record_item(record, name, count, reader.line_num + number, columns["text"], columns.get("id", "id"))
    except csv.Error as error:
        raise DataError(f"malformed CSV ({error})", path=name, line=reader.line_num + number) from None


_READERS = {"jsonl": _jsonl, "json": _json, "csv": _csv}


def record_items(pieces: Iterable[str], name: str, fmt: str) -> Iterator[Item]:
    """One item per record of a ``jsonl``, ``json`` or ``csv`` input."""
    return _READERS[fmt](pieces, name)


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
