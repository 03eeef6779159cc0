"""State kernels: apply a block to a state, or undo it while collecting gradient data.

States are kept as two float64 planes (real, imaginary): numba leaves complex128 loops
unvectorised, while split planes let LLVM vectorise the amplitude loops.

Every kernel works on an index range ``[lo, hi)`` — of amplitude pairs (one-qubit blocks),
quadruples (two-qubit blocks) or amplitudes — so the same code serves both drivers: the batch
driver passes the whole range for one sample per thread, the large-state driver splits the
range into fixed-size chunks across threads.

``t`` is a bit position (wire ``w`` of an ``n``-qubit circuit sits at bit ``n - 1 - w``).
The backward kernels undo the block on the forward state ``ψ`` and on the costate ``λ`` in the
same sweep and accumulate ``R[a, b] = Σ ψ_prev[a] · conj(λ[b])`` over the untouched bits:
``Tr(∂U/∂θ · R)`` is then ⟨λ|∂U|ψ_prev⟩ for every factor of the block.
"""

from __future__ import annotations

from qmlstudio.engine._jit import allocating_kernel, kernel

__all__ = [
    "apply_dense1",
    "apply_dense2",
    "apply_diag2",
    "backward_dense1",
    "backward_dense2",
    "backward_diag2",
    "gather",
    "layer_reduced1",
    "layer_reduced2",
    "swap_pairs",
    "undo_costate1",
    "undo_dense1",
    "undo_diag2",
]


BACKWARD_TILE = 512
"""Pairs per tile of :func:`backward_dense1`: the tile's ψ and λ (32 KiB) stay in L1 cache
between its three sweeps."""


@kernel
def _pair_start(p, t):
    """Index of the first amplitude of pair ``p`` for bit ``t`` (bit t of the result is 0)."""
    low = p & ((1 << t) - 1)
    return ((p - low) << 1) | low


@kernel
def _quad_start(q, t_hi, t_lo):
    """Index of the first amplitude of quadruple ``q`` (bits t_hi and t_lo are 0)."""
    return _pair_start(_pair_start(q, t_lo), t_hi)


ROTATION_TILE = 64
"""Longest run of :func:`rotate_two`: its four slices of both planes (4 KiB) come from L2
cache for the first rotation and from L1 for the second."""


@kernel
def _rotation(u, adjoint):
    """The entries of ``u[:2, :2]`` (of U† with ``adjoint``) as eight reals, row by row:
    00 real, 00 imaginary, 01 real, ..., 11 imaginary."""
    if adjoint:  # (U†)_{ab} = conj(U_{ba})
        return (u[0, 0].real, -u[0, 0].imag, u[1, 0].real, -u[1, 0].imag,
                u[0, 1].real, -u[0, 1].imag, u[1, 1].real, -u[1, 1].imag)
    return (u[0, 0].real, u[0, 0].imag, u[0, 1].real, u[0, 1].imag,
            u[1, 0].real, u[1, 0].imag, u[1, 1].real, u[1, 1].imag)


@kernel
def _rotate_slices(xr, xi, yr, yi, m, run):
    """Apply the 2×2 matrix ``m`` (:func:`_rotation`'s eight reals) to the pairs
    ``(x[k], y[k])``, ``k < run``."""
    u00r, u00i, u01r, u01i, u10r, u10i, u11r, u11i = m
    for k in range(run):
        ar, ai, br, bi = xr[k], xi[k], yr[k], yi[k]
        xr[k] = u00r * ar - u00i * ai + u01r * br - u01i * bi
        xi[k] = u00r * ai + u00i * ar + u01r * bi + u01i * br
        yr[k] = u10r * ar - u10i * ai + u11r * br - u11i * bi
        yi[k] = u10r * ai + u10i * ar + u11r * bi + u11i * br


@kernel
def _rotate_pairs(re, im, t, m, lo, hi):
    """Apply the 2×2 matrix ``m`` (:func:`_rotation`'s eight reals) on bit ``t`` to pairs
    ``lo..hi``."""
    s = 1 << t
    p = lo
    while p < hi:
        i0 = _pair_start(p, t)
        run = min(s - (p & (s - 1)), hi - p)
        # Contiguous slices with a zero-based index let LLVM prove the loop vectorisable.
        _rotate_slices(re[i0:i0 + run], im[i0:i0 + run], re[i0 + s:i0 + s + run],
                       im[i0 + s:i0 + s + run], m, run)
        p += run


