"""vjp(): adjoint vs parameter-shift vs central finite differences of the dense reference."""

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import Circuit, w, x
from tests.reference.dense import LITERAL_GATES, dense_expval
from tests.reference.qiskit_oracle import qiskit_expval
from tests.reference.random_circuits import random_circuit, random_observables, random_states
from tests.reference.structured_circuits import STRUCTURED

METHODS = ("adjoint", "parameter-shift")
FD_STEP = 1e-6


def fd_vjp(f, ws, cotangent, step=FD_STEP):
    """Σ_{b,j} cot[b,j] ∂f[b,j]/∂w[k] by central differences of ``f(weights) -> (B, K)``."""
    ws = np.asarray(ws, dtype=float)
    out = np.zeros(len(ws))
    for k in range(len(ws)):
        plus, minus = ws.copy(), ws.copy()
        plus[k] += step
        minus[k] -= step
        out[k] = np.sum(cotangent * (f(plus) - f(minus))) / (2 * step)
    return out


def _compare_all(circuit, X, ws, obs, cot, init=None, fd_atol=1e-6):
    """Both methods agree with each other, with FD of the reference, and return exact values."""
    expected_values = dense_expval(circuit, X, ws, obs, init)
    expected = fd_vjp(lambda v: dense_expval(circuit, X, v, obs, init), ws, cot)
    results = {}
    for method in METHODS:
        values, grad = qs.vjp(circuit, X, ws, obs, cot, method=method, initial_state=init)
        assert values.shape == cot.shape
        assert grad.shape == (circuit.n_weights,)
        np.testing.assert_allclose(values, expected_values, atol=1e-10, err_msg=method)
        np.testing.assert_allclose(grad, expected, atol=fd_atol, err_msg=method)
        results[method] = grad
    np.testing.assert_allclose(results["adjoint"], results["parameter-shift"], atol=1e-9)
    return results["adjoint"]


def test_single_rotation_closed_form():
    # <Z> after RY(θ) is cos θ; d/dθ = -sin θ.
    c = Circuit(1).add("ry", 0, w(0))
    for method in METHODS:
        values, grad = qs.vjp(c, None, np.array([0.4]), ["Z0"], np.array([[2.0]]), method=method)
        np.testing.assert_allclose(values, [[np.cos(0.4)]], atol=1e-14)
        np.testing.assert_allclose(grad, [-2 * np.sin(0.4)], atol=1e-12)


def test_default_method_is_adjoint():
    rng = np.random.default_rng(1)
    c = random_circuit(rng, 3, 15, n_weights=3, n_features=2)
    X, ws = rng.normal(size=(2, 2)), rng.normal(size=3)
    cot = rng.normal(size=(2, 2))
    a = qs.vjp(c, X, ws, ["Z0", "X1"], cot)
    b = qs.vjp(c, X, ws, ["Z0", "X1"], cot, method="adjoint")
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("seed", range(8))
def test_random_circuits_shared_weights_affine_features_initial_states(seed):
    rng = np.random.default_rng(500 + seed)
    n = 2 + seed % 4
    # 4 weights over ~40 parameter slots: every weight is shared by several gates.
    circuit = random_circuit(rng, n, 30, n_weights=4, n_features=3)
    obs = random_observables(rng, n, 4)
    B = 3
    X, ws = rng.uniform(-2, 2, size=(B, 3)), rng.uniform(-3, 3, size=4)
    init = random_states(rng, n, B) if seed % 2 == 0 else None
    cot = rng.normal(size=(B, len(obs)))
    _compare_all(circuit, X, ws, obs, cot, init)


@pytest.mark.parametrize("name", [g for g in sorted(LITERAL_GATES) if LITERAL_GATES[g][1]])
def test_every_parametric_gate(name):
    """Each parametric gate with all its parameters trainable (one weight used twice)."""
    rng = np.random.default_rng(LITERAL_GATES[name][1] + len(name))
    arity, n_params, _ = LITERAL_GATES[name]
    c = Circuit(3)
    for q in range(3):
        c = c.add("ry", q, x(q, 0.9, 0.2)).add("rz", q, 0.3 * (q + 1))
    c = c.add("cx", [0, 2])
    wires = (2, 0, 1)[:arity]
    params = [w(0), w(1), w(0)][:n_params]
    c = c.add(name, wires, *params).add(name, wires[::-1], *params[::-1])
    c = c.add("cx", [1, 2]).add("ry", 1, w(0))
    obs = ["Z0", "X1", "Y2", "Z0 X2", "Y0 Y1"]
    X = rng.uniform(-2, 2, size=(2, 3))
    ws = rng.uniform(-3, 3, size=c.n_weights)
    cot = rng.normal(size=(2, len(obs)))
    _compare_all(c, X, ws, obs, cot)


