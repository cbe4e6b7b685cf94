"""The parser and the dispatch to each command's ``run``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._errors import SectorTagError
from .._version import __version__
from . import benchmark, codebook, data, evaluate, info, profile, tag, train
from ._common import UsageError
from .errors import error_message, silence_stdout

__all__ = ["build_parser", "main"]

#: One module per command, each adding its subparser; a new command adds itself here.
COMMANDS = (tag, profile, train, evaluate, info, data, benchmark, codebook)


def build_parser() -> argparse.ArgumentParser:
    """The ``sectortag`` argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="sectortag",
        description="Tag paragraphs of diplomatic text (English, French, Italian) by sector.",
    )
    parser.add_argument("--version", action="version", version=f"sectortag {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as error:
        parser.exit(2, f"sectortag {args.command}: error: {error}\n")
    except BrokenPipeError:
        silence_stdout()
        return 1
    except (SectorTagError, OSError) as error:
        sys.stderr.write(f"sectortag {args.command}: error: {error_message(error)}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
