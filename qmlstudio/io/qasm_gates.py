"""Which OpenQASM gate names mean which library gates, both ways.

*Reading.* A standard name (``qelib1.inc``, ``stdgates.inc`` and the ``U``/``CX`` built-ins)
means the gate of that name as Qiskit loads it — same matrix, same global phase — so imported
circuits simulate exactly as Qiskit's ``Statevector`` does. Most are library gates
(:data:`STANDARD_GATES`); the rest of Qiskit's ``qelib1.inc`` (``u0 csx cu rccx rc3x c3x
c3sqrtx c4x``) are expanded from :data:`EXTRA_DEFINITIONS`, which are the definitions of
``qelib1.inc`` itself (``cu`` written exactly as ``p(γ)`` on the control then ``cu3``).

*Writing.* QASM 2 output uses the gates of the original ``qelib1.inc`` (the OpenQASM 2.0
paper's) and defines every other gate it needs (:data:`QASM2_DEFINITIONS`), so strict loaders
such as ``qiskit.qasm2.loads`` with default settings accept it; QASM 3 output uses
``stdgates.inc`` and defines the rest (:data:`QASM3_DEFINITIONS`). The definitions are exact,
global phase included, which :func:`body_matches_library` checks when a file is read back: a
definition that computes a library gate's matrix under that gate's name *is* that gate.
"""

from __future__ import annotations

import numpy as np

from qmlstudio.core import GATES
from qmlstudio.io.qasm_expressions import ExpressionError, Node, evaluate

__all__ = [
    "EXTRA_DEFINITIONS",
    "ORIGINAL_QELIB1",
    "QASM2_DEFINITIONS",
    "QASM2_NAMES",
    "QASM3_DEFINITIONS",
    "STANDARD_GATES",
    "STDGATES",
    "BodyEntry",
    "body_matches_library",
]

BodyEntry = tuple[str, tuple[Node, ...], tuple[int, ...]]
"""One library gate of a flattened ``gate`` body: name, parameter trees, local wire indices."""

STANDARD_GATES: dict[str, str] = {name: name for name in GATES} | {
    "U": "u3", "u": "u3", "CX": "cx", "u1": "p", "phase": "p", "cu1": "cp", "cphase": "cp",
}
"""QASM gate names (case-sensitive) that are library gates, with the library name."""

EXTRA_DEFINITIONS = """
gate u0(gamma) q { id q; }
gate csx a, b { h b; cu1(pi/2) a, b; h b; }
gate cu(theta, phi, lambda, gamma) c, t { p(gamma) c; cu3(theta, phi, lambda) c, t; }
gate rccx a, b, c {
  u2(0, pi) c; u1(pi/4) c; cx b, c; u1(-pi/4) c; cx a, c; u1(pi/4) c; cx b, c; u1(-pi/4) c;
  u2(0, pi) c;
}
gate rc3x a, b, c, d {
  u2(0, pi) d; u1(pi/4) d; cx c, d; u1(-pi/4) d; u2(0, pi) d; cx a, d; u1(pi/4) d; cx b, d;
  u1(-pi/4) d; cx a, d; u1(pi/4) d; cx b, d; u1(-pi/4) d; u2(0, pi) d; u1(pi/4) d; cx c, d;
  u1(-pi/4) d; u2(0, pi) d;
}
gate c3x a, b, c, d {
  h d; p(pi/8) a; p(pi/8) b; p(pi/8) c; p(pi/8) d; cx a, b; p(-pi/8) b; cx a, b; cx b, c;
  p(-pi/8) c; cx a, c; p(pi/8) c; cx b, c; p(-pi/8) c; cx a, c; cx c, d; p(-pi/8) d; cx b, d;
  p(pi/8) d; cx c, d; p(-pi/8) d; cx a, d; p(pi/8) d; cx c, d; p(-pi/8) d; cx b, d; p(pi/8) d;
  cx c, d; p(-pi/8) d; cx a, d; h d;
}
gate c3sqrtx a, b, c, d {
  h d; cu1(pi/8) a, d; h d; cx a, b; h d; cu1(-pi/8) b, d; h d; cx a, b; h d; cu1(pi/8) b, d;
  h d; cx b, c; h d; cu1(-pi/8) c, d; h d; cx a, c; h d; cu1(pi/8) c, d; h d; cx b, c; h d;
  cu1(-pi/8) c, d; h d; cx a, c; h d; cu1(pi/8) c, d; h d;
}
gate c4x a, b, c, d, e {
  h e; cu1(pi/2) d, e; h e; c3x a, b, c, d; h e; cu1(-pi/2) d, e; h e; c3x a, b, c, d;
  c3sqrtx a, b, c, e;
}
"""
"""Qiskit's ``qelib1.inc`` gates outside the library, as ``qelib1.inc`` defines them."""

