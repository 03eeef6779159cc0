"""Monte-Carlo trajectories: the noisy circuit on state vectors, for circuits too large for
the exact density matrix (or by choice), with standard errors and gradients.

**The unravelling.** A channel ``ρ → Σ_i K_i ρ K_i†`` is replaced, in each trajectory, by one
branch ``i`` drawn with a fixed probability ``q_i`` that does not depend on the state, and the
state is carried unnormalised as ``ψ → (K_i/√q_i) ψ``. Then ``E[(K_i/√q_i)|ψ⟩⟨ψ|(K_i/√q_i)†]
= Σ_i K_i |ψ⟩⟨ψ| K_i†`` exactly, so the trajectory values ``⟨ψ_N|P|ψ_N⟩`` are unbiased
estimates of ``Tr(P ρ_N)`` whose mean over trajectories carries a standard error from their
spread. The usual "quantum jump" unravelling draws with the state-dependent ``‖K_i ψ‖²`` and
renormalises; its estimates have less variance for strongly non-unitary channels but each
trajectory is then a non-linear function of the weights (the draw moves with them), so no
exact gradient exists per trajectory. With fixed ``q_i`` a trajectory is a fixed *linear* map
``M_N ⋯ M_1`` of ``|0⟩``, differentiable like an ideal circuit: its adjoint gradient is exact
for that trajectory, and the average over the same trajectories is an unbiased estimate of the
exact density-matrix gradient, with its own standard error. The probabilities are
``q_i = Tr(K_i†K_i)/d`` (:mod:`.trajectory_program`): for a mixed-unitary channel
(depolarizing, Pauli, bit or phase flip: ``K_i = √p_i σ_i``) that is ``p_i``, so the branch is
the unitary ``σ_i`` and the state keeps its norm — Pauli noise adds no weight variance at all.

The branches are drawn up front, per sample and trajectory, from the call's seeded numpy
``Generator`` (same seed, same numbers, whatever the thread count); a gradient run reuses the
forward run's draws, so values and gradients come from the same trajectories.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qmlstudio.engine.density_program import DensityProgram
from qmlstudio.engine.readout import ReadoutMap
from qmlstudio.engine.threads import choose_threads
from qmlstudio.engine.trajectory_driver import CHUNK, TrajectoryRun, run_trajectories
from qmlstudio.engine.trajectory_program import draw_branches, trajectory_program

__all__ = ["TrajectorySampler"]


class TrajectorySampler:
    """One call's trajectories: ``n_trajectories`` per row of the angle ``table``, their
    branches drawn from ``rng``; values read through ``readout`` (the term values first
    multiplied by ``scale``, the final depolarizing factors of the density program)."""

    def __init__(self, dprog: DensityProgram, table: np.ndarray, weights: np.ndarray,
                 readout: ReadoutMap, scale: np.ndarray, n_trajectories: int,
                 rng: np.random.Generator) -> None:
        self.tprog = trajectory_program(dprog)
        self.table = table
        self.weights = weights
        self.readout = readout
        self.scale = scale
        self.n = n_trajectories
        self.picks = draw_branches(self.tprog, len(table), n_trajectories, rng)

    def _run(self, coefs: np.ndarray | None) -> TrajectoryRun:
        dprog = self.tprog.dprog
        n_samples = len(self.table)
        tasks = n_samples * (-(-self.n // CHUNK))
        threads = choose_threads((1 << dprog.program.n_qubits) * n_samples * self.n
                                 * max(1, dprog.n_steps), tasks)
        return run_trajectories(self.tprog, self.table, self.weights, self.readout.terms,
                                self.scale, self.picks, coefs, threads)

    def _mean(self, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(B, K) means of the read values over the trajectories and their standard errors
        (infinite from one trajectory: no spread to measure)."""
        read = self.readout.values(terms)  # (B, T, K)
        if self.n == 1:
            return read[:, 0], np.full(read[:, 0].shape, np.inf)
        return read.mean(axis=1), read.std(axis=1, ddof=1) / np.sqrt(self.n)

    def values(self) -> tuple[np.ndarray, np.ndarray]:
        """(B, K) values and standard errors."""
        return self._mean(self._run(None).terms)

    def vjp(self, on_terms: Callable[[np.ndarray | None], np.ndarray],
            function: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Values, their standard errors, the vjp and its standard error; ``on_terms(values)``
        gives the (B, terms) cotangent on the terms (``values`` None unless ``function``: the
        cotangent is a function of the values)."""
        n_terms = len(self.readout.terms[0])
        if not function:
            run = self._run(on_terms(None))
            weigh = np.ones(len(self.table))
        elif n_terms == 1:
            # One term: every sample's gradient of it, weighed by the cotangent afterwards,
            # saves a second pass (a classifier's loss on one observable).
            run = self._run(np.ones((len(self.table), 1)))
            weigh = on_terms(self._mean(run.terms)[0])[:, 0]
        else:
            run = self._run(on_terms(self._mean(self._run(None).terms)[0]))
            weigh = np.ones(len(self.table))
        values, stderr = self._mean(run.terms)
        dweights = weigh @ run.grad_sum / self.n
        if self.n == 1:
            return values, stderr, dweights, np.full(dweights.shape, np.inf)
        spread = np.maximum(run.grad_sq - run.grad_sum ** 2 / self.n, 0.0) / (self.n - 1)
        return values, stderr, dweights, np.sqrt(weigh ** 2 @ spread / self.n)
