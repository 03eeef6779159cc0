"""Kernels on one density matrix ρ (dim × dim complex, C order; wire 0 the highest bit).

Every kernel works block by block: the d × d block of ``src`` on the step's wires for one pair
of "rest" indices (row, column) is read, mapped and written to the same block of ``dst``, so a
kernel may work in place (``src is dst``) — except :func:`permute`, a gather. A gate maps the
block to ``U B U†``; its Heisenberg dual (``dagger``) to ``U† B U``. The depolarizing channel
``f B + (1 − f) Tr(B) I/d`` is self-dual; a superoperator channel ``vec(B) → S vec(B)``
(row-major ``vec``) has the dual ``S^H``. Costates σ are Hermitian (duals of CP maps keep
Hermiticity), which lets :func:`reduced` read both matrices along rows.
"""

from __future__ import annotations

from qmlstudio.engine._jit import kernel
from qmlstudio.engine.measure import parity

__all__ = ["costate_matrix", "depolarize", "depolarize1", "gate1", "gate2", "pauli_expectation",
           "permute", "reduced", "superop"]


@kernel
def _spread(i, d, t0, t1):
    """The ``i``-th index whose bits ``t0`` (and ``t1`` when d = 4) are zero."""
    if d == 2:
        return ((i >> t0) << (t0 + 1)) | (i & ((1 << t0) - 1))
    lo = min(t0, t1)
    hi = max(t0, t1)
    i = ((i >> lo) << (lo + 1)) | (i & ((1 << lo) - 1))
    return ((i >> hi) << (hi + 1)) | (i & ((1 << hi) - 1))


@kernel
def _offset(a, d, t0, t1):
    """Index offset of local basis state ``a`` (first wire the most significant bit)."""
    if d == 2:
        return a << t0
    return ((a >> 1) << t0) | ((a & 1) << t1)


@kernel
def _bloch_image(u00, u01, u10, u11, s00, s01, s10, s11):
    """Twice the Pauli components (x, y, z) of U σ U† for the 2×2 σ = [[s00, s01], [s10, s11]]
    (as :func:`gate1` reads a block: ``x = B01 + B10``, ``y = i(B01 − B10)``, ``z = B00 − B11``)."""
    m00 = (u00 * s00 + u01 * s10) * u00.conjugate() + (u00 * s01 + u01 * s11) * u01.conjugate()
    m01 = (u00 * s00 + u01 * s10) * u10.conjugate() + (u00 * s01 + u01 * s11) * u11.conjugate()
    m10 = (u10 * s00 + u11 * s10) * u00.conjugate() + (u10 * s01 + u11 * s11) * u01.conjugate()
    m11 = (u10 * s00 + u11 * s10) * u10.conjugate() + (u10 * s01 + u11 * s11) * u11.conjugate()
    return (m01 + m10).real, (1j * (m01 - m10)).real, (m00 - m11).real


