"""Output writers: the fast JSON Lines text is exactly json.dumps of the row dicts."""

import csv
import datetime
import io
import json

import numpy as np

from sectortag._io.writers import CsvWriter, JsonlWriter, TaggedBatch, _score_texts, json_default


def _batch(probabilities, evidence=None, fields=None) -> TaggedBatch:
    n = len(probabilities)
    heads = [
        {"source": "a \"quoted\" name\u2028", "paragraph": i + 1, "line": i + 3, "id": [None, "x", 7, 1.5][i % 4], "start": 0, "end": 5}
        if i % 2 else {"source": "plain", "paragraph": i + 1, "start": i, "end": i + 5}
        for i in range(n)
    ]
    texts = [f"text {i} \u00e9\U0001f389 \"q\" \\ \n\t\u2028" for i in range(n)]
    labels = [["b", "a"] if i % 3 == 0 else [] for i in range(n)]
    return TaggedBatch(heads, texts, labels, probabilities, ["a", "b", "c\u00e9"], evidence, fields)


def test_scores_are_repr_of_round_to_four_decimals():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.random(30000), np.arange(0, 10001) / 10000, np.arange(0, 20001) / 20000,
                             [0.0, 1.0, 0.00005, 0.99995, 0.12345, 5e-5 - 1e-17, 1 - 1e-17]])
    probabilities = values.reshape(-1, 1)
    assert _score_texts(probabilities, ["p"]) == [f'"p": {round(v, 4)!r}' for v in values.tolist()]


def test_jsonl_text_is_json_dumps_of_each_row():
    probabilities = np.random.default_rng(1).random((8, 3))
    probabilities[0] = [0.0, 1.0, 0.00005]
    # passed-through record fields (some empty), a clashing name renamed by the reader, a Parquet date
    fields = [{"input_source": "x", "n": i, "when": datetime.date(2020, 1, i + 1), "tags": ["\u00e9"]} if i % 3 else {}
              for i in range(8)]
    for evidence in (None, [{"b": [{"text": "t", "start": 0, "end": 1, "weight": 0.5}]} for _ in range(8)]):
        for extra in (None, fields):
            batch = _batch(probabilities, evidence, extra)
            expected = "".join(json.dumps(row, ensure_ascii=False, default=json_default) + "\n" for row in batch.rows())
            assert JsonlWriter(None, True, evidence is not None).format(batch) == expected


def test_csv_scores_round_like_the_row_dicts():
    probabilities = np.array([[0.00005, 0.99995, 0.123449999]])
    out = io.StringIO()
    writer = CsvWriter(out, False, False, ["a", "b", "c\u00e9"])
    writer.write(_batch(probabilities, fields=[{"n": 1}]))
    writer.close()
    header, row = csv.reader(io.StringIO(out.getvalue(), newline=""))
    assert header == ["source", "paragraph", "start", "end", "labels", "score_a", "score_b", "score_c\u00e9", "text", "n"]
    assert row[5:8] == ["0.0001", "1.0000", "0.1234"] and row[-1] == "1"
