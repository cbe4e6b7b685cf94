"""Model files: round trips, the model card, damaged files, no pickle, no scikit-learn."""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pytest

import sectortag
from sectortag import SECTORS, ModelFileError, NotFittedError, SectorTagger
from sectortag._model.modelio import FORMAT, FORMAT_VERSION, read_meta, shipped_model_path
from sectortag._model.tagger import training_data_hash

from conftest import REPO, toy_corpus

TEXTS, LABELS = toy_corpus()
SHIPPED = shipped_model_path()
PROBE = TEXTS + ["", "Leave a comment", "La sécurité alimentaire et l'agriculture."]


def _rewrite(source, target, change):
    """Copy the zip ``source`` to ``target``, passing each member through ``change(name, data)``;
    a member for which it returns None is left out."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in original.infolist():
            data = change(info.filename, original.read(info.filename))
            if data is not None:
                out.writestr(info.filename, data)
    return target


def _edit_meta(**changes):
    def change(name, data):
        if name != "meta.json":
            return data
        meta = json.loads(data)
        for key, value in changes.items():
            if value is None:
                meta.pop(key, None)
            else:
                meta[key] = value
        return json.dumps(meta).encode()

    return change


# ----------------------------------------------------------------------
# round trip


def test_round_trip_gives_identical_scores_params_and_thresholds(toy_tagger, toy_model_path):
    loaded = sectortag.load(toy_model_path)
    assert type(loaded) is SectorTagger
    np.testing.assert_array_equal(loaded.predict_proba(PROBE), toy_tagger.predict_proba(PROBE))
    np.testing.assert_array_equal(loaded.decision_function(PROBE), toy_tagger.decision_function(PROBE))
    assert loaded.predict(PROBE) == toy_tagger.predict(PROBE)
    assert loaded.get_params() == toy_tagger.get_params()
    np.testing.assert_array_equal(loaded.thresholds_, toy_tagger.thresholds_)
    assert loaded.threshold_sources_ == toy_tagger.threshold_sources_
    assert loaded.classes_ == toy_tagger.classes_
    assert loaded.multilabel_ is True
    assert loaded.feature_settings_ == toy_tagger.feature_settings_
    assert loaded.training_info_ == toy_tagger.training_info_
    assert loaded.model_path_ == str(toy_model_path)
    text = TEXTS[-6]
    assert loaded.explain(text) == toy_tagger.explain(text)
    assert loaded.tag_document("\n\n".join(TEXTS[:5])) == toy_tagger.tag_document("\n\n".join(TEXTS[:5]))


def test_round_trip_of_a_single_label_tagger(single_label_tagger, tmp_path):
    path = tmp_path / "single.zip"
    single_label_tagger.save(path)
    loaded = sectortag.load(path)
    assert loaded.multilabel_ is False
    assert np.isnan(loaded.thresholds_).all()
    np.testing.assert_array_equal(loaded.predict_proba(PROBE), single_label_tagger.predict_proba(PROBE))
    assert all(len(names) == 1 for names in loaded.predict(PROBE))
    assert read_meta(path)["thresholds"] == {name: None for name in SECTORS}


def test_reloaded_model_saves_and_loads_again(toy_tagger, toy_model_path, tmp_path):
    again = tmp_path / "again.zip"
    sectortag.load(toy_model_path).save(again)
    np.testing.assert_array_equal(sectortag.load(again).predict_proba(PROBE), toy_tagger.predict_proba(PROBE))


def test_save_accepts_str_and_overwrites_atomically(toy_tagger, tmp_path):
    path = tmp_path / "model.zip"
    path.write_bytes(b"an old file")
    toy_tagger.save(str(path))
    assert zipfile.is_zipfile(path)
    assert [p.name for p in tmp_path.iterdir()] == ["model.zip"]  # no temporary file left behind


def test_save_into_a_missing_folder_names_it(toy_tagger, tmp_path):
    target = tmp_path / "missing" / "model.zip"
    with pytest.raises(ModelFileError, match=re.escape(f"{target}: folder {target.parent} does not exist; create it first")):
        toy_tagger.save(target)


def test_save_unfitted_tagger(tmp_path):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        SectorTagger().save(tmp_path / "model.zip")


# ----------------------------------------------------------------------
# what a model file records


def test_meta_records_what_made_the_model(toy_tagger, toy_model_path):
    meta = read_meta(toy_model_path)
    assert meta["format"] == FORMAT == "sectortag-model"
    assert meta["format_version"] == FORMAT_VERSION == 1
    assert meta["sectortag_version"] == sectortag.__version__
    assert meta["labels"] == list(SECTORS)
    assert meta["multilabel"] is True
    assert list(meta["thresholds"]) == list(SECTORS)
    np.testing.assert_array_equal(list(meta["thresholds"].values()), toy_tagger.thresholds_)
    assert meta["threshold_sources"] == dict(zip(SECTORS, toy_tagger.threshold_sources_))
    assert meta["features"] == {"word_ngram_range": [1, 2], "word_prefix": 5, "char_ngram_range": None, "fold_accents": True, "lexicon": True, "concepts": True}
    assert meta["n_features"] == len(toy_tagger.vocabulary_) > 100
    assert meta["params"]["threshold_folds"] == 3 and meta["params"]["word_ngram_range"] == [1, 2]
    training = meta["training"]
    assert training["n_examples"] == len(TEXTS)
    assert training["data_sha256"] == training_data_hash(TEXTS, LABELS)
    assert re.fullmatch(r"[0-9a-f]{64}", training["data_sha256"])
    assert training["label_counts"] == {name: sum(name in row for row in LABELS) for name in SECTORS}
    metrics = training["cv"]["metrics"]
    assert training["cv"]["folds"] == 3 and training["cv"]["grouped"] is False
    assert 0 < metrics["micro"]["f1"] <= 1 and 0 < metrics["macro"]["f1"] <= 1
    assert set(metrics["labels"]) == set(SECTORS)
    import scipy
    import sklearn

    assert meta["versions"] == {
        "python": ".".join(map(str, sys.version_info[:3])),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit_learn": sklearn.__version__,
    }
    created = datetime.datetime.fromisoformat(meta["created"])
    assert created.tzinfo is not None
    assert abs(datetime.datetime.now(datetime.timezone.utc) - created) < datetime.timedelta(days=1)


def test_data_hash_tells_training_sets_apart():
    assert training_data_hash(TEXTS, LABELS) == training_data_hash(list(TEXTS), [list(r) for r in LABELS])
    assert training_data_hash(TEXTS, LABELS) != training_data_hash(TEXTS[::-1], LABELS[::-1])
    assert training_data_hash(["a b"], [["trade", "politics"]]) != training_data_hash(["a b"], [["politics", "trade"]])
    assert training_data_hash(["a", "b"], [[], []]) != training_data_hash(["a\nb"], [[]])


def test_model_file_holds_only_json_and_plain_arrays(toy_model_path):
    for path in (toy_model_path, SHIPPED):
        with zipfile.ZipFile(path) as archive:
            names = sorted(archive.namelist())
            required = ["coef.npy", "idf.npy", "intercept.npy", "meta.json", "thresholds.npy", "vocabulary.npy"]
            assert names in (required, sorted(required + ["train_hashes.npy"]))
            for name in names:
                data = archive.read(name)
                if name.endswith(".npy"):
                    array = np.load(io.BytesIO(data), allow_pickle=False)
                    assert array.dtype != object
                else:
                    json.loads(data.decode("utf-8"))


# ----------------------------------------------------------------------
# damaged, foreign and newer files


def test_missing_file(tmp_path):
    path = tmp_path / "nope.zip"
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: no such model file; check the path")):
        sectortag.load(path)


def test_directory(tmp_path):
    with pytest.raises(ModelFileError, match=re.escape(f"{tmp_path}: is a directory; pass the model file itself")):
        sectortag.load(tmp_path)


def test_not_a_zip_file(tmp_path):
    path = tmp_path / "model.zip"
    path.write_text("name,labels\n", encoding="utf-8")
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: not a sectortag model (not a zip archive, or truncated)")):
        sectortag.load(path)


def test_empty_file(tmp_path):
    path = tmp_path / "model.zip"
    path.write_bytes(b"")
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: not a sectortag model")):
        sectortag.load(path)


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_truncated_zip(toy_model_path, tmp_path, keep):
    data = toy_model_path.read_bytes()
    path = tmp_path / "model.zip"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: not a sectortag model (not a zip archive, or truncated); re-download or retrain it")):
        sectortag.load(path)


def test_corrupted_array_member(toy_model_path, tmp_path):
    path = _rewrite(toy_model_path, tmp_path / "model.zip", lambda name, data: data[: len(data) // 2] if name == "coef.npy" else data)
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: model file is damaged (coef.npy declares ") + ".*re-download or retrain it"):
        sectortag.load(path)


def test_flipped_byte_inside_an_array_member(toy_model_path, tmp_path):
    data = bytearray(toy_model_path.read_bytes())
    with zipfile.ZipFile(toy_model_path) as archive:
        info = archive.getinfo("coef.npy")
    # local header (30 bytes + name + extra), then the compressed bytes
    data[info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2] ^= 0xFF
    path = tmp_path / "model.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: model file is damaged (coef.npy: ")):
        sectortag.load(path)


def test_array_member_that_is_not_an_array(toy_model_path, tmp_path):
    path = _rewrite(toy_model_path, tmp_path / "model.zip", lambda name, data: b"\x80\x04K\x01." if name == "idf.npy" else data)
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: model file is damaged (idf.npy is not a .npy array); re-download or retrain it")):
        sectortag.load(path)


def test_array_member_of_the_wrong_dtype(toy_model_path, tmp_path):
    def change(name, data):
        if name != "coef.npy":
            return data
        buffer = io.BytesIO()
        np.save(buffer, np.load(io.BytesIO(data)).astype(np.float64))
        return buffer.getvalue()

    path = _rewrite(toy_model_path, tmp_path / "model.zip", change)
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: model file is damaged (coef.npy has dtype float64, expected float32)")):
        sectortag.load(path)


def test_missing_array_member(toy_model_path, tmp_path):
    path = _rewrite(toy_model_path, tmp_path / "model.zip", lambda name, data: None if name == "thresholds.npy" else data)
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: model file is incomplete (thresholds.npy missing)")):
        sectortag.load(path)


def test_zip_without_meta_json(toy_model_path, tmp_path):
    path = _rewrite(toy_model_path, tmp_path / "model.zip", lambda name, data: None if name == "meta.json" else data)
    for read in (sectortag.load, read_meta):
        with pytest.raises(ModelFileError, match=re.escape(f"{path}: not a sectortag model (no meta.json inside)")):
            read(path)


def test_meta_json_that_is_not_json(toy_model_path, tmp_path):
    path = _rewrite(toy_model_path, tmp_path / "model.zip", lambda name, data: data[:20] if name == "meta.json" else data)
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: model file is damaged (")):
        sectortag.load(path)


def test_foreign_format(toy_model_path, tmp_path):
    path = _rewrite(toy_model_path, tmp_path / "model.zip", _edit_meta(format="skops"))
    for read in (sectortag.load, read_meta):
        with pytest.raises(ModelFileError, match=re.escape(f"{path}: not a sectortag model (meta.json has no format 'sectortag-model')")):
            read(path)


def test_newer_format_version(toy_model_path, tmp_path):
    path = _rewrite(toy_model_path, tmp_path / "model.zip", _edit_meta(format_version=FORMAT_VERSION + 1))
    message = (
        f"{path}: written by a newer sectortag (model format {FORMAT_VERSION + 1}, this sectortag "
        f"{sectortag.__version__} reads up to {FORMAT_VERSION}); upgrade sectortag"
    )
    for read in (sectortag.load, read_meta):
        with pytest.raises(ModelFileError, match=re.escape(message)):
            read(path)


@pytest.mark.parametrize("key", ["params", "multilabel", "threshold_sources", "training", "features"])
def test_meta_json_missing_a_key(toy_model_path, tmp_path, key):
    path = _rewrite(toy_model_path, tmp_path / "model.zip", _edit_meta(**{key: None}))
    for read in (sectortag.load, read_meta):
        with pytest.raises(ModelFileError, match=re.escape(f"{path}: model file is damaged (meta.json: no key '{key}'); re-download")):
            read(path)


def test_meta_json_labels_disagreeing_with_the_thresholds(toy_model_path, tmp_path):
    path = _rewrite(toy_model_path, tmp_path / "model.zip", _edit_meta(labels=["trade", "politics"]))
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: model file is damaged (meta.json: thresholds must name the labels ['trade', 'politics'] in order")):
        sectortag.load(path)


def test_meta_json_disagreeing_with_the_arrays(toy_model_path, tmp_path):
    n_features = read_meta(toy_model_path)["n_features"]
    path = _rewrite(toy_model_path, tmp_path / "model.zip", _edit_meta(n_features=n_features + 1))
    with pytest.raises(ModelFileError, match=re.escape(f"{path}: model file is damaged (vocabulary has shape ({n_features},), expected ({n_features + 1},))")):
        sectortag.load(path)


# ----------------------------------------------------------------------
# the shipped model


def test_shipped_model_loads_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tagger = sectortag.load()
        result = tagger.tag("Kazakhstan and Morocco agreed to expand wheat exports and trade turnover.")
    assert tagger.classes_ == list(SECTORS)
    assert tagger.model_path_ == str(SHIPPED)
    assert set(result.labels) <= set(SECTORS) and list(result.scores) == list(SECTORS)
    meta = read_meta(SHIPPED)
    assert meta["format_version"] <= FORMAT_VERSION
    assert meta["training"]["n_examples"] > 0


def test_loading_and_tagging_never_imports_scikit_learn():
    code = (
        "import sys, sectortag\n"
        "tagger = sectortag.load()\n"
        "print(tagger.tag('Both ministers discussed trade and food security.').labels)\n"
        "tagger.explain('Both ministers discussed trade.')\n"
        "tagger.tag_document('Trade.\\n\\nWheat.')\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'nltk'))\n"
        "assert 'sklearn' not in sys.modules, heavy\n"
        "assert 'nltk' not in sys.modules, heavy\n"
        "print('no sklearn, no nltk')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO.parent,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "no sklearn, no nltk", done.stdout


def test_tagging_never_imports_scipy():
    """scipy.sparse costs ~0.2 s of start-up; the tagging path computes scores with numpy alone."""
    code = (
        "import sys, sectortag\n"
        "tagger = sectortag.load()\n"
        "tagger.tag('Both ministers discussed trade and food security.')\n"
        "tagger.predict(['Wheat.', 'Defence.'])\n"
        "tagger.tag_document('Trade.\\n\\nWheat.')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO.parent,
        env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]", f"Want: no scipy module imported. Is: {done.stdout}"


def test_tagging_never_imports_pandas_pyarrow_or_dask(tmp_path):
    """The dask extra is optional: text, JSON Lines and CSV are tagged without importing any of it."""
    (tmp_path / "in.csv").write_text("id,text\n1,Wheat exports rose.\n", encoding="utf-8")
    (tmp_path / "in.jsonl").write_text('{"text": "Trade."}\n', encoding="utf-8")
    code = (
        "import sys, sectortag\n"
        "from sectortag._cli import main\n"
        "tagger = sectortag.load()\n"
        "tagger.tag('Both ministers discussed trade.'); tagger.predict(['Wheat.']); tagger.tag_document('Trade.\\n\\nWheat.')\n"
        "for args in (['Wheat exports.'], ['--file', 'in.csv'], ['--file', 'in.jsonl'], ['--file', 'in.csv', '--out', 'o.csv']):\n"
        "    assert main(['tag', '--no-progress', *args]) == 0\n"
        "heavy = ('pandas', 'pyarrow', 'dask', 'distributed')\n"
        "sys.stderr.write(repr(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "[]", f"Want: none of pandas, pyarrow, dask imported. Is: {done.stderr}"
