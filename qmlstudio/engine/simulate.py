"""Run a compiled program on a batch: forward values and (optionally) adjoint gradients.

The pipeline per sample is: initial state → blocks → expectation values → costate → blocks
undone in reverse, each yielding ``R`` for its gradients. Two drivers run it:

* :func:`_run_batch` — small states (up to :data:`SAMPLE_PARALLEL_MAX_QUBITS` qubits): threads
  take fixed-size chunks of samples and each sample's ψ and λ stay in cache for the whole
  forward and backward pass;
* :func:`_run_large` — large states: one sample at a time, every stage split into fixed-size
  amplitude chunks across threads.

Both call the same range kernels, and neither chunk size depends on the thread count, so the
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
from .program import DENSE1, DENSE2, DEP_FEATURES, DIAG2, PERM, SRC_WEIGHT, Program

__all__ = ["SAMPLE_PARALLEL_MAX_QUBITS", "SimulationResult", "run_program"]

SAMPLE_PARALLEL_MAX_QUBITS = 14
"""Up to this many qubits a sample's states fit in a core's cache: parallelise over samples."""

_SAMPLE_CHUNK = 4  # samples per task in the batch driver
_AMP_CHUNK = 1 << 15  # amplitudes per task in the large-state driver


@kernel
def _apply_block(prog, op, u, re, im, sre, sim, lo, hi):
    """Apply block ``op`` to amplitudes ``lo..hi`` (a PERM block writes into ``sre, sim``)."""
    kind = prog.op_kind[op]
    if kind == DENSE1:
        apply_dense1(re, im, prog.op_t0[op], u, lo >> 1, hi >> 1)
    elif kind == DENSE2:
        apply_dense2(re, im, prog.op_t0[op], prog.op_t1[op], u, lo >> 2, hi >> 2)
    elif kind == DIAG2:
        apply_diag2(re, im, prog.op_t0[op], prog.op_t1[op], u, lo >> 2, hi >> 2)
    else:
        gather(re, im, sre, sim, prog.perm_fwd[prog.op_perm[op]], lo, hi)


@kernel
def _backward_block(prog, op, u, pre, pim, lre, lim, spre, spim, slre, slim, lo, hi, r):
    """Undo block ``op`` on ψ and λ over ``lo..hi``, adding its reduced matrix into ``r``."""
    kind = prog.op_kind[op]
    if kind == DENSE1:
        backward_dense1(pre, pim, lre, lim, prog.op_t0[op], u, lo >> 1, hi >> 1, r)
    elif kind == DENSE2:
        backward_dense2(pre, pim, lre, lim, prog.op_t0[op], prog.op_t1[op], u, lo >> 2, hi >> 2, r)
    elif kind == DIAG2:
        backward_diag2(pre, pim, lre, lim, prog.op_t0[op], prog.op_t1[op], u, lo >> 2, hi >> 2, r)
    else:
        table = prog.perm_inv[prog.op_perm[op]]
        gather(pre, pim, spre, spim, table, lo, hi)
        gather(lre, lim, slre, slim, table, lo, hi)


@kernel
def _add_gradients(prog, op, deriv, r, grad):
    """grad[f] += 2 Re Tr(D_f R) for the weight factors of block ``op``."""
    d = 2 if prog.op_kind[op] == DENSE1 else 4
    for f in range(prog.op_f0[op], prog.op_f1[op]):
        if prog.fac_src[f] != SRC_WEIGHT:
            continue
        acc = 0.0
        for a in range(d):
            for b in range(d):
                acc += (deriv[f, b, a] * r[a, b]).real
        grad[f] += 2.0 * acc


@kernel
def _lead_vectors(prog, u_all, n, vectors):
    """Single-qubit start states: U_q|0⟩ of each wire's leading block, |0⟩ elsewhere."""
    vectors[:, 0] = 1.0
    vectors[:, 1] = 0.0
    for op in range(len(prog.op_kind)):
        if prog.op_lead[op]:
            wire = n - 1 - prog.op_t0[op]
            vectors[wire, 0] = u_all[op, 0, 0]
            vectors[wire, 1] = u_all[op, 1, 0]


