"""What the state view shows for one data sample: :func:`simulate_snapshot` (Qt-free).

For the project's current circuit: the probability of every basis state ``|00…0⟩ … |11…1⟩``
(wire 0 is the leftmost digit, the most significant bit, as in the engine) — or, for more than
:data:`MAX_BASIS_QUBITS` qubits, only each qubit's marginal ``P(qubit = 1)``, since 2**n bars
would be unreadable; and each qubit's Bloch vector ``(⟨X⟩, ⟨Y⟩, ⟨Z⟩)`` of its reduced state (all
zero for a qubit maximally entangled with the others).

Weights are the project's trained weights, or, untrained, the initial weights its training
settings would start from (same scheme and seed as the trainer). Features are one row of the
project's data set, preprocessed exactly as training does (fitted on the training part, or
the trained constants). If the data cannot be loaded or has fewer columns than the circuit
reads, the features are 0 and the note says why. A circuit that reads no features is simulated
from ``|0…0⟩`` (an amplitude-encoded model's input state is not shown).

Under the project's noise model, or with channel operations in the circuit (noise, ``reset``, a
discarded mid-circuit ``measure``), the state is mixed: the same bars and Bloch vectors come from
the density matrix (:mod:`.mixed_state`), a qubit's Bloch vector is shorter than 1 where noise
mixed it, and the snapshot carries the total purity Tr(ρ²) and the method that made the numbers.
:func:`simulate_states` adds the ideal state of the same sample, to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from qmlstudio.core import Project, QMLStudioError
from qmlstudio.engine import statevector
from qmlstudio.ml.data.preprocessing import apply_preprocessing
from qmlstudio.ml.models.templates import project_weights
from qmlstudio.ml.training.prepared_data import prepare_training_data
from qmlstudio.viewmodels.mixed_state import mixed_state, state_noise

__all__ = ["MAX_BASIS_QUBITS", "SampleData", "StateSnapshot", "bloch_components",
           "qubit_marginals", "simulate_snapshot", "simulate_states"]

MAX_BASIS_QUBITS = 10
"""Above this many qubits the view shows per-qubit marginals instead of 2**n bars."""


@dataclass(frozen=True, slots=True, eq=False)
class StateSnapshot:
    """What the view shows for one circuit, weights and sample (computed off the GUI thread).

    ``probabilities`` has 2**n entries, or n marginals ``P(qubit = 1)`` when ``marginal``;
    ``bloch`` is (n, 3) with ⟨X⟩, ⟨Y⟩, ⟨Z⟩ of each qubit. ``n_rows`` is the number of data
    rows to choose from (0 without usable data), ``sample`` the row used (-1: none) and
    ``note`` says where features and weights came from. ``purity`` is Tr(ρ²) (1 for a pure
    state; None when not computed), ``noisy`` whether the state is the density matrix under
    noise or channel operations, ``comparable`` whether a noise model made it so (then an
    ideal state exists to compare with) and ``method`` how the numbers were made.
    """

    n_qubits: int
    probabilities: np.ndarray
    marginal: bool
    bloch: np.ndarray
    n_rows: int
    sample: int
    note: str
    purity: float | None = 1.0
    noisy: bool = False
    comparable: bool = False
    method: str = "state vector"

    @property
    def bloch_lengths(self) -> np.ndarray:
        """|r| of each qubit's Bloch vector: 1 for a pure reduced state, shorter when mixed."""
        return np.linalg.norm(self.bloch, axis=1)


def bloch_components(state: np.ndarray, n_qubits: int) -> np.ndarray:
    """(n, 3) array of ⟨X⟩, ⟨Y⟩, ⟨Z⟩ per qubit of the pure ``state`` (wire 0 = top bit).

    Splitting the index at qubit q as (higher bits, bit q, lower bits): with ``a0``/``a1`` the
    amplitudes where bit q is 0/1, ⟨Z⟩ = Σ|a0|² − Σ|a1|² and ⟨X⟩ + i⟨Y⟩ = 2 Σ conj(a0)·a1.
    """
    result = np.empty((n_qubits, 3))
    for q in range(n_qubits):
        halves = state.reshape(1 << q, 2, -1)
        a0, a1 = halves[:, 0, :], halves[:, 1, :]
        coherence = 2.0 * np.vdot(a0, a1)
        result[q] = coherence.real, coherence.imag, np.vdot(a0, a0).real - np.vdot(a1, a1).real
    return result


