"""Readout error on Pauli expectation values, exactly, as a linear map of ideal-readout values.

A Pauli string is measured by turning each of its qubits to the Z basis and reading bits. With
the confusion ``a = p(read 1 | 0)``, ``b = p(read 0 | 1)`` of qubit ``q``, the ±1 outcome
``z̃_q`` read from a true ``z_q`` has ``E[z̃_q | z_q] = α_q z_q + β_q`` with
``α_q = 1 − a − b`` and ``β_q = b − a`` (true 0: ``1 − 2a``; true 1: ``−(1 − 2b)``). The
errors of different qubits are independent given the true bits, so

    ⟨P⟩_read = E[Π_q z̃_q] = Π_q (α_q P_q + β_q)   expanded:   Σ_{T ⊆ qubits(P)} Π_{q∈T} α_q
                                                                 Π_{q∉T} β_q ⟨P_T⟩,

a linear combination of the expectation values of the sub-strings ``P_T`` (``P_∅ = I`` is 1).
:func:`readout_map` lists the distinct sub-strings ("terms") with non-zero coefficients and the
matrix ``M`` and offset with ``values = M · term_values + offset``; a cotangent on the values is
``cotangent · M`` on the terms, so values and gradients stay exact.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qmlstudio.core.noise import NoiseModel

__all__ = ["ReadoutMap", "readout_map"]


class ReadoutMap(NamedTuple):
    """``values = term_values @ matrix.T + offset``; the terms as (flip, zmask, ny) arrays of
    :mod:`.measure`."""

    terms: tuple[np.ndarray, np.ndarray, np.ndarray]
    matrix: np.ndarray  # (K, T)
    offset: np.ndarray  # (K,)

    def values(self, term_values: np.ndarray) -> np.ndarray:
        """(B, K) read values from the (B, T) exact term values."""
        return term_values @ self.matrix.T + self.offset

    def cotangent(self, cotangent: np.ndarray) -> np.ndarray:
        """(B, T) cotangent on the terms for a (B, K) cotangent on the read values."""
        return cotangent @ self.matrix


def readout_map(noise: NoiseModel, n_qubits: int,
                paulis: tuple[np.ndarray, np.ndarray, np.ndarray]) -> ReadoutMap:
    """The :class:`ReadoutMap` of ``noise``'s readout errors for the encoded ``paulis``."""
    flips, zmasks, _ = paulis
    terms: dict[tuple[int, int], int] = {}
    entries: list[tuple[int, int, float]] = []  # (observable, term, coefficient)
    offset = np.zeros(len(flips))
    for k, (flip, zmask) in enumerate(zip(flips.tolist(), zmasks.tolist(), strict=True)):
        partial = [(0, 0, 1.0)]  # (flip, zmask, coefficient) over the qubits seen so far
        for bit in range(n_qubits):
            mask = 1 << bit
            if not (flip | zmask) & mask:
                continue
            error = noise.readout_error(n_qubits - 1 - bit)
            a, b = (error.p1_given_0, error.p0_given_1) if error is not None else (0.0, 0.0)
            alpha, beta = 1.0 - a - b, b - a
            partial = [term for f, z, c in partial for term in (
                (f | (flip & mask), z | (zmask & mask), c * alpha), (f, z, c * beta))
                if term[2] != 0.0]
        for f, z, c in partial:
            if f == 0 and z == 0:
                offset[k] += c
            else:
                entries.append((k, terms.setdefault((f, z), len(terms)), c))
    matrix = np.zeros((len(flips), len(terms)))
    for k, t, c in entries:
        matrix[k, t] += c
    keys = list(terms)
    flip = np.array([f for f, _ in keys], dtype=np.int64)
    zmask = np.array([z for _, z in keys], dtype=np.int64)
    ny = np.array([bin(f & z).count("1") % 4 for f, z in keys], dtype=np.int64)
    return ReadoutMap((flip, zmask, ny), matrix, offset)
