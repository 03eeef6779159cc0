"""Initial product states, Pauli expectation values and the adjoint costate.

A Pauli string ``P`` is encoded by three numbers: ``flip`` (bits of its X and Y factors),
``zmask`` (bits of its Y and Z factors) and ``ny`` (number of Y factors). Then

    (P ψ)_i = i^ny · (−1)^popcount(j & zmask) · ψ_j,   j = i XOR flip,

so ``⟨P⟩ = Σ_i conj(ψ_i) (Pψ)_i`` and the costate ``λ = Σ_k c_k P_k ψ`` need no matrices.
"""

from __future__ import annotations

import numpy as np

from qmlstudio.core import PauliString
from qmlstudio.engine._jit import kernel

__all__ = ["costate", "encode_paulis", "expectation", "lane_costate", "lane_expectations",
           "parity", "product_amplitudes", "product_tables"]


def encode_paulis(paulis: list[PauliString], n_qubits: int) -> tuple[np.ndarray, ...]:
    """(flip, zmask, ny) arrays for the kernels."""
    flip = np.zeros(len(paulis), dtype=np.int64)
    zmask = np.zeros_like(flip)
    ny = np.zeros_like(flip)
    for k, pauli in enumerate(paulis):
        for wire, letter in pauli.terms:
            bit = 1 << (n_qubits - 1 - wire)
            if letter in "XY":
                flip[k] |= bit
            if letter in "YZ":
                zmask[k] |= bit
            ny[k] += letter == "Y"
    return flip, zmask, ny % 4


@kernel
def parity(v):
    """The parity (0 or 1) of the set bits of ``v``."""
    v ^= v >> 32
    v ^= v >> 16
    v ^= v >> 8
    v ^= v >> 4
    v ^= v >> 2
    v ^= v >> 1
    return v & 1


@kernel
def _pauli_term(re, im, i, j, ny):
    """Re(conj(ψ_i) · i^ny · ψ_j): a term of ⟨P⟩ before its sign."""
    if ny == 0:
        return re[i] * re[j] + im[i] * im[j]
    if ny == 1:
        return -(re[i] * im[j] - im[i] * re[j])
    if ny == 2:
        return -(re[i] * re[j] + im[i] * im[j])
    return re[i] * im[j] - im[i] * re[j]


@kernel
def _pauli_image(re, im, j, c, ny):
    """``c · i^ny · ψ_j`` as (real, imaginary): a term of (Pψ)_i, its sign in ``c``."""
    br, bi = re[j], im[j]
    if ny == 0:
        return c * br, c * bi
    if ny == 1:
        return -c * bi, c * br
    if ny == 2:
        return -c * br, -c * bi
    return c * bi, -c * br


@kernel
def expectation(re, im, flip, zmask, ny, lo, hi):
    """Σ over amplitudes ``lo..hi`` of conj(ψ_i)(Pψ)_i (real part; the total is real)."""
    acc = 0.0
    for i in range(lo, hi):
        j = i ^ flip
        acc += (1.0 - 2.0 * parity(j & zmask)) * _pauli_term(re, im, i, j, ny)
    return acc


@kernel
def costate(re, im, lre, lim, flip, zmask, ny, coef, lo, hi):
    """λ_i = Σ_k coef[k] (P_k ψ)_i for amplitudes ``lo..hi``."""
    for i in range(lo, hi):
        lr = 0.0
        li = 0.0
        for k in range(len(coef)):
            if coef[k] == 0.0:
                continue
            j = i ^ flip[k]
            tr, ti = _pauli_image(re, im, j, coef[k] * (1.0 - 2.0 * parity(j & zmask[k])),
                                  ny[k])
            lr += tr
            li += ti
        lre[i] = lr
        lim[i] = li


@kernel
def lane_expectations(re, im, flip, zmask, ny, lanes_log2, values, first, n_active):
    """``values[first + l, k] = ⟨P_k⟩`` of each lane ``l < n_active`` of a chunk of
    interleaved samples (amplitude ``a`` of lane ``l`` at ``a << lanes_log2 | l``, see
    :mod:`.batch_driver`), read in place: no lane is copied out."""
    for k in range(len(flip)):
        for lane in range(n_active):
            values[first + lane, k] = 0.0
        for a in range(re.shape[0] >> lanes_log2):
            b = a ^ flip[k]
            sign = 1.0 - 2.0 * parity(b & zmask[k])
            for lane in range(n_active):
                values[first + lane, k] += sign * _pauli_term(
                    re, im, (a << lanes_log2) | lane, (b << lanes_log2) | lane, ny[k])


@kernel
def lane_costate(re, im, lre, lim, flip, zmask, ny, cot, first, n_active, lanes_log2):
    """λ = Σ_k ``cot[first + l, k]`` P_k ψ in each lane ``l < n_active`` of a chunk of
    interleaved samples (see :func:`lane_expectations`), in place; the other lanes get
    λ = 0. Each amplitude sums its terms in the order :func:`costate` does."""
    for i in range(re.shape[0]):
        lre[i] = 0.0
        lim[i] = 0.0
    for k in range(len(flip)):
        for a in range(re.shape[0] >> lanes_log2):
            b = a ^ flip[k]
            sign = 1.0 - 2.0 * parity(b & zmask[k])
            for lane in range(n_active):
                c = cot[first + lane, k]
                if c == 0.0:
                    continue
                tr, ti = _pauli_image(re, im, (b << lanes_log2) | lane, c * sign, ny[k])
                lre[(a << lanes_log2) | lane] += tr
                lim[(a << lanes_log2) | lane] += ti


@kernel
def product_tables(vectors, n, tab_hi, tab_lo):
    """Tables for the product state ⊗_q vectors[q]: amplitude i = tab_hi[i >> h]·tab_lo[i & m].

    ``vectors[q]`` is wire q's single-qubit state; ``h = n // 2`` low bits go to ``tab_lo``.
    """
    h = n // 2
    for m in range(1 << h):
        amp = 1.0 + 0j
        for bit in range(h):
            amp *= vectors[n - 1 - bit, (m >> bit) & 1]
        tab_lo[m] = amp
    for m in range(1 << (n - h)):
        amp = 1.0 + 0j
        for bit in range(n - h):
            amp *= vectors[n - 1 - h - bit, (m >> bit) & 1]
        tab_hi[m] = amp


@kernel
def product_amplitudes(re, im, tab_hi, tab_lo, h, table, lo, hi, lanes_log2, lane):
    """Write amplitudes ``lo..hi`` of the product state described by the tables; with a
    (non-empty) gather ``table``, of that permutation of it: amplitude ``i`` is the product
    state's ``table[i]``. Amplitude ``i`` goes to ``(i << lanes_log2) | lane``: straight into
    a lane of a chunk of interleaved samples (see :mod:`.batch_driver`), or, with 0 and 0, to
    ``i``."""
    mask = (1 << h) - 1
    gathered = len(table) > 0
    for i in range(lo, hi):
        j = table[i] if gathered else i
        a = tab_hi[j >> h] * tab_lo[j & mask]
        re[(i << lanes_log2) | lane] = a.real
        im[(i << lanes_log2) | lane] = a.imag
