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
from .measure import costate, expectation, product_amplitudes, product_tables
from .program import DEP_FEATURES, DENSE1, DENSE2, DIAG2, PERM, SRC_WEIGHT, Program

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
def _run_batch(prog, n, x, weights, init_re, init_im, flip, zmask, ny, cot, want_grad,
               u_const, d_const, shift_factor, shift, max_factors,
               values, grad_chunks, states_re, states_im):
    dim = 1 << n
    n_samples = values.shape[0]
    n_obs = values.shape[1]
    n_ops = len(prog.op_kind)
    use_product = init_re.shape[0] == 0
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
        r = np.zeros((4, 4), dtype=np.complex128)
        vectors = np.empty((n, 2), dtype=np.complex128)
        tab_hi = np.empty(1 << (n - h), dtype=np.complex128)
        tab_lo = np.empty(1 << h, dtype=np.complex128)
        grad = grad_chunks[c]
        for b in range(c * _SAMPLE_CHUNK, min(n_samples, (c + 1) * _SAMPLE_CHUNK)):
            x_row = x[b]
            for op in range(n_ops):
                if prog.op_kind[op] != PERM and prog.op_dep[op] == DEP_FEATURES:
                    block_matrices(prog, op, x_row, weights, shift_factor, shift,
                                   u_all[op], deriv, work)
            if use_product:
                _lead_vectors(prog, u_all, n, vectors)
                product_tables(vectors, n, tab_hi, tab_lo)
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
            if states_re.shape[0] > 0:
                states_re[b] = re
                states_im[b] = im
            if not want_grad:
                continue
            costate(re, im, lre, lim, flip, zmask, ny, cot[b], 0, dim)
            for step in range(2):  # 0: ordinary blocks in reverse; 1: the leading blocks
                for op in range(n_ops - 1, -1, -1):
                    if (use_product and prog.op_lead[op]) != (step == 1):
                        continue
                    r[:] = 0
                    _backward_block(prog, op, u_all[op], re, im, lre, lim, sre, sim, slre,
                                    slim, 0, dim, r)
                    if prog.op_kind[op] == PERM:
                        re, sre = sre, re
                        im, sim = sim, im
                        lre, slre = slre, lre
                        lim, slim = slim, lim
                    else:
                        _add_gradients(prog, op, deriv, r, grad)


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


class SimulationResult:
    """Values (B, K), per-factor gradients summed over the batch (F,), final states or None."""

    __slots__ = ("factor_grads", "states", "values")

    def __init__(self, values, factor_grads, states):
        self.values = values
        self.factor_grads = factor_grads
        self.states = states


def _run_large(program, x, weights, init, paulis, cot, want_grad, want_states, u_const,
               d_const, shift_factor, shift, values, grads):
    """One sample at a time with every stage split over amplitude chunks."""
    prog = program.arrays
    n = program.n_qubits
    dim = 1 << n
    flip, zmask, ny = paulis
    re, im, sre, sim = (np.empty(dim) for _ in range(4))
    lre, lim, slre, slim = (np.empty(dim) for _ in range(4)) if want_grad else (None,) * 4
    work = np.empty((3 * program.max_factors + 2, 4, 4), dtype=np.complex128)
    r = np.zeros((4, 4), dtype=np.complex128)
    h = n // 2
    states = np.empty((len(x), dim), dtype=np.complex128) if want_states else None
    use_product = init is None
    for b in range(len(x)):
        u_all, deriv = u_const.copy(), d_const.copy()
        for op in range(program.n_ops):
            if prog.op_kind[op] != PERM and prog.op_dep[op] == DEP_FEATURES:
                block_matrices(prog, op, x[b], weights, shift_factor, shift, u_all[op], deriv,
                               work)
        if use_product:
            vectors = np.empty((n, 2), dtype=np.complex128)
            _lead_vectors(prog, u_all, n, vectors)
            tab_hi = np.empty(1 << (n - h), dtype=np.complex128)
            tab_lo = np.empty(1 << h, dtype=np.complex128)
            product_tables(vectors, n, tab_hi, tab_lo)
            _product_chunked(re, im, tab_hi, tab_lo, h)
        else:
            row = init[b if len(init) > 1 else 0]
            re[:], im[:] = row.real, row.imag
        for op in range(program.n_ops):
            if use_product and prog.op_lead[op]:
                continue
            _apply_block_chunked(prog, op, u_all[op], re, im, sre, sim)
            if prog.op_kind[op] == PERM:
                re, sre, im, sim = sre, re, sim, im
        for k in range(len(flip)):
            values[b, k] = _expectation_chunked(re, im, flip[k], zmask[k], ny[k])
        if want_states:
            states[b] = re + 1j * im
        if not want_grad:
            continue
        _costate_chunked(re, im, lre, lim, flip, zmask, ny, cot[b])
        order = [op for op in reversed(range(program.n_ops))
                 if not (use_product and prog.op_lead[op])]
        order += [op for op in range(program.n_ops) if use_product and prog.op_lead[op]]
        for op in order:
            _backward_block_chunked(prog, op, u_all[op], re, im, lre, lim, sre, sim, slre,
                                    slim, r)
            if prog.op_kind[op] == PERM:
                re, sre, im, sim = sre, re, sim, im
                lre, slre, lim, slim = slre, lre, slim, lim
            else:
                _add_gradients(prog, op, deriv, r, grads)
    return states


