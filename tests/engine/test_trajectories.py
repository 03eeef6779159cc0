"""Monte-Carlo trajectories, shots and parameter shift under noise, against the exact density
matrix (itself checked against Qiskit Aer and PennyLane in test_density_oracles.py)."""

from dataclasses import replace

import numpy as np
import pytest

from qmlstudio.core import Circuit, CircuitError, Interrupted, Operation, w
from qmlstudio.core.noise import Channel, NoiseModel, NoiseRule, ReadoutError
from qmlstudio.engine import (
    MAX_DENSITY_QUBITS,
    density_expval,
    density_vjp,
    expval,
    noise_method_for,
    trajectory_expval,
    trajectory_vjp,
    using_threads,
    vjp,
)
from tests.engine.test_density_oracles import MIXED
from tests.reference.random_circuits import random_circuit

DAMPING_PAIR = Channel.kraus(np.array([
    np.kron(a, b) for a in Channel("amplitude_damping", (0.1,)).kraus_operators()
    for b in Channel("phase_damping", (0.2,)).kraus_operators()]))
"""A two-qubit channel whose branches are not unitary (on wires in either bit order)."""
MODELS = {
    "depolarizing": NoiseModel.uniform_depolarizing(0.04),
    "thermal": NoiseModel.thermal(40.0, 30.0, 1.5, 4.0),  # non-unitary branches only
    "mixed": MIXED,  # amplitude damping, 2-qubit depolarizing, Kraus, Pauli, thermal
    "two-qubit": NoiseModel((NoiseRule(((DAMPING_PAIR, ()),), gates=("cx", "cz", "crx", "rzz")),
                             NoiseRule(((Channel.depolarizing(0.03), ()),), n_wires=1))),
}
OBS = ["Z0", "X1 Z2", "Y0 Y1"]
READOUT = tuple((q, ReadoutError(0.03 + 0.01 * q, 0.06 - 0.01 * q)) for q in range(3))


@pytest.fixture(scope="module")
def case():
    rng = np.random.default_rng(3)
    circuit = random_circuit(rng, 3, 16, n_weights=5, n_features=2, kinds="cwxe")
    X, ws = rng.uniform(-2, 2, size=(3, 2)), rng.normal(size=5)
    return circuit, X, ws, rng.normal(size=(3, 3))


def _within(estimate, stderr, exact, sigmas=4.0):
    assert stderr.any()  # an estimate, not exact numbers
    # A value that is zero for every trajectory (⟨Y0 Y1⟩ of a real state) is zero to rounding.
    np.testing.assert_array_less(np.abs(estimate - exact), sigmas * stderr + 1e-12)


@pytest.mark.parametrize("model", MODELS)
def test_values_and_gradients_agree_with_the_density_matrix(case, model):
    circuit, X, ws, cot = case
    noise = replace(MODELS[model], readout=READOUT if model == "mixed" else ())
    exact, grad = density_vjp(circuit, X, ws, OBS, noise, cot)
    est = trajectory_vjp(circuit, X, ws, OBS, noise, cot, trajectories=2000, seed=11)
    _within(est.values, est.stderr, exact)
    _within(est.dweights, est.dweights_stderr, grad)
    values = trajectory_expval(circuit, X, ws, OBS, noise, trajectories=2000, seed=11)
    np.testing.assert_array_equal(values.values, est.values)  # the same trajectories


def test_two_qubit_branches_act_on_their_wires_in_either_order():
    circuit = (Circuit(3).add("ry", 0, w(0)).add("rx", 2, w(1)).add("cx", (2, 0))
               .add("crx", (1, 0), w(2)).add("ry", 1, w(3)).add("cz", (0, 2)))
    ws, cot = np.array([0.4, -1.1, 0.8, 0.3]), np.array([[0.7, -1.2, 0.5]])
    values, grad = density_vjp(circuit, None, ws, OBS, MODELS["two-qubit"], cot)
    est = trajectory_vjp(circuit, None, ws, OBS, MODELS["two-qubit"], cot, trajectories=4000,
                         seed=3)
    _within(est.values, est.stderr, values)
    _within(est.dweights, est.dweights_stderr, grad)


def test_a_cotangent_function_uses_the_same_trajectories(case):
    circuit, X, ws, _ = case
    target = np.linspace(-0.5, 0.5, 3)[:, None]
    for obs in (["Z0"], ["Z0", "X2"]):  # one term: weighed afterwards; more: a second pass
        est = trajectory_vjp(circuit, X, ws, obs, MIXED, lambda v: 2 * (v - target),
                             trajectories=300, seed=5)
        by_array = trajectory_vjp(circuit, X, ws, obs, MIXED, 2 * (est.values - target),
                                  trajectories=300, seed=5)
        np.testing.assert_allclose(est.dweights, by_array.dweights, atol=1e-12)
        np.testing.assert_allclose(est.dweights_stderr, by_array.dweights_stderr, atol=1e-12)