def qubit_marginals(probabilities: np.ndarray, n_qubits: int) -> np.ndarray:
    """P(qubit q = 1) for every q, from the 2**n basis-state probabilities."""
    return np.array([probabilities.reshape(1 << q, 2, -1)[:, 1, :].sum()
                     for q in range(n_qubits)])


class SampleData:
    """The preprocessed rows of a project's data set, cached while the data inputs stay equal.

    Used from the compute thread only (one job at a time), so it needs no lock.
    """

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._rows: np.ndarray | None = None
        self._text = ""

    def rows(self, project: Project, project_dir: Path | None) -> tuple[np.ndarray | None, str]:
        """(preprocessed features (N, F) or None, the data set's name or why it is unusable)."""
        key = (project.dataset, project.preprocessing, project.model, project.is_trained,
               project.circuit.n_features, project_dir)
        if key != self._key:
            self._key = None  # a failure half-way must not leave a stale cache
            try:
                data = prepare_training_data(project, project_dir)
                rows = apply_preprocessing(data.project.preprocessing, data.dataset.features)
                self._rows, self._text = rows, data.dataset.name or project.dataset.name
            except QMLStudioError as error:
                self._rows, self._text = None, str(error)
            self._key = key
        return self._rows, self._text


def simulate_snapshot(project: Project, sample: int, project_dir: Path | None = None,
                      data: SampleData | None = None) -> StateSnapshot:
    """Simulate ``project``'s circuit for data row ``sample`` (see the module docstring).

    Raises :class:`~qmlstudio.core.QMLStudioError` (e.g. the engine's memory guard).
    """
    circuit = project.circuit
    n = circuit.n_qubits
    weights = project_weights(project)
    training = project.training
    weight_note = "trained weights" if project.is_trained else \
        f"initial weights ({training.weight_init}, seed {training.seed})"
    if not circuit.n_weights:
        weight_note = "no weights"
    n_rows, row = 0, -1
    if not circuit.n_features:
        x, data_note = None, "no data features"
    else:
        rows, text = (data or SampleData()).rows(project, project_dir)
        if rows is None:
            x = np.zeros(circuit.n_features)
            data_note = f"features are 0: {text}"
        else:
            n_rows, row = len(rows), min(max(sample, 0), len(rows) - 1)
            x = rows[row, :circuit.n_features]
            data_note = f"row {row} of {n_rows} ({text})"
    note = f"{data_note}; {weight_note}"
    noise = state_noise(project.noise)
    if circuit.has_channels or noise is not None:
        mixed = mixed_state(circuit, x, weights, noise, training)
        why = "channel operations" if noise is None else f"noise model {noise.name!r}"
        return StateSnapshot(n, mixed.probabilities, mixed.marginal, mixed.bloch, n_rows, row,
                             f"{note}; mixed state ({why})", mixed.purity, True,
                             noise is not None, mixed.method)
    state = statevector(circuit, x=x, weights=weights)
    probabilities = state.real ** 2 + state.imag ** 2
    marginal = n > MAX_BASIS_QUBITS
    if marginal:
        probabilities = qubit_marginals(probabilities, n)
    return StateSnapshot(n, probabilities, marginal, bloch_components(state, n), n_rows, row,
                         note)


def simulate_states(project: Project, sample: int, project_dir: Path | None = None,
                    data: SampleData | None = None,
                    compare: bool = False) -> tuple[StateSnapshot, StateSnapshot | None]:
    """The snapshot of ``project`` for data row ``sample`` and, with ``compare`` and a noisy
    state, the ideal one of the same sample (the project without its noise model; the
    circuit's own channel operations stay); else None in its place. Both show the same kind
    of bars (the ideal one's marginals where the mixed state shows marginals)."""
    snapshot = simulate_snapshot(project, sample, project_dir, data)
    if not (compare and snapshot.comparable):
        return snapshot, None
    ideal = simulate_snapshot(replace(project, noise=None), sample, project_dir, data)
    if snapshot.marginal and not ideal.marginal:
        ideal = replace(ideal, probabilities=qubit_marginals(ideal.probabilities, ideal.n_qubits),
                        marginal=True)
    return snapshot, ideal
