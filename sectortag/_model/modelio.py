"""Model files: a zip holding ``meta.json`` and ``.npy`` arrays, never a pickle.

A model file may come from a stranger, so reading one audits it before
anything is built, within limits derived from the format (``schema``):

* the zip: at most ``MAX_MEMBERS`` members, no repeated or unknown names, no
  encryption, only stored or deflated data;
* each member: its declared size checked before it is opened, and read by a
  bounded reader that never inflates more than that (``meta.json`` at most
  ``MAX_META_BYTES``; an array exactly the size its checked header gives);
* ``meta.json``: UTF-8 JSON nested at most ``MAX_JSON_DEPTH`` deep, without
  huge integers, NaN or infinities, then validated against ``schema.META``
  (types, ranges, lengths, the labels agreeing with the thresholds...);
* each array: its ``.npy`` header parsed here, the dtype exactly the one
  declared (never an object dtype, so never a pickle), the shape the one
  ``meta.json`` implies, checked before a byte of data is allocated; then its
  values finite (thresholds in [0, 1]).

Every failure is one ``ModelFileError`` line naming the file, the problem
and the fix. No scikit-learn object is restored and scikit-learn is never
imported.

Format versions: 1 — the first. To change the format, bump
``FORMAT_VERSION``, keep a reader for every older version, and add a file
of the old version to the tests (see ``tests/test_modelio.py``). Optional
arrays and feature settings need no new version: declare them in
``schema.ARRAYS`` / ``schema.FEATURES``.
"""

from __future__ import annotations

import ast
import datetime
import io
import json
import math
import os
import platform
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import ModelFileError
from .._version import __version__
from . import schema

__all__ = ["FORMAT", "FORMAT_VERSION", "save_model", "read_model", "read_meta", "shipped_model_path"]

FORMAT = "sectortag-model"
FORMAT_VERSION = 1
SHIPPED_MODEL_NAME = "diplomatic.zip"
MAX_MEMBERS = 32
MAX_META_BYTES = 4 << 20
MAX_JSON_DEPTH = 32
MAX_INT_DIGITS = 19
_NPY_MAGIC = b"\x93NUMPY"
_NPY_MAX_HEADER = 4096
_NPY_HEADER = re.compile(
    r"\{'descr': '(?P<descr>[^']{1,16})', 'fortran_order': (?P<fortran>True|False), "
    r"'shape': \((?P<shape>[0-9, ]{0,80})\), \} *\n"
)
_DAMAGED = "re-download or retrain it"


def shipped_model_path() -> Path:
    """Where the model that ships with sectortag is: beside the imported package, installed or in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "models" / SHIPPED_MODEL_NAME, package.parent / "models" / SHIPPED_MODEL_NAME):
        if candidate.is_file():
            return candidate
    try:
        from importlib.resources import files

        candidate = Path(str(files("sectortag.models") / SHIPPED_MODEL_NAME))
        if candidate.exists():
            return candidate
    except (ModuleNotFoundError, TypeError):
        pass
    return package.parent / "models" / SHIPPED_MODEL_NAME


# --------------------------------------------------------------------------
# writing


def _meta(tagger) -> dict:
    import scipy

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sectortag_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "labels": list(tagger.classes_),
        "multilabel": bool(tagger.multilabel_),
        "thresholds": {
            label: (None if np.isnan(t) else float(t)) for label, t in zip(tagger.classes_, tagger.thresholds_)
        },
        "threshold_sources": dict(zip(tagger.classes_, tagger.threshold_sources_)),
        "features": tagger.feature_settings_.to_dict(),
        "n_features": len(tagger.vocabulary_),
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in tagger.get_params().items()},
        "training": tagger.training_info_,
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit_learn": tagger.training_info_.get("scikit_learn_version"),
        },
    }


def save_model(tagger, path: str | os.PathLike) -> None:
    """Write ``tagger`` to ``path`` (see ``sectortag._io.outpath``: a partial file never replaces a good one)."""
    from .._io.outpath import open_output

    arrays = {
        "vocabulary": tagger.vocabulary_.hashes,
        "idf": tagger.idf_,
        "coef": tagger.coef_,
        "intercept": tagger.intercept_,
        "thresholds": tagger.thresholds_,
    }
    if getattr(tagger, "training_text_hashes_", None) is not None:
        arrays["train_hashes"] = tagger.training_text_hashes_
    with open_output(path, binary=True, error=ModelFileError) as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("meta.json", json.dumps(_meta(tagger), indent=2, ensure_ascii=False))
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(array, dtype=np.dtype(schema.ARRAYS[name].dtype)), allow_pickle=False)
            archive.writestr(f"{name}.npy", buffer.getvalue())


# --------------------------------------------------------------------------
# reading: the zip


_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def _one_line(text: str) -> str:
    """``text`` with control characters and line breaks escaped: an error stays one line."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def _damaged(path: Path, problem: str) -> ModelFileError:
    return ModelFileError(f"{path}: model file is damaged ({_one_line(problem)}); {_DAMAGED}")


