"""statevector() against the dense kron reference and Qiskit's Statevector."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qmlstudio as qs
from qmlstudio.core import Circuit, w, x
from tests.reference.dense import LITERAL_GATES, embed, gate_matrix, simulate
from tests.reference.qiskit_oracle import qiskit_statevector
from tests.reference.random_circuits import ALL_GATES, random_circuit, random_states
from tests.reference.structured_circuits import STRUCTURED

ATOL = 1e-10


def _check(circuit, xs=None, ws=None, init=None, qiskit=True):
    got = qs.statevector(circuit, x=xs, weights=ws, initial_state=init)
    assert got.shape == (2**circuit.n_qubits,)
    assert np.iscomplexobj(got)
    np.testing.assert_allclose(got, simulate(circuit, xs, ws, init), atol=ATOL)
    if qiskit:
        np.testing.assert_allclose(got, qiskit_statevector(circuit, xs, ws, init), atol=ATOL)
    return got


def test_bell_state():
    bell = qs.statevector(qs.Circuit(2).add("h", 0).add("cx", [0, 1]))
    np.testing.assert_allclose(bell, [2**-0.5, 0, 0, 2**-0.5], atol=1e-15)


def test_wire_zero_is_most_significant_bit():
    state = qs.statevector(qs.Circuit(3).add("x", 0))
    np.testing.assert_allclose(np.abs(state), np.eye(8)[0b100], atol=1e-15)
    state = qs.statevector(qs.Circuit(3).add("x", 2))
    np.testing.assert_allclose(np.abs(state), np.eye(8)[0b001], atol=1e-15)


def test_empty_circuit():
    np.testing.assert_allclose(qs.statevector(Circuit(3)), np.eye(8)[0], atol=0)
    init = random_states(np.random.default_rng(1), 3)
    np.testing.assert_allclose(qs.statevector(Circuit(3), initial_state=init), init, atol=1e-15)


def _wire_choices(n_qubits, arity):
    return list(itertools.permutations(range(n_qubits), arity))


@pytest.mark.parametrize("name", ALL_GATES)
def test_every_gate_alone_on_every_wire_choice(name):
    """One gate on a random state, for every ordered choice of its wires in 3 qubits."""
    rng = np.random.default_rng(ALL_GATES.index(name))
    arity, n_params, _ = LITERAL_GATES[name]
    init = random_states(rng, 3)
    params = rng.uniform(-4, 4, size=n_params)
    for wires in _wire_choices(3, arity):
        circuit = Circuit(3).add(name, wires, *params)
        expected = embed(gate_matrix(name, params), wires, 3) @ init
        got = qs.statevector(circuit, initial_state=init)
        np.testing.assert_allclose(got, expected, atol=ATOL, err_msg=f"{name} on {wires}")


@pytest.mark.parametrize("name", [g for g in ALL_GATES if LITERAL_GATES[g][1]])
def test_every_parametric_gate_reads_weights_and_features(name):
    rng = np.random.default_rng(7)
    arity, n_params, _ = LITERAL_GATES[name]
    wires = tuple(range(arity))[::-1]
    feature = x(0, scale=-1.5, offset=0.3)
    circuit = (Circuit(3).add("h", 0).add("h", 1).add("h", 2)
               .add(name, wires, *[w(1), feature, w(0)][:n_params])
               .add(name, wires[::-1], *[feature, w(1), w(0)][:n_params]))
    xs, ws = np.array([0.7]), np.array([0.4, -1.1])
    _check(circuit, xs, ws)
    _check(circuit, xs, ws, random_states(rng, 3))


@pytest.mark.parametrize("seed", range(12))
def test_random_circuits(seed):
    rng = np.random.default_rng(100 + seed)
    n = 1 + seed % 6
    circuit = random_circuit(rng, n, 40, n_weights=5, n_features=3)
    xs, ws = rng.uniform(-2, 2, size=3), rng.uniform(-3, 3, size=5)
    _check(circuit, xs, ws)
    _check(circuit, xs, ws, random_states(rng, n))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), n_ops=st.integers(0, 30),
       kinds=st.sampled_from(["c", "w", "x", "cw", "cwx"]))
def test_random_circuits_hypothesis(seed, n, n_ops, kinds):
    rng = np.random.default_rng(seed)
    circuit = random_circuit(rng, n, n_ops, n_weights=3, n_features=2, kinds=kinds,
                             cover_all=False)
    xs = rng.uniform(-3, 3, size=2) if "x" in kinds else None
    ws = rng.uniform(-3, 3, size=3) if "w" in kinds else None
    _check(circuit, xs, ws, qiskit=False)




@pytest.mark.parametrize(("label", "circuit"), STRUCTURED, ids=[s[0] for s in STRUCTURED])
def test_structured_circuits(label, circuit):
    rng = np.random.default_rng(3)
    xs = rng.uniform(-2, 2, size=circuit.n_features)
    ws = rng.uniform(-2, 2, size=circuit.n_weights)
    _check(circuit, xs, ws)
    _check(circuit, xs, ws, random_states(rng, circuit.n_qubits))


def test_inputs_are_not_modified_and_lists_accepted():
    rng = np.random.default_rng(5)
    circuit = random_circuit(rng, 3, 12, n_weights=2, n_features=2)
    xs, ws, init = rng.normal(size=2), rng.normal(size=2), random_states(rng, 3)
    copies = xs.copy(), ws.copy(), init.copy()
    first = qs.statevector(circuit, x=xs, weights=ws, initial_state=init)
    for a, b in zip((xs, ws, init), copies, strict=True):
        np.testing.assert_array_equal(a, b)
    again = qs.statevector(circuit, x=list(xs), weights=list(ws), initial_state=list(init))
    np.testing.assert_allclose(again, first, atol=1e-14)
    first[:] = 0  # the result is the caller's own array: a new call must not be affected
    np.testing.assert_allclose(qs.statevector(circuit, x=xs, weights=ws, initial_state=init),
                               again, atol=1e-14)


def test_norm_is_preserved_on_a_long_circuit():
    rng = np.random.default_rng(9)
    circuit = random_circuit(rng, 5, 400, n_weights=4, n_features=2)
    state = qs.statevector(circuit, x=rng.normal(size=2), weights=rng.normal(size=4))
    assert np.linalg.norm(state) == pytest.approx(1.0, abs=1e-10)


def _large_circuit(rng, n):
    """Every gate on random wires at n qubits, plus a layered ansatz."""
    c = Circuit(n)
    for q in range(n):
        c = c.add("ry", q, x(q % 3, 0.8, 0.1))
    extra = random_circuit(rng, n, 45, n_weights=6, n_features=3)
    c = Circuit(n, c.operations + extra.operations)
    for q in range(n):
        c = c.add("rz", q, w(q % 6)).add("cx", [q, (q + 1) % n])
    return c


@pytest.mark.parametrize("n", [15, 18])
def test_large_states_match_qiskit(n):
    """Above ~14 qubits the engine parallelises over amplitudes: check that path too.

    18 qubits makes even two-qubit gates split into several amplitude chunks.
    """
    rng = np.random.default_rng(n)
    circuit = _large_circuit(rng, n)
    xs, ws = rng.uniform(-2, 2, size=3), rng.uniform(-2, 2, size=6)
    got = qs.statevector(circuit, x=xs, weights=ws)
    np.testing.assert_allclose(got, qiskit_statevector(circuit, xs, ws), atol=ATOL)
    init = random_states(rng, n)
    got = qs.statevector(circuit, x=xs, weights=ws, initial_state=init)
    np.testing.assert_allclose(got, qiskit_statevector(circuit, xs, ws, init), atol=ATOL)


def test_many_permutation_runs_on_a_large_state():
    """Dozens of separate CNOT/SWAP/Toffoli runs on 18 qubits (more gather tables than a
    program would want to hold), each run broken by a rotation on a wire it touches."""
    rng = np.random.default_rng(40)
    n = 18
    c = Circuit(n)
    for q in range(n):
        c = c.add("h", q)
    for k in range(40):
        a, b, d = (int(v) for v in rng.choice(n, size=3, replace=False))
        c = c.add("cx", [a, b]).add("swap", [b, d]).add("ccx", [d, a, b]).add("cswap", [a, d, b])
        c = c.add("ry", b, w(k % 3)).add("rz", a, x(0, 0.5))
    xs, ws = np.array([0.8]), rng.uniform(-2, 2, size=3)
    got = qs.statevector(c, x=xs, weights=ws)
    np.testing.assert_allclose(got, qiskit_statevector(c, xs, ws), atol=ATOL)