@kernel
def rotate_two(re, im, t_hi, u_hi, t_lo, u_lo, adjoint):
    """Apply ``u_lo[:2, :2]`` on bit ``t_lo`` and ``u_hi[:2, :2]`` on bit ``t_hi > t_lo``
    (their adjoints with ``adjoint``) to the whole state: two blocks of a layer (they
    commute) in one pass.

    The pass goes quadruple by quadruple in runs of at most :data:`ROTATION_TILE`, four
    short loops per run: the second rotation reads what the first wrote from L1 cache, where
    two sweeps would each read the state from L2. (One loop doing both rotations on eight
    slices is not vectorised by LLVM: it would need too many overlap checks.) Below bit 3
    (a batch of at most four samples) runs are 1, 2 or 4 long: slower per amplitude (a vjp of
    W2's circuit on 4 samples 2.26 against 2.19 ms), but not worth a second copy of the loops
    to compile on a cold cache.
    """
    m_hi = _rotation(u_hi, adjoint)
    m_lo = _rotation(u_lo, adjoint)
    s = 1 << t_lo
    big = 1 << t_hi
    hi = re.shape[0] >> 2
    q = 0
    while q < hi:
        i0 = _quad_start(q, t_hi, t_lo)
        run = min(s - (q & (s - 1)), ROTATION_TILE)
        i1, i2, i3 = i0 + s, i0 + big, i0 + big + s
        x0r, x0i, x1r, x1i = re[i0:i0 + run], im[i0:i0 + run], re[i1:i1 + run], im[i1:i1 + run]
        x2r, x2i, x3r, x3i = re[i2:i2 + run], im[i2:i2 + run], re[i3:i3 + run], im[i3:i3 + run]
        _rotate_slices(x0r, x0i, x1r, x1i, m_lo, run)
        _rotate_slices(x2r, x2i, x3r, x3i, m_lo, run)
        _rotate_slices(x0r, x0i, x2r, x2i, m_hi, run)
        _rotate_slices(x1r, x1i, x3r, x3i, m_hi, run)
        q += run


@kernel
def apply_dense1(re, im, t, u, lo, hi):
    """Apply the 2×2 matrix ``u[:2, :2]`` on bit ``t`` to pairs ``lo..hi``."""
    _rotate_pairs(re, im, t, _rotation(u, False), lo, hi)


@kernel
def _pair_outer(pre, pim, lre, lim, t, lo, hi):
    """``Σ ψ_a · conj(λ_b)`` over pairs ``lo..hi`` of bit ``t``: its entries 00, 01, 10, 11."""
    r00r = r00i = r01r = r01i = r10r = r10i = r11r = r11i = 0.0
    s = 1 << t
    p = lo
    while p < hi:
        i0 = _pair_start(p, t)
        run = min(s - (p & (s - 1)), hi - p)
        xr, xi = pre[i0:i0 + run], pim[i0:i0 + run]
        yr, yi = pre[i0 + s:i0 + s + run], pim[i0 + s:i0 + s + run]
        mr, mi = lre[i0:i0 + run], lim[i0:i0 + run]
        nr, ni = lre[i0 + s:i0 + s + run], lim[i0 + s:i0 + s + run]
        for k in range(run):
            a0r, a0i, a1r, a1i = xr[k], xi[k], yr[k], yi[k]
            l0r, l0i, l1r, l1i = mr[k], mi[k], nr[k], ni[k]
            r00r += a0r * l0r + a0i * l0i
            r00i += a0i * l0r - a0r * l0i
            r01r += a0r * l1r + a0i * l1i
            r01i += a0i * l1r - a0r * l1i
            r10r += a1r * l0r + a1i * l0i
            r10i += a1i * l0r - a1r * l0i
            r11r += a1r * l1r + a1i * l1i
            r11i += a1i * l1r - a1r * l1i
        p += run
    return complex(r00r, r00i), complex(r01r, r01i), complex(r10r, r10i), complex(r11r, r11i)


