"""Seeded random circuits that use every gate, random wires and every kind of parameter."""

from __future__ import annotations

import numpy as np

from qmlstudio.core import Circuit, Expr, Operation, Term, w, x
from qmlstudio.core.parameters import MAX_TERM_FACTORS

from .dense import LITERAL_GATES

__all__ = ["ALL_GATES", "random_circuit", "random_expr", "random_observables", "random_states"]

ALL_GATES = tuple(sorted(LITERAL_GATES))
_PAULI = "XYZ"


def random_param(rng: np.random.Generator, n_weights: int, n_features: int, kinds: str = "cwx"):
    """A constant, a (possibly shared) weight, an affine feature or (kind ``e``) an
    expression, chosen at random."""
    kind = kinds[rng.integers(len(kinds))]
    if kind == "c":
        return float(rng.uniform(-np.pi, np.pi))
    if kind == "w":
        return w(int(rng.integers(n_weights)))
    if kind == "e":
        return random_expr(rng, n_weights, n_features)
    return x(int(rng.integers(n_features)), scale=float(rng.uniform(-2, 2)),
             offset=float(rng.uniform(-1, 1)))


def random_expr(rng: np.random.Generator, n_weights: int, n_features: int) -> Expr:
    """An expression of one to three terms, each a random coefficient times up to three
    factors of which at most one is a weight (the limits of a Term); never one that is a plain
    Const, Weight or Feature (those are refused as expressions)."""
    terms = []
    while not terms or (len(terms) == 1 and len(terms[0].factors) == 1):
        n_factors = int(rng.integers(1, MAX_TERM_FACTORS + 1))
        with_weight = n_weights > 0 and (n_features == 0 or rng.random() < 0.6)
        factors = [w(int(rng.integers(n_weights)))] if with_weight else []
        while len(factors) < n_factors and n_features:
            factors.append(x(int(rng.integers(n_features)), scale=float(rng.uniform(-2, 2)),
                             offset=float(rng.choice([0.0, rng.uniform(-1, 1), np.pi]))))
        if factors:
            terms.append(Term(float(rng.uniform(-1.5, 1.5)), tuple(factors)))
    return Expr(float(rng.choice([0.0, rng.uniform(-1, 1)])), tuple(terms))


def random_circuit(rng: np.random.Generator, n_qubits: int, n_ops: int, *,
                   gates=ALL_GATES, n_weights: int = 4, n_features: int = 3,
                   kinds: str = "cwx", cover_all: bool = True) -> Circuit:
    """A random circuit on ``n_qubits`` with ``n_ops`` operations.

    With ``cover_all`` the gate list is first run through in a shuffled order (so every gate
    that fits the qubit count appears at least once), then gates are drawn at random. The last
    operations pin ``w(n_weights - 1)`` and ``x(n_features - 1)`` so the circuit reads exactly
    ``n_weights`` weights and ``n_features`` features when those kinds are enabled.
    """
    fitting = [g for g in gates if LITERAL_GATES[g][0] <= n_qubits]
    names = list(rng.permutation(fitting)) if cover_all else []
    while len(names) < n_ops:
        names.append(fitting[rng.integers(len(fitting))])
    ops = []
    for name in names:
        arity, n_params = LITERAL_GATES[name][:2]
        wires = tuple(int(q) for q in rng.choice(n_qubits, size=arity, replace=False))
        params = tuple(random_param(rng, n_weights, n_features, kinds) for _ in range(n_params))
        ops.append(Operation(str(name), wires, params))
    if "w" in kinds:
        ops.append(Operation("ry", (int(rng.integers(n_qubits)),), (w(n_weights - 1),)))
    if "x" in kinds:
        ops.append(Operation("rx", (int(rng.integers(n_qubits)),),
                             (x(n_features - 1, 0.7, 0.2),)))
    return Circuit(n_qubits, tuple(ops))


def random_observables(rng: np.random.Generator, n_qubits: int, k: int) -> list[str]:
    """``k`` random Pauli strings of weight 1 to 3 (always including single-qubit X, Y, Z)."""
    out = [f"Z{rng.integers(n_qubits)}", f"X{rng.integers(n_qubits)}",
           f"Y{rng.integers(n_qubits)}"]
    while len(out) < k:
        size = int(rng.integers(1, min(3, n_qubits) + 1))
        wires = rng.choice(n_qubits, size=size, replace=False)
        out.append(" ".join(f"{_PAULI[rng.integers(3)]}{q}" for q in wires))
    return out[:k]


def random_states(rng: np.random.Generator, n_qubits: int, batch: int | None = None):
    """Normalised random complex states, shape (2**n,) or (batch, 2**n)."""
    shape = (2**n_qubits,) if batch is None else (batch, 2**n_qubits)
    psi = rng.normal(size=shape) + 1j * rng.normal(size=shape)
    return psi / np.linalg.norm(psi, axis=-1, keepdims=True)
