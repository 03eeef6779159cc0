"""The large-state driver: one sample at a time, every stage split over amplitude chunks.

Chunks have a fixed size (never derived from the thread count, so sums are reproducible).
Consecutive blocks whose bits all lie inside one chunk form a *run* applied chunk by chunk —
one parallel region and one pass over memory per run instead of one per block.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from qmlstudio.engine._jit import parallel_kernel
from qmlstudio.engine.block_steps import (
    add_gradients,
    apply_block,
    backward_block,
    block_u,
    lead_gradients,
    sample_matrices,
    start_tables,
)
from qmlstudio.engine.leading_layer import boundary_contractions
from qmlstudio.engine.measure import costate, expectation, product_amplitudes
from qmlstudio.engine.program import PERM

__all__ = ["AMP_CHUNK", "run_large"]

AMP_CHUNK = 1 << 15
"""Amplitudes per task of a parallel stage."""


@parallel_kernel
def _apply_run_chunked(prog, ops, us, re, im, sre, sim):
    """Apply ``ops`` in order, chunk by chunk: each chunk stays in cache for the whole run.

    Only valid for chunk-local blocks (all bits below the chunk size), or a single block.
    """
    dim = re.shape[0]
    for c in prange((dim + AMP_CHUNK - 1) // AMP_CHUNK):
        for k in range(len(ops)):
            apply_block(prog, ops[k], us[k], re, im, sre, sim, 0, c * AMP_CHUNK,
                         min(dim, (c + 1) * AMP_CHUNK))


@parallel_kernel
def _backward_run_chunked(prog, ops, us, pre, pim, lre, lim, spre, spim, slre, slim, rs):
    """Undo ``ops`` (given in backward order) chunk by chunk; rs[k] receives block k's R."""
    dim = pre.shape[0]
    n_chunks = (dim + AMP_CHUNK - 1) // AMP_CHUNK
    partial = np.zeros((n_chunks, len(ops), 4, 4), dtype=np.complex128)
    for c in prange(n_chunks):
        for k in range(len(ops)):
            backward_block(prog, ops[k], us[k], pre, pim, lre, lim, spre, spim, slre, slim,
                            0, c * AMP_CHUNK, min(dim, (c + 1) * AMP_CHUNK), partial[c, k])
    rs[:] = 0
    for c in range(n_chunks):
        rs += partial[c]


@parallel_kernel
def _expectation_chunked(re, im, flip, zmask, ny):
    dim = re.shape[0]
    n_chunks = (dim + AMP_CHUNK - 1) // AMP_CHUNK
    partial = np.zeros(n_chunks)
    for c in prange(n_chunks):
        partial[c] = expectation(re, im, flip, zmask, ny, c * AMP_CHUNK,
                                 min(dim, (c + 1) * AMP_CHUNK))
    # A plain loop, not partial.sum(): in the parallel twin numba would split that sum over
    # the threads, and the rounding would depend on how many there are.
    total = 0.0
    for c in range(n_chunks):
        total += partial[c]
    return total