def test_seeds_repeat_and_differ_whatever_the_thread_count(case):
    circuit, X, ws, cot = case
    runs = []
    for threads, seed in ((1, 4), (2, 4), (1, 5)):
        with using_threads(threads):
            runs.append(trajectory_vjp(circuit, X, ws, OBS, MIXED, cot, trajectories=40,
                                       seed=seed))
    for a, b in zip(runs[0], runs[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(runs[0].values, runs[2].values)


def test_auto_runs_trajectories_above_the_density_limit():
    assert noise_method_for(MAX_DENSITY_QUBITS) == "density"
    assert noise_method_for(MAX_DENSITY_QUBITS + 1) == "trajectories"
    n = MAX_DENSITY_QUBITS + 1
    ops = [Operation("ry", (q,), (w(q % 2),)) for q in range(n)]
    ops += [Operation("cx", (q, q + 1)) for q in range(n - 1)]
    circuit = Circuit(n, tuple(ops))
    noise = NoiseModel((NoiseRule(((Channel("amplitude_damping", (0.05,)), ()),)),))
    ws = np.array([0.3, -0.8])
    est = trajectory_vjp(circuit, None, ws, ["Z0", f"Z{n - 1}"], noise, np.ones((1, 2)),
                         trajectories=8, seed=2)
    np.testing.assert_array_equal(
        density_expval(circuit, None, ws, ["Z0", f"Z{n - 1}"], noise, trajectories=8, seed=2),
        est.values)
    _, grad = density_vjp(circuit, None, ws, ["Z0", f"Z{n - 1}"], noise, np.ones((1, 2)),
                          trajectories=8, seed=2)
    np.testing.assert_array_equal(grad, est.dweights)
    with pytest.raises(CircuitError, match="density matrix"):
        density_expval(circuit, None, ws, "Z0", noise, noise_method="density")


def test_without_channels_the_values_are_exact(case):
    circuit, X, ws, cot = case
    np.testing.assert_array_equal(
        density_expval(circuit, X, ws, OBS, None, noise_method="trajectories"),
        expval(circuit, X, ws, OBS))
    readout_only = NoiseModel(readout=READOUT)
    est = trajectory_vjp(circuit, X, ws, OBS, readout_only, cot, seed=1)
    values, grad = density_vjp(circuit, X, ws, OBS, readout_only, cot)
    np.testing.assert_array_equal(est.values, values)
    np.testing.assert_array_equal(est.dweights, grad)
    assert not est.stderr.any() and not est.dweights_stderr.any()
    ideal = vjp(circuit, X, ws, OBS, cot, method="parameter-shift")
    shifted = density_vjp(circuit, X, ws, OBS, None, cot, method="parameter-shift")
    np.testing.assert_array_equal(shifted[1], ideal[1])


@pytest.mark.parametrize("noise_method", ["density", "trajectories"])
def test_shots_sample_the_read_values_of_the_noisy_state(case, noise_method):
    circuit, X, ws, _ = case
    noise = replace(MIXED, readout=READOUT)
    exact = density_expval(circuit, X, ws, OBS, noise)
    shots = 20_000
    sampled = density_expval(circuit, X, ws, OBS, noise, noise_method=noise_method,
                             trajectories=4000, shots=shots, seed=9)
    counts = (sampled + 1) * shots / 2  # (2k − N)/N: k counts +1 outcomes
    np.testing.assert_allclose(counts, np.rint(counts), atol=1e-6)
    bound = np.sqrt((1 - exact ** 2) / shots)
    if noise_method == "trajectories":
        bound = np.hypot(bound, trajectory_expval(circuit, X, ws, OBS, noise, trajectories=4000,
                                                  seed=9).stderr)
    np.testing.assert_array_less(np.abs(sampled - exact), 4 * bound)


def test_parameter_shift_under_noise_equals_the_exact_gradient(case):
    circuit, X, ws, cot = case
    noise = replace(MIXED, readout=READOUT)
    values, grad = density_vjp(circuit, X, ws, OBS, noise, cot)
    shifted = density_vjp(circuit, X, ws, OBS, noise, lambda v: cot, method="parameter-shift")
    np.testing.assert_allclose(shifted[0], values, atol=1e-14)
    np.testing.assert_allclose(shifted[1], grad, atol=1e-10)
    shots = 50_000
    sampled = density_vjp(circuit, X, ws, OBS, noise, cot, method="parameter-shift",
                          shots=shots, seed=3)[1]
    assert not np.array_equal(sampled, grad)
    np.testing.assert_allclose(sampled, grad, atol=0.15)


def test_bad_choices_name_the_setting(case):
    circuit, X, ws, cot = case
    with pytest.raises(CircuitError, match="noise_method: unknown 'exact'"):
        density_expval(circuit, X, ws, OBS, MIXED, noise_method="exact")
    with pytest.raises(CircuitError, match="trajectories must be an integer"):
        density_expval(circuit, X, ws, OBS, MIXED, noise_method="trajectories", trajectories=0)
    with pytest.raises(CircuitError, match="cannot use shots"):
        density_vjp(circuit, X, ws, OBS, MIXED, cot, shots=100)
    with pytest.raises(CircuitError, match="noise_method='density'"):
        density_vjp(circuit, X, ws, OBS, MIXED, cot, method="parameter-shift",
                    noise_method="trajectories")


def test_an_interrupt_is_asked_between_samples_and_changes_no_number(case):
    circuit, X, ws, cot = case
    # Enough trajectories that each sample is a group of its own (INTERRUPT_WORK).
    run = {"noise_method": "trajectories", "trajectories": 12_000, "seed": 8}
    asked = []
    values, grad = density_vjp(circuit, X, ws, OBS, MIXED, cot,
                               interrupt=lambda: asked.append(1) and False, **run)
    assert len(asked) == len(X)  # one look before each sample's trajectories
    plain = density_vjp(circuit, X, ws, OBS, MIXED, cot, **run)
    np.testing.assert_array_equal(values, plain[0])  # bit for bit: samples sum on their own
    np.testing.assert_array_equal(grad, plain[1])
    asked.clear()
    with pytest.raises(Interrupted, match="stopped after 1 of 3 samples"):
        density_expval(circuit, X, ws, OBS, MIXED, interrupt=lambda: bool(asked.append(1))
                       or len(asked) > 1, **run)
