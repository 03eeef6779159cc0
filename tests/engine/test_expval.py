"""expval(): batches of samples, several Pauli observables, initial states."""

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import Circuit, w, x
from tests.reference.dense import dense_expval
from tests.reference.qiskit_oracle import qiskit_expval
from tests.reference.random_circuits import random_circuit, random_observables, random_states
from tests.reference.structured_circuits import STRUCTURED

ATOL = 1e-10


def _expval(circuit, X, ws, obs, init=None):
    got = qs.expval(circuit, X, ws, observables=obs, initial_state=init)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.float64
    return got


def test_bell_correlations():
    c = Circuit(2).add("h", 0).add("cx", [0, 1])
    got = _expval(c, None, None, ["Z0", "Z1", "Z0 Z1", "X0 X1", "Y0 Y1", "X0", "Y1 Y0"])
    np.testing.assert_allclose(got, [[0, 0, 1, 1, -1, 0, -1]], atol=1e-14)


def test_default_observable_is_z0():
    c = Circuit(2).add("ry", 0, w(0))
    got = qs.expval(c, None, np.array([0.3]))
    np.testing.assert_allclose(got, [[np.cos(0.3)]], atol=1e-14)


@pytest.mark.parametrize("seed", range(10))
def test_random_circuits_batch(seed):
    rng = np.random.default_rng(200 + seed)
    n = 1 + seed % 6
    circuit = random_circuit(rng, n, 35, n_weights=4, n_features=3)
    obs = random_observables(rng, n, 6)
    B = 5
    X, ws = rng.uniform(-2, 2, size=(B, 3)), rng.uniform(-3, 3, size=4)
    got = _expval(circuit, X, ws, obs)
    assert got.shape == (B, len(obs))
    np.testing.assert_allclose(got, dense_expval(circuit, X, ws, obs), atol=ATOL)


@pytest.mark.parametrize("seed", range(4))
def test_per_sample_initial_states(seed):
    rng = np.random.default_rng(300 + seed)
    n = 2 + seed
    circuit = random_circuit(rng, n, 30, n_weights=3, n_features=2)
    obs = random_observables(rng, n, 5)
    B = 4
    X, ws = rng.uniform(-2, 2, size=(B, 2)), rng.uniform(-3, 3, size=3)
    init = random_states(rng, n, B)
    got = _expval(circuit, X, ws, obs, init)
    np.testing.assert_allclose(got, dense_expval(circuit, X, ws, obs, init), atol=ATOL)
    np.testing.assert_allclose(got, qiskit_expval(circuit, X, ws, obs, init), atol=ATOL)


@pytest.mark.parametrize("seed", range(3))
def test_single_initial_state_is_shared_by_the_batch(seed):
    rng = np.random.default_rng(400 + seed)
    n = 3 + seed
    circuit = random_circuit(rng, n, 30, n_weights=3, n_features=2)
    obs = random_observables(rng, n, 4)
    X, ws = rng.uniform(-2, 2, size=(6, 2)), rng.uniform(-3, 3, size=3)
    init = random_states(rng, n)
    got = _expval(circuit, X, ws, obs, init)
    np.testing.assert_allclose(got, dense_expval(circuit, X, ws, obs, init), atol=ATOL)
    tiled = _expval(circuit, X, ws, obs, np.tile(init, (6, 1)))
    np.testing.assert_allclose(got, tiled, atol=1e-13)


@pytest.mark.parametrize(("label", "circuit"), STRUCTURED, ids=[s[0] for s in STRUCTURED])
def test_structured_circuits_batch(label, circuit):
    """Blocks mixing weights and features must be rebuilt for every sample of the batch."""
    rng = np.random.default_rng(17)
    n, B = circuit.n_qubits, 6
    obs = random_observables(rng, n, 5)
    X = rng.uniform(-2, 2, size=(B, circuit.n_features))
    ws = rng.uniform(-2, 2, size=circuit.n_weights)
    np.testing.assert_allclose(_expval(circuit, X, ws, obs), dense_expval(circuit, X, ws, obs),
                               atol=ATOL)
    init = random_states(rng, n, B)
    np.testing.assert_allclose(_expval(circuit, X, ws, obs, init),
                               dense_expval(circuit, X, ws, obs, init), atol=ATOL)


