"""The per-block steps both batch drivers share: apply, undo, gradients, sample matrices.

A block's matrix is either shared by every sample (``u_const[op]``, computed once per call)
or read from the current sample's ``u_feat[op_fslot[op]]``. Gradients land in weight slots:
``grad[slot] += 2 Re Tr(D R)`` with ``D = ∂U/∂θ`` of the factor and ``R`` the block's reduced
matrix (see :mod:`.kernels`). The large-state driver calls the per-sample steps from Python
(its loop over samples is Python), so those are entry kernels (:func:`~._jit.entry_kernel`).
"""

from __future__ import annotations

from qmlstudio.engine._jit import entry_kernel, kernel
from qmlstudio.engine.block_matrices import block_matrices
from qmlstudio.engine.kernels import (
    apply_dense1,
    apply_dense2,
    apply_diag2,
    backward_dense1,
    backward_dense2,
    backward_diag2,
    gather,
    swap_pairs,
    undo_dense1,
    undo_diag2,
)
from qmlstudio.engine.leading_layer import lead_reduced_matrices
from qmlstudio.engine.measure import product_tables
from qmlstudio.engine.program import (
    DENSE1,
    DENSE2,
    DIAG2,
    SWAP_CONTROL,
    SWAP_SELECT,
    SWAP_VALUE,
    SWAP_XOR,
    SWAPS,
)

__all__ = [
    "add_gradients",
    "add_lead_gradients",
    "apply_block",
    "backward_block",
    "block_u",
    "has_weights",
    "lead_gradients",
    "sample_matrices",
    "start_tables",
]


@kernel
def _swaps(prog, op, planes, lanes_log2, lo, hi):
    m = prog.op_swap[op]
    swap_pairs(planes, m[SWAP_CONTROL] << lanes_log2, m[SWAP_XOR] << lanes_log2,
               m[SWAP_SELECT] << lanes_log2, m[SWAP_VALUE] << lanes_log2, lo, hi)


@kernel
def apply_block(prog, op, u, re, im, sre, sim, lanes_log2, lo, hi):
    """Apply block ``op`` to amplitudes ``lo..hi`` (a PERM block writes into ``sre, sim``;
    the caller swaps the buffers).

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
    elif kind == SWAPS:
        _swaps(prog, op, (re, im), lanes_log2, lo, hi)
    else:
        gather((re, im), (sre, sim), prog.perm_fwd[prog.op_perm[op]], lanes_log2, lo, hi)


@kernel
def has_weights(prog, op):
    """Whether block ``op`` has a weight factor (a gradient to take)."""
    for f in range(prog.op_f0[op], prog.op_f1[op]):  # noqa: SIM110 (a loop numba compiles)
        if prog.fac_wslot[f] >= 0:
            return True
    return False


@kernel
def backward_block(prog, op, u, pre, pim, lre, lim, spre, spim, slre, slim, lanes_log2, lo,
                    hi, r):
    """Undo block ``op`` on ψ and λ over ``lo..hi``, adding its reduced matrix into ``r``
    (left as it is for a block without weights, which has no gradient to take)."""
    kind = prog.op_kind[op]
    t0 = prog.op_t0[op] + lanes_log2
    t1 = prog.op_t1[op] + lanes_log2
    if kind == DENSE1:
        if has_weights(prog, op):
            backward_dense1(pre, pim, lre, lim, t0, u, lo >> 1, hi >> 1, r)
        else:
            undo_dense1(pre, pim, lre, lim, t0, u, lo >> 1, hi >> 1)
    elif kind == DENSE2:
        backward_dense2(pre, pim, lre, lim, t0, t1, u, lo >> 2, hi >> 2, r)
    elif kind == DIAG2:
        if has_weights(prog, op):
            backward_diag2(pre, pim, lre, lim, t0, t1, u, lo >> 2, hi >> 2, r)
        else:
            undo_diag2(pre, pim, lre, lim, t0, t1, u, lo >> 2, hi >> 2)
    elif kind == SWAPS:  # its own inverse
        _swaps(prog, op, (pre, pim, lre, lim), lanes_log2, lo, hi)
    else:
        gather((pre, pim, lre, lim), (spre, spim, slre, slim), prog.perm_inv[prog.op_perm[op]],
               lanes_log2, lo, hi)


@entry_kernel
def add_gradients(fac_wslot, f0, f1, kind, deriv, r, grad):
    """grad[slot] += 2 Re Tr(D R) for every weight factor ``f0..f1`` of a block of ``kind``.

    This and :func:`block_u` take entries of the program, not the program: a call that is
    not inlined passes every array it is given, which costs more than these loops.
    """
    d = 2 if kind == DENSE1 else 4
    for f in range(f0, f1):
        slot = fac_wslot[f]
        if slot < 0:
            continue
        acc = 0.0
        for a in range(d):
            for b in range(d):
                acc += (deriv[slot, b, a] * r[a, b]).real
        grad[slot] += 2.0 * acc


@entry_kernel
def block_u(slot, op, u_const, u_feat, out):
    """Copy the matrix of block ``op`` (``slot``: its ``op_fslot``) for the current sample
    into ``out`` (4, 4)."""
    for a in range(4):
        for b in range(4):
            out[a, b] = u_feat[slot, a, b] if slot >= 0 else u_const[op, a, b]


@entry_kernel
def sample_matrices(prog, x_row, weights, shift_factor, shift, with_derivs, u_feat, d_feat,
                     work):
    """Matrices (and weight derivatives) of the blocks that read this sample's features."""
    block_matrices(prog, True, x_row, weights, shift_factor, shift, with_derivs, u_feat, d_feat,
                   False, u_feat, d_feat, work)


