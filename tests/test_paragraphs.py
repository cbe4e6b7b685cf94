
import pytest

from sectortag import split_paragraphs

from conftest import SEEDS


def texts_of(text):
    return [p.text for p in split_paragraphs(text)]


def test_blank_lines_separate_paragraphs():
    assert texts_of("First one.\n\nSecond one.\n\n\nThird.") == ["First one.", "Second one.", "Third."]


def test_one_paragraph_per_line():
    assert texts_of("Rabat – Il Regno del Marocco.\nIn una dichiarazione congiunta.\nHanno ribadito.") == [
        "Rabat – Il Regno del Marocco.",
        "In una dichiarazione congiunta.",
        "Hanno ribadito.",
    ]


def test_bullets_and_headings_are_their_own_paragraphs():
    text = "Pros\n\n  • Increased support.\n  • Expanded trade.\nCons\n- slower growth"
    assert texts_of(text) == ["Pros", "• Increased support.", "• Expanded trade.", "Cons", "- slower growth"]


def test_hard_wrapped_prose_is_joined():
    text = "The ministers agreed to expand\ncooperation in trade and\nenergy.\n\nNext paragraph."
    assert texts_of(text) == ["The ministers agreed to expand\ncooperation in trade and\nenergy.", "Next paragraph."]


def test_windows_line_endings_and_spans_slice_back():
    text = "\r\n  Heading\r\n\r\nBody one.\r\nBody two.\r\n"
    paragraphs = split_paragraphs(text)
    assert [p.text for p in paragraphs] == ["Heading", "Body one.", "Body two."]
    assert all(text[p.start : p.end] == p.text for p in paragraphs)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\r\n", "\t \u00a0"])
def test_blank_text_has_no_paragraphs(text):
    assert split_paragraphs(text) == []


def test_rejects_non_string():
    with pytest.raises(TypeError, match="expects a str"):
        split_paragraphs(["a list"])


@pytest.mark.parametrize("name, count", [("000", 16), ("001", 15), ("002", 15), ("003", 16), ("004", 81)])
def test_seed_documents(name, count):
    path = next(SEEDS.glob(f"{name}_*.txt"))
    text = path.read_text(encoding="utf-8")
    paragraphs = split_paragraphs(text)
    assert len(paragraphs) == count
    assert all(text[p.start : p.end] == p.text for p in paragraphs)
    # nothing lost: every visible character is inside some paragraph
    covered = sum(len(p.text.replace(" ", "").replace("\n", "")) for p in paragraphs)
    assert covered == len("".join(text.split()))
