"""Angle encoding of more features than qubits keeps every feature: other rotation axes, then
the next re-uploading layer; checked on the engine's states against the dense reference."""

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import Circuit, CircuitError, x
from qmlstudio.ml.models.encodings import angle_axes, angle_blocks, angle_encoding
from qmlstudio.ml.models.templates import build_model_circuit, init_weights
from tests.reference.dense import simulate


def encoded(circuit):
    """(gate, wire, feature) of every gate that reads a feature, in circuit order."""
    return [(o.gate, o.wires[0], o.params[0].index) for o in circuit.operations
            if o.group.startswith("angle_encoding")]


@pytest.mark.parametrize("rotation, axes", [
    ("rx", ("rx", "ry", "rz")), ("ry", ("ry", "rz", "rx")), ("rz", ("rz", "rx", "ry")),
])
def test_each_wire_takes_three_different_axes_starting_with_the_chosen_one(rotation, axes):
    assert angle_axes(rotation) == axes
    c = angle_encoding(Circuit(2), n_features=6, rotation=rotation)
    assert encoded(c) == [(axes[k // 2], k % 2, k) for k in range(6)]


def test_features_up_to_the_qubits_give_todays_circuit():
    assert encoded(angle_encoding(Circuit(3))) == [("ry", 0, 0), ("ry", 1, 1), ("ry", 2, 2)]
    assert encoded(angle_encoding(Circuit(3), n_features=2, first_feature=4)) == [
        ("ry", 0, 4), ("ry", 1, 5)]


def test_more_than_three_features_per_wire_are_refused_with_a_remedy():
    with pytest.raises(CircuitError, match=r"7 features on 2 wire.*at least 3 wires"):
        angle_encoding(Circuit(2), n_features=7)


def test_blocks_are_as_few_as_fit_and_balanced():
    assert angle_blocks(6, 2) == [range(0, 6)]
    assert angle_blocks(7, 2) == [range(0, 4), range(4, 7)]
    assert angle_blocks(10, 3) == [range(0, 5), range(5, 10)]
    assert angle_blocks(13, 2) == [range(0, 4), range(4, 9), range(9, 13)]


def test_model_takes_the_blocks_in_turn_over_reuploading_layers():
    c = build_model_circuit(2, 10, layers=3, reuploading=True, ansatz="hardware_efficient")
    layers = [sorted(o.params[0].index for o in c.operations if o.group == group)
              for group in ("angle_encoding#0", "angle_encoding#2", "angle_encoding#4")]
    assert layers == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [0, 1, 2, 3, 4]]
    assert c.n_features == 10


@pytest.mark.parametrize("reuploading, layers, message", [
    (False, 2, r"10 features need 2 encoding blocks.*encodes once.*at least 2 layers"),
    (True, 1, "encodes once"),
])
def test_too_many_features_without_room_are_refused(reuploading, layers, message):
    with pytest.raises(CircuitError, match=message):
        build_model_circuit(2, 10, layers=layers, reuploading=reuploading)


def states(circuit, X, weights):
    """Engine statevectors of the rows of ``X``, checked against the dense reference."""
    out = np.array([qs.statevector(circuit, row, weights) for row in X])
    reference = np.array([simulate(circuit, row, weights) for row in X])
    np.testing.assert_allclose(out, reference, atol=1e-10)
    return out


def jacobian_rank(circuit, x0, weights, step=1e-5):
    """The numerical rank of d(state)/dx at ``x0`` (central differences, real and imaginary
    parts as rows)."""
    F = len(x0)
    rows = np.concatenate([x0 + step * e for e in np.eye(F)] + [x0 - step * e for e in np.eye(F)])
    psi = states(circuit, rows.reshape(2 * F, F), weights)
    jac = (psi[:F] - psi[F:]).T / (2 * step)
    singular = np.linalg.svd(np.vstack([jac.real, jac.imag]), compute_uv=False)
    return int(np.sum(singular > 1e-6 * singular[0]))


@pytest.mark.parametrize("n_qubits, n_features, layers, reuploading", [
    (3, 7, 2, False),   # one block, 2n + 1 features: every direction survives from |000>
    (2, 5, 1, False),
    (3, 10, 3, True),   # two blocks over three re-uploading layers
    (2, 6, 2, True),    # three per wire, repeated after a trainable layer
])
def test_every_feature_moves_the_state_its_own_way(n_qubits, n_features, layers, reuploading):
    rng = np.random.default_rng(16)
    circuit = build_model_circuit(n_qubits, n_features, layers=layers, reuploading=reuploading)
    weights = init_weights(circuit.n_weights, seed=3)
    for _ in range(3):
        x0 = rng.uniform(0, np.pi, n_features)
        assert jacobian_rank(circuit, x0, weights) == n_features
        swapped = x0.copy()
        swapped[[0, n_features - 1]] = swapped[[n_features - 1, 0]]
        a, b = states(circuit, np.stack([x0, swapped]), weights)
        assert abs(np.vdot(a, b)) < 1 - 1e-6


def test_the_old_wrap_round_summed_features_away():
    """The reason for the change: RY(x0) RY(x2) on one wire is RY(x0 + x2)."""
    old = Circuit(2).add("ry", 0, x(0)).add("ry", 1, x(1)).add("ry", 0, x(2))
    x0 = np.array([0.3, 1.1, 0.9])
    assert jacobian_rank(old, x0, np.zeros(0)) == 2
    assert jacobian_rank(angle_encoding(Circuit(2), n_features=3), x0, np.zeros(0)) == 3
