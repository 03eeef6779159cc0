"""The scikit-learn estimators: learning, the parameter protocol ``clone`` relies on, fitted
attributes, input checks, and the trained project they carry."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import log_loss

from qmlstudio.core import DatasetError, ProjectError
from qmlstudio.io import load_project, save_project
from qmlstudio.ml.data.bundled import load_bundled
from qmlstudio.ml.data.generators import make_moons, make_sine
from qmlstudio.ml.estimators import QNNClassifier, QNNRegressor
from qmlstudio.ml.training.trainer import train


def split(X, y, n_train):
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]


def test_classifier_learns_moons_with_text_labels():
    moons = make_moons(120, noise=0.1, seed=4)
    names = np.array(["lower", "upper"])[moons.labels]
    X_train, X_test, y_train, y_test = split(moons.features, names, 60)
    model = QNNClassifier(n_qubits=2, layers=3, reuploading=True, epochs=10,
                          learning_rate=0.1)
    assert model.fit(X_train, y_train) is model
    assert list(model.classes_) == ["lower", "upper"] and model.n_features_in_ == 2
    majority = max(np.mean(y_test == "lower"), np.mean(y_test == "upper"))
    assert model.score(X_test, y_test) >= majority + 0.2
    proba = model.predict_proba(X_test)
    assert proba.shape == (60, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X_test), model.classes_[proba.argmax(axis=1)])
    assert model.history_.stop_reason == "completed" and len(model.history_.records) == 10


def test_multiclass_iris_reads_one_qubit_per_class():
    iris = load_bundled("iris")
    order = np.random.default_rng(0).permutation(iris.n_samples)
    labels = np.array(iris.class_labels)[iris.labels[order]]
    X_train, X_test, y_train, y_test = split(iris.features[order], labels, 100)
    model = QNNClassifier(layers=2, epochs=10, learning_rate=0.1).fit(X_train, y_train)
    assert model.project_.model.observables == ("Z0", "Z1", "Z2")
    assert model.predict_proba(X_test).shape == (50, 3)
    assert model.score(X_test, y_test) >= 0.8


def test_regressor_fits_a_sine():
    sine = make_sine(120, noise=0.05, seed=1)
    X_train, X_test, y_train, y_test = split(sine.features, sine.labels, 80)
    model = QNNRegressor(layers=3, reuploading=True, epochs=15, learning_rate=0.1)
    model.fit(X_train, y_train)
    assert model.score(X_test, y_test) > 0.8
    assert model.predict(X_test).shape == (40,)
    assert not hasattr(model, "classes_")


def test_parameters_follow_the_scikit_learn_protocol():
    model = QNNClassifier(layers=3, random_state=7)
    params = model.get_params()
    assert params["layers"] == 3 and params["random_state"] == 7 and params["n_qubits"] is None
    assert model.set_params(layers=1, epochs=2) is model
    assert (model.layers, model.epochs) == (1, 2)
    copy = clone(model)
    assert copy.get_params() == model.get_params() and copy is not model
    assert repr(copy) == "QNNClassifier(epochs=2, layers=1, random_state=7)"
    with pytest.raises(ValueError, match="Invalid parameter 'depth'"):
        model.set_params(depth=2)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        model.predict([[0.0, 1.0]])
    bad = QNNClassifier(optimizer="lbfgs")  # checked when fitting, as scikit-learn does
    with pytest.raises(ProjectError, match="optimizer"):
        bad.fit([[0.0], [1.0], [0.5], [0.2]], [0, 1, 1, 0])


def test_same_random_state_same_model():
    moons = make_moons(40, seed=1)
    a = QNNClassifier(epochs=2).fit(moons.features, moons.labels)
    b = QNNClassifier(epochs=2).fit(moons.features, moons.labels)
    assert a.project_.weights == b.project_.weights
    c = QNNClassifier(epochs=2, random_state=1).fit(moons.features, moons.labels)
    assert c.project_.weights != a.project_.weights


def test_bad_inputs():
    model = QNNClassifier(epochs=1)
    with pytest.raises(DatasetError, match=r"y has 1 class \['a'\]"):
        model.fit([[0.0], [1.0]], ["a", "a"])
    with pytest.raises(DatasetError, match="inconsistent numbers of samples"):
        model.fit([[0.0], [1.0]], [0])
    with pytest.raises(DatasetError, match=r"^QNNClassifier: Input X contains NaN"):
        model.fit([[np.nan], [1.0]], [0, 1])
    with pytest.raises(DatasetError, match="Unknown label type: continuous"):
        model.fit([[0.0], [1.0]], [0.5, 1.5])
    with pytest.raises(DatasetError, match="Expected 2D array, got 1D array"):
        model.fit([0.0, 1.0], [0, 1])
    model.fit([[0.0, 1.0], [1.0, 0.0], [0.2, 0.9], [0.8, 0.1]], [0, 1, 0, 1])
    with pytest.raises(DatasetError, match="X has 3 features, but QNNClassifier is expecting 2"):
        model.predict([[0.0, 1.0, 2.0]])
    with pytest.raises(ProjectError, match="3 classes need one qubit each"):
        QNNClassifier(n_qubits=2).fit(np.eye(3), [0, 1, 2])


def test_the_fitted_project_saves_loads_and_trains_on(tmp_path):
    moons = make_moons(40, seed=2)
    model = QNNClassifier(epochs=2).fit(moons.features, moons.labels)
    path = tmp_path / "fitted.qmlproj"
    save_project(model.project_, path)
    loaded = load_project(path)
    assert loaded == model.project_
    more = train(loaded, epochs=1)
    assert [r.epoch for r in more.history.records] == [1, 2, 3]


def test_the_training_rows_are_measured_at_the_end_unless_every_epoch_is_asked_for():
    moons = make_moons(60, noise=0.1, seed=3)
    settings = {"n_qubits": 2, "layers": 1, "epochs": 4, "learning_rate": 0.2}
    lean = QNNClassifier(**settings).fit(moons.features, moons.labels)
    full = QNNClassifier(**settings, measure_every_epoch=True).fit(moons.features,
                                                                   moons.labels)
    assert lean.project_.weights == full.project_.weights  # measuring changes no training
    assert lean.history_.series("train_loss")[:-1] == (None,) * 3
    assert lean.history_.records[-1] == full.history_.records[-1]
    assert None not in full.history_.series("train_loss")
    assert lean.history_.series("batch_loss") == full.history_.series("batch_loss")
    batch = lean.history_.series("batch_loss")  # the epochs' mean mini-batch loss
    assert None not in batch and batch[-1] < batch[0]
    # The last record's training loss: the cross-entropy of the final model on every row.
    assert lean.history_.records[-1].get("train_loss") == pytest.approx(
        log_loss(moons.labels, lean.predict_proba(moons.features)), rel=1e-9)
    with pytest.raises(ProjectError, match="measure_every_epoch: expected True or False"):
        QNNClassifier(**settings, measure_every_epoch="yes").fit(moons.features, moons.labels)


def test_early_stopping_without_validation_rows_measures_the_training_rows_every_epoch():
    moons = make_moons(60, noise=0.1, seed=3)
    model = QNNClassifier(n_qubits=2, layers=1, epochs=3, early_stopping_patience=5).fit(
        moons.features, moons.labels)
    assert None not in model.history_.series("train_loss")


def test_validation_fraction_is_the_project_validation_split():
    moons = make_moons(80, noise=0.1, seed=3)
    model = QNNClassifier(n_qubits=2, layers=2, reuploading=True, epochs=30,
                          learning_rate=0.3, validation_fraction=0.25,
                          early_stopping_patience=2).fit(moons.features, moons.labels)
    pre = model.project_.preprocessing
    assert (pre.test_fraction, pre.validation_fraction) == (0.0, 0.25)
    record = model.history_.records[0]
    assert record.get("val_loss") is not None and record.get("test_loss") is None
    # 40 rows per class, 10 of each set aside: early stopping judges by them.
    assert model.history_.stop_reason.startswith("early stopping: val_loss did not improve")
    val = model.history_.series("val_loss")
    assert len(val) - 1 - int(np.argmin(val)) == 2


def test_predictions_of_a_model_trained_with_shots_are_exact_and_repeatable(tmp_path):
    moons = make_moons(40, seed=5)
    model = QNNClassifier(n_qubits=2, layers=1, epochs=1, shots=50,
                          gradient_method="parameter-shift").fit(moons.features, moons.labels)
    first = model.predict_proba(moons.features)
    np.testing.assert_array_equal(model.predict_proba(moons.features), first)
    # The same numbers as the model saved to a file (which predicts without shot noise).
    from qmlstudio.ml.export.model_file import load_model, save_model

    save_model(model.project_, tmp_path / "m.qmodel")
    np.testing.assert_allclose(load_model(tmp_path / "m.qmodel").predict_proba(moons.features),
                               first, rtol=0, atol=1e-15)
