"""Shots mode: estimate Pauli expectation values from a finite number of measurements.

A Pauli string has eigenvalues ±1, so N shots of it give ``(2·k − N)/N`` with
``k ~ Binomial(N, (1 + ⟨P⟩)/2)`` — exactly the distribution of measuring the state N times in
the string's eigenbasis. Each observable is estimated independently. The random numbers come
from a seeded numpy ``Generator`` on the calling thread, never from numba's per-thread state,
so results do not depend on the thread count.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sample_expectations"]


def sample_expectations(exact: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """Shot-noise estimates of the exact expectation values ``exact`` (any shape)."""
    p_plus = np.clip((1.0 + exact) / 2.0, 0.0, 1.0)
    counts = rng.binomial(shots, p_plus)
    return (2.0 * counts - shots) / shots
