"""The one keeper of the GUI's background ``QThread`` objects: start, keep, stop at exit.

Qt aborts the whole process ("QThread: Destroyed while thread is still running") when Python
deletes a ``QThread`` object whose thread still runs, and a thread running numba code cannot be
interrupted. So every background thread of the app (the compute runner's, each training run's)
is started with :func:`start_thread`, which keeps a reference until the thread has finished:
its owner may be closed and deleted meanwhile. Finished threads are forgotten on the GUI
thread, the next time one starts.

At interpreter exit every kept thread is asked to stop (the ``stop`` callback given when it
started, e.g. "stop the job queue") and waited for: an idle thread ends at once, a job in
progress is allowed to finish, and a thread nobody shut down never keeps the process alive.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable

from PySide6.QtCore import QThread

__all__ = ["kept_threads", "start_thread", "stop_threads"]

_KEPT: dict[QThread, Callable[[], None] | None] = {}
"""Threads started here and not yet seen finished, with what asks each one to stop."""


def start_thread(thread: QThread, stop: Callable[[], None] | None = None) -> None:
    """Start ``thread`` and keep it alive until it has finished.

    ``stop`` asks the thread to end soon (it must not block); :func:`stop_threads` calls it
    at exit. Call from the GUI thread.
    """
    for finished in [t for t in _KEPT if t.isFinished()]:
        del _KEPT[finished]
    _KEPT[thread] = stop
    thread.start()


def kept_threads() -> tuple[QThread, ...]:
    """The threads kept alive now (started, not yet forgotten)."""
    return tuple(_KEPT)


@atexit.register
def stop_threads() -> None:
    """Ask every kept thread to stop, then wait for each to end (registered for exit)."""
    threads = list(_KEPT.items())
    for _, stop in threads:
        if stop is not None:
            stop()
    for thread, _ in threads:
        thread.wait()
