"""Preparing the simulator from the moment the app starts, and saying so.

On a fresh install the engine compiles its kernels on first use (see
:mod:`qmlstudio.engine.warmup`). The first window starts :func:`simulator_warmup` — one
:class:`SimulatorWarmup` per process — which runs :func:`qmlstudio.engine.prepare` on a worker
thread, so the GUI thread never waits and the compile overlaps with the user's first clicks.
Views that simulate show :meth:`SimulatorWarmup.message` ("Preparing the simulator — first
run only", with progress) while their first job waits for it, instead of "computing…".
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from qmlstudio import engine
from qmlstudio.gui.threads import start_thread

__all__ = ["SimulatorWarmup", "simulator_warmup"]

_log = logging.getLogger(__name__)


class _WarmupThread(QThread):
    progressed = Signal(int, int)

    def run(self) -> None:
        try:
            engine.prepare(self.progressed.emit)
        except Exception:  # the first real call will show its own error in its view
            _log.exception("preparing the simulator failed")


class SimulatorWarmup(QObject):
    """The process's simulator warm-up (see the module docstring).

    Signals, on the GUI thread: ``progress(done, total)`` as kernels are compiled or loaded;
    ``finished()`` once preparing has ended (also if it failed).
    """

    progress = Signal(int, int)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: _WarmupThread | None = None
        self._done, self._total = 0, 0
        self._finished = engine.is_prepared()

    @property
    def is_prepared(self) -> bool:
        """True once preparing has finished (as seen on the GUI thread: ``finished`` has been
        emitted, or the engine was prepared before this object existed)."""
        return self._finished

    @property
    def is_preparing(self) -> bool:
        """True while the warm-up runs (started and not yet finished)."""
        return self._thread is not None and not self._finished

    def start(self) -> None:
        """Start preparing on a worker thread, unless it is running or done."""
        if self._thread is not None or self._finished:
            return
        thread = _WarmupThread()
        thread.progressed.connect(self._on_progress)  # queued: emitted on the worker
        thread.finished.connect(self._on_finished)
        self._thread = thread
        start_thread(thread)

    def message(self) -> str:
        """What a view shows while its result waits for the warm-up."""
        if self._total:
            return (f"Preparing the simulator — first run only ({self._done}/{self._total} "
                    "kernels)")
        return "Preparing the simulator — first run only"

    def fraction(self) -> float:
        """How far preparing has come, 0..1."""
        return self._done / self._total if self._total else 0.0

    def _on_progress(self, done: int, total: int) -> None:
        self._done, self._total = done, total
        self.progress.emit(done, total)

    def _on_finished(self) -> None:
        self._finished = True
        self.finished.emit()


_WARMUP: SimulatorWarmup | None = None


def simulator_warmup() -> SimulatorWarmup:
    """The process's :class:`SimulatorWarmup` (made on first use, owned by the application;
    :meth:`SimulatorWarmup.start` begins preparing)."""
    global _WARMUP
    if _WARMUP is None:
        _WARMUP = SimulatorWarmup(QCoreApplication.instance())
    return _WARMUP
