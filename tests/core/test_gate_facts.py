"""The facts every view of a gate reads (controls, drawing, parameter names, LaTeX name):
consistent with each other and with the gate's own matrix."""

import numpy as np
import pytest

from qmlstudio.core import GATES, CircuitError, GateSpec
from qmlstudio.core.gates import DRAWINGS

_TARGET_MATRICES = {
    "oplus": np.array([[0, 1], [1, 0]]),
    "dot": np.diag([1, -1]),
    "cross": np.eye(4)[[0, 2, 1, 3]],
}
"""What a gate drawn with a symbol does to its target wires (where the controls are set)."""


def _matrix(spec: GateSpec, seed: int = 0) -> np.ndarray:
    angles = np.random.default_rng(seed).uniform(0.3, 2.8, spec.n_params)
    return spec.matrix(tuple(angles))


def _is_controlled(matrix: np.ndarray, n_wires: int, k: int) -> bool:
    """True if ``matrix`` is the identity unless its first ``k`` wires (the most significant
    bits) are all 1."""
    inactive = 2**n_wires - 2**(n_wires - k)
    return (np.allclose(matrix[:inactive, :inactive], np.eye(inactive))
            and np.allclose(matrix[:inactive, inactive:], 0)
            and np.allclose(matrix[inactive:, :inactive], 0))


@pytest.mark.parametrize("name", sorted(GATES))
def test_every_gate_has_consistent_facts(name):
    spec = GATES[name]
    assert spec.n_controls + spec.n_targets == spec.n_wires and spec.n_targets >= 1
    assert spec.drawing in DRAWINGS
    assert len(spec.param_names) == spec.n_params and all(spec.param_names)
    assert spec.latex_name and spec.latex_name.count("{") == spec.latex_name.count("}")
    assert spec.joins_wires == (spec.n_wires > 1 and (spec.n_controls > 0
                                                      or spec.drawing == "cross"))


@pytest.mark.parametrize("name", [n for n in sorted(GATES) if GATES[n].n_wires > 1])
def test_declared_controls_are_the_controls_of_the_matrix(name):
    spec = GATES[name]
    for seed in range(3):
        matrix = _matrix(spec, seed)
        k = spec.n_controls
        assert k == 0 or _is_controlled(matrix, spec.n_wires, k)
        # ... and no more, while a target is left (cz and cp are symmetric: controlled on
        # every wire, as their "dot" / box drawings show).
        assert k + 1 == spec.n_wires or not _is_controlled(matrix, spec.n_wires, k + 1)


@pytest.mark.parametrize("name", [n for n in sorted(GATES) if GATES[n].drawing != "box"])
def test_a_symbol_says_what_the_gate_does_to_its_targets(name):
    spec = GATES[name]
    size = 2**spec.n_targets
    active = _matrix(spec)[-size:, -size:]  # every control set
    np.testing.assert_allclose(active, _TARGET_MATRICES[spec.drawing], atol=1e-12)


@pytest.mark.parametrize(("name", "controls", "drawing", "params", "latex"), [
    ("h", 0, "box", (), "H"),
    ("sdg", 0, "box", (), "S^\\dagger"),
    ("sxdg", 0, "box", (), "\\sqrt{X}^\\dagger"),
    ("u2", 0, "box", ("φ", "λ"), "U2"),
    ("cx", 1, "oplus", (), "X"),
    ("ccx", 2, "oplus", (), "X"),
    ("cz", 1, "dot", (), "Z"),
    ("swap", 0, "cross", (), "SWAP"),
    ("cswap", 1, "cross", (), "SWAP"),
    ("cry", 1, "box", ("θ",), "RY"),
    ("cu3", 1, "box", ("θ", "φ", "λ"), "U3"),
    ("rxx", 0, "box", ("θ",), "RXX"),
])
def test_facts_of_named_gates(name, controls, drawing, params, latex):
    spec = GATES[name]
    assert (spec.n_controls, spec.drawing, spec.param_names, spec.latex_name) == \
        (controls, drawing, params, latex)


@pytest.mark.parametrize(("facts", "message"), [
    ({"n_controls": 2}, "2 control"),
    ({"drawing": "star"}, "drawing 'star'"),
    ({"drawing": "oplus"}, "does not fit 2 target"),
    ({"param_names": ("θ",)}, "1 parameter names for 0"),
])
def test_contradicting_facts_are_refused(facts, message):
    factors = GATES["swap"].factors
    with pytest.raises(CircuitError, match=f"gate 'bad'.*{message}"):
        GateSpec("bad", 2, 0, factors, **facts)
