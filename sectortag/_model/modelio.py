"""Model files: a zip holding ``meta.json`` and ``.npy`` arrays, never a pickle.

Loading reads JSON and numpy arrays with ``allow_pickle=False`` and builds
the tagger from them, so a model file cannot run code, and no scikit-learn
object is restored (no version warnings, no scikit-learn import at all).

Format versions: 1 — the first. To change the format, bump
``FORMAT_VERSION``, keep a reader for every older version, and add a file
of the old version to the tests (see ``tests/test_modelio.py``).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import platform
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .._errors import ModelFileError
from .._version import __version__

__all__ = ["FORMAT", "FORMAT_VERSION", "save_model", "read_model", "read_meta", "shipped_model_path"]

FORMAT = "sectortag-model"
FORMAT_VERSION = 1
SHIPPED_MODEL_NAME = "diplomatic.zip"
_ARRAYS = {
    "vocabulary": np.uint64,
    "idf": np.float32,
    "coef": np.float32,
    "intercept": np.float64,
    "thresholds": np.float64,
}


def shipped_model_path() -> Path:
    """Where the model that ships with sectortag is, installed or in a checkout."""
    try:
        from importlib.resources import files

        candidate = Path(str(files("sectortag.models") / SHIPPED_MODEL_NAME))
        if candidate.exists():
            return candidate
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "models" / SHIPPED_MODEL_NAME


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
    """Write ``tagger`` to ``path`` atomically (a partial file never replaces a good one)."""
    path = Path(path)
    arrays = {
        "vocabulary": tagger.vocabulary_.hashes,
        "idf": tagger.idf_,
        "coef": tagger.coef_,
        "intercept": tagger.intercept_,
        "thresholds": tagger.thresholds_,
    }
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ModelFileError(f"{path}: folder {directory} does not exist; create it first")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".sectortag-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("meta.json", json.dumps(_meta(tagger), indent=2, ensure_ascii=False))
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.save(buffer, np.ascontiguousarray(array, dtype=_ARRAYS[name]), allow_pickle=False)
                archive.writestr(f"{name}.npy", buffer.getvalue())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _open(path: Path) -> zipfile.ZipFile:
    if path.is_dir():
        raise ModelFileError(f"{path}: is a directory; pass the model file itself")
    if not path.exists():
        raise ModelFileError(f"{path}: no such model file; check the path or train one with 'sectortag train'")
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ModelFileError(
            f"{path}: not a sectortag model (not a zip archive, or truncated); re-download or retrain it"
        ) from None
    except OSError as error:
        raise ModelFileError(f"{path}: cannot read ({error.strerror})") from None


def _read_meta(archive: zipfile.ZipFile, path: Path) -> dict:
    try:
        meta = json.loads(archive.read("meta.json").decode("utf-8"))
    except KeyError:
        raise ModelFileError(f"{path}: not a sectortag model (no meta.json inside)") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError, json.JSONDecodeError, OSError) as error:
        raise ModelFileError(f"{path}: model file is damaged ({error}); re-download or retrain it") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a sectortag model (meta.json has no format '{FORMAT}')")
    version = meta.get("format_version")
    if not isinstance(version, int):
        raise ModelFileError(f"{path}: model file is damaged (format_version missing)")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path}: written by a newer sectortag (model format {version}, this sectortag "
            f"{__version__} reads up to {FORMAT_VERSION}); upgrade sectortag"
        )
    return meta


def read_meta(path: str | os.PathLike) -> dict:
    """The model card of a model file (its ``meta.json``), without loading arrays."""
    path = Path(path)
    with _open(path) as archive:
        return _read_meta(archive, path)


def _read_array(archive: zipfile.ZipFile, path: Path, name: str) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(archive.read(f"{name}.npy")), allow_pickle=False)
    except KeyError:
        raise ModelFileError(f"{path}: model file is incomplete ({name}.npy missing); re-download or retrain it") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as error:
        raise ModelFileError(f"{path}: model file is damaged ({name}.npy: {error}); re-download or retrain it") from None
    if array.dtype != _ARRAYS[name]:
        raise ModelFileError(f"{path}: model file is damaged ({name}.npy has dtype {array.dtype})")
    return array


def read_model(path: str | os.PathLike) -> tuple[dict, dict[str, np.ndarray]]:
    """The checked ``meta.json`` and arrays of a model file; see the module docstring.

    Only plain data comes back: building the tagger from it is the tagger's
    job (``sectortag._model.tagger.load_model``), so this module never
    imports the estimator.
    """
    path = Path(path)
    with _open(path) as archive:
        meta = _read_meta(archive, path)
        arrays = {name: _read_array(archive, path, name) for name in _ARRAYS}
    labels = meta.get("labels")
    n_labels, n_features = len(labels or []), len(arrays["vocabulary"])
    expected = {
        "idf": (n_features,),
        "coef": (n_labels, n_features),
        "intercept": (n_labels,),
        "thresholds": (n_labels,),
    }
    for name, shape in expected.items():
        if arrays[name].shape != shape:
            raise ModelFileError(f"{path}: model file is damaged ({name} has shape {arrays[name].shape}, expected {shape})")
    return meta, arrays
