"""Expr angles in the engine: values and exact gradients (adjoint and parameter-shift) against
finite differences of the dense reference, against the plain kinds they reduce to, and on
the large-state driver."""

import math

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import GATES, Circuit, Expr, Feature, Term, Weight, w, x
from qmlstudio.engine import compile_program
from tests.engine.test_gradients import METHODS, _compare_all, fd_vjp
from tests.reference.dense import dense_expval
from tests.reference.random_circuits import random_circuit, random_observables, random_states


def test_every_gate_factor_is_a_one_parameter_group():
    # The compiler splits an Expr angle into one factor per term: exact only if
    # F(a) F(b) = F(a + b) for every parameterised factor of the library.
    rng = np.random.default_rng(0)
    for spec in GATES.values():
        for factor in spec.factors:
            if factor.param is None:
                continue
            a, b = rng.uniform(-3, 3, size=2)
            np.testing.assert_allclose(factor.matrix(a) @ factor.matrix(b),
                                       factor.matrix(a + b), atol=1e-12, err_msg=spec.name)


@pytest.mark.parametrize("seed", range(4))
def test_random_expression_circuits_match_the_reference(seed):
    rng = np.random.default_rng(seed)
    c = random_circuit(rng, 3, 14, n_weights=4, n_features=3, kinds="cwxe")
    assert any(isinstance(p, Expr) for op in c.operations for p in op.params)
    X, ws = rng.normal(size=(5, 3)), rng.normal(size=4)
    obs = random_observables(rng, 3, 3)
    _compare_all(c, X, ws, obs, rng.normal(size=(5, 3)))


def test_expressions_with_an_initial_state():
    rng = np.random.default_rng(7)
    c = random_circuit(rng, 3, 10, n_weights=3, n_features=2, kinds="e")
    X, ws = rng.normal(size=(4, 2)), rng.normal(size=3)
    _compare_all(c, X, ws, ["Z0", "X2"], rng.normal(size=(4, 2)),
                 init=random_states(rng, 3, 4))


def test_reuploading_and_havlicek_angles_by_name():
    # The two forms the issue asks for, on a controlled and a two-qubit diagonal gate too.
    c = (Circuit(2)
         .add("ry", 0, w(0) * x(0) + w(1)).add("ry", 1, w(2) * x(1) + w(3))
         .add("rzz", [0, 1], (math.pi - x(0)) * (math.pi - x(1)))
         .add("crx", [1, 0], w(4) * x(0) * x(1) - 0.5)
         .add("u3", 1, w(0) * x(1), 0.3, 2 * w(2) - x(0)))
    rng = np.random.default_rng(3)
    X, ws = rng.uniform(-1, 1, size=(6, 2)), rng.normal(size=5)
    _compare_all(c, X, ws, ["Z0", "Y1", "X0 X1"], rng.normal(size=(6, 3)))


@pytest.mark.parametrize(("expr", "plain"), [
    (w(1) * x(2), Weight(1)),  # x2 = 1
    (x(0) * x(2, 0.5, 0.5), Feature(0)),
    (x(2) * (math.pi - x(0)) - math.pi, Feature(0, -1.0, 0.0)),
    (w(1) * x(2) * x(2) + 0.5 * x(0) * x(2), Expr(0.0, (Term(1.0, (Weight(1),)),
                                                       Term(1.0, (Feature(0, 0.5),))))),
])
def test_expressions_equal_to_plain_kinds_give_the_same_numbers(expr, plain):
    # With x2 fixed at 1 each expression has the same angle as the plainer parameter: both
    # paths of the compiler (angle-table columns and plain factors) must give the same numbers.
    def circuit(p):
        return (Circuit(2).add("h", 0).add("crx", [0, 1], p).add("ry", 0, w(0))
                .add("rx", 1, x(1)).add("rz", 0, w(1)).add("rz", 1, x(2, 0.0)))

    rng = np.random.default_rng(5)
    X, ws = rng.normal(size=(9, 3)), rng.normal(size=2)
    X[:, 2] = 1.0
    cot = rng.normal(size=(9, 2))
    for method in METHODS:
        got = qs.vjp(circuit(expr), X, ws, ["Z1", "X0"], cot, method=method)
        want = qs.vjp(circuit(plain), X, ws, ["Z1", "X0"], cot, method=method)
        np.testing.assert_allclose(got[0], want[0], atol=1e-13)
        np.testing.assert_allclose(got[1], want[1], atol=1e-12)


