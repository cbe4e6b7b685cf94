"""A self-contained HTML page of tagged documents: profiles, chips, and highlighted evidence.

:class:`HtmlWriter` takes the rows of ``sectortag tag`` as dicts
(``write`` batches, then ``close``; with ``--jobs`` they are tagged in the
workers and written here, in order) and writes one page: for each
document its name, its sector profile, then every paragraph in order with
its sector chips and scores; with ``explain``, the evidence words
highlighted in their sector's colour, their weight shown on hover and on
keyboard focus. Paragraphs with no sector are dimmed, never dropped.

The page needs nothing from the network: the CSS is inline, there is no
script, and a Content-Security-Policy forbids loading anything. All text
(paragraphs, file names, ids, label names) is HTML-escaped. The palette is
Okabe and Ito's, chosen to stay distinct for colour-blind readers, and
every colour comes with its label's name and an underline style or hatch
of its own, so that nothing depends on colour alone, in print either.

The page is assembled in memory (a document's profile comes before its
paragraphs); it holds the rendered paragraphs, not the rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import TextIO

from .._model.profile import ProfileCounter
from .._results import SectorProfile

__all__ = ["PALETTE", "HtmlWriter", "html_writer", "page", "render_html", "sector_css"]

#: Okabe & Ito's colour-blind-safe palette, without black.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: An underline style per sector, so that highlights differ in greyscale too.
_UNDERLINES = ("solid", "dashed", "dotted", "double", "wavy", "solid", "dashed")
_THICKNESS = ("2px", "2px", "3px", "3px", "2px", "4px", "4px")
#: A hatch per sector for profile bars (a CSS background laid over the colour).
_HATCHES = (
    "none",
    "repeating-linear-gradient(45deg,#0004 0 2px,transparent 2px 7px)",
    "repeating-linear-gradient(-45deg,#0004 0 2px,transparent 2px 7px)",
    "repeating-linear-gradient(90deg,#0004 0 2px,transparent 2px 7px)",
    "repeating-linear-gradient(0deg,#0004 0 2px,transparent 2px 6px)",
    "radial-gradient(#0006 1.2px,transparent 1.6px) 0 0/6px 6px",
    "repeating-linear-gradient(45deg,#0004 0 2px,transparent 2px 7px),"
    "repeating-linear-gradient(-45deg,#0004 0 2px,transparent 2px 7px)",
)

_CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;print-color-adjust:exact;-webkit-print-color-adjust:exact}
body{margin:0 auto;max-width:52rem;padding:0 .75rem 3rem;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
h1{font-size:1.5rem;margin:1rem 0 .25rem}h2{font-size:1.2rem;margin:0 0 .5rem;overflow-wrap:anywhere}
.meta,.note{color:#444;font-size:.875rem;margin:.25rem 0}
nav,section.doc{border-top:1px solid #ccc;padding-top:.75rem;margin-top:1rem}
nav h2{font-size:1rem}
.legend{display:flex;flex-wrap:wrap;gap:.35rem .6rem;list-style:none;padding:0;margin:.25rem 0}
.toc ol{padding-left:1.5rem;margin:0}.toc li{margin:.15rem 0;overflow-wrap:anywhere}
.toc small{color:#444}
a{color:#0050a0}
.k{display:inline-block;border-radius:.8em;padding:0 .5em;font-size:.8rem;line-height:1.6;white-space:nowrap;background:var(--c);color:var(--f);border:1px solid #0006}
.k b{font-weight:600}
.k.none{background:#eee;color:#444;border-style:dashed}
.prof{display:grid;grid-template-columns:max-content 1fr max-content;gap:.2rem .5rem;align-items:center;margin:.25rem 0 .75rem;font-size:.85rem}
.prof .k{justify-self:start}
.bar{height:.9rem;background:#f2f2f2;border:1px solid #999;border-radius:2px;overflow:hidden}
.bar span{display:block;height:100%;background:var(--h),var(--c)}
.num{font-variant-numeric:tabular-nums;color:#333}
ol.ps{list-style:none;padding:0;margin:0}
li.p{margin:0 0 .9rem;padding:.1rem 0 .1rem .6rem;border-left:4px solid #bbb}
li.p .c{display:flex;flex-wrap:wrap;gap:.25rem;align-items:center;font-size:.8rem;color:#444}
li.p .n{font-variant-numeric:tabular-nums;min-width:2.2em}
li.p p{margin:.15rem 0 0;overflow-wrap:anywhere}
li.p.none{border-left:4px dotted #ccc;color:#555}
li.p.none p{font-size:.92rem}
mark{background:var(--t);color:inherit;text-decoration:underline var(--u) var(--c);text-decoration-thickness:var(--w);text-underline-offset:3px;border-radius:2px;position:relative}
mark.neg{background:none;outline:1px dashed var(--c);outline-offset:-1px}
mark:focus{outline:2px solid #000;outline-offset:1px}
mark:focus-visible::after{content:attr(title);position:absolute;left:0;top:100%;z-index:2;margin-top:4px;padding:.2rem .4rem;background:#111;color:#fff;font-size:.8rem;line-height:1.3;white-space:pre;border-radius:3px}
@media (max-width:30rem){body{font-size:15px}.prof{grid-template-columns:max-content 1fr}.prof .num{grid-column:1/-1;margin:-.2rem 0 .2rem}}
@media print{body{max-width:none}nav.toc{break-after:page}li.p{break-inside:avoid}a{color:inherit;text-decoration:none}}
"""


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _tint(colour: str, share: float = 0.3) -> str:
    """``colour`` mixed with white: ``share`` of the colour."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - share * (255 - c)):02x}" for c in channels)


def sector_css(n_labels: int) -> str:
    """One CSS class per label index (``.s0``, ``.s1``...): colour, tint, text colour, underline, hatch."""
    rules = []
    for i in range(n_labels):
        colour = PALETTE[i % len(PALETTE)]
        style = i % len(_UNDERLINES)
        hatch = _HATCHES[(i + i // len(PALETTE)) % len(_HATCHES)]  # labels past the 7th differ by hatch
        luminance = _luminance(colour)
        text = "#000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#fff"
        rules.append(
            f".s{i}{{--c:{colour};--t:{_tint(colour)};--f:{text};--u:{_UNDERLINES[style]};"
            f"--w:{_THICKNESS[style]};--h:{hatch}}}"
        )
    return "\n".join(rules)


def page(title: str, body: str, *, css: str = "") -> str:
    """A complete HTML page: ``body`` (already HTML) under an escaped ``title``; nothing is loaded from outside."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{escape(title)}</title>\n<style>{_CSS}{css}\n</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


