"""Gradients of the leading single-qubit blocks without sweeping the state once per block.

Without an initial state the leading block of every wire ``q`` acts on |0⟩ and the state
before the rest of the circuit is the product ``⊗_r v_r`` with ``v_r = U_r|0⟩``. With λ the
costate at that boundary, the reduced matrix of block ``q`` is ``R[0, b] = e_q[b]``,
``R[1, b] = 0``, where the *environment*

    e_q[b] = Σ_{i: bit_q(i) = b} conj(λ_i) · Π_{r ≠ q} v_r[bit_r(i)].

All environments come from one read of λ: split the bits into a high and a low half, contract
λ with the low half's product table (``T_hi[hi] = Σ_lo conj(λ[hi, lo]) P_lo[lo]``) and with the
high half's (``T_lo[lo] = Σ_hi conj(λ[hi, lo]) P_hi[hi]``); the environments of the wires in
each half then come from these 2**(n/2)-sized vectors. That replaces ``n`` sweeps of ψ and λ
by one read of λ.

A circuit of leading blocks only (a separable model: one fused block per wire) ends in that
product state, so it is measured without building it: a Pauli string's value is the product
of one-wire values, ``⟨P⟩ = Π_w ⟨v_w|σ_w|v_w⟩``, and with λ = Σ_k c_k P_k ψ, itself a sum of
products, ``e_q[b] = Σ_k c_k conj((σ_{k,q} v_q)[b]) Π_{r≠q} ⟨v_r|σ_{k,r}|v_r⟩`` — O(K n²) per
sample instead of sweeps of 2**n amplitudes (:func:`product_expectation`,
:func:`product_reduced_matrices`).
"""

from __future__ import annotations

import numpy as np

from qmlstudio.engine._jit import allocating_kernel, kernel

__all__ = ["boundary_contractions", "lead_reduced_matrices", "product_expectation",
           "product_reduced_matrices"]


@kernel
def boundary_contractions(lre, lim, tab_hi, tab_lo, h, table, row_lo, row_hi, t_hi, t_lo,
                          lanes_log2, lane):
    """For rows ``row_lo..row_hi`` of λ seen as a (2**(n-h), 2**h) matrix: fill ``t_hi[row]``
    and add the rows' contribution into ``t_lo``. With a (non-empty) gather ``table`` λ is
    read through it (``λ[table[i]]``: the costate before the leading permutation). Amplitude
    ``k`` is read at ``(k << lanes_log2) | lane``: in place from a lane of a chunk of
    interleaved samples, or, with 0 and 0, at ``k``."""
    width = 1 << h
    gathered = len(table) > 0
    for row in range(row_lo, row_hi):
        base = row * width
        acc_r = 0.0
        acc_i = 0.0
        hr, hi_ = tab_hi[row].real, tab_hi[row].imag
        for lo in range(width):
            k = ((table[base + lo] if gathered else base + lo) << lanes_log2) | lane
            lr, li = lre[k], -lim[k]  # conj(λ)
            pr, pi = tab_lo[lo].real, tab_lo[lo].imag
            acc_r += lr * pr - li * pi
            acc_i += lr * pi + li * pr
            t_lo[lo] += complex(lr * hr - li * hi_, lr * hi_ + li * hr)
        t_hi[row] = complex(acc_r, acc_i)


@kernel
def _environments(tensor, vectors, first_wire, n_wires, out):
    """out[k, b] = environment of wire ``first_wire + k`` from a tensor over ``n_wires`` wires
    (wire ``first_wire`` is its most significant bit)."""
    out[:n_wires] = 0
    for j in range(1 << n_wires):
        s = tensor[j]
        if s == 0:
            continue
        for k in range(n_wires):
            prod = s
            for r in range(n_wires):
                if r != k:
                    prod *= vectors[first_wire + r, (j >> (n_wires - 1 - r)) & 1]
            out[k, (j >> (n_wires - 1 - k)) & 1] += prod


@allocating_kernel
def lead_reduced_matrices(n, vectors, t_hi, t_lo, reduced):
    """reduced[q] = R of wire q's leading block, from the two boundary contractions."""
    h = n // 2
    env = np.zeros((n, 2), dtype=np.complex128)
    _environments(t_hi, vectors, 0, n - h, env[: n - h])
    _environments(t_lo, vectors, n - h, h, env[n - h:])
    reduced[:] = 0
    for wire in range(n):
        reduced[wire, 0, 0] = env[wire, 0]
        reduced[wire, 0, 1] = env[wire, 1]


@kernel
def _wire_value(v, f, z):
    """⟨v|σ|v⟩ of the one-wire Pauli with X part ``f`` and Z part ``z`` (I, X, Z, Y)."""
    if f == 0:
        return 1.0 if z == 0 else abs(v[0]) ** 2 - abs(v[1]) ** 2
    overlap = v[0].conjugate() * v[1]
    return 2.0 * (overlap.real if z == 0 else overlap.imag)


@kernel
def _sign(n, flip, zmask, ny):
    """The sign of a Pauli string (bits ``flip``, ``zmask``, phase ``i**ny``; see
    :mod:`.measure`) against the product of its one-wire Paulis, each Hermitian (a Y carries
    its own i): ``i**ny / i**(number of Y)``, ±1 for a Hermitian string (a folded tail may
    conjugate an observable into minus another)."""
    n_y = 0
    for bit in range(n):
        n_y += (flip >> bit) & (zmask >> bit) & 1
    return 1.0 if (ny - n_y) % 4 == 0 else -1.0


@kernel
def product_expectation(n, vectors, flip, zmask, ny):
    """⟨P⟩ of the product state ⊗_w ``vectors[w]`` for the Pauli string with bits ``flip``,
    ``zmask`` and phase ``ny`` (wire ``w`` is bit ``n − 1 − w``; see :mod:`.measure`)."""
    value = _sign(n, flip, zmask, ny)
    for wire in range(n):
        bit = n - 1 - wire
        value *= _wire_value(vectors[wire], (flip >> bit) & 1, (zmask >> bit) & 1)
    return value


@kernel
def product_reduced_matrices(n, vectors, flip, zmask, ny, cot, wire_values, reduced):
    """reduced[q] = R of wire q's leading block for the costate Σ_k ``cot[k]`` P_k ψ of the
    product state ψ = ⊗_w ``vectors[w]`` (see the module docstring); ``wire_values`` is (n,)
    real scratch."""
    reduced[:] = 0
    for k in range(len(cot)):
        c = cot[k]
        if c == 0.0:
            continue
        c *= _sign(n, flip[k], zmask[k], ny[k])
        for wire in range(n):
            bit = n - 1 - wire
            wire_values[wire] = _wire_value(vectors[wire], (flip[k] >> bit) & 1,
                                            (zmask[k] >> bit) & 1)
        for wire in range(n):
            others = c
            for r in range(n):
                if r != wire:
                    others *= wire_values[r]
            if others == 0.0:
                continue
            bit = n - 1 - wire
            f, z = (flip[k] >> bit) & 1, (zmask[k] >> bit) & 1
            v0, v1 = vectors[wire, 0], vectors[wire, 1]
            if f == 0:  # σ v = (v0, ±v1)
                u0, u1 = v0, -v1 if z else v1
            elif z == 0:  # X
                u0, u1 = v1, v0
            else:  # Y: (−i v1, i v0)
                u0, u1 = complex(v1.imag, -v1.real), complex(-v0.imag, v0.real)
            reduced[wire, 0, 0] += others * u0.conjugate()
            reduced[wire, 0, 1] += others * u1.conjugate()
