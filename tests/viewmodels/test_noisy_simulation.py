"""The training panel's line about the noisy engine a run uses: which one, and why."""

from dataclasses import replace

from qmlstudio.core import Circuit, DatasetSpec, Project, w, x
from qmlstudio.core.noise import NoiseModel
from qmlstudio.viewmodels.noisy_simulation import simulation_text

NOISE = NoiseModel.uniform_depolarizing(0.01)


def _project(n_qubits: int = 2, noise: NoiseModel | None = NOISE, **training) -> Project:
    circuit = Circuit(n_qubits).add("ry", 0, x(0)).add("ry", 1, x(1)).add("ry", 0, w(0))
    project = Project(circuit, dataset=DatasetSpec.builtin("moons"), noise=noise)
    return replace(project, training=replace(project.training, **training))


def test_an_ideal_circuit_says_nothing():
    assert simulation_text(_project(noise=None)) == ""
    assert simulation_text(_project(noise=NoiseModel.ideal())) == ""


def test_the_engine_and_the_reason_are_named():
    name = repr(NOISE.name)
    assert simulation_text(_project()) == (
        f"Under the noise model {name}: exact density matrix (2 qubits: up to 14 are "
        f"simulated exactly).")
    assert simulation_text(_project(noise_method="trajectories", trajectories=300)) == (
        f"Under the noise model {name}: Monte-Carlo trajectories, 300 per sample, each value "
        f"an estimate (chosen in the training settings).")
    assert simulation_text(_project(15)) == (
        f"Under the noise model {name}: Monte-Carlo trajectories, 1000 per sample, each value "
        f"an estimate (15 qubits: above the density-matrix limit of 14).")


def test_channel_operations_without_a_noise_model_are_named_as_the_cause():
    project = _project(noise=None)
    project = project.with_circuit(project.circuit.add("bit_flip", 1, 0.05))
    assert simulation_text(project).startswith(
        "With the circuit's channel operations: exact density matrix")


def test_ideal_training_of_a_noisy_project_says_the_noise_model_is_left_out():
    ideal = _project(with_noise=False)
    assert simulation_text(ideal) == (
        f"Ideal training: the state-vector simulator, without the noise model "
        f"{NOISE.name!r} (chosen in the training panel).")
    with_channels = ideal.with_circuit(ideal.circuit.add("bit_flip", 1, 0.05))
    assert simulation_text(with_channels).startswith(
        "With the circuit's channel operations: exact density matrix")
