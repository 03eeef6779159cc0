"""A second process that compiles half the kernels of a first run into a cold cache, and more.

numba compiles on one thread per process (its compiler lock): a first run on an empty cache
spends 15–20 s of CPU on one core while the machine's other cores idle (see :mod:`._jit`).
So importing the engine, when the cache does not hold these kernels yet (no :data:`READY`
file), starts a child process (:func:`start`). The batch driver is two drivers, forward and
backward (:mod:`.batch_driver`), each with its own code library, so the two halves of the
LLVM work compile at once too: the child compiles the backward pass's own kernels (undoing
blocks, their gradients, the costate and the leading layer's contractions, and the diagonal
runs both passes use), then :func:`.batch_driver.run_backward` itself, while the parent
compiles the forward kernels and :func:`.batch_driver.run_forward`; the parent then loads
the child's driver from the cache instead of compiling it. A process that reaches a kernel
the other one is compiling waits for it (:func:`._jit._compile_lock`) rather than compile it
twice. Measured on this 2-core machine (``bench_first_run.py``, interleaved): the cold
``qmlstudio train`` of the moons example took 12.5–14.6 s when the child compiled only the
backward kernels and the parent one whole driver, 10.1–11.0 s with the drivers split.

The child also compiles the readout and Adam kernels a training step calls
(:mod:`.readout_loss`; the parent's warm-up has usually compiled them by then, between its
two passes, and the child loads them) and then, once its parent is idle or has exited, the
compiled training steps (:mod:`.training_epoch`: about 20 s of CPU that would slow a first
run still working on the other core); it writes one ready file for each part, and a process
starts no child once both exist.

If the child cannot start or fails, the parent compiles everything itself, as before. The
child is ``python -c`` :data:`CHILD_CODE`; a frozen (PyInstaller) app has no interpreter to
give ``-c``, so it starts itself with those arguments, and its entry script
(``packaging/qmlstudio_main.py``) hands them to :func:`run_as_child`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import numpy as np
from numba import typeof
from numba.core import config

from qmlstudio.engine._jit import CACHE_DIR, allocating_kernel, caches
from qmlstudio.engine.batch_driver import run_backward
from qmlstudio.engine.block_steps import add_gradients, backward_block, lead_gradients
from qmlstudio.engine.diagonal_runs import multiply_diagonal_run, run_start
from qmlstudio.engine.kernels import layer_reduced1, layer_reduced2, undo_costate1
from qmlstudio.engine.leading_layer import boundary_contractions
from qmlstudio.engine.measure import lane_costate
from qmlstudio.engine.readout_loss import prepare_step_kernels
from qmlstudio.engine.threads import thread_cap

__all__ = ["CHILD_CODE", "NO_HELPER_VARIABLE", "READY", "compile_backward_pass",
           "compile_in_background", "run_as_child", "start"]

READY = CACHE_DIR / "backward-half.ready"
"""Written by the child once its kernels are in the cache: later processes start none."""

CHILD_CODE = f"from {__name__} import compile_in_background; compile_in_background()"
"""What the child runs, as ``python -c CHILD_CODE`` (or ``APP -c CHILD_CODE``, frozen)."""
NO_HELPER_VARIABLE = "QMLSTUDIO_NO_COMPILE_HELPER"
"""With this environment variable set, :func:`start` starts no child. It is set in the
child's environment (the child starts none of its own); a benchmark of one process's compile
sets it too."""
_children: list[subprocess.Popen] = []  # kept, so that none is reaped as "still running"


@allocating_kernel
def _backward_kernels(prog, n, flip, zmask, ny, lead_inv, count):
    """Never runs (it is only compiled, as IR: no module optimisation, no machine code):
    compiling it compiles the kernels of :func:`.batch_driver.run_backward` that the forward
    pass does not call, with the argument types that driver gives them (the same kinds of
    arrays, made the same way), before the driver itself; so the child does not wait on the
    parent for the kernels both passes call first. Keep the calls in step with the driver; a
    test checks that a warm-up after this one compiles none of these kernels. Every array is
    made as the driver makes one (a cotangent or gradient row, a 1-D view in the driver, is
    ``re`` here: the same type), so no allocation compiles a kind of its own."""
    for _ in range(count):
        re = np.empty(count)
        r = np.empty((4, 4), dtype=np.complex128)
        blocks = np.empty((count, 4, 4), dtype=np.complex128)
        per_lane = np.empty((count, count, 4, 4), dtype=np.complex128)
        table = np.empty((count, count), dtype=np.complex128)
        cot = np.empty((count, count))
        vectors = np.empty((count, count, 2), dtype=np.complex128)
        t = np.empty(count, dtype=np.complex128)
        cross = np.empty((count, count, 2), dtype=np.complex128)
        # first: the forward half calls it too (the same compiled copy: engine dispatchers
        # ignore literal values), and the parent waits for it there
        multiply_diagonal_run(prog, count, run_start(prog, count, 0), blocks, n, (re, re, re, re),
                              2, True, t, t, cross, re, re)
        lane_costate(re, re, re, re, flip, zmask, ny, cot, count, count, count)
        backward_block(prog, count, blocks[count], re, re, re, re, re, re, re, re, count, 0,
                       count, r)
        add_gradients(prog.fac_wslot, prog.op_f0[count], prog.op_f1[count],
                      prog.op_kind[count], blocks, r, re)
        layer_reduced1(re, re, re, re, count, blocks[count], 0, count, r)
        layer_reduced2(re, re, re, re, count, blocks[count], r, count, blocks[count], r, 0,
                       count)
        undo_costate1(re, re, count, blocks[count], 0, count)
        boundary_contractions(re, re, table[count], table[count], n // 2, lead_inv, 0,
                              1 << (n - n // 2), t, t, count, count)
        lead_gradients(prog, n, vectors[count], t, t, blocks, per_lane[count], blocks,
                       re)


def compile_backward_pass() -> None:
    """Compile (or load) :func:`.batch_driver.run_backward`'s serial twin and the kernels only
    it calls, with the types the engine calls it with, and the readout kernels, then write
    :data:`READY`."""
    from qmlstudio.core import Circuit, PauliString  # the engine package imports this module
    from qmlstudio.engine.measure import encode_paulis
    from qmlstudio.engine.program import compile_program
    from qmlstudio.engine.simulate import backward_arguments

    program = compile_program(Circuit(2).add("cx", [0, 1]))
    paulis = program.measured(encode_paulis([PauliString(())], 2))
    _backward_kernels.compile(tuple(typeof(a) for a in (
        program.arrays, program.n_qubits, *paulis, program.lead_tables[1], 0)))
    plane, rows = np.empty((1, 4)), np.empty((1, 1))
    arguments = backward_arguments(
        program, paulis, True, 1, rows, 0, np.empty((1, 4, 4), np.complex128),
        np.empty((0, 4, 4), np.complex128), rows, plane, plane, np.empty((0, 0, 2, 0)), False,
        np.empty((1, 1), np.complex128))
    run_backward.serial.compile(tuple(typeof(a) for a in arguments))
    prepare_step_kernels()
    with suppress(OSError):  # else a later process starts a child again: harmless
        READY.touch()


IDLE_CPU_FRACTION = 0.1
"""The parent counts as idle below this share of one core, over :data:`IDLE_WINDOW_S`."""
IDLE_WINDOW_S = 1.0


def _parent_cpu_seconds(pid: int) -> float | None:
    """The CPU seconds process ``pid`` has used, or None where ``/proc`` cannot say."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for_an_idle_parent() -> None:
    """Return once the parent has exited or, where ``/proc`` tells, uses less than
    :data:`IDLE_CPU_FRACTION` of a core: the training steps' compile (20 s of CPU) would
    otherwise slow a first run that is still compiling or training on the other core (on this
    2-core machine the cold moons run took 18.2 s with the compile during the run, against
    13.6 s for the code before the compiled steps, in the same rounds)."""
    parent = os.getppid()
    while os.getppid() == parent:
        before = _parent_cpu_seconds(parent)
        time.sleep(IDLE_WINDOW_S)
        after = _parent_cpu_seconds(parent)
        if before is not None and after is not None \
                and after - before < IDLE_CPU_FRACTION * IDLE_WINDOW_S:
            return


