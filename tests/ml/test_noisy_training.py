"""Training, prediction and files under a noise model: the trainer, the estimators and saved
models use the noisy engine (the exact density matrix, checked against Qiskit Aer and PennyLane
default.mixed in tests/engine; trajectories, shots and parameter shift, checked against it in
tests/engine/test_trajectories.py)."""

from dataclasses import replace

import numpy as np
import pytest

from qmlstudio.core import Circuit, ProjectError, w, x
from qmlstudio.core.noise import NoiseModel
from qmlstudio.engine import MAX_DENSITY_QUBITS, density_expval, expval
from qmlstudio.ml.data.preprocessing import apply_preprocessing
from qmlstudio.ml.estimators import QNNClassifier
from qmlstudio.ml.export.model_file import load_model, save_model
from qmlstudio.ml.models.quantum_model import QuantumModel

NOISE = NoiseModel.uniform_depolarizing(0.05, readout=0.02)


def _moons(n=40, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


def test_a_noisy_estimator_trains_and_predicts_with_the_density_engine(tmp_path):
    X, y = _moons()
    noisy = QNNClassifier(n_qubits=2, layers=1, epochs=2, random_state=1, noise=NOISE).fit(X, y)
    ideal = QNNClassifier(n_qubits=2, layers=1, epochs=2, random_state=1).fit(X, y)
    project = noisy.project_
    assert project.noise == NOISE and ideal.project_.noise is None
    assert noisy.project_.weights != ideal.project_.weights  # the gradients saw the noise
    # The model's values are the density engine's, not the statevector's.
    Z = apply_preprocessing(project.preprocessing, X)
    weights = np.array(project.weights)
    values = QuantumModel.from_project(project).expectations(Z, weights)
    np.testing.assert_allclose(values, density_expval(project.circuit, Z, weights,
                                                      project.model.observables, NOISE))
    assert np.abs(values - expval(project.circuit, Z, weights,
                                  project.model.observables)).max() > 1e-3
    # A saved model carries the noise model and predicts exactly as the estimator does.
    path = tmp_path / "noisy.qmodel"
    save_model(project, path)
    loaded = load_model(path)
    assert loaded.saved.noise == NOISE
    np.testing.assert_allclose(loaded.predict_proba(X), noisy.predict_proba(X), atol=1e-12)


def test_what_the_noisy_simulator_cannot_do_is_refused_by_name():
    X, y = _moons()
    with pytest.raises(ProjectError, match=r"noise: .*cannot use amplitude encoding"):
        QNNClassifier(n_qubits=2, layers=1, epochs=1, noise=NOISE, encoding="amplitude").fit(X, y)


def test_shots_and_parameter_shift_train_under_noise():
    rng = np.random.default_rng(5)
    X = rng.uniform(-1, 1, size=(60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    settings = {"n_qubits": 2, "layers": 1, "epochs": 6, "learning_rate": 0.2,
                "random_state": 2, "noise": NOISE, "shots": 2000,
                "gradient_method": "parameter-shift", "measure_every_epoch": True}
    model = QNNClassifier(**settings).fit(X, y)
    losses = model.history_.series("train_loss")
    assert losses[-1] < losses[0] - 0.02  # it learns through shot noise and the channels
    assert model.history_.series("train_accuracy")[-1] > 0.7
    again = QNNClassifier(**settings).fit(X, y)
    assert again.project_.weights == model.project_.weights  # seeded shots


def test_a_model_runs_trajectories_by_name_with_the_trainers_seed():
    X, y = _moons(8)
    project = QNNClassifier(n_qubits=2, layers=1, epochs=1, noise=NOISE).fit(X, y).project_
    exact = QuantumModel.from_project(project)
    assert exact.noise_engine == "density" and not exact.is_random
    sampled = replace(exact, noise_method="trajectories", trajectories=4000)
    assert sampled.noise_engine == "trajectories" and sampled.is_random
    Z = apply_preprocessing(project.preprocessing, X)
    weights, readout = np.array(project.weights), exact.readout_vector(project.readout)
    loss, grad, _ = exact.loss_and_grad(Z, y, weights, readout)
    first = sampled.loss_and_grad(Z, y, weights, readout, seed=4)
    assert first[0] == sampled.loss_and_grad(Z, y, weights, readout, seed=4)[0]
    assert abs(first[0] - loss) < 0.05
    np.testing.assert_allclose(first[1], grad, atol=0.05)
    with pytest.raises(ProjectError, match=r"training\.noise_method: unknown 'exact'"):
        replace(exact, noise_method="exact")


def test_above_the_density_limit_a_model_trains_by_trajectories_and_predicts_the_same_twice():
    X, y = _moons(6)
    circuit = (Circuit(MAX_DENSITY_QUBITS + 1).add("ry", 0, x(0)).add("ry", 1, x(1))
               .add("ry", 0, w(0)).add("cx", (0, 1)).add("ry", 1, w(1)))
    model = QNNClassifier(circuit=circuit, epochs=1, batch_size=6, noise=NOISE,
                          trajectories=3).fit(X, y)
    assert QuantumModel.from_project(model.project_).noise_engine == "trajectories"
    np.testing.assert_array_equal(model.predict_proba(X[:2]), model.predict_proba(X[:2]))
