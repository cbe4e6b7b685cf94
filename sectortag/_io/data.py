"""Read labelled paragraphs (JSONL, gzipped JSONL, CSV) and text files.

Every problem is reported as a one-line :class:`DataError` naming the file,
the line and the fix, because users feed the CLI files they did not write.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass

from .._errors import DataError
from .._labels import SECTORS, nearest_label

__all__ = ["Example", "csv_records", "iter_jsonl_records", "labelled_records", "read_examples", "read_text"]

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_CSV_SUFFIXES = (".csv", ".csv.gz")
_READ_SIZE = 1 << 20  # bytes read from a file at a time


@dataclass(frozen=True)
class Example:
    """One labelled paragraph; only ``text`` and ``labels`` are required."""

    text: str
    labels: tuple[str, ...]
    id: str | None = None
    doc_id: str | None = None
    lang: str | None = None
    genre: str | None = None
    align: str | None = None
    source: str | None = None

    def to_dict(self) -> dict:
        record = {k: v for k, v in asdict(self).items() if v is not None}
        record["labels"] = list(self.labels)
        return record


def check_path(path: str) -> None:
    """A DataError unless ``path`` names an existing file."""
    if os.path.isdir(path):
        raise DataError("is a directory; pass a file (for a folder of files, list them)", path=path)
    if not os.path.exists(path):
        raise DataError("no such file; check the path", path=path)


def decode_stream(stream, name: str, encoding: str, errors: str, *, gzipped: bool = False) -> Iterator[str]:
    """The text of a binary stream, decoded piece by piece.

    A decoding error names the byte offset in the whole (uncompressed)
    stream; a leading byte-order mark is dropped.
    """
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors)
    except LookupError:
        raise DataError(f"unknown encoding {encoding!r}; use a Python codec name such as utf-8 or latin-1", path=name) from None
    fed, first = 0, True
    while True:
        try:
            data = stream.read(_READ_SIZE)
        except (OSError, EOFError, zlib.error) as error:
            if gzipped:
                raise DataError("is not a valid gzip file (truncated or corrupted); re-download or unzip it", path=name) from None
            raise DataError(f"cannot read ({getattr(error, 'strerror', None) or error})", path=name) from None
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            bad = error.object[error.start : error.start + 1].hex()
            raise DataError(
                f"cannot decode byte 0x{bad} at offset {fed - pending + error.start} as {encoding}; "
                "pass --encoding (e.g. latin-1) or --errors replace",
                path=name,
            ) from None
        fed += len(data)
        if first and text:
            first = False
            text = text[1:] if text.startswith("\ufeff") else text
        if text:
            yield text
        if not data:
            return


def iter_file_text(path: str, encoding: str = "utf-8", errors: str = "strict") -> Iterator[str]:
    """Decoded pieces of a text file (gunzipped when it ends in ``.gz``), read incrementally."""
    check_path(path)
    try:
        raw = open(path, "rb")
    except OSError as error:
        raise DataError(f"cannot read ({error.strerror}); check the permissions", path=path) from None
    gzipped = path.lower().endswith(".gz")
    with raw:
        stream = gzip.GzipFile(fileobj=raw) if gzipped else raw
        yield from decode_stream(stream, path, encoding, errors, gzipped=gzipped)


def read_text(path: str, encoding: str = "utf-8", errors: str = "strict") -> str:
    """A whole text file, decoded; clear errors for every way it can fail."""
    return "".join(iter_file_text(path, encoding, errors))


def split_lines(pieces: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(line number, line) of text arriving in pieces.

    Lines end at "\n" only: JSON strings may hold U+2028 and other
    characters that ``str.splitlines`` would also break on.
    """
    number, rest = 0, ""
    for piece in pieces:
        lines = (rest + piece).split("\n")
        rest = lines.pop()
        for line in lines:
            number += 1
            yield number, line
    if rest:
        yield number + 1, rest


def iter_jsonl_records(text: str, path: str) -> Iterator[tuple[int, dict]]:
    """(line number, object) for every non-blank line of a JSONL document."""
    for number, line in split_lines([text]):
        if line.strip():
            yield number, parse_jsonl_line(line, path, number, "expected a JSON object with 'text' and 'labels'")


_SCAN = json.JSONDecoder().scan_once  # json.loads without its Python layers, for the usual well-formed line
_SPACE = json.decoder.WHITESPACE.match


