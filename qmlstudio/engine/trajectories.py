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

**Stopping.** Given an ``interrupt`` callback (a GUI's Stop), a run goes through the samples in
groups of about :data:`INTERRUPT_WORK` amplitude updates and asks between groups, raising
:class:`~qmlstudio.core.Interrupted` when told to; each sample's trajectories are summed on
their own, so the groups give the same numbers, bit for bit, as one call.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qmlstudio.core import Interrupted
from qmlstudio.engine.density_program import DensityProgram
from qmlstudio.engine.readout import ReadoutMap
from qmlstudio.engine.threads import choose_threads
from qmlstudio.engine.trajectory_driver import CHUNK, TrajectoryRun, run_trajectories
from qmlstudio.engine.trajectory_program import draw_branches, trajectory_program

__all__ = ["INTERRUPT_WORK", "TrajectorySampler"]

INTERRUPT_WORK = 1 << 21
"""Amplitude updates (state size × steps × trajectories) between two looks at an
``interrupt`` callback: some tens of milliseconds, so Stop is prompt and the calls few."""

Interrupt = Callable[[], bool] | None


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

    def _run(self, coefs: np.ndarray | None, interrupt: Interrupt = None) -> TrajectoryRun:
        dprog = self.tprog.dprog
        n_samples = len(self.table)
        per_sample = (1 << dprog.program.n_qubits) * self.n * max(1, dprog.n_steps)
        if interrupt is None:
            return self._run_rows(slice(None), coefs, per_sample)
        group = max(1, INTERRUPT_WORK // per_sample)
        runs = []
        for start in range(0, n_samples, group):
            if interrupt():
                raise Interrupted(f"trajectories stopped after {start} of {n_samples} samples")
            runs.append(self._run_rows(slice(start, start + group), coefs, per_sample))
        if coefs is None:
            return TrajectoryRun(np.concatenate([run.terms for run in runs]), None, None)
        return TrajectoryRun(*(np.concatenate([getattr(run, name) for run in runs])
                               for name in ("terms", "grad_sum", "grad_sq")))

    def _run_rows(self, rows: slice, coefs: np.ndarray | None,
                  per_sample: int) -> TrajectoryRun:
        """The trajectories of the samples in ``rows``."""
        table, picks = self.table[rows], self.picks[rows]
        tasks = len(table) * (-(-self.n // CHUNK))
        threads = choose_threads(per_sample * len(table), tasks)
        return run_trajectories(self.tprog, table, self.weights, self.readout.terms, self.scale,
                                picks, None if coefs is None else coefs[rows], threads)

    def _mean(self, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(B, K) means of the read values over the trajectories and their standard errors
        (infinite from one trajectory: no spread to measure)."""
        read = self.readout.values(terms)  # (B, T, K)
        if self.n == 1:
            return read[:, 0], np.full(read[:, 0].shape, np.inf)
        return read.mean(axis=1), read.std(axis=1, ddof=1) / np.sqrt(self.n)

    def values(self, interrupt: Interrupt = None) -> tuple[np.ndarray, np.ndarray]:
        """(B, K) values and standard errors (see the module docstring for ``interrupt``)."""
        return self._mean(self._run(None, interrupt).terms)

    def vjp(self, on_terms: Callable[[np.ndarray | None], np.ndarray], function: bool,
            interrupt: Interrupt = None,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Values, their standard errors, the vjp and its standard error; ``on_terms(values)``
        gives the (B, terms) cotangent on the terms (``values`` None unless ``function``: the
        cotangent is a function of the values)."""
        n_terms = len(self.readout.terms[0])
        if not function:
            run = self._run(on_terms(None), interrupt)
            weigh = np.ones(len(self.table))
        elif n_terms == 1:
            # One term: every sample's gradient of it, weighed by the cotangent afterwards,
            # saves a second pass (a classifier's loss on one observable).
            run = self._run(np.ones((len(self.table), 1)), interrupt)
            weigh = on_terms(self._mean(run.terms)[0])[:, 0]
        else:
            run = self._run(on_terms(self._mean(self._run(None, interrupt).terms)[0]),
                            interrupt)
            weigh = np.ones(len(self.table))
        values, stderr = self._mean(run.terms)
        dweights = weigh @ run.grad_sum / self.n
        if self.n == 1:
            return values, stderr, dweights, np.full(dweights.shape, np.inf)
        spread = np.maximum(run.grad_sq - run.grad_sum ** 2 / self.n, 0.0) / (self.n - 1)
        return values, stderr, dweights, np.sqrt(weigh ** 2 @ spread / self.n)