def test_plain_circuits_compile_without_an_angle_table():
    c = Circuit(2).add("ry", 0, x(0, 2.0, 0.1)).add("rz", 1, w(0))
    X = np.ones((3, 1))
    assert compile_program(c).angle_table(X) is X
    e = Circuit(2).add("ry", 0, w(0) * x(0)).add("rz", 1, x(0) * x(1)).add("rx", 0, w(1) * x(1))
    program = compile_program(e)
    assert program.products == ((Feature(0), Feature(1)),)  # x0·x1; w·x_j reads column j
    X = np.array([[2.0, 3.0]])
    np.testing.assert_array_equal(program.angle_table(X), [[2.0, 3.0, 6.0]])


def test_large_state_driver():
    # More than SAMPLE_PARALLEL_MAX_QUBITS qubits: the amplitude-chunked driver.
    n = 15
    c = Circuit(n)
    for q in range(n):
        c = c.add("ry", q, w(q % 3) * x(q % 2) + w(3))
    for q in range(n - 1):
        c = c.add("cx", [q, q + 1])
    c = c.add("rzz", [0, n - 1], (math.pi - x(0)) * (math.pi - x(1))).add("rx", 3, w(2) * x(0))
    rng = np.random.default_rng(2)
    X, ws = rng.uniform(-1, 1, size=(2, 2)), rng.normal(size=4)
    cot = rng.normal(size=(2, 2))
    obs = ["Z0", "X3 Z14"]
    expected = fd_vjp(lambda v: qs.expval(c, X, v, obs), ws, cot)
    for method in METHODS:
        _, grad = qs.vjp(c, X, ws, obs, cot, method=method)
        np.testing.assert_allclose(grad, expected, atol=1e-6, err_msg=method)


def test_shots_with_expressions():
    c = Circuit(1).add("ry", 0, w(0) * x(0) + w(1))
    X, ws = np.array([[0.5], [-1.0]]), np.array([0.8, 0.3])
    exact = dense_expval(c, X, ws, ["Z0"])
    sampled = qs.expval(c, X, ws, ["Z0"], shots=200_000, seed=1)
    np.testing.assert_allclose(sampled, exact, atol=0.01)
    cot = np.ones((2, 1))
    _, grad = qs.vjp(c, X, ws, ["Z0"], cot, method="parameter-shift", shots=200_000, seed=1)
    want = fd_vjp(lambda v: dense_expval(c, X, v, ["Z0"]), ws, cot)
    np.testing.assert_allclose(grad, want, atol=0.02)


@pytest.mark.parametrize("n_samples", [1, 3, 8, 11])
def test_diagonal_blocks_reading_features_with_and_without_weights(n_samples):
    # Two-qubit diagonal blocks that read features and no weight (IQP's rzz(x_i·x_j), cp(x)),
    # an asymmetric one (crz: a mistaken order of its two bits shows), one with a weight
    # (rzz(w·x)) and dense feature blocks, run per sample as contiguous runs of amplitudes.
    # 1, 3, 8 and 11 samples: one lane, spare lanes, one full chunk, a full and a part chunk.
    c = (Circuit(4)
         .add("h", 0).add("h", 1).add("h", 2).add("h", 3)
         .add("ry", 0, w(0)).add("cx", [0, 1])
         .add("rzz", [0, 1], x(0) * x(1)).add("cp", [2, 3], x(2))
         .add("rzz", [3, 1], (math.pi - x(3)) * (math.pi - x(0)))
         .add("rx", 2, x(1)).add("rzz", [0, 2], w(1) * x(2))
         .add("crz", [3, 2], x(3)).add("ry", 1, w(2)).add("rz", 3, w(3))
         .add("cx", [1, 2]).add("ry", 3, w(4)))
    rng = np.random.default_rng(n_samples)
    X, ws = rng.uniform(-1, 2, size=(n_samples, 4)), rng.normal(size=5)
    _compare_all(c, X, ws, ["Z0", "X1 Y3", "Z2"], rng.normal(size=(n_samples, 3)))


def test_a_feature_product_that_overflows_is_one_clear_error():
    # Finite features whose product is not (a model file's preprocessing gone wild): the
    # engine names the product and the sample instead of computing with inf.
    c = Circuit(2).add("rzz", [0, 1], (math.pi - x(0)) * (math.pi - x(1)))
    X = np.array([[0.1, 0.2], [1e200, -1e200]])
    with pytest.raises(qs.CircuitError, match=r"x0 · x1 .* sample 1"):
        qs.expval(c, X, None, ["Z0"])
