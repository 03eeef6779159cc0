"""Bad input raises CircuitError naming the problem: never a numba error or a crash."""

import re
import time

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio import CircuitError, QMLStudioError
from qmlstudio.core import Circuit, w, x
from qmlstudio.engine.memory import memory_breakdown, simulation_bytes
from qmlstudio.engine.simulate import (
    SAMPLE_PARALLEL_MAX_QUBITS,
    states_kept_for_gradients,
)


def _circuit() -> Circuit:
    """2 weights, 2 features, 3 qubits."""
    return (Circuit(3).add("ry", 0, x(0)).add("rx", 1, x(1, 2.0)).add("cx", [0, 2])
            .add("rz", 2, w(0)).add("crx", [2, 1], w(1)))


C = _circuit()
WS = np.array([0.1, 0.2])
X = np.array([[0.3, 0.4], [0.5, 0.6]])
COT = np.ones((2, 1))


def test_error_family():
    assert issubclass(CircuitError, QMLStudioError)
    assert issubclass(QMLStudioError, ValueError)


def test_circuit_construction_errors():
    with pytest.raises(CircuitError, match="wire 9"):
        qs.Circuit(4).add("h", 9)
    with pytest.raises(CircuitError, match="unknown gate"):
        qs.Circuit(4).add("hadamard-ish", 0)
    with pytest.raises(CircuitError, match="duplicate"):
        qs.Circuit(4).add("ccx", [0, 2, 0])


@pytest.mark.parametrize("bad", [np.zeros(1), np.zeros(3), None, np.zeros((2, 1))])
def test_wrong_number_of_weights(bad):
    with pytest.raises(CircuitError, match="weight"):
        qs.statevector(C, x=X[0], weights=bad)
    with pytest.raises(CircuitError, match="weight"):
        qs.expval(C, X, bad)
    with pytest.raises(CircuitError, match="weight"):
        qs.vjp(C, X, bad, ["Z0"], COT)


@pytest.mark.parametrize("bad", [np.zeros((2, 1)), np.zeros((2, 3)), np.zeros(3),
                                 np.zeros((2, 2, 1)), None])
def test_wrong_feature_shape_in_expval(bad):
    with pytest.raises(CircuitError, match=r"feature|\bX\b"):
        qs.expval(C, bad, WS)
    with pytest.raises(CircuitError, match=r"feature|\bX\b"):
        qs.vjp(C, bad, WS, ["Z0"], COT, method="parameter-shift")


@pytest.mark.parametrize("bad", [np.zeros(1), np.zeros(3), None, np.zeros((2, 2))])
def test_wrong_feature_vector_in_statevector(bad):
    with pytest.raises(CircuitError, match=r"feature|sample|\bx\b"):
        qs.statevector(C, x=bad, weights=WS)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs(value):
    bad_x = X.copy()
    bad_x[1, 0] = value
    bad_w = WS.copy()
    bad_w[1] = value
    pattern = "finite|NaN|nan|inf"
    with pytest.raises(CircuitError, match=pattern):
        qs.expval(C, bad_x, WS)
    with pytest.raises(CircuitError, match=pattern):
        qs.expval(C, X, bad_w)
    with pytest.raises(CircuitError, match=pattern):
        qs.vjp(C, bad_x, WS, ["Z0"], COT)
    with pytest.raises(CircuitError, match=pattern):
        qs.vjp(C, X, bad_w, ["Z0"], COT, method="parameter-shift")
    with pytest.raises(CircuitError, match=pattern):
        qs.statevector(C, x=bad_x[1], weights=WS)
    with pytest.raises(CircuitError, match=pattern):
        qs.statevector(C, x=X[0], weights=bad_w)
    bad_cot = COT.copy()
    bad_cot[0, 0] = value
    with pytest.raises(CircuitError, match=pattern):
        qs.vjp(C, X, WS, ["Z0"], bad_cot)
    bad_init = np.full(8, 0.5, dtype=complex)
    bad_init[3] = value
    with pytest.raises(CircuitError, match=pattern):
        qs.statevector(C, x=X[0], weights=WS, initial_state=bad_init)


@pytest.mark.parametrize("bad", [np.ones(7), np.ones(16), np.ones((2, 4)), np.ones((3, 8)),
                                 np.ones((2, 8, 1))])
