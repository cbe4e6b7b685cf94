"""Exceptions a user can act on: each message names the problem and the fix."""

from __future__ import annotations

__all__ = ["SectorTagError", "DataError", "ModelFileError", "NotFittedError"]


class SectorTagError(ValueError):
    """Base class for sectortag errors caused by the caller's input."""


class DataError(SectorTagError):
    """A training or evaluation file (or in-memory data set) is unusable."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        where = path if path is not None else ""
        if line is not None:
            where = f"{where}:{line}" if where else f"line {line}"
        super().__init__(f"{where}: {message}" if where else message)
        self.path, self.line = path, line


class ModelFileError(SectorTagError):
    """A model file is missing, damaged, foreign or from a newer sectortag."""


class NotFittedError(SectorTagError, AttributeError):
    """The tagger was used before ``fit`` (same bases as scikit-learn's)."""
