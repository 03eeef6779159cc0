"""The feature-merge detector: true and false positives, each checked against the dense
reference (a merged group only sees the sum of its features; anything else sees each one)."""

import re
import warnings

import numpy as np
import pytest

from qmlstudio.core import Circuit, w, x
from qmlstudio.core.feature_merges import (
    FeatureMergeWarning,
    feature_merges,
    merge_summary,
    warn_feature_merges,
)
from qmlstudio.ml.models.encodings import angle_encoding, zz_feature_map
from qmlstudio.ml.models.templates import build_model_circuit
from tests.reference.dense import simulate


def diagram(text: str, n_qubits: int = 2) -> Circuit:
    """A circuit from a one-line gate list, e.g. ``"ry@0(x0) cz@0,1 ry@0(x1)"``."""
    circuit = Circuit(n_qubits)
    for gate, wires, param in re.findall(r"(\w+)@([\d,]+)(?:\((\w+|[\d.]+)\))?", text):
        params = () if not param else \
            (x(int(param[1:])),) if param[0] == "x" else \
            (w(int(param[1:])),) if param[0] == "w" else (float(param),)
        circuit = circuit.add(gate, [int(q) for q in wires.split(",")], *params)
    return circuit


def fidelity_along(circuit: Circuit, a: int, b: int) -> float:
    """|⟨ψ(x)|ψ(x + d·(e_a − e_b))⟩| at a generic point, from a random initial state (from
    |0…0⟩ a diagonal gate would only change a phase): 1 when only x_a + x_b matters."""
    rng = np.random.default_rng(4)
    start = rng.normal(size=2**circuit.n_qubits) + 1j * rng.normal(size=2**circuit.n_qubits)
    start /= np.linalg.norm(start)
    x0 = rng.uniform(0.2, 2.9, circuit.n_features)
    weights = rng.uniform(0, 2 * np.pi, circuit.n_weights)
    moved = x0.copy()
    moved[a] += 0.37
    moved[b] -= 0.37
    return abs(np.vdot(simulate(circuit, x0, weights, start),
                       simulate(circuit, moved, weights, start)))


@pytest.mark.parametrize("text, operations, features, wires", [
    ("ry@0(x0) ry@0(x1)", (0, 1), (0, 1), (0,)),
    ("ry@0(x0) ry@1(x5) ry@0(x1)", (0, 2), (0, 1), (0,)),         # other wires do not matter
    ("ry@0(x0) ry@0(w0) ry@0(x2)", (0, 1, 2), (0, 2), (0,)),     # a weight joins the sum
    ("rz@0(x0) cz@0,1 rz@0(x1)", (0, 2), (0, 1), (0,)),          # diagonal gate between
    ("rz@0(x0) s@0 rzz@0,1(w0) rz@0(x1)", (0, 3), (0, 1), (0,)),
    ("rz@0(x0) cx@0,1 rz@0(x1)", (0, 2), (0, 1), (0,)),          # Z through a control
    ("rx@1(x0) cx@0,1 rx@1(x1)", (0, 2), (0, 1), (1,)),          # X through a target
    ("rz@0(x0) p@0(x1)", (0, 1), (0, 1), (0,)),                  # RZ and P: one axis
    ("rzz@0,1(x0) rzz@1,0(x1)", (0, 1), (0, 1), (0, 1)),
    ("crz@0,1(x0) crz@0,1(x1)", (0, 1), (0, 1), (0, 1)),
])
def test_true_positives_only_see_the_sum(text, operations, features, wires):
    circuit = diagram(text)
    (merge,) = feature_merges(circuit)
    assert (merge.operations, merge.features, merge.wires) == (operations, features, wires)
    assert fidelity_along(circuit, *features) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("text", [
    "ry@0(x0) h@0 ry@0(x1)",          # separated by a gate that does not commute
    "ry@0(x0) rz@0(x1)",              # different axes
    "ry@0(x0) ry@1(x1)",              # different wires
    "rz@1(x0) cx@0,1 rz@1(x1)",       # Z does not pass a target
    "rx@0(x0) cx@0,1 rx@0(x1)",       # X does not pass a control
    "rz@0(x0) rzz@0,1(x1)",           # commuting, but different generators
    "crz@0,1(x0) crz@1,0(x1)",
    "ry@0(x0) ry@0(w0) ry@0(x0)",     # one feature twice is not a sum of two
])
def test_true_negatives_see_each_feature(text):
    circuit = diagram(text)
    assert feature_merges(circuit) == ()
    if circuit.n_features > 1:
        assert fidelity_along(circuit, 0, 1) < 1 - 1e-4


@pytest.mark.parametrize("circuit", [
    angle_encoding(Circuit(2), n_features=6),
    build_model_circuit(2, 10, layers=2, reuploading=True),
    build_model_circuit(3, 8, layers=3, reuploading=True, ansatz="basic_entangler"),
    build_model_circuit(3, 9, layers=2, reuploading=True, ansatz="hardware_efficient"),
])
def test_the_builders_angle_encodings_sum_nothing(circuit):
    assert feature_merges(circuit) == ()


def test_the_zz_map_sums_nothing_but_an_affine_pair_angle_is_reported():
    # Havlíček's map reads each pair as a product (π − x_i)(π − x_j): one angle, no sum.
    assert feature_merges(zz_feature_map(Circuit(3), reps=1, entanglement="linear")) == ()
    # The affine stand-in it replaced, x_i + x_j as two rotations on the target, is a sum.
    affine = diagram("h@0 h@1 h@2 cx@0,1 rz@1(x0) rz@1(x1) cx@0,1 "
                     "cx@1,2 rz@2(x1) rz@2(x2) cx@1,2", n_qubits=3)
    merges = feature_merges(affine)
    assert [(m.features, m.wires) for m in merges] == [((0, 1), (1,)), ((1, 2), (2,))]
    assert merges[0].text == ("RZ(x₀) and RZ(x₁) on q1 act as one rotation: x₀ and x₁ "
                              "are summed")
    assert merge_summary(merges) == f"Features summed into one angle: {merges[0].text} " \
                                    f"(and 1 more)"


def test_warning_names_the_merge_and_silence_otherwise():
    with pytest.warns(FeatureMergeWarning, match="RY.x₀. and RY.x₁. on q0"):
        warn_feature_merges(diagram("ry@0(x0) ry@0(x1)"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn_feature_merges(diagram("ry@0(x0) h@0 ry@0(x1)")) == ()


def test_expression_angles_are_followed_too():
    import math

    scaled = (Circuit(1).add("ry", 0, w(0) * x(0) + w(1)).add("ry", 0, w(2) * x(1)))
    merges = feature_merges(scaled)
    assert len(merges) == 1 and merges[0].features == (0, 1)
    # Products of features in one angle are the user's explicit choice, not a silent sum.
    product = Circuit(2).add("rzz", [0, 1], (math.pi - x(0)) * (math.pi - x(1)))
    assert feature_merges(product) == ()
