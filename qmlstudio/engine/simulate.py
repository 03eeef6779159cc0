"""Run a compiled program on a batch: forward values and (optionally) adjoint gradients.

The pipeline per sample is: initial state → blocks → expectation values → costate → blocks
undone in reverse, each yielding ``R`` for its gradients → the leading blocks' gradients from
one contraction (:mod:`.leading_layer`). Two drivers run it:

* :func:`.batch_driver.run_batch` — small states (up to
  :data:`SAMPLE_PARALLEL_MAX_QUBITS` qubits): threads take chunks of interleaved samples whose
  states stay in cache for the whole forward and backward pass;
* :func:`.large_driver.run_large` — large states: one sample at a time, every stage split
  into fixed-size amplitude chunks across threads.

Both call the same range kernels, and no chunk size depends on the thread count, so the
numbers are identical whatever the thread count is. Each call picks its thread count from its
work (:func:`.threads.choose_threads`); on one thread the drivers' serial twins run, outside
any parallel region.

The adjoint gradient: with ψ_N the final state and λ = Σ_k c_k P_k ψ_N, walking the blocks
backwards (ψ ← U†ψ, λ ← U†λ) gives ∂(Σ_k c_k⟨P_k⟩)/∂θ = 2 Re⟨λ|∂U/∂θ|ψ⟩ = 2 Re Tr(D R).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from contextlib import nullcontext

import numpy as np

from qmlstudio.engine._jit import parallel_region
from qmlstudio.engine.batch_driver import (
    chunks_for,
    kept_setup_size,
    lanes_log2_for,
    run_batch,
)
from qmlstudio.engine.block_matrices import constant_block_matrices
from qmlstudio.engine.large_driver import AMP_CHUNK, run_large
from qmlstudio.engine.program import Program
from qmlstudio.engine.threads import choose_threads

__all__ = ["SAMPLE_PARALLEL_MAX_QUBITS", "SimulationResult", "run_measured", "run_program",
           "states_kept_for_cotangent_function"]

SAMPLE_PARALLEL_MAX_QUBITS = 14
"""Up to this many qubits a chunk's states fit in a core's cache: parallelise over samples."""


def states_kept_for_cotangent_function(n_qubits: int, n_samples: int) -> int:
    """How many final states a vjp with a cotangent function keeps (see :func:`_execute`):
    every sample's in the batch driver, all but the last in the large driver."""
    return n_samples if n_qubits <= SAMPLE_PARALLEL_MAX_QUBITS else n_samples - 1


LAYER_STATES_BUDGET = 64 << 20
"""Bytes of kept layer input states (see :mod:`.batch_driver`) a call may use; a call that
would need more undoes ψ instead (the same numbers, a third more backward sweeps)."""

SETUPS_BUDGET = 16 << 20
"""Bytes of per-sample set-up a vjp with a cotangent function may keep between its two
passes (see :func:`.batch_driver.run_batch`); beyond it, the second pass computes it again."""


