"""Split a document into paragraphs whose spans slice back to the input exactly.

Diplomatic text reaches users in several shapes: blank-line paragraphs (most
web articles), one paragraph per line (wire copy, seed 002), bullet lists,
headings, and Windows line endings. A paragraph here is a maximal run of text
that a reader would take as one unit; its ``start``/``end`` are offsets into the
original string, so ``text[start:end] == paragraph.text`` always holds.

``iter_paragraphs`` does the same for text that arrives in pieces (a large
file read incrementally): it splits chunks cut only between segments (at a
blank line or before a bullet), where every decision of the splitter is
local to one side, so its paragraphs and spans are those of
``split_paragraphs`` on the whole text while memory stays bounded by the
chunk size and the longest segment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["SPLITS", "Paragraph", "iter_paragraphs", "split_paragraphs"]

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


SPLITS = ("auto", "blank", "line")
_WRAP_MIN_WIDTH = 30  # a hard-wrapped line is at least this long...
_WRAP_SHARE = 0.6  # ...and at least this share of the longest line of its segment
_WRAP_ONE_BREAK = 50  # a two-line segment is wrapped when its first line is this long and stops mid-sentence


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")


def _is_wrapped(lines: list[str]) -> bool:
    """True when the lines of one segment look like prose hard-wrapped at a fixed width.

    A line break is a wrap when the line before it stops mid-sentence and is
    nearly as long as the segment's longest line. A segment is wrapped when
    at least two breaks, and at least half of them, are wraps (or, for two
    lines, when the first is long and stops mid-sentence); one paragraph
    per line, headings and lists are not.
    """
    if len(lines) < 2:
        return False
    width = max(len(line) for line in lines)
    wraps = sum(
        1 for line in lines[:-1]
        if len(line) >= max(_WRAP_MIN_WIDTH, _WRAP_SHARE * width) and not line.endswith(_SENTENCE_END)
    )
    if len(lines) == 2:
        return wraps == 1 and len(lines[0]) >= _WRAP_ONE_BREAK
    return wraps >= 2 and 2 * wraps >= len(lines) - 1


def split_paragraphs(text: str, *, split: str = "auto") -> list[Paragraph]:
    """Split ``text`` into paragraphs with exact character spans.

    Blank lines always separate paragraphs, and a bullet always starts one.
    ``split`` says what else does, inside the segments that remain:

    * ``"line"``: every line is a paragraph;
    * ``"blank"``: nothing else (blocks of hard-wrapped prose stay whole);
    * ``"auto"`` (default): a segment that looks like hard-wrapped prose (as
      pasted from a PDF or an e-mail) stays whole; in any other, each line is
      its own paragraph (one-paragraph-per-line text, headings) unless it is
      a lower-case continuation of a line that stopped mid-sentence.

    Leading and trailing white space is outside the span. Text with no
    visible characters has no paragraphs. Splitting a paragraph again gives
    that paragraph: every decision is local to its segment.
    """
    if not isinstance(text, str):
        raise TypeError(f"split_paragraphs expects a str, got {type(text).__name__}")
    _check_split(split)
    return _split(text, split)


def _segments(text: str, split: str) -> Iterator[list[tuple[int, int]]]:
    """Runs of non-blank lines, as (start, end) spans stripped of outer space, cut before each bullet."""
    segment: list[tuple[int, int]] = []
    for line_start, line_end in _lines(text):
        line = text[line_start:line_end]
        stripped = line.strip()
        if not stripped or (segment and split != "line" and _BULLET.match(stripped)):
            if segment:
                yield segment
            segment = []
        if stripped:
            segment.append((line_start + len(line) - len(line.lstrip()), line_start + len(line.rstrip())))
    if segment:
        yield segment


def _split(text: str, split: str) -> list[Paragraph]:
    spans: list[tuple[int, int]] = []
    for segment in _segments(text, split):
        lines = [text[s:e] for s, e in segment]
        if split == "line":
            spans.extend(segment)
        elif split == "blank" or _is_wrapped(lines):
            spans.append((segment[0][0], segment[-1][1]))
        else:
            current = segment[0]
            for previous, line, span in zip(lines, lines[1:], segment[1:]):
                if _continues_previous(previous, line):
                    current = (current[0], span[1])
                else:
                    spans.append(current)
                    current = span
            spans.append(current)
    return [Paragraph(text[s:e], s, e) for s, e in spans]


CHUNK_SIZE = 1 << 20  # characters buffered before a chunk is cut and split
_TAIL = 1 << 16  # where a cut is looked for first: the last 64 KiB of the buffer


def _cut(buffer: str, begin: int = 0, split: str = "auto") -> int:
    """The last offset >= ``begin`` where ``buffer`` can be cut without changing any paragraph.

    A cut goes at the start of a line that is complete (its line break is
    in ``buffer``) and starts a segment of its own: it follows a blank line,
    or is a bullet (any line, with ``split="line"``). Every decision of the
    splitter is local to a segment (the hard-wrap check of ``split="auto"``
    looks at all the lines of its segment), so splitting each side on its
    own then gives exactly the paragraphs of the whole text. A cut is never
    made inside a segment, even between two lines the line-by-line rule
    would separate: the lines after it may change the segment's hard-wrap
    decision. Returns 0 when there is no such place.
    """
    lines = [(begin + s, begin + e) for s, e in _lines(buffer[begin:])]
    for i in range(len(lines) - 1, 0, -1):
        start, end = lines[i]
        complete = i + 1 < len(lines) or (end < len(buffer) and buffer[-1] != "\r")
        if not complete:
            continue
        previous = buffer[lines[i - 1][0] : lines[i - 1][1]].strip()
        current = buffer[start:end].strip()
        if not previous or split == "line":
            return start
        if current and _BULLET.match(current):
            return start
    return 0


def iter_paragraphs(pieces: Iterable[str], *, chunk_size: int = CHUNK_SIZE, split: str = "auto") -> Iterator[Paragraph]:
    """Paragraphs of the text ``"".join(pieces)``, read and split incrementally.

    Gives the same paragraphs and spans as ``split_paragraphs`` on the whole
    text (spans are offsets into the whole text), holding about
    ``chunk_size`` characters at a time: the text is split in chunks cut at
    blank lines or bullets, never inside a segment (a run of lines with
    neither), since with ``split="auto"`` whether a segment is hard-wrapped
    prose depends on all its lines. Only a segment longer than
    ``chunk_size`` is held whole, until the blank line or bullet that ends
    it (or the end of the text); with ``split="line"`` every line break is
    a cut, so only a single line is.
    """
    _check_split(split)
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
        cut = _cut(buffer, tail, split) or (_cut(buffer, 0, split) if tail else 0)
        if cut:
            for paragraph in _split(buffer[:cut], split):
                yield Paragraph(paragraph.text, base + paragraph.start, base + paragraph.end)
            base += cut
            buffer = buffer[cut:]
            limit = len(buffer) + chunk_size
        else:
            limit = 2 * size  # one long segment: wait for more text, scanning less often
        pending, size = [buffer], len(buffer)
    for paragraph in _split("".join(pending), split):
        yield Paragraph(paragraph.text, base + paragraph.start, base + paragraph.end)
