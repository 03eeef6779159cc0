"""The one way QML Studio writes a file: :func:`atomic_write`, so a crash or a full disk
mid-save never leaves a truncated file.

The new content goes to a temporary file in the target's own folder (``os.replace`` is only
atomic within one file system), is flushed to the disk with ``os.fsync``, gets the old file's
permission bits, and is renamed over the target in one step; the folder is then synced so the
rename itself survives a power cut. On any error the temporary file is removed and the
original file is untouched.

A process killed with SIGKILL (or a power cut) mid-save leaves the original intact too, but
cannot remove its temporary file. Ours are named ``.<name>.qmlstudio-<16 hex>.tmp`` so that
they can be recognised, and :func:`remove_stale_temp_files` (run by every save, and by
:func:`~qmlstudio.io.load_project` on open) deletes those of one target that no live writer
holds. "Held" is decided by a lock rather than by age, because no age is right: a 1 GB
project on a slow network drive may take minutes to write, while a killed save's leftovers
should go at the next save, seconds later. The writer holds an exclusive ``flock`` on its
temporary file from creation to rename; the kernel drops it when the process dies, however it
dies. Windows has no ``flock``, but there an open file cannot be deleted, which gives the same
answer. Where the file system refuses locks (some network mounts), a leftover is removed only
once it is :data:`STALE_AFTER_SECONDS` old.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time

from qmlstudio.core.errors import ExportError, QMLStudioError

try:  # POSIX
    import fcntl
except ImportError:  # Windows: open files cannot be deleted, which protects live writers
    fcntl = None

__all__ = ["STALE_AFTER_SECONDS", "atomic_write", "remove_stale_temp_files", "temp_file_pattern"]

STALE_AFTER_SECONDS = 3600.0
"""Where locks cannot be taken, the age (since its last write) at which one of our temporary
files is taken to be a killed writer's leftover."""

_TAG = "qmlstudio-"
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_PROBE_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                | getattr(os, "O_BINARY", 0))


def temp_file_pattern(name: str) -> re.Pattern[str]:
    """The names of our temporary files for a target file called ``name`` (no folder)."""
    return re.compile(rf"\.{re.escape(name)}\.{_TAG}[0-9a-f]{{16}}\.tmp")


def _create_temp(directory: str, name: str) -> tuple[int, str]:
    """Create and lock a new temporary file beside the target (mode 0o666 less the umask,
    like any new file); return its descriptor and path."""
    for _ in range(100):
        temp = os.path.join(directory, f".{name}.{_TAG}{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(temp, _CREATE_FLAGS, 0o666)
        except FileExistsError:
            continue
        if _lock(fd) and os.fstat(fd).st_nlink == 0:
            # A cleaner in another process took the file for a leftover between our open and
            # our lock, and deleted it (it deletes only while holding the lock): start again.
            os.close(fd)
            continue
        return fd, temp
    raise FileExistsError(errno.EEXIST, "could not create a temporary file", directory)


def _lock(fd: int) -> bool:
    """Hold an exclusive lock on ``fd`` until it is closed; False where locks are refused."""
    if fcntl is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        return False
    return True


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


def _write_replacing(target: str, data: bytes) -> None:
    directory, name = os.path.split(target)
    remove_stale_temp_files(target)
    fd, temp = _create_temp(directory, name)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
            with contextlib.suppress(FileNotFoundError):
                os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
            if fcntl is None:  # Windows cannot rename an open file (and there is no lock)
                os.close(fd)
                fd = -1
            os.replace(temp, target)
        finally:
            if fd >= 0:
                os.close(fd)  # only now, after the rename, does the lock go
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(directory)


def atomic_write(path: str | os.PathLike, content: bytes | str,
                 error: type[QMLStudioError] = ExportError) -> None:
    """Replace the file at ``path`` with ``content`` atomically (see the module docstring);
    text is written as UTF-8.

    If ``path`` is a symbolic link, the file it points to is replaced and the link kept.
    Raises ``error`` (the kind that fits the file: ``ProjectError`` for a project,
    ``ModelFileError`` for a model, ``ExportError`` for other exports) naming ``path`` — not
    the temporary file — and the operating system's reason; the old file is then unchanged.
    """
    shown = os.fspath(path)
    try:
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    except UnicodeEncodeError as problem:  # a lone surrogate in a name
        raise error(f"{shown}: cannot be written: {problem}") from None
    try:
        _write_replacing(os.path.realpath(shown), data)
    except OSError as problem:
        raise error(f"{shown}: cannot be written ({problem.strerror or problem}); "
                    f"the previous file, if any, is unchanged") from problem


def _is_stale(path: str) -> bool:
    """True if the temporary file ``path`` was a leftover and is now deleted."""
    if fcntl is None:  # Windows: deleting a file that a writer has open fails
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(path).st_mode):
                os.unlink(path)
                return True
        return False
    try:
        fd = os.open(path, _PROBE_FLAGS)
    except OSError:  # gone already, a symbolic link (O_NOFOLLOW), or not ours to read
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a live writer holds it
        except OSError:  # this file system refuses locks: fall back on age
            if time.time() - info.st_mtime < STALE_AFTER_SECONDS:
                return False
        if os.stat(path, follow_symlinks=False).st_ino != info.st_ino:
            return False  # renamed and replaced since we opened it
        # Deleted while the lock is held, so a writer that created the file just before we
        # locked it finds it gone once it gets the lock, and starts again.
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def remove_stale_temp_files(path: str | os.PathLike) -> int:
    """Delete the temporary files that killed saves of ``path`` left beside it (those no
    live writer holds; see the module docstring); return how many. Never raises: a folder
    that cannot be listed or a file that cannot be deleted is left as it is."""
    directory, name = os.path.split(os.path.realpath(os.fspath(path)))
    pattern = temp_file_pattern(name)
    try:
        with os.scandir(directory) as entries:
            candidates = [entry.path for entry in entries if pattern.fullmatch(entry.name)]
    except OSError:
        return 0
    return sum(map(_is_stale, candidates))