def test_wrong_initial_state_shape(bad):
    with pytest.raises(CircuitError, match="initial"):
        qs.expval(C, X, WS, initial_state=bad.astype(complex))
    with pytest.raises(CircuitError, match="initial"):
        qs.vjp(C, X, WS, ["Z0"], COT, initial_state=bad.astype(complex))


def test_wrong_initial_state_in_statevector():
    with pytest.raises(CircuitError, match="initial"):
        qs.statevector(C, x=X[0], weights=WS, initial_state=np.ones(4))
    with pytest.raises(CircuitError, match="initial"):
        qs.statevector(C, x=X[0], weights=WS, initial_state=np.ones((2, 8)))


def test_zero_initial_state_is_refused():
    with pytest.raises(CircuitError, match="initial"):
        qs.statevector(C, x=X[0], weights=WS, initial_state=np.zeros(8))


@pytest.mark.parametrize(("obs", "pattern"), [
    (["Q0"], "observable"), (["Z"], "observable"), ([""], "observable"),
    (["Z0 Z0"], "observable"), (["Z3"], "wire 3"), (["X0 Y7"], "wire 7"), ([42], "observable"),
])
def test_bad_observables(obs, pattern):
    with pytest.raises(CircuitError, match=pattern):
        qs.expval(C, X, WS, observables=obs)
    with pytest.raises(CircuitError, match=pattern):
        qs.vjp(C, X, WS, obs, COT)


def test_no_observables():
    with pytest.raises(CircuitError, match="observable"):
        qs.expval(C, X, WS, observables=[])


def test_a_bare_string_observable_is_not_split_into_characters():
    # "Z0" passed instead of ["Z0"]: either treated as one observable or refused clearly.
    try:
        got = qs.expval(C, X, WS, observables="Z0")
    except CircuitError:
        return
    np.testing.assert_allclose(got, qs.expval(C, X, WS, observables=["Z0"]), atol=0)


@pytest.mark.parametrize("bad", [np.ones((2, 2)), np.ones((3, 1)), np.ones(3), np.ones((2, 1, 1))])
def test_wrong_cotangent_shape(bad):
    with pytest.raises(CircuitError, match="cotangent"):
        qs.vjp(C, X, WS, ["Z0"], bad)


def test_adjoint_with_shots():
    with pytest.raises(CircuitError, match="shots"):
        qs.vjp(C, X, WS, ["Z0"], COT, shots=100)
    with pytest.raises(CircuitError, match="shots"):
        qs.vjp(C, X, WS, ["Z0"], COT, method="adjoint", shots=100, seed=1)


@pytest.mark.parametrize("method", ["finite-diff", "Adjoint ", "backprop", "", None])
def test_unknown_method(method):
    with pytest.raises(CircuitError, match="method"):
        qs.vjp(C, X, WS, ["Z0"], COT, method=method)


@pytest.mark.parametrize("shots", [0, -5, 2.5, "100", True])
def test_bad_shot_counts(shots):
    with pytest.raises(CircuitError, match="shots"):
        qs.expval(C, X, WS, shots=shots, seed=1)
    with pytest.raises(CircuitError, match="shots"):
        qs.vjp(C, X, WS, ["Z0"], COT, method="parameter-shift", shots=shots, seed=1)


def test_batch_sizes_must_agree():
    init = np.tile(np.eye(8, dtype=complex)[0], (3, 1))  # 3 initial states, 2 samples
    with pytest.raises(CircuitError, match=r"initial|batch|sample"):
        qs.expval(C, X, WS, initial_state=init)


@pytest.mark.parametrize("n", [34, 40, 64])
def test_memory_guard_names_the_bytes(n):
    """Refuse before allocating, naming a byte count at least one state's 16 * 2**n bytes."""
    c = qs.Circuit(n).add("h", 0).add("ry", n - 1, w(0))
    start = time.perf_counter()
    calls = [lambda: qs.statevector(c, weights=[0.1]),
             lambda: qs.expval(c, None, [0.1]),
             lambda: qs.vjp(c, None, [0.1], ["Z0"], np.ones((1, 1))),
             lambda: qs.vjp(c, None, [0.1], ["Z0"], np.ones((1, 1)), method="parameter-shift")]
    for call in calls:
        with pytest.raises(CircuitError, match="bytes") as info:
            call()
        numbers = [int(t.replace(",", "")) for t in re.findall(r"\d[\d,]*", str(info.value))]
        assert max(numbers) >= 16 * 2**n, str(info.value)
    assert time.perf_counter() - start < 5.0


