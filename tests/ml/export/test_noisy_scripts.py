"""Exports of a model trained under noise: the PennyLane script (default.mixed, the channels
after their gates) and the Qiskit script (the equivalent Aer NoiseModel, Aer's density-matrix
method) reproduce the saved model's predict_proba, readout errors included, run the way the
ideal scripts are (tests/ml/export/test_scripts.py: isolated from qmlstudio). So do models
whose circuit holds every kind of channel operation, with and without a noise model on top."""

from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_allclose

from qmlstudio.core import ModelFileError, Operation
from qmlstudio.core.noise import Channel, NoiseModel, NoiseRule, ReadoutError
from qmlstudio.io.noise_file import bundled_device_noise
from qmlstudio.ml.export.formats import export_project
from qmlstudio.ml.export.model_file import load_model
from qmlstudio.ml.export.trained_model import TrainedModel
from tests.ml.export.test_scripts import run_isolated
from tests.ml.model_helpers import raw_samples, trained_project

_DAMPING = Channel("amplitude_damping", (0.2,)).kraus_operators()
EVERY_CHANNEL = NoiseModel((
    NoiseRule(((Channel.depolarizing(0.02), ()),)),
    # Damping on a two-qubit gate's FIRST wire only: a wire order mix-up would show.
    NoiseRule(((Channel.kraus([np.kron(k, np.eye(2)) for k in _DAMPING]), ()),), n_wires=2),
    NoiseRule(((Channel.depolarizing(0.05, 2), ()),), gates=("cz", "iswap")),
    NoiseRule(((Channel.thermal_relaxation(50.0, 80.0, 9.0, 0.1), ()),
               (Channel("amplitude_damping", (0.07,)), (0,))), gates=("ry", "cry")),
    NoiseRule(((Channel("bit_flip", (0.03,)), ()), (Channel("phase_flip", (0.04,)), ()),
               (Channel("bit_phase_flip", (0.05,)), ()), (Channel("pauli", (0.01, 0.02, 0.03)), ()),
               (Channel("phase_damping", (0.06,)), ()),
               (Channel.thermal_relaxation(40.0, 30.0, 5.0), ())), gates=("rx",)),
), readout=((0, ReadoutError(0.03, 0.08)), (2, ReadoutError(0.1, 0.02))),
    default_readout=ReadoutError(0.01, 0.04), name="every channel")
"""Every channel kind, one- and two-qubit, and asymmetric readout errors."""

EVERY_CHANNEL_OP = (
    Operation("depolarizing", (0,), (0.05,)), Operation("depolarizing2", (1, 2), (0.1,)),
    Operation("bit_flip", (2,), (0.03,)), Operation("phase_flip", (1,), (0.04,)),
    Operation("bit_phase_flip", (0,), (0.05,)), Operation("pauli", (2,), (0.01, 0.02, 0.03)),
    Operation("amplitude_damping", (1,), (0.1,)), Operation("phase_damping", (0,), (0.08,)),
    # T2 < T1 and an excited population: PennyLane's pe convention shows.
    Operation("thermal_relaxation", (2,), (50.0, 30.0, 8.0, 0.2)),
    Operation("reset", (1,)), Operation("measure", (0,)))
"""Every channel operation, mid-circuit (after the first entangling layer), so later gates
turn what each does into a change of the Z readout."""

CASES = {"all_gates": ("all_gates", EVERY_CHANNEL),  # every gate; observables in X, Y and Z
         "iris": ("iris", bundled_device_noise("manila")),  # a device: stand-ins, thermal
         "sine": ("sine", NoiseModel.uniform_depolarizing(0.03, readout=0.02)),  # a regressor
         "channel_ops": ("moons_linear", None),  # the circuit's channel operations only
         # ... and a noise model on top, whose catch-all rule must skip channel operations.
         "channel_ops_noisy": ("moons_linear", EVERY_CHANNEL)}
"""Each case: the trained project it starts from and the noise model it gets."""


def _project(case):
    base, noise = CASES[case]
    project = trained_project(base)
    if case.startswith("channel_ops"):
        project = replace(project, circuit=project.circuit.inserted(14, *EVERY_CHANNEL_OP))
    return replace(project, noise=noise)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("noisy_scripts")
    modules = []
    for case in CASES:
        project = _project(case)
        export_project(project, "qmodel", folder / f"{case}.qmodel")
        for framework in ("pennylane", "qiskit"):
            export_project(project, framework, folder / f"{case}_{framework}.py")
            np.save(folder / f"{case}_{framework}.X.npy", raw_samples(project, 9, seed=31))
            modules.append(f"{case}_{framework}")
    run_isolated(folder, *modules)
    return folder


