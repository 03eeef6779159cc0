"""Expr angles of many terms: the kernels form one matrix per group of joined terms (their
angles summed) and scale its derivative by each term's chain factor. Values and gradients,
adjoint and parameter-shift, against finite differences of the dense reference; the density
engine against its own finite differences; the large-state driver too."""

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import Circuit, Expr, Feature, Term, Weight, w, x
from qmlstudio.core.noise import NoiseModel
from qmlstudio.engine import compile_program, density_expval, density_vjp, trajectory_vjp
from qmlstudio.ml.models.trained_encodings import linear_angle_layer
from tests.engine.test_gradients import METHODS, _compare_all, fd_vjp


def _linear_sum(n_features: int, first_weight: int, bias: bool = True) -> Expr:
    """``Σ_j w_{k+j} x_j (+ w_{k+n})``: the dressed circuit's input angle."""
    terms = [Term(1.0, (Weight(first_weight + j), Feature(j))) for j in range(n_features)]
    if bias:
        terms.append(Term(1.0, (Weight(first_weight + n_features),)))
    return Expr(0.0, tuple(terms))


def _groups(program, op: int) -> list[int]:
    """Sizes of block ``op``'s groups of joined factors."""
    prog = program.arrays
    sizes: list[int] = []
    for f in range(prog.op_f0[op], prog.op_f1[op]):
        if prog.fac_join[f]:
            sizes[-1] += 1
        else:
            sizes.append(1)
    return sizes


def test_a_dressed_input_angle_is_one_group_per_wire():
    circuit = linear_angle_layer(Circuit(3), 7)
    program = compile_program(circuit)
    # Each wire's block: H, then RY of 7 weighted features and a bias: two matrices.
    assert sorted(_groups(program, op) for op in range(program.n_ops)) == [[1, 8]] * 3


def test_an_angle_reading_features_and_weights_is_one_group():
    angle = Expr(0.4, (Term(1.0, (Feature(0),)), Term(2.0, (Feature(0), Feature(1))),
                       Term(1.0, (Weight(0), Feature(1))), Term(-1.5, (Weight(1),))))
    c = Circuit(1).add("ry", 0, x(1) - w(1)).add("rz", 0, angle).add("rx", 0, w(0))
    program = compile_program(c)
    assert _groups(program, 0) == [2, 5, 1]
    rng = np.random.default_rng(8)
    X, ws = rng.normal(size=(3, 2)), rng.normal(size=2)
    _compare_all(c, X, ws, ["Z0", "Y0"], rng.normal(size=(3, 2)))


@pytest.mark.parametrize("seed", range(3))
def test_long_sums_on_every_kind_of_block_match_the_reference(seed):
    rng = np.random.default_rng(seed)
    n_features = 5
    # Sums of up to 12 terms, a weight used twice in one sum, negative coefficients, products
    # of features, on a one-qubit block with rotations around it, a controlled rotation, a
    # two-qubit diagonal and a u3 (whose three factors are different groups).
    mixed = Expr(-0.3, (Term(0.7, (Weight(0), Feature(2))), Term(-1.2, (Weight(0),)),
                        Term(0.5, (Weight(3), Feature(0), Feature(1))),
                        Term(1.1, (Feature(3),)), Term(-0.4, (Feature(2), Feature(4)))))
    c = (Circuit(3)
         .add("rx", 0, w(1))
         .add("ry", 0, _linear_sum(n_features, 2))
         .add("rz", 0, w(0) * x(1) + w(1) * x(0) - w(2))
         .add("ry", 1, _linear_sum(n_features, 8, bias=False) + 0.25)
         .add("crz", [1, 2], _linear_sum(4, 3))
         .add("rzz", [0, 2], mixed)
         .add("u3", 2, _linear_sum(3, 1), mixed, w(4) * x(4) + w(5) * x(3) + 0.1)
         .add("cx", [2, 0])
         .add("ry", 1, w(0) + w(1) + w(2)))
    X = rng.uniform(-1.5, 1.5, size=(7, n_features))
    ws = rng.normal(size=c.n_weights)
    obs = ["Z0", "X1 Z2", "Y2"]
    _compare_all(c, X, ws, obs, rng.normal(size=(7, 3)))


@pytest.mark.parametrize("block", [
    # the sample part then the weight part (U = W·X), the cut inside the group of x + w
    lambda c: c.add("ry", 0, x(0) + w(0)).add("rx", 0, w(1)),
    # the weight part starting on a group of several weights
    lambda c: c.add("ry", 0, x(0)).add("rz", 0, 0.5 + w(0) - 2 * w(1)).add("rx", 0, w(1)),
    # two-qubit dense blocks
    lambda c: c.add("crx", [1, 0], w(0) * x(1) + w(1) - x(0)).add("rxx", [0, 1], w(1) + w(0)),
])
def test_split_and_two_qubit_blocks_with_joined_terms(block):
    rng = np.random.default_rng(6)
    c = block(Circuit(2).add("h", 0).add("cx", [0, 1])).add("ry", 1, w(0) - x(1))
    X, ws = rng.normal(size=(5, 2)), rng.normal(size=2)
    _compare_all(c, X, ws, ["Z0", "X0 Y1"], rng.normal(size=(5, 2)))


