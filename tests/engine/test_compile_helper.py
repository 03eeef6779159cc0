"""The second compiler process on a cold cache (qmlstudio.engine.compile_helper) and the
per-kernel compile lock that lets two processes share one cache (engine/_jit.py)."""

import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from numba.core import event

import qmlstudio
from qmlstudio import engine
from qmlstudio.engine import _jit, compile_helper, training_epoch

REPO = Path(__file__).resolve().parents[2]


class _Compiled(event.Listener):
    """Collects the qualified names of our functions numba compiles (not loads).

    numba's own overload implementations (``np.empty``'s, say) are compiled afresh in each
    process the first time a function using them is typed, whatever else ran before, so they
    are left out: only a second copy of our kernels or drivers would mean wasted work."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def on_start(self, ev: event.Event) -> None:
        pass

    def on_end(self, ev: event.Event) -> None:
        function = ev.data["dispatcher"].py_func
        if function.__module__.startswith("qmlstudio."):
            self.names.append(function.__qualname__)


def test_the_helper_compiles_the_backward_pass_with_the_types_the_engine_uses():
    engine.prepare()  # both batch drivers and all their kernels, compiled or loaded
    listener = _Compiled()
    with event.install_listener("numba:compile", listener):
        compile_helper.compile_backward_pass()
    # A kernel or driver given other argument types than the engine gives it would compile
    # a second copy here, and the parent process would gain nothing from the child's work.
    assert set(listener.names) <= {"_backward_kernels"}, listener.names
    assert compile_helper.READY.exists()


def test_any_cotangent_layout_runs_the_backward_driver_the_helper_compiled():
    # A read-only, Fortran-order or strided cotangent would be a new argument type, and the
    # backward driver would compile once more after the helper's work.
    engine.prepare()
    circuit = qmlstudio.Circuit(2).add("ry", 0, qmlstudio.x(0)).add("rx", 1, qmlstudio.w(0))
    X, weights = np.array([[0.2], [0.5], [0.9]]), np.array([0.3])
    bound = engine.bind(circuit, ["Z0", "Z1"])
    expected = bound.vjp(X, weights, np.ones((3, 2)))[1]
    read_only = np.ones((3, 2))
    read_only.flags.writeable = False
    listener = _Compiled()
    with event.install_listener("numba:compile", listener):
        grads = [qmlstudio.vjp(circuit, X, weights, ["Z0", "Z1"], read_only)[1],
                 bound.vjp(X, weights, np.asfortranarray(np.ones((3, 2))))[1],
                 bound.vjp(X, weights, lambda v: np.ones((3, 4))[:, ::2])[1]]
    assert listener.names == []
    for grad in grads:
        np.testing.assert_array_equal(grad, expected)


_COMPUTE = """
circuit = (qs.Circuit(3).add("ry", 0, qs.x(0)).add("cx", [0, 1]).add("rz", 1, qs.w(0))
           .add("cz", [1, 2]).add("rx", 2, qs.w(1)))
values, grad = qs.vjp(circuit, np.array([[0.3], [1.1]]), np.array([0.4, -0.7]), ["Z1", "Z2"],
                      lambda v: np.ones_like(v))
"""
_PARENT = f"""
import sys
import numpy as np
import qmlstudio as qs
reports = []
qs.engine.prepare(lambda done, total: reports.append((done, total)))
print(len(reports), *reports[-1], file=sys.stderr)
{_COMPUTE}
print(values.tolist(), grad.tolist())
"""


def _run_parent(cache: Path) -> str:
    """Run :data:`_PARENT` in a fresh process on ``cache``, the compile helper enabled."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("NUMBA_") and k != compile_helper.NO_HELPER_VARIABLE}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["NUMBA_CACHE_DIR"] = str(cache)
    result = subprocess.run([sys.executable, "-c", _PARENT], cwd=cache, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout, result.stderr.strip().splitlines()[-1]


@pytest.mark.alone  # two processes compiling on both cores: see tests/run_alone.py
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2,
                    reason="one CPU: the engine starts no compile helper")