class HtmlWriter:
    """Rows of ``sectortag tag`` to one HTML page (see the module docstring).

    Consecutive rows with the same ``source`` make one document.
    """

    def __init__(self, out: TextIO | None, with_ids: bool, explain: bool, classes: Sequence[str] = (), *,
                 title: str = "sectortag: sectors of the text", note: str = "", top: int | None = None):
        self.out, self.with_ids, self.explain = out, with_ids, explain
        self.classes = list(classes)
        self.index = {label: i for i, label in enumerate(self.classes)}
        self.title, self.note, self.top = title, note, top
        self.documents: list[tuple[str, list[str], ProfileCounter]] = []

    # ------------------------------------------------------------------
    # paragraphs

    def _chips(self, row: dict) -> str:
        scores = row["scores"]
        chips = [f'<span class="k s{self.index.get(name, 0)}">{escape(name)} <b>{scores.get(name, 0.0):.2f}</b></span>'
                 for name in row["labels"]]
        if not chips:
            best = max(scores, key=scores.get) if scores else None
            hint = f" (highest: {escape(best)} {scores[best]:.2f})" if best is not None else ""
            chips.append(f'<span class="k none">no sector</span><span>{hint}</span>')
        return "".join(chips)

    def _marked(self, row: dict) -> str:
        """The paragraph's text, escaped, with its evidence spans wrapped in ``<mark>``."""
        text, offset = row["text"], row.get("start", 0)
        spans = []
        for label, items in (row.get("evidence") or {}).items():
            for item in items:
                start, end = item["start"] - offset, item["end"] - offset
                if 0 <= start < end <= len(text) and text[start:end] == item["text"]:
                    spans.append((start, end, label, item))
        if not spans:
            return escape(text)
        cuts = sorted({0, len(text)} | {s for s, _, _, _ in spans} | {e for _, e, _, _ in spans})
        parts = []
        for a, b in zip(cuts, cuts[1:]):
            covering = [span for span in spans if span[0] <= a and b <= span[1]]
            piece = escape(text[a:b])
            if not covering or not text[a:b].strip():
                parts.append(piece)
                continue
            covering.sort(key=lambda span: -abs(span[3]["weight"]))
            _, _, label, item = covering[0]
            tip = "\n".join(f"{name}: {entry['text']} {entry['weight']:+.2f}" for _, _, name, entry in covering)
            negative = " neg" if item["weight"] < 0 else ""
            parts.append(f'<mark class="s{self.index.get(label, 0)}{negative}" tabindex="0" title="{escape(tip)}">{piece}</mark>')
        return "".join(parts)

    def _paragraph(self, row: dict, doc: int) -> str:
        number = row["paragraph"]
        ident = f' <span class="id">id {escape(str(row["id"]))}</span>' if self.with_ids and row.get("id") is not None else ""
        labels = escape(json.dumps(list(row["labels"]), ensure_ascii=False))
        kind = "p" if row["labels"] else "p none"
        text = self._marked(row) if self.explain else escape(row["text"])
        return (f'<li class="{kind}" id="d{doc}-{number}" data-labels="{labels}"><div class="c">'
                f'<span class="n">{number}{ident}</span>{self._chips(row)}</div><p>{text}</p></li>\n')

    def write(self, rows: list[dict]) -> None:
        """Render a batch of rows into their documents."""
        for row in rows:
            if not self.documents or self.documents[-1][0] != row["source"]:
                self.documents.append((row["source"], [], ProfileCounter(self.classes)))
            _, parts, counter = self.documents[-1]
            parts.append(self._paragraph(row, len(self.documents)))
            counter.add(row["text"], row["labels"])

    # ------------------------------------------------------------------
    # the page

    def _profile(self, profile: SectorProfile) -> str:
        shown = sorted((name for name in self.classes if profile.paragraph_share[name] > 0),
                       key=lambda name: -profile.word_share[name])
        if not shown:
            return '<p class="note">No paragraph has a sector.</p>'
        rows = []
        for name in shown:
            share = profile.word_share[name]
            count = round(profile.paragraph_share[name] * profile.paragraphs)
            rows.append(
                f'<span class="k s{self.index[name]}">{escape(name)}</span>'
                f'<div class="bar s{self.index[name]}" role="img" aria-label="{escape(name)}: {_percent(share)} of the words">'
                f'<span style="width:{100 * share:.1f}%"></span></div>'
                f'<span class="num">{_percent(share)} · {count}/{profile.paragraphs}</span>'
            )
        dominant = ", ".join(escape(name) for name in profile.dominant)
        return (f'<p class="note">Dominant: <strong>{dominant}</strong>. Bars: share of the words in paragraphs with '
                f'the sector; then paragraphs with it / all paragraphs.</p>\n<div class="prof">{"".join(rows)}</div>')

    def _legend(self) -> str:
        if self.explain:
            sample = "".join(f'<li><mark class="s{i}">{escape(name)}</mark></li>' for i, name in enumerate(self.classes))
            top = f"the {self.top} words" if self.top is not None else "the words"
            text = (f"Highlighted: {top} that weigh most in each sector given to a paragraph, in that sector's colour "
                    "and underline. Hover over a word, or move to it with Tab, for its weight (its additive share of "
                    "the sector's decision score); a dashed outline marks a word that lowers the score.")
        else:
            sample = "".join(f'<li><span class="k s{i}">{escape(name)}</span></li>' for i, name in enumerate(self.classes))
            text = "Each paragraph shows its sectors with their probabilities."
        return (f'<nav class="legend-box" aria-label="Legend"><h2>Legend</h2><ul class="legend">{sample}'
                f'<li><span class="k none">no sector</span> (dimmed)</li></ul><p class="note">{text}</p></nav>')

    def render(self) -> str:
        """The whole page for the rows written so far."""
        profiles = [counter.profile() for _, _, counter in self.documents]
        paragraphs = sum(p.paragraphs for p in profiles)
        count = f"{len(self.documents)} document{'s' * (len(self.documents) != 1)}, {paragraphs} paragraphs"
        body = [f"<header><h1>{escape(self.title)}</h1><p class=\"meta\">{count}"
                f"{'; ' + escape(self.note) if self.note else ''}</p></header>", self._legend()]
        if len(self.documents) > 1:
            items = "".join(
                f'<li><a href="#doc-{i}">{escape(name)}</a> <small>{p.paragraphs} paragraphs'
                f'{"; " + ", ".join(escape(d) for d in p.dominant) if p.dominant else ""}</small></li>'
                for i, ((name, _, _), p) in enumerate(zip(self.documents, profiles), 1)
            )
            body.append(f'<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>{items}</ol></nav>')
        body.append("<main>")
        for i, ((name, parts, _), profile) in enumerate(zip(self.documents, profiles), 1):
            body.append(f'<section class="doc" id="doc-{i}"><h2>{escape(name)}</h2>\n{self._profile(profile)}\n'
                        f'<ol class="ps">\n{"".join(parts)}</ol></section>')
        if not self.documents:
            body.append('<p class="note">Nothing to show: the input has no paragraph.</p>')
        body.append("</main>")
        return page(self.title, "\n".join(body), css=sector_css(len(self.classes)))

    def close(self) -> None:
        """Write the page."""
        self.out.write(self.render())