@kernel
def _backward_short_runs(pre, pim, lre, lim, t, u, lo, hi, r):
    """:func:`backward_dense1` in one sweep, for bits below 3 (runs of 1, 2 or 4 pairs):
    there the loop overhead of three sweeps outweighs their shorter bodies (+18 % measured
    on bits 0–2 of 2**15 amplitudes, the large driver's low wires)."""
    # U† entries: (U†)_{ab} = conj(U_{ba})
    v00r, v00i, v01r, v01i = u[0, 0].real, -u[0, 0].imag, u[1, 0].real, -u[1, 0].imag
    v10r, v10i, v11r, v11i = u[0, 1].real, -u[0, 1].imag, u[1, 1].real, -u[1, 1].imag
    r00r = r00i = r01r = r01i = r10r = r10i = r11r = r11i = 0.0
    s = 1 << t
    p = lo
    while p < hi:
        i0 = _pair_start(p, t)
        run = min(s - (p & (s - 1)), hi - p)
        xr, xi = pre[i0:i0 + run], pim[i0:i0 + run]
        yr, yi = pre[i0 + s:i0 + s + run], pim[i0 + s:i0 + s + run]
        mr, mi = lre[i0:i0 + run], lim[i0:i0 + run]
        nr, ni = lre[i0 + s:i0 + s + run], lim[i0 + s:i0 + s + run]
        for k in range(run):
            ar, ai, br, bi = xr[k], xi[k], yr[k], yi[k]
            a0r = v00r * ar - v00i * ai + v01r * br - v01i * bi
            a0i = v00r * ai + v00i * ar + v01r * bi + v01i * br
            a1r = v10r * ar - v10i * ai + v11r * br - v11i * bi
            a1i = v10r * ai + v10i * ar + v11r * bi + v11i * br
            xr[k], xi[k], yr[k], yi[k] = a0r, a0i, a1r, a1i
            l0r, l0i, l1r, l1i = mr[k], mi[k], nr[k], ni[k]
            # R[a, b] += ψ_a · conj(λ_b)
            r00r += a0r * l0r + a0i * l0i
            r00i += a0i * l0r - a0r * l0i
            r01r += a0r * l1r + a0i * l1i
            r01i += a0i * l1r - a0r * l1i
            r10r += a1r * l0r + a1i * l0i
            r10i += a1i * l0r - a1r * l0i
            r11r += a1r * l1r + a1i * l1i
            r11i += a1i * l1r - a1r * l1i
            mr[k] = v00r * l0r - v00i * l0i + v01r * l1r - v01i * l1i
            mi[k] = v00r * l0i + v00i * l0r + v01r * l1i + v01i * l1r
            nr[k] = v10r * l0r - v10i * l0i + v11r * l1r - v11i * l1i
            ni[k] = v10r * l0i + v10i * l0r + v11r * l1i + v11i * l1r
        p += run
    r[0, 0] += complex(r00r, r00i)
    r[0, 1] += complex(r01r, r01i)
    r[1, 0] += complex(r10r, r10i)
    r[1, 1] += complex(r11r, r11i)


