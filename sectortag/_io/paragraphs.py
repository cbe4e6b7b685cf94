"""Split a document into paragraphs whose spans slice back to the input exactly.

Diplomatic text reaches users in several shapes: blank-line paragraphs (most
web articles), one paragraph per line (wire copy, seed 002), bullet lists,
headings, and Windows line endings. A paragraph here is a maximal run of text
that a reader would take as one unit; its ``start``/``end`` are offsets into the
original string, so ``text[start:end] == paragraph.text`` always holds.

``iter_paragraphs`` does the same for text that arrives in pieces (a large
file read incrementally): it splits chunks cut where the splitter would
start a new paragraph anyway, so its paragraphs and spans are those of
``split_paragraphs`` on the whole text while memory stays bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["Paragraph", "split_paragraphs", "iter_paragraphs"]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BULLET = re.compile(r"^(?:[-*+\u2022\u2023\u2043\u25aa\u25cf\u25e6\u2013\u2014]\s|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s)")
_SENTENCE_END = ("." , "!", "?", ":", ";", "\"", "\u201d", "\u00bb", ")", "\u2026")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document and its exact character span in it."""

    text: str
    start: int
    end: int


def _lines(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of every line's content, line terminators excluded."""
    spans = []
    for match in _LINE.finditer(text):
        if match.start() == match.end():
            break
        line = match.group()
        content_end = match.start() + len(line.rstrip("\r\n"))
        spans.append((match.start(), content_end))
    return spans


def _continues_previous(previous: str, current: str) -> bool:
    """True when ``current`` is a hard-wrapped continuation of ``previous``.

    A line continues the previous one when the previous line stops mid-sentence
    and this one starts in lower case and is not a bullet. Every other line
    break inside a block (one paragraph per line, headings, bullets) starts a
    new paragraph, so nothing a user wrote on its own line is merged away.
    """
    if _BULLET.match(current) or not current[:1].islower():
        return False
    return not previous.rstrip().endswith(_SENTENCE_END)


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split ``text`` into paragraphs with exact character spans.

    Blank lines always separate paragraphs. Inside a block, each line is its
    own paragraph (one-paragraph-per-line text, bullets, headings) unless it
    is a lower-case continuation of a line that stopped mid-sentence, as in
    hard-wrapped prose. Leading and trailing white space is outside the span.
    Text with no visible characters has no paragraphs.
    """
    if not isinstance(text, str):
        raise TypeError(f"split_paragraphs expects a str, got {type(text).__name__}")
    paragraphs: list[Paragraph] = []
    current: tuple[int, int] | None = None
    previous_line = ""
    for line_start, line_end in _lines(text):
        line = text[line_start:line_end]
        stripped = line.strip()
        if not stripped:
            if current:
                paragraphs.append(current)
            current, previous_line = None, ""
            continue
        start = line_start + (len(line) - len(line.lstrip()))
        end = line_start + len(line.rstrip())
        if current and _continues_previous(previous_line, stripped):
            current = (current[0], end)
        else:
            if current:
                paragraphs.append(current)
            current = (start, end)
        previous_line = stripped
    if current:
        paragraphs.append(current)
    return [Paragraph(text[s:e], s, e) for s, e in paragraphs]


CHUNK_SIZE = 1 << 20  # characters buffered before a chunk is cut and split
_TAIL = 1 << 16  # where a cut is looked for first: the last 64 KiB of the buffer


def _cut(buffer: str, begin: int = 0) -> int:
    """The last offset >= ``begin`` where ``buffer`` can be cut without changing any paragraph.

    A cut goes at the start of a line that is complete (its line break is
    in ``buffer``) and follows a blank line, or follows a non-blank line it
    does not continue (see ``_continues_previous``). Splitting each side on
    its own then gives exactly the paragraphs of the whole text. Returns 0
    when there is no such place.
    """
    lines = [(begin + s, begin + e) for s, e in _lines(buffer[begin:])]
    for i in range(len(lines) - 1, 0, -1):
        start, end = lines[i]
        complete = i + 1 < len(lines) or (end < len(buffer) and buffer[-1] != "\r")
        if not complete:
            continue
        previous = buffer[lines[i - 1][0] : lines[i - 1][1]].strip()
        current = buffer[start:end].strip()
        if not previous or (current and not _continues_previous(previous, current)):
            return start
    return 0


def iter_paragraphs(pieces: Iterable[str], *, chunk_size: int = CHUNK_SIZE) -> Iterator[Paragraph]:
    """Paragraphs of the text ``"".join(pieces)``, read and split incrementally.

    Gives the same paragraphs and spans as ``split_paragraphs`` on the whole
    text (spans are offsets into the whole text), holding about
    ``chunk_size`` characters at a time: the text is split in chunks cut at
    blank lines, or between two lines the splitter separates anyway. Any
    rule of the splitter that looks at a whole document sees one chunk at a
    time. Only a single paragraph longer than ``chunk_size`` (lines that all
    continue one another) is held whole, since it must be returned whole.
    """
    if isinstance(pieces, str):
        raise TypeError("iter_paragraphs expects an iterable of str pieces; use split_paragraphs for one str")
    pending: list[str] = []
    size, limit, base = 0, chunk_size, 0
    for piece in pieces:
        if not isinstance(piece, str):
            raise TypeError(f"iter_paragraphs expects str pieces, got {type(piece).__name__}")
        pending.append(piece)
        size += len(piece)
        if size < limit:
            continue
        buffer = "".join(pending)
        # Look near the end first; scan the whole buffer only when the tail has no cut.
        tail = buffer.rfind("\n", 0, max(0, len(buffer) - _TAIL)) + 1
        cut = _cut(buffer, tail) or (_cut(buffer) if tail else 0)
        if cut:
            for paragraph in split_paragraphs(buffer[:cut]):
                yield Paragraph(paragraph.text, base + paragraph.start, base + paragraph.end)
            base += cut
            buffer = buffer[cut:]
            limit = len(buffer) + chunk_size
        else:
            limit = 2 * size  # one long paragraph: wait for more text, scanning less often
        pending, size = [buffer], len(buffer)
    for paragraph in split_paragraphs("".join(pending)):
        yield Paragraph(paragraph.text, base + paragraph.start, base + paragraph.end)
