"""The estimators' ``threads`` parameter reaches the engine and does not change the model."""

import numpy as np
import pytest
from sklearn.base import clone

from qmlstudio.core import CircuitError
from qmlstudio.engine import thread_cap, threads_used
from qmlstudio.ml.data.generators import make_moons, make_sine
from qmlstudio.ml.estimators import QNNClassifier, QNNRegressor

TWO = min(2, thread_cap())


def test_a_classifier_fits_and_predicts_on_the_threads_given_with_the_same_model():
    data = make_moons(40, noise=0.1, seed=3)
    settings = {"n_qubits": 2, "layers": 1, "epochs": 2, "learning_rate": 0.2}
    one = QNNClassifier(threads=1, **settings).fit(data.features, data.labels)
    assert threads_used() == 1
    two = QNNClassifier(threads=2, **settings).fit(data.features, data.labels)
    assert threads_used() == TWO  # a small circuit: automatic would take one thread
    np.testing.assert_array_equal(one.project_.weights, two.project_.weights)
    probabilities = two.predict_proba(data.features)
    assert threads_used() == TWO
    np.testing.assert_array_equal(one.predict_proba(data.features), probabilities)
    assert threads_used() == 1
    assert clone(two).get_params()["threads"] == 2


def test_a_regressor_takes_threads_too():
    data = make_sine(20, seed=2)
    model = QNNRegressor(n_qubits=1, layers=1, epochs=1, threads=2).fit(data.features,
                                                                       data.labels)
    assert threads_used() == TWO
    model.predict(data.features)
    assert threads_used() == TWO


@pytest.mark.parametrize("bad", [0, -1, "x"])
def test_a_bad_thread_count_is_refused_at_fit(bad):
    data = make_moons(10, noise=0.1, seed=3)
    with pytest.raises(CircuitError, match="threads must be a positive integer or 'auto'"):
        QNNClassifier(threads=bad).fit(data.features, data.labels)