def parse_jsonl_line(line: str, path: str, number: int, not_object: str) -> dict:
    """One JSON Lines record; a DataError naming file and line when it is not a JSON object."""
    try:
        record, end = _SCAN(line, _SPACE(line, 0).end())
        if type(record) is dict and _SPACE(line, end).end() == len(line):
            return record
    except Exception:  # noqa: BLE001 - json.loads below gives the error its message
        pass
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise DataError(
            f"malformed JSON ({error.msg} at column {error.colno}); each line must be one JSON object",
            path=path,
            line=number,
        ) from None
    except (ValueError, RecursionError) as error:
        raise DataError(f"malformed JSON ({error}); each line must be one JSON object", path=path, line=number) from None
    if not isinstance(record, dict):
        raise DataError(not_object, path=path, line=number)
    return record


def _parse_labels(value, path: str, line: int, allowed: Sequence[str] | None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataError("'labels' must be a list of label names, e.g. [\"trade\"]", path=path, line=line)
    labels = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
    if allowed is not None:
        for label in labels:
            if label not in allowed:
                guess = nearest_label(label, tuple(allowed))
                hint = f"did you mean '{guess}'? " if guess else f"expected one of {', '.join(allowed)}; "
                raise DataError(
                    f"unknown label '{label}'; {hint}(use --custom-labels to train on your own label names)",
                    path=path,
                    line=line,
                )
    return labels


def _optional_str(record: dict, key: str) -> str | None:
    value = record.get(key)
    return None if value is None else str(value)


def _example(record: dict, path: str, line: int, allowed: Sequence[str] | None) -> Example:
    text = record.get("text")
    if not isinstance(text, str):
        raise DataError("missing 'text' (a string) in this record", path=path, line=line)
    if "labels" not in record:
        raise DataError("missing 'labels' (a list, possibly empty) in this record", path=path, line=line)
    return Example(
        text=text,
        labels=_parse_labels(record["labels"], path, line, allowed),
        **{key: _optional_str(record, key) for key in ("id", "doc_id", "lang", "genre", "align", "source")},
    )


def csv_records(text: str, path: str) -> Iterator[tuple[int, dict]]:
    """(line number, record) of a labelled CSV file: ``text`` and ``labels`` columns, labels split at ``;``."""
    allow_long_csv_fields()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        if not reader.fieldnames or not {"text", "labels"} <= set(reader.fieldnames):
            raise DataError("a CSV file needs a header with 'text' and 'labels' columns", path=path, line=1)
        for row in reader:
            if None in row:
                raise DataError("more fields than header columns; quote text that contains commas", path=path, line=reader.line_num)
            record = dict(row)
            record["labels"] = [name.strip() for name in (record.get("labels") or "").split(";") if name.strip()]
            yield reader.line_num, record
    except csv.Error as error:
        raise DataError(f"malformed CSV ({error})", path=path, line=reader.line_num) from None


def allow_long_csv_fields() -> None:
    """Let the csv module read paragraphs longer than its default 128 KiB field limit."""
    if csv.field_size_limit() < 1 << 30:
        csv.field_size_limit(1 << 30)


def labelled_records(path: str, encoding: str = "utf-8", errors: str = "strict") -> Iterator[tuple[int, dict]]:
    """(line number, record) of every record of a labelled JSONL, ``.jsonl.gz`` or CSV file, unchecked."""
    lowered = path.lower()
    if not lowered.endswith(JSONL_SUFFIXES + _CSV_SUFFIXES):
        raise DataError("unknown data format; use .jsonl, .jsonl.gz or .csv", path=path)
    text = read_text(path, encoding, errors)
    return csv_records(text, path) if lowered.endswith(_CSV_SUFFIXES) else iter_jsonl_records(text, path)


def read_examples(
    path: str,
    *,
    labels: Sequence[str] | None = SECTORS,
    encoding: str = "utf-8",
    errors: str = "strict",
) -> list[Example]:
    """Labelled paragraphs from a JSONL, ``.jsonl.gz`` or CSV file.

    ``labels`` is the set of allowed label names (the codebook's sectors by
    default); pass ``None`` to accept any names, for a taxonomy of your own.
    CSV files need ``text`` and ``labels`` columns, labels separated by ``;``.
    """
    examples = [_example(record, path, line, labels) for line, record in labelled_records(path, encoding, errors)]
    if not examples:
        raise DataError("contains no examples; add one JSON object per line with 'text' and 'labels'", path=path)
    return examples
