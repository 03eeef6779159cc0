"""A slow, obviously correct dense statevector simulator: the trusted reference for tests.

Every gate matrix is written out literally here (not taken from ``qmlstudio.core.gates``), a gate
on arbitrary wires becomes a full ``2**n x 2**n`` matrix by ``np.kron`` with the identity and a
basis permutation, and an expectation value is ``<psi|O|psi>`` with ``O`` a dense Kronecker product
of literal Pauli matrices.

Conventions (the same as QML Studio's): wire 0 is the most significant bit of the state index;
a gate's first wire (controls first) is the most significant bit of the gate's local index.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Sequence

import numpy as np

from qmlstudio.core import Circuit, Const, Expr, Feature, Weight

__all__ = [
    "ALIASES",
    "LITERAL_GATES",
    "dense_expval",
    "dense_operator",
    "embed",
    "gate_matrix",
    "pauli_operator",
    "resolve_params",
    "simulate",
]

SQ2 = math.sqrt(2.0)
E4 = cmath.exp(1j * math.pi / 4)


def _m(rows) -> np.ndarray:
    return np.array(rows, dtype=complex)


def _controlled(u: np.ndarray) -> np.ndarray:
    """Block diagonal ``diag(I, U)``: control is the most significant local bit."""
    d = u.shape[0]
    out = np.eye(2 * d, dtype=complex)
    out[d:, d:] = u
    return out


def _rx(t):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return _m([[c, -1j * s], [-1j * s, c]])


def _ry(t):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return _m([[c, -s], [s, c]])


def _rz(t):
    return _m([[cmath.exp(-0.5j * t), 0], [0, cmath.exp(0.5j * t)]])


def _p(t):
    return _m([[1, 0], [0, cmath.exp(1j * t)]])


def _u3(t, f, lam):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return _m([
        [c, -cmath.exp(1j * lam) * s],
        [cmath.exp(1j * f) * s, cmath.exp(1j * (f + lam)) * c],
    ])


def _u2(f, lam):
    return _m([[1, -cmath.exp(1j * lam)], [cmath.exp(1j * f), cmath.exp(1j * (f + lam))]]) / SQ2


def _rxx(t):
    c, s = math.cos(t / 2), -1j * math.sin(t / 2)
    return _m([[c, 0, 0, s], [0, c, s, 0], [0, s, c, 0], [s, 0, 0, c]])


def _ryy(t):
    c, s = math.cos(t / 2), 1j * math.sin(t / 2)
    return _m([[c, 0, 0, s], [0, c, -s, 0], [0, -s, c, 0], [s, 0, 0, c]])


def _rzz(t):
    a, b = cmath.exp(-0.5j * t), cmath.exp(0.5j * t)
    return _m([[a, 0, 0, 0], [0, b, 0, 0], [0, 0, b, 0], [0, 0, 0, a]])


I2 = _m([[1, 0], [0, 1]])
X = _m([[0, 1], [1, 0]])
Y = _m([[0, -1j], [1j, 0]])
Z = _m([[1, 0], [0, -1]])
H = _m([[1, 1], [1, -1]]) / SQ2
SX = _m([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]]) / 2
SXDG = _m([[1 - 1j, 1 + 1j], [1 + 1j, 1 - 1j]]) / 2

PAULI = {"I": I2, "X": X, "Y": Y, "Z": Z}

# name -> (n_wires, n_params, function of the params returning the local matrix)
LITERAL_GATES = {
    "id": (1, 0, lambda: I2),
    "h": (1, 0, lambda: H),
    "x": (1, 0, lambda: X),
    "y": (1, 0, lambda: Y),
    "z": (1, 0, lambda: Z),
    "s": (1, 0, lambda: _m([[1, 0], [0, 1j]])),
    "sdg": (1, 0, lambda: _m([[1, 0], [0, -1j]])),
    "t": (1, 0, lambda: _m([[1, 0], [0, E4]])),
    "tdg": (1, 0, lambda: _m([[1, 0], [0, E4.conjugate()]])),
    "sx": (1, 0, lambda: SX),
    "sxdg": (1, 0, lambda: SXDG),
    "rx": (1, 1, _rx),
    "ry": (1, 1, _ry),
    "rz": (1, 1, _rz),
    "p": (1, 1, _p),
    "u3": (1, 3, _u3),
    "u2": (1, 2, _u2),
    "cx": (2, 0, lambda: _m([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])),
    "cy": (2, 0, lambda: _m([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, -1j], [0, 0, 1j, 0]])),
    "cz": (2, 0, lambda: _m([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, -1]])),
    "ch": (2, 0, lambda: _controlled(H)),
    "swap": (2, 0, lambda: _m([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])),
    "iswap": (2, 0, lambda: _m([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]])),
    "crx": (2, 1, lambda t: _controlled(_rx(t))),
    "cry": (2, 1, lambda t: _controlled(_ry(t))),
    "crz": (2, 1, lambda t: _controlled(_rz(t))),
    "cp": (2, 1, lambda t: _m([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0],
                                [0, 0, 0, cmath.exp(1j * t)]])),
    "cu3": (2, 3, lambda t, f, lam: _controlled(_u3(t, f, lam))),
    "rxx": (2, 1, _rxx),
    "ryy": (2, 1, _ryy),
    "rzz": (2, 1, _rzz),
    "ccx": (3, 0, lambda: np.eye(8, dtype=complex)[[0, 1, 2, 3, 4, 5, 7, 6]]),
    "cswap": (3, 0, lambda: np.eye(8, dtype=complex)[[0, 1, 2, 3, 4, 6, 5, 7]]),
}

ALIASES = {"u": "u3", "cnot": "cx", "u1": "p", "cu1": "cp"}


def gate_matrix(name: str, params: Sequence[float] = ()) -> np.ndarray:
    """The literal local matrix of gate ``name`` at numeric ``params``."""
    n_wires, n_params, fn = LITERAL_GATES[ALIASES.get(name, name)]
    assert len(params) == n_params, (name, params)
    mat = fn(*[float(p) for p in params])
    assert mat.shape == (2**n_wires, 2**n_wires)
    return mat


def embed(local: np.ndarray, wires: Sequence[int], n_qubits: int) -> np.ndarray:
    """The full ``2**n`` matrix of ``local`` acting on ``wires`` (first wire = local MSB).

    ``P`` reorders the qubits so that ``wires`` come first (in the given order) followed by the
    other wires in increasing order; then the full operator is ``P^T (local (x) I) P``.
    """
    wires = list(wires)
    k = len(wires)
    assert local.shape == (2**k, 2**k)
    assert len(set(wires)) == k and all(0 <= q < n_qubits for q in wires)
    order = wires + [q for q in range(n_qubits) if q not in wires]
    dim = 2**n_qubits
    perm = np.zeros((dim, dim))
    for i in range(dim):
        bits = [(i >> (n_qubits - 1 - q)) & 1 for q in range(n_qubits)]  # bits[q] of wire q
        j = 0
        for q in order:
            j = (j << 1) | bits[q]
        perm[j, i] = 1.0
    big = np.kron(local, np.eye(2 ** (n_qubits - k)))
    return perm.T @ big @ perm


def resolve_params(params, x=None, weights=None) -> list[float]:
    """Numbers for a tuple of Const / Weight / Feature / Expr parameters."""
    out = []
    for p in params:
        if isinstance(p, Const):
            out.append(p.value)
        elif isinstance(p, Weight):
            out.append(float(weights[p.index]))
        elif isinstance(p, Feature):
            out.append(p.scale * float(x[p.index]) + p.offset)
        elif isinstance(p, Expr):  # constant + Σ coefficient · Π factors, term by term
            out.append(p.constant + sum(
                t.coefficient * math.prod(resolve_params(t.factors, x, weights))
                for t in p.terms))
        else:  # pragma: no cover - the reference must know every parameter kind
            raise TypeError(p)
    return out


def dense_operator(circuit: Circuit, x=None, weights=None) -> np.ndarray:
    """The circuit's full unitary, gate by gate, as dense matrices."""
    n = circuit.n_qubits
    u = np.eye(2**n, dtype=complex)
    for op in circuit.operations:
        local = gate_matrix(op.gate, resolve_params(op.params, x, weights))
        u = embed(local, op.wires, n) @ u
    return u


