"""The branch tables of a Monte-Carlo trajectory run, built from a compiled noisy circuit.

A trajectory follows the steps of the :class:`~qmlstudio.engine.density_program.DensityProgram`
on a state vector: every channel step picks one of its branches at random, with a fixed,
state-independent probability ``q_i``, and applies ``M_i = K_i / √q_i`` (see
:mod:`.trajectories` for why this choice). The branches are

* depolarizing steps (``DEPOL1``, a ``GATE`` or ``PERM_STEP`` with a fused channel): the
  channel ``f ρ + (1 − f) Tr_w(ρ) ⊗ I/d`` is ``Σ_P w_P PρP`` over the d² Pauli strings on its
  wires, ``w_I = f + (1 − f)/d²`` and ``w_P = (1 − f)/d²`` otherwise; with ``q = w`` the
  branch is the Pauli string itself, a unitary;
* superoperator steps (``SUPER1``/``SUPER2``): the channel's own Kraus operators with
  ``q_i = Tr(K_i†K_i)/d`` (their weight on the maximally mixed state; they sum to 1 because
  ``Σ K†K = I``). A Pauli-type channel's operators are ``√p_i σ_i``, so ``q_i = p_i`` and again
  the branch is unitary; amplitude damping's are not, and the driver stores the state before
  such a branch for the reverse pass (:mod:`.trajectory_driver`).

:func:`draw_branches` draws every trajectory's branch indices up front from a seeded numpy
``Generator`` on the calling thread, so the numbers do not depend on the thread count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from qmlstudio.engine.density_program import (
    DEPOL1,
    DEPOL2,
    GATE,
    PERM_STEP,
    SUPER1,
    SUPER2,
    DensityProgram,
)

__all__ = ["PAULI_MATRICES", "UNITARY_TOLERANCE", "TrajectoryProgram", "draw_branches",
           "trajectory_program"]

UNITARY_TOLERANCE = 1e-12
"""A branch ``M`` with ``‖M†M − I‖`` below this is applied and undone as a unitary."""

PAULI_MATRICES = np.zeros((4, 4, 4), dtype=np.complex128)
"""I, X, Y, Z in the top-left 2×2 of 4×4 arrays (the shape the state kernels take)."""
PAULI_MATRICES[0, :2, :2] = np.eye(2)
PAULI_MATRICES[1, :2, :2] = [[0, 1], [1, 0]]
PAULI_MATRICES[2, :2, :2] = [[0, -1j], [1j, 0]]
PAULI_MATRICES[3, :2, :2] = [[1, 0], [0, -1]]


@dataclass(frozen=True, slots=True, eq=False)
class TrajectoryProgram:
    """A density program with its channels as branches: ``draw[s]`` is step ``s``'s column of
    the drawn branch indices (−1: a gate without a channel), ``cumulative[c]`` that column's
    cumulative branch probabilities, and for superoperator row ``r`` its branch matrices
    ``kraus[r, i]`` (K_i/√q_i in a 4×4), their adjoints and whether each is unitary."""

    dprog: DensityProgram
    draw: np.ndarray = field(repr=False)  # (S,) int
    cumulative: tuple[np.ndarray, ...] = field(repr=False)
    kraus: np.ndarray = field(repr=False)  # (R, I, 4, 4) complex
    kraus_dag: np.ndarray = field(repr=False)  # (R, I, 4, 4) complex
    unitary: np.ndarray = field(repr=False)  # (R, I) bool
    stored: np.ndarray = field(repr=False)  # (S,) bool: a branch of the step may not be unitary

    @property
    def n_draws(self) -> int:
        """Random branch choices per trajectory."""
        return len(self.cumulative)

    @property
    def max_stored(self) -> int:
        """States a trajectory keeps for its reverse pass, at most (non-unitary branches)."""
        return int(self.stored.sum())


def _depolarizing_weights(f: float, d: int) -> np.ndarray:
    weights = np.full(d * d, (1.0 - f) / (d * d))
    weights[0] += f
    return np.clip(weights, 0.0, None)


@lru_cache(maxsize=16)
def trajectory_program(dprog: DensityProgram) -> TrajectoryProgram:
    """The branch tables of ``dprog`` (cached: a training run reuses one compiled circuit)."""
    steps = dprog.steps
    rows = dprog.channels
    n_branches = max([1, *(len(c.kraus_operators()) for c in rows)])
    kraus = np.zeros((max(1, len(rows)), n_branches, 4, 4), dtype=np.complex128)
    unitary = np.ones((max(1, len(rows)), n_branches), dtype=bool)
    probabilities: list[np.ndarray] = []
    for r, channel in enumerate(rows):
        ops = channel.kraus_operators()
        d = channel.dimension
        q = np.einsum("kab,kab->k", ops.conj(), ops).real / d
        q = q / q.sum()  # Σ K†K = I within the CPTP tolerance: remove that rounding
        probabilities.append(q)
        for i, (op, qi) in enumerate(zip(ops, q, strict=True)):
            if qi > 0.0:
                m = op / np.sqrt(qi)
                kraus[r, i, :d, :d] = m
                unitary[r, i] = np.abs(m.conj().T @ m - np.eye(d)).max() < UNITARY_TOLERANCE
    draw = np.full(dprog.n_steps, -1, dtype=np.int64)
    stored = np.zeros(dprog.n_steps, dtype=bool)
    columns: list[np.ndarray] = []
    for s, kind in enumerate(steps.kind.tolist()):
        if kind in (SUPER1, SUPER2):
            weights = probabilities[steps.sup[s]]
            stored[s] = not unitary[steps.sup[s], :len(weights)][weights > 0].all()
        elif kind == DEPOL2:
            weights = _depolarizing_weights(float(steps.shrink[s]), 4)
        elif kind == DEPOL1 or (kind in (GATE, PERM_STEP) and steps.shrink[s] != 1.0):
            weights = _depolarizing_weights(float(steps.shrink[s]), 2)
        else:
            continue
        draw[s] = len(columns)
        columns.append(np.cumsum(weights) / weights.sum())
    return TrajectoryProgram(dprog, draw, tuple(columns), kraus,
                             np.ascontiguousarray(kraus.conj().transpose(0, 1, 3, 2)),
                             unitary, stored)


def draw_branches(tprog: TrajectoryProgram, n_samples: int, n_trajectories: int,
                  rng: np.random.Generator) -> np.ndarray:
    """(samples, trajectories, draws) branch indices, column by column from ``rng``."""
    branches = np.zeros((n_samples, n_trajectories, max(1, tprog.n_draws)), dtype=np.int16)
    for c, cumulative in enumerate(tprog.cumulative):
        picks = np.searchsorted(cumulative, rng.random((n_samples, n_trajectories)),
                                side="right")
        branches[:, :, c] = np.minimum(picks, len(cumulative) - 1)
    return branches
