"""A second process that compiles half of the batch driver's kernels into a cold cache.

numba compiles on one thread per process (its compiler lock): a first run on an empty cache
spends about 10 s of CPU on one core while the machine's other cores idle (see
:mod:`._jit`). So importing the engine, when the cache does not hold these kernels yet (no
:data:`READY` file), starts a child process (:func:`start`). The child compiles the kernels
of the driver's backward half (undoing blocks, their gradients, the costate and the leading
layer's contractions, and the diagonal runs both halves use) while the parent compiles the
forward half; the parent then loads the child's kernels from the cache instead of compiling
them. A process that reaches a kernel the other one is compiling waits for it
(:func:`._jit._compile_lock`) rather than compile it twice. Measured on this 2-core
machine, quiet: the cold ``qmlstudio train`` of the moons example fell from about 10.4 s to
9.0 s (``bench_first_run.py``).

If the child cannot start or fails, the parent compiles everything itself, as before. Frozen
(PyInstaller) builds have no ``python -m`` to start it with and skip it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

import numpy as np
from numba.core import config

from qmlstudio.engine._jit import CACHE_DIR, caches, entry_kernel
from qmlstudio.engine.block_steps import add_gradients, backward_block, lead_gradients
from qmlstudio.engine.diagonal_runs import multiply_diagonal_run, run_start
from qmlstudio.engine.kernels import layer_reduced1, undo_costate1
from qmlstudio.engine.leading_layer import boundary_contractions
from qmlstudio.engine.measure import costate
from qmlstudio.engine.threads import thread_cap

__all__ = ["NO_HELPER_VARIABLE", "READY", "compile_backward_half", "start"]

READY = CACHE_DIR / "backward-half.ready"
"""Written by the child once its kernels are in the cache: later processes start none."""

_CHILD = f"from {__name__} import compile_backward_half; compile_backward_half()"
NO_HELPER_VARIABLE = "QMLSTUDIO_NO_COMPILE_HELPER"
"""With this environment variable set, :func:`start` starts no child. It is set in the
child's environment (the child starts none of its own); a benchmark of one process's compile
sets it too."""
_children: list[subprocess.Popen] = []  # kept, so that none is reaped as "still running"


@entry_kernel(allocating=True)
def _backward_half(prog, n, flip, zmask, ny, lead_inv, count):
    """Never runs its loop (``count`` is 0): compiling it compiles every kernel of
    :func:`.batch_driver.run_batch`'s backward half, with the argument types the driver gives
    them (the same kinds of arrays, made the same way). Keep the calls in step with the
    driver; a test checks that a warm-up after this one compiles none of these kernels.
    Every array is made as the driver makes one (a cotangent or gradient row, a 1-D view in
    the driver, is ``re`` here: the same type), so no allocation compiles a kind of its own."""
    for _ in range(count):
        re = np.empty(count)
        r = np.empty((4, 4), dtype=np.complex128)
        blocks = np.empty((count, 4, 4), dtype=np.complex128)
        per_lane = np.empty((count, count, 4, 4), dtype=np.complex128)
        table = np.empty((count, count), dtype=np.complex128)
        vectors = np.empty((count, count, 2), dtype=np.complex128)
        t = np.empty(count, dtype=np.complex128)
        cross = np.empty((count, count, 2), dtype=np.complex128)
        # first: the forward half calls it too (the same compiled copy: engine dispatchers
        # ignore literal values), and the parent waits for it there
        multiply_diagonal_run(prog, count, run_start(prog, count, 0), blocks, n, (re, re, re, re),
                              2, True, t, t, cross, re, re)
        costate(re, re, re, re, flip, zmask, ny, re, 0, count)
        backward_block(prog, count, blocks[count], re, re, re, re, re, re, re, re, count, 0,
                       count, r)
        add_gradients(prog.fac_wslot, prog.op_f0[count], prog.op_f1[count],
                      prog.op_kind[count], blocks, r, re)
        layer_reduced1(re, re, re, re, count, blocks[count], 0, count, r)
        undo_costate1(re, re, count, blocks[count], 0, count)
        boundary_contractions(re, re, table[count], table[count], n // 2, lead_inv, 0,
                              1 << (n - n // 2), t, t)
        lead_gradients(prog, n, vectors[count], t, t, blocks, per_lane[count], blocks,
                       re)


def compile_backward_half() -> None:
    """Compile (or load) the kernels of the batch driver's backward half, then write
    :data:`READY`."""
    from qmlstudio.core import Circuit, PauliString  # the engine package imports this module
    from qmlstudio.engine.measure import encode_paulis
    from qmlstudio.engine.program import compile_program

    program = compile_program(Circuit(2).add("cx", [0, 1]))
    flip, zmask, ny = program.measured(encode_paulis([PauliString(())], 2))
    _backward_half(program.arrays, program.n_qubits, flip, zmask, ny, program.lead_tables[1],
                   0)
    with suppress(OSError):  # else a later process starts a child again: harmless
        READY.touch()


def start() -> None:
    """Start the child unless :data:`READY` exists (or this is the child, caching is off, or
    the process may use one core only); returns at once. The engine package calls it when it
    is imported."""
    if (NO_HELPER_VARIABLE in os.environ or READY.exists() or config.DISABLE_JIT
            or getattr(sys, "frozen", False) or not caches(_backward_half)
            or thread_cap() < 2):  # one core (or NUMBA_NUM_THREADS=1): it would only compete
        return
    package_parent = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, NO_HELPER_VARIABLE: "1",
           "PYTHONPATH": package_parent + (os.pathsep + path if path else "")}
    with suppress(OSError):  # then this process compiles everything itself
        _children.append(subprocess.Popen(
            [sys.executable, "-c", _CHILD], env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
