"""Training in the background: :class:`TrainingWorker` drives a Qt-free
:class:`~qmlstudio.ml.training.trainer.Trainer` in its own thread.

The GUI thread must never simulate, so each run gets a thread that owns every engine call of
that run: building the trainer (reading and preprocessing the data), every step, and the
per-epoch extra work of the live plots (:attr:`TrainingWorker.extra_per_epoch`, e.g. a
decision-boundary grid), on the simulator thread count of the Preferences
(:mod:`qmlstudio.gui.engine_threads`). The thread trains on the project *value* it was
given, so edits of the open document during a run cannot change or corrupt it.

Control goes the other way through a small condition-variable block (:class:`_Control`): the
thread checks it between trainer steps, so *Pause*, *Stop* and *Step* take effect after the
step in progress — a few milliseconds with the adjoint method. *Stop* also reaches into a long
step: the trainer's cancel flag is read between a parameter-shift gradient's evaluations and
between groups of Monte-Carlo trajectories (see :mod:`qmlstudio.ml.training.trainer`), so even
1000 trajectories per sample end within tens of milliseconds. After a stopped trajectory run
the per-epoch extra work (the decision-boundary grid, thousands of trajectories per point) is
not done again: the plots keep the last epoch's.

Reports are throttled in the thread: at most :data:`MAX_STEP_REPORTS_PER_SECOND` ``"step"``
reports reach the GUI (the latest one wins; the last undelivered one is sent when training
pauses), while every ``"epoch"`` and ``"done"`` report is delivered. Signals from the thread
carry the run's number, so a late signal of a run that was shut down is ignored.

Shutdown (window close) asks the thread to stop and waits a bounded time; a thread still busy
after that is held by the thread keeper (:mod:`qmlstudio.gui.threads`) until it ends, so Qt
never destroys a running ``QThread``, and is stopped and waited for at exit.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QObject, QThread, Signal

from qmlstudio.core import Project
from qmlstudio.core.errors import user_message
from qmlstudio.gui.engine_threads import preferred_threads_block
from qmlstudio.gui.threads import start_thread
from qmlstudio.ml.training.report import TrainingReport
from qmlstudio.ml.training.trainer import Trainer

__all__ = ["MAX_STEP_REPORTS_PER_SECOND", "TRAINING_STATES", "TrainingWorker"]

MAX_STEP_REPORTS_PER_SECOND = 30
"""Step reports delivered to the GUI per second at most (plots stay live, training stays fast)."""
TRAINING_STATES = ("idle", "running", "paused", "stopping", "stopped")
"""Values of :attr:`TrainingWorker.state`: ``"idle"`` before the first run, ``"stopped"``
after a run ended (finished, stopped, failed or shut down)."""

ExtraHook = Callable[[Trainer], object]


class _Control:
    """Pause / single-step / stop requests from the GUI thread, read by the training thread."""

    def __init__(self, paused: bool = False) -> None:
        self._condition = threading.Condition()
        self._paused = paused
        self._steps = 0
        self._stop = False
        self._cancel: Callable[[], None] | None = None

    def attach(self, cancel: Callable[[], None]) -> None:
        """Call ``cancel`` (thread-safe) on :meth:`stop`, so a step in progress hears of it too
        (at once if a stop was already asked)."""
        with self._condition:
            self._cancel = cancel
            if self._stop:
                cancel()

    def pause(self) -> None:
        with self._condition:
            self._paused = True

    def resume(self) -> None:
        with self._condition:
            self._paused, self._steps = False, 0
            self._condition.notify_all()

    def request_step(self) -> None:
        with self._condition:
            self._steps += 1
            self._condition.notify_all()

    def stop(self) -> None:
        with self._condition:
            self._stop = True
            if self._cancel is not None:
                self._cancel()  # the trainer's flag: read inside long steps
            self._condition.notify_all()

    def next_action(self, before_waiting: Callable[[], None]) -> str:
        """``"run"``, ``"step"`` (one optimizer step while paused) or ``"stop"``; waits while
        paused with nothing asked, calling ``before_waiting()`` first (under the lock, so a
        pause cannot slip in between; it must not block)."""
        with self._condition:
            if self._paused and not self._steps and not self._stop:
                before_waiting()
            while self._paused and not self._steps and not self._stop:
                self._condition.wait()
            if self._stop:
                return "stop"
            if self._paused:
                self._steps -= 1
                return "step"
            return "run"


class _TrainingThread(QThread):
    """One training run: builds the trainer, steps it as :class:`_Control` allows, reports."""

    report = Signal(int, object)         # run, TrainingReport
    extra = Signal(int, object)          # run, extra_per_epoch's value
    extra_failed = Signal(int, str, str)  # run, message, details
    succeeded = Signal(int, object, int)  # run, result Project, optimizer steps done
    failed = Signal(int, str, str)       # run, message, details

    def __init__(self, run: int, project: Project, project_dir: Path | None,
                 epochs: int | None, hook: ExtraHook | None, control: _Control) -> None:
        super().__init__()
        self._run, self._project, self._project_dir = run, project, project_dir
        self._epochs, self._hook, self._control = epochs, hook, control
        self._pending: TrainingReport | None = None
        self._last_step = -1.0  # when the last step report went out
        self._steps = 0

    def run(self) -> None:
        try:
            with preferred_threads_block():
                trainer = Trainer(self._project, epochs=self._epochs,
                                  project_dir=self._project_dir)
                self._control.attach(trainer.cancel)
                self._train(trainer)
                result = trainer.result_project()
        except Exception as error:  # any failure is shown to the user, the app carries on
            message = user_message(error)
            self.failed.emit(self._run, message, traceback.format_exc())
            return
        finally:
            self._project = None  # do not keep the data alive in a finished thread object
        self.succeeded.emit(self._run, result, self._steps)

    def _train(self, trainer: Trainer) -> None:
        control = self._control
        while True:
            action = control.next_action(self._flush)
            if action == "stop":
                trainer.cancel()
            single = action == "step"  # a single step is always shown
            report = self._deliver(trainer, trainer.step(), force=single)
            while single and report.kind == "epoch":  # it closed an epoch: now the step
                report = self._deliver(trainer, trainer.step(), force=True)
            if report.kind == "done":
                return

    def _deliver(self, trainer: Trainer, report: TrainingReport,
                 force: bool = False) -> TrainingReport:
        if report.kind == "step":
            self._steps += 1
            now = time.monotonic()
            if not force and now - self._last_step < 1.0 / MAX_STEP_REPORTS_PER_SECOND:
                self._pending = report
                return report
            self._last_step = now
        self._emit(report)
        if report.kind != "step" and self._hook is not None and trainer.measured_at_end:
            self._run_hook(trainer)
        return report

    def _flush(self) -> None:
        """Deliver the step report held back by the throttle (shows where training paused)."""
        if self._pending is not None:
            self._emit(self._pending)

    def _emit(self, report: TrainingReport) -> None:
        self._pending = None  # held back and older than this one, or this one
        self.report.emit(self._run, report)

    def _run_hook(self, trainer: Trainer) -> None:
        try:
            value = self._hook(trainer)
        except Exception as error:  # a broken plot must not throw the training away
            self._hook = None  # report it once, not every epoch
            self.extra_failed.emit(self._run, f"{type(error).__name__}: {error}",
                                   traceback.format_exc())
            return
        self.extra.emit(self._run, value)


class TrainingWorker(QObject):
    """Runs training in a background thread and reports on the GUI thread.

    Signals: ``report(object)`` with :class:`~qmlstudio.ml.training.report.TrainingReport`
    values (step reports throttled, epoch and done reports always); ``epoch_extra(object)``
    with the value of :attr:`extra_per_epoch` after each epoch and after the done report;
    ``extra_failed(str, str)`` if that hook raised (it is then not called again this run);
    ``finished(object)`` with the trained :class:`~qmlstudio.core.Project` (also after Stop:
    what was trained until then, history ``stop_reason`` "cancelled"); ``failed(str, str)``
    with a message and the traceback text; ``state_changed(str)`` with one of
    :data:`TRAINING_STATES`.

    ``extra_per_epoch``: an optional ``Callable[[Trainer], object]`` called *in the training
    thread* after every epoch and done report; set it before :meth:`start`.
    """

    report = Signal(object)
    epoch_extra = Signal(object)
    extra_failed = Signal(str, str)
    finished = Signal(object)
    failed = Signal(str, str)
    state_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.extra_per_epoch: ExtraHook | None = None
        self._run = 0
        self._thread: _TrainingThread | None = None
        self._control: _Control | None = None
        self._state = "idle"
        self._steps_done = 0
        # If the worker is deleted without shutdown(), still stop its run. The handler must not
        # touch the worker (it is being deleted), so it reads the control from a box.
        box = self._control_box = [None]
        self.destroyed.connect(lambda *_: box[0] is not None and box[0].stop())

    # -- state -------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        """One of :data:`TRAINING_STATES`."""
        return self._state

    @property
    def is_active(self) -> bool:
        """True from :meth:`start` until the run has ended."""
        return self._state in ("running", "paused", "stopping")

    @property
    def steps_done(self) -> int:
        """Optimizer steps done by the last finished run (0: it changed nothing)."""
        return self._steps_done

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    # -- control -----------------------------------------------------------------------------
    def start(self, project: Project, project_dir: str | os.PathLike | None = None,
              epochs: int | None = None, *, paused: bool = False) -> None:
        """Train ``project`` for ``epochs`` (default ``training.epochs``) more epochs in the
        background; ``project_dir`` resolves a relative CSV path. A trained project continues
        from its weights. With ``paused`` the run waits for :meth:`step_once` or
        :meth:`resume`. Raises RuntimeError if a run is active."""
        if self.is_active:
            raise RuntimeError("a training run is active; stop it first")
        # No wait for the last run's thread: it has sent its result and is ending, or was
        # abandoned by shutdown() in a long step; the engine's lock serialises the kernels.
        self._run += 1
        self._steps_done = 0
        self._control = self._control_box[0] = _Control(paused)
        directory = None if project_dir is None else Path(project_dir)
        thread = _TrainingThread(self._run, project, directory, epochs, self.extra_per_epoch,
                                 self._control)
        # Queued connections (the thread object lives on the GUI thread, its signals are
        # emitted from the training thread): every slot below runs on the GUI thread.
        thread.report.connect(self._on_report)
        thread.extra.connect(self._on_extra)
        thread.extra_failed.connect(self._on_extra_failed)
        thread.succeeded.connect(self._on_succeeded)
        thread.failed.connect(self._on_failed)
        self._thread = thread
        self._set_state("paused" if paused else "running")
        start_thread(thread, self._control.stop)

    def pause(self) -> None:
        """Pause after the step in progress."""
        if self._state == "running":
            self._control.pause()
            self._set_state("paused")

    def resume(self) -> None:
        """Carry on after :meth:`pause`."""
        if self._state == "paused":
            self._control.resume()
            self._set_state("running")

    def step_once(self) -> None:
        """While paused: do exactly one optimizer step (and the epoch evaluation it closes)."""
        if self._state == "paused":
            self._control.request_step()

    def stop(self) -> None:
        """Stop after the step in progress; :attr:`finished` then brings what was trained."""
        if self._state in ("running", "paused"):
            self._control.stop()
            self._set_state("stopping")

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop any run and drop its result, waiting up to ``timeout_ms`` for the thread.

        For closing the window. Returns True if no training thread is left running; a step
        still running is left to end in the background (see the module docstring).
        """
        if self._control is not None:
            self._control.stop()
        self._run += 1  # whatever the old run still sends is stale
        ended = True
        if self._thread is not None:
            ended = self._thread.wait(QDeadlineTimer(max(0, int(timeout_ms))))
        if self.is_active:
            self._set_state("stopped")
        return ended

    # -- from the thread ---------------------------------------------------------------------
    def _on_report(self, run: int, report: TrainingReport) -> None:
        if run == self._run:
            self.report.emit(report)

    def _on_extra(self, run: int, value: object) -> None:
        if run == self._run:
            self.epoch_extra.emit(value)

    def _on_extra_failed(self, run: int, message: str, details: str) -> None:
        if run == self._run:
            self.extra_failed.emit(message, details)

    def _on_succeeded(self, run: int, project: Project, steps: int) -> None:
        if run == self._run:
            self._steps_done = steps
            self._set_state("stopped")
            self.finished.emit(project)

    def _on_failed(self, run: int, message: str, details: str) -> None:
        if run == self._run:
            self._set_state("stopped")
            self.failed.emit(message, details)