@kernel
def gate1(src, dst, t, u, dagger, f):
    """dst ← U src U† (``dagger``: U† src U) on bit ``t`` with the 2×2 ``u[:2, :2]``, then the
    one-qubit depolarizing mix with ``f`` (it commutes with U) — one sweep.

    Each 2×2 block is written in the Pauli basis, ``B = (s I + x X + y Y + z Z)/2``:
    conjugation by a unitary keeps ``s`` and rotates ``(x, y, z)`` by a real 3×3 matrix (the
    adjoint representation of U), and depolarizing scales it by ``f`` — about a third of the
    multiplications of ``U B U†``. ``src`` must be Hermitian (a density matrix or a costate):
    only the blocks on and above the block diagonal are computed, the others are their
    conjugate transposes (half the work); blocks below the diagonal are never read, so ``dst``
    may be ``src``.
    """
    if dagger:
        u00, u01, u10, u11 = (u[0, 0].conjugate(), u[1, 0].conjugate(), u[0, 1].conjugate(),
                              u[1, 1].conjugate())
    else:
        u00, u01, u10, u11 = u[0, 0], u[0, 1], u[1, 0], u[1, 1]
    one, zero = 1.0 + 0j, 0j
    rxx, ryx, rzx = _bloch_image(u00, u01, u10, u11, zero, one, one, zero)
    rxy, ryy, rzy = _bloch_image(u00, u01, u10, u11, zero, -1j, 1j, zero)
    rxz, ryz, rzz = _bloch_image(u00, u01, u10, u11, one, zero, zero, -one)
    # ¼: ½ for the doubled components of _bloch_image, ½ back from components to entries
    g = 0.25 * f
    rxx, rxy, rxz = g * rxx, g * rxy, g * rxz
    ryx, ryy, ryz = g * ryx, g * ryy, g * ryz
    rzx, rzy, rzz = g * rzx, g * rzy, g * rzz
    bit = 1 << t
    half = src.shape[0] >> 1
    for i in range(half):
        r0 = _spread(i, 2, t, 0)
        r1 = r0 | bit
        s0 = src[r0]
        s1 = src[r1]
        d0 = dst[r0]
        d1 = dst[r1]
        for j in range(i, half):
            c0 = _spread(j, 2, t, 0)
            c1 = c0 | bit
            a = s0[c0]
            b = s0[c1]
            c = s1[c0]
            d = s1[c1]
            h = 0.5 * (a + d)
            x = b + c
            y = 1j * (b - c)
            z = a - d
            x, y, z = (rxx * x + rxy * y + rxz * z, ryx * x + ryy * y + ryz * z,
                       rzx * x + rzy * y + rzz * z)
            a = h + z
            d = h - z
            b = x - 1j * y
            c = x + 1j * y
            d0[c0] = a
            d0[c1] = b
            d1[c0] = c
            d1[c1] = d
            if j != i:
                dst[c0, r0] = a.conjugate()
                dst[c1, r0] = b.conjugate()
                dst[c0, r1] = c.conjugate()
                dst[c1, r1] = d.conjugate()


@kernel
def depolarize1(src, dst, t, f):
    """dst ← f src + (1 − f) Tr_t(src) ⊗ I/2 on bit ``t`` (the one-qubit depolarizing
    channel, self-dual)."""
    g = 0.5 * (1.0 - f)
    bit = 1 << t
    dim = src.shape[0]
    for rh in range(0, dim, 2 * bit):
        for rl in range(bit):
            r0 = rh + rl
            s0 = src[r0]
            s1 = src[r0 + bit]
            d0 = dst[r0]
            d1 = dst[r0 + bit]
            for ch in range(0, dim, 2 * bit):
                for c0 in range(ch, ch + bit):
                    m = g * (s0[c0] + s1[c0 + bit])
                    d0[c0] = f * s0[c0] + m
                    d1[c0 + bit] = f * s1[c0 + bit] + m
                    d0[c0 + bit] = f * s0[c0 + bit]
                    d1[c0] = f * s1[c0]


@kernel
def gate2(src, dst, t0, t1, u, dagger, work):
    """dst ← U src U† (``dagger``: U† ρ U) on bits ``t0`` (first wire), ``t1`` with the 4×4
    ``u``; ``work`` is (3, 4, 4) complex scratch."""
    m = work[0]
    blk = work[1]
    prod = work[2]
    for a in range(4):
        for b in range(4):
            m[a, b] = u[b, a].conjugate() if dagger else u[a, b]
    quarter = src.shape[0] >> 2
    for i in range(quarter):
        r = _spread(i, 4, t0, t1)
        for j in range(quarter):
            c = _spread(j, 4, t0, t1)
            for a in range(4):
                ra = r + _offset(a, 4, t0, t1)
                for b in range(4):
                    blk[a, b] = src[ra, c + _offset(b, 4, t0, t1)]
            for a in range(4):
                for b in range(4):
                    acc = 0j
                    for k in range(4):
                        acc += m[a, k] * blk[k, b]
                    prod[a, b] = acc
            for a in range(4):
                ra = r + _offset(a, 4, t0, t1)
                for b in range(4):
                    acc = 0j
                    for k in range(4):
                        acc += prod[a, k] * m[b, k].conjugate()
                    dst[ra, c + _offset(b, 4, t0, t1)] = acc


