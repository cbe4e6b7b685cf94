"""How the CLI reports a failure: one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import os
import sys

from .._errors import SectorTagError

__all__ = ["error_message"]


def error_message(error: BaseException) -> str:
    """The one line a user reads for ``error`` (a SectorTagError or an OSError)."""
    if isinstance(error, SectorTagError):
        return str(error)
    filename = getattr(error, "filename", None)
    strerror = getattr(error, "strerror", None)
    return f"{filename}: {strerror or error}" if filename else str(strerror or error)


def silence_stdout() -> None:
    """Point stdout at the null device: the reader went away (``| head``), so stop quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