@pytest.mark.parametrize(("label", "circuit"), STRUCTURED, ids=[s[0] for s in STRUCTURED])
@pytest.mark.parametrize("with_init", [False, True])
def test_structured_circuits(label, circuit, with_init):
    rng = np.random.default_rng(18)
    n, B = circuit.n_qubits, 3
    obs = random_observables(rng, n, 4)
    X = rng.uniform(-2, 2, size=(B, circuit.n_features))
    ws = rng.uniform(-2, 2, size=circuit.n_weights)
    init = random_states(rng, n, B) if with_init else None
    _compare_all(circuit, X, ws, obs, rng.normal(size=(B, 4)), init)


def test_controlled_rotations_and_cu3():
    c = (Circuit(3).add("h", 0).add("ry", 1, x(0)).add("rx", 2, 0.4)
         .add("crx", [0, 1], w(0)).add("cry", [1, 2], w(1)).add("crz", [2, 0], w(2))
         .add("cu3", [0, 2], w(3), w(4), w(5)).add("u3", 1, w(5), w(3), w(1))
         .add("cp", [1, 0], w(0)).add("crx", [2, 1], x(1, 0.5, 0.3))
         .add("cu3", [2, 1], w(1), 0.2, w(2)))
    rng = np.random.default_rng(21)
    X = rng.uniform(-2, 2, size=(3, 2))
    ws = rng.uniform(-3, 3, size=6)
    init = random_states(rng, 3, 3)
    obs = ["Z0", "Z1", "X2", "Y0 Z2"]
    cot = rng.normal(size=(3, 4))
    _compare_all(c, X, ws, obs, cot, init)


def test_fused_single_qubit_block_gradients():
    """Many rotations on one wire (fused into one 2x2): one sweep must give every gradient."""
    c = (Circuit(2).add("rx", 0, w(0)).add("ry", 0, w(1)).add("rz", 0, w(0))
         .add("u3", 0, w(2), x(0), w(1)).add("p", 0, w(3)).add("h", 0).add("rx", 0, x(1, 2.0))
         .add("ry", 0, w(3)).add("u2", 0, w(2), 0.5).add("cx", [0, 1]).add("rx", 1, w(1))
         .add("rz", 1, w(0)).add("ry", 1, w(2)))
    rng = np.random.default_rng(22)
    X, ws = rng.normal(size=(2, 2)), rng.normal(size=4)
    obs = ["Z1", "X0", "Y0 Y1"]
    _compare_all(c, X, ws, obs, rng.normal(size=(2, 3)))


@pytest.mark.parametrize("batch", [1, 11])
def test_blocks_that_encode_then_rotate_are_split_into_sample_and_weight_parts(batch):
    """A block whose first factors read features and the rest weights (``U = W · X``) is
    computed as a constant W times each sample's X (engine/block_matrices.py); blocks of other
    forms are not. Every form, on one and two wires, leading and later in the circuit."""
    c = (Circuit(3)
         .add("ry", 0, x(0)).add("rz", 0, w(0)).add("ry", 0, w(1))       # X then W: split
         .add("rx", 1, x(1)).add("rz", 1, x(2)).add("ry", 1, w(2))       # two X factors
         .add("rz", 2, w(3)).add("ry", 2, x(0)).add("rz", 2, w(4))       # W X W: not split
         .add("cx", [0, 1]).add("cx", [1, 2])
         .add("rzz", [0, 1], x(1)).add("crz", [0, 1], w(5))              # two wires, split
         .add("rx", 2, x(2)).add("ry", 2, w(0)).add("rz", 2, x(0, 0.5))  # X W X: not split
         .add("ry", 1, w(6) * x(1)).add("rz", 1, w(1)))                  # w·x: not split
    rng = np.random.default_rng(5)
    X, ws = rng.normal(size=(batch, 3)), rng.normal(size=7)
    _compare_all(c, X, ws, ["Z0", "Z1 Z2", "X2"], rng.normal(size=(batch, 3)))


