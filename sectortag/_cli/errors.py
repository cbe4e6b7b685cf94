"""How the CLI reports a failure: one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import os
import re
import sys

from .._errors import SectorTagError

__all__ = ["error_message", "option_names"]

#: SectorTagger parameters a library error may name, and the option a CLI user sets instead.
OPTIONS = {
    "threshold_folds": "--folds",
    "min_df": "--min-df",
    "word_ngram_range": "--word-ngrams",
    "char_ngram_range": "--char-ngrams",
    "class_weight": "--class-weight",
    "single_label": "--single-label",
}
_NAMES = re.compile("|".join(rf"(?<![\w-]){re.escape(name)}(?![\w])" for name in OPTIONS))


def option_names(message: str) -> str:
    """``message`` with the Python parameter names it mentions replaced by the CLI's options."""
    return _NAMES.sub(lambda match: OPTIONS[match.group()], message)


def error_message(error: BaseException) -> str:
    """The one line a user reads for ``error`` (a SectorTagError or an OSError)."""
    if isinstance(error, SectorTagError):
        return option_names(str(error))
    filename = getattr(error, "filename", None)
    strerror = getattr(error, "strerror", None)
    return f"{filename}: {strerror or error}" if filename else str(strerror or error)


def silence_stdout() -> None:
    """Point stdout at the null device: the reader went away (``| head``), so stop quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
