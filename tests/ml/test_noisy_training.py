"""Training, prediction and files under a noise model: the trainer, the estimators and saved
models use the exact density-matrix engine (itself checked against Qiskit Aer and PennyLane
default.mixed in tests/engine)."""

import numpy as np
import pytest

from qmlstudio.core import ProjectError
from qmlstudio.core.noise import NoiseModel
from qmlstudio.engine import density_expval, expval
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
    for settings, what in [({"shots": 100, "gradient_method": "parameter-shift"}, "shots"),
                           ({"gradient_method": "parameter-shift"}, "parameter-shift"),
                           ({"encoding": "amplitude"}, "amplitude encoding")]:
        with pytest.raises(ProjectError, match=f"noise: .*cannot use .*{what}"):
            QNNClassifier(n_qubits=2, layers=1, epochs=1, noise=NOISE, **settings).fit(X, y)