def test_a_cold_first_run_starts_the_helper_and_both_share_the_cache(tmp_path):
    cold, progress = _run_parent(tmp_path)
    reports, done, total = map(int, progress.split())
    # the kernels the child compiled count as they load: progress moves on a cold cache
    assert done == total and reports > total // 2
    (folder,) = tmp_path.glob("engine-*")
    ready = folder / "backward-half.ready"
    deadline = time.monotonic() + 300  # the child may still be compiling or saving
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert ready.exists()
    cached = {p.name.split("-")[0] for p in folder.rglob("*.nbi")}
    assert {"block_steps.backward_block", "compile_helper._backward_kernels",
            "batch_driver.run_forward__serial", "batch_driver.run_backward__serial"} <= cached
    # Kernels compiled by two processes compute what this process's kernels compute, and
    # a warm run loads the same.
    namespace = {"np": np, "qs": qmlstudio}
    exec(_COMPUTE, namespace)
    expected = f"{namespace['values'].tolist()} {namespace['grad'].tolist()}\n"
    assert cold == expected
    assert _run_parent(tmp_path)[0] == expected


def _somebody_elses_kernel():
    """Stands for a kernel another process is compiling (only its name matters)."""


def test_a_compile_waits_while_another_process_holds_the_kernels_lock():
    with _jit._lock_file(_somebody_elses_kernel) as other:
        fcntl.flock(other, fcntl.LOCK_EX)  # another open file: as another process would
        entered = threading.Event()

        def compile_it():
            with _jit._compile_lock(_somebody_elses_kernel):
                entered.set()

        thread = threading.Thread(target=compile_it)
        thread.start()
        assert not entered.wait(0.5)  # blocked while the other holds the lock
        fcntl.flock(other, fcntl.LOCK_UN)
        assert entered.wait(10)
        thread.join(10)


def test_a_lock_held_too_long_is_not_waited_for(monkeypatch):
    monkeypatch.setattr(_jit, "COMPILE_WAIT_S", 0.3)  # the other process is stuck
    with _jit._lock_file(_somebody_elses_kernel) as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        started = time.monotonic()
        with _jit._compile_lock(_somebody_elses_kernel):
            waited = time.monotonic() - started
        assert 0.3 <= waited < 5  # then this process compiles the kernel itself


@pytest.fixture
def starts(monkeypatch, tmp_path) -> list[tuple[list[str], dict[str, str]]]:
    """Each child :func:`compile_helper.start` would start, as (command, environment), on a
    cold cache of its own (ready files in ``tmp_path``) and two cores."""
    started = []
    monkeypatch.setattr(subprocess, "Popen",
                        lambda args, env, **_: started.append((args, env)))
    monkeypatch.setattr(compile_helper, "READY", tmp_path / "backward-half.ready")
    # not the real cache's file, which exists once a helper compiled the training steps
    monkeypatch.setattr(training_epoch, "TRAINING_READY", tmp_path / "training.ready")
    monkeypatch.setattr(compile_helper, "_children", [])
    monkeypatch.setattr(compile_helper, "thread_cap", lambda: 2)
    monkeypatch.delenv(compile_helper.NO_HELPER_VARIABLE, raising=False)
    return started


def test_a_child_starts_only_on_a_cold_cache_with_two_cores_and_never_from_the_child(
        monkeypatch, starts):
    monkeypatch.setenv(compile_helper.NO_HELPER_VARIABLE, "1")  # as in the child
    compile_helper.start()
    assert starts == []
    monkeypatch.delenv(compile_helper.NO_HELPER_VARIABLE)
    compile_helper.start()
    ((command, env),) = starts
    assert command == [sys.executable, "-c", compile_helper.CHILD_CODE]
    assert "PYINSTALLER_RESET_ENVIRONMENT" not in env
    monkeypatch.setattr(compile_helper, "thread_cap", lambda: 1)  # e.g. NUMBA_NUM_THREADS=1
    compile_helper.start()
    assert len(starts) == 1
    monkeypatch.setattr(compile_helper, "thread_cap", lambda: 2)
    compile_helper.READY.touch()
    compile_helper.start()  # the training steps are still to compile: a child for them
    assert len(starts) == 2
    training_epoch.TRAINING_READY.touch()
    compile_helper.start()
    assert len(starts) == 2


def test_a_frozen_app_starts_itself_as_its_helper_on_its_own(monkeypatch, starts):
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # as PyInstaller's bootloader sets
    compile_helper.start()
    ((command, env),) = starts
    # the app's entry script hands "-c CHILD_CODE" to run_as_child (tests/packaging)
    assert command == [sys.executable, "-c", compile_helper.CHILD_CODE]
    # an app of its own, not one sharing this one's bootloader state, which it outlives
    assert env["PYINSTALLER_RESET_ENVIRONMENT"] == "1"
    assert env[compile_helper.NO_HELPER_VARIABLE] == "1"
