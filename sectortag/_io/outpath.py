"""Output files: standard output, or a file replaced only when writing succeeds."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TextIO

from .._errors import DataError

__all__ = ["output"]


@contextlib.contextmanager
def output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or a file written atomically: an error part-way leaves no file."""
    if path is None:
        yield sys.stdout
        return
    import tempfile

    if os.path.isdir(path):
        raise DataError("is a directory; give a file name for the output", path=path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise DataError(f"folder {directory} does not exist; create it first", path=path)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".sectortag-", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        with open(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