def test_no_features_gives_one_row_or_one_per_initial_state():
    rng = np.random.default_rng(11)
    circuit = random_circuit(rng, 3, 25, n_weights=3, kinds="cw")
    assert circuit.n_features == 0
    ws = rng.normal(size=3)
    obs = ["Z0", "X1 Y2", "Y0 Z1 X2"]
    got = _expval(circuit, None, ws, obs)
    assert got.shape == (1, 3)
    np.testing.assert_allclose(got, dense_expval(circuit, None, ws, obs), atol=ATOL)
    init = random_states(rng, 3, 4)
    got = _expval(circuit, None, ws, obs, init)
    assert got.shape == (4, 3)
    np.testing.assert_allclose(got, dense_expval(circuit, None, ws, obs, init), atol=ATOL)


def test_amplitude_encoding_without_gates():
    rng = np.random.default_rng(12)
    init = random_states(rng, 2, 3)
    obs = ["Z0", "Z1", "X0 X1", "Y0"]
    got = _expval(Circuit(2), None, None, obs, init)
    np.testing.assert_allclose(got, dense_expval(Circuit(2), None, None, obs, init), atol=ATOL)


def test_rows_do_not_leak_into_each_other():
    """Each row equals the same sample run alone (odd batch, larger than the thread count)."""
    rng = np.random.default_rng(13)
    circuit = random_circuit(rng, 4, 40, n_weights=4, n_features=3)
    obs = random_observables(rng, 4, 4)
    B = 37
    X, ws = rng.uniform(-2, 2, size=(B, 3)), rng.normal(size=4)
    init = random_states(rng, 4, B)
    batch = _expval(circuit, X, ws, obs, init)
    for b in (0, 1, 17, 36):
        alone = _expval(circuit, X[b:b + 1], ws, obs, init[b:b + 1])
        np.testing.assert_allclose(batch[b], alone[0], atol=1e-13)
        state = qs.statevector(circuit, x=X[b], weights=ws, initial_state=init[b])
        assert batch[b, 0] == pytest.approx(
            dense_expval(Circuit(4), None, None, obs[:1], state)[0, 0], abs=ATOL)


def test_observable_spelling_does_not_matter():
    rng = np.random.default_rng(14)
    circuit = random_circuit(rng, 3, 20, n_weights=2, n_features=1)
    X, ws = rng.normal(size=(2, 1)), rng.normal(size=2)
    a = _expval(circuit, X, ws, ("X0 Y2", "Z1"))
    b = _expval(circuit, X, ws, ["Y2 X0", "z1"])
    np.testing.assert_allclose(a, b, atol=1e-14)


def test_trailing_permutation_with_every_pauli():
    """A trailing CNOT/SWAP run may be folded into the observable: X/Y must follow it too."""
    c = (Circuit(3).add("u3", 0, w(0), w(1), w(2)).add("ry", 1, x(0)).add("rx", 2, w(1))
         .add("cx", [0, 1]).add("swap", [1, 2]).add("ccx", [0, 2, 1]).add("x", 0)
         .add("cswap", [1, 0, 2]))
    rng = np.random.default_rng(15)
    X, ws = rng.normal(size=(3, 1)), rng.normal(size=3)
    obs = ["Z0", "X0", "Y1", "X2 Y0", "Z0 Z1 Z2", "Y0 Y1 X2"]
    np.testing.assert_allclose(_expval(c, X, ws, obs), dense_expval(c, X, ws, obs), atol=ATOL)


def test_fifteen_qubits_batch_matches_qiskit():
    rng = np.random.default_rng(16)
    n = 15
    c = Circuit(n)
    for q in range(n):
        c = c.add("ry", q, x(q % 2, 1.3, -0.2)).add("rz", q, w(q % 4))
    extra = random_circuit(rng, n, 40, n_weights=4, n_features=2)
    c = Circuit(n, c.operations + extra.operations).add("cx", [14, 0]).add("swap", [3, 9])
    obs = ["Z0", "X3 Y14", "Z7 Z8", "Y5"]
    X, ws = rng.uniform(-2, 2, size=(2, 2)), rng.normal(size=4)
    got = _expval(c, X, ws, obs)
    np.testing.assert_allclose(got, qiskit_expval(c, X, ws, obs), atol=ATOL)
    init = random_states(rng, n, 2)
    got = _expval(c, X, ws, obs, init)
    np.testing.assert_allclose(got, qiskit_expval(c, X, ws, obs, init), atol=ATOL)
