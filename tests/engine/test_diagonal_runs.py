"""Runs of sample-dependent two-qubit diagonals applied as one diagonal per sample
(``engine/diagonal_runs.py``) and the block order that forms them (``engine/block_order.py``):
values and exact gradients against the dense reference and its finite differences."""

import itertools

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import Circuit, w, x
from qmlstudio.engine import compile_program
from qmlstudio.engine.block_order import diagonal_run_order
from qmlstudio.engine.diagonal_runs import MIN_RUN
from qmlstudio.engine.program import DIAG2, PERM, SWAPS
from qmlstudio.ml.models.encodings import iqp_encoding, zz_feature_map
from tests.engine.test_gradients import _compare_all
from tests.reference.dense import dense_expval, simulate
from tests.reference.random_circuits import random_circuit, random_observables, random_states

DIAGONAL_GATES = ("rzz", "cp", "crz", "cz")


def _longest_free_diagonal_run(circuit: Circuit) -> int:
    """The longest run of consecutive feature-reading two-qubit diagonal blocks."""
    arrays = compile_program(circuit).arrays
    free = (arrays.op_kind == DIAG2) & (arrays.op_fslot >= 0)
    return max((len(list(g)) for k, g in itertools.groupby(free) if k), default=0)


def _iqp_model(n: int) -> Circuit:
    """The IQP preset's shape: two repetitions of the encoding, then a trained layer."""
    circuit = iqp_encoding(Circuit(n), reps=2)
    for q in range(n):
        circuit = circuit.add("u3", q, w(3 * q), w(3 * q + 1), w(3 * q + 2))
    for q in range(n):
        circuit = circuit.add("cx", [q, (q + 1) % n])
    return circuit


@pytest.mark.parametrize(("n", "batch"), [(4, 3), (5, 1), (5, 6), (6, 17), (7, 3)])
def test_iqp_models_match_the_reference(n, batch):
    circuit = _iqp_model(n)
    # every pair of wires in one run per repetition: high-high, low-low and cross pairs
    assert _longest_free_diagonal_run(circuit) == n * (n - 1) // 2 >= MIN_RUN
    rng = np.random.default_rng(n + batch)
    X, ws = rng.uniform(0, np.pi, size=(batch, n)), rng.normal(size=circuit.n_weights)
    obs = ["Z0 Z1", "X2", f"Y{n - 1}"]
    cot = rng.normal(size=(batch, len(obs)))
    grad = _compare_all(circuit, X, ws, obs, cot)
    # training's path: a cotangent function, the set-up and final states kept between passes
    values, grad_function = qs.vjp(circuit, X, ws, obs, lambda v: cot)
    np.testing.assert_allclose(grad_function, grad, atol=1e-12)
    np.testing.assert_allclose(values, dense_expval(circuit, X, ws, obs), atol=1e-10)


def test_runs_with_initial_states_match_the_reference():
    # No product state: the encoding's one-wire blocks are sample blocks before the run.
    n, batch = 5, 6
    circuit = _iqp_model(n)
    rng = np.random.default_rng(21)
    X, ws = rng.uniform(0, np.pi, size=(batch, n)), rng.normal(size=circuit.n_weights)
    _compare_all(circuit, X, ws, ["Z0 Z3", "X4"], rng.normal(size=(batch, 2)),
                 init=random_states(rng, n, batch))


def test_a_three_qubit_run_of_high_and_cross_pairs():
    # n = 3: one low wire, so the run's pairs are high-high or cross, none low-low
    circuit = Circuit(3)
    for q in range(3):
        circuit = circuit.add("h", q)
    for _ in range(2):
        for a, b in itertools.combinations(range(3), 2):
            circuit = circuit.add("rzz", [a, b], x(a) * x(b))
    for q in range(3):
        circuit = circuit.add("ry", q, w(q))
    assert _longest_free_diagonal_run(circuit) == 6
    rng = np.random.default_rng(5)
    X, ws = rng.uniform(0, np.pi, size=(4, 3)), rng.normal(size=3)
    _compare_all(circuit, X, ws, ["Z0", "Y1 X2"], rng.normal(size=(4, 2)))


@pytest.mark.parametrize("seed", range(6))
def test_random_diagonal_heavy_circuits_match_the_reference(seed):
    # Feature, expression, weight and constant angles on every diagonal kind, so runs start,
    # end and are cut by weighted or constant diagonals and by one-wire gates at random.
    rng = np.random.default_rng(seed)
    n = 5 + seed % 2
    circuit = random_circuit(rng, n, 48, gates=(*DIAGONAL_GATES, "h", "ry", "cx"),
                             n_weights=4, n_features=3, kinds="xxxecw")
    X, ws = rng.uniform(-2, 2, size=(7, 3)), rng.normal(size=4)
    obs = random_observables(rng, n, 3)
    _compare_all(circuit, X, ws, obs, rng.normal(size=(7, 3)))


def test_a_weighted_diagonal_inside_a_run_keeps_its_gradient():
    n = 5
    circuit = Circuit(n)
    for q in range(n):
        circuit = circuit.add("h", q)
    pairs = list(itertools.combinations(range(n), 2))
    for k, (a, b) in enumerate(pairs):
        circuit = circuit.add("rzz", [b, a], x(a) * x(b))  # wires given high-first too
        if k == 4:
            circuit = circuit.add("crz", [a, b], w(0) * x(a) + w(1))
    circuit = circuit.add("ry", 0, w(2))
    rng = np.random.default_rng(11)
    X, ws = rng.uniform(0, np.pi, size=(9, n)), rng.normal(size=3)
    _compare_all(circuit, X, ws, ["Z0", "X1 X3"], rng.normal(size=(9, 2)))