def render_html(
    documents: Mapping[str, str] | Sequence[str],
    tagger=None,
    *,
    explain: bool = False,
    top: int = 5,
    threshold: float | None = None,
    split: str = "auto",
    title: str | None = None,
) -> str:
    """One self-contained HTML page showing the sectors of ``documents``.

    ``documents`` maps names to texts, or is a list of texts (named
    ``document 1``, ``document 2``...); each is split into paragraphs as by
    ``tag_document``. ``tagger`` defaults to the shipped model. With
    ``explain``, the ``top`` words behind each sector of each paragraph are
    highlighted. Write the result to a ``.html`` file and open it in a browser.
    """
    from .._cli.tag import tag_inputs

    if isinstance(documents, (str, bytes)):
        raise TypeError("render_html expects documents as a list of texts or a {name: text} mapping, got one "
                        f"{type(documents).__name__}; wrap it in a list")
    if isinstance(documents, Mapping):
        inputs = list(documents.items())
    else:
        inputs = [(f"document {i}", text) for i, text in enumerate(documents, 1)]
    for name, text in inputs:
        if not isinstance(text, str):
            raise TypeError(f"the text of {name!r} is {type(text).__name__}, expected str")
    if tagger is None:
        from .. import load

        tagger = load()
    rows = tag_inputs(tagger, [(str(name), text) for name, text in inputs], threshold=threshold, explain=explain,
                      top=top, split=split)
    writer = html_writer(tagger, explain=explain, top=top, threshold=threshold, title=title)
    writer.write(rows)
    return writer.render()


def html_writer(tagger, out: TextIO | None = None, *, with_ids: bool = False, explain: bool = False,
                top: int | None = None, threshold: float | None = None, title: str | None = None,
                sources: Sequence[str] = ()) -> HtmlWriter:
    """An HtmlWriter for ``tagger``'s labels, its note naming the model and the threshold.

    Without a ``title``, the page is named after its one source, if ``sources`` holds one.
    """
    model = getattr(tagger, "model_path_", None)
    note = f"model {model}" if model else "model in memory"
    note += f"; threshold {threshold} for every sector" if threshold is not None else "; the model's own thresholds"
    if title is None:
        title = f"sectortag: {sources[0]}" if len(sources) == 1 else "sectortag: sectors of the text"
    return HtmlWriter(out, with_ids, explain, tagger.classes_, title=title, note=note, top=top)