@kernel
def backward_dense1(pre, pim, lre, lim, t, u, lo, hi, r):
    """Undo ``u`` on ψ and λ for pairs ``lo..hi``; add ψ_prev ⊗ conj(λ) into ``r[:2, :2]``.

    The sum is taken on the states *after* the block, ``R' = Σ ψ ⊗ conj(λ)``, and turned into
    ``R = U† R'`` (ψ_prev = U†ψ) at the end; then ψ and λ are undone in two plain sweeps.
    Three short loops beat one that does everything: that loop's 8 accumulators, 8 matrix
    entries and 8 loaded values need more registers than AVX2 has, and it ran 1.3× slower
    than these three (measured on a 2**15-amplitude chunk). The sweeps go tile by tile
    (:data:`BACKWARD_TILE` pairs), so ψ and λ are read from L1 cache by the second and third.
    """
    if t < 3:
        _backward_short_runs(pre, pim, lre, lim, t, u, lo, hi, r)
        return
    # U† entries: (U†)_{ab} = conj(U_{ba})
    v00, v01, v10, v11 = (u[0, 0].conjugate(), u[1, 0].conjugate(), u[0, 1].conjugate(),
                          u[1, 1].conjugate())
    m = _rotation(u, True)
    r00 = r01 = r10 = r11 = 0j
    for start in range(lo, hi, BACKWARD_TILE):
        end = min(hi, start + BACKWARD_TILE)
        s00, s01, s10, s11 = _pair_outer(pre, pim, lre, lim, t, start, end)
        r00 += s00
        r01 += s01
        r10 += s10
        r11 += s11
        _rotate_pairs(pre, pim, t, m, start, end)
        _rotate_pairs(lre, lim, t, m, start, end)
    r[0, 0] += v00 * r00 + v01 * r10
    r[0, 1] += v00 * r01 + v01 * r11
    r[1, 0] += v10 * r00 + v11 * r10
    r[1, 1] += v10 * r01 + v11 * r11


@kernel
def undo_dense1(pre, pim, lre, lim, t, u, lo, hi):
    """Undo ``u`` on ψ and λ for pairs ``lo..hi``, with no reduced matrix: a block without
    weights has no gradient to take (two sweeps instead of :func:`backward_dense1`'s
    three)."""
    m = _rotation(u, True)
    _rotate_pairs(pre, pim, t, m, lo, hi)
    _rotate_pairs(lre, lim, t, m, lo, hi)


@kernel
def _layer_sums(a0r, a0i, a1r, a1i, l0r, l0i, l1r, l1i):
    """A pair's terms of the four sums :func:`_add_layer_reduced` takes: Im(ψ_0 conj λ_0),
    Im(ψ_1 conj λ_1), Im(ψ_0 conj λ_1 + ψ_1 conj λ_0), Re(ψ_0 conj λ_1 − ψ_1 conj λ_0)."""
    return (a0i * l0r - a0r * l0i, a1i * l1r - a1r * l1i,
            (a0i * l1r - a0r * l1i) + (a1i * l0r - a1r * l0i),
            (a0r * l1r + a0i * l1i) - (a1r * l0r + a1i * l0i))


@kernel
def _add_layer_reduced(u, a, d, x, y, r):
    """``r[:2, :2] += U† K`` for the anti-Hermitian part ``K`` of ``R' = Σ ψ ⊗ conj(λ)``,
    given by the four sums of :func:`_layer_sums`.

    Only ``K`` reaches a gradient: ``add_gradients`` takes 2 Re Tr(D U† R'), and ``D U†`` is
    anti-Hermitian for every ∂U/∂θ of a unitary U (differentiate U U† = I), so the Hermitian
    part of R' adds a purely imaginary trace. Four real sums instead of the eight real parts
    of R′'s entries: 12 multiply-adds per amplitude pair instead of 16, and fewer registers."""
    k00 = complex(0.0, a)
    k11 = complex(0.0, d)
    k01 = complex(0.5 * y, 0.5 * x)
    k10 = complex(-0.5 * y, 0.5 * x)
    # U† entries: (U†)_{ab} = conj(U_{ba})
    v00, v01, v10, v11 = (u[0, 0].conjugate(), u[1, 0].conjugate(), u[0, 1].conjugate(),
                          u[1, 1].conjugate())
    r[0, 0] += v00 * k00 + v01 * k10
    r[0, 1] += v00 * k01 + v01 * k11
    r[1, 0] += v10 * k00 + v11 * k10
    r[1, 1] += v10 * k01 + v11 * k11


