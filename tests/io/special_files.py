"""Files that are not regular files, for the tests that every reader refuses them, and a guard
that turns a read that blocks (``open()`` on a FIFO waits for a writer forever) into a failure.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.alarm import raise_after

__all__ = ["KINDS", "fails_if_blocked", "needs_fifos", "special_file"]

needs_fifos = pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero")
                                 or not hasattr(signal, "setitimer"),
                                 reason="needs POSIX named pipes, devices and SIGALRM")

KINDS = {
    "fifo": "a named pipe (FIFO)",
    "dev-zero": "a character device",
    "dev-null": "a character device",
    "folder": "a folder",
}
"""Each kind of special file made by :func:`special_file`, and how messages name it."""


def special_file(folder: Path, kind: str, suffix: str) -> Path:
    """A ``kind`` (see :data:`KINDS`) file named ``<kind><suffix>`` in ``folder``: devices
    are reached through a symbolic link with that name, as a user could make one."""
    path = folder / f"{kind}{suffix}"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(f"/dev/{kind.removeprefix('dev-')}")
    return path


@contextmanager
def fails_if_blocked(seconds: float = 20.0) -> Iterator[None]:
    """Raise ``TimeoutError`` in the main thread if the body takes longer than ``seconds``
    (SIGALRM interrupts a blocked ``open()`` or ``read()``), so a regression fails instead of
    hanging the test run."""
    with raise_after(seconds, lambda: TimeoutError(
            f"blocked for {seconds} s: a special file was opened for reading")):
        yield
