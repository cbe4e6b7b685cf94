"""Output paths: checked before any work starts, then written safely.

* ``None`` or ``-`` is standard output.
* A device, a FIFO, a socket, or anything under ``/dev`` or ``/proc``
  (``/dev/null``, ``/dev/stdout``, the ``/dev/fd/63`` of a shell's ``>(gzip)``)
  is opened and written directly: it is never replaced.
* Anything else is a regular file, existing or new. Symbolic links are
  resolved and the file they point to is written (the link stays). The data
  goes to a temporary file beside it, renamed over it only when writing
  succeeded, so a failure part-way never leaves a partial file in its place.
  A new file gets the mode the umask gives (``0o666 & ~umask``); a replaced
  file keeps its mode. The temporary file is removed on an error, on Ctrl-C
  and on SIGTERM.

Every error names the path the user gave, never the temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import sys
import threading
from collections.abc import Iterator
from typing import IO

from .._errors import DataError, SectorTagError

__all__ = ["check_output_path", "default_mode", "open_output"]

_DIRECT_PREFIXES = ("/dev/", "/proc/")


def default_mode() -> int:
    """The mode a new file gets under the current umask, as ``open`` would give it."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _is_direct(path: str, resolved: str) -> bool:
    """True when ``path`` is written in place: a device, FIFO or socket, or under /dev or /proc."""
    if os.path.abspath(path).startswith(_DIRECT_PREFIXES) or resolved.startswith(_DIRECT_PREFIXES):
        return True
    try:
        mode = os.stat(resolved).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def check_output_path(path: str, *, error: type[SectorTagError] = DataError) -> tuple[bool, str]:
    """Check that ``path`` can be written, before any work is done; ``(direct, target)``.

    ``direct`` is True for standard output and special files (written in
    place); ``target`` is the file that will be written (symbolic links
    resolved). Raises ``error`` (a one-line message naming ``path`` and the
    fix) when the path is empty, a folder, in a folder that does not exist
    or cannot be written, or a read-only file.
    """
    path = os.fspath(path)
    if path == "-":
        return True, path
    if not path.strip():
        raise error("the output path is empty; give a file name")
    if os.path.isdir(path):
        raise error(f"{path}: is a directory; give a file name for the output")
    resolved = os.path.realpath(path)
    if _is_direct(path, resolved):
        if os.path.exists(resolved) and not os.access(resolved, os.W_OK):
            raise error(f"{path}: cannot be written (permission denied); choose another output")
        return True, path
    folder = os.path.dirname(resolved)
    if not os.path.isdir(folder):
        raise error(f"{path}: folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise error(f"{path}: folder {folder} is not writable; choose another output or fix its permissions")
    if os.path.exists(resolved) and not os.access(resolved, os.W_OK):
        raise error(f"{path}: the file is read-only; choose another output or fix its permissions")
    return False, resolved


# --------------------------------------------------------------------------
# temporary files, removed on SIGTERM too
#
# A Python signal handler runs in the main thread, and only once that thread
# is back in the interpreter: a SIGTERM that the kernel delivers to another
# thread (numpy's BLAS threads) while the main thread waits in read() on a
# pipe would wait as long. So the C-level handler also writes the signal
# number to a wake-up socket, and a small watcher thread removes the
# temporary files and ends the process (exit status 143) at once.

_PENDING: set[str] = set()
_LOCK = threading.Lock()
_previous_handler = None
_watching = False


def _remove_all() -> None:
    for name in list(_PENDING):
        with contextlib.suppress(OSError):
            os.unlink(name)
    _PENDING.clear()


def _remove_pending(signum, frame) -> None:
    """SIGTERM in the main thread: remove every temporary file, then die of the signal as before."""
    _remove_all()
    previous = _previous_handler if _previous_handler is not None else signal.SIG_DFL
    signal.signal(signal.SIGTERM, previous)
    if callable(previous):
        previous(signum, frame)
    else:
        os.kill(os.getpid(), signal.SIGTERM)


def _watch(reader) -> None:
    while True:
        try:
            data = reader.recv(64)
        except OSError:
            return
        if not data:
            return
        if signal.SIGTERM in data and _PENDING and signal.getsignal(signal.SIGTERM) is _remove_pending:
            _remove_all()
            if not callable(_previous_handler):
                os._exit(128 + signal.SIGTERM)


def _start_watcher() -> None:
    """Route signal numbers to a watcher thread, unless someone else (asyncio) uses the wake-up fd."""
    global _watching
    import socket

    reader, writer = socket.socketpair()
    writer.setblocking(False)
    try:
        previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except ValueError:
        previous = None
    if previous != -1:
        if previous is not None:
            signal.set_wakeup_fd(previous)
        reader.close()
        writer.close()
        return
    _watching = True
    threading.Thread(target=_watch, args=(reader,), name="sectortag-sigterm", daemon=True).start()
    _start_watcher.sockets = (reader, writer)  # kept open for the life of the process


def _track(name: str) -> None:
    global _previous_handler
    with _LOCK:
        _PENDING.add(name)
        if threading.current_thread() is not threading.main_thread():
            return
        current = signal.getsignal(signal.SIGTERM)
        if current is not _remove_pending and current != signal.SIG_IGN:
            _previous_handler = current
            signal.signal(signal.SIGTERM, _remove_pending)
            if not _watching:
                _start_watcher()


def _untrack(name: str) -> None:
    global _previous_handler
    with _LOCK:
        _PENDING.discard(name)
        if (
            not _PENDING
            and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGTERM) is _remove_pending
        ):
            signal.signal(signal.SIGTERM, _previous_handler if _previous_handler is not None else signal.SIG_DFL)
            _previous_handler = None


