"""Opening a file for reading only if it is a regular file: :func:`open_regular_file` and
:func:`read_regular_file`, used by every reader of user files (projects, models, CSV data
sets, OpenQASM, a relinked data file).

Why: ``open()`` on a named pipe (FIFO) with no writer blocks forever, and a device such as
``/dev/zero`` never ends, so a wrongly chosen path would freeze the app or the command line.
The path is checked with ``stat`` before it is opened; it is then opened without blocking
(``O_NONBLOCK``, which also keeps a terminal device from becoming ours) and checked again on
the open descriptor, so a file swapped for a pipe in between is refused too.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from qmlstudio.core.errors import QMLStudioError

__all__ = ["file_kind", "open_regular_file", "read_regular_file"]

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) \
    | getattr(os, "O_NOCTTY", 0)


def file_kind(mode: int) -> str:
    """What a file of ``st_mode`` ``mode`` is, in words ("a named pipe (FIFO)"...)."""
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"))
    return next((kind for test, kind in kinds if test(mode)), "not a regular file")


def _refuse(path: str, mode: int, error: type[QMLStudioError], what: str) -> None:
    if not stat.S_ISREG(mode):
        raise error(f"{path}: not {what}: it is {file_kind(mode)}, not a regular file")


def open_regular_file(path: str | os.PathLike, error: type[QMLStudioError],
                      what: str = "a file") -> BinaryIO:
    """``path`` opened for binary reading, if it is a regular file.

    Otherwise — missing, a folder, a pipe, a device, unreadable — raises ``error`` naming the
    path and the problem (``what`` names the kind of file expected, e.g. ``"a project file"``)
    without ever blocking.
    """
    shown = os.fspath(path)
    try:
        _refuse(shown, os.stat(shown).st_mode, error, what)
        fd = os.open(shown, _OPEN_FLAGS)
        try:
            _refuse(shown, os.fstat(fd).st_mode, error, what)
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
    except QMLStudioError:
        raise
    except FileNotFoundError:
        raise error(f"{shown}: file not found") from None
    except (OSError, ValueError) as problem:  # ValueError: a NUL character in the path
        reason = getattr(problem, "strerror", None) or problem
        raise error(f"{shown}: cannot be read ({reason})") from None


def read_regular_file(path: str | os.PathLike, error: type[QMLStudioError], what: str,
                      max_bytes: int) -> bytes:
    """The bytes of the regular file ``path`` (see :func:`open_regular_file`); a file over
    ``max_bytes`` is refused before reading."""
    shown = os.fspath(path)
    with open_regular_file(shown, error, what) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise error(f"{shown}: the file is {size:,} bytes, over the {max_bytes:,}-byte "
                        f"limit for {what}")
        try:
            return handle.read()
        except OSError as problem:
            raise error(f"{shown}: cannot be read ({problem.strerror or problem})") from None
