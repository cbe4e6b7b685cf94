"""Model files from strangers: crafted files give one ModelFileError line, within bounded time and memory.

Each case of issue 9's first section has a test asserting the message a user
reads; a hypothesis fuzz test then mutates a valid model file (bytes, JSON
values, .npy headers, zip entries) and asserts that loading either fails
with one ``ModelFileError`` line or gives a model that tags, never another
exception, with the process's address space capped while it runs.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import resource
import struct
import time
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sectortag
from sectortag import ModelFileError
from sectortag._model import schema
from sectortag._model.modelio import MAX_JSON_DEPTH, MAX_META_BYTES, read_meta, read_model

from conftest import error_of


# --------------------------------------------------------------------------
# building crafted files


def members_of(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_bytes(members, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of ``members`` (a dict, or a list of (name, data) pairs to allow repeats)."""
    buffer = io.BytesIO()
    items = members.items() if isinstance(members, dict) else members
    with warnings_off(), zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in items:
            archive.writestr(name, data)
    return buffer.getvalue()


@contextlib.contextmanager
def warnings_off():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        yield


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def npy_with_header(header: str, data: bytes = b"") -> bytes:
    """A version 1.0 .npy member with any header text (padded as numpy pads it)."""
    text = header + " " * (-(len(header) + 11) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin-1") + data


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` (a zip) with the uncompressed size of ``name`` rewritten in its local and central headers."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := out.find(signature, start)) >= 0:
            if out[start + name_offset : start + name_offset + len(encoded)] == encoded:
                out[start + size_offset : start + size_offset + 4] = struct.pack("<I", size)
            start += 4
    return bytes(out)


def with_meta(members: dict, change) -> dict:
    meta = json.loads(members["meta.json"])
    change(meta)
    return dict(members, **{"meta.json": json.dumps(meta).encode()})


@pytest.fixture(scope="module")
def valid(toy_model_path) -> dict[str, bytes]:
    return members_of(toy_model_path)


def load_bytes(tmp_path, data: bytes, name: str = "model.zip"):
    path = tmp_path / name
    path.write_bytes(data)
    return path, sectortag.load(path)


def refused(tmp_path, data: bytes, *fragments: str, read=sectortag.load) -> str:
    path = tmp_path / "model.zip"
    path.write_bytes(data)
    with pytest.raises(ModelFileError) as caught:
        read(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: "), message
    for fragment in fragments:
        assert fragment in message, f"Want: {fragment!r} in the message. Is: {message}"
    return message


# --------------------------------------------------------------------------
# .npy members


def test_header_claiming_1e11_elements(tmp_path, valid):
    n = json.loads(valid["meta.json"])["n_features"]
    header = f"{{'descr': '<f4', 'fortran_order': False, 'shape': (7, {10**11 // 7}), }}"
    message = refused(tmp_path, zip_bytes(dict(valid, **{"coef.npy": npy_with_header(header)})), "coef has shape (7, 14285714285)")
    assert f"expected (7, {n})" in message and message.endswith("re-download or retrain it")


def test_meta_and_header_both_claiming_a_huge_vocabulary(tmp_path, valid):
    header = "{'descr': '<u8', 'fortran_order': False, 'shape': (100000000000,), }"
    crafted = with_meta(dict(valid, **{"vocabulary.npy": npy_with_header(header)}), lambda m: m.update(n_features=10**11))
    refused(tmp_path, zip_bytes(crafted), "meta.json: n_features must be an integer from 0 to 4194304, got 100000000000")


def test_npz_bytes_inside_an_npy_member(tmp_path, valid):
    buffer = io.BytesIO()
    np.savez(buffer, idf=np.ones(3, dtype=np.float32))
    refused(tmp_path, zip_bytes(dict(valid, **{"idf.npy": buffer.getvalue()})), "(idf.npy is not a .npy array); re-download or retrain it")


@pytest.mark.parametrize(
    "descr, fragment",
    [("|O", "coef.npy has dtype object, expected float32"), (">f4", "coef.npy has dtype >f4, expected float32"),
     ("<f8", "coef.npy has dtype float64, expected float32"), ("zz", "coef.npy has dtype 'zz', expected float32")],
)
def test_npy_dtype_must_be_exact(tmp_path, valid, descr, fragment):
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': (7, 3), }}"
    refused(tmp_path, zip_bytes(dict(valid, **{"coef.npy": npy_with_header(header, b"\0" * 200)})), fragment)


def test_pickled_object_array_is_never_unpickled(tmp_path, valid):
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    refused(tmp_path, zip_bytes(dict(valid, **{"intercept.npy": buffer.getvalue()})), "intercept.npy has dtype object, expected float64")


def test_npy_header_that_is_code(tmp_path, valid):
    header = "{'descr': __import__('os').system('echo owned'), 'fortran_order': False, 'shape': (7,), }"
    refused(tmp_path, zip_bytes(dict(valid, **{"intercept.npy": npy_with_header(header)})), "intercept.npy has an unreadable header")


def test_npy_header_too_long(tmp_path, valid):
    data = b"\x93NUMPY\x02\x00" + struct.pack("<I", 10**9)
    refused(tmp_path, zip_bytes(dict(valid, **{"idf.npy": data})), "idf.npy has a 1,000,000,000-byte header, at most 4096 are allowed")


@pytest.mark.parametrize("name, value", [("coef", np.nan), ("idf", np.inf), ("intercept", -np.inf)])
def test_non_finite_arrays_are_refused(tmp_path, valid, name, value):
    array = np.load(io.BytesIO(valid[f"{name}.npy"]))
    array.flat[0] = value
    refused(tmp_path, zip_bytes(dict(valid, **{f"{name}.npy": npy(array)})), f"({name} holds NaN or infinite values)")


def test_thresholds_outside_0_1_or_nan_in_a_multilabel_model(tmp_path, valid):
    thresholds = np.load(io.BytesIO(valid["thresholds.npy"]))
    for value, fragment in ((1.5, "thresholds holds 1.5, thresholds must be between 0 and 1"),
                            (np.nan, "thresholds holds NaN in a multi-label model")):
        changed = thresholds.copy()
        changed[0] = value
        refused(tmp_path, zip_bytes(dict(valid, **{"thresholds.npy": npy(changed)})), fragment)


# --------------------------------------------------------------------------
# zip members


def test_member_declaring_gigabytes_is_refused_before_reading(tmp_path, valid):
    crafted = declare_size(zip_bytes(valid), "coef.npy", 0xF0000000)
    start = time.perf_counter()
    refused(tmp_path, crafted, "coef.npy declares 4,026,531,840 bytes, more than the 536,875,020 an array may have")
    assert time.perf_counter() - start < 2


def test_meta_json_that_inflates_past_its_limit(tmp_path, valid):
    bomb = b"{" + b" " * (MAX_META_BYTES + 10) + b"}"  # ~4 MiB of spaces deflate to ~4 KiB
    crafted = zip_bytes(dict(valid, **{"meta.json": bomb}))
    assert len(crafted) < 100_000
    for read in (sectortag.load, read_meta):
        refused(tmp_path, crafted, f"meta.json declares {len(bomb):,} bytes, more than the {MAX_META_BYTES:,} it may have", read=read)


def test_member_inflating_more_than_it_declares(tmp_path, valid):
    """The reader stops at the declared size, and the check sum of what it read then fails."""
    crafted = declare_size(zip_bytes(valid), "coef.npy", 1000)
    refused(tmp_path, crafted, "model file is damaged (coef.npy: Bad CRC-32 for file 'coef.npy'); re-download or retrain it")


def test_member_shorter_than_it_declares(tmp_path, valid):
    size = len(valid["idf.npy"])
    crafted = declare_size(zip_bytes(valid), "idf.npy", size + 4)
    refused(tmp_path, crafted, f"idf.npy declares {size + 4:,} bytes, its header says {size:,}")


@pytest.mark.parametrize(
    "members, fragment",
    [
        (lambda v: list(v.items()) + [("coef.npy", v["coef.npy"])], "member 'coef.npy' appears twice"),
        (lambda v: dict(v, **{"evil.pkl": b"x"}), "model file has an unknown member 'evil.pkl' (written by a newer sectortag? upgrade"),
        (lambda v: dict(v, **{f"x{i}": b"" for i in range(40)}), "(47 members, a model file has at most 32)"),
    ],
    ids=["duplicate", "unknown", "too many"],
)
def test_zip_entries(tmp_path, valid, members, fragment):
    refused(tmp_path, zip_bytes(members(valid)), fragment)


def test_bzip2_members_are_refused(tmp_path, valid):
    refused(tmp_path, zip_bytes(valid, zipfile.ZIP_BZIP2), "meta.json uses compression method 12, not deflate")


def test_stored_members_load(tmp_path, valid, toy_tagger):
    _, tagger = load_bytes(tmp_path, zip_bytes(valid, zipfile.ZIP_STORED))
    assert tagger.predict(["Wheat and food security."]) == toy_tagger.predict(["Wheat and food security."])


# --------------------------------------------------------------------------
# meta.json


def meta_text_with(valid, old: str, new: str) -> bytes:
    text = valid["meta.json"].decode()
    assert old in text
    return zip_bytes(dict(valid, **{"meta.json": text.replace(old, new, 1).encode()}))


def test_meta_json_with_a_5000_digit_number(tmp_path, valid):
    crafted = meta_text_with(valid, '"n_examples": ', '"n_examples": ' + "9" * 5000 + ", \"x\": ")
    for read in (sectortag.load, read_meta):
        refused(tmp_path, crafted, "(meta.json: an integer of 5000 digits, at most 19 are allowed)", read=read)


def test_meta_json_nested_100k_deep(tmp_path, valid):
    deep = "[" * 100_000 + "]" * 100_000
    crafted = meta_text_with(valid, '"training": {', '"training": {"deep": ' + deep + ",")
    for read in (sectortag.load, read_meta):
        refused(tmp_path, crafted, f"(meta.json nests deeper than {MAX_JSON_DEPTH} levels)", read=read)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_meta_json_non_finite_constants(tmp_path, valid, token):
    crafted = meta_text_with(valid, '"C": ', f'"C": {token}, "x": ')
    refused(tmp_path, crafted, f"(meta.json: {token} is not allowed (numbers must be finite))")


def test_meta_json_float_overflowing_to_infinity(tmp_path, valid):
    crafted = meta_text_with(valid, '"C": ', '"C": 1e999, "x": ')
    refused(tmp_path, crafted, "(meta.json: the number 1e999 is out of range)")


def test_meta_json_not_utf8(tmp_path, valid):
    crafted = zip_bytes(dict(valid, **{"meta.json": b'{"format": "\xff"}'}))
    refused(tmp_path, crafted, "(meta.json is not UTF-8 (invalid start byte at byte 12))")


META_CASES = {
    "labels not a list": (lambda m: m.update(labels=7), "meta.json: labels must be a list of 1 to 1000 items, got 7"),
    "no labels": (lambda m: m.update(labels=[]), "meta.json: labels must be a list of 1 to 1000 items, got []"),
    "repeated label": (lambda m: m["labels"].__setitem__(1, m["labels"][0]), "meta.json: labels must be a list without repeats, got 'politics'"),
    "label not a string": (lambda m: m["labels"].__setitem__(0, 3), "meta.json: labels[0] must be a non-empty string of at most 200 characters, got 3"),
    "word n-grams from 0": (lambda m: m["features"].update(word_ngram_range=[0, 2]),
                            "meta.json: features.word_ngram_range must be null or [min, max] with 1 <= min <= max <= 10, got [0, 2]"),
    "word prefix five": (lambda m: m["features"].update(word_prefix="five"), "meta.json: features.word_prefix must be an integer from 2 to 50, got 'five'"),
    "word prefix 1e308": (lambda m: m["features"].update(word_prefix=1e308), "meta.json: features.word_prefix must be an integer from 2 to 50, got 1e+308"),
    "char n-grams to 100000": (lambda m: m["features"].update(char_ngram_range=[1, 100000]),
                               "meta.json: features.char_ngram_range must be null or [min, max] with 1 <= min <= max <= 10, got [1, 100000]"),
    "fold_accents a string": (lambda m: m["features"].update(fold_accents="yes"), "meta.json: features.fold_accents must be true or false, got 'yes'"),
    "no features at all": (lambda m: m["features"].update(word_ngram_range=None, word_prefix=None), "meta.json: features give no feature at all"),
    "unknown feature setting": (lambda m: m["features"].update(telepathy=True),
                                "meta.json has an unknown key features.telepathy (written by a newer sectortag? upgrade sectortag)"),
    "threshold above 1": (lambda m: m["thresholds"].update(trade=2), "meta.json: thresholds.trade must be a finite number from 0.0 to 1.0, got 2"),
    "threshold null in multi-label": (lambda m: m["thresholds"].update(trade=None), "meta.json: thresholds must all be numbers in a multi-label model"),
    "multilabel a number": (lambda m: m.update(multilabel=1), "meta.json: multilabel must be true or false, got 1"),
    "n_features negative": (lambda m: m.update(n_features=-1), "meta.json: n_features must be an integer from 0 to 4194304, got -1"),
    "cv folds a string": (lambda m: m["training"]["cv"].update(folds="5"), "meta.json: training.cv.folds must be an integer from 2 to 10000, got '5'"),
    "cv f1 a string": (lambda m: m["training"]["cv"]["metrics"]["micro"].update(f1="high"),
                       "meta.json: training.cv.metrics.micro.f1 must be a finite number, got 'high'"),
    "param a dict": (lambda m: m["params"].update(C={"a": 1}), "meta.json: params.C must be a number, string, true, false or null, got {'a': 1}"),
    "too many labels x features": (lambda m: m.update(n_features=4_000_000, labels=[f"l{i}" for i in range(40)],
                                                       thresholds={f"l{i}": 0.5 for i in range(40)},
                                                       threshold_sources={f"l{i}": "label" for i in range(40)},
                                                       training={}),
                                   "meta.json: declares 40 labels x 4000000 features, more than the 134217728 coefficients"),
}


@pytest.mark.parametrize("case", list(META_CASES))
def test_meta_json_is_validated_against_the_schema(tmp_path, valid, case):
    change, fragment = META_CASES[case]
    crafted = zip_bytes(with_meta(valid, change))
    for read in (sectortag.load, read_meta):
        message = refused(tmp_path, crafted, fragment, read=read)
        assert message.endswith("re-download or retrain it") or "upgrade sectortag" in message


@pytest.mark.parametrize("case", ["labels not a list", "word prefix five", "cv f1 a string"])
def test_info_and_tag_give_one_line_on_a_crafted_meta_json(tmp_path, valid, run_main, case):
    change, fragment = META_CASES[case]
    path = tmp_path / "model.zip"
    path.write_bytes(zip_bytes(with_meta(valid, change)))
    for args in (("info", "--model", str(path)), ("tag", "--model", str(path), "Wheat.")):
        assert fragment in error_of(run_main(*args))


def test_a_file_written_before_the_lexicon_setting_still_loads(tmp_path, valid, toy_tagger):
    """Format 1 files from before the lexicon had no 'lexicon' key: they load, without it."""
    crafted = with_meta(valid, lambda m: m["features"].pop("lexicon"))
    _, tagger = load_bytes(tmp_path, zip_bytes(crafted))
    assert tagger.feature_settings_.lexicon is False
    assert tagger.tag("Wheat exports grew.").labels is not None


def test_an_optional_array_pair_is_one_line_each(tmp_path, valid, monkeypatch):
    """Declaring optional arrays in schema.ARRAYS: files without them load; with them, lengths must agree."""
    arrays = dict(schema.ARRAYS)
    arrays["stem_keys"] = schema.ArraySpec("<u8", ("n_stems",), "any", required=False, requires=("stem_values",))
    arrays["stem_values"] = schema.ArraySpec("<u8", ("n_stems",), "any", required=False, requires=("stem_keys",))
    monkeypatch.setattr(schema, "ARRAYS", arrays)
    path = tmp_path / "model.zip"
    path.write_bytes(zip_bytes(valid))
    assert "stem_keys" not in read_model(path)[1]
    keys, values = npy(np.arange(5, dtype=np.uint64)), npy(np.arange(5, dtype=np.uint64) * 3)
    path.write_bytes(zip_bytes(dict(valid, **{"stem_keys.npy": keys, "stem_values.npy": values})))
    assert read_model(path)[1]["stem_values"].tolist() == [0, 3, 6, 9, 12]
    refused(tmp_path, zip_bytes(dict(valid, **{"stem_keys.npy": keys, "stem_values.npy": npy(np.arange(4, dtype=np.uint64))})),
            "stem_values has shape (4,), expected (5,)", read=read_model)
    refused(tmp_path, zip_bytes(dict(valid, **{"stem_keys.npy": keys})), "model file is incomplete (stem_keys.npy without stem_values.npy)", read=read_model)


def test_colliding_vocabulary_hashes(tmp_path, valid):
    vocabulary = np.load(io.BytesIO(valid["vocabulary.npy"]))
    vocabulary[1] = vocabulary[0] + 1  # same lookup slot
    refused(tmp_path, zip_bytes(dict(valid, **{"vocabulary.npy": npy(vocabulary)})), "vocabulary hashes collide")


# --------------------------------------------------------------------------
# the fuzz test


@contextlib.contextmanager
def address_space_capped(extra: int = 1 << 30):
    """Cap this process's address space at its current size plus ``extra`` for the block."""
    size = int(re.search(r"VmSize:\s+(\d+) kB", open("/proc/self/status").read())[1]) * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (size + extra, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**25), 10**25) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20) | st.sampled_from([0, 1, 2, 5, 10, 11, -1, 0.5, 1e308, [1, 2], [0, 2], [2, 1], [1, 100000], "politics"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, element in value.items():
            yield from _paths(element, (*prefix, key))
    elif isinstance(value, list):
        for index, element in enumerate(value):
            yield from _paths(element, (*prefix, index))


@st.composite
def json_mutation(draw, valid):
    meta = json.loads(valid["meta.json"])
    paths = [p for p in _paths(meta) if p]
    where = draw(st.sampled_from(paths))
    target = meta
    for key in where[:-1]:
        target = target[key]
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "delete":
        del target[where[-1]]
    elif action == "add" and isinstance(target, dict):
        target[draw(st.text(max_size=10))] = draw(JSON_VALUES)
    else:
        target[where[-1]] = draw(JSON_VALUES)
    text = json.dumps(meta)
    if draw(st.booleans()):  # tokens json.dumps never writes
        token = draw(st.sampled_from(["NaN", "Infinity", "1e999", "9" * 400, "[" * 60 + "]" * 60, "\"\\ud800\""]))
        text = text.replace("null", token, 1) if "null" in text else text
    return zip_bytes(dict(valid, **{"meta.json": text.encode()}))


@st.composite
def header_mutation(draw, valid):
    name = draw(st.sampled_from(["vocabulary", "idf", "coef", "intercept", "thresholds"]))
    array = np.load(io.BytesIO(valid[f"{name}.npy"]))
    descr = draw(st.sampled_from(["<u8", "<f4", "<f8", "|O", ">f4", "<i8", "|b1", "<U3", "x"]))
    shape = draw(st.sampled_from([array.shape, (), (0,), (10**12,), (7, 10**11), array.shape[::-1], (*array.shape, 1)]) | st.tuples(st.integers(0, 50)))
    fortran = draw(st.booleans())
    header = f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape!r}, }}"
    data = array.tobytes()[: draw(st.integers(0, array.nbytes))]
    return zip_bytes(dict(valid, **{f"{name}.npy": npy_with_header(header, data)}))


@st.composite
def array_value_mutation(draw, valid):
    name = draw(st.sampled_from(["vocabulary", "idf", "coef", "intercept", "thresholds"]))
    array = np.load(io.BytesIO(valid[f"{name}.npy"])).copy()
    if array.size:
        value = draw(st.sampled_from([np.nan, np.inf, -1.0, 2.0, 0.0, 1e30, -1e30]))
        index = draw(st.integers(0, array.size - 1))
        array.flat[index] = value if array.dtype.kind == "f" else draw(st.integers(0, 2**64 - 1))
    return zip_bytes(dict(valid, **{f"{name}.npy": npy(array)}))


@st.composite
def zip_mutation(draw, valid):
    items = list(valid.items())
    action = draw(st.sampled_from(["drop", "duplicate", "rename", "add", "truncate", "stored", "swap"]))
    index = draw(st.integers(0, len(items) - 1))
    name, data = items[index]
    if action == "drop":
        del items[index]
    elif action == "duplicate":
        items.append((name, data))
    elif action == "rename":
        items[index] = (draw(st.sampled_from(["META.JSON", "coef.npz", "../coef.npy", "x/idf.npy", ""])) or "a", data)
    elif action == "add":
        name = draw(st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF), min_size=1, max_size=12))
        items.append((name, draw(st.binary(max_size=64))))
    elif action == "truncate":
        items[index] = (name, data[: draw(st.integers(0, len(data)))])
    elif action == "swap":
        other = draw(st.integers(0, len(items) - 1))
        items[index] = (name, items[other][1])
    return zip_bytes(items, zipfile.ZIP_STORED if action == "stored" else zipfile.ZIP_DEFLATED)


@st.composite
def byte_mutation(draw, valid):
    data = bytearray(zip_bytes(valid))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert"]))
        where = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[where] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[where : where + draw(st.integers(1, 64))]
        else:
            data[where:where] = draw(st.binary(min_size=1, max_size=16))
        if not data:
            break
    return bytes(data)


def _loads_or_refuses(tmp_path, data: bytes) -> None:
    path = tmp_path / "fuzzed.zip"
    path.write_bytes(data)
    start = time.perf_counter()
    with address_space_capped():
        try:
            tagger = sectortag.load(path)
        except ModelFileError as error:
            message = str(error)
            assert "\n" not in message and message.startswith(f"{path}: "), message
            return
        else:
            result = tagger.tag("Wheat exports and food security.\n\nThe ministers fought terrorism.")
            json.dumps(result.scores, allow_nan=False)
            assert all(0.0 <= s <= 1.0 for s in result.scores.values())
            tagger.tag_document("Trade grew.\n\nReligious leaders met.")
            tagger.explain("Trade grew.", top=3)
        finally:
            assert time.perf_counter() - start < 10, "Want: a crafted file handled within 10 s"


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("mutation", [json_mutation, header_mutation, array_value_mutation, zip_mutation, byte_mutation],
                         ids=lambda m: m.__name__)
def test_fuzzed_model_files_load_or_give_one_line(tmp_path, valid, mutation):
    @FUZZ
    @given(data=mutation(valid))
    def check(data):
        _loads_or_refuses(tmp_path, data)

    check()
