"""The noisy engine's guards and its memory plan: bad input is refused by name, and the
checkpointed reverse pass (forward states recomputed segment by segment) is exact."""

import numpy as np
import pytest

from qmlstudio.core import Circuit, CircuitError, NoiseError, w
from qmlstudio.core.noise import Channel, NoiseModel, NoiseRule
from qmlstudio.engine import MAX_DENSITY_QUBITS, density_driver, density_expval, density_vjp
from qmlstudio.engine.density_program import GATE, PERM_STEP, compile_density
from tests.reference.dense import pauli_operator
from tests.reference.noisy_oracles import aer_density_matrix
from tests.reference.random_circuits import random_circuit

NOISE = NoiseModel.uniform_depolarizing(0.02)


def test_a_channel_that_does_not_fit_a_gate_is_refused_with_the_models_message():
    model = NoiseModel((NoiseRule(((Channel.depolarizing(0.1, 2), ()),)),))
    circuit = Circuit(2).add("ry", 0, w(0))
    with pytest.raises(NoiseError, match="2-qubit depolarizing channel cannot follow ry"):
        density_expval(circuit, None, [0.3], ["Z0"], model)


def test_too_many_qubits_for_the_density_method_name_the_bytes_of_one_density_matrix():
    circuit = Circuit(MAX_DENSITY_QUBITS + 6).add("h", 0)
    with pytest.raises(CircuitError, match=r"20 qubits needs 16\.0 TiB \(17,592,186,044,416 "
                                           r"bytes\) for one density matrix; it takes at most "
                                           rf"{MAX_DENSITY_QUBITS} qubits"):
        density_vjp(circuit, None, None, ["Z0"], NOISE, np.ones((1, 1)),
                    noise_method="density")


def test_a_plan_that_cannot_fit_names_the_bytes(monkeypatch):
    monkeypatch.setattr(density_driver, "available_bytes", lambda: 1 << 20)
    circuit = Circuit(8).add("h", 0)
    with pytest.raises(CircuitError, match=r"needs 6\.0 MiB \(6,291,456 bytes: 6 density "
                                           r"matrices of 1\.0 MiB\) but only 1\.0 MiB"):
        density_vjp(circuit, None, None, ["Z0"], NOISE, np.ones((1, 1)))


def test_noise_must_be_a_noise_model():
    with pytest.raises(NoiseError, match="noise must be a qmlstudio NoiseModel or None, got str"):
        density_expval(Circuit(1).add("h", 0), None, None, ["Z0"], "depolarizing:0.01")


def test_checkpointed_reverse_pass_equals_the_stored_one(monkeypatch):
    rng = np.random.default_rng(2)
    circuit = random_circuit(rng, 3, 40, n_weights=5, n_features=2)
    X, ws = rng.uniform(-2, 2, size=(3, 2)), rng.normal(size=5)
    cot = rng.normal(size=(3, 2))
    stored = density_vjp(circuit, X, ws, ["Z0", "X1 Z2"], NOISE, cot)
    n_steps = compile_density(circuit, NOISE).n_steps
    # Room for every state but one: the plan falls back to checkpoints every ≈ √N steps.
    monkeypatch.setattr(density_driver, "STORED_STATES_BUDGET", (16 << 6) * (n_steps + 3))
    assert density_driver.plan(3, n_steps, 3, 1, True)[0] == int(np.sqrt(n_steps)) > 1
    checkpointed = density_vjp(circuit, X, ws, ["Z0", "X1 Z2"], NOISE, cot)
    for ours, reference in zip(checkpointed, stored, strict=True):
        np.testing.assert_allclose(ours, reference, atol=1e-13)


def test_channels_between_single_qubit_gates_merge_only_when_depolarizing():
    circuit = (Circuit(3).add("rx", 0, w(0)).add("ry", 0, w(1)).add("cx", (0, 1))
               .add("cx", (1, 2)).add("rz", 1, w(2)).add("h", 1))
    merged = compile_density(circuit, NOISE)
    # rx·ry and their two channels: one gate step; the first cx; the second cx with the first
    # one's channel on wire 1 mixed into its gather; rz·h on wire 1 with the second cx's
    # channel and their own: one gate step. The channels left on wires 0 and 2 scale values.
    assert merged.steps.kind.tolist() == [GATE, PERM_STEP, PERM_STEP, GATE]
    assert merged.steps.t0.tolist() == [2, -1, 1, 1]
    np.testing.assert_allclose(merged.steps.shrink, [0.98 ** 2, 1.0, 0.98, 0.98 ** 3])
    np.testing.assert_allclose(merged.final_shrink, [0.98, 1.0, 0.98])
    ws = np.array([0.3, -1.1, 0.7])
    labels = ["Z0", "X0 Y1", "Z1 Z2", "X2", "Y0 X1 Z2"]
    values = density_expval(circuit, None, ws, labels, NOISE)[0]
    rho = aer_density_matrix(circuit, None, ws, NOISE)
    np.testing.assert_allclose(values, [np.trace(pauli_operator(o, 3) @ rho).real
                                        for o in labels], atol=1e-12)
    damping = NoiseModel((NoiseRule(((Channel("amplitude_damping", (0.1,)), ()),)),))
    # every gate its own step, then its channels (two after each cx)
    assert len(compile_density(circuit, damping).steps.kind) == 6 + 8