def _open(path: Path) -> zipfile.ZipFile:
    if path.is_dir():
        raise ModelFileError(f"{path}: is a directory; pass the model file itself")
    if not path.exists():
        raise ModelFileError(f"{path}: no such model file; check the path or train one with 'sectortag train'")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, struct.error, NotImplementedError):
        raise ModelFileError(
            f"{path}: not a sectortag model (not a zip archive, or truncated); {_DAMAGED}"
        ) from None
    except OSError as error:
        raise ModelFileError(f"{path}: cannot read ({error.strerror or error}); check the path and its permissions") from None
    try:
        _check_members(archive, path)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(archive: zipfile.ZipFile, path: Path) -> None:
    """The zip's table of contents: few members, each known once, plain or deflated, not encrypted."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _damaged(path, f"{len(infos)} members, a model file has at most {MAX_MEMBERS}")
    known = {"meta.json"} | {f"{name}.npy" for name in schema.ARRAYS}
    seen = set()
    for info in infos:
        name = info.filename
        if name in seen:
            raise _damaged(path, f"member {name!r} appears twice")
        seen.add(name)
        if name not in known:
            raise ModelFileError(
                f"{path}: model file has an unknown member {name[:60]!r} "
                f"(written by a newer sectortag? upgrade sectortag, or {_DAMAGED})"
            )
        if info.flag_bits & 0x1:
            raise _damaged(path, f"{name} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged(path, f"{name} uses compression method {info.compress_type}, not deflate")


def _member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    try:
        return archive.getinfo(name)
    except KeyError:
        return None


def _read_exactly(stream, size: int) -> bytearray:
    """``size`` bytes of ``stream``, into one buffer allocated once; fewer means the member is short."""
    buffer = bytearray(size)
    view, done = memoryview(buffer), 0
    while done < size:
        got = stream.readinto(view[done : min(size, done + (1 << 20))])
        if not got:
            raise EOFError(f"ends after {done} of {size} bytes")
        done += got
    return buffer


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, path: Path) -> bytes:
    """A whole member whose declared size is at most ``limit``, never inflating more than that."""
    if info.file_size > limit:
        raise _damaged(path, f"{info.filename} declares {info.file_size:,} bytes, more than the {limit:,} it may have")
    try:
        with archive.open(info) as stream:
            data = _read_exactly(stream, info.file_size)
            if stream.read(1):
                raise EOFError("is longer than declared")
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, struct.error, NotImplementedError) as error:
        raise _damaged(path, f"{info.filename}: {error}") from None
    return bytes(data)


# --------------------------------------------------------------------------
# reading: meta.json

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _json_depth(text: str) -> int:
    """How deeply the arrays and objects of the JSON ``text`` nest (strings skipped)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)).encode("ascii")
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps).max())


def _json_int(token: str) -> int:
    if len(token.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(token.lstrip('-'))} digits, at most {MAX_INT_DIGITS} are allowed")
    return int(token)


