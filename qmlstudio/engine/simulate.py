"""Run a compiled program on a batch: forward values and (optionally) adjoint gradients.

The pipeline per sample is: initial state → blocks → expectation values → costate → blocks
undone in reverse, each yielding ``R`` for its gradients → the leading blocks' gradients from
one contraction (:mod:`.leading_layer`). Two drivers run it:

* :func:`_run_batch` — small states (up to :data:`SAMPLE_PARALLEL_MAX_QUBITS` qubits). Threads
  take chunks of :data:`LANES` samples stored *interleaved*: amplitude ``i`` of lane ``l`` sits
  at ``i * LANES + l``, so the chunk is one state of ``n + 3`` bits whose 3 lowest bits are the
  sample. A block whose matrix is shared by all samples (weights and constants only) is then
  applied once to the whole chunk at bit ``t + 3`` — long contiguous loops that vectorise
  even for the lowest wire bits — and its reduced matrix ``R`` is summed over the lanes, which
  is exactly what the summed gradient needs. Blocks that read data features are applied lane
  by lane. The chunk's states stay in cache for the whole forward and backward pass.
* :func:`_run_large` — large states: one sample at a time, every stage split into fixed-size
  amplitude chunks across threads.

Both call the same range kernels, and no chunk size depends on the thread count, so the
numbers are identical whatever ``NUMBA_NUM_THREADS`` is.

The adjoint gradient: with ψ_N the final state and λ = Σ_k c_k P_k ψ_N, walking the blocks
backwards (ψ ← U†ψ, λ ← U†λ) gives ∂(Σ_k c_k⟨P_k⟩)/∂θ = 2 Re⟨λ|∂U/∂θ|ψ⟩ = 2 Re Tr(D R).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numba import prange

from ._jit import PARALLEL_LOCK, kernel, parallel_kernel
from .block_matrices import block_matrices, constant_block_matrices
from .kernels import (
    apply_dense1,
    apply_dense2,
    apply_diag2,
    backward_dense1,
    backward_dense2,
    backward_diag2,
    gather,
)
from .leading_layer import boundary_contractions, lead_reduced_matrices
from .measure import costate, expectation, product_amplitudes, product_tables
from .program import DENSE1, DENSE2, DIAG2, PERM, Program

__all__ = ["LANES", "SAMPLE_PARALLEL_MAX_QUBITS", "SimulationResult", "run_program"]

SAMPLE_PARALLEL_MAX_QUBITS = 14
"""Up to this many qubits a chunk's states fit in a core's cache: parallelise over samples."""

LANES_LOG2 = 3
LANES = 1 << LANES_LOG2
"""Samples interleaved in one chunk of the batch driver."""

_AMP_CHUNK = 1 << 15  # amplitudes per task in the large-state driver


@kernel
def _apply_block(prog, op, u, re, im, sre, sim, lanes_log2, lo, hi):
    """Apply block ``op`` to amplitudes ``lo..hi`` (a PERM block writes into ``sre, sim``).

    ``lanes_log2`` extra low index bits hold interleaved samples sharing the matrix ``u``.
    """
    kind = prog.op_kind[op]
    t0 = prog.op_t0[op] + lanes_log2
    t1 = prog.op_t1[op] + lanes_log2
    if kind == DENSE1:
        apply_dense1(re, im, t0, u, lo >> 1, hi >> 1)
    elif kind == DENSE2:
        apply_dense2(re, im, t0, t1, u, lo >> 2, hi >> 2)
    elif kind == DIAG2:
        apply_diag2(re, im, t0, t1, u, lo >> 2, hi >> 2)
    else:
        gather((re, im), (sre, sim), prog.perm_fwd[prog.op_perm[op]], lanes_log2, lo, hi)


@kernel
def _backward_block(prog, op, u, pre, pim, lre, lim, spre, spim, slre, slim, lanes_log2, lo,
                    hi, r):
    """Undo block ``op`` on ψ and λ over ``lo..hi``, adding its reduced matrix into ``r``."""
    kind = prog.op_kind[op]
    t0 = prog.op_t0[op] + lanes_log2
    t1 = prog.op_t1[op] + lanes_log2
    if kind == DENSE1:
        backward_dense1(pre, pim, lre, lim, t0, u, lo >> 1, hi >> 1, r)
    elif kind == DENSE2:
        backward_dense2(pre, pim, lre, lim, t0, t1, u, lo >> 2, hi >> 2, r)
    elif kind == DIAG2:
        backward_diag2(pre, pim, lre, lim, t0, t1, u, lo >> 2, hi >> 2, r)
    else:
        gather((pre, pim, lre, lim), (spre, spim, slre, slim), prog.perm_inv[prog.op_perm[op]],
               lanes_log2, lo, hi)


@kernel
def _add_gradients(prog, op, deriv, r, grad):
    """grad[slot] += 2 Re Tr(D R) for every weight factor of block ``op``."""
    d = 2 if prog.op_kind[op] == DENSE1 else 4
    for f in range(prog.op_f0[op], prog.op_f1[op]):
        slot = prog.fac_wslot[f]
        if slot < 0:
            continue
        acc = 0.0
        for a in range(d):
            for b in range(d):
                acc += (deriv[slot, b, a] * r[a, b]).real
        grad[slot] += 2.0 * acc


@kernel
def _block_u(prog, op, u_const, u_feat):
    """The matrix of block ``op`` for the current sample."""
    slot = prog.op_fslot[op]
    return u_feat[slot] if slot >= 0 else u_const[op]


@kernel
def _sample_matrices(prog, x_row, weights, shift_factor, shift, with_derivs, u_feat, d_feat,
                     work):
    """Matrices (and weight derivatives) of the blocks that read this sample's features."""
    for op in range(len(prog.op_kind)):
        slot = prog.op_fslot[op]
        if slot >= 0:
            block_matrices(prog, op, x_row, weights, shift_factor, shift, with_derivs,
                           u_feat[slot], d_feat, work)


