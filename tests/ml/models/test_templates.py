"""Encoding and ansatz templates: the exact gates, groups and weight numbering they insert."""

import math
from functools import partial

import numpy as np
import pytest

from qmlstudio.core import Circuit, CircuitError, Operation, ProjectError, w, x
from qmlstudio.engine import statevector
from qmlstudio.ml.models.encodings import angle_encoding, iqp_encoding, zz_feature_map
from qmlstudio.ml.models.templates import (
    basic_entangler,
    build_model_circuit,
    data_reuploading,
    hardware_efficient,
    init_weights,
    strongly_entangling,
)
from tests.reference.dense import dense_operator, pauli_operator


def op(gate, wires, *params, group):
    wires = (wires,) if isinstance(wires, int) else wires
    return Operation(gate, wires, params, group)


def test_angle_encoding_continues_round_the_wires_about_the_next_axis():
    c = angle_encoding(Circuit(2), n_features=3, rotation="rx", scale=0.5, offset=0.1)
    g = "angle_encoding#0"
    assert c.operations == (
        op("rx", 0, x(0, 0.5, 0.1), group=g),
        op("rx", 1, x(1, 0.5, 0.1), group=g),
        op("ry", 0, x(2, 0.5, 0.1), group=g),
    )
    assert c.n_features == 3 and c.n_weights == 0


def test_angle_encoding_on_chosen_wires_and_position():
    base = Circuit(3).add("h", 0).add("h", 1)
    c = angle_encoding(base, wires=[2, 0], at=1)
    g = "angle_encoding#0"
    assert c.operations == (
        Operation("h", (0,)),
        op("ry", 2, x(0), group=g),
        op("ry", 0, x(1), group=g),
        Operation("h", (1,)),
    )


def test_zz_feature_map_two_qubits_gate_list():
    c = zz_feature_map(Circuit(2), reps=1, scale=2.0)
    g = "zz_feature_map#0"
    assert c.operations == (
        op("h", 0, group=g), op("h", 1, group=g),
        op("rz", 0, x(0, 2.0), group=g), op("rz", 1, x(1, 2.0), group=g),
        op("cx", (0, 1), group=g),
        op("rz", 1, (math.pi - x(0)) * (math.pi - x(1)) * 2.0, group=g),
        op("cx", (0, 1), group=g),
    )


@pytest.mark.parametrize("entanglement, pairs", [
    ("full", [(0, 1), (0, 2), (1, 2)]),
    ("linear", [(0, 1), (1, 2)]),
    ("circular", [(0, 1), (1, 2), (2, 0)]),
])
def test_zz_feature_map_is_the_documented_unitary(entanglement, pairs):
    # One repetition = exp(-i α/2 [Σ x_j Z_j + Σ_(i,j) (π - x_i)(π - x_j) Z_i Z_j]) H⊗H⊗H.
    alpha, xs = 1.3, np.array([0.4, -1.1, 2.5])
    c = zz_feature_map(Circuit(3), reps=2, entanglement=entanglement, scale=alpha)
    generator = sum(xs[j] * pauli_operator(f"Z{j}", 3) for j in range(3))
    for i, j in pairs:
        generator = generator + (math.pi - xs[i]) * (math.pi - xs[j]) \
            * pauli_operator(f"Z{i} Z{j}", 3)
    phase = np.diag(np.exp(-0.5j * alpha * np.diag(generator)))
    h = np.array([[1, 1], [1, -1]]) / math.sqrt(2)
    hadamards = np.kron(np.kron(h, h), h)
    one_rep = phase @ hadamards
    np.testing.assert_allclose(dense_operator(c, xs), one_rep @ one_rep, atol=1e-12)


@pytest.mark.parametrize("entanglement", ["full", "linear", "circular"])
def test_zz_feature_map_is_qiskits(entanglement):
    from qiskit.circuit.library import zz_feature_map as qiskit_zz_feature_map
    from qiskit.quantum_info import Statevector

    xs = np.random.default_rng(5).uniform(0, math.pi, 4)
    ours = statevector(zz_feature_map(Circuit(4), reps=2, entanglement=entanglement), x=xs)
    reference = qiskit_zz_feature_map(4, reps=2, entanglement=entanglement).assign_parameters(xs)
    # Qiskit's qubit 0 is the least significant bit; reversing makes it our wire 0.
    theirs = Statevector(reference).reverse_qargs().data
    assert abs(np.vdot(theirs, ours)) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("reps", [1, 2])