def _json_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise ValueError(f"the number {token[:24]} is out of range")
    return value


def _json_constant(token: str) -> Any:
    raise ValueError(f"{token} is not allowed (numbers must be finite)")


def parse_json(data: bytes, what: str) -> Any:
    """JSON ``data`` parsed within limits; ValueError naming ``what`` and the problem otherwise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{what} is not UTF-8 ({error.reason} at byte {error.start})") from None
    if _json_depth(text) > MAX_JSON_DEPTH:
        raise ValueError(f"{what} nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
    except json.JSONDecodeError as error:
        raise ValueError(f"{what} is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    except (ValueError, RecursionError) as error:
        raise ValueError(f"{what}: {error}") from None


def _read_meta(archive: zipfile.ZipFile, path: Path) -> dict:
    info = _member(archive, "meta.json")
    if info is None:
        raise ModelFileError(f"{path}: not a sectortag model (no meta.json inside)")
    try:
        meta = parse_json(_read_bounded(archive, info, MAX_META_BYTES, path), "meta.json")
    except ValueError as error:
        raise _damaged(path, str(error)) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a sectortag model (meta.json has no format '{FORMAT}')")
    version = meta.get("format_version")
    if not (isinstance(version, int) and not isinstance(version, bool)):
        raise _damaged(path, "format_version missing")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path}: written by a newer sectortag (model format {version}, this sectortag "
            f"{__version__} reads up to {FORMAT_VERSION}); upgrade sectortag"
        )
    try:
        schema.check_meta(meta)
    except schema.UnknownKeyError as error:
        raise ModelFileError(f"{path}: {_one_line(str(error))}") from None
    except schema.SchemaError as error:
        raise _damaged(path, str(error)) from None
    return meta


def read_meta(path: str | os.PathLike) -> dict:
    """The checked model card of a model file (its ``meta.json``), without loading arrays."""
    path = Path(path)
    with _open(path) as archive:
        return _read_meta(archive, path)


# --------------------------------------------------------------------------
# reading: arrays


def _npy_header(stream, name: str) -> tuple[str, bool, tuple[int, ...], int]:
    """(descr, fortran_order, shape, header bytes) of a ``.npy`` stream, read without numpy's ``eval``."""
    prefix = stream.read(8)
    if len(prefix) < 8 or prefix[:6] != _NPY_MAGIC:
        raise ValueError(f"{name} is not a .npy array")
    major = prefix[6]
    if major not in (1, 2, 3):
        raise ValueError(f"{name} has .npy format version {major}, expected 1 to 3")
    size_bytes = stream.read(2 if major == 1 else 4)
    if len(size_bytes) < (2 if major == 1 else 4):
        raise ValueError(f"{name} ends inside its header")
    length = int.from_bytes(size_bytes, "little")
    if length > _NPY_MAX_HEADER:
        raise ValueError(f"{name} has a {length:,}-byte header, at most {_NPY_MAX_HEADER} are allowed")
    raw = stream.read(length)
    if len(raw) < length:
        raise ValueError(f"{name} ends inside its header")
    match = _NPY_HEADER.fullmatch(raw.decode("latin-1"))
    if not match:
        raise ValueError(f"{name} has an unreadable header")
    try:
        shape = ast.literal_eval(f"({match['shape']})") if match["shape"].strip() else ()
    except (ValueError, SyntaxError):
        raise ValueError(f"{name} has an unreadable shape") from None
    if isinstance(shape, int):
        shape = (shape,)
    if not all(isinstance(n, int) for n in shape):
        raise ValueError(f"{name} has an unreadable shape")
    return match["descr"], match["fortran"] == "True", tuple(shape), 8 + len(size_bytes) + length


def _dtype_name(descr: str) -> str:
    try:
        return str(np.dtype(descr))
    except (TypeError, ValueError):
        return repr(descr)


