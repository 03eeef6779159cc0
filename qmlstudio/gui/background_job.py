"""A long computation on a thread of its own, with progress and *Cancel*: :class:`BackgroundJob`.

Work that takes seconds to minutes (the quantum-vs-classical comparison, the noise-robustness
sweep) runs in a thread started through the thread keeper (:mod:`qmlstudio.gui.threads`),
never on the GUI thread, and apart from the window's compute thread, whose views stay live
meanwhile. The job is a function of two callbacks — ``cancelled()`` and ``progress(done,
total, what)`` — as :func:`~qmlstudio.ml.evaluation.comparison.compare_models` and
:func:`~qmlstudio.ml.evaluation.robustness.noise_robustness` take them; *Cancel* sets an event
that ``cancelled()`` reads, so the job ends with :class:`~qmlstudio.core.Interrupted` at its
next check. Engine calls use the thread count chosen in Preferences. Signals carry the run's
number, so a late signal of a run that was cancelled or shut down is ignored.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QDeadlineTimer, QObject, QThread, Signal

from qmlstudio.core import Interrupted
from qmlstudio.core.errors import user_message
from qmlstudio.gui.engine_threads import preferred_threads_block
from qmlstudio.gui.threads import start_thread

__all__ = ["BackgroundJob", "Job"]

Job = Callable[[Callable[[], bool], Callable[[int, int, str], None]], object]
"""``job(cancelled, progress)`` returns the result; raises Interrupted when cancelled."""


class _JobThread(QThread):
    progress = Signal(int, int, int, str)  # run, done, in all, what is being done
    succeeded = Signal(int, object)        # run, the job's result
    interrupted = Signal(int)              # run
    failed = Signal(int, str, str)         # run, message, details

    def __init__(self, run: int, job: Job, stop: threading.Event) -> None:
        super().__init__()
        self._run, self._job, self._stop = run, job, stop

    def run(self) -> None:
        try:
            with preferred_threads_block():  # the Preferences' count, as for training
                result = self._job(self._stop.is_set,
                                   lambda done, total, what: self.progress.emit(self._run, done,
                                                                                total, what))
        except Interrupted:
            self.interrupted.emit(self._run)
            return
        except Exception as error:  # any failure is shown to the user, the app carries on
            self.failed.emit(self._run, user_message(error), traceback.format_exc())
            return
        finally:
            self._job = None  # do not keep the job's data alive in a finished thread object
        self.succeeded.emit(self._run, result)


class BackgroundJob(QObject):
    """Runs one :data:`Job` at a time in a background thread and reports on the GUI thread.

    Signals: ``progress(int, int, str)`` (done, in all, what is being done); ``finished(object)``
    with the job's result; ``cancelled()`` after :meth:`cancel` took effect; ``failed(str,
    str)`` with a message and the traceback; ``active_changed(bool)``.
    """

    progress = Signal(int, int, str)
    finished = Signal(object)
    cancelled = Signal()
    failed = Signal(str, str)
    active_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run = 0
        self._thread: _JobThread | None = None
        self._stop: threading.Event | None = None
        # Deleted without shutdown(): still stop the run (the handler must not touch self).
        box = self._stop_box = [None]
        self.destroyed.connect(lambda *_: box[0] is not None and box[0].set())

    @property
    def is_active(self) -> bool:
        """True from :meth:`start_job` until the run has ended."""
        return self._stop is not None

    def start_job(self, job: Job) -> None:
        """Run ``job`` in the background. Raises RuntimeError if a run is active."""
        if self.is_active:
            raise RuntimeError("a background job is running; cancel it first")
        self._run += 1
        self._stop = self._stop_box[0] = threading.Event()
        thread = _JobThread(self._run, job, self._stop)
        # Queued connections: the slots run on the GUI thread.
        thread.progress.connect(self._on_progress)
        thread.succeeded.connect(self._on_succeeded)
        thread.interrupted.connect(self._on_interrupted)
        thread.failed.connect(self._on_failed)
        self._thread = thread
        self.active_changed.emit(True)
        start_thread(thread, self._stop.set)

    def cancel(self) -> None:
        """Stop at the job's next check; :attr:`cancelled` follows."""
        if self._stop is not None:
            self._stop.set()

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Cancel any run and drop its result, waiting up to ``timeout_ms`` for the thread (for
        closing the window). Returns True if no job thread is left running."""
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
