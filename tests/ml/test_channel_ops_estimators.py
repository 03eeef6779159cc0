"""scikit-learn estimators on a circuit holding channel operations: the density-matrix engine
trains it; with channels that do nothing (probabilities 0) training follows the ideal
statevector run to rounding, and real noise changes the result."""

import numpy as np
import pytest
from sklearn.datasets import make_moons

from qmlstudio.core import Circuit, ProjectError, w, x
from qmlstudio.ml.estimators import QNNClassifier


def _circuit(p: float | None) -> Circuit:
    circuit = Circuit(2).add("ry", 0, x(0)).add("ry", 1, x(1))
    if p is not None:
        circuit = circuit.add("depolarizing", 0, p).add("amplitude_damping", 1, p)
    return (circuit.add("ry", 0, w(0)).add("ry", 1, w(1)).add("cx", (0, 1))
            .add("ry", 0, w(2)).add("ry", 1, w(3)))


@pytest.fixture(scope="module")
def moons():
    return make_moons(24, noise=0.1, random_state=1)


def test_channels_that_do_nothing_train_like_the_ideal_circuit(moons):
    X, y = moons
    silent = QNNClassifier(circuit=_circuit(0.0), epochs=2, batch_size=8).fit(X, y)
    ideal = QNNClassifier(circuit=_circuit(None), epochs=2, batch_size=8).fit(X, y)
    assert silent.project_.circuit.has_channels and not ideal.project_.circuit.has_channels
    np.testing.assert_allclose(silent.predict_proba(X), ideal.predict_proba(X), atol=1e-10)
    noisy = QNNClassifier(circuit=_circuit(0.3), epochs=2, batch_size=8).fit(X, y)
    assert np.abs(noisy.predict_proba(X) - ideal.predict_proba(X)).max() > 1e-3


def test_settings_the_density_engine_cannot_honour_name_the_circuit(moons):
    X, y = moons
    with pytest.raises(ProjectError, match=r"circuit: it holds channel operations, and the "
                                           r"noisy simulator .* cannot use amplitude encoding"):
        QNNClassifier(circuit=Circuit(2).add("ry", 0, w(0)).add("bit_flip", 1, 0.1),
                      encoding="amplitude", epochs=1).fit(X, y)


def test_shots_and_parameter_shift_train_a_circuit_holding_channels(moons):
    X, y = moons
    settings = {"circuit": _circuit(0.05), "epochs": 2, "batch_size": 8, "shots": 500,
                "gradient_method": "parameter-shift", "random_state": 3}
    model = QNNClassifier(**settings).fit(X, y)
    again = QNNClassifier(**settings).fit(X, y)
    assert again.project_.weights == model.project_.weights  # seeded shots
    assert model.project_.weights != QNNClassifier(circuit=_circuit(0.05), epochs=2,
                                                    batch_size=8).fit(X, y).project_.weights
