"""The standard benchmark workloads of ../shared/design.md ("Standard benchmark workloads").

Circuit for ``n`` qubits and ``L`` layers, per sample: angle encoding ``RY(x_j)`` on qubit ``j``
(``x_j`` uniform in [0, π]); then per layer, on every qubit ``RZ(a) RY(b) RZ(c)``, then
``CNOT(i, (i+1) mod n)`` for ``i = 0..n-1``. Output ``<Z_0>``; loss = mean over the batch of
``(<Z_0> - y)^2`` with ``y`` in {-1, +1}.

One canonical weight vector is shared by every engine: weight ``k = 3 * (layer * n + qubit) + r``
with ``r = 0, 1, 2`` for the angles ``a, b, c`` of ``RZ(a) RY(b) RZ(c)``. Each peer maps this
ordering onto its own circuit, so all engines compute the identical loss.

This module only needs numpy (no qmlstudio, no peers), so the peers can be benchmarked alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["WORKLOADS", "Workload", "make_data", "mse_loss", "weight_index"]


@dataclass(frozen=True)
class Workload:
    """One standard workload: qubits, layers, batch size and the seed of its data."""

    name: str
    n_qubits: int
    n_layers: int
    batch: int
    seed: int

    @property
    def n_weights(self) -> int:
        return 3 * self.n_qubits * self.n_layers

    def describe(self) -> str:
        return (f"{self.name}: n={self.n_qubits}, L={self.n_layers}, B={self.batch}, "
                f"{self.n_weights} weights")


WORKLOADS: dict[str, Workload] = {
    "W1": Workload("W1", n_qubits=8, n_layers=4, batch=256, seed=101),
    "W2": Workload("W2", n_qubits=12, n_layers=6, batch=128, seed=202),
    "W3": Workload("W3", n_qubits=20, n_layers=2, batch=1, seed=303),
}


def weight_index(n_qubits: int, layer: int, qubit: int, r: int) -> int:
    """Canonical index of angle ``r`` (0 = a, 1 = b, 2 = c) of ``qubit`` in ``layer``."""
    return 3 * (layer * n_qubits + qubit) + r


def make_data(wl: Workload) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded ``(X (B, n) in [0, π], y (B,) in {-1, +1}, weights (P,) in [0, 2π))``."""
    rng = np.random.default_rng(wl.seed)
    X = rng.uniform(0.0, np.pi, size=(wl.batch, wl.n_qubits))
    y = rng.choice(np.array([-1.0, 1.0]), size=wl.batch)
    weights = rng.uniform(0.0, 2.0 * np.pi, size=wl.n_weights)
    return X, y, weights


def mse_loss(values: np.ndarray, y: np.ndarray) -> float:
    """Mean over the batch of ``(<Z_0> - y)^2``; ``values`` is (B,) or (B, 1)."""
    v = np.asarray(values, dtype=float).reshape(-1)
    return float(np.mean((v - y) ** 2))
