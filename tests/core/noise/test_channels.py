"""Every channel kind against Qiskit Aer's error of the same name, on random density matrices."""

import numpy as np
import pytest
from qiskit.quantum_info import DensityMatrix, random_density_matrix
from qiskit_aer import noise as aer

from qmlstudio.core import NoiseError
from qmlstudio.core.noise import CHANNEL_KINDS, CPTP_TOLERANCE, Channel

CASES = [
    (Channel.depolarizing(0.13), aer.depolarizing_error(0.13, 1)),
    (Channel.depolarizing(0.21, 2), aer.depolarizing_error(0.21, 2)),
    (Channel.depolarizing(16 / 15, 2), aer.depolarizing_error(16 / 15, 2)),
    (Channel("bit_flip", (0.1,)), aer.pauli_error([("X", 0.1), ("I", 0.9)])),
    (Channel("phase_flip", (0.2,)), aer.pauli_error([("Z", 0.2), ("I", 0.8)])),
    (Channel("bit_phase_flip", (0.3,)), aer.pauli_error([("Y", 0.3), ("I", 0.7)])),
    (Channel("pauli", (0.1, 0.05, 0.2)),
     aer.pauli_error([("X", 0.1), ("Y", 0.05), ("Z", 0.2), ("I", 0.65)])),
    (Channel("amplitude_damping", (0.27,)), aer.amplitude_damping_error(0.27)),
    (Channel("phase_damping", (0.41,)), aer.phase_damping_error(0.41)),
    (Channel.thermal_relaxation(50.0, 70.0, 12.0), aer.thermal_relaxation_error(50, 70, 12)),
    (Channel.thermal_relaxation(50.0, 30.0, 12.0, 0.1),
     aer.thermal_relaxation_error(50, 30, 12, 0.1)),
    (Channel.thermal_relaxation(50.0, 100.0, 80.0), aer.thermal_relaxation_error(50, 100, 80)),
]


@pytest.mark.parametrize(("channel", "reference"), CASES,
                         ids=[f"{c.kind}-{c.n_qubits}q-{i}" for i, (c, _) in enumerate(CASES)])
def test_channel_equals_qiskit_aer(channel, reference):
    d = channel.dimension
    for seed in range(3):
        rho = random_density_matrix(d, seed=seed).data
        # Our first wire is the most significant bit: Qiskit's highest qubit.
        expected = DensityMatrix(rho).evolve(reference, qargs=list(range(channel.n_qubits))[::-1])
        np.testing.assert_allclose(channel.apply(rho), expected.data, atol=1e-12)
    ops = channel.kraus_operators()
    np.testing.assert_allclose(np.einsum("kji,kjl->il", ops.conj(), ops), np.eye(d), atol=1e-12)
    superop = channel.superoperator()
    rho = random_density_matrix(d, seed=7).data
    np.testing.assert_allclose((superop @ rho.reshape(-1)).reshape(d, d), channel.apply(rho),
                               atol=1e-12)


def test_average_fidelity_equals_qiskit():
    from qiskit.quantum_info import average_gate_fidelity

    for channel, reference in CASES:
        assert channel.average_fidelity() == pytest.approx(average_gate_fidelity(reference),
                                                           abs=1e-12)


def test_a_general_kraus_channel_and_its_trace_check():
    gamma = 0.3
    ops = [[[1, 0], [0, np.sqrt(1 - gamma)]], [[0, np.sqrt(gamma)], [0, 0]]]
    channel = Channel.kraus(ops)
    assert channel.n_qubits == 1 and channel == Channel.kraus(np.array(ops))
    assert hash(channel) == hash(Channel.kraus(np.array(ops)))
    np.testing.assert_allclose(channel.superoperator(),
                               Channel("amplitude_damping", (gamma,)).superoperator())
    bent = np.array(ops, dtype=complex)
    bent[0, 0, 0] += 10 * CPTP_TOLERANCE
    with pytest.raises(NoiseError, match="not trace-preserving"):
        Channel.kraus(bent)
    bent[0, 0, 0] = 1 + CPTP_TOLERANCE / 10  # rounding within the tolerance is accepted
    assert Channel.kraus(bent).n_qubits == 1


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Channel("depolarizing", (1.5,)), r"depolarizing p: must lie in \[0, 1.33333\]"),
    (lambda: Channel("bit_flip", (-0.1,)), r"bit_flip p: must lie in \[0, 1\]"),
    (lambda: Channel("amplitude_damping", (float("nan"),)), "must be finite"),
    (lambda: Channel("phase_damping", ("x",)), "expected a number"),
    (lambda: Channel("pauli", (0.5, 0.4, 0.3)), "at most 1"),
    (lambda: Channel.thermal_relaxation(10.0, 30.0, 1.0), "exceeds 2·T1"),
    (lambda: Channel.thermal_relaxation(0.0, 0.0, 1.0), "T1: must be positive"),
    (lambda: Channel.thermal_relaxation(10.0, 10.0, -1.0), "time: must be 0 or more"),
    (lambda: Channel("bit_flip", (0.1, 0.2)), "expected 1 parameter"),
    (lambda: Channel("bit_flip", (0.1,), 2), "acts on 1 qubit"),
    (lambda: Channel("bit_flip", (0.1,), matrices=((1,),)), "only a 'kraus' channel"),
    (lambda: Channel("leakage", (0.1,)), "unknown noise channel 'leakage'"),
    (lambda: Channel.kraus([[1, 0, 0]]), "2×2 or 4×4"),
    (lambda: Channel.kraus([]), "2×2 or 4×4"),
    (lambda: Channel.kraus("abc"), "must be square arrays of numbers"),
    (lambda: Channel.kraus([[[np.inf, 0], [0, 1]]]), "not finite"),
])
def test_bad_parameters_are_refused_by_name(build, message):
    with pytest.raises(NoiseError, match=message):
        build()


def test_every_kind_is_covered_and_identity_is_recognised():
    assert {c.kind for c, _ in CASES} | {"kraus"} == set(CHANNEL_KINDS)
    assert Channel.depolarizing(0.0).is_identity
    assert Channel.thermal_relaxation(10.0, 10.0, 0.0).is_identity
    assert not Channel.thermal_relaxation(10.0, 10.0, 1.0).is_identity