@kernel
def depolarize(src, dst, d, t0, t1, f):
    """dst ← f src + (1 − f) Tr_w(src) ⊗ I/d on the d × d blocks of bits ``t0`` (, ``t1``)."""
    g = (1.0 - f) / d
    n_rest = src.shape[0] // d
    for i in range(n_rest):
        r = _spread(i, d, t0, t1)
        for j in range(n_rest):
            c = _spread(j, d, t0, t1)
            trace = 0j
            for a in range(d):
                trace += src[r + _offset(a, d, t0, t1), c + _offset(a, d, t0, t1)]
            for a in range(d):
                ra = r + _offset(a, d, t0, t1)
                for b in range(d):
                    cb = c + _offset(b, d, t0, t1)
                    dst[ra, cb] = f * src[ra, cb] + (g * trace if a == b else 0j)


@kernel
def superop(src, dst, d, t0, t1, s, work):
    """vec(B_dst) ← S vec(B_src) for every d × d block (``s`` (16, 16), its top-left d² × d² used;
    ``work`` (2, 16) complex scratch)."""
    vec = work[0]
    out = work[1]
    d2 = d * d
    n_rest = src.shape[0] // d
    for i in range(n_rest):
        r = _spread(i, d, t0, t1)
        for j in range(n_rest):
            c = _spread(j, d, t0, t1)
            for a in range(d):
                for b in range(d):
                    vec[a * d + b] = src[r + _offset(a, d, t0, t1), c + _offset(b, d, t0, t1)]
            for k in range(d2):
                acc = 0j
                for m in range(d2):
                    acc += s[k, m] * vec[m]
                out[k] = acc
            for a in range(d):
                for b in range(d):
                    dst[r + _offset(a, d, t0, t1), c + _offset(b, d, t0, t1)] = out[a * d + b]


@kernel
def permute(src, dst, table, t, mask, f, mix_first):
    """dst[i, j] = src[table[i], table[j]] (P ρ Pᵀ for a gather table; src is not dst), with
    the one-qubit depolarizing channel ``f`` on bit ``t`` (−1: none) applied to ``src`` first
    (``mix_first``) or to the gathered matrix — the dual of "mix, then permute" is "permute
    back, then mix".

    The channel mixes each entry with one partner whose output indices are ``(i ^ mask,
    j ^ mask)`` (``mask`` is ``1 << t`` when mixing the output; for mixing the source it is
    where the permutation sends bit ``t``, which needs a permutation linear over GF(2), as cx
    and swap are). Both entries of a pair are gathered once and written together. With a
    channel, ``src`` must be Hermitian (see :func:`gate1`).
    """
    dim = src.shape[0]
    if t < 0:
        for i in range(dim):
            row = src[table[i]]
            out = dst[i]
            for j in range(dim):
                out[j] = row[table[j]]
        return
    bit = 1 << t
    g = 0.5 * (1.0 - f)
    # Rows and columns go in pairs {i, i ^ mask}; a block of two row pairs and two column
    # pairs holds two mixing pairs. src is Hermitian, so only blocks with i <= j are gathered
    # and the others written as their conjugate transposes (half the reads).
    for i in range(dim):
        i2 = i ^ mask
        if i2 < i:
            continue
        ti = table[i]
        ti2 = table[i2]
        side = (ti if mix_first else i) & bit
        for j in range(i, dim):
            j2 = j ^ mask
            if j2 < j:
                continue
            tj = table[j]
            tj2 = table[j2]
            a = src[ti, tj]  # (i, j), mixing with d = (i2, j2)
            d = src[ti2, tj2]
            b = src[ti, tj2]  # (i, j2), mixing with c = (i2, j)
            c = src[ti2, tj]
            if ((tj if mix_first else j) & bit) == side:
                m = g * (a + d)
                a, d = f * a + m, f * d + m
                b, c = f * b, f * c
            else:
                m = g * (b + c)
                b, c = f * b + m, f * c + m
                a, d = f * a, f * d
            dst[i, j] = a
            dst[i2, j2] = d
            dst[i, j2] = b
            dst[i2, j] = c
            if j != i:
                dst[j, i] = a.conjugate()
                dst[j2, i2] = d.conjugate()
                dst[j2, i] = b.conjugate()
                dst[j, i2] = c.conjugate()


