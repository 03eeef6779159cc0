"""A wall-clock limit for test code that might block: :func:`raise_after`."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def raise_after(seconds: float, error: Callable[[], BaseException]) -> Iterator[None]:
    """Raise ``error()`` in the main thread if the body runs longer than ``seconds``.

    SIGALRM interrupts even a blocked ``open()`` or ``read()``, so a regression that hangs fails
    instead of stalling the test run. Main thread only (a POSIX signal handler).
    """

    def on_alarm(_signum, _frame):
        raise error()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
