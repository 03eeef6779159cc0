"""One background thread for the GUI's computations: :class:`ComputeRunner`, latest wins.

The engine's parallel kernels must be called from one thread at a time, and the GUI thread
must never wait for a simulation, so the window keeps ONE compute thread and every view that
simulates (state view, decision boundary, ...) sends its jobs there through its own
:class:`ComputeChannel`. Jobs are plain Qt-free callables ``job() -> value``; their engine
calls use the simulator thread count of the Preferences (:mod:`.engine_threads`).

*Latest wins*: a view only ever wants the result for what it shows now. A job submitted while
an earlier job of the same channel waits in the queue replaces it; a job that is already
running cannot be interrupted (numba code cannot be stopped), but its result is dropped when a
newer job of its channel has been submitted since (a generation counter per channel). Results
and errors come back as signals delivered on the GUI thread.

Shutdown: :meth:`ComputeRunner.shutdown` drops queued jobs, asks the thread to stop and waits
a bounded time. A job still running after that is left to finish: the thread keeper
(:mod:`qmlstudio.gui.threads`) holds its thread object until it ends, so Qt never destroys a
running ``QThread``, and stops it at exit. The runner shuts down on its own when it is
destroyed or the application is about to quit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QThread, Signal

from qmlstudio.gui.engine_threads import preferred_threads_block
from qmlstudio.gui.threads import start_thread

__all__ = ["ComputeChannel", "ComputeRunner"]

Job = Callable[[], Any]


class _JobQueue:
    """At most one waiting job per channel, in submission order; thread-safe."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._pending: dict[str, tuple[int, Job]] = {}  # dicts keep insertion order
        self._stopped = False

    @property
    def stopped(self) -> bool:
        """True once :meth:`stop` was called (jobs put afterwards are ignored)."""
        return self._stopped

    def put(self, channel: str, generation: int, job: Job) -> None:
        with self._condition:
            if self._stopped:
                return
            # Re-inserting moves the channel to the back: the newest request runs last.
            self._pending.pop(channel, None)
            self._pending[channel] = (generation, job)
            self._condition.notify()

    def discard(self, channel: str) -> None:
        with self._condition:
            self._pending.pop(channel, None)

    def take(self) -> tuple[str, int, Job] | None:
        """The next job, waiting for one; None once the queue is stopped."""
        with self._condition:
            while not self._pending and not self._stopped:
                self._condition.wait()
            if self._stopped:
                return None
            channel = next(iter(self._pending))
            generation, job = self._pending.pop(channel)
            return channel, generation, job

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._pending.clear()
            self._condition.notify_all()


class _JobThread(QThread):
    """Runs queued jobs one after the other until the queue stops."""

    job_done = Signal(str, int, bool, object)  # channel, generation, succeeded, value or error

    def __init__(self, queue: _JobQueue) -> None:
        super().__init__()
        self.queue = queue

    def run(self) -> None:
        while (item := self.queue.take()) is not None:
            channel, generation, job = item
            try:
                with preferred_threads_block():  # the Preferences' count, as of this job
                    value, ok = job(), True
            except Exception as error:  # any failure is a result to show, not a crash
                value, ok = error, False
            self.job_done.emit(channel, generation, ok, value)
            del value, job, item  # do not keep a large result alive while idle


class ComputeChannel(QObject):
    """One client's lane on a :class:`ComputeRunner`: submit jobs, get the latest result.

    Signals (on the GUI thread): ``finished(object)`` with the value of the latest job;
    ``failed(object)`` with the exception it raised; ``busy_changed(bool)``, True from a
    submission until its result or error arrives.
    """

    finished = Signal(object)
    failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, runner: ComputeRunner, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._name = name

    @property
    def name(self) -> str:
        """The channel's name, unique on its runner."""
        return self._name

    @property
    def is_busy(self) -> bool:
        """True while the latest submitted job has not delivered its result."""
        return self._runner._is_busy(self._name)

    def submit(self, job: Job) -> None:
        """Run ``job()`` in the background, replacing any job of this channel not yet started
        (ignored once the runner is shut down)."""
        self._runner._submit(self, job)

    def cancel(self) -> None:
        """Forget the waiting job and drop the result of a running one."""
        self._runner._cancel(self._name)


class ComputeRunner(QObject):
    """The GUI's single compute thread, shared by :class:`ComputeChannel` clients."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue = _JobQueue()
        self._generation: dict[str, int] = {}
        self._delivered: dict[str, int] = {}
        self._channels: dict[str, ComputeChannel] = {}
        self._thread = _JobThread(self._queue)
        self._thread.job_done.connect(self._on_job_done)  # queued: the thread object is ours
        start_thread(self._thread, self._queue.stop)
        # If the runner is deleted without shutdown(), still let the thread end.
        queue = self._queue  # not self: the handler runs while the runner is being deleted
        self.destroyed.connect(lambda *_: queue.stop())
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(queue.stop)

    def channel(self, name: str, parent: QObject | None = None) -> ComputeChannel:
        """A new client lane named ``name`` (jobs of different channels never replace each
        other). ``parent`` owns the channel object (default: the runner)."""
        if name in self._channels:
            raise ValueError(f"a compute channel named {name!r} exists already")
        channel = ComputeChannel(self, name, parent if parent is not None else self)
        self._channels[name] = channel
        self._generation[name] = self._delivered[name] = 0
        channel.destroyed.connect(lambda *_: self._drop_channel(name))
        return channel

    @property
    def is_running(self) -> bool:
        """True until :meth:`shutdown` (or the application quitting) stops the runner."""
        return not self._queue.stopped

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Drop waiting jobs, stop the thread and wait up to ``timeout_ms`` for it.

        Returns True if the thread has ended. A job still running is left to finish in the
        background (its result is dropped); see the module docstring.
        """
        self._queue.stop()
        for name in list(self._channels):
            self._cancel(name)  # any result still to come is stale
        return self._thread.wait(QDeadlineTimer(max(0, int(timeout_ms))))

    # -- for ComputeChannel ----------------------------------------------------------------
    def _submit(self, channel: ComputeChannel, job: Job) -> None:
        if self._queue.stopped:
            return  # shut down: nothing will run, so do not claim to be busy
        name = channel.name
        was_busy = self._is_busy(name)
        generation = self._generation[name] + 1
        self._generation[name] = generation
        self._queue.put(name, generation, job)
        if not was_busy:
            channel.busy_changed.emit(True)

    def _cancel(self, name: str) -> None:
        self._queue.discard(name)
        was_busy = self._is_busy(name)
        self._generation[name] += 1
        self._delivered[name] = self._generation[name]
        channel = self._channels.get(name)
        if was_busy and channel is not None:
            channel.busy_changed.emit(False)

    def _is_busy(self, name: str) -> bool:
        return self._delivered.get(name, 0) != self._generation.get(name, 0)

    def _drop_channel(self, name: str) -> None:
        self._queue.discard(name)
        for table in (self._channels, self._generation, self._delivered):
            table.pop(name, None)

    def _on_job_done(self, name: str, generation: int, ok: bool, value: object) -> None:
        channel = self._channels.get(name)
        if channel is None or generation != self._generation.get(name):
            return  # stale: a newer job was submitted, or the client went away
        self._delivered[name] = generation
        channel.busy_changed.emit(False)
        (channel.finished if ok else channel.failed).emit(value)
