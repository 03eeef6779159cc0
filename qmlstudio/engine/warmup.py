"""Preparing the simulator: compile (or load from the on-disk cache) the kernels a first
result needs, before anyone asks for one.

numba compiles a kernel the first time it is called. On a fresh install that is the batch
driver and the forty-odd kernels it calls, tens of seconds on a busy machine; afterwards they
load from the cache in well under a second (see :mod:`._jit`). An app calls :func:`prepare`
on a worker thread as soon as it starts, so the compile overlaps with the user opening a
project, and shows :func:`prepare`'s progress instead of an unexplained wait;
:func:`is_prepared` says whether it has finished in this process.

The warm-up runs one tiny circuit through the same public calls training and the state view
make (a vjp with a cotangent function, and a statevector): every circuit up to
:data:`~.simulate.SAMPLE_PARALLEL_MAX_QUBITS` qubits runs the same compiled code, because the
kernels take the program as arrays, never as code. Larger circuits compile the large-state
driver on their first call.
"""

from __future__ import annotations

import threading
import types
from collections.abc import Callable, Iterable

import numpy as np
from numba.core import event
from numba.core.dispatcher import Dispatcher

from qmlstudio.core import Circuit, w, x
from qmlstudio.engine import batch_driver
from qmlstudio.engine._jit import KERNEL_READY
from qmlstudio.engine.api import statevector, vjp
from qmlstudio.engine.readout_loss import prepare_step_kernels
from qmlstudio.engine.simulate import SAMPLE_PARALLEL_MAX_QUBITS

__all__ = ["Progress", "is_prepared", "kernels_to_prepare", "prepare", "prepares_for"]

Progress = Callable[[int, int], None]
"""``progress(done, total)``: kernels compiled or loaded so far, of ``total`` (a cache that
holds the batch driver itself loads it whole: then only the final call)."""

_PREPARED = threading.Event()
_LOCK = threading.Lock()  # one warm-up at a time; a second caller waits, then returns


def is_prepared() -> bool:
    """True once :func:`prepare` has finished in this process (the first results then come
    without compiling)."""
    return _PREPARED.is_set()


def prepares_for(n_qubits: int) -> bool:
    """True if :func:`prepare` compiles the code that an ideal (noise-free) simulation of a
    circuit of ``n_qubits`` qubits runs: the batch drivers'; a larger circuit runs the
    large-state driver, which compiles on its first call."""
    return n_qubits <= SAMPLE_PARALLEL_MAX_QUBITS


def kernels_to_prepare() -> frozenset[Dispatcher]:
    """The engine kernels the batch driver's call graph holds: the ones a warm-up compiles
    on a cold cache (found by walking the names each kernel's code refers to). A driver
    compiled twice from one function (serial and parallel) appears with both dispatchers;
    progress counts them as one (see :func:`prepare`)."""
    todo = list(vars(batch_driver).values())
    found: set[Dispatcher] = set()
    while todo:
        for dispatcher in _dispatchers(todo.pop()):
            if dispatcher not in found:
                found.add(dispatcher)
                todo.extend(_referenced(dispatcher.py_func))
    return frozenset(found)


def _dispatchers(value: object) -> list[Dispatcher]:
    """``value`` if it is a dispatcher, else the dispatchers it holds as attributes (an
    object pairing the twins of one function)."""
    if isinstance(value, Dispatcher):
        return [value]
    if isinstance(value, types.ModuleType | type):
        return []
    return [v for v in getattr(value, "__dict__", {}).values() if isinstance(v, Dispatcher)]


def _referenced(function: types.FunctionType) -> Iterable[object]:
    scope = function.__globals__
    return (scope[name] for name in function.__code__.co_names if name in scope)


def _warm_up_calls() -> None:
    """The public calls whose compiled code the first training step and state need, and
    the step's readout and Adam kernels."""
    circuit = (Circuit(2).add("ry", 0, x(0)).add("rx", 1, w(0)).add("cx", [0, 1])
               .add("rz", 1, w(1)))
    features = np.array([[0.1], [0.2], [0.3]])

    def cotangent(values: np.ndarray) -> np.ndarray:
        # Between the two passes, as in a training step. On a cold cache the compile helper
        # is still compiling the backward pass here (it finished 0.7 s after this process's
        # forward pass in a timed cold moons run), and it would compile these next, with
        # this process waiting for them once it trains (1.5 s of CPU).
        prepare_step_kernels()
        return values

    vjp(circuit, features, np.zeros(2), ["Z0"], cotangent)
    statevector(circuit, features[0], np.zeros(2))


def prepare(progress: Progress | None = None) -> None:
    """Compile (or load) the kernels the first results need; ``progress(done, total)`` is
    called from this thread after each kernel. Returns at once when already prepared; safe
    to call from any thread, and while other threads use the engine."""
    with _LOCK:
        if _PREPARED.is_set():
            return
        # One unit of progress per function: twins share their code object.
        codes = {kernel.py_func.__code__ for kernel in kernels_to_prepare()}
        total = len(codes)
        done: set[types.CodeType] = set()

        class _Counter(event.Listener):
            def on_start(self, ev: event.Event) -> None:
                pass

            def on_end(self, ev: event.Event) -> None:
                code = ev.data["dispatcher"].py_func.__code__
                if code in codes and code not in done:
                    done.add(code)
                    if progress is not None:
                        progress(len(done), total)

        if progress is not None:
            progress(0, total)
        with event.install_listener(KERNEL_READY, _Counter()):
            _warm_up_calls()
        _PREPARED.set()
        if progress is not None:
            progress(total, total)