def _expected_shape(name: str, spec: schema.ArraySpec, shape: tuple[int, ...], dims: dict[str, int]) -> tuple[int, ...]:
    """The shape ``spec`` allows, binding dimension names seen for the first time (within the limits)."""
    if len(shape) != len(spec.shape):
        raise ValueError(f"{name} has shape {shape}, expected {len(spec.shape)} dimension(s)")
    expected = []
    for dim, size in zip(spec.shape, shape):
        if dim not in dims:
            if not 0 <= size <= schema.MAX_ELEMENTS:
                raise ValueError(f"{name} has {size:,} rows, at most {schema.MAX_ELEMENTS:,} are allowed")
            dims[dim] = size
        expected.append(dims[dim])
    return tuple(expected)


def _read_array(archive: zipfile.ZipFile, path: Path, name: str, spec: schema.ArraySpec, dims: dict[str, int]) -> np.ndarray:
    member = f"{name}.npy"
    info = _member(archive, member)
    if info is None:
        raise ModelFileError(f"{path}: model file is incomplete ({member} missing); {_DAMAGED}")
    dtype = np.dtype(spec.dtype)
    limit = 8 + 4 + _NPY_MAX_HEADER + schema.MAX_ELEMENTS * dtype.itemsize
    if info.file_size > limit:
        raise _damaged(path, f"{member} declares {info.file_size:,} bytes, more than the {limit:,} an array may have")
    try:
        with archive.open(info) as stream:
            descr, fortran, shape, header = _npy_header(stream, member)
            if descr != spec.dtype:
                raise _damaged(path, f"{member} has dtype {_dtype_name(descr)}, expected {dtype}")
            if fortran:
                raise ValueError(f"{member} is in Fortran order")
            expected = _expected_shape(member, spec, shape, dims)
            if shape != expected:
                raise _damaged(path, f"{name} has shape {shape}, expected {expected}")
            size = math.prod(shape) * dtype.itemsize
            if info.file_size != header + size:
                raise ValueError(f"{member} declares {info.file_size:,} bytes, its header says {header + size:,}")
            data = _read_exactly(stream, size)
            if stream.read(1):
                raise EOFError(f"{member} is longer than declared")
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, struct.error, NotImplementedError) as error:
        if isinstance(error, ModelFileError):
            raise
        text = str(error)
        raise _damaged(path, text if text.startswith(member) else f"{member}: {text}") from None
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    _check_values(array, path, name, spec)
    return array


def _check_values(array: np.ndarray, path: Path, name: str, spec: schema.ArraySpec) -> None:
    if spec.values == "any":
        return
    if spec.values == "probability":
        bad = ~(np.isnan(array) | ((array >= 0) & (array <= 1)))
        if bad.any():
            raise _damaged(path, f"{name} holds {float(array[bad][0])!r}, thresholds must be between 0 and 1")
    elif not np.isfinite(array).all():
        raise _damaged(path, f"{name} holds NaN or infinite values")


def read_model(path: str | os.PathLike) -> tuple[dict, dict[str, np.ndarray]]:
    """The checked ``meta.json`` and arrays of a model file; see the module docstring.

    Only plain data comes back: building the tagger from it is the tagger's
    job (``sectortag._model.tagger.load_model``), so this module never
    imports the estimator. Optional arrays absent from the file are absent
    from the result.
    """
    path = Path(path)
    with _open(path) as archive:
        meta = _read_meta(archive, path)
        dims = {"n_labels": len(meta["labels"]), "n_features": meta["n_features"]}
        arrays = {}
        for name, spec in schema.ARRAYS.items():
            if spec.required or _member(archive, f"{name}.npy") is not None:
                arrays[name] = _read_array(archive, path, name, spec, dims)
    for name, spec in schema.ARRAYS.items():
        for partner in spec.requires:
            if name in arrays and partner not in arrays:
                raise ModelFileError(f"{path}: model file is incomplete ({name}.npy without {partner}.npy); {_DAMAGED}")
    if meta["multilabel"] and np.isnan(arrays["thresholds"]).any():
        raise _damaged(path, "thresholds holds NaN in a multi-label model")
    return meta, arrays
