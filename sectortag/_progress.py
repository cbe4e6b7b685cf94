"""Progress on stderr: one status line, redrawn in place on a terminal, plain lines otherwise.

Training, tagging large files and benchmarks all report through this, so a
long run looks the same whichever command started it.
"""

from __future__ import annotations

import sys

__all__ = ["ProgressBar", "StatusLine"]


class StatusLine:
    """A status line on ``stream`` (default stderr).

    On a terminal each ``show`` replaces the previous message; elsewhere (a
    log file, a pipe) each ``show`` writes one line, so nothing is lost.
    """

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.drawn = False

    def show(self, message: str) -> None:
        if self.tty:
            self.stream.write(f"\r\033[K{message}")
            self.drawn = True
        else:
            self.stream.write(message + "\n")
        self.stream.flush()

    def clear(self) -> None:
        """Remove the line drawn on a terminal (nothing to do elsewhere)."""
        if self.tty and self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False

    def end(self, message: str) -> None:
        """A last message that stays on screen, replacing any line drawn before it."""
        self.stream.write(("\r\033[K" if self.tty else "") + message + "\n")
        self.stream.flush()
        self.drawn = False


class ProgressBar(StatusLine):
    """``progress(done, total, message)`` drawn as ``[####....] done/total message``."""

    def __init__(self, stream=None, width: int = 24):
        super().__init__(stream)
        self.width = width

    def __call__(self, done: int, total: int, message: str) -> None:
        total = max(total, 1)
        done = min(max(done, 0), total)
        filled = round(self.width * done / total)
        self.show(f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {message}")

    def close(self) -> None:
        """End the progress line (on a terminal)."""
        self.clear()
