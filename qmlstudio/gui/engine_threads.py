"""The simulator's thread count as an app setting (Edit ▸ Preferences).

``engine/threads`` in QSettings: 0 or absent means automatic (the engine chooses per call
from the circuit's work and the cores other programs leave free, see
:mod:`qmlstudio.engine.threads`), N uses N threads. The training worker and the window's
compute thread (state view, decision boundary) run their engine calls inside
:func:`preferred_threads_block`, read when a run or job starts, so a change applies from the
next one. ``NUMBA_NUM_THREADS`` in the environment still caps the count.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QSettings

from qmlstudio.core import QMLStudioError
from qmlstudio.engine import check_threads, using_threads

__all__ = ["THREADS_KEY", "preferred_threads", "preferred_threads_block",
           "set_preferred_threads"]

THREADS_KEY = "engine/threads"
"""The QSettings key of the thread count (0: automatic)."""

_log = logging.getLogger(__name__)


def preferred_threads() -> int | None:
    """The thread count the user chose, or None for automatic. A stored value that is not a
    positive integer or 0 means automatic (and is logged), never an error."""
    raw = QSettings().value(THREADS_KEY, 0)
    if str(raw).strip() == "0":
        return None
    try:
        return check_threads(str(raw), THREADS_KEY)
    except QMLStudioError as error:
        _log.warning("%s; using automatic", error)
        return None


def set_preferred_threads(threads: int | None) -> None:
    """Store the thread count (None or 0: automatic), checked first."""
    QSettings().setValue(THREADS_KEY, check_threads(threads or None, THREADS_KEY) or 0)


@contextmanager
def preferred_threads_block() -> Iterator[None]:
    """Run the block's engine calls (made by this thread) on the preferred thread count."""
    with using_threads(preferred_threads()):
        yield
