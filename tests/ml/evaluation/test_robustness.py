"""Noise robustness without retraining: each row of the table equals an independent
evaluation — the engine's values under the scaled noise model read out by hand and scored by
scikit-learn — and strength 0 is the ideal model."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics import accuracy_score, f1_score, mean_squared_error, r2_score

from qmlstudio import noise_robustness
from qmlstudio.core import DatasetError, Interrupted
from qmlstudio.core.errors import NoiseError
from qmlstudio.core.noise import Channel, NoiseModel, NoiseRule
from qmlstudio.engine import density_expval, expval
from qmlstudio.ml.data.preprocessing import apply_preprocessing
from qmlstudio.ml.estimators import QNNClassifier, QNNRegressor

NOISE = NoiseModel.uniform_depolarizing(0.04, readout=0.03)


def _data(n=30, seed=5):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    return X, X[:, 0] * X[:, 1] > 0


@pytest.fixture(scope="module")
def noisy_classifier():
    X, y = _data()
    labels = np.where(y, "pos", "neg")
    return QNNClassifier(n_qubits=2, layers=1, epochs=2, random_state=2, noise=NOISE).fit(
        X, labels), X, labels


def _reference_values(project, X, noise):
    """<Z0> straight from the engine: statevector when ideal, density matrix otherwise."""
    Z = apply_preprocessing(project.preprocessing, X)
    weights = np.array(project.weights)
    if noise is None:
        return expval(project.circuit, Z, weights, project.model.observables)[:, 0]
    return density_expval(project.circuit, Z, weights, project.model.observables, noise)[:, 0]


def test_each_row_equals_a_direct_evaluation_under_the_scaled_model(noisy_classifier):
    clf, X, labels = noisy_classifier
    project = clf.project_
    table = noise_robustness(clf.model_, X, labels, strengths=[0, 0.5, 1, 3])
    assert table.strengths == (0.0, 0.5, 1.0, 3.0) and table.primary == "accuracy"
    assert table.noise_names[0] == "ideal" and table.noise_names[3].endswith("× 3")
    readout = project.readout
    for strength, row in zip(table.strengths, table.values, strict=True):
        noise = None if strength == 0 else NOISE.scaled(strength)
        logit = readout.scale[0] * _reference_values(project, X, noise) + readout.bias[0]
        predicted = np.where(logit > 0, clf.classes_[1], clf.classes_[0])
        assert row[0] == pytest.approx(accuracy_score(labels, predicted), abs=1e-12)
        assert row[1] == pytest.approx(f1_score(labels, predicted, pos_label=clf.classes_[1]),
                                       abs=1e-12)
        # ... and the same as predicting with the model under that noise model.
        under = clf.model_.with_noise(noise)
        assert row[0] == accuracy_score(labels, under.predict(X))
    # Strength 1 is the model the classifier was trained under: its own predictions.
    assert table.column("accuracy")[2] == clf.score(X, labels)
    # Strength 0 is the ideal model: the statevector simulator, exactly.
    ideal = clf.model_.with_noise(None)
    assert ideal.saved.noise is None
    assert table.column("accuracy")[0] == accuracy_score(labels, ideal.predict(X))
    # The estimator method is the same table.
    assert clf.noise_robustness(X, labels, strengths=[0, 0.5, 1, 3]) == table


def test_a_depolarizing_sweep_and_a_regressor():
    X, _ = _data(24, seed=9)
    target = np.sin(2 * X[:, 0]) * 0.8
    reg = QNNRegressor(n_qubits=2, layers=1, epochs=2, random_state=0).fit(X, target)
    with pytest.raises(NoiseError, match=r"trained without noise.*'depolarizing'"):
        reg.noise_robustness(X, target)
    table = reg.noise_robustness(X, target, noise="depolarizing", strengths=(0.0, 0.2))
    assert table.metrics == ("r2", "mse") and table.primary == "r2"
    assert table.noise_names == ("ideal", "uniform depolarizing p = 0.2")
    project = reg.project_
    for p, (r2, mse) in zip((0.0, 0.2), table.values, strict=True):
        noise = NoiseModel.uniform_depolarizing(p) if p else None
        predicted = project.readout.scale[0] * _reference_values(project, X, noise) \
            + project.readout.bias[0]
        assert r2 == pytest.approx(r2_score(target, predicted), abs=1e-10)
        assert mse == pytest.approx(mean_squared_error(target, predicted), abs=1e-12)
    assert table.column("r2")[0] == pytest.approx(reg.score(X, target), abs=1e-12)
    assert_allclose(table.column("mse")[0], np.mean((reg.predict(X) - target) ** 2))


def test_the_sweep_reports_each_strength_and_stops_between_strengths_when_cancelled(
        noisy_classifier):
    clf, X, labels = noisy_classifier
    reports = []
    table = noise_robustness(clf.model_, X, labels, strengths=[0, 1],
                             progress=lambda *report: reports.append(report))
    assert reports == [(1, 2, "ideal"), (2, 2, NOISE.name)]
    assert table == noise_robustness(clf.model_, X, labels, strengths=[0, 1])
    asked = []

    def cancelled():  # cancel once the first strength is done
        asked.append(len(reports))
        return len(asked) > 1

    reports.clear()
    with pytest.raises(Interrupted, match="cancelled after 1 of 3 strengths"):
        noise_robustness(clf.model_, X, labels, strengths=[0, 1, 2], cancelled=cancelled,
                         progress=lambda *report: reports.append(report))
    assert reports == [(1, 3, "ideal")]


def test_bad_requests_name_what_is_wrong(noisy_classifier):
    clf, X, labels = noisy_classifier
    with pytest.raises(NoiseError, match="strengths: each must be a finite number of at "
                                         "least 0, got -1"):
        noise_robustness(clf.model_, X, labels, strengths=[0, -1])
    with pytest.raises(NoiseError, match="at least one noise strength"):
        noise_robustness(clf.model_, X, labels, strengths=[])
    with pytest.raises(NoiseError, match="expected a NoiseModel or 'depolarizing'"):
        noise_robustness(clf.model_, X, labels, noise="thermal")
    with pytest.raises(NoiseError, match="depolarizing p: must lie in"):
        noise_robustness(clf.model_, X, labels, noise="depolarizing", strengths=[2.0])
    kraus = NoiseModel((NoiseRule(((Channel.kraus([np.eye(2)]), ()),)),), name="kraus")
    assert noise_robustness(clf.model_, X, labels, kraus, (0, 1)).noise_names == ("ideal",
                                                                                  "kraus")
    with pytest.raises(NoiseError, match="a general Kraus channel has no strength to scale"):
        noise_robustness(clf.model_, X, labels, kraus, (0, 1, 2))
    with pytest.raises(DatasetError, match=r"y\[1\]: 'maybe' is not one of the model's"):
        noise_robustness(clf.model_, X[:2], ["pos", "maybe"])
    with pytest.raises(DatasetError, match="expected 30 targets"):
        noise_robustness(clf.model_, X, labels[:5])
    with pytest.raises(DatasetError, match="labels among the fitted classes"):
        clf.noise_robustness(X[:2], ["pos", "maybe"])
