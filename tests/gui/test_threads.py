"""The thread keeper: background threads outlive their owners, are forgotten once finished,
and are stopped and waited for when the interpreter exits."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

from PySide6.QtCore import QThread

from qmlstudio.gui.threads import kept_threads, start_thread


class _Waiter(QThread):
    """Runs until its event is set (like a job queue waiting for work)."""

    def __init__(self) -> None:
        super().__init__()
        self.event = threading.Event()

    def run(self) -> None:
        self.event.wait(30)


def test_a_started_thread_is_kept_until_it_has_finished(qtbot):
    waiter = _Waiter()
    start_thread(waiter, waiter.event.set)
    assert waiter.isRunning() and waiter in kept_threads()
    waiter.event.set()
    assert waiter.wait(5000)
    assert waiter in kept_threads()  # forgotten only when the next thread starts (GUI thread)
    second = _Waiter()
    start_thread(second, second.event.set)
    assert waiter not in kept_threads() and second in kept_threads()
    second.event.set()
    assert second.wait(5000)


_EXIT_SCRIPT = textwrap.dedent("""
    import threading, time
    from PySide6.QtCore import QCoreApplication, QThread
    from qmlstudio.gui.threads import start_thread

    class Idle(QThread):  # waits for work until asked to stop
        def __init__(self):
            super().__init__()
            self.stop = threading.Event()
        def run(self):
            self.stop.wait(60)
            print("idle thread stopped", flush=True)

    class Busy(QThread):  # a job that cannot be interrupted
        def run(self):
            time.sleep(0.5)
            print("busy thread finished", flush=True)

    app = QCoreApplication([])
    idle, busy = Idle(), Busy()
    start_thread(idle, idle.stop.set)
    start_thread(busy)
    del idle, busy  # their owners are gone: only the keeper holds them
    print("leaving", flush=True)
""")


def test_at_exit_idle_threads_are_stopped_and_busy_ones_finish(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", _EXIT_SCRIPT], capture_output=True,
                            text=True, timeout=60, env=env, cwd=os.getcwd())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "leaving"
    assert set(result.stdout.split("\n")[1:]) == {"idle thread stopped", "busy thread finished",
                                                   ""}
    assert "Destroyed while thread" not in result.stderr