@kernel
def layer_reduced1(pre, pim, lre, lim, t, u, lo, hi, r):
    """Add the reduced matrix of the layer's block ``u`` on bit ``t`` into ``r[:2, :2]`` (as
    far as a gradient sees it: :func:`_add_layer_reduced`), summed over pairs ``lo..hi``,
    with ψ and λ taken *after a whole layer* of one-wire blocks (read only).

    That is the reduced matrix the block would have right after it (as
    :func:`backward_dense1` takes it): the layer's other blocks act on other bits, on ψ and λ
    alike, and a partial trace over those bits does not see them. So a layer whose input
    state was kept needs no undoing of ψ (see :mod:`.batch_driver`).
    """
    s00, s01, s10, s11 = _pair_outer(pre, pim, lre, lim, t, lo, hi)
    _add_layer_reduced(u, s00.imag, s11.imag, s01.imag + s10.imag, s01.real - s10.real, r)


@kernel
def layer_reduced2(pre, pim, lre, lim, t_hi, u_hi, r_hi, t_lo, u_lo, r_lo, lo, hi):
    """:func:`layer_reduced1` for two blocks of a layer at once, on bits ``t_hi > t_lo``,
    over quadruples ``lo..hi``: one read of ψ and λ serves both. A layer's sweeps over a
    chunk are bound by reading ψ and λ from L2 cache; measured on a 2**15-amplitude chunk,
    0.32–0.47 ns per amplitude and block here against 0.58 for two sweeps of eight sums."""
    ha = hd = hx = hy = la = ld = lx = ly = 0.0
    s = 1 << t_lo
    big = 1 << t_hi
    q = lo
    while q < hi:
        i0 = _quad_start(q, t_hi, t_lo)
        run = min(s - (q & (s - 1)), hi - q)
        i1, i2, i3 = i0 + s, i0 + big, i0 + big + s
        p0r, p0i, p1r, p1i = pre[i0:i0 + run], pim[i0:i0 + run], pre[i1:i1 + run], pim[i1:i1 + run]
        p2r, p2i, p3r, p3i = pre[i2:i2 + run], pim[i2:i2 + run], pre[i3:i3 + run], pim[i3:i3 + run]
        m0r, m0i, m1r, m1i = lre[i0:i0 + run], lim[i0:i0 + run], lre[i1:i1 + run], lim[i1:i1 + run]
        m2r, m2i, m3r, m3i = lre[i2:i2 + run], lim[i2:i2 + run], lre[i3:i3 + run], lim[i3:i3 + run]
        for k in range(run):
            # bit t_lo: pairs (0, 1) and (2, 3); bit t_hi: pairs (0, 2) and (1, 3)
            a, d, x, y = _layer_sums(p0r[k], p0i[k], p1r[k], p1i[k], m0r[k], m0i[k], m1r[k],
                                     m1i[k])
            b, e, w, z = _layer_sums(p2r[k], p2i[k], p3r[k], p3i[k], m2r[k], m2i[k], m3r[k],
                                     m3i[k])
            la, ld, lx, ly = la + (a + b), ld + (d + e), lx + (x + w), ly + (y + z)
            a, d, x, y = _layer_sums(p0r[k], p0i[k], p2r[k], p2i[k], m0r[k], m0i[k], m2r[k],
                                     m2i[k])
            b, e, w, z = _layer_sums(p1r[k], p1i[k], p3r[k], p3i[k], m1r[k], m1i[k], m3r[k],
                                     m3i[k])
            ha, hd, hx, hy = ha + (a + b), hd + (d + e), hx + (x + w), hy + (y + z)
        q += run
    _add_layer_reduced(u_hi, ha, hd, hx, hy, r_hi)
    _add_layer_reduced(u_lo, la, ld, lx, ly, r_lo)


@kernel
def undo_costate1(lre, lim, t, u, lo, hi):
    """λ ← U†λ on bit ``t`` for pairs ``lo..hi`` (λ alone: ψ of a kept layer is not undone)."""
    _rotate_pairs(lre, lim, t, _rotation(u, True), lo, hi)


@kernel
def _quad(q, t_hi, t_lo):
    i0 = _quad_start(q, t_hi, t_lo)
    return i0, i0 | (1 << t_lo), i0 | (1 << t_hi), i0 | (1 << t_hi) | (1 << t_lo)


