"""Run a compiled program on a batch: forward values and (optionally) adjoint gradients.

The pipeline per sample is: initial state → blocks → expectation values → costate → blocks
undone in reverse, each yielding ``R`` for its gradients → the leading blocks' gradients from
one contraction (:mod:`.leading_layer`). Two drivers run it:

* :mod:`.batch_driver` (:func:`~.batch_driver.run_forward`, then
  :func:`~.batch_driver.run_backward` for gradients) — small states (up to
  :data:`SAMPLE_PARALLEL_MAX_QUBITS` qubits): threads take chunks of interleaved samples whose
  states stay in cache through each pass;
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
    run_backward,
    run_forward,
)
from qmlstudio.engine.block_matrices import constant_block_matrices
from qmlstudio.engine.large_driver import AMP_CHUNK, run_large
from qmlstudio.engine.program import Program
from qmlstudio.engine.threads import choose_threads

__all__ = ["SAMPLE_PARALLEL_MAX_QUBITS", "SimulationResult", "backward_arguments",
           "kept_for_backward", "kept_setups", "layer_states", "run_measured", "run_program",
           "states_kept_for_gradients", "threads_for"]

SAMPLE_PARALLEL_MAX_QUBITS = 14
"""Up to this many qubits a chunk's states fit in a core's cache: parallelise over samples."""


def states_kept_for_gradients(n_qubits: int, n_samples: int, cotangent_function: bool) -> int:
    """How many final states a vjp keeps between its forward and backward passes: every
    sample's in the batch driver (its passes are two calls; see :func:`_run_batch`), and
    with a cotangent function all but the last in the large driver."""
    if n_qubits <= SAMPLE_PARALLEL_MAX_QUBITS:
        return n_samples
    return n_samples - 1 if cotangent_function else 0


LAYER_STATES_BUDGET = 64 << 20
"""Bytes of kept layer input states (see :mod:`.batch_driver`) a call may use; a call that
would need more undoes ψ instead (the same numbers, a third more backward sweeps)."""

SETUPS_BUDGET = 16 << 20
"""Bytes of per-sample set-up a vjp may keep between its two passes (see
:func:`.batch_driver.run_forward`); beyond it, the backward pass runs in groups of chunks whose
set-ups fit (see :func:`_run_batch`)."""


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


def layer_states(program: Program, n_samples: int, final: bool,
                 initial: bool = False) -> np.ndarray:
    """The kept states' array for a call with a backward pass: (chunks, layers + ``final``,
    2, chunk size) — the input states of the layers (of :meth:`.Program.layers_from`
    ``initial``; for a layer right after a permutation, the state before it) and, with
    ``final``, the final state between the two passes of a vjp — or, when that does not fit
    the budget, the layers' alone (the final states then go to arrays of their own), or an
    array with no rows when nothing is kept. Hand it back with :func:`_return_kept` (kind
    ``"layers"``) when the call is done."""
    n_layers = program.layers_from(initial)[1]
    shape = (chunks_for(n_samples), n_layers + final, 2,
             1 << (program.n_qubits + lanes_log2_for(n_samples)))
    kept = _kept_array("layers", shape, np.float64, LAYER_STATES_BUDGET)
    if final and not kept.shape[0] and n_layers:
        return layer_states(program, n_samples, False, initial)
    return kept


def kept_for_backward(program: Program, n_samples: int,
                      states: tuple[np.ndarray, np.ndarray] | None = None,
                      initial: bool = False,
                      ) -> tuple[np.ndarray, bool, tuple[np.ndarray, np.ndarray]]:
    """What a call with a backward pass (from initial states if ``initial``) keeps between
    its passes: the kept layer states (:func:`layer_states`), whether their last slot holds
    the final states, and the final states' planes — ``states`` when the caller asks for
    them, else planes of their own unless the layer states hold them (then planes with no
    rows)."""
    dim = 1 << program.n_qubits
    final = states is None
    layers = layer_states(program, n_samples, final, initial)
    final_kept = (final and layers.shape[0] > 0
                  and layers.shape[1] > program.layers_from(initial)[1])
    if states is None:
        rows = 0 if final_kept else n_samples
        states = (np.empty((rows, dim)), np.empty((rows, dim)))
    return layers, final_kept, states


def kept_setups(program: Program, n_samples: int) -> np.ndarray:
    """The array in which a vjp keeps per-sample set-up between its two passes: a row for
    every chunk, or as many as fit in :data:`SETUPS_BUDGET` (at least one; see
    :func:`_run_batch`)."""
    row = kept_setup_size(program.n_qubits, 1 << lanes_log2_for(n_samples),
                          program.n_feature_blocks, len(program.weight_factors))
    rows = min(chunks_for(n_samples), max(1, SETUPS_BUDGET // (16 * row)))
    return _kept_array("setups", (rows, row), np.complex128, max(SETUPS_BUDGET, 16 * row))


class SimulationResult:
    """Values (B, K); gradients of the weight factors summed over the batch (by weight slot)
    or None; final states (B, 2**n) or None."""

    __slots__ = ("slot_grads", "states", "values")

    def __init__(self, values, slot_grads, states):
        self.values = values
        self.slot_grads = slot_grads
        self.states = states


def _run_batch(threads, program, x, weights, init, paulis, cotangent, u_const, d_const,
               shift_factor, shift, values, states):
    """The batch driver's forward pass (:func:`.batch_driver.run_forward`) and, with a
    cotangent, its backward pass (:func:`.batch_driver.run_backward`); returns the gradient
    rows of the chunks (or None). A cotangent function receives the values between the two
    passes. The final states go to ``states`` (None or a pair of (B, 2**n) planes, real and
    imaginary) if asked for; else the backward pass finds them in the kept layer states'
    last slot (within its budget, interleaved as each chunk is) or in arrays of their own.

    The forward pass keeps each chunk's per-sample set-up for the backward pass. When the
    set-ups of all chunks do not fit in :data:`SETUPS_BUDGET`, the forward pass keeps none,
    and the backward pass runs in groups of chunks whose set-ups fit, each after a forward
    call that only computes that group's set-ups.

    Two drivers rather than one that does both: on a cold cache the two compile in two
    processes at once (see :mod:`.compile_helper`), and the backward one holds no code for
    block matrices."""
    n_samples = len(values)
    n_chunks = chunks_for(n_samples)
    dim = 1 << program.n_qubits
    backward = cotangent is not None
    use_product = init is None
    if backward:
        layers, final_kept, (states_re, states_im) = kept_for_backward(
            program, n_samples, states, not use_product)
    else:
        layers, final_kept = np.empty((0, 0, 2, 0)), False
        states_re, states_im = states if states is not None else (np.empty((0, dim)),) * 2
    setups = (kept_setups(program, n_samples) if backward
              else np.empty((0, 0), np.complex128))
    layer_runs = program.layers_from(not use_product)[0]
    init_re = np.empty((0, dim)) if use_product else np.ascontiguousarray(init.real)
    init_im = np.empty((0, dim)) if use_product else np.ascontiguousarray(init.imag)

    def forward(sweep: bool, chunk0: int, count: int, kept: np.ndarray) -> None:
        run_forward.on(threads)(
            program.arrays, program.n_qubits, x, weights, init_re, init_im,
            program.lead_tables[0], *paulis, backward, sweep, chunk0, count, u_const, d_const,
            shift_factor, shift, program.max_factors, program.n_feature_blocks,
            lanes_log2_for(n_samples), values, states_re, states_im, layer_runs, layers,
            final_kept, kept)

    all_kept = len(setups) == n_chunks
    forward(True, 0, n_chunks, setups if all_kept else setups[:0])
    if not backward:
        return None
    cot = cotangent(values) if callable(cotangent) else cotangent
    # the layout the compile helper compiled the backward driver for (a read-only, Fortran
    # or strided cotangent would compile it once more)
    cot = np.require(cot, np.float64, ("C", "W"))
    grad_chunks = np.zeros((n_chunks, len(program.weight_factors)))
    for chunk0 in range(0, n_chunks, len(setups)):
        kept = setups[:n_chunks - chunk0]
        if not all_kept:
            forward(False, chunk0, len(kept), kept)
        run_backward.on(threads)(*backward_arguments(
            program, paulis, use_product, n_samples, cot, chunk0, u_const, d_const,
            grad_chunks, states_re, states_im, layers, final_kept, kept))
    _return_kept("setups", setups)
    _return_kept("layers", layers)
    return grad_chunks


def backward_arguments(program, paulis, use_product, n_samples, cot, chunk0, u_const,
                       d_const, grad_chunks, states_re, states_im, layers, final_kept,
                       setups) -> tuple:
    """The arguments of :func:`.batch_driver.run_backward` (see :func:`_run_batch`): one home
    for them, which :mod:`.compile_helper` also uses to compile that driver with the types
    this module passes."""
    return (program.arrays, program.n_qubits, program.lead_tables[1], *paulis, use_product,
            n_samples, cot, chunk0, u_const, d_const, program.n_feature_blocks,
            lanes_log2_for(n_samples), grad_chunks, states_re, states_im,
            program.layers_from(not use_product)[0], layers, final_kept, setups)


def _execute(threads, program, x, weights, init, paulis, cotangent, u_const, d_const,
             shift_factor, shift, values, states):
    """Run the driver that suits the state size; returns the slot gradients (zeros without a
    cotangent).

    A cotangent function needs every value before any backward sweep: the large driver
    handles that itself (see :func:`.large_driver.run_large`), the batch driver's two passes
    are two calls (see :func:`_run_batch`). ``u_const``/``d_const`` (zeros) receive the
    sample-independent block matrices: here for the large driver, inside the batch driver's
    forward pass for small states.
    """
    n_slots = len(program.weight_factors)
    if program.n_qubits > SAMPLE_PARALLEL_MAX_QUBITS:
        constant_block_matrices(program.arrays, weights, shift_factor, shift,
                                cotangent is not None, u_const, d_const,
                                np.empty((3 * program.max_factors + 2, 4, 4), np.complex128))
        grads = np.zeros(n_slots)
        run_large(threads, program, x, weights, init, paulis, cotangent, u_const, d_const,
                  shift_factor, shift, values, grads, states)
        return grads
    grad_chunks = _run_batch(threads, program, x, weights, init, paulis, cotangent, u_const,
                             d_const, shift_factor, shift, values, states)
    if grad_chunks is None:
        return np.zeros(n_slots)
    return grad_chunks[0] if len(grad_chunks) == 1 else grad_chunks.sum(axis=0)


def threads_for(program: Program, n_samples: int) -> int:
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
    threads = threads_for(program, len(x))
    with parallel_region(threads) if threads > 1 else nullcontext():
        grads = _execute(threads, program, x, weights, init, measured, cotangent, u_const,
                         d_const, shift_factor, shift, values, states)
    return SimulationResult(values, grads if cotangent is not None else None,
                            states[0] + 1j * states[1] if want_states else None)
