"""A noisy circuit's final state for the state view, from Pauli values: :func:`mixed_state`.

Under a noise model (or with channel operations in the circuit) the state is a density matrix
ρ. The engine gives Pauli expectation values ``⟨P⟩ = Tr(P ρ)``, and ρ = 2⁻ⁿ Σ_P ⟨P⟩ P, so:

* the basis-state probabilities (ρ's diagonal) are a Walsh–Hadamard transform of the ``Z``
  strings: ``p(b) = 2⁻ⁿ Σ_S (−1)^{b·S} ⟨Z_S⟩`` (up to :data:`MAX_MIXED_BASIS_QUBITS` qubits;
  above, each qubit's marginal ``P(qubit = 1) = (1 − ⟨Z_q⟩) / 2``);
* a qubit's Bloch vector is ``(⟨X_q⟩, ⟨Y_q⟩, ⟨Z_q⟩)``; its length ``|r|`` is 1 for a pure
  reduced state and shorter where noise (or entanglement) mixed it;
* the purity ``Tr(ρ²) = 2⁻ⁿ Σ_P ⟨P⟩²`` over all 4ⁿ strings (1 for a pure state, 2⁻ⁿ for the
  fully mixed one), computed up to :data:`MAX_PURITY_QUBITS` qubits (4ⁿ − 1 values).

The state is the one *before* measurement: the model's readout errors act on reading the bits,
not on ρ, so they are left out. The engine runs the exact density matrix, or — as the training
settings' ``noise_method`` says, and for ``"auto"`` above the density-matrix limit — Monte-Carlo
trajectories, whose values are estimates (seeded by the training seed, so the view does not
flicker between two runs of the same state); the purity needs ρ itself and is then not given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product

import numpy as np

from qmlstudio.core import Circuit, TrainingConfig
from qmlstudio.core.noise import NoiseModel
from qmlstudio.engine import density_expval, noise_method_for

__all__ = ["MAX_MIXED_BASIS_QUBITS", "MAX_PURITY_QUBITS", "MixedState", "mixed_state",
           "state_noise"]

MAX_MIXED_BASIS_QUBITS = 6
"""Above this many qubits a mixed state shows marginals (2**n bars take 2**n − 1 values)."""

MAX_PURITY_QUBITS = 6
"""Up to this many qubits the purity is computed (it takes all 4**n − 1 Pauli values)."""


@dataclass(frozen=True, slots=True, eq=False)
class MixedState:
    """Probabilities (2**n, or n marginals when ``marginal``), Bloch vectors (n, 3), the purity
    Tr(ρ²) (None when not computed) and ``method``: how the numbers were made, for the view."""

    probabilities: np.ndarray
    marginal: bool
    bloch: np.ndarray
    purity: float | None
    method: str


def state_noise(noise: NoiseModel | None) -> NoiseModel | None:
    """The part of ``noise`` that acts on the state (its channels, not its readout errors);
    None when nothing is left."""
    if noise is None:
        return None
    channels = replace(noise, readout=(), default_readout=None)
    return None if channels.is_ideal else channels


def _label(letters: tuple[str, ...]) -> str:
    return " ".join(f"{p}{q}" for q, p in enumerate(letters) if p != "I")


def mixed_state(circuit: Circuit, x: np.ndarray | None, weights: np.ndarray,
                noise: NoiseModel | None, training: TrainingConfig) -> MixedState:
    """The final state of ``circuit`` for one sample under ``noise``'s channels (its readout
    errors act on reading the bits, not on the state: see :func:`state_noise`), simulated as
    ``training.noise_method`` says (see the module docstring)."""
    noise = state_noise(noise)
    n = circuit.n_qubits
    engine = noise_method_for(n, training.noise_method)
    exact = engine == "density"
    marginal = n > MAX_MIXED_BASIS_QUBITS
    full = exact and n <= MAX_PURITY_QUBITS
    if full:
        strings = [t for t in product("IXYZ", repeat=n) if set(t) != {"I"}]
    else:  # the single-qubit strings, and the Z strings the probabilities take
        single = [tuple(p if q == k else "I" for q in range(n)) for k in range(n) for p in "XYZ"]
        z_strings = [] if marginal else [t for t in product("IZ", repeat=n)
                                         if t.count("Z") > 1]
        strings = single + z_strings
    values = dict(zip(strings, density_expval(
        circuit, x, weights, [_label(t) for t in strings], noise or NoiseModel.ideal(),
        noise_method=engine, trajectories=training.trajectories, seed=training.seed)[0],
        strict=True))
    values[("I",) * n] = 1.0

    def one(q: int, pauli: str) -> float:
        return values[tuple(pauli if k == q else "I" for k in range(n))]

    bloch = np.array([[one(q, p) for p in "XYZ"] for q in range(n)])
    if marginal:
        probabilities = (1 - bloch[:, 2]) / 2
    else:
        # p(b) = 2⁻ⁿ Σ_S (−1)^{b·S} ⟨Z_S⟩: a Walsh–Hadamard transform of the Z strings, S by
        # bit mask (wire q is bit n − 1 − q, as in a basis-state index).
        transform = np.array([values[t] for t in product("IZ", repeat=n)]).reshape((2,) * n)
        for axis in range(n):
            first, second = np.split(transform, 2, axis=axis)
            transform = np.concatenate([first + second, first - second], axis=axis)
        probabilities = np.clip(transform.ravel() / (1 << n), 0.0, 1.0)
    purity = float(sum(v * v for v in values.values())) / (1 << n) if full else None
    if exact:
        method = "exact density matrix"
    else:
        method = f"Monte-Carlo trajectories ({training.trajectories:,} per sample, estimates)"
    return MixedState(probabilities, marginal, bloch, purity, method)
