"""Properties that hold for any input: hypothesis generates the text.

Most use the toy tagger (fast); a few repeat on the shipped model. Examples
are capped and deadlines off so the suite stays quick and steady on a busy
machine.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sectortag
from sectortag import Paragraph, split_paragraphs
from sectortag._io.paragraphs import iter_paragraphs

from conftest import fitted_toy_tagger

FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SPECIAL = [
    "",
    " ",
    "\t\n \r\n\u00a0\u2003",
    "🎉🇲🇦👩\u200d👩\u200d👧",
    "التعاون الاقتصادي والأمن الغذائي بين البلدين",
    "שיתוף פעולה ביטחוני ותרבותי",
    "\u200f\u202e\u2066mixed RTL ltr\u2069",
    "\x00\x01\x07\x1b[31m\x7f\x85\u2028\u2029\x1c\x1d\x1e",
    "\ufeffbyte order mark",
    "e\u0301\u0301\u0301 Zalgo\u0336\u0334",
    "Ǆ ß İ ﬁ ＦＵＬＬＷＩＤＴＨ",
    "Food security and wheat exports.",
    "La sécurité alimentaire et le blé.",
    "Il dialogo interreligioso.",
]
CHARACTERS = st.sampled_from(list("aZé 🎉\n\r\t-•.1)\u200fبש\x00\u2028"))
WORDS = st.sampled_from(["wheat", " trade ", "\r\n", "terrorism", "UN", "défense", "sicurezza", "🎉", "\n\n", "- "])
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet=CHARACTERS),
    st.lists(st.one_of(CHARACTERS, WORDS), max_size=60).map("".join),
    st.sampled_from(SPECIAL),
)
BATCHES = st.lists(TEXTS, min_size=1, max_size=12)

# Documents in the shapes the splitter meets: blank lines, \r\n, bullets, headings, hard wraps.
LINE_PARTS = st.sampled_from([
    "Heading", "The ministers agreed to expand", "cooperation in trade and", "energy.", "• a bullet", "- dash item",
    "1. numbered", "(a) lettered", "  indented text  ", "", " ", "\t", "Ünïcödé.", "مرحبا", "שלום", "🎉", "x",
])
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n \n", "\u2028", ""])
DOCUMENTS = st.one_of(
    st.lists(st.tuples(LINE_PARTS, LINE_ENDS), max_size=25).map(lambda parts: "".join(a + b for a, b in parts)),
    st.text(),
    st.text(alphabet=CHARACTERS),
)


@pytest.fixture(scope="module")
def toy():
    return fitted_toy_tagger()


@pytest.fixture(scope="module")
def shipped():
    return sectortag.load()


def check_result(tagger, result):
    assert set(result.labels) <= set(tagger.classes_)
    assert list(result.scores) == list(tagger.classes_)
    assert all(0.0 <= s <= 1.0 for s in result.scores.values())
    assert [result.scores[name] for name in result.labels] == sorted((result.scores[n] for n in result.labels), reverse=True)


# --------------------------------------------------------------------------
# never crashes; scores in [0, 1]; labels among the classes; deterministic


@SOME
@given(text=TEXTS)
def test_any_text_can_be_tagged(toy, text):
    result = toy.tag(text)
    check_result(toy, result)
    assert toy.tag(text) == result
    assert toy.predict([text]) == [result.labels]
    paragraphs = toy.tag_document(text)
    assert [(p.text, p.start, p.end) for p in paragraphs] == [(p.text, p.start, p.end) for p in split_paragraphs(text)]
    for paragraph in paragraphs:
        check_result(toy, paragraph)
        assert text[paragraph.start : paragraph.end] == paragraph.text


@FEW
@given(text=TEXTS)
def test_any_text_can_be_tagged_by_the_shipped_model(shipped, text):
    result = shipped.tag(text)
    check_result(shipped, result)
    assert shipped.tag(text) == result
    assert all(set(p.labels) <= set(shipped.classes_) for p in shipped.tag_document(text))


@pytest.mark.parametrize("which", ["toy", "shipped"])
def test_a_one_megabyte_text(which, toy, shipped):
    tagger = toy if which == "toy" else shipped
    sentence = "Wheat exports, défense, sicurezza alimentare 🎉 التعاون. "
    text = sentence * (1_000_000 // len(sentence))
    assert len(text) >= 990_000
    check_result(tagger, tagger.tag(text))
    (labels,) = tagger.predict([text])
    assert set(labels) <= set(tagger.classes_)
    document = "\n\n".join([sentence * 40] * (len(text) // (len(sentence) * 40)))
    paragraphs = tagger.tag_document(document)
    assert len(paragraphs) == len(split_paragraphs(document)) > 400
    assert len({tuple(p.labels) for p in paragraphs}) == 1  # identical paragraphs, identical tags


# --------------------------------------------------------------------------
# batches: order and batch size do not change any row


@SOME
@given(texts=BATCHES, seed=st.integers(0, 2**32 - 1), size=st.integers(1, 5))
def test_batch_rows_are_independent_of_order_and_chunking(toy, texts, seed, size):
    whole = toy.predict_proba(texts)
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    shuffled = toy.predict_proba([texts[i] for i in order])
    np.testing.assert_allclose(shuffled, whole[order], rtol=0, atol=1e-12)
    chunked = np.vstack([toy.predict_proba(texts[i : i + size]) for i in range(0, len(texts), size)])
    np.testing.assert_allclose(chunked, whole, rtol=0, atol=1e-12)
    one_by_one = np.vstack([toy.predict_proba([t]) for t in texts])
    np.testing.assert_allclose(one_by_one, whole, rtol=0, atol=1e-12)


@FEW
@given(texts=BATCHES, seed=st.integers(0, 2**32 - 1))
def test_shipped_model_batches_are_independent_of_order(shipped, texts, seed):
    whole = shipped.predict_proba(texts)
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    np.testing.assert_allclose(shipped.predict_proba([texts[i] for i in order]), whole[order], rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.vstack([shipped.predict_proba([t]) for t in texts]), whole, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------
# save and load


@pytest.fixture(scope="module")
def reloaded(tmp_path_factory, toy):
    path = tmp_path_factory.mktemp("reload") / "toy.zip"
    toy.save(path)
    return sectortag.load(path)


@SOME
@given(texts=BATCHES)
def test_save_then_load_gives_identical_scores(toy, reloaded, texts):
    assert np.array_equal(reloaded.predict_proba(texts), toy.predict_proba(texts))
    assert reloaded.predict(texts) == toy.predict(texts)


def test_reloaded_model_keeps_its_settings(toy, reloaded):
    assert reloaded.classes_ == toy.classes_
    assert reloaded.get_params() == toy.get_params()
    assert np.array_equal(reloaded.thresholds_, toy.thresholds_)


# --------------------------------------------------------------------------
# paragraphs


def check_paragraphs(text: str, paragraphs: list[Paragraph]) -> None:
    previous_end = 0
    for p in paragraphs:
        assert text[p.start : p.end] == p.text
        assert p.text and p.text == p.text.strip()
        assert previous_end <= p.start < p.end  # in order, never overlapping
        previous_end = p.end
    # nothing visible is lost: every non-space character is inside a paragraph
    covered = np.zeros(len(text), dtype=bool)
    for p in paragraphs:
        covered[p.start : p.end] = True
    assert all(covered[i] for i, c in enumerate(text) if not c.isspace())


@MANY
@given(text=DOCUMENTS)
def test_paragraph_spans_slice_back_in_order(text):
    paragraphs = split_paragraphs(text)
    check_paragraphs(text, paragraphs)
    for p in paragraphs:  # a paragraph split again is itself
        assert split_paragraphs(p.text) == [Paragraph(p.text, 0, len(p.text))]


@MANY
@given(text=DOCUMENTS, cuts=st.lists(st.integers(0, 400), max_size=8), chunk_size=st.integers(1, 64))
def test_incremental_splitting_equals_splitting_the_whole(text, cuts, chunk_size):
    bounds = sorted({0, len(text), *(c for c in cuts if c <= len(text))})
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    assert list(iter_paragraphs(pieces, chunk_size=chunk_size)) == split_paragraphs(text)


def test_incremental_splitting_of_the_seed_documents():
    from conftest import SEEDS

    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for size in (1, 100, 1000):
            pieces = [text[i : i + 37] for i in range(0, len(text), 37)]
            assert list(iter_paragraphs(pieces, chunk_size=size)) == split_paragraphs(text), (path.name, size)


@pytest.mark.parametrize("split", ["auto", "blank", "line"])
@pytest.mark.parametrize("chunk_size", [1, 2, 31, 32, 64, 1000])
def test_incremental_splitting_never_cuts_inside_a_segment(split, chunk_size):
    # Regression (found by hypothesis): the streaming splitter cut this one segment after its
    # first line, so the hard-wrap check of split="auto" saw one line alone and kept it as a
    # paragraph, while the whole segment is hard-wrapped prose and stays one paragraph.
    text = "The ministers agreed to expand\nThe ministers agreed to expand\nHeading\n"
    assert len(split_paragraphs(text, split=split)) == (3 if split == "line" else 1)
    for pieces in ([text], list(text), [text[:31], text[31:62], text[62:]]):
        assert list(iter_paragraphs(pieces, chunk_size=chunk_size, split=split)) == split_paragraphs(text, split=split)


def test_incremental_splitting_keeps_a_long_wrapped_segment_whole():
    line = "The ministers agreed to expand cooperation in trade and"
    wrapped = "\n".join([line] * 200) + " energy."
    text = "Heading\n\n" + wrapped + "\n\n- a bullet\nNext line\n"
    pieces = [text[i : i + 7] for i in range(0, len(text), 7)]
    streamed = list(iter_paragraphs(pieces, chunk_size=64))
    assert streamed == split_paragraphs(text)
    assert [p.text for p in streamed] == ["Heading", wrapped, "- a bullet", "Next line"]


def test_incremental_splitting_rejects_a_bare_string():
    with pytest.raises(TypeError, match="iterable of str pieces"):
        list(iter_paragraphs("one string"))


# --------------------------------------------------------------------------
# thresholds and explanations


@SOME
@given(texts=BATCHES, t1=st.floats(0, 1), t2=st.floats(0, 1))
def test_lowering_the_threshold_never_removes_a_label(toy, texts, t1, t2):
    high, low = max(t1, t2), min(t1, t2)
    for strict, loose in zip(toy.predict(texts, threshold=high), toy.predict(texts, threshold=low)):
        assert set(strict) <= set(loose)
    assert all(set(labels) == set(toy.classes_) for labels in toy.predict(texts, threshold=0.0))


@SOME
@given(text=TEXTS, top=st.one_of(st.none(), st.integers(0, 6)))
def test_explanation_adds_up_to_the_decision_score(toy, text, top):
    explanations = toy.explain(text, top=top)
    decision = toy.decision_function([text])[0]
    probability = toy.predict_proba([text])[0]
    assert list(explanations) == list(toy.classes_)
    for j, (label, e) in enumerate(explanations.items()):
        total = e.intercept + sum(item.weight for item in e.evidence) + e.other_weight
        assert total == pytest.approx(decision[j], abs=1e-9)
        assert e.score == pytest.approx(decision[j], abs=1e-12)
        assert e.probability == pytest.approx(probability[j], abs=1e-12)
        if top is not None:
            assert len(e.evidence) <= top
        else:
            assert e.other_weight == 0.0
        for item in e.evidence:
            assert text[item.start : item.end] == item.text


@FEW
@given(text=TEXTS)
def test_shipped_explanation_adds_up(shipped, text):
    decision = shipped.decision_function([text])[0]
    for j, e in enumerate(shipped.explain(text, top=3).values()):
        assert e.intercept + sum(i.weight for i in e.evidence) + e.other_weight == pytest.approx(decision[j], abs=1e-9)