def compile_in_background() -> None:
    """The child's work: the backward pass and the readout kernels unless :data:`READY`
    says they are cached; then, once the parent is idle or gone, the compiled training steps
    (:func:`.training_epoch.prepare_training`), which a first run does not wait for: it
    trains on the Python path meanwhile."""
    from qmlstudio.engine.training_epoch import prepare_training

    if not READY.exists():
        compile_backward_pass()
    _wait_for_an_idle_parent()
    prepare_training()


def start() -> None:
    """Start the child unless :data:`READY` and the training steps' ready file exist (or
    this is the child, caching is off, or the process may use one core only); returns at
    once. The engine package calls it when it is imported."""
    from qmlstudio.engine.training_epoch import TRAINING_READY

    if (NO_HELPER_VARIABLE in os.environ or (READY.exists() and TRAINING_READY.exists())
            or config.DISABLE_JIT or not caches(run_backward.serial)
            or thread_cap() < 2):  # one core (or NUMBA_NUM_THREADS=1): it would only compete
        return
    package_parent = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, NO_HELPER_VARIABLE: "1",
           "PYTHONPATH": package_parent + (os.pathsep + path if path else "")}
    if getattr(sys, "frozen", False):
        # PyInstaller: the child is an instance of the app of its own, not a part of this
        # one (a one-file build's child would use this process's unpacked files, which go
        # when this process exits, and the child may go on compiling after that)
        env["PYINSTALLER_RESET_ENVIRONMENT"] = "1"
    with suppress(OSError):  # then this process compiles everything itself
        _children.append(subprocess.Popen(
            [sys.executable, "-c", CHILD_CODE], env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))


def run_as_child(arguments: list[str]) -> None:
    """A frozen app's entry for its own compile helper: the arguments after ``-c`` must be
    exactly ``[CHILD_CODE]`` (the app runs no other code it is given); anything else exits
    with a message and status 2, as an unknown option would."""
    if arguments != [CHILD_CODE]:
        print("qmlstudio: -c is the compile helper's own option", file=sys.stderr)
        raise SystemExit(2)
    compile_in_background()
