"""Small-matrix maths of a block: its unitary and the derivative for each weight factor.

A block is the product ``U = F_m ⋯ F_1`` of factors ``F_j(θ_j) = A + cos(f θ) B + sin(f θ) C``.
For a trainable factor the engine needs ``D_j = ∂U/∂θ_j = S_j · F_j' · P_j`` with the prefix
``P_j = F_{j-1} ⋯ F_1`` and suffix ``S_j = F_m ⋯ F_{j+1}``. The adjoint sweep then gives
``∂⟨O⟩/∂θ_j = 2 Re Tr(D_j R)`` from one reduced matrix ``R`` per block.
"""

from __future__ import annotations

import math

import numpy as np

from qmlstudio.engine._jit import entry_kernel, kernel
from qmlstudio.engine.program import (
    DENSE1,
    DEP_FEATURES,
    PERM,
    SRC_FEATURE,
    SRC_WEIGHT,
    SRC_WEIGHT_X,
)

__all__ = ["block_matrices", "constant_block_matrices"]


@kernel
def _matmul(a, b, out, d):
    """out[:d, :d] = a[:d, :d] @ b[:d, :d] (out must not alias a or b)."""
    for i in range(d):
        for j in range(d):
            acc = 0j
            for k in range(d):
                acc += a[i, k] * b[k, j]
            out[i, j] = acc


@kernel
def _identity(out, d):
    # Element loops, not slice assignment: numba compiles a slice copy's shape-check error
    # path (string formatting) for seconds on a cold cache.
    for a in range(d):
        for b in range(d):
            out[a, b] = 1.0 if a == b else 0.0


@kernel
def _angle(prog, f, x_row, weights, shift_factor, shift):
    src = prog.fac_src[f]
    value = 0.0
    if src == SRC_WEIGHT:
        value = weights[prog.fac_idx[f]]
    elif src == SRC_FEATURE:
        value = x_row[prog.fac_idx[f]]
    elif src == SRC_WEIGHT_X:
        value = weights[prog.fac_idx[f]] * x_row[prog.fac_col[f]]
    angle = prog.fac_scale[f] * value + prog.fac_offset[f]
    if f == shift_factor:
        angle += shift
    return angle


@kernel
def block_matrices(prog, op, x_row, weights, shift_factor, shift, with_derivs, u, deriv, work):
    """Write block ``op``'s unitary into ``u`` and, ``with_derivs``, ∂U/∂θ of its weight
    factors into ``deriv``.

    ``deriv`` is indexed by weight slot (``prog.fac_wslot``); ``work`` is scratch of shape
    (3 * max_factors + 2, 4, 4).
    A factor equal to ``shift_factor`` has its angle moved by ``shift`` (parameter shift).
    """
    f0 = prog.op_f0[op]
    nf = prog.op_f1[op] - f0
    d = 2 if prog.op_kind[op] == DENSE1 else 4
    mats = work[:nf]
    prefix = work[nf:2 * nf + 1]  # prefix[j] = F_{j-1}…F_0
    suffix = work[2 * nf + 1:3 * nf + 1]  # suffix[j] = F_{m-1}…F_{j+1}
    tmp = work[3 * nf + 1]
    trainable = False
    for j in range(nf):
        f = f0 + j
        phase = prog.fac_freq[f] * _angle(prog, f, x_row, weights, shift_factor, shift)
        c, s = math.cos(phase), math.sin(phase)
        kind = prog.fac_kind[f]
        for a in range(d):
            for b in range(d):
                mats[j, a, b] = (prog.kind_a[kind, a, b] + c * prog.kind_b[kind, a, b]
                                 + s * prog.kind_c[kind, a, b])
        trainable |= prog.fac_src[f] == SRC_WEIGHT or prog.fac_src[f] == SRC_WEIGHT_X
    _identity(prefix[0], d)
    for j in range(nf):
        _matmul(mats[j], prefix[j], prefix[j + 1], d)
    for a in range(d):
        for b in range(d):
            u[a, b] = prefix[nf, a, b]
    if not (trainable and with_derivs):
        return
    _identity(suffix[nf - 1], d)
    for j in range(nf - 1, 0, -1):
        _matmul(suffix[j], mats[j], suffix[j - 1], d)
    for j in range(nf):
        f = f0 + j
        src = prog.fac_src[f]
        if src != SRC_WEIGHT and src != SRC_WEIGHT_X:
            continue
        phase = prog.fac_freq[f] * _angle(prog, f, x_row, weights, shift_factor, shift)
        c, s = math.cos(phase), math.sin(phase)
        # ∂U/∂(scale·w): for θ = scale·w·g(x) the sample's g(x) is the chain rule's factor
        freq = prog.fac_freq[f] * (x_row[prog.fac_col[f]] if src == SRC_WEIGHT_X else 1.0)
        kind = prog.fac_kind[f]
        for a in range(d):
            for b in range(d):
                mats[j, a, b] = freq * (c * prog.kind_c[kind, a, b] - s * prog.kind_b[kind, a, b])
        _matmul(mats[j], prefix[j], tmp, d)
        _matmul(suffix[j], tmp, deriv[prog.fac_wslot[f]], d)


@entry_kernel(allocating=True)
def constant_block_matrices(prog, weights, shift_factor, shift, with_derivs, u_all, deriv,
                            work):
    """Fill ``u_all``/``deriv`` for every block whose matrix does not depend on the sample."""
    empty = np.zeros(0)
    for op in range(len(prog.op_kind)):
        if prog.op_kind[op] < PERM and prog.op_dep[op] != DEP_FEATURES:
            block_matrices(prog, op, empty, weights, shift_factor, shift, with_derivs,
                           u_all[op], deriv, work)