ORIGINAL_QELIB1 = frozenset((
    "u3", "u2", "u1", "cx", "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "rx", "ry", "rz",
    "cz", "cy", "ch", "ccx", "crz", "cu1", "cu3",
))
"""The gates of the original ``qelib1.inc`` (OpenQASM 2.0 paper), which every loader knows."""

QASM2_NAMES: dict[str, str] = {"p": "u1", "cp": "cu1"}
"""Library gates written under another ``qelib1.inc`` name (same matrix)."""

_ISWAP = "s a; s b; h a; cx a, b; cx b, a; h b;"
_RXX = "h a; h b; cx a, b; rz(theta) b; cx a, b; h a; h b;"
_RYY = "rx(pi/2) a; rx(pi/2) b; cx a, b; rz(theta) b; cx a, b; rx(-pi/2) a; rx(-pi/2) b;"
_RZZ = "cx a, b; rz(theta) b; cx a, b;"

QASM2_DEFINITIONS: dict[str, str] = {
    "sx": "gate sx a { h a; s a; h a; }",
    "sxdg": "gate sxdg a { h a; sdg a; h a; }",
    "swap": "gate swap a, b { cx a, b; cx b, a; cx a, b; }",
    "iswap": f"gate iswap a, b {{ {_ISWAP} }}",
    "crx": "gate crx(theta) a, b { h b; crz(theta) a, b; h b; }",
    "cry": "gate cry(theta) a, b { ry(theta/2) b; cx a, b; ry(-theta/2) b; cx a, b; }",
    "rxx": f"gate rxx(theta) a, b {{ {_RXX} }}",
    "ryy": f"gate ryy(theta) a, b {{ {_RYY} }}",
    "rzz": f"gate rzz(theta) a, b {{ {_RZZ} }}",
    "cswap": "gate cswap a, b, c { cx c, b; ccx a, b, c; cx c, b; }",
}
"""Exact QASM 2 definitions, in original ``qelib1.inc`` gates, of the other library gates."""

STDGATES = frozenset((
    "p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz", "cx", "cy", "cz",
    "cp", "crx", "cry", "crz", "ch", "swap", "ccx", "cswap", "id", "u3", "u2",
))
"""Library gates that ``stdgates.inc`` provides under the same name."""

QASM3_DEFINITIONS: dict[str, str] = {
    "sxdg": "gate sxdg a { h a; sdg a; h a; }",
    "iswap": f"gate iswap a, b {{ {_ISWAP} }}",
    "rxx": f"gate rxx(theta) a, b {{ {_RXX} }}",
    "ryy": f"gate ryy(theta) a, b {{ {_RYY} }}",
    "rzz": f"gate rzz(theta) a, b {{ {_RZZ} }}",
    # Parameter names sort in declared order: qiskit-qasm3-import 0.6 binds a definition's
    # parameters in sorted-name order (its GateBuilder gets no explicit order).
    "cu3": "gate cu3(p0, p1, p2) a, b { cu(p0, p1, p2, 0) a, b; }",
}
"""Exact QASM 3 definitions, in ``stdgates.inc`` gates, of the library gates it lacks."""

_SAMPLE_ANGLES = ((0.3712, -1.1893, 2.4217, 0.8123), (-2.2461, 0.6342, -0.4375, 1.9821))


def _body_unitary(body: tuple[BodyEntry, ...], n_qubits: int, env: dict) -> np.ndarray:
    """The matrix of a flattened body (first wire = most significant bit)."""
    dim = 2**n_qubits
    unitary = np.eye(dim, dtype=complex).reshape((2,) * n_qubits + (dim,))
    for name, nodes, wires in body:
        k = len(wires)
        matrix = GATES[name].matrix([float(evaluate(node, env)) for node in nodes])
        unitary = np.tensordot(matrix.reshape((2,) * (2 * k)), unitary,
                               axes=(list(range(k, 2 * k)), list(wires)))
        unitary = np.moveaxis(unitary, list(range(k)), list(wires))
    return unitary.reshape(dim, dim)


def body_matches_library(body: tuple[BodyEntry, ...], params: tuple[str, ...],
                         library_name: str, n_qubits: int) -> bool:
    """True if the definition computes the library gate's matrix, global phase included.

    Compared at two sets of generic angles, which tells trigonometric polynomials apart.
    """
    spec = GATES[library_name]
    if spec.n_params != len(params) or spec.n_wires != n_qubits:
        return False
    for angles in _SAMPLE_ANGLES:
        values = angles[: len(params)]
        try:
            unitary = _body_unitary(body, n_qubits, dict(zip(params, values, strict=True)))
        except ExpressionError:
            return False
        if not np.allclose(unitary, spec.matrix(values), rtol=0.0, atol=1e-12):
            return False
    return True