def run_program(program: Program, x: np.ndarray, weights: np.ndarray,
                init: np.ndarray | None, paulis: tuple[np.ndarray, ...],
                cotangent: np.ndarray | None = None, want_states: bool = False,
                shift_factor: int = -1, shift: float = 0.0) -> SimulationResult:
    """Simulate ``program`` for every row of ``x`` (validated by the caller).

    ``init`` is None (start in |0…0⟩) or a (1 | B, 2**n) complex array. With a ``cotangent``
    (B, K) the result also holds Σ_b Σ_k c_bk ∂⟨P_k⟩_b/∂θ_f for every factor ``f``.
    ``shift_factor``/``shift`` move one factor's angle (used by parameter-shift).
    """
    prog = program.arrays
    n = program.n_qubits
    n_samples, n_obs = len(x), len(paulis[0])
    n_factors = len(prog.fac_src)
    want_grad = cotangent is not None
    cot = cotangent if want_grad else np.zeros((n_samples, n_obs))
    u_const = np.zeros((program.n_ops, 4, 4), dtype=np.complex128)
    d_const = np.zeros((n_factors, 4, 4), dtype=np.complex128)
    work = np.empty((3 * program.max_factors + 2, 4, 4), dtype=np.complex128)
    values = np.empty((n_samples, n_obs))
    with PARALLEL_LOCK:
        constant_block_matrices(prog, weights, shift_factor, shift, u_const, d_const, work)
        if n <= SAMPLE_PARALLEL_MAX_QUBITS:
            n_chunks = (n_samples + _SAMPLE_CHUNK - 1) // _SAMPLE_CHUNK
            grad_chunks = np.zeros((n_chunks, n_factors))
            shape = (n_samples, 1 << n) if want_states else (0, 1 << n)
            states_re, states_im = np.empty(shape), np.empty(shape)
            init_re = np.empty((0, 1 << n)) if init is None else np.ascontiguousarray(init.real)
            init_im = np.empty((0, 1 << n)) if init is None else np.ascontiguousarray(init.imag)
            _run_batch(prog, n, x, weights, init_re, init_im, *paulis, cot, want_grad,
                       u_const, d_const, shift_factor, shift, program.max_factors,
                       values, grad_chunks, states_re, states_im)
            grads = grad_chunks.sum(axis=0)
            states = states_re + 1j * states_im if want_states else None
        else:
            grads = np.zeros(n_factors)
            states = _run_large(program, x, weights, init, paulis, cot, want_grad, want_states,
                                u_const, d_const, shift_factor, shift, values, grads)
    return SimulationResult(values, grads if want_grad else None, states)
