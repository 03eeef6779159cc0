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
def _copy(src, dst, d):
    # Element loops, not slice assignment: numba compiles a slice copy's shape-check error
    # path (string formatting) for seconds on a cold cache.
    for a in range(d):
        for b in range(d):
            dst[a, b] = src[a, b]


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
def _feature_prefix(prog, op):
    """How many of block ``op``'s factors, counted from the first applied, read features only
    (``SRC_FEATURE``), when none after them reads features: the block is then ``U = W · X``
    with ``W`` the same for every sample. 0 when the block is not of that form. The prefix
    may end inside a group of joined factors (an angle ``x + w``): ``F(x + w) = F(w) F(x)``,
    and :func:`_product` starts a group wherever its range starts."""
    f0, f1 = prog.op_f0[op], prog.op_f1[op]
    k = 0
    while f0 + k < f1 and prog.fac_src[f0 + k] == SRC_FEATURE:
        k += 1
    for f in range(f0 + k, f1):
        if prog.fac_src[f] in (SRC_FEATURE, SRC_WEIGHT_X):
            return 0
    return k if k < f1 - f0 else 0


@kernel
def _product(prog, f0, f1, d, x_row, weights, shift_factor, shift, with_derivs, out_u, deriv,
             work):
    """``out_u`` = the product of factors ``f0..f1`` (``f0`` applied first) and, with
    ``with_derivs``, ∂/∂θ of it for each weight factor into its ``deriv`` slot; ``work`` as
    :func:`block_matrices` describes it.

    A group of joined factors (the range's first factor, or a factor without ``fac_join``,
    and the ones after it with ``fac_join``) is one matrix ``F(Σ θ_t)``. Its derivative
    ``∂U/∂θ`` is formed once, in the slot of its first weight factor, and at the end scaled
    into each weight factor's slot by that factor's ``∂θ/∂(scale·w)``: ``g(x)`` for
    ``w·g(x)``, else 1. (The group walks are written out here: each helper kernel would be
    one more compile on a cold cache, ~0.3 s.)"""
    ng = 1
    for f in range(f0 + 1, f1):
        if not prog.fac_join[f]:
            ng += 1
    mats = work[:ng]
    prefix = work[ng:2 * ng + 1]  # prefix[j] = F_{j-1}…F_0
    suffix = work[2 * ng + 1:3 * ng + 1]  # suffix[j] = F_{m-1}…F_{j+1}
    tmp = work[3 * ng + 1]
    trainable = False
    f = f0
    for j in range(ng):
        angle = 0.0
        lead = -1  # the group's first weight factor
        t = f
        while t == f or (t < f1 and prog.fac_join[t]):
            angle += _angle(prog.fac_src[t], prog.fac_idx[t], prog.fac_col[t],
                            prog.fac_scale[t], prog.fac_offset[t], x_row, weights)
            if t == shift_factor:
                angle += shift
            if lead < 0 and prog.fac_wslot[t] >= 0:
                lead = t
            t += 1
        phase = prog.fac_freq[f] * angle
        c, s = math.cos(phase), math.sin(phase)
        kind = prog.fac_kind[f]
        matrix = out_u if ng == 1 else mats[j]  # one group (most feature blocks): the block
        for a in range(d):
            for b in range(d):
                matrix[a, b] = (prog.kind_a[kind, a, b] + c * prog.kind_b[kind, a, b]
                                + s * prog.kind_c[kind, a, b])
        if with_derivs and lead >= 0:
            trainable = True
            freq = prog.fac_freq[f]
            dj = deriv[prog.fac_wslot[lead]]
            for a in range(d):
                for b in range(d):
                    dj[a, b] = freq * (c * prog.kind_c[kind, a, b] - s * prog.kind_b[kind, a, b])
        f = t
    if ng > 1:
        # prefix[0] and suffix[ng - 1] are the identity: never formed nor multiplied by
        _copy(mats[0], prefix[1], d)
        for j in range(1, ng):
            _matmul(mats[j], prefix[j], prefix[j + 1], d)
        _copy(prefix[ng], out_u, d)
    if not trainable:
        return
    if ng > 1:
        _copy(mats[ng - 1], suffix[ng - 2], d)
        for j in range(ng - 2, 0, -1):
            _matmul(suffix[j], mats[j], suffix[j - 1], d)
    f = f0
    for j in range(ng):
        e = f + 1
        while e < f1 and prog.fac_join[e]:
            e += 1
        lead = f
        while lead < e and prog.fac_wslot[lead] < 0:
            lead += 1
        if lead < e:
            dj = deriv[prog.fac_wslot[lead]]  # holds F' (see above)
            if j > 0:
                _matmul(dj, prefix[j], tmp, d)
                _copy(tmp, dj, d)
            if j < ng - 1:
                _matmul(suffix[j], dj, tmp, d)
                _copy(tmp, dj, d)
            # the others first: they scale the lead's ∂U/∂θ, which is scaled last
            for t in range(e - 1, lead - 1, -1):
                slot = prog.fac_wslot[t]
                if slot < 0:
                    continue
                g = x_row[prog.fac_col[t]] if prog.fac_src[t] == SRC_WEIGHT_X else 1.0
                out = deriv[slot]
                for a in range(d):
                    for b in range(d):
                        out[a, b] = g * dj[a, b]
        f = e