@kernel
def apply_dense2(re, im, t_hi, t_lo, u, lo, hi):
    """Apply the 4×4 matrix ``u`` on bits (t_hi, t_lo) (local index 2·b_hi + b_lo)."""
    for q in range(lo, hi):
        idx = _quad(q, t_hi, t_lo)
        a0 = complex(re[idx[0]], im[idx[0]])
        a1 = complex(re[idx[1]], im[idx[1]])
        a2 = complex(re[idx[2]], im[idx[2]])
        a3 = complex(re[idx[3]], im[idx[3]])
        for row in range(4):
            v = u[row, 0] * a0 + u[row, 1] * a1 + u[row, 2] * a2 + u[row, 3] * a3
            re[idx[row]] = v.real
            im[idx[row]] = v.imag


@allocating_kernel
def backward_dense2(pre, pim, lre, lim, t_hi, t_lo, u, lo, hi, r):
    """Undo the 4×4 ``u`` on ψ and λ for quadruples ``lo..hi``; accumulate ``r``."""
    a = [0j, 0j, 0j, 0j]
    lam = [0j, 0j, 0j, 0j]
    for q in range(lo, hi):
        idx = _quad(q, t_hi, t_lo)
        for k in range(4):
            a[k] = complex(pre[idx[k]], pim[idx[k]])
            lam[k] = complex(lre[idx[k]], lim[idx[k]])
        for row in range(4):
            v = 0j
            w = 0j
            for k in range(4):
                c = u[k, row].conjugate()
                v += c * a[k]
                w += c * lam[k]
            pre[idx[row]], pim[idx[row]] = v.real, v.imag
            lre[idx[row]], lim[idx[row]] = w.real, w.imag
            for b in range(4):
                r[row, b] += v * lam[b].conjugate()


@kernel
def _diagonal_runs(planes, pairs, t_hi, t_lo, u, conjugate, lo, hi):
    """Multiply the first ``pairs`` plane pairs (re, im) of ``planes`` (four planes: one
    compiled copy serves ψ alone and ψ with λ) by the diagonal of ``u`` (conjugated with
    ``conjugate``) on bits (t_hi, t_lo), quadruples ``lo..hi``.

    Consecutive quadruples start at consecutive indices until bit ``t_lo`` is reached, so
    each of the four amplitudes of a run of them is a contiguous slice multiplied by one
    number: loops that vectorise, where one quadruple at a time (four scattered amplitudes
    and their index arithmetic) cost a few ns per amplitude (measured: 90 IQP ``rzz``
    blocks on 8 interleaved 10-qubit states, 28 µs a block). Below bit 3 runs are too short
    to pay: there one quadruple at a time is faster (3× at bit 0, measured on one sample).
    """
    sign = -1.0 if conjugate else 1.0
    if t_lo < 3:
        for q in range(lo, hi):
            idx = _quad(q, t_hi, t_lo)
            for k in range(4):
                dr, di = u[k, k].real, sign * u[k, k].imag
                i = idx[k]
                for plane in range(0, 2 * pairs, 2):
                    ar, ai = planes[plane][i], planes[plane + 1][i]
                    planes[plane][i] = dr * ar - di * ai
                    planes[plane + 1][i] = dr * ai + di * ar
        return
    s = 1 << t_lo
    p = lo
    while p < hi:
        i0 = _quad_start(p, t_hi, t_lo)
        run = min(s - (p & (s - 1)), hi - p)
        for k in range(4):
            dr, di = u[k, k].real, sign * u[k, k].imag
            start = i0 + ((k >> 1) << t_hi) + ((k & 1) << t_lo)
            for plane in range(0, 2 * pairs, 2):
                xr = planes[plane][start:start + run]
                xi = planes[plane + 1][start:start + run]
                for j in range(run):
                    ar, ai = xr[j], xi[j]
                    xr[j] = dr * ar - di * ai
                    xi[j] = dr * ai + di * ar
        p += run


