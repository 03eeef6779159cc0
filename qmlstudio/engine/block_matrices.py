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
    if d == 2:  # unrolled: single-qubit blocks are most blocks, and a loop of 2 is not
        a00, a01, a10, a11 = a[0, 0], a[0, 1], a[1, 0], a[1, 1]
        b00, b01, b10, b11 = b[0, 0], b[0, 1], b[1, 0], b[1, 1]
        out[0, 0] = a00 * b00 + a01 * b10
        out[0, 1] = a00 * b01 + a01 * b11
        out[1, 0] = a10 * b00 + a11 * b10
        out[1, 1] = a10 * b01 + a11 * b11
        return
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
def _angle(src, idx, col, scale, offset, x_row, weights):
    """A factor's angle from its entries in the program."""
    value = 0.0
    if src == SRC_WEIGHT:
        value = weights[idx]
    elif src == SRC_FEATURE:
        value = x_row[idx]
    elif src == SRC_WEIGHT_X:
        value = weights[idx] * x_row[col]
    return scale * value + offset


@kernel
def block_matrices(prog, features, x_row, weights, shift_factor, shift, with_derivs, u, deriv,
                   work):
    """For every block whose matrix reads features (``features``) — or, without, for every
    other matrix block — write its unitary into ``u`` and, ``with_derivs``, ∂U/∂θ of its
    weight factors into ``deriv``.

    ``u`` is indexed by ``prog.op_fslot`` (features) or by block; ``deriv`` by weight slot
    (``prog.fac_wslot``); ``work`` is scratch of shape (3 * max_factors + 2, 4, 4). A weight
    factor's ``F'`` waits in its ``deriv`` slot until the prefix and suffix products are
    known (each angle's sine and cosine are taken once). A factor equal to ``shift_factor``
    has its angle moved by ``shift`` (parameter shift). One call does all the blocks: a call
    that takes the program passes each of its arrays, which costs more than a small block's
    arithmetic.
    """
    for op in range(len(prog.op_kind)):
        if prog.op_kind[op] >= PERM or (prog.op_dep[op] == DEP_FEATURES) != features:
            continue
        out_u = u[prog.op_fslot[op]] if features else u[op]
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
            src = prog.fac_src[f]
            angle = _angle(src, prog.fac_idx[f], prog.fac_col[f], prog.fac_scale[f],
                           prog.fac_offset[f], x_row, weights)
            phase = prog.fac_freq[f] * (angle + shift if f == shift_factor else angle)
            c, s = math.cos(phase), math.sin(phase)
            kind = prog.fac_kind[f]
            for a in range(d):
                for b in range(d):
                    mats[j, a, b] = (prog.kind_a[kind, a, b] + c * prog.kind_b[kind, a, b]
                                     + s * prog.kind_c[kind, a, b])
            if with_derivs and src in (SRC_WEIGHT, SRC_WEIGHT_X):
                trainable = True
                # ∂F/∂(scale·w): for θ = scale·w·g(x) the sample's g(x) is the chain rule's
                # factor
                freq = prog.fac_freq[f] * (x_row[prog.fac_col[f]] if src == SRC_WEIGHT_X
                                           else 1.0)
                dj = deriv[prog.fac_wslot[f]]
                for a in range(d):
                    for b in range(d):
                        dj[a, b] = freq * (c * prog.kind_c[kind, a, b]
                                           - s * prog.kind_b[kind, a, b])
        _identity(prefix[0], d)
        for j in range(nf):
            _matmul(mats[j], prefix[j], prefix[j + 1], d)
        for a in range(d):
            for b in range(d):
                out_u[a, b] = prefix[nf, a, b]
        if not trainable:
            continue
        _identity(suffix[nf - 1], d)
        for j in range(nf - 1, 0, -1):
            _matmul(suffix[j], mats[j], suffix[j - 1], d)
        for j in range(nf):
            f = f0 + j
            if prog.fac_wslot[f] < 0:
                continue
            dj = deriv[prog.fac_wslot[f]]  # holds F' (see above)
            _matmul(dj, prefix[j], tmp, d)
            _matmul(suffix[j], tmp, dj, d)


@entry_kernel(allocating=True)
def constant_block_matrices(prog, weights, shift_factor, shift, with_derivs, u_all, deriv,
                            work):
    """Fill ``u_all``/``deriv`` for every block whose matrix does not depend on the sample."""
    block_matrices(prog, False, np.zeros(0), weights, shift_factor, shift, with_derivs, u_all,
                   deriv, work)
