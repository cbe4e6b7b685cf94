"""sectortag.tag_frame: the input's index, columns and rows kept; labels and scores added."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sectortag

pd = pytest.importorskip("pandas")

TEXTS = [
    "Bilateral trade turnover rose and investment in energy projects doubled.",
    "The two countries will cooperate against terrorism and organised crime.",
    "Thank you.",
    "Religious leaders met for an interfaith dialogue.",
]


@pytest.fixture
def frame():
    return pd.DataFrame(
        {"doc": ["d1", "d2", "d3", "d4"], "text": TEXTS, "year": [2001, 2002, 2003, 2004]},
        index=pd.Index([10, 10, 7, 3], name="row"),
    )


def test_tag_frame_keeps_the_input_and_adds_labels_and_scores(frame, toy_tagger):
    tagged = sectortag.tag_frame(frame, model=toy_tagger)
    scores = [f"score_{label}" for label in toy_tagger.classes_]
    assert list(tagged.columns) == ["doc", "text", "year", "labels", *scores]
    assert tagged.index.equals(frame.index)
    pd.testing.assert_frame_equal(tagged[frame.columns], frame)
    assert tagged["labels"].tolist() == toy_tagger.predict(TEXTS)
    np.testing.assert_array_equal(tagged[scores].to_numpy(), toy_tagger.predict_proba(TEXTS))
    assert list(frame.columns) == ["doc", "text", "year"], "the input frame is not changed"


def test_tag_frame_threshold_scores_and_text_column(frame, toy_tagger):
    frame = frame.rename(columns={"text": "body"})
    tagged = sectortag.tag_frame(frame, text="body", model=toy_tagger, threshold=0.0, scores=False)
    assert list(tagged.columns) == ["doc", "body", "year", "labels"]
    assert all(len(names) == len(toy_tagger.classes_) for names in tagged["labels"])


def test_tag_frame_from_a_model_path_loads_it_once(frame, toy_model_path, toy_tagger):
    from sectortag._io.frames import tagger_for

    first = sectortag.tag_frame(frame, model=str(toy_model_path))
    assert tagger_for(str(toy_model_path)) is tagger_for(toy_model_path)
    assert first["labels"].tolist() == toy_tagger.predict(TEXTS)


def test_missing_texts_get_no_labels_and_nan_scores(toy_tagger):
    frame = pd.DataFrame({"text": [TEXTS[0], None, float("nan"), ""]})
    tagged = sectortag.tag_frame(frame, model=toy_tagger)
    assert len(tagged) == 4
    assert tagged["labels"].tolist()[1:3] == [[], []]
    assert tagged.iloc[1:3, 2:].isna().all().all()
    assert tagged["labels"].tolist()[0] == toy_tagger.predict([TEXTS[0]])[0]


def test_split_gives_one_row_per_paragraph_with_spans(toy_tagger):
    documents = ["Trade rose.\n\nTerrorism was condemned.", "", "One paragraph only."]
    frame = pd.DataFrame({"text": documents, "id": ["a", "b", "c"]}, index=[5, 6, 7])
    tagged = sectortag.tag_frame(frame, model=toy_tagger, split=True)
    assert tagged.index.tolist() == [5, 5, 6, 7]
    assert tagged["id"].tolist() == ["a", "a", "b", "c"]
    assert tagged["text"].tolist() == ["Trade rose.", "Terrorism was condemned.", "", "One paragraph only."]
    assert tagged["paragraph"].tolist()[:2] == [1, 2] and tagged["paragraph"].isna().tolist() == [False, False, True, False]
    for (_, row), document in zip(tagged.iterrows(), ["Trade rose.\n\nTerrorism was condemned."] * 2 + [None, documents[2]]):
        if document is not None:
            assert document[row["start"]:row["end"]] == row["text"]
    expected = [p.labels for p in toy_tagger.tag_document(documents[0])]
    assert tagged["labels"].tolist()[:2] == expected
    assert list(tagged.columns)[:5] == ["text", "id", "paragraph", "start", "end"]


def test_errors_name_the_problem(frame, toy_tagger):
    with pytest.raises(KeyError, match="no column 'body' in the frame .*pass text='COLUMN'"):
        sectortag.tag_frame(frame, text="body", model=toy_tagger)
    with pytest.raises(TypeError, match="tag_frame expects a pandas DataFrame, got list"):
        sectortag.tag_frame(TEXTS, model=toy_tagger)
    with pytest.raises(ValueError, match="already has a column 'labels'"):
        sectortag.tag_frame(frame.assign(labels=1), model=toy_tagger)
    with pytest.raises(TypeError, match="column 'year' holds int in row 0"):
        sectortag.tag_frame(frame, text="year", model=toy_tagger)
    with pytest.raises(ValueError, match="threshold must be between 0 and 1"):
        sectortag.tag_frame(frame, model=toy_tagger, threshold=2)
    with pytest.raises(sectortag.NotFittedError):
        sectortag.tag_frame(frame, model=sectortag.SectorTagger())


def test_shipped_model_by_default():
    tagged = sectortag.tag_frame(pd.DataFrame({"text": ["Wheat exports rose."]}))
    assert "food_security" in tagged["labels"][0]
    assert not math.isnan(tagged["score_trade"][0])