@kernel
def _phase(ny):
    """i**ny."""
    if ny == 0:
        return 1.0 + 0j
    if ny == 1:
        return 1j
    if ny == 2:
        return -1.0 + 0j
    return -1j


@kernel
def pauli_expectation(rho, flip, zmask, ny):
    """Tr(P ρ) for the Pauli string (flip, zmask, ny) of :mod:`.measure`: P[i, j] =
    i^ny (−1)^popcount(j & zmask) with j = i XOR flip."""
    acc = 0j
    for i in range(rho.shape[0]):
        j = i ^ flip
        acc += (1.0 - 2.0 * parity(j & zmask)) * rho[j, i]
    return (_phase(ny) * acc).real


@kernel
def costate_matrix(sigma, flip, zmask, ny, coef):
    """σ = Σ_k coef[k] P_k."""
    dim = sigma.shape[0]
    for i in range(dim):
        for j in range(dim):
            sigma[i, j] = 0j
    for k in range(len(coef)):
        if coef[k] == 0.0:
            continue
        phase = coef[k] * _phase(ny[k])
        for i in range(dim):
            j = i ^ flip[k]
            sigma[i, j] += (1.0 - 2.0 * parity(j & zmask[k])) * phase


@kernel
def _reduced1(rho, sigma, t, r):
    """:func:`reduced` for one bit, in real arithmetic (these dot products vectorise)."""
    bit = 1 << t
    dim = rho.shape[0]
    r00r = r00i = r01r = r01i = r10r = r10i = r11r = r11i = 0.0
    for rh in range(0, dim, 2 * bit):
        for rl in range(bit):
            x0 = rho[rh + rl]
            x1 = rho[rh + rl + bit]
            y0 = sigma[rh + rl]
            y1 = sigma[rh + rl + bit]
            for j in range(dim):
                ar, ai = x0[j].real, x0[j].imag
                br, bi = x1[j].real, x1[j].imag
                cr, ci = y0[j].real, y0[j].imag
                dr, di = y1[j].real, y1[j].imag
                r00r += ar * cr + ai * ci
                r00i += ai * cr - ar * ci
                r01r += ar * dr + ai * di
                r01i += ai * dr - ar * di
                r10r += br * cr + bi * ci
                r10i += bi * cr - br * ci
                r11r += br * dr + bi * di
                r11i += bi * dr - br * di
    r[0, 0] = complex(r00r, r00i)
    r[0, 1] = complex(r01r, r01i)
    r[1, 0] = complex(r10r, r10i)
    r[1, 1] = complex(r11r, r11i)


@kernel
def reduced(rho, sigma, d, t0, t1, r):
    """r[a, b] = Tr_rest(ρ σ)[a, b] = Σ_rest Σ_j ρ[a·rest, j] conj(σ[b·rest, j]) (σ
    Hermitian), the d × d matrix the gradient of a gate on these bits reads."""
    if d == 2:
        _reduced1(rho, sigma, t0, r)
        return
    for a in range(d):
        for b in range(d):
            r[a, b] = 0j
    dim = rho.shape[0]
    for i in range(dim // d):
        base = _spread(i, d, t0, t1)
        for a in range(d):
            ra = base + _offset(a, d, t0, t1)
            for b in range(d):
                rb = base + _offset(b, d, t0, t1)
                acc = 0j
                for j in range(dim):
                    acc += rho[ra, j] * sigma[rb, j].conjugate()
                r[a, b] += acc