@kernel
def block_matrices(prog, features, x_row, weights, shift_factor, shift, with_derivs, u, deriv,
                   split, u_split, d_split, work):
    """For every block whose matrix reads features (``features``) — or, without, for every
    other matrix block — write its unitary into ``u`` and, ``with_derivs``, ∂U/∂θ of its
    weight factors into ``deriv``.

    ``u`` is indexed by ``prog.op_fslot`` (features) or by block; ``deriv`` by weight slot
    (``prog.fac_wslot``); ``work`` is scratch of shape (3 * max_factors + 2, 4, 4). A group's
    ``F'`` waits in the ``deriv`` slot of its first weight factor until the prefix and suffix
    products are known (each group's sine and cosine are taken once; see :func:`_product`).
    A factor equal to ``shift_factor``
    has its angle moved by ``shift`` (parameter shift). One call does all the blocks: a call
    that takes the program passes each of its arrays, which costs more than a small block's
    arithmetic.

    With ``split``, a feature block of the form ``U = W · X`` (:func:`_feature_prefix`: the
    sample's encoding, then weights — the usual encoding-then-rotations block) is computed in
    two parts: the pass without ``features`` writes the constant ``W`` into ``u_split[op]``
    and each ``∂W/∂θ`` into ``d_split``'s weight slot;
    the sample's pass then computes only ``X`` and multiplies: one product per matrix instead
    of the whole chain per sample (a fifth of a W1 vjp was this per-sample set-up). Both
    passes of one call must agree on ``split``; ``u_split``/``d_split`` are ``u``/``deriv``
    of the constant pass (the feature blocks' rows there are otherwise unused).
    """
    for op in range(len(prog.op_kind)):
        if prog.op_kind[op] >= PERM:
            continue
        reads = prog.op_dep[op] == DEP_FEATURES
        k = _feature_prefix(prog, op) if split and reads else 0
        if reads != features and k == 0:
            continue
        f0, f1 = prog.op_f0[op], prog.op_f1[op]
        d = 2 if prog.op_kind[op] == DENSE1 else 4
        if not features:  # a constant block, or the constant part W of a split one
            _product(prog, f0 + k, f1, d, x_row, weights, shift_factor, shift, with_derivs,
                     u_split[op] if k else u[op], d_split if k else deriv, work)
        elif k == 0:
            _product(prog, f0, f1, d, x_row, weights, shift_factor, shift, with_derivs,
                     u[prog.op_fslot[op]], deriv, work)
        else:  # U = W · X and ∂U/∂θ = (∂W/∂θ) · X
            x_part = work[3 * (f1 - f0) + 1]  # past what the k-factor product uses
            _product(prog, f0, f0 + k, d, x_row, weights, shift_factor, shift, False, x_part,
                     deriv, work)
            _matmul(u_split[op], x_part, u[prog.op_fslot[op]], d)
            if with_derivs:
                for f in range(f0 + k, f1):
                    slot = prog.fac_wslot[f]
                    if slot >= 0:
                        _matmul(d_split[slot], x_part, deriv[slot], d)


@entry_kernel(allocating=True)
def constant_block_matrices(prog, weights, shift_factor, shift, with_derivs, u_all, deriv,
                            work):
    """Fill ``u_all``/``deriv`` for every block whose matrix does not depend on the sample."""
    block_matrices(prog, False, np.zeros(0), weights, shift_factor, shift, with_derivs, u_all,
                   deriv, False, u_all, deriv, work)
