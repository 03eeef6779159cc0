"""The quantum-vs-classical comparison in the background: :class:`ComparisonWorker`.

A comparison trains dozens of models, so it runs in a thread of its own (started through the
thread keeper, :mod:`qmlstudio.gui.threads`), never on the GUI thread, and apart from the
window's compute thread, whose views stay live meanwhile. The thread works on the project
*value* it was given. *Cancel* sets an event that
:func:`~qmlstudio.ml.evaluation.comparison.compare_models` reads between fits, so the run ends
after the fit in progress. Signals carry the run's number, so a late signal of a run that was
cancelled or shut down is ignored.
"""

from __future__ import annotations

import os
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QObject, QThread, Signal

from qmlstudio.core import Interrupted, Project
from qmlstudio.core.errors import user_message
from qmlstudio.gui.engine_threads import preferred_threads_block
from qmlstudio.gui.threads import start_thread
from qmlstudio.ml.evaluation.comparison import compare_models

__all__ = ["ComparisonWorker"]


class _ComparisonThread(QThread):
    progress = Signal(int, int, int, str)  # run, fits done, fits in all, what is fitted
    succeeded = Signal(int, object)        # run, ComparisonResult
    interrupted = Signal(int)              # run
    failed = Signal(int, str, str)         # run, message, details

    def __init__(self, run: int, project: Project, project_dir: Path | None, seeds: int,
                 folds: int, stop: threading.Event) -> None:
        super().__init__()
        self._run, self._project, self._project_dir = run, project, project_dir
        self._seeds, self._folds, self._stop = seeds, folds, stop

    def run(self) -> None:
        try:
            with preferred_threads_block():  # the Preferences' count, as for training
                result = compare_models(
                    self._project, seeds=self._seeds, folds=self._folds,
                    project_dir=self._project_dir, cancelled=self._stop.is_set,
                    progress=lambda done, total, what: self.progress.emit(self._run, done,
                                                                          total, what))
        except Interrupted:
            self.interrupted.emit(self._run)
            return
        except Exception as error:  # any failure is shown to the user, the app carries on
            message = user_message(error)
            self.failed.emit(self._run, message, traceback.format_exc())
            return
        finally:
            self._project = None  # do not keep the data alive in a finished thread object
        self.succeeded.emit(self._run, result)


class ComparisonWorker(QObject):
    """Runs :func:`~qmlstudio.ml.evaluation.comparison.compare_models` in a background
    thread and reports on the GUI thread.

    Signals: ``progress(int, int, str)`` (fits done, fits in all, what is being fitted);
    ``finished(object)`` with the :class:`~qmlstudio.core.ComparisonResult`; ``cancelled()``
    after :meth:`cancel` took effect; ``failed(str, str)`` with a message and the traceback;
    ``active_changed(bool)``.
    """

    progress = Signal(int, int, str)
    finished = Signal(object)
    cancelled = Signal()
    failed = Signal(str, str)
    active_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run = 0
        self._thread: _ComparisonThread | None = None
        self._stop: threading.Event | None = None
        # Deleted without shutdown(): still stop the run (the handler must not touch self).
        box = self._stop_box = [None]
        self.destroyed.connect(lambda *_: box[0] is not None and box[0].set())

    @property
    def is_active(self) -> bool:
        """True from :meth:`start` until the run has ended."""
        return self._stop is not None

    def start(self, project: Project, project_dir: str | os.PathLike | None = None, *,
              seeds: int, folds: int) -> None:
        """Compare ``project``'s model with the classical ones in the background;
        ``project_dir`` resolves a relative CSV path. Raises RuntimeError if a run is
        active."""
        if self.is_active:
            raise RuntimeError("a comparison is running; cancel it first")
        self._run += 1
        self._stop = self._stop_box[0] = threading.Event()
        directory = None if project_dir is None else Path(project_dir)
        thread = _ComparisonThread(self._run, project, directory, seeds, folds, self._stop)
        # Queued connections: the slots run on the GUI thread.
        thread.progress.connect(self._on_progress)
        thread.succeeded.connect(self._on_succeeded)
        thread.interrupted.connect(self._on_interrupted)
        thread.failed.connect(self._on_failed)
        self._thread = thread
        self.active_changed.emit(True)
        start_thread(thread, self._stop.set)

    def cancel(self) -> None:
        """Stop after the fit in progress; :attr:`cancelled` follows."""
        if self._stop is not None:
            self._stop.set()

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Cancel any run and drop its result, waiting up to ``timeout_ms`` for the thread (for
        closing the window). Returns True if no comparison thread is left running."""
        self.cancel()
        self._run += 1  # whatever the old run still sends is stale
        ended = self._thread is None or self._thread.wait(QDeadlineTimer(max(0, timeout_ms)))
        self._end()
        return ended

    def _end(self) -> None:
        if self._stop is not None:
            self._stop = self._stop_box[0] = None
            self.active_changed.emit(False)

    # -- from the thread ---------------------------------------------------------------------
    def _on_progress(self, run: int, done: int, total: int, what: str) -> None:
        if run == self._run:
            self.progress.emit(done, total, what)

    def _on_succeeded(self, run: int, result: object) -> None:
        if run == self._run:
            self._end()
            self.finished.emit(result)

    def _on_interrupted(self, run: int) -> None:
        if run == self._run:
            self._end()
            self.cancelled.emit()

    def _on_failed(self, run: int, message: str, details: str) -> None:
        if run == self._run:
            self._end()
            self.failed.emit(message, details)