@contextlib.contextmanager
def _replacing(path: str, target: str, binary: bool, error: type[SectorTagError]) -> Iterator[IO]:
    """A temporary file beside ``target``, renamed over it when the block succeeds."""
    import tempfile

    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = default_mode()
    try:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".sectortag-", suffix=".tmp")
    except OSError as problem:
        raise error(f"{path}: cannot write ({problem.strerror}); choose another output or fix its permissions") from None
    _track(temporary)
    try:
        try:
            os.chmod(temporary, mode)
            out = _opened(open(handle, "wb"), path, binary)
        except BaseException:
            os.close(handle)
            raise
        with _write_errors(path, error), out:
            yield out
        try:
            os.replace(temporary, target)
        except OSError as problem:
            raise error(f"{path}: cannot write ({problem.strerror}); check the permissions of its folder") from None
    finally:
        with contextlib.suppress(OSError):
            if os.path.lexists(temporary):
                os.unlink(temporary)
        _untrack(temporary)


_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO, errno.EACCES, errno.EPERM})


@contextlib.contextmanager
def _write_errors(path: str, error: type[SectorTagError]) -> Iterator[None]:
    """Turn a failed write (disk full, read-only file system...) into ``error`` naming ``path``."""
    try:
        yield
    except OSError as problem:
        if problem.errno in _WRITE_ERRNOS and getattr(problem, "filename", None) is None:
            raise error(f"{path}: cannot write ({problem.strerror}); check the free space and permissions") from None
        raise


def _opened(raw: IO[bytes], path: str, binary: bool) -> IO:
    """``raw`` as the caller wants it: bytes, or UTF-8 text (gzipped when ``path`` ends in ``.gz``)."""
    import io

    if binary:
        return raw
    if path.lower().endswith(".gz"):
        import gzip

        zipped = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)
        zipped.myfileobj = raw  # closed with it
        return io.TextIOWrapper(zipped, encoding="utf-8", newline="")
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


@contextlib.contextmanager
def open_output(
    path: str | os.PathLike | None, *, binary: bool = False, error: type[SectorTagError] = DataError
) -> Iterator[IO]:
    """A file object to write ``path`` to, following the rules of this module.

    Text is written as UTF-8 with ``\\n`` line ends left alone, gzipped
    when the path ends in ``.gz``. Standard output is not closed at the end.
    """
    if path is None or os.fspath(path) == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        return
    path = os.fspath(path)
    direct, target = check_output_path(path, error=error)
    if not direct:
        with _replacing(path, target, binary, error) as out:
            yield out
        return
    try:
        out = _opened(open(path, "wb"), path, binary)
    except OSError as problem:
        raise error(f"{path}: cannot write ({problem.strerror}); choose another output") from None
    with _write_errors(path, error), out:
        yield out
