"""Split a document into paragraphs whose spans slice back to the input exactly.

Diplomatic text reaches users in several shapes: blank-line paragraphs (most
web articles), one paragraph per line (wire copy, seed 002), bullet lists,
headings, and Windows line endings. A paragraph here is a maximal run of text
that a reader would take as one unit; its ``start``/``end`` are offsets into the
original string, so ``text[start:end] == paragraph.text`` always holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Paragraph", "split_paragraphs"]

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