def test_iqp_encoding_is_pennylanes_iqp_embedding(reps):
    import pennylane as qml

    xs = np.random.default_rng(6).uniform(-1.5, 2.5, 4)
    ours = statevector(iqp_encoding(Circuit(4), reps=reps), x=xs)

    @qml.qnode(qml.device("default.qubit", wires=4))
    def theirs():
        qml.IQPEmbedding(xs, wires=range(4), n_repeats=reps)  # wire 0 most significant, as ours
        return qml.state()

    np.testing.assert_allclose(ours, theirs(), atol=1e-12)
    c = iqp_encoding(Circuit(3), reps=1)
    assert c.operations[-1].gate == "rzz" and c.operations[-1].params == (x(1) * x(2),)
    with pytest.raises(CircuitError, match="one feature per wire"):
        iqp_encoding(Circuit(2), n_features=3)


def test_zz_feature_map_refuses_more_features_than_wires():
    with pytest.raises(CircuitError, match="one feature per wire"):
        zz_feature_map(Circuit(2), n_features=3)
    with pytest.raises(CircuitError, match="entanglement"):
        zz_feature_map(Circuit(2), entanglement="star")


def test_strongly_entangling_three_wires_two_layers():
    c = strongly_entangling(Circuit(3), layers=2)
    g = "strongly_entangling#0"

    def rot(wire, k):
        return [op("rz", wire, w(k), group=g), op("ry", wire, w(k + 1), group=g),
                op("rz", wire, w(k + 2), group=g)]

    expected = [*rot(0, 0), *rot(1, 3), *rot(2, 6),
                op("cx", (0, 1), group=g), op("cx", (1, 2), group=g), op("cx", (2, 0), group=g),
                *rot(0, 9), *rot(1, 12), *rot(2, 15),  # layer 1: range (1 mod 2) + 1 = 2
                op("cx", (0, 2), group=g), op("cx", (1, 0), group=g), op("cx", (2, 1), group=g)]
    assert list(c.operations) == expected
    assert c.n_weights == 18


def test_strongly_entangling_ranges_checked_and_single_wire_has_no_cnots():
    with pytest.raises(CircuitError, match="range"):
        strongly_entangling(Circuit(3), layers=1, ranges=[3])
    c = strongly_entangling(Circuit(1), layers=2)
    assert [o.gate for o in c.operations] == ["rz", "ry", "rz"] * 2


def test_basic_entangler_two_and_three_wires():
    g = "basic_entangler#0"
    two = basic_entangler(Circuit(2), layers=2, rotation="ry")
    assert two.operations == (
        op("ry", 0, w(0), group=g), op("ry", 1, w(1), group=g), op("cx", (0, 1), group=g),
        op("ry", 0, w(2), group=g), op("ry", 1, w(3), group=g), op("cx", (0, 1), group=g),
    )
    three = basic_entangler(Circuit(3))
    assert three.operations == (
        op("rx", 0, w(0), group=g), op("rx", 1, w(1), group=g), op("rx", 2, w(2), group=g),
        op("cx", (0, 1), group=g), op("cx", (1, 2), group=g), op("cx", (2, 0), group=g),
    )


def test_hardware_efficient_ry_and_cz_ladder():
    c = hardware_efficient(Circuit(3), layers=1)
    g = "hardware_efficient#0"
    assert c.operations == (
        op("ry", 0, w(0), group=g), op("ry", 1, w(1), group=g), op("ry", 2, w(2), group=g),
        op("cz", (0, 1), group=g), op("cz", (1, 2), group=g),
    )


