"""Atomic file replacement: a crash or a full disk mid-save never leaves a truncated file.

:func:`atomic_write_bytes` writes the new content to a temporary file in the target's own
folder (``os.replace`` is only atomic within one file system), flushes it to the disk with
``os.fsync``, gives it the old file's permission bits, and renames it over the target in one
step; the folder is then synced so the rename itself survives a power cut. On any error the
temporary file is removed and the original file is untouched. A process killed with SIGKILL
mid-save leaves the original intact too, but cannot clean up: a stray
``.<name>.<random>.tmp`` may then remain beside it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat

__all__ = ["atomic_write_bytes"]

_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _create_temp(directory: str, name: str) -> tuple[int, str]:
    """Create a new temporary file beside the target (mode 0o666 less the umask, like any
    new file); return its descriptor and path."""
    for _ in range(100):
        temp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, _CREATE_FLAGS, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file in {directory}")


def _write_all(fd: int, data: bytes) -> None:
    # os.write may write less than asked (signals, pipes, some file systems): loop until done.
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_directory(directory: str) -> None:
    # Makes the rename durable. Windows cannot open a folder, and some file systems refuse to
    # sync one: the data itself is already synced, so skip quietly.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` atomically (see the module docstring).

    If ``path`` is a symbolic link, the file it points to is replaced and the link kept.
    Raises ``OSError`` if the file cannot be written; the old file is then unchanged.
    """
    target = os.path.realpath(os.fspath(path))
    directory, name = os.path.split(target)
    fd, temp = _create_temp(directory, name)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(directory)