def test_memory_guard_counts_the_states_a_vjp_keeps():
    """The batch driver keeps every sample's final state between its two passes, whatever
    the cotangent; the large driver keeps all but the last sample's for a cotangent function
    (a single large sample keeps none) and none for an array."""
    for function in (True, False):
        assert states_kept_for_gradients(SAMPLE_PARALLEL_MAX_QUBITS, 256, function) == 256
    assert states_kept_for_gradients(SAMPLE_PARALLEL_MAX_QUBITS + 1, 1, True) == 0
    assert states_kept_for_gradients(20, 3, True) == 2
    assert states_kept_for_gradients(20, 3, False) == 0
    assert simulation_bytes(20, 3, 2, 2) - simulation_bytes(20, 3, 2, 0) == 2 * 16 * 2**20


def test_callable_cotangent_matches_explicit_array():
    """The documented loss form: cotangent may be a function of the values."""
    y = np.array([[0.5], [-1.0]])
    values, grad = qs.vjp(C, X, WS, ["Z0"], lambda v: 2 * (v - y))
    _, explicit = qs.vjp(C, X, WS, ["Z0"], 2 * (values - y))
    np.testing.assert_allclose(grad, explicit, atol=1e-14)
    with pytest.raises(CircuitError, match="cotangent"):
        qs.vjp(C, X, WS, ["Z0"], lambda v: np.ones((5, 5)))


BAD_CALLS = {
    "object X with None": lambda: qs.expval(
        C, np.array([[0.1, None], [0.2, 0.3]], dtype=object), WS),
    "string weights": lambda: qs.expval(C, X, np.array(["a", "b"])),
    "string initial state": lambda: qs.expval(C, X, WS, initial_state="zero"),
    "string cotangent": lambda: qs.vjp(C, X, WS, ["Z0"], "ones"),
    "string in statevector x": lambda: qs.statevector(C, x=[1.0, "two"], weights=WS),
    "string in statevector weights": lambda: qs.statevector(C, x=[1.0, 2.0], weights=[1, "a"]),
    "not a circuit": lambda: qs.statevector("not a circuit"),
    "not a circuit (expval)": lambda: qs.expval(None, X, WS),
    "string seed": lambda: qs.expval(C, X, WS, seed="abc", shots=10),
    "ragged X": lambda: qs.expval(C, [[0.1, 0.2], [0.3]], WS),
}


@pytest.mark.parametrize("label", list(BAD_CALLS))
def test_errors_are_circuit_errors(label):
    """Every failure on bad input is a CircuitError (a ValueError), not a numba/numpy error."""
    with pytest.raises(CircuitError):
        BAD_CALLS[label]()


@pytest.mark.parametrize("call", [
    lambda c: qs.expval(c, [[0.1]], [0.2], shots=2**70),
    lambda c: qs.expval(c, [[0.1]], [0.2], shots=np.uint64(2**63 + 5)),
    lambda c: qs.vjp(c, [[0.1]], [0.2], "Z0", [[1.0]], method=["adjoint"]),
    lambda c: qs.expval(c, [[0.1]], [0.2], None),
])
def test_odd_arguments_are_circuit_errors(call):
    circuit = qs.Circuit(2).add("ry", [0], qs.x(0)).add("rz", [1], qs.w(0)).add("cx", [0, 1])
    with pytest.raises(CircuitError):
        call(circuit)


def test_memory_guard_says_what_it_counts():
    """The refusal names each part of the figure: 31 qubits and one sample need 8 float64
    planes of 2**31 amplitudes (state and gradient buffers), 2 int32 gather tables and the
    kept complex128 state; with more threads the working copies multiply."""
    c = qs.Circuit(31).add("h", 0)
    with pytest.raises(CircuitError) as info:
        qs.statevector(c)
    message = str(info.value)
    gib = 2**30
    assert f"needs 176.0 GiB ({176 * gib:,} bytes)" in message, message
    assert (f"{8 * 8 * 2**31 // gib}.0 GiB for the state and the gradient pass's buffers"
            in message), message
    assert f"{2 * 4 * 2**31 // gib}.0 GiB of gather tables" in message, message
    assert f"{16 * 2**31 // gib}.0 GiB for the final state kept" in message, message
    assert "at most 30 qubits" in message
    two_threads = memory_breakdown(20, 8, 2, 8)
    assert "64.0 MiB per thread × 2 threads" in two_threads, two_threads
    assert "128.0 MiB for the 8 final states kept" in two_threads, two_threads
