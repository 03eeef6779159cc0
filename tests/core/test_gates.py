"""Every gate of the library against literal matrices, Qiskit, and its own derivative data."""

import numpy as np
import pytest
from qiskit.quantum_info import Operator

from qmlstudio.core import GATES, CircuitError, gate_spec
from tests.reference.dense import LITERAL_GATES, gate_matrix
from tests.reference.qiskit_oracle import qiskit_gate, qiskit_gate_matrix

REQUIRED = sorted(LITERAL_GATES)  # every gate the issue lists, plus u2
PARAMETRIC = [g for g in REQUIRED if LITERAL_GATES[g][1]]


def _angles(name, seed):
    rng = np.random.default_rng(seed)
    return tuple(rng.uniform(-2 * np.pi, 2 * np.pi, size=LITERAL_GATES[name][1]))


def test_library_has_every_required_gate():
    missing = [g for g in REQUIRED if g not in GATES]
    assert not missing


@pytest.mark.parametrize(("alias", "canonical"),
                         [("u", "u3"), ("cnot", "cx"), ("u1", "p"), ("cu1", "cp")])
def test_aliases_resolve_to_canonical_spec(alias, canonical):
    assert gate_spec(alias) is gate_spec(canonical)
    assert gate_spec(alias).name == canonical


def test_unknown_gate_is_a_circuit_error():
    with pytest.raises(CircuitError, match="unknown gate"):
        gate_spec("frobnicate")


def test_wrong_number_of_matrix_params_is_a_circuit_error():
    with pytest.raises(CircuitError, match="parameter"):
        gate_spec("rx").matrix(())
    with pytest.raises(CircuitError, match="parameter"):
        gate_spec("u3").matrix((0.1, 0.2))


@pytest.mark.parametrize("name", REQUIRED)
def test_arity_matches_literal(name):
    spec = gate_spec(name)
    n_wires, n_params, _ = LITERAL_GATES[name]
    assert (spec.n_wires, spec.n_params) == (n_wires, n_params)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", REQUIRED)
def test_matrix_matches_literal_and_qiskit(name, seed):
    params = _angles(name, seed)
    got = gate_spec(name).matrix(params)
    assert got.shape == (2 ** LITERAL_GATES[name][0],) * 2
    np.testing.assert_allclose(got, gate_matrix(name, params), atol=1e-12)
    np.testing.assert_allclose(got, qiskit_gate_matrix(name, params), atol=1e-12)
    # The same conversion done the other way: Qiskit's own reverse_qargs.
    reversed_op = Operator(qiskit_gate(name, params)).reverse_qargs().data
    np.testing.assert_allclose(got, reversed_op, atol=1e-12)


@pytest.mark.parametrize("name", [g for g in PARAMETRIC if g != "u2"])
def test_zero_angles_give_identity(name):
    """Rotations, phases and u3/cu3 (no global phase, as Qiskit's U3) are I at angle 0."""
    params = (0.0,) * LITERAL_GATES[name][1]
    np.testing.assert_allclose(gate_spec(name).matrix(params),
                               np.eye(2 ** LITERAL_GATES[name][0]), atol=1e-15)


@pytest.mark.parametrize("name", REQUIRED)
def test_matrix_is_unitary(name):
    u = gate_spec(name).matrix(_angles(name, 7))
    np.testing.assert_allclose(u.conj().T @ u, np.eye(u.shape[0]), atol=1e-12)


@pytest.mark.parametrize("name", REQUIRED)
def test_diagonal_and_permutation_flags(name):
    spec = gate_spec(name)
    mats = [gate_matrix(name, _angles(name, s)) for s in range(3)]
    diagonal = all(np.allclose(m, np.diag(np.diag(m))) for m in mats)
    assert spec.is_diagonal == diagonal
    m = mats[0]
    permutation = LITERAL_GATES[name][1] == 0 and bool(np.all((m == 0) | (m == 1)))
    assert spec.is_permutation == permutation


@pytest.mark.parametrize("name", PARAMETRIC)
def test_derivative_matches_finite_differences(name):
    spec = gate_spec(name)
    params = np.array(_angles(name, 11))
    h = 1e-6
    for j in range(len(params)):
        plus, minus = params.copy(), params.copy()
        plus[j] += h
        minus[j] -= h
        fd = (gate_matrix(name, plus) - gate_matrix(name, minus)) / (2 * h)
        np.testing.assert_allclose(spec.derivative(tuple(params), j), fd, atol=1e-8,
                                   err_msg=f"{name} d/dparam{j}")


def _random_expectation(name, seed):
    """f(params) = <psi| U(params)^† O U(params) |psi> for a random state and observable."""
    rng = np.random.default_rng(seed)
    dim = 2 ** LITERAL_GATES[name][0]
    psi = rng.normal(size=dim) + 1j * rng.normal(size=dim)
    psi /= np.linalg.norm(psi)
    a = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    obs = a + a.conj().T

    def f(params):
        phi = gate_matrix(name, params) @ psi
        return float(np.vdot(phi, obs @ phi).real)

    return f


@pytest.mark.parametrize("name", PARAMETRIC)
def test_parameter_shift_rules_give_exact_derivative(name):
    spec = gate_spec(name)
    assert len(spec.shift_rules) == spec.n_params
    f = _random_expectation(name, 3)
    params = np.array(_angles(name, 5))
    h = 1e-6
    for j, rule in enumerate(spec.shift_rules):
        shifted = 0.0
        for coefficient, shift in rule:
            p = params.copy()
            p[j] += shift
            shifted += coefficient * f(p)
        plus, minus = params.copy(), params.copy()
        plus[j] += h
        minus[j] -= h
        fd = (f(plus) - f(minus)) / (2 * h)
        # A two-term rule on a controlled rotation (generator eigenvalues 0, ±1/2) fails here.
        assert shifted == pytest.approx(fd, abs=1e-7), f"{name} param {j}: rule {rule}"