def test_unused_weights_get_zero_gradient():
    c = Circuit(2).add("ry", 0, w(0)).add("cx", [0, 1]).add("rx", 1, w(3))
    assert c.n_weights == 4
    rng = np.random.default_rng(23)
    ws, cot = rng.normal(size=4), rng.normal(size=(1, 2))
    grad = _compare_all(c, None, ws, ["Z1", "Y1"], cot)
    assert grad[1] == 0.0 and grad[2] == 0.0


def test_no_weights_gives_empty_gradient():
    c = Circuit(2).add("ry", 0, x(0)).add("cx", [0, 1])
    X = np.array([[0.3], [1.2]])
    for method in METHODS:
        values, grad = qs.vjp(c, X, None, ["Z1"], np.ones((2, 1)), method=method)
        assert grad.shape == (0,)
        np.testing.assert_allclose(values[:, 0], np.cos(X[:, 0]), atol=1e-14)


def test_gradient_is_linear_in_the_cotangent():
    rng = np.random.default_rng(24)
    c = random_circuit(rng, 3, 20, n_weights=3, n_features=2)
    X, ws = rng.normal(size=(4, 2)), rng.normal(size=3)
    obs = ["Z0", "X2"]
    c1, c2 = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    g1 = qs.vjp(c, X, ws, obs, c1)[1]
    g2 = qs.vjp(c, X, ws, obs, c2)[1]
    g12 = qs.vjp(c, X, ws, obs, c1 - 3 * c2)[1]
    np.testing.assert_allclose(g12, g1 - 3 * g2, atol=1e-11)


def test_batch_gradient_is_sum_of_sample_gradients():
    rng = np.random.default_rng(25)
    c = random_circuit(rng, 4, 30, n_weights=5, n_features=3)
    B = 19
    X, ws = rng.normal(size=(B, 3)), rng.normal(size=5)
    init = random_states(rng, 4, B)
    obs = ["Z0", "X1 X2"]
    cot = rng.normal(size=(B, 2))
    total = qs.vjp(c, X, ws, obs, cot, initial_state=init)[1]
    parts = sum(qs.vjp(c, X[b:b + 1], ws, obs, cot[b:b + 1], initial_state=init[b:b + 1])[1]
                for b in range(B))
    np.testing.assert_allclose(total, parts, atol=1e-11)


@pytest.mark.parametrize("n", [15, 18])
def test_large_states_adjoint_vs_finite_differences(n):
    """The amplitude-parallel path (n > ~14): values vs Qiskit, gradient vs FD of expval."""
    rng = np.random.default_rng(26)
    c = Circuit(n)
    for q in range(n):
        c = c.add("ry", q, x(q % 2, 0.7, 0.1))
    for q in range(n):
        c = c.add("rz", q, w(q % 3)).add("cx", [q, (q + 1) % n])
    c = (c.add("crx", [3, 11], w(3)).add("cu3", [n - 1, 0], w(4), w(0), 0.2)
         .add("rzz", [2, 9], w(5)).add("u3", 7, w(1), w(4), w(5))
         .add("ryy", [0, n - 1], w(2)).add("cp", [5, 6], w(3)).add("h", 10)
         .add("cry", [10, 4], w(1)))
    obs = ["Z0", "X7 Y3", f"Z{n - 1}"]
    X = rng.uniform(-2, 2, size=(2, 2))
    ws = rng.uniform(-2, 2, size=6)
    init = random_states(rng, n, 2)
    cot = rng.normal(size=(2, 3))
    values, grad = qs.vjp(c, X, ws, obs, cot, initial_state=init)
    np.testing.assert_allclose(values, qiskit_expval(c, X, ws, obs, init), atol=1e-10)

    def f(v):
        return qs.expval(c, X, v, observables=obs, initial_state=init)

    np.testing.assert_allclose(grad, fd_vjp(f, ws, cot, step=1e-5), atol=1e-6)
    ps_values, ps_grad = qs.vjp(c, X, ws, obs, cot, method="parameter-shift",
                                initial_state=init)
    np.testing.assert_allclose(ps_values, values, atol=1e-10)
    np.testing.assert_allclose(ps_grad, grad, atol=1e-9)