@pytest.mark.parametrize("framework", ["pennylane", "qiskit"])
@pytest.mark.parametrize("case", CASES)
def test_noisy_script_reproduces_the_saved_model(exported, case, framework):
    model = load_model(exported / f"{case}.qmodel")  # it keeps the noise and the channels
    assert (model.saved.noise, model.saved.circuit) == (CASES[case][1], _project(case).circuit)
    X = np.load(exported / f"{case}_{framework}.X.npy")
    outputs = np.load(exported / f"{case}_{framework}.out.npy", allow_pickle=False)
    ours = model.predict_proba(X) if model.is_classifier else model.predict(X)
    # The documented bound is 1e-6; every case measures below 1e-10, and an inexact channel
    # (PennyLane's damping at γ = 1 leaves 1e-7 coherences) shows at 1e-8.
    assert_allclose(outputs, ours, atol=1e-10, rtol=0)
    # ... and the noise matters at that tolerance: the noise model, or else the channels.
    ideal = (model.with_noise(None) if model.saved.noise is not None else
             TrainedModel.from_project(trained_project(CASES[case][0])))
    ideal_outputs = ideal.predict_proba(X) if model.is_classifier else ideal.predict(X)
    assert np.abs(ideal_outputs - ours).max() > 1e-3


def test_the_scripts_say_what_they_simulate(exported):
    pennylane = (exported / "iris_pennylane.py").read_text()
    qiskit = (exported / "iris_qiskit.py").read_text()
    assert 'qml.device("default.mixed"' in pennylane and "qml.ThermalRelaxationError" in pennylane
    assert "AerSimulator(method=\"density_matrix\", noise_model=noise_model())" in qiskit
    assert "needs only numpy and qiskit with qiskit-aer" in qiskit
    for text in (pennylane, qiskit):
        # "predicts under", not "trained under": a project may train ideal and still export
        # under its noise model (training.with_noise false).
        assert "predicts under the noise model 'ibmq_manila" in " ".join(text.split())


def test_the_scripts_write_the_circuits_channel_operations_where_they_stand(exported):
    pennylane = (exported / "channel_ops_pennylane.py").read_text()
    qiskit = (exported / "channel_ops_qiskit.py").read_text()
    assert ("    qml.DepolarizingChannel(0.037500000000000006, wires=0)  # p = 0.05\n"
            "    qml.QubitChannel(depolarizing_2q(0.1), wires=[1, 2])\n") in pennylane
    assert "qml.ThermalRelaxationError(0.2, 50.0, 30.0, 8.0, wires=2)" in pennylane
    assert "    qml.AmplitudeDamping(0.1, wires=1)\n" in pennylane
    # PennyLane's damping leaves a 1e-7 coherence at γ = 1: exact Kraus operators instead.
    assert "    qml.QubitChannel(KRAUS[1], wires=[1])  # reset\n" in pennylane
    assert "    qml.QubitChannel(KRAUS[2], wires=[0])  # measure, result discarded\n" in pennylane
    assert "    qc.append(depolarizing_error(0.1, 2).to_instruction(), [2, 1])\n" in qiskit
    assert "    qc.reset(1)\n" in qiskit
    assert ("    qc.append(phase_damping_error(1.0).to_instruction(), [0])  # measure, result "
            "discarded\n") in qiskit
    for text in (pennylane, qiskit):
        assert "# No noise model: only the circuit's channel operations add noise." in text
        assert "circuit's channel operations (noise, reset, a discarded measurement)" in " ".join(
            text.split())


def test_gates_qiskit_names_alike_with_different_noise_are_refused(tmp_path):
    project = trained_project("sine")
    circuit = project.circuit.add("u2", [0], 0.1, 0.2).add("u3", [0], 0.3, 0.4, 0.5)
    noise = NoiseModel((NoiseRule(((Channel.depolarizing(0.1), ()),), gates=("u2",)),))
    project = replace(project, circuit=circuit, noise=noise)
    with pytest.raises(ModelFileError, match="cannot give u2 and u3 on qubits \\[0\\] "
                                             "different noise: Qiskit names both 'u'"):
        export_project(project, "qiskit", tmp_path / "m.py")
    assert not (tmp_path / "m.py").exists()
    export_project(project, "pennylane", tmp_path / "m.py")  # PennyLane tells them apart
