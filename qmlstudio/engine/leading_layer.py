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
"""

from __future__ import annotations

import numpy as np

from qmlstudio.engine._jit import allocating_kernel, kernel

__all__ = ["boundary_contractions", "lead_reduced_matrices"]


@kernel
def boundary_contractions(lre, lim, tab_hi, tab_lo, h, table, row_lo, row_hi, t_hi, t_lo):
    """For rows ``row_lo..row_hi`` of λ seen as a (2**(n-h), 2**h) matrix: fill ``t_hi[row]``
    and add the rows' contribution into ``t_lo``. With a (non-empty) gather ``table`` λ is
    read through it (``λ[table[i]]``: the costate before the leading permutation)."""
    width = 1 << h
    gathered = len(table) > 0
    for row in range(row_lo, row_hi):
        base = row * width
        acc_r = 0.0
        acc_i = 0.0
        hr, hi_ = tab_hi[row].real, tab_hi[row].imag
        for lo in range(width):
            k = table[base + lo] if gathered else base + lo
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