def test_weights_continue_after_existing_ones_and_group_ids_increase():
    base = Circuit(2).add("rx", 0, w(4))  # weights 0..4 exist (highest index + 1 = 5)
    base = base.inserted(1, Operation("h", (1,), (), "custom#7"))
    c = hardware_efficient(base, layers=1)
    g = "hardware_efficient#8"
    assert c.operations[2:] == (
        op("ry", 0, w(5), group=g), op("ry", 1, w(6), group=g), op("cz", (0, 1), group=g),
    )
    c = strongly_entangling(c, wires=[1])
    assert [o.params for o in c.operations[5:]] == [(w(7),), (w(8),), (w(9),)]
    assert {o.group for o in c.operations[5:]} == {"strongly_entangling#9"}


def test_data_reuploading_repeats_the_encoding_before_each_layer():
    c = data_reuploading(Circuit(2), partial(angle_encoding, rotation="rx"),
                         partial(hardware_efficient, layers=1), layers=2)
    assert c.operations == (
        op("rx", 0, x(0), group="angle_encoding#0"), op("rx", 1, x(1), group="angle_encoding#0"),
        op("ry", 0, w(0), group="hardware_efficient#1"),
        op("ry", 1, w(1), group="hardware_efficient#1"),
        op("cz", (0, 1), group="hardware_efficient#1"),
        op("rx", 0, x(0), group="angle_encoding#2"), op("rx", 1, x(1), group="angle_encoding#2"),
        op("ry", 0, w(2), group="hardware_efficient#3"),
        op("ry", 1, w(3), group="hardware_efficient#3"),
        op("cz", (0, 1), group="hardware_efficient#3"),
    )


def test_build_model_circuit_variants():
    plain = build_model_circuit(3, 3, ansatz="basic_entangler", layers=4)
    assert [o.group for o in plain.operations].count("angle_encoding#0") == 3
    assert plain.n_weights == 12 and plain.n_features == 3
    reup = build_model_circuit(2, 2, ansatz="strongly_entangling", layers=3, reuploading=True,
                               encoding_options={"rotation": "rx"})
    assert len({o.group for o in reup.operations}) == 6 and reup.n_weights == 18
    zz = build_model_circuit(None, 2, encoding="zz", encoding_options={"reps": 1})
    assert zz.n_qubits == 2 and zz.operations[0].group == "zz_feature_map#0"
    amp = build_model_circuit(None, 5, encoding="amplitude", ansatz="hardware_efficient")
    assert amp.n_qubits == 3 and amp.n_features == 0 and amp.n_weights == 6
    with pytest.raises(CircuitError, match="re-uploading"):
        build_model_circuit(3, 5, encoding="amplitude", reuploading=True)
    with pytest.raises(CircuitError, match="needs 3 qubits"):
        build_model_circuit(2, 5, encoding="amplitude")
    with pytest.raises(CircuitError, match="unknown ansatz"):
        build_model_circuit(2, 2, ansatz="nope")


@pytest.mark.parametrize("call, message", [
    (lambda: angle_encoding(Circuit(2), wires=[0, 2]), "wire 2 does not exist"),
    (lambda: angle_encoding(Circuit(2), wires=[1, 1]), "repeat"),
    (lambda: angle_encoding(Circuit(2), rotation="rq"), "rotation"),
    (lambda: hardware_efficient(Circuit(2), layers=0), "layers"),
    (lambda: hardware_efficient(Circuit(2), at=5), "position"),
    (lambda: basic_entangler("not a circuit"), "expected a Circuit"),
    (lambda: data_reuploading(Circuit(1), [], hardware_efficient, 2), "at least one encoding"),
])
def test_bad_template_arguments(call, message):
    with pytest.raises(CircuitError, match=message):
        call()


def test_init_weights_seeded_uniform_and_small():
    a = init_weights(1000, "uniform", seed=3)
    np.testing.assert_array_equal(a, init_weights(1000, "uniform", seed=3))
    assert not np.array_equal(a, init_weights(1000, "uniform", seed=4))
    assert a.min() >= 0.0 and a.max() < 2 * math.pi and abs(a.mean() - math.pi) < 0.2
    s = init_weights(4000, "small", seed=3)
    assert abs(s.mean()) < 0.01 and abs(s.std() - 0.1) < 0.01
    assert init_weights(0, "small", seed=1).shape == (0,)
    with pytest.raises(ProjectError, match="weight_init"):
        init_weights(3, "gaussian")
