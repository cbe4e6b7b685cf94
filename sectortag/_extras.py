"""Optional dependencies (the ``dask`` extra): imported only where used, with the install line when missing.

The core install (numpy, scipy, tabulate; scikit-learn and joblib for
training) tags text, JSONL and CSV. pandas, pyarrow, dask and distributed
come with ``pip install "sectortag[dask]"`` and are imported only by
``tag_frame``, Parquet files and ``--scheduler``; plain tagging never
imports them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ._errors import SectorTagError

__all__ = ["INSTALL_EXTRA", "MissingExtraError", "require"]

INSTALL_EXTRA = 'pip install "sectortag[dask]"'


class MissingExtraError(SectorTagError, ImportError):
    """A feature needs a package of the ``dask`` extra that is not installed."""


def require(module: str, feature: str) -> ModuleType:
    """``import module``, or a :class:`MissingExtraError` telling how to install it for ``feature``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        raise MissingExtraError(f"{feature} needs {top}, which is not installed; install it with: {INSTALL_EXTRA}") from None
