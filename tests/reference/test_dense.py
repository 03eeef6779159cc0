"""The references agree with each other: dense kron simulator vs Qiskit's Statevector."""

import numpy as np
import pytest
from qiskit.quantum_info import Operator

from qmlstudio.core import Circuit

from .dense import dense_expval, dense_operator, embed, gate_matrix, pauli_operator, simulate
from .qiskit_oracle import qiskit_circuit, qiskit_expval, qiskit_statevector
from .random_circuits import random_circuit, random_observables, random_states


def test_embed_matches_textbook_kron_for_adjacent_wires():
    h, cx = gate_matrix("h"), gate_matrix("cx")
    eye2 = np.eye(2)
    assert np.allclose(embed(h, [0], 3), np.kron(h, np.kron(eye2, eye2)))
    assert np.allclose(embed(h, [2], 3), np.kron(np.kron(eye2, eye2), h))
    assert np.allclose(embed(cx, [1, 2], 3), np.kron(eye2, cx))


def test_embed_reversed_wires_is_conjugation_by_swap():
    cx = gate_matrix("cx")
    swap = gate_matrix("swap")
    assert np.allclose(embed(cx, [1, 0], 2), swap @ cx @ swap)


def test_cx_on_far_wires_flips_target_bit_when_control_set():
    # |wire0=1, wire1=0, wire2=0> = index 0b100 -> cx(0, 2) -> 0b101
    u = embed(gate_matrix("cx"), [0, 2], 3)
    assert u[0b101, 0b100] == 1
    assert u[0b011, 0b011] == 1  # control wire 0 clear: unchanged


def test_pauli_operator_wire_zero_is_leftmost_factor():
    assert np.allclose(pauli_operator("Z0", 2), np.diag([1, 1, -1, -1]))
    assert np.allclose(pauli_operator("Z1", 2), np.diag([1, -1, 1, -1]))


@pytest.mark.parametrize("seed", range(4))
def test_dense_reference_matches_qiskit(seed):
    rng = np.random.default_rng(seed)
    n = 2 + seed
    circuit = random_circuit(rng, n, 20)
    xs, ws = rng.normal(size=3), rng.normal(size=4)
    np.testing.assert_allclose(simulate(circuit, xs, ws), qiskit_statevector(circuit, xs, ws),
                               atol=1e-12)
    np.testing.assert_allclose(dense_operator(circuit, xs, ws),
                               Operator(qiskit_circuit(circuit, xs, ws)).data, atol=1e-12)
    init = random_states(rng, n)
    np.testing.assert_allclose(simulate(circuit, xs, ws, init),
                               qiskit_statevector(circuit, xs, ws, init), atol=1e-12)
    obs = random_observables(rng, n, 5)
    X = rng.normal(size=(2, 3))
    np.testing.assert_allclose(dense_expval(circuit, X, ws, obs),
                               qiskit_expval(circuit, X, ws, obs), atol=1e-12)


def test_trivial_circuit_reference():
    c = Circuit(2).add("h", 0).add("cx", [0, 1])
    bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    np.testing.assert_allclose(simulate(c), bell, atol=1e-15)
    np.testing.assert_allclose(dense_expval(c, None, None, ["Z0 Z1", "X0 X1", "Y0 Y1", "Z0"]),
                               [[1, 1, -1, 0]], atol=1e-15)
