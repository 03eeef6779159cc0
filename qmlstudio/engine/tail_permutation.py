"""The bit maps of a circuit's folded tail: where the trailing CNOT and SWAP gates send each
basis bit (see :mod:`.program`, which folds them into the measured observables).

Such gates permute basis states linearly over the bits, so the images of the single-bit
states ``1 << k`` describe the whole permutation, and :func:`conjugated_paulis` conjugates
the observables' Pauli strings with them (for :meth:`.Program.measured`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

__all__ = ["conjugated_paulis", "tail_images"]


class _Gate(Protocol):
    name: str
    wires: tuple[int, ...]


def _permute_index(n: int, gates: Sequence[_Gate], index: int) -> int:
    """The basis index ``index`` after the permutation gates (cx, swap) in order."""
    for gate in gates:
        bits = [1 << (n - 1 - w) for w in gate.wires]
        if gate.name == "cx":
            if index & bits[0]:
                index ^= bits[1]
        elif bool(index & bits[0]) != bool(index & bits[1]):  # swap: exchange two bits
            index ^= bits[0] | bits[1]
    return index


def tail_images(n: int, tail: Sequence[_Gate]) -> tuple[np.ndarray, np.ndarray]:
    """π(1 << k) and π⁻¹(1 << k) for every bit ``k`` of an ``n``-qubit state (π: the tail's
    gates, cx and swap, in circuit order; each is its own inverse, so π⁻¹ is the gates in
    reverse order). Empty arrays for no tail."""
    if not tail:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    images = [_permute_index(n, tail, 1 << k) for k in range(n)]
    preimages = [_permute_index(n, tail[::-1], 1 << k) for k in range(n)]
    return np.array(images, dtype=np.int64), np.array(preimages, dtype=np.int64)


def _parity(values: np.ndarray) -> np.ndarray:
    """Parity of the set bits of every (non-negative, < 2**64) entry."""
    for shift in (32, 16, 8, 4, 2, 1):
        values = values ^ (values >> shift)
    return values & 1


def conjugated_paulis(paulis: tuple[np.ndarray, ...], images: np.ndarray,
                      preimages: np.ndarray) -> tuple[np.ndarray, ...]:
    """The encoded Pauli strings ``(flip, zmask, phase)`` conjugated by the tail π given by
    ``images``/``preimages`` (:func:`tail_images`, not empty): see :meth:`.Program.measured`."""
    flip, zmask, phase = paulis
    n = len(images)
    bits = (flip[:, None] >> np.arange(n)) & 1  # (K, n): bit k of each flip
    new_flip = np.bitwise_xor.reduce(bits * preimages, axis=1)
    parity = _parity(images[None, :] & zmask[:, None])  # (K, n)
    new_zmask = (parity << np.arange(n)).sum(axis=1)
    return new_flip.astype(np.int64), new_zmask.astype(np.int64), phase