def _must_follow(wires, diagonal):
    """Pairs (a, b), a < b, whose order the circuit fixes: sharing a wire, not both diagonal."""
    return [(a, b) for a, b in itertools.combinations(range(len(wires)), 2)
            if set(wires[a]) & set(wires[b]) and not (diagonal[a] and diagonal[b])]


@pytest.mark.parametrize("seed", range(20))
def test_the_order_keeps_every_fixed_pair_and_circuit_order_without_diagonals(seed):
    rng = np.random.default_rng(seed)
    wires, diagonal = [], []
    for _ in range(int(rng.integers(1, 40))):
        arity = int(rng.integers(1, 4))
        wires.append(tuple(int(q) for q in rng.choice(5, size=arity, replace=False)))
        diagonal.append(arity == 2 and bool(rng.random() < 0.6))
    order = diagonal_run_order(wires, diagonal)
    assert sorted(order) == list(range(len(wires)))
    position = {block: k for k, block in enumerate(order)}
    for a, b in _must_follow(wires, diagonal):
        assert position[a] < position[b]
    if not any(diagonal):
        assert order == list(range(len(wires)))


def test_the_iqp_order_gathers_each_repetition():
    n = 4
    pairs = list(itertools.combinations(range(n), 2))
    wires, diagonal = [], []
    for _ in range(2):  # as the compiler emits them: a wire's one-wire block when first needed
        seen = set()
        for a, b in pairs:
            for q in (a, b):
                if q not in seen:
                    seen.add(q)
                    wires.append((q,))
                    diagonal.append(False)
            wires.append((a, b))
            diagonal.append(True)
    kinds = "".join("d" if diagonal[b] else "1" for b in diagonal_run_order(wires, diagonal))
    assert kinds == "1111" + "d" * 6 + "1111" + "d" * 6


@pytest.mark.parametrize(("entanglement", "batch"), [("full", 5), ("circular", 11)])
def test_zz_feature_map_pairs_become_one_diagonal_run(entanglement, batch):
    # Qiskit's CX · RZ · CX pair terms compile to RZZ blocks (one run per repetition), and
    # values and gradients still match the reference, which simulates the CX gates.
    n = 5
    circuit = zz_feature_map(Circuit(n), entanglement=entanglement)
    for q in range(n):
        circuit = circuit.add("ry", q, w(q))
    arrays = compile_program(circuit).arrays
    assert PERM not in arrays.op_kind and SWAPS not in arrays.op_kind
    pairs = n * (n - 1) // 2 if entanglement == "full" else n
    assert _longest_free_diagonal_run(circuit) == pairs
    rng = np.random.default_rng(batch)
    X, ws = rng.uniform(0, np.pi, size=(batch, n)), rng.normal(size=n)
    _compare_all(circuit, X, ws, ["Z0 Z4", "X1", "Y2 Z3"], rng.normal(size=(batch, 3)))


def test_only_a_matching_cx_rz_cx_becomes_a_zz_rotation():
    # Wrong target, other control or a gate between: the gates stay as they are.
    for ops in ([("cx", [0, 1]), ("rz", 0), ("cx", [0, 1])],
                [("cx", [0, 1]), ("rz", 1), ("cx", [2, 1])],
                [("cx", [0, 1]), ("rz", 1), ("h", 2), ("cx", [0, 1])]):
        circuit = Circuit(3)
        for gate, wires in ops:
            circuit = circuit.add(gate, wires, x(0)) if gate == "rz" else circuit.add(gate, wires)
        assert DIAG2 not in compile_program(circuit).arrays.op_kind
        X = np.random.default_rng(0).uniform(0, np.pi, size=(3, 1))
        _compare_all(circuit, X, np.zeros(0), ["Z1", "X0 Y2"], np.ones((3, 2)))


def test_a_trained_zz_rotation_keeps_its_gradient():
    # CX · RZ(w·x + w) · CX becomes an RZZ with weights: not a free diagonal, its gradient
    # taken block by block
    circuit = (Circuit(3).add("h", 0).add("h", 1).add("h", 2)
               .add("cx", [0, 2]).add("rz", 2, w(0) * x(0) + w(1)).add("cx", [0, 2])
               .add("ry", 1, w(2)))
    assert DIAG2 in compile_program(circuit).arrays.op_kind
    rng = np.random.default_rng(8)
    X, ws = rng.uniform(0, np.pi, size=(5, 1)), rng.normal(size=3)
    _compare_all(circuit, X, ws, ["Z0 Z2", "X1"], rng.normal(size=(5, 2)))


def test_the_zz_feature_map_state_matches_the_reference():
    # The final state (no tail folded): the rewrite is exact, global phase included.
    n = 4
    circuit = zz_feature_map(Circuit(n))
    sample = np.random.default_rng(2).uniform(0, np.pi, size=n)
    np.testing.assert_allclose(qs.statevector(circuit, sample, np.zeros(0)),
                               simulate(circuit, sample, np.zeros(0)), atol=1e-12)