class _SpareArrays(threading.local):
    """The last call's kept arrays, per thread and kind, for the next call of the same
    shape: a fresh array's first writes fault its pages in (measured: 4 ms of a 90 ms W2
    vjp)."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}


_spare = _SpareArrays()


def _kept_array(kind: str, shape: tuple[int, ...], dtype: type, budget: int) -> np.ndarray:
    """An array of ``shape`` for ``kind`` (this thread's spare when it has that shape), or
    one with no rows when it would be empty or exceed ``budget`` bytes. Hand it back with
    :func:`_return_kept` when the call is done."""
    entries = math.prod(shape)  # not np.prod: 3 µs a call on a tuple, at every training step
    if not entries or np.dtype(dtype).itemsize * entries > budget:
        return np.empty((0,) * len(shape), dtype)
    spare = _spare.arrays.pop(kind, None)  # taken: a nested call makes its own
    return spare if spare is not None and spare.shape == shape else np.empty(shape, dtype)


def _return_kept(kind: str, array: np.ndarray) -> None:
    """Keep ``array`` (from :func:`_kept_array`) for this thread's next call."""
    if array.shape[0]:
        _spare.arrays[kind] = array


def _layer_states(program: Program, n_samples: int, final: bool) -> np.ndarray:
    """The kept states' array for a call with a backward pass: (chunks, layers + ``final``,
    2, chunk size) — the layers' input states and, with ``final``, the final state between
    the two phases of a vjp with a cotangent function — or an array with no rows when
    nothing is kept or it does not fit the budget. Hand it back with
    :func:`_return_kept` (kind ``"layers"``) when the call is done."""
    shape = (chunks_for(n_samples), program.n_layers + final, 2,
             1 << (program.n_qubits + lanes_log2_for(n_samples)))
    return _kept_array("layers", shape, np.float64, LAYER_STATES_BUDGET)


def _kept_setups(program: Program, n_samples: int) -> np.ndarray:
    """The array in which a vjp with a cotangent function keeps each chunk's per-sample
    set-up between its two passes (or one with no rows: over :data:`SETUPS_BUDGET`)."""
    shape = (chunks_for(n_samples),
             kept_setup_size(program.n_qubits, 1 << lanes_log2_for(n_samples),
                             program.n_feature_blocks, len(program.weight_factors)))
    return _kept_array("setups", shape, np.complex128, SETUPS_BUDGET)


class SimulationResult:
    """Values (B, K); gradients of the weight factors summed over the batch (by weight slot)
    or None; final states (B, 2**n) or None."""

    __slots__ = ("slot_grads", "states", "values")

    def __init__(self, values, slot_grads, states):
        self.values = values
        self.slot_grads = slot_grads
        self.states = states


def _run_batch(threads, program, x, weights, init, paulis, cot, do_forward, do_backward,
               u_const, d_const, shift_factor, shift, values, grad_chunks, states,
               layer_states, final_kept=False, setups=None):
    """One call of :func:`.batch_driver.run_batch`; ``states`` is None or a pair of
    (B, 2**n) planes (real, imaginary) for the final states; ``layer_states`` as
    :func:`_layer_states` makes it (``final_kept``: with the final state's slot);
    ``setups`` as :func:`_kept_setups` makes it, or None."""
    dim = 1 << program.n_qubits
    states_re, states_im = states if states is not None else (np.empty((0, dim)),) * 2
    init_re = np.empty((0, dim)) if init is None else np.ascontiguousarray(init.real)
    init_im = np.empty((0, dim)) if init is None else np.ascontiguousarray(init.imag)
    run_batch.on(threads)(program.arrays, program.n_qubits, x, weights, init_re, init_im,
                          *program.lead_tables, *paulis, cot, do_forward, do_backward,
                          u_const, d_const, shift_factor, shift, program.max_factors,
                          program.n_feature_blocks, lanes_log2_for(len(x)), values,
                          grad_chunks, states_re, states_im, program.layer_runs, layer_states,
                          final_kept,
                          np.empty((0, 0), np.complex128) if setups is None else setups)


def _execute(threads, program, x, weights, init, paulis, cotangent, u_const, d_const,
             shift_factor, shift, values, states):
    """Run the driver that suits the state size; returns the slot gradients (zeros without a
    cotangent).

    A cotangent function needs every value before any backward sweep. The large driver
    handles that itself (see :func:`.large_driver.run_large`); the batch driver runs twice,
    keeping the final states in between (its threads cannot call Python half-way).
    ``u_const``/``d_const`` (zeros) receive the sample-independent block matrices: here for
    the large driver, inside the batch driver for small states.
    """
    n_samples, n_obs = values.shape
    n_slots = len(program.weight_factors)
    if program.n_qubits > SAMPLE_PARALLEL_MAX_QUBITS:
        constant_block_matrices(program.arrays, weights, shift_factor, shift,
                                cotangent is not None, u_const, d_const,
                                np.empty((3 * program.max_factors + 2, 4, 4), np.complex128))
        grads = np.zeros(n_slots)
        run_large(threads, program, x, weights, init, paulis, cotangent, u_const, d_const,
                  shift_factor, shift, values, grads, states)
        return grads
    grad_chunks = np.zeros((chunks_for(n_samples), n_slots))
    run = (threads, program, x, weights, init, paulis)
    final = callable(cotangent) and states is None
    layers = (_layer_states(program, n_samples, final) if cotangent is not None
              else np.empty((0, 0, 2, 0)))
    if callable(cotangent):
        final_kept = final and layers.shape[0] > 0
        if states is None and not final_kept:
            states = tuple(np.empty((n_samples, 1 << program.n_qubits)) for _ in range(2))
        setups = _kept_setups(program, n_samples)
        _run_batch(*run, np.zeros((n_samples, n_obs)), True, False, u_const, d_const,
                   shift_factor, shift, values, grad_chunks, states, layers, final_kept,
                   setups)
        _run_batch(*run, cotangent(values), False, True, u_const, d_const, shift_factor,
                   shift, values, grad_chunks, states, layers, final_kept, setups)
        _return_kept("setups", setups)
    else:
        cot = np.zeros((n_samples, n_obs)) if cotangent is None else cotangent
        _run_batch(*run, cot, True, cotangent is not None, u_const, d_const, shift_factor,
                   shift, values, grad_chunks, states, layers)
    _return_kept("layers", layers)
    return grad_chunks[0] if len(grad_chunks) == 1 else grad_chunks.sum(axis=0)


def _threads_for(program: Program, n_samples: int) -> int:
    """The call's thread count: its work is amplitudes × samples × blocks; its tasks are
    chunks of interleaved samples (batch driver) or of amplitudes (large driver)."""
    dim = 1 << program.n_qubits
    if program.n_qubits > SAMPLE_PARALLEL_MAX_QUBITS:
        tasks = -(-dim // AMP_CHUNK)
    else:
        tasks = chunks_for(n_samples)
    return choose_threads(dim * n_samples * max(1, program.n_ops), tasks)


def run_program(program: Program, x: np.ndarray, weights: np.ndarray,
                init: np.ndarray | None, paulis: tuple[np.ndarray, ...],
                cotangent: np.ndarray | Callable[[np.ndarray], np.ndarray] | None = None,
                want_states: bool = False, shift_factor: int = -1,
                shift: float = 0.0) -> SimulationResult:
    """Simulate ``program`` for every row of ``x`` (arguments validated by the caller).

    ``init`` is None (start in |0…0⟩) or a (1 | B, 2**n) complex array. With a ``cotangent``
    (B, K) the result also holds Σ_b Σ_k c_bk ∂⟨P_k⟩_b/∂θ_f for every weight factor ``f``; a
    callable cotangent receives the values first (the forward pass runs once; see
    :func:`_execute`). ``shift_factor``/``shift`` move one factor's angle. ``paulis`` are
    the circuit's observables; the program measures them through its folded tail.
    """
    return run_measured(program, x, weights, init, program.measured(paulis), cotangent,
                        want_states, shift_factor, shift)


def run_measured(program: Program, x: np.ndarray, weights: np.ndarray,
                 init: np.ndarray | None, measured: tuple[np.ndarray, ...],
                 cotangent: np.ndarray | Callable[[np.ndarray], np.ndarray] | None = None,
                 want_states: bool = False, shift_factor: int = -1,
                 shift: float = 0.0) -> SimulationResult:
    """:func:`run_program` for observables already through :meth:`.Program.measured` (what
    ``measured`` holds): a caller measuring the same observables at every call keeps them."""
    if want_states and len(program.tail_images):
        raise AssertionError("the final states need a program compiled with fold_tail=False")
    u_const = np.zeros((program.n_ops, 4, 4), dtype=np.complex128)
    d_const = np.zeros((len(program.weight_factors), 4, 4), dtype=np.complex128)
    values = np.empty((len(x), len(measured[0])))
    states = None
    if want_states:
        states = tuple(np.empty((len(x), 1 << program.n_qubits)) for _ in range(2))
    threads = _threads_for(program, len(x))
    with parallel_region(threads) if threads > 1 else nullcontext():
        grads = _execute(threads, program, x, weights, init, measured, cotangent, u_const,
                         d_const, shift_factor, shift, values, states)
    return SimulationResult(values, grads if cotangent is not None else None,
                            states[0] + 1j * states[1] if want_states else None)
