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

A circuit holding channel operations (noise, ``reset``, a discarded mid-circuit ``measure``)
ends in a mixed state: the same bars and Bloch vectors come from the exact density matrix's
Pauli expectation values (basis-state probabilities from the ``Z`` strings, up to
:data:`MAX_MIXED_BASIS_QUBITS` qubits; marginals above), and a qubit's Bloch vector is shorter
than 1 where noise mixed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qmlstudio.core import Circuit, Project, QMLStudioError
from qmlstudio.engine import expval, statevector
from qmlstudio.ml.data.preprocessing import apply_preprocessing
from qmlstudio.ml.models.templates import project_weights
from qmlstudio.ml.training.prepared_data import prepare_training_data

__all__ = ["MAX_BASIS_QUBITS", "SampleData", "StateSnapshot", "bloch_components",
           "qubit_marginals", "simulate_snapshot"]

MAX_BASIS_QUBITS = 10
"""Above this many qubits the view shows per-qubit marginals instead of 2**n bars."""

MAX_MIXED_BASIS_QUBITS = 6
"""The same for a mixed state, whose 2**n bars take 2**n − 1 expectation values."""


@dataclass(frozen=True, slots=True, eq=False)
class StateSnapshot:
    """What the view shows for one circuit, weights and sample (computed off the GUI thread).

    ``probabilities`` has 2**n entries, or n marginals ``P(qubit = 1)`` when ``marginal``;
    ``bloch`` is (n, 3) with ⟨X⟩, ⟨Y⟩, ⟨Z⟩ of each qubit. ``n_rows`` is the number of data
    rows to choose from (0 without usable data), ``sample`` the row used (-1: none) and
    ``note`` says where features and weights came from.
    """

    n_qubits: int
    probabilities: np.ndarray
    marginal: bool
    bloch: np.ndarray
    n_rows: int
    sample: int
    note: str


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
    if circuit.has_channels:
        return _mixed_snapshot(circuit, x, weights, n_rows, row, note)
    state = statevector(circuit, x=x, weights=weights)
    probabilities = state.real ** 2 + state.imag ** 2
    marginal = n > MAX_BASIS_QUBITS
    if marginal:
        probabilities = qubit_marginals(probabilities, n)
    return StateSnapshot(n, probabilities, marginal, bloch_components(state, n), n_rows, row,
                         note)


def _mixed_snapshot(circuit: Circuit, x: np.ndarray | None, weights: np.ndarray, n_rows: int,
                    row: int, note: str) -> StateSnapshot:
    """The snapshot of a circuit with channel operations, from Pauli expectation values."""
    n = circuit.n_qubits
    marginal = n > MAX_MIXED_BASIS_QUBITS
    # Z strings by bit mask (wire q is bit n − 1 − q, as in a basis-state index), mask 0 = I.
    masks = range(1, n + 1) if marginal else range(1, 1 << n)
    strings = [" ".join(f"Z{q}" for q in range(n) if mask >> (n - 1 - q) & 1)
               for mask in ([1 << (n - 1 - q) for q in range(n)] if marginal else masks)]
    bloch_labels = [f"{axis}{q}" for q in range(n) for axis in "XY"]
    values = expval(circuit, x, weights, bloch_labels + strings)[0]
    z = values[len(bloch_labels):]
    if marginal:
        z_single = z
        probabilities = (1 - z) / 2
    else:
        # p(b) = 2⁻ⁿ Σ_S (−1)^{b·S} ⟨Z_S⟩: a Walsh–Hadamard transform of the Z strings.
        transform = np.concatenate([[1.0], z]).reshape((2,) * n)
        for axis in range(n):
            first, second = np.split(transform, 2, axis=axis)
            transform = np.concatenate([first + second, first - second], axis=axis)
        probabilities = np.clip(transform.ravel() / (1 << n), 0.0, 1.0)
        z_single = np.array([z[(1 << (n - 1 - q)) - 1] for q in range(n)])
    bloch = np.column_stack([values[0:len(bloch_labels):2], values[1:len(bloch_labels):2],
                             z_single])
    return StateSnapshot(n, probabilities, marginal, bloch, n_rows, row,
                         f"{note}; mixed state (channel operations)")
