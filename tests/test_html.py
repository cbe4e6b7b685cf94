"""The HTML document view: parsed back with html.parser and checked against the tagger's own output."""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser

import pytest

import sectortag
from sectortag._cli.tag import tag_inputs
from sectortag._io.html import PALETTE, sector_css

from conftest import REPO, stdout_of

DOCUMENT = (
    "Joint statement\n\n"
    "The two countries will cooperate against terrorism, violent extremism and organised crime.\n\n"
    "Bilateral trade turnover rose by forty percent and investment in energy projects doubled.\n"
    "Thank you.\n\n"
    "The ministers discussed food security, wheat harvests and fertiliser supplies; "
    "the two countries will cooperate against terrorism too."
)
HOSTILE = (
    "<script>alert(1)</script>\n\n"
    'A quote " onmouseover="alert(1)" and an <img src=x onerror=alert(2)> in trade & investment.\n\n'
    "</li></ol></section><p>terrorism</p> &amp; &lt;"
)


class PageParser(HTMLParser):
    """Paragraph items (id, labels, chip labels, text, marks with their offsets), links and every tag seen."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[dict] = []
        self.tags: list[tuple[str, dict]] = []
        self.sections: list[str] = []
        self.stack: list[str] = []
        self.current: dict | None = None
        self.in_text = self.in_chip = self.in_mark = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        classes = (attributes.get("class") or "").split()
        if tag == "section":
            self.sections.append(attributes.get("id"))
        if tag == "li" and "p" in classes:
            self.current = {"id": attributes["id"], "labels": json.loads(attributes["data-labels"]),
                            "dimmed": "none" in classes, "chips": [], "text": "", "marks": [],
                            "section": self.sections[-1]}
            self.paragraphs.append(self.current)
        elif self.current is not None and tag == "p":
            self.in_text = True
        elif self.current is not None and tag == "span" and "k" in classes and "none" not in classes:
            self.in_chip = True
            self.current["chips"].append("")
        elif self.in_text and tag == "mark":
            self.in_mark = True
            self.current["marks"].append({"start": len(self.current["text"]), "text": "", "title": attributes["title"],
                                          "tabindex": attributes.get("tabindex"), "class": classes})

    def handle_endtag(self, tag):
        if tag == "p":
            self.in_text = False
        elif tag == "span" and self.in_chip:
            self.in_chip = False
        elif tag == "mark":
            self.in_mark = False
        elif tag == "li":
            self.current = None

    def handle_data(self, data):
        if self.in_chip:
            self.current["chips"][-1] += data
        if self.in_text:
            self.current["text"] += data
            if self.in_mark:
                self.current["marks"][-1]["text"] += data


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def check_page(page: str, rows: list[dict], *, explain: bool) -> PageParser:
    """Every row once, in order, with its labels and exact text; marks on evidence spans only."""
    parsed = parse(page)
    assert len(parsed.paragraphs) == len(rows)
    for row, item in zip(rows, parsed.paragraphs):
        assert item["text"] == row["text"]
        assert item["labels"] == row["labels"]
        assert [chip.split()[0] for chip in item["chips"]] == row["labels"]
        assert [float(chip.split()[1]) for chip in item["chips"]] == pytest.approx([row["scores"][n] for n in row["labels"]], abs=0.006)
        assert item["dimmed"] == (not row["labels"])
        if not explain:
            assert not item["marks"]
            continue
        spans = [(e["start"] - row["start"], e["end"] - row["start"]) for items in row["evidence"].values() for e in items]
        for mark in item["marks"]:
            start, end = mark["start"], mark["start"] + len(mark["text"])
            assert row["text"][start:end] == mark["text"]
            assert any(s <= start and end <= e for s, e in spans), (mark, spans)
            assert mark["tabindex"] == "0" and mark["title"]
        covered = {i for mark in item["marks"] for i in range(mark["start"], mark["start"] + len(mark["text"]))}
        for s, e in spans:
            assert all(i in covered or row["text"][i].isspace() for i in range(s, e))
    return parsed


def assert_nothing_external(parsed: PageParser, page: str) -> None:
    for tag, attributes in parsed.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed", "img"), tag
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        for name in ("src", "href", "xlink:href", "action", "srcset", "data"):
            value = attributes.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    style = page[page.index("<style>") : page.index("</style>")]
    assert "url(" not in style and "@import" not in style and "http" not in style


def test_one_document_with_evidence(toy_tagger):
    page = sectortag.render_html({"statement.txt": DOCUMENT}, toy_tagger, explain=True, top=3)
    rows = tag_inputs(toy_tagger, [("statement.txt", DOCUMENT)], explain=True, top=3)
    assert [r["text"] for r in rows] == [p.text for p in sectortag.split_paragraphs(DOCUMENT)]
    parsed = check_page(page, rows, explain=True)
    assert any(item["marks"] for item in parsed.paragraphs)
    assert any(item["dimmed"] for item in parsed.paragraphs), "the toy model leaves the heading unlabelled"
    assert_nothing_external(parsed, page)
    assert parsed.sections == ["doc-1"]
    assert not any(tag == "nav" and a.get("class") == "toc" for tag, a in parsed.tags), "no contents for one document"
    assert "statement.txt" in page and "Legend" in page


def test_marks_name_label_and_weight(toy_tagger):
    page = sectortag.render_html(["The two countries will cooperate against terrorism."], toy_tagger, explain=True)
    marks = [m for item in parse(page).paragraphs for m in item["marks"]]
    terrorism = [m for m in marks if m["text"] == "terrorism"]
    assert terrorism and "security_defense: terrorism +" in terrorism[0]["title"]
    assert f"s{toy_tagger.classes_.index('security_defense')}" in terrorism[0]["class"]


def test_several_documents_one_page_with_contents(toy_tagger):
    documents = {"a.txt": DOCUMENT, "b.txt": "Thank you.", "c.txt": DOCUMENT.replace("wheat", "grain")}
    page = sectortag.render_html(documents, toy_tagger)
    parsed = check_page(page, tag_inputs(toy_tagger, list(documents.items())), explain=False)
    assert parsed.sections == ["doc-1", "doc-2", "doc-3"]
    links = [a["href"] for tag, a in parsed.tags if tag == "a"]
    assert links == ["#doc-1", "#doc-2", "#doc-3"]
    assert [item["section"] for item in parsed.paragraphs] == ["doc-1"] * 5 + ["doc-2"] + ["doc-3"] * 5
    assert page.count('class="prof"') == 2 and "No paragraph has a sector." in page  # b.txt has none
    ids = [item["id"] for item in parsed.paragraphs]
    assert len(set(ids)) == len(ids)


def test_everything_is_escaped(toy_tagger):
    name = '<b>"x" onmouseover="alert(3)"</b>.txt'
    page = sectortag.render_html({name: HOSTILE}, toy_tagger, explain=True, title="<i>title</i>")
    rows = tag_inputs(toy_tagger, [(name, HOSTILE)], explain=True)
    parsed = check_page(page, rows, explain=True)
    assert parsed.paragraphs[0]["text"] == "<script>alert(1)</script>"
    assert_nothing_external(parsed, page)
    assert {tag for tag, _ in parsed.tags} <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p",
                                               "nav", "ul", "ol", "li", "span", "b", "mark", "main", "section", "div", "strong", "a"}
    assert "<script>" not in page and 'onmouseover="alert' not in page and "<i>title" not in page
    assert "&lt;b&gt;&quot;x&quot; onmouseover=&quot;alert(3)&quot;&lt;/b&gt;.txt" in page


def test_labels_are_escaped_too(toy_tagger):
    css = sector_css(9)
    assert css.count("--c:") == 9 and PALETTE[0] in css
    tagger = sectortag.SectorTagger(threshold_folds=2).fit(
        ["wheat grain harvest", "army defence troops", "wheat farmers", "troops army"] * 3,
        [['<a href="http://x">w</a>'], ["x\" onclick=\"y"], ['<a href="http://x">w</a>'], ["x\" onclick=\"y"]] * 3,
    )
    page = sectortag.render_html(["wheat harvest", "army troops"], tagger, explain=True)
    parsed = parse(page)
    assert_nothing_external(parsed, page)
    assert parsed.paragraphs[0]["labels"] == ['<a href="http://x">w</a>']


def test_render_html_wants_a_list_or_a_mapping(toy_tagger):
    with pytest.raises(TypeError, match="wrap it in a list"):
        sectortag.render_html(DOCUMENT, toy_tagger)
    with pytest.raises(TypeError, match="expected str"):
        sectortag.render_html({"a": 3}, toy_tagger)
    assert "Nothing to show" in sectortag.render_html([], toy_tagger)


def test_size_stays_small(toy_tagger):
    paragraphs = [p.text for p in sectortag.split_paragraphs(DOCUMENT)] * 40
    page = sectortag.render_html(["\n\n".join(paragraphs)], toy_tagger, explain=True)
    assert len(page.encode("utf-8")) < 1500 * len(paragraphs), "about 10 MB for 5,000 paragraphs at most"


# --------------------------------------------------------------------------
# the command


def test_cli_writes_one_page_for_several_files(tmp_path, toy_model_path, toy_tagger, run_main):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(DOCUMENT, encoding="utf-8")
    second.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "report.html"
    result = run_main("tag", "--model", str(toy_model_path), "--explain", "--top", "2", "--no-progress",
                      "--out", str(out), "--file", str(first), str(second))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    rows = tag_inputs(toy_tagger, [(str(first), DOCUMENT), (str(second), HOSTILE)], explain=True, top=2)
    parsed = check_page(page, rows, explain=True)
    assert parsed.sections == ["doc-1", "doc-2"]
    assert_nothing_external(parsed, page)


def test_cli_html_of_records_shows_ids(tmp_path, toy_model_path, run_main):
    data = tmp_path / "records.jsonl"
    data.write_text('{"id": "r<1>", "text": "Wheat harvests and fertiliser."}\n{"id": 2, "text": "Thank you."}\n', encoding="utf-8")
    page = stdout_of(run_main("tag", "--model", str(toy_model_path), "--format", "html", "--explain", "--file", str(data)))
    parsed = parse(page)
    assert [item["text"] for item in parsed.paragraphs] == ["Wheat harvests and fertiliser.", "Thank you."]
    assert "id r&lt;1&gt;" in page


def test_no_plotting_or_training_library_is_imported_without_html_reports(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    data = tmp_path / "data.jsonl"
    data.write_text('{"text": "Wheat exports.", "labels": ["trade"]}\n', encoding="utf-8")
    code = (
        "import sys; from sectortag._cli import main; "
        f"main(['tag', '--format', 'html', '--explain', '--no-progress', '--out', {str(tmp_path / 'r.html')!r}, '--file', {str(path)!r}]); "
        f"main(['profile', '--format', 'csv', {str(path)!r}]); "
        f"main(['evaluate', '--data', {str(data)!r}]); "
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'sklearn', 'nltk'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr.decode().endswith("[]"), result.stderr.decode()[-500:]


def test_benchmark_markdown_becomes_escaped_html():
    from benchmarks._common import markdown_html

    title, body = markdown_html(
        "# Title <x>\n\n- date: `2026` and **bold <b>**\n  continued\n\n## Part\n\n| a | b<script> |\n|---|---|\n"
        "| `1` | 2 |\n\nSome text\non two lines.\n\n```\n<raw>\n```\n"
    )
    assert title == "Title <x>"
    assert "<li>date: <code>2026</code> and <strong>bold &lt;b&gt;</strong> continued</li>" in body
    assert "<th>b&lt;script&gt;</th>" in body and "<td><code>1</code></td><td>2</td>" in body
    assert "<p>Some text on two lines.</p>" in body and "<pre>&lt;raw&gt;</pre>" in body
    assert "<script>" not in body and "<h2>Part</h2>" in body