@parallel_kernel
def _run_batch(prog, n, x, weights, init_re, init_im, flip, zmask, ny, cot, do_forward,
               do_backward, u_const, d_const, shift_factor, shift, max_factors,
               values, grad_chunks, states_re, states_im):
    """Forward and/or backward for a batch of small states, parallel over sample chunks.

    Without ``do_forward`` the final states are read from ``states_re/im`` (phase two of a
    vjp whose cotangent needed the values first); with it they are stored there if given.
    """
    dim = 1 << n
    n_samples = x.shape[0]
    n_obs = flip.shape[0]
    n_ops = len(prog.op_kind)
    use_product = init_re.shape[0] == 0
    keep_states = states_re.shape[0] > 0
    h = n // 2
    for c in prange((n_samples + _SAMPLE_CHUNK - 1) // _SAMPLE_CHUNK):
        re = np.empty(dim)
        im = np.empty(dim)
        sre = np.empty(dim)
        sim = np.empty(dim)
        lre = np.empty(dim)
        lim = np.empty(dim)
        slre = np.empty(dim)
        slim = np.empty(dim)
        u_all = u_const.copy()
        deriv = d_const.copy()
        work = np.empty((3 * max_factors + 2, 4, 4), dtype=np.complex128)
        reduced = np.zeros((n_ops, 4, 4), dtype=np.complex128)
        vectors = np.empty((n, 2), dtype=np.complex128)
        tab_hi = np.empty(1 << (n - h), dtype=np.complex128)
        tab_lo = np.empty(1 << h, dtype=np.complex128)
        t_hi = np.empty(1 << (n - h), dtype=np.complex128)
        t_lo = np.empty(1 << h, dtype=np.complex128)
        grad = grad_chunks[c]
        for b in range(c * _SAMPLE_CHUNK, min(n_samples, (c + 1) * _SAMPLE_CHUNK)):
            for op in range(n_ops):
                if prog.op_kind[op] != PERM and prog.op_dep[op] == DEP_FEATURES:
                    block_matrices(prog, op, x[b], weights, shift_factor, shift,
                                   u_all[op], deriv, work)
            if use_product:
                _lead_vectors(prog, u_all, n, vectors)
                product_tables(vectors, n, tab_hi, tab_lo)
            if do_forward:
                if use_product:
                    product_amplitudes(re, im, tab_hi, tab_lo, h, 0, dim)
                else:
                    row = b if init_re.shape[0] > 1 else 0
                    re[:] = init_re[row]
                    im[:] = init_im[row]
                for op in range(n_ops):
                    if use_product and prog.op_lead[op]:
                        continue
                    _apply_block(prog, op, u_all[op], re, im, sre, sim, 0, dim)
                    if prog.op_kind[op] == PERM:
                        re, sre = sre, re
                        im, sim = sim, im
                for k in range(n_obs):
                    values[b, k] = expectation(re, im, flip[k], zmask[k], ny[k], 0, dim)
                if keep_states:
                    states_re[b] = re
                    states_im[b] = im
            else:
                re[:] = states_re[b]
                im[:] = states_im[b]
            if not do_backward:
                continue
            costate(re, im, lre, lim, flip, zmask, ny, cot[b], 0, dim)
            for op in range(n_ops - 1, -1, -1):
                if use_product and prog.op_lead[op]:
                    continue
                reduced[op] = 0
                _backward_block(prog, op, u_all[op], re, im, lre, lim, sre, sim, slre,
                                slim, 0, dim, reduced[op])
                if prog.op_kind[op] == PERM:
                    re, sre = sre, re
                    im, sim = sim, im
                    lre, slre = slre, lre
                    lim, slim = slim, lim
                else:
                    _add_gradients(prog, op, deriv, reduced[op], grad)
            if use_product:
                t_lo[:] = 0
                boundary_contractions(lre, lim, tab_hi, tab_lo, h, 0, 1 << (n - h), t_hi, t_lo)
                lead_reduced_matrices(prog, n, vectors, t_hi, t_lo, reduced)
                for op in range(n_ops):
                    if prog.op_lead[op]:
                        _add_gradients(prog, op, deriv, reduced[op], grad)


@parallel_kernel
def _apply_block_chunked(prog, op, u, re, im, sre, sim):
    dim = re.shape[0]
    for c in prange((dim + _AMP_CHUNK - 1) // _AMP_CHUNK):
        _apply_block(prog, op, u, re, im, sre, sim, c * _AMP_CHUNK,
                     min(dim, (c + 1) * _AMP_CHUNK))


@parallel_kernel
def _backward_block_chunked(prog, op, u, pre, pim, lre, lim, spre, spim, slre, slim, r):
    dim = pre.shape[0]
    n_chunks = (dim + _AMP_CHUNK - 1) // _AMP_CHUNK
    partial = np.zeros((n_chunks, 4, 4), dtype=np.complex128)
    for c in prange(n_chunks):
        _backward_block(prog, op, u, pre, pim, lre, lim, spre, spim, slre, slim,
                        c * _AMP_CHUNK, min(dim, (c + 1) * _AMP_CHUNK), partial[c])
    r[:] = 0
    for c in range(n_chunks):
        r += partial[c]


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
    """Values (B, K), per-factor gradients summed over the batch (F,) or None, final states
    (B, 2**n) or None."""

    __slots__ = ("factor_grads", "states", "values")

    def __init__(self, values, factor_grads, states):
        self.values = values
        self.factor_grads = factor_grads
        self.states = states


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
    reduced = np.zeros((program.n_ops, 4, 4), dtype=np.complex128)
    vectors = np.empty((n, 2), dtype=np.complex128)
    tab_hi = np.empty(1 << (n - h), dtype=np.complex128)
    tab_lo = np.empty(1 << h, dtype=np.complex128)
    use_product = init is None
    lead = prog.op_lead if use_product else np.zeros(program.n_ops, dtype=np.bool_)
    for b in range(len(x)):
        u_all, deriv = u_const.copy(), d_const.copy()
        for op in range(program.n_ops):
            if prog.op_kind[op] != PERM and prog.op_dep[op] == DEP_FEATURES:
                block_matrices(prog, op, x[b], weights, shift_factor, shift, u_all[op], deriv,
                               work)
        if use_product:
            _lead_vectors(prog, u_all, n, vectors)
            product_tables(vectors, n, tab_hi, tab_lo)
        if do_forward:
            if use_product:
                _product_chunked(re, im, tab_hi, tab_lo, h)
            else:
                row = init[b if len(init) > 1 else 0]
                re[:], im[:] = row.real, row.imag
            for op in np.flatnonzero(~lead):
                _apply_block_chunked(prog, op, u_all[op], re, im, sre, sim)
                if prog.op_kind[op] == PERM:
                    re, sre, im, sim = sre, re, sim, im
            for k in range(len(flip)):
                values[b, k] = _expectation_chunked(re, im, flip[k], zmask[k], ny[k])
            if states is not None:
                states[b] = re + 1j * im
        else:
            re[:], im[:] = states[b].real, states[b].imag
        if not do_backward:
            continue
        _costate_chunked(re, im, lre, lim, flip, zmask, ny, cot[b])
        for op in np.flatnonzero(~lead)[::-1]:
            _backward_block_chunked(prog, op, u_all[op], re, im, lre, lim, sre, sim, slre,
                                    slim, reduced[op])
            if prog.op_kind[op] == PERM:
                re, sre, im, sim = sre, re, sim, im
                lre, slre, lim, slim = slre, lre, slim, lim
            else:
                _add_gradients(prog, op, deriv, reduced[op], grads)
        if use_product:
            t_hi = np.empty(1 << (n - h), dtype=np.complex128)
            t_lo = np.empty(1 << h, dtype=np.complex128)
            _boundary_chunked(lre, lim, tab_hi, tab_lo, h, t_hi, t_lo)
            lead_reduced_matrices(prog, n, vectors, t_hi, t_lo, reduced)
            for op in np.flatnonzero(lead):
                _add_gradients(prog, op, deriv, reduced[op], grads)


def _execute(program, x, weights, init, paulis, cot, do_forward, do_backward, u_const,
             d_const, shift_factor, shift, values, states):
    """Run one phase with the driver that suits the state size; returns factor gradients."""
    prog = program.arrays
    n = program.n_qubits
    n_factors = len(prog.fac_src)
    if n > SAMPLE_PARALLEL_MAX_QUBITS:
        grads = np.zeros(n_factors)
        _run_large(program, x, weights, init, paulis, cot, do_forward, do_backward, u_const,
                   d_const, shift_factor, shift, values, grads, states)
        return grads
    dim = 1 << n
    n_chunks = (len(x) + _SAMPLE_CHUNK - 1) // _SAMPLE_CHUNK
    grad_chunks = np.zeros((n_chunks, n_factors))
    if states is None:
        states_re = states_im = np.empty((0, dim))
    elif do_forward:
        states_re, states_im = np.empty(states.shape), np.empty(states.shape)
    else:
        states_re, states_im = np.ascontiguousarray(states.real), np.ascontiguousarray(states.imag)
    init_re = np.empty((0, dim)) if init is None else np.ascontiguousarray(init.real)
    init_im = np.empty((0, dim)) if init is None else np.ascontiguousarray(init.imag)
    _run_batch(prog, n, x, weights, init_re, init_im, *paulis, cot, do_forward, do_backward,
               u_const, d_const, shift_factor, shift, program.max_factors, values,
               grad_chunks, states_re, states_im)
    if states is not None and do_forward:
        states[:] = states_re + 1j * states_im
    return grad_chunks.sum(axis=0)


def run_program(program: Program, x: np.ndarray, weights: np.ndarray,
                init: np.ndarray | None, paulis: tuple[np.ndarray, ...],
                cotangent: np.ndarray | Callable[[np.ndarray], np.ndarray] | None = None,
                want_states: bool = False, shift_factor: int = -1,
                shift: float = 0.0) -> SimulationResult:
    """Simulate ``program`` for every row of ``x`` (arguments validated by the caller).

    ``init`` is None (start in |0…0⟩) or a (1 | B, 2**n) complex array. With a ``cotangent``
    (B, K) the result also holds Σ_b Σ_k c_bk ∂⟨P_k⟩_b/∂θ_f for every factor ``f``; a
    callable cotangent receives the values first (the final states are kept in between, so
    the forward pass runs once). ``shift_factor``/``shift`` move one factor's angle.
    """
    prog = program.arrays
    n_samples, n_obs = len(x), len(paulis[0])
    u_const = np.zeros((program.n_ops, 4, 4), dtype=np.complex128)
    d_const = np.zeros((len(prog.fac_src), 4, 4), dtype=np.complex128)
    work = np.empty((3 * program.max_factors + 2, 4, 4), dtype=np.complex128)
    values = np.empty((n_samples, n_obs))
    two_phase = callable(cotangent)
    states = None
    if want_states or two_phase:
        states = np.empty((n_samples, 1 << program.n_qubits), dtype=np.complex128)
    cot = cotangent if isinstance(cotangent, np.ndarray) else np.zeros((n_samples, n_obs))
    grads = None
    with PARALLEL_LOCK:
        constant_block_matrices(prog, weights, shift_factor, shift, u_const, d_const, work)
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
                            states if want_states else None)
