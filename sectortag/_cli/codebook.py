"""``sectortag codebook``: the annotation codebook that defines the sectors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "codebook_text", "run"]


def codebook_text() -> str:
    """The codebook (``sectortag/CODEBOOK.md``, shipped with the package)."""
    try:
        from importlib.resources import files

        return (files("sectortag") / "CODEBOOK.md").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, TypeError):
        return (Path(__file__).resolve().parent.parent / "CODEBOOK.md").read_text(encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    """Print the codebook; the exit code."""
    sys.stdout.write(codebook_text())
    return 0


def add_parser(commands) -> None:
    """Add ``codebook`` to the subparsers ``commands``."""
    codebook = commands.add_parser("codebook", help="print the codebook: what each sector label means (Markdown)")
    codebook.set_defaults(handler=run)