def test_a_cotangent_function_gives_the_gradient_of_its_array():
    # The training path: set-ups (joined groups' derivatives included) kept between passes.
    rng = np.random.default_rng(10)
    c = linear_angle_layer(Circuit(3), 6).add("cx", [0, 2]).add("ry", 2, _linear_sum(3, 0))
    X, ws = rng.normal(size=(9, 6)), rng.normal(size=c.n_weights)
    target = rng.normal(size=(9, 2))
    values, grad = qs.vjp(c, X, ws, ["Z0", "Z2"], lambda v: 2 * (v - target))
    expected = qs.vjp(c, X, ws, ["Z0", "Z2"], 2 * (values - target))
    np.testing.assert_allclose(values, expected[0], atol=1e-14)
    np.testing.assert_allclose(grad, expected[1], atol=1e-12)


def test_long_sums_with_an_initial_state():
    rng = np.random.default_rng(5)
    c = linear_angle_layer(Circuit(2), 6).add("cz", [0, 1]).add("ry", 1, w(0) * x(5) + w(3))
    X, ws = rng.normal(size=(4, 6)), rng.normal(size=c.n_weights)
    states = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    states /= np.linalg.norm(states, axis=1, keepdims=True)
    _compare_all(c, X, ws, ["Z0", "X1"], rng.normal(size=(4, 2)), init=states)


def test_the_density_engine_takes_the_same_groups():
    rng = np.random.default_rng(9)
    c = (linear_angle_layer(Circuit(2), 5).add("cx", [0, 1])
         .add("crx", [1, 0], _linear_sum(3, 0) - x(4)))
    X, ws = rng.uniform(-1, 1, size=(3, 5)), rng.normal(size=c.n_weights)
    obs, cot = ["Z0", "Y1"], rng.normal(size=(3, 2))
    noise = NoiseModel.uniform_depolarizing(0.02)
    _, grad = density_vjp(c, X, ws, obs, noise, cot)
    expected = fd_vjp(lambda v: density_expval(c, X, v, obs, noise), ws, cot)
    np.testing.assert_allclose(grad, expected, atol=1e-7)


def test_trajectories_take_the_same_groups():
    rng = np.random.default_rng(12)
    c = linear_angle_layer(Circuit(2), 4).add("cz", [0, 1]).add("ry", 1, _linear_sum(2, 0))
    X, ws = rng.uniform(-1, 1, size=(2, 4)), rng.normal(size=c.n_weights)
    obs, cot = ["Z0", "X1"], rng.normal(size=(2, 2))
    noise = NoiseModel.uniform_depolarizing(0.05)
    _, exact = density_vjp(c, X, ws, obs, noise, cot)
    est = trajectory_vjp(c, X, ws, obs, noise, cot, trajectories=2000, seed=3)
    assert est.dweights_stderr.any()
    np.testing.assert_array_less(np.abs(est.dweights - exact), 4 * est.dweights_stderr + 1e-12)


def test_the_large_state_driver_takes_the_same_groups():
    n = 15
    c = linear_angle_layer(Circuit(n), 3, wires=[0, 7, 14])
    for q in range(n - 1):
        c = c.add("cx", [q, q + 1])
    c = c.add("rz", 7, _linear_sum(3, 1)).add("crx", [7, 14], x(2) - w(0) + w(3))
    rng = np.random.default_rng(4)
    X, ws = rng.uniform(-1, 1, size=(2, 3)), rng.normal(size=c.n_weights)
    obs, cot = ["Z14", "X7"], rng.normal(size=(2, 2))
    expected = fd_vjp(lambda v: qs.expval(c, X, v, obs), ws, cot)
    for method in METHODS:
        _, grad = qs.vjp(c, X, ws, obs, cot, method=method)
        np.testing.assert_allclose(grad, expected, atol=1e-6, err_msg=method)


def test_a_summed_angle_equals_the_gate_at_that_angle():
    # The sum is the angle: RY(Σ w_j x_j + b) against RY of the number computed here.
    rng = np.random.default_rng(2)
    X, ws = rng.normal(size=(5, 4)), rng.normal(size=5)
    angles = X @ ws[:4] + ws[4]
    values = qs.expval(Circuit(1).add("ry", 0, _linear_sum(4, 0)), X, ws, ["Z0"])
    np.testing.assert_allclose(values[:, 0], np.cos(angles), atol=1e-13)