@kernel
def _start_tables(prog, n, u_const, u_feat, vectors, tab_hi, tab_lo):
    """Product-state tables from U_q|0⟩ of each wire's leading block (|0⟩ if it has none)."""
    vectors[:, 0] = 1.0
    vectors[:, 1] = 0.0
    for op in range(len(prog.op_kind)):
        if prog.op_lead[op]:
            u = _block_u(prog, op, u_const, u_feat)
            wire = n - 1 - prog.op_t0[op]
            vectors[wire, 0] = u[0, 0]
            vectors[wire, 1] = u[1, 0]
    product_tables(vectors, n, tab_hi, tab_lo)


@kernel
def _lead_gradients(prog, n, vectors, t_hi, t_lo, d_const, d_feat, reduced, grad):
    """Add the gradients of the leading blocks from the boundary contractions."""
    lead_reduced_matrices(n, vectors, t_hi, t_lo, reduced)
    for op in range(len(prog.op_kind)):
        if prog.op_lead[op]:
            deriv = d_feat if prog.op_fslot[op] >= 0 else d_const
            _add_gradients(prog, op, deriv, reduced[n - 1 - prog.op_t0[op]], grad)


@parallel_kernel
def _run_batch(prog, n, x, weights, init_re, init_im, flip, zmask, ny, cot, do_forward,
               do_backward, u_const, d_const, shift_factor, shift, max_factors,
               n_feature_blocks, values, grad_chunks, states_re, states_im):
    """Forward and/or backward for a batch of small states, parallel over chunks of lanes.

    Without ``do_forward`` the final states are read from ``states_re/im`` (phase two of a
    vjp whose cotangent needed the values first); with it they are stored there if given.
    The last chunk's spare lanes repeat the last sample, with a zero costate.
    """
    dim = 1 << n
    size = dim << LANES_LOG2
    n_samples = x.shape[0]
    n_obs = flip.shape[0]
    n_ops = len(prog.op_kind)
    n_slots = d_const.shape[0]
    use_product = init_re.shape[0] == 0
    keep_states = states_re.shape[0] > 0
    h = n // 2
    for c in prange((n_samples + LANES - 1) // LANES):
        re = np.empty(size)
        im = np.empty(size)
        sre = np.empty(size)
        sim = np.empty(size)
        lre = np.empty(size)
        lim = np.empty(size)
        slre = np.empty(size)
        slim = np.empty(size)
        u_feat = np.empty((LANES, n_feature_blocks, 4, 4), dtype=np.complex128)
        d_feat = np.empty((LANES, n_slots, 4, 4), dtype=np.complex128)
        work = np.empty((3 * max_factors + 2, 4, 4), dtype=np.complex128)
        r = np.zeros((4, 4), dtype=np.complex128)
        reduced = np.zeros((n, 4, 4), dtype=np.complex128)
        vectors = np.empty((LANES, n, 2), dtype=np.complex128)
        tab_hi = np.empty((LANES, 1 << (n - h)), dtype=np.complex128)
        tab_lo = np.empty((LANES, 1 << h), dtype=np.complex128)
        t_hi = np.empty(1 << (n - h), dtype=np.complex128)
        t_lo = np.empty(1 << h, dtype=np.complex128)
        zero_cot = np.zeros(n_obs)
        grad = grad_chunks[c]
        first = c * LANES
        n_active = min(LANES, n_samples - first)
        for lane in range(LANES):
            b = first + min(lane, n_active - 1)
            _sample_matrices(prog, x[b], weights, shift_factor, shift, do_backward,
                             u_feat[lane], d_feat[lane], work)
            if use_product:
                _start_tables(prog, n, u_const, u_feat[lane], vectors[lane], tab_hi[lane],
                              tab_lo[lane])
        if do_forward:
            for lane in range(LANES):
                b = first + min(lane, n_active - 1)
                if use_product:
                    product_amplitudes(re[lane::LANES], im[lane::LANES], tab_hi[lane],
                                       tab_lo[lane], h, 0, dim)
                else:
                    row = b if init_re.shape[0] > 1 else 0
                    re[lane::LANES] = init_re[row]
                    im[lane::LANES] = init_im[row]
            for op in range(n_ops):
                if use_product and prog.op_lead[op]:
                    continue
                slot = prog.op_fslot[op]
                if slot >= 0:
                    for lane in range(LANES):
                        _apply_block(prog, op, u_feat[lane, slot], re[lane::LANES],
                                     im[lane::LANES], sre, sim, 0, 0, dim)
                    continue
                _apply_block(prog, op, u_const[op], re, im, sre, sim, LANES_LOG2, 0, size)
                if prog.op_kind[op] == PERM:
                    re, sre = sre, re
                    im, sim = sim, im
            for lane in range(n_active):
                for k in range(n_obs):
                    values[first + lane, k] = expectation(re[lane::LANES], im[lane::LANES],
                                                          flip[k], zmask[k], ny[k], 0, dim)
                if keep_states:
                    states_re[first + lane] = re[lane::LANES]
                    states_im[first + lane] = im[lane::LANES]
        else:
            for lane in range(LANES):
                b = first + min(lane, n_active - 1)
                re[lane::LANES] = states_re[b]
                im[lane::LANES] = states_im[b]
        if not do_backward:
            continue
        for lane in range(LANES):
            coef = cot[first + lane] if lane < n_active else zero_cot
            costate(re[lane::LANES], im[lane::LANES], lre[lane::LANES], lim[lane::LANES],
                    flip, zmask, ny, coef, 0, dim)
        for op in range(n_ops - 1, -1, -1):
            if use_product and prog.op_lead[op]:
                continue
            slot = prog.op_fslot[op]
            if slot >= 0:
                for lane in range(LANES):
                    r[:] = 0
                    _backward_block(prog, op, u_feat[lane, slot], re[lane::LANES],
                                    im[lane::LANES], lre[lane::LANES], lim[lane::LANES],
                                    sre, sim, slre, slim, 0, 0, dim, r)
                    _add_gradients(prog, op, d_feat[lane], r, grad)
                continue
            r[:] = 0
            _backward_block(prog, op, u_const[op], re, im, lre, lim, sre, sim, slre, slim,
                            LANES_LOG2, 0, size, r)
            if prog.op_kind[op] == PERM:
                re, sre = sre, re
                im, sim = sim, im
                lre, slre = slre, lre
                lim, slim = slim, lim
            else:
                _add_gradients(prog, op, d_const, r, grad)
        if use_product:
            for lane in range(LANES):
                t_lo[:] = 0
                boundary_contractions(lre[lane::LANES], lim[lane::LANES], tab_hi[lane],
                                      tab_lo[lane], h, 0, 1 << (n - h), t_hi, t_lo)
                _lead_gradients(prog, n, vectors[lane], t_hi, t_lo, d_const, d_feat[lane],
                                reduced, grad)


@parallel_kernel
def _apply_run_chunked(prog, ops, us, re, im, sre, sim):
    """Apply ``ops`` in order, chunk by chunk: each chunk stays in cache for the whole run.

    Only valid for chunk-local blocks (all bits below the chunk size), or a single block.
    """
    dim = re.shape[0]
    for c in prange((dim + _AMP_CHUNK - 1) // _AMP_CHUNK):
        for k in range(len(ops)):
            _apply_block(prog, ops[k], us[k], re, im, sre, sim, 0, c * _AMP_CHUNK,
                         min(dim, (c + 1) * _AMP_CHUNK))


@parallel_kernel
def _backward_run_chunked(prog, ops, us, pre, pim, lre, lim, spre, spim, slre, slim, rs):
    """Undo ``ops`` (given in backward order) chunk by chunk; rs[k] receives block k's R."""
    dim = pre.shape[0]
    n_chunks = (dim + _AMP_CHUNK - 1) // _AMP_CHUNK
    partial = np.zeros((n_chunks, len(ops), 4, 4), dtype=np.complex128)
    for c in prange(n_chunks):
        for k in range(len(ops)):
            _backward_block(prog, ops[k], us[k], pre, pim, lre, lim, spre, spim, slre, slim,
                            0, c * _AMP_CHUNK, min(dim, (c + 1) * _AMP_CHUNK), partial[c, k])
    rs[:] = 0
    for c in range(n_chunks):
        rs += partial[c]


@parallel_kernel
def _expectation_chunked(re, im, flip, zmask, ny):
    dim = re.shape[0]
    n_chunks = (dim + _AMP_CHUNK - 1) // _AMP_CHUNK
    partial = np.zeros(n_chunks)
    for c in prange(n_chunks):
        partial[c] = expectation(re, im, flip, zmask, ny, c * _AMP_CHUNK,
                                 min(dim, (c + 1) * _AMP_CHUNK))
    return partial.sum()


@parallel_kernel
def _costate_chunked(re, im, lre, lim, flip, zmask, ny, coef):
    dim = re.shape[0]
    for c in prange((dim + _AMP_CHUNK - 1) // _AMP_CHUNK):
        costate(re, im, lre, lim, flip, zmask, ny, coef, c * _AMP_CHUNK,
                min(dim, (c + 1) * _AMP_CHUNK))


@parallel_kernel
def _product_chunked(re, im, tab_hi, tab_lo, h):
    dim = re.shape[0]
    for c in prange((dim + _AMP_CHUNK - 1) // _AMP_CHUNK):
        product_amplitudes(re, im, tab_hi, tab_lo, h, c * _AMP_CHUNK,
                           min(dim, (c + 1) * _AMP_CHUNK))


@parallel_kernel
def _boundary_chunked(lre, lim, tab_hi, tab_lo, h, t_hi, t_lo):
    rows = t_hi.shape[0]
    rows_per_chunk = max(1, _AMP_CHUNK >> h)
    n_chunks = (rows + rows_per_chunk - 1) // rows_per_chunk
    partial = np.zeros((n_chunks, t_lo.shape[0]), dtype=np.complex128)
    for c in prange(n_chunks):
        boundary_contractions(lre, lim, tab_hi, tab_lo, h, c * rows_per_chunk,
                              min(rows, (c + 1) * rows_per_chunk), t_hi, partial[c])
    t_lo[:] = 0
    for c in range(n_chunks):
        t_lo += partial[c]


class SimulationResult:
    """Values (B, K); gradients of the weight factors summed over the batch (by weight slot)
    or None; final states (B, 2**n) or None."""

    __slots__ = ("slot_grads", "states", "values")

    def __init__(self, values, slot_grads, states):
        self.values = values
        self.slot_grads = slot_grads
        self.states = states


def _chunk_local_runs(prog, ops: np.ndarray) -> list[np.ndarray]:
    """Split ``ops`` into runs: consecutive blocks whose bits all lie inside one amplitude
    chunk (applied chunk by chunk, one pass over memory per run) and single other blocks."""
    limit = _AMP_CHUNK.bit_length() - 1
    local = (prog.op_kind[ops] != PERM) & (prog.op_t0[ops] < limit) & (prog.op_t1[ops] < limit)
    runs: list[list[int]] = []
    previous_local = False
    for op, is_local in zip(ops.tolist(), local.tolist(), strict=True):
        if is_local and previous_local:
            runs[-1].append(op)
        else:
            runs.append([op])
        previous_local = is_local
    return [np.array(run, dtype=np.int64) for run in runs]


def _run_matrices(prog, run, u_const, u_feat):
    """The matrices of the blocks in ``run`` for the current sample, stacked."""
    return np.stack([_block_u(prog, op, u_const, u_feat) for op in run])


def _run_large(program, x, weights, init, paulis, cot, do_forward, do_backward, u_const,
               d_const, shift_factor, shift, values, grads, states):
    """One sample at a time with every stage split over amplitude chunks (see _run_batch)."""
    prog = program.arrays
    n = program.n_qubits
    dim = 1 << n
    h = n // 2
    flip, zmask, ny = paulis
    re, im, sre, sim = (np.empty(dim) for _ in range(4))
    if do_backward:
        lre, lim, slre, slim = (np.empty(dim) for _ in range(4))
    work = np.empty((3 * program.max_factors + 2, 4, 4), dtype=np.complex128)
    reduced = np.zeros((n, 4, 4), dtype=np.complex128)
    vectors = np.empty((n, 2), dtype=np.complex128)
    tab_hi = np.empty(1 << (n - h), dtype=np.complex128)
    tab_lo = np.empty(1 << h, dtype=np.complex128)
    t_hi = np.empty(1 << (n - h), dtype=np.complex128)
    t_lo = np.empty(1 << h, dtype=np.complex128)
    u_feat = np.empty((program.n_feature_blocks, 4, 4), dtype=np.complex128)
    d_feat = np.empty_like(d_const)
    use_product = init is None
    lead = prog.op_lead if use_product else np.zeros(program.n_ops, dtype=np.bool_)
    runs = _chunk_local_runs(prog, np.flatnonzero(~lead))
    for b in range(len(x)):
        _sample_matrices(prog, x[b], weights, shift_factor, shift, do_backward, u_feat, d_feat,
                         work)
        if use_product:
            _start_tables(prog, n, u_const, u_feat, vectors, tab_hi, tab_lo)
        if do_forward:
            if use_product:
                _product_chunked(re, im, tab_hi, tab_lo, h)
            else:
                row = init[b if len(init) > 1 else 0]
                re[:], im[:] = row.real, row.imag
            for run in runs:
                _apply_run_chunked(prog, run, _run_matrices(prog, run, u_const, u_feat), re, im,
                                   sre, sim)
                if prog.op_kind[run[0]] == PERM:
                    re, sre, im, sim = sre, re, sim, im
            for k in range(len(flip)):
                values[b, k] = _expectation_chunked(re, im, flip[k], zmask[k], ny[k])
            if states is not None:
                states[0][b], states[1][b] = re, im
        else:
            re[:], im[:] = states[0][b], states[1][b]
        if not do_backward:
            continue
        _costate_chunked(re, im, lre, lim, flip, zmask, ny, cot[b])
        for run in runs[::-1]:
            run = run[::-1]
            reduced_run = np.empty((len(run), 4, 4), dtype=np.complex128)
            _backward_run_chunked(prog, run, _run_matrices(prog, run, u_const, u_feat), re, im,
                                  lre, lim, sre, sim, slre, slim, reduced_run)
            if prog.op_kind[run[0]] == PERM:
                re, sre, im, sim = sre, re, sim, im
                lre, slre, lim, slim = slre, lre, slim, lim
                continue
            for op, r in zip(run, reduced_run, strict=True):
                _add_gradients(prog, op, d_feat if prog.op_fslot[op] >= 0 else d_const, r,
                               grads)
        if use_product:
            _boundary_chunked(lre, lim, tab_hi, tab_lo, h, t_hi, t_lo)
            _lead_gradients(prog, n, vectors, t_hi, t_lo, d_const, d_feat, reduced, grads)


def _execute(program, x, weights, init, paulis, cot, do_forward, do_backward, u_const,
             d_const, shift_factor, shift, values, states):
    """Run one phase with the driver that suits the state size; returns slot gradients.

    ``states`` is None or a pair of (B, 2**n) planes (real, imaginary) for the final states.
    """
    prog = program.arrays
    n = program.n_qubits
    n_slots = len(program.weight_factors)
    if n > SAMPLE_PARALLEL_MAX_QUBITS:
        grads = np.zeros(n_slots)
        _run_large(program, x, weights, init, paulis, cot, do_forward, do_backward, u_const,
                   d_const, shift_factor, shift, values, grads, states)
        return grads
    dim = 1 << n
    grad_chunks = np.zeros(((len(x) + LANES - 1) // LANES, n_slots))
    states_re, states_im = states if states is not None else (np.empty((0, dim)),) * 2
    init_re = np.empty((0, dim)) if init is None else np.ascontiguousarray(init.real)
    init_im = np.empty((0, dim)) if init is None else np.ascontiguousarray(init.imag)
    _run_batch(prog, n, x, weights, init_re, init_im, *paulis, cot, do_forward, do_backward,
               u_const, d_const, shift_factor, shift, program.max_factors,
               program.n_feature_blocks, values, grad_chunks, states_re, states_im)
    return grad_chunks.sum(axis=0)


def run_program(program: Program, x: np.ndarray, weights: np.ndarray,
                init: np.ndarray | None, paulis: tuple[np.ndarray, ...],
                cotangent: np.ndarray | Callable[[np.ndarray], np.ndarray] | None = None,
                want_states: bool = False, shift_factor: int = -1,
                shift: float = 0.0) -> SimulationResult:
    """Simulate ``program`` for every row of ``x`` (arguments validated by the caller).

    ``init`` is None (start in |0…0⟩) or a (1 | B, 2**n) complex array. With a ``cotangent``
    (B, K) the result also holds Σ_b Σ_k c_bk ∂⟨P_k⟩_b/∂θ_f for every weight factor ``f``; a
    callable cotangent receives the values first (the final states are kept in between, so
    the forward pass runs once). ``shift_factor``/``shift`` move one factor's angle.
    """
    prog = program.arrays
    n_samples, n_obs = len(x), len(paulis[0])
    u_const = np.zeros((program.n_ops, 4, 4), dtype=np.complex128)
    d_const = np.zeros((len(program.weight_factors), 4, 4), dtype=np.complex128)
    work = np.empty((3 * program.max_factors + 2, 4, 4), dtype=np.complex128)
    values = np.empty((n_samples, n_obs))
    two_phase = callable(cotangent)
    states = None
    if want_states or two_phase:
        states = tuple(np.empty((n_samples, 1 << program.n_qubits)) for _ in range(2))
    cot = cotangent if isinstance(cotangent, np.ndarray) else np.zeros((n_samples, n_obs))
    with PARALLEL_LOCK:
        constant_block_matrices(prog, weights, shift_factor, shift, cotangent is not None,
                                u_const, d_const, work)
        run = (program, x, weights, init, paulis)
        if two_phase:
            _execute(*run, cot, True, False, u_const, d_const, shift_factor, shift, values,
                     states)
            cot = cotangent(values)
            grads = _execute(*run, cot, False, True, u_const, d_const, shift_factor, shift,
                             values, states)
        else:
            grads = _execute(*run, cot, True, cotangent is not None, u_const, d_const,
                             shift_factor, shift, values, states)
    return SimulationResult(values, grads if cotangent is not None else None,
                            states[0] + 1j * states[1] if want_states else None)
