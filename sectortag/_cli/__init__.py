"""The ``sectortag`` command line: one small module per command, each a thin
wrapper (``add_parser``/``run``) over a plain function that returns data.

Exit codes: 0 success, 1 a runtime error (bad file, bad data, bad model),
2 a usage error (argparse). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

from .main import build_parser, main

__all__ = ["build_parser", "main"]
