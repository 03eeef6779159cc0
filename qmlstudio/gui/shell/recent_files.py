"""The Open Recent list, kept in QSettings (most recent first, at most :data:`MAX_RECENT`)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

__all__ = ["MAX_RECENT", "add_recent_file", "recent_files", "remove_recent_file"]

MAX_RECENT = 10
_KEY = "recent_files"


def recent_files() -> list[Path]:
    """The remembered files, most recent first (files that no longer exist included: the
    menu shows them and opening one reports the problem)."""
    value = QSettings().value(_KEY, [])
    if isinstance(value, str):  # QSettings returns a lone string for one-element lists
        value = [value]
    return [Path(text) for text in value or [] if isinstance(text, str) and text]


def add_recent_file(path: str | os.PathLike) -> None:
    """Put ``path`` first in the list."""
    path = Path(path).resolve()
    files = [path] + [p for p in recent_files() if p != path]
    QSettings().setValue(_KEY, [str(p) for p in files[:MAX_RECENT]])


def remove_recent_file(path: str | os.PathLike) -> None:
    """Forget ``path`` (e.g. after it failed to open)."""
    path = Path(path).resolve()
    QSettings().setValue(_KEY, [str(p) for p in recent_files() if p != path])