@kernel
def sample_op_matrices(prog, x_row, weights, shift_factor, shift, with_derivs, u_feat, d_feat,
                       work, u):
    """:func:`sample_matrices`, then each feature-reading block's matrix copied into its
    operation's row of ``u`` (the noisy drivers look matrices up by operation, not by slot)."""
    sample_matrices(prog, x_row, weights, shift_factor, shift, with_derivs, u_feat, d_feat, work)
    for op in range(len(prog.op_kind)):
        slot = prog.op_fslot[op]
        if slot >= 0:
            for a in range(4):
                for c in range(4):
                    u[op, a, c] = u_feat[slot, a, c]


@entry_kernel
def start_tables(prog, n, u_const, u_feat, vectors, tab_hi, tab_lo, scratch):
    """Product-state tables from U_q|0⟩ of each wire's leading block (|0⟩ if it has none);
    ``scratch`` is a (4, 4) complex work array."""
    for wire in range(n):
        vectors[wire, 0] = 1.0
        vectors[wire, 1] = 0.0
    for op in range(len(prog.op_kind)):
        if prog.op_lead[op] and prog.op_kind[op] == DENSE1:
            block_u(prog.op_fslot[op], op, u_const, u_feat, scratch)
            wire = n - 1 - prog.op_t0[op]
            vectors[wire, 0] = scratch[0, 0]
            vectors[wire, 1] = scratch[1, 0]
    product_tables(vectors, n, tab_hi, tab_lo)


@entry_kernel
def lead_gradients(prog, n, vectors, t_hi, t_lo, d_const, d_feat, reduced, grad):
    """Add the gradients of the leading blocks from the boundary contractions."""
    lead_reduced_matrices(n, vectors, t_hi, t_lo, reduced)
    add_lead_gradients(prog, n, d_const, d_feat, reduced, grad)


@kernel
def add_lead_gradients(prog, n, d_const, d_feat, reduced, grad):
    """Add the gradients of the leading blocks from their reduced matrices (by wire)."""
    for op in range(len(prog.op_kind)):
        if prog.op_lead[op] and prog.op_kind[op] == DENSE1:
            deriv = d_feat if prog.op_fslot[op] >= 0 else d_const
            add_gradients(prog.fac_wslot, prog.op_f0[op], prog.op_f1[op], DENSE1, deriv,
                          reduced[n - 1 - prog.op_t0[op]], grad)