def test_interrupt_stops_parameter_shift_between_evaluations_and_adjoint_ignores_it():
    c = Circuit(2).add("ry", 0, w(0)).add("cx", [0, 1]).add("rx", 1, w(1)).add("rz", 0, w(2))
    X, ws, cot = np.zeros((3, 0)), np.array([0.1, 0.2, 0.3]), np.ones((3, 1))
    polls = []

    def interrupt() -> bool:
        polls.append(1)
        return len(polls) > 2  # let two shifted evaluations run, then stop

    with pytest.raises(qs.Interrupted, match="stopped after 1 of 3"):
        qs.vjp(c, X, ws, ["Z1"], cot, method="parameter-shift", interrupt=interrupt)
    assert len(polls) == 3
    _, grad = qs.vjp(c, X, ws, ["Z1"], cot, interrupt=lambda: True)  # adjoint: one call
    expected = qs.vjp(c, X, ws, ["Z1"], cot)
    np.testing.assert_array_equal(grad, expected[1])
    with pytest.raises(qs.CircuitError, match="interrupt must be a function"):
        qs.vjp(c, X, ws, ["Z1"], cot, interrupt=True)


@pytest.mark.parametrize("n, batch, with_init", [(4, 11, False), (4, 11, True), (15, 1, False),
                                                 (15, 3, False), (15, 3, True)])
def test_cotangent_function_equals_the_fixed_cotangent(n, batch, with_init):
    """A cotangent function gets the exact values and gives the gradient of the fixed
    cotangent it returns, on both drivers: the batch driver's two passes (a batch that does
    not fill its last chunk of lanes) and the large driver's backward sweeps in reverse sample
    order (one sample: nothing kept; several: the earlier samples' states reloaded)."""
    rng = np.random.default_rng(27)
    c = Circuit(n)
    for q in range(n):
        c = c.add("ry", q, w(q % 3) * x(q % 2) + w(3))  # weight × feature: per-sample derivative
    for q in range(n):
        c = c.add("rz", q, w(q % 2)).add("cx", [q, (q + 1) % n])
    c = c.add("crx", [1, n - 1], w(2)).add("rx", 2, x(0))
    obs = ["Z0", f"X1 Z{n - 1}"]
    X, ws = rng.uniform(-2, 2, size=(batch, 2)), rng.normal(size=4)
    init = random_states(rng, n, batch) if with_init else None
    targets = rng.normal(size=(batch, 2))
    seen = []

    def loss_gradient(values):
        seen.append(values.copy())
        return np.sin(values) * targets

    values, grad = qs.vjp(c, X, ws, obs, loss_gradient, initial_state=init)
    expected_values = qs.expval(c, X, ws, obs, initial_state=init)
    np.testing.assert_allclose(seen[0], expected_values, atol=1e-13)
    np.testing.assert_allclose(values, expected_values, atol=1e-13)
    cot = np.sin(expected_values) * targets
    fixed_grad = qs.vjp(c, X, ws, obs, cot, initial_state=init)[1]
    np.testing.assert_allclose(grad, fixed_grad, atol=1e-12)
    if n > 4:  # the reversed large-state sweep against finite differences (as above)
        def f(v):
            return qs.expval(c, X, v, obs, initial_state=init)

        np.testing.assert_allclose(grad, fd_vjp(f, ws, cot, step=1e-5), atol=1e-6)


@pytest.mark.parametrize("batch", [1, 11])
def test_layered_ansatz_every_backward_path(batch):
    """A rotation ansatz with CNOT rings on 9 qubits: with 11 samples a full chunk of 8 lanes
    (the 8-lane gather, several backward tiles per block) and a partial one; with one sample
    a single lane, where the lowest wires take the one-sweep backward of short runs."""
    n = 9
    rng = np.random.default_rng(31)
    c = Circuit(n)
    for q in range(n):
        c = c.add("ry", q, x(q % 3))
    for layer in range(2):
        for q in range(n):
            c = c.add("rz", q, w((q + layer) % 4)).add("ry", q, w(4 + q % 2))
        for q in range(n):
            c = c.add("cx", [q, (q + 1) % n])
        c = c.add("h", 2 * layer)  # the second ring stays in the program (not a folded tail)
    X = rng.uniform(-2, 2, size=(batch, 3))
    ws = rng.uniform(-2, 2, size=6)
    cot = rng.normal(size=(batch, 2))
    obs = ["Z0", "X3 Y5"]
    values, grad = qs.vjp(c, X, ws, obs, cot)
    # Qiskit for the values; the parameter-shift rule (forward sweeps only) for the gradient:
    # a dense finite-difference reference takes minutes on 9 qubits.
    np.testing.assert_allclose(values, qiskit_expval(c, X, ws, obs), atol=1e-10)
    ps_grad = qs.vjp(c, X, ws, obs, cot, method="parameter-shift")[1]
    np.testing.assert_allclose(grad, ps_grad, atol=1e-9)