def simulate(circuit: Circuit, x=None, weights=None, initial_state=None) -> np.ndarray:
    """Final state of ``circuit`` (default initial state ``|0...0>``)."""
    n = circuit.n_qubits
    if initial_state is None:
        state = np.zeros(2**n, dtype=complex)
        state[0] = 1.0
    else:
        state = np.array(initial_state, dtype=complex)
    for op in circuit.operations:
        local = gate_matrix(op.gate, resolve_params(op.params, x, weights))
        state = embed(local, op.wires, n) @ state
    return state


def pauli_operator(text: str, n_qubits: int) -> np.ndarray:
    """Dense matrix of a Pauli string such as ``"Z0 Z3"`` or ``"X1 Y2"`` (wire 0 leftmost)."""
    factors = ["I"] * n_qubits
    for token in text.split():
        letter, wire = token[0].upper(), int(token[1:])
        assert factors[wire] == "I", text
        factors[wire] = letter
    out = np.array([[1.0 + 0j]])
    for letter in factors:
        out = np.kron(out, PAULI[letter])
    return out


def dense_expval(circuit: Circuit, X, weights, observables, initial_state=None) -> np.ndarray:
    """Reference for ``qmlstudio.expval``: a ``(B, K)`` array of exact expectation values."""
    n = circuit.n_qubits
    ops = [pauli_operator(o, n) for o in observables]
    if X is None:
        if initial_state is not None and np.ndim(initial_state) == 2:
            rows = [None] * len(initial_state)
        else:
            rows = [None]
    else:
        rows = list(np.asarray(X, dtype=float))
    out = np.empty((len(rows), len(ops)))
    for b, xb in enumerate(rows):
        init = initial_state
        if init is not None and np.ndim(init) == 2:
            init = init[b]
        psi = simulate(circuit, xb, weights, init)
        for k, o in enumerate(ops):
            value = np.vdot(psi, o @ psi)
            assert abs(value.imag) < 1e-9
            out[b, k] = value.real
    return out