@kernel
def _diagonal_sums(pre, pim, lre, lim, t_hi, t_lo, lo, hi, r):
    """Add ``Σ ψ_k conj(λ_k)`` over quadruples ``lo..hi`` into ``r[k, k]`` (runs, or single
    quadruples below bit 3, as in :func:`_diagonal_runs`)."""
    if t_lo < 3:
        for q in range(lo, hi):
            idx = _quad(q, t_hi, t_lo)
            for k in range(4):
                i = idx[k]
                r[k, k] += complex(pre[i] * lre[i] + pim[i] * lim[i],
                                   pim[i] * lre[i] - pre[i] * lim[i])
        return
    s = 1 << t_lo
    p = lo
    while p < hi:
        i0 = _quad_start(p, t_hi, t_lo)
        run = min(s - (p & (s - 1)), hi - p)
        for k in range(4):
            start = i0 + ((k >> 1) << t_hi) + ((k & 1) << t_lo)
            xr, xi = pre[start:start + run], pim[start:start + run]
            yr, yi = lre[start:start + run], lim[start:start + run]
            sr = si = 0.0
            for j in range(run):
                sr += xr[j] * yr[j] + xi[j] * yi[j]
                si += xi[j] * yr[j] - xr[j] * yi[j]
            r[k, k] += complex(sr, si)
        p += run


@kernel
def apply_diag2(re, im, t_hi, t_lo, u, lo, hi):
    """Multiply by the diagonal of ``u`` on bits (t_hi, t_lo)."""
    _diagonal_runs((re, im, re, im), 1, t_hi, t_lo, u, False, lo, hi)


@kernel
def backward_diag2(pre, pim, lre, lim, t_hi, t_lo, u, lo, hi, r):
    """Undo the diagonal ``u`` on ψ and λ; accumulate the diagonal of ``r``
    (``Σ ψ_prev conj(λ)``, λ taken before it is undone)."""
    _diagonal_runs((pre, pim, pre, pim), 1, t_hi, t_lo, u, True, lo, hi)
    _diagonal_sums(pre, pim, lre, lim, t_hi, t_lo, lo, hi, r)
    _diagonal_runs((lre, lim, lre, lim), 1, t_hi, t_lo, u, True, lo, hi)


@kernel
def undo_diag2(pre, pim, lre, lim, t_hi, t_lo, u, lo, hi):
    """Undo the diagonal ``u`` on ψ and λ, with no reduced matrix (a block without
    weights: see :func:`undo_dense1`)."""
    _diagonal_runs((pre, pim, lre, lim), 2, t_hi, t_lo, u, True, lo, hi)


@kernel
def gather(src, dst, table, lanes_log2, lo, hi):
    """dst[p][i] = src[p][table[i]] for every plane ``p`` and amplitudes ``lo..hi``.

    ``src`` and ``dst`` are tuples of planes (ψ's real and imaginary parts, and λ's in the
    backward pass: one read of the table moves all of them). With ``lanes_log2 = m`` every
    index carries ``m`` extra low bits (a lane per sample): each entry moves a row of 2**m.
    """
    if lanes_log2 == 3:
        # The batch driver's usual 8 lanes: a constant-length row copy compiles to a few
        # vector moves; the general loop below, whose length is known only at run time,
        # took 2.7× as long (measured: the CNOT ring of 12 qubits, 4 planes).
        for i in range(lo >> 3, hi >> 3):
            source = table[i] << 3
            target = i << 3
            for plane in range(len(src)):
                for lane in range(8):
                    dst[plane][target + lane] = src[plane][source + lane]
        return
    lanes = 1 << lanes_log2
    for i in range(lo >> lanes_log2, hi >> lanes_log2):
        source = table[i] << lanes_log2
        target = i << lanes_log2
        for plane in range(len(src)):
            for lane in range(lanes):
                dst[plane][target + lane] = src[plane][source + lane]


@kernel
def swap_pairs(planes, control, xor, select, value, lo, hi):
    """Swap amplitude ``i`` with ``i ^ xor`` in every plane, for each ``i`` in ``lo..hi`` whose
    ``control`` bits are all set and whose ``select`` bits equal ``value`` (so each pair is
    visited once): cx/ccx flip a target bit, swap/cswap exchange two bits, in place."""
    for i in range(lo, hi):
        if (i & control) == control and (i & select) == value:
            j = i ^ xor
            for plane in range(len(planes)):
                tmp = planes[plane][i]
                planes[plane][i] = planes[plane][j]
                planes[plane][j] = tmp