@parallel_kernel
def _costate_chunked(re, im, lre, lim, flip, zmask, ny, coef):
    dim = re.shape[0]
    for c in prange((dim + AMP_CHUNK - 1) // AMP_CHUNK):
        costate(re, im, lre, lim, flip, zmask, ny, coef, c * AMP_CHUNK,
                min(dim, (c + 1) * AMP_CHUNK))


@parallel_kernel
def _product_chunked(re, im, tab_hi, tab_lo, h, table):
    dim = re.shape[0]
    for c in prange((dim + AMP_CHUNK - 1) // AMP_CHUNK):
        product_amplitudes(re, im, tab_hi, tab_lo, h, table, c * AMP_CHUNK,
                           min(dim, (c + 1) * AMP_CHUNK), 0, 0)


@parallel_kernel
def _boundary_chunked(lre, lim, tab_hi, tab_lo, h, table, t_hi, t_lo):
    rows = t_hi.shape[0]
    rows_per_chunk = max(1, AMP_CHUNK >> h)
    n_chunks = (rows + rows_per_chunk - 1) // rows_per_chunk
    partial = np.zeros((n_chunks, t_lo.shape[0]), dtype=np.complex128)
    for c in prange(n_chunks):
        boundary_contractions(lre, lim, tab_hi, tab_lo, h, table, c * rows_per_chunk,
                              min(rows, (c + 1) * rows_per_chunk), t_hi, partial[c], 0, 0)
    t_lo[:] = 0
    for c in range(n_chunks):
        t_lo += partial[c]


def _chunk_local_runs(prog, ops: np.ndarray) -> list[np.ndarray]:
    """Split ``ops`` into runs: consecutive blocks whose bits all lie inside one amplitude
    chunk (applied chunk by chunk, one pass over memory per run) and single other blocks."""
    limit = AMP_CHUNK.bit_length() - 1
    local = (prog.op_kind[ops] < PERM) & (prog.op_t0[ops] < limit) & (prog.op_t1[ops] < limit)
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
    matrices = np.empty((len(run), 4, 4), dtype=np.complex128)
    for k, op in enumerate(run):
        block_u(prog.op_fslot[op], op, u_const, u_feat, matrices[k])
    return matrices


def run_large(threads, program, x, weights, init, paulis, cotangent, u_const, d_const,
              shift_factor, shift, values, grads, states):
    """One sample at a time with every stage split over amplitude chunks.

    ``cotangent`` is None (values only), a (B, K) array (each sample's backward sweep follows
    its forward sweep) or a function of the values: then every forward sweep runs first, the
    function is called, and the backward sweeps run in reverse sample order — the last
    sample's final state, matrices and tables are still in the working buffers, so a single
    sample (the usual large-state case) needs no kept state and no recomputation at all.
    ``states`` is None or a pair of (B, 2**n) planes that receive the final states.
    ``threads`` picks the stages' twins (parallel ones run inside the caller's region).
    """
    apply_run, backward_run, expectation_, costate_, product_, boundary_ = (
        stage.on(threads) for stage in (_apply_run_chunked, _backward_run_chunked,
                                        _expectation_chunked, _costate_chunked,
                                        _product_chunked, _boundary_chunked))
    prog = program.arrays
    n = program.n_qubits
    dim = 1 << n
    h = n // 2
    flip, zmask, ny = paulis
    n_samples = len(x)
    with_grads = cotangent is not None
    deferred = callable(cotangent)
    re, im, sre, sim = (np.empty(dim) for _ in range(4))
    if with_grads:
        lre, lim, slre, slim = (np.empty(dim) for _ in range(4))
    if deferred and states is None:  # the earlier samples' final states, for their backward
        states = tuple(np.empty((n_samples - 1, dim)) for _ in range(2))
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
    lead_fwd, lead_inv = program.lead_tables

    def prepare(b):
        sample_matrices(prog, x[b], weights, shift_factor, shift, with_grads, u_feat, d_feat,
                         work)
        if use_product:
            start_tables(prog, n, u_const, u_feat, vectors, tab_hi, tab_lo, work[0])

    def forward(b):
        nonlocal re, im, sre, sim
        prepare(b)
        if use_product:
            product_(re, im, tab_hi, tab_lo, h, lead_fwd)
        else:
            row = init[b if len(init) > 1 else 0]
            re[:], im[:] = row.real, row.imag
        for run in runs:
            apply_run(prog, run, _run_matrices(prog, run, u_const, u_feat), re, im, sre, sim)
            if prog.op_kind[run[0]] == PERM:
                re, sre, im, sim = sre, re, sim, im
        for k in range(len(flip)):
            values[b, k] = expectation_(re, im, flip[k], zmask[k], ny[k])
        if states is not None and b < len(states[0]):
            states[0][b], states[1][b] = re, im

    def backward(b, cot):
        nonlocal re, im, sre, sim, lre, lim, slre, slim
        costate_(re, im, lre, lim, flip, zmask, ny, cot[b])
        for run in runs[::-1]:
            run = run[::-1]
            reduced_run = np.empty((len(run), 4, 4), dtype=np.complex128)
            backward_run(prog, run, _run_matrices(prog, run, u_const, u_feat), re, im, lre,
                         lim, sre, sim, slre, slim, reduced_run)
            if prog.op_kind[run[0]] == PERM:
                re, sre, im, sim = sre, re, sim, im
                lre, slre, lim, slim = slre, lre, slim, lim
                continue
            for op, r in zip(run, reduced_run, strict=True):
                add_gradients(prog.fac_wslot, prog.op_f0[op], prog.op_f1[op], prog.op_kind[op],
                              d_feat if prog.op_fslot[op] >= 0 else d_const, r, grads)
        if use_product:
            boundary_(lre, lim, tab_hi, tab_lo, h, lead_inv, t_hi, t_lo)
            lead_gradients(prog, n, vectors, t_hi, t_lo, d_const, d_feat, reduced, grads)

    if not deferred:
        for b in range(n_samples):
            forward(b)
            if with_grads:
                backward(b, cotangent)
        return
    for b in range(n_samples):
        forward(b)
    cot = cotangent(values)
    for b in range(n_samples - 1, -1, -1):
        if b < n_samples - 1:
            prepare(b)
            re[:], im[:] = states[0][b], states[1][b]
        backward(b, cot)
