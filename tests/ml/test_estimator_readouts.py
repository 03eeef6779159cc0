"""The estimators' ``readout=`` and ``observables=``: what each setting reads, that a linear
readout over every qubit learns at least as well as ⟨Z0⟩ with the same seed, and that a bad
setting is refused by ``fit`` (the constructor only stores it)."""

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_moons
from sklearn.model_selection import train_test_split

from qmlstudio.core import ProjectError
from qmlstudio.ml.estimators import QNNClassifier, QNNRegressor
from qmlstudio.ml.models.quantum_model import QuantumModel


def _split(X, y):
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


@pytest.mark.parametrize(("name", "n_qubits"), [("moons", 4), ("iris", None)])
def test_a_linear_readout_over_every_qubit_learns_at_least_as_well_as_z0(name, n_qubits):
    X, y = make_moons(200, noise=0.15, random_state=0) if name == "moons" else \
        load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = _split(X, y)
    scores = {}
    for readout in ("expval", "linear"):
        model = QNNClassifier(n_qubits=n_qubits, readout=readout, epochs=30, random_state=0)
        scores[readout] = model.fit(X_train, y_train).score(X_test, y_test)
    assert model.project_.model.observables == tuple(f"Z{q}" for q in range(4))
    assert scores["linear"] >= scores["expval"] >= 0.8, scores


@pytest.mark.parametrize(("readout", "observables", "expected"), [
    ("expval", None, ("Z0", "Z1", "Z2")),
    ("linear", None, ("Z0", "Z1", "Z2", "Z3")),
    ("linear", "all", ("Z0", "Z1", "Z2", "Z3")),
    ("linear", [1, 3], ("Z1", "Z3")),
    ("linear", ["Z0 Z1", "X2"], ("Z0 Z1", "X2")),
    ("parity", ["Z0 Z1", "Z2", "Z1 Z3"], ("Z0 Z1", "Z2", "Z1 Z3")),
])
def test_what_a_classifier_reads(readout, observables, expected):
    X, y = load_iris(return_X_y=True)
    model = QNNClassifier(readout=readout, observables=observables, layers=1, epochs=1,
                          random_state=0).fit(X, y)
    spec = model.project_.model
    assert (spec.readout, spec.observables) == (readout, expected)
    # The fitted model predicts through the trained readout it saved.
    project = model.project_
    exact = QuantumModel.from_project(project)
    features = model.model_.preprocess(X[:5])
    np.testing.assert_allclose(model.predict_proba(X[:5]),
                               exact.predict_proba(features, project.weights, project.readout),
                               atol=1e-12)


@pytest.mark.parametrize(("readout", "observables", "expected", "n_readout"), [
    ("parity", None, ("Z0 Z1 Z2",), 2),
    ("parity", [0, 2], ("Z0 Z2",), 2),
    ("linear", "all", ("Z0", "Z1", "Z2"), 4),
])
def test_what_a_regressor_reads(readout, observables, expected, n_readout):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (40, 3))
    y = np.sin(X.sum(1))
    model = QNNRegressor(readout=readout, observables=observables, layers=1, epochs=3,
                         random_state=0).fit(X, y)
    assert model.project_.model.observables == expected
    readout_params = model.project_.readout
    assert len(readout_params.scale + readout_params.weights + readout_params.bias) == n_readout
    assert np.isfinite(model.predict(X)).all()


@pytest.mark.parametrize(("params", "message"), [
    ({"readout": "softmax"}, "readout: must be one of 'expval', 'parity', 'linear'"),
    ({"observables": "every"}, "observables: 'every' is not 'all'"),
    ({"readout": "linear", "observables": [0, 5]}, "observables: qubit 5 is not one of"),
    ({"readout": "linear", "observables": [0, "Z1"]}, "observables: expected None, 'all'"),
    ({"readout": "linear", "observables": []}, "observables: expected None, 'all'"),
    ({"observables": [0]}, "1 observables for 3 classes"),
])
def test_bad_readout_settings_are_refused_by_fit(params, message):
    X, y = load_iris(return_X_y=True)
    model = QNNClassifier(epochs=1, **params)
    assert model.get_params()["observables"] == params.get("observables")  # stored untouched
    with pytest.raises(ProjectError, match=message):
        model.fit(X, y)
