"""The estimators inside scikit-learn's own tools: pipelines, grid search, cross-validation and
``clone`` (real engine, small settings)."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from qmlstudio.core import CircuitError
from qmlstudio.ml.data.generators import make_moons, make_sine
from qmlstudio.ml.estimators import QNNClassifier, QNNRegressor


@pytest.fixture(scope="module")
def moons():
    data = make_moons(60, noise=0.1, seed=3)
    return data.features, np.array(["lower", "upper"])[data.labels]


def small_classifier(**params):
    settings = {"n_qubits": 2, "layers": 2, "reuploading": True, "epochs": 4,
                "learning_rate": 0.2}
    return QNNClassifier(**{**settings, **params})


def test_a_pipeline_with_a_scaler_fits_and_scores(moons):
    X, y = moons
    pipeline = make_pipeline(StandardScaler(), small_classifier()).fit(X, y)
    classifier = pipeline[-1]
    assert list(classifier.classes_) == ["lower", "upper"] and classifier.n_features_in_ == 2
    # The classifier saw the scaled features: its predictions are those of the pipeline.
    scaled = pipeline[0].transform(X)
    np.testing.assert_array_equal(pipeline.predict(X), classifier.predict(scaled))
    assert pipeline.score(X, y) == np.mean(pipeline.predict(X) == y) > 0.7


def test_cross_validation_in_a_pipeline_gives_finite_scores(moons):
    X, y = moons
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    scores = cross_val_score(make_pipeline(StandardScaler(), small_classifier()), X, y,
                             cv=folds)
    assert scores.shape == (3,) and np.isfinite(scores).all() and scores.min() > 0.5


def test_grid_search_over_learning_rate_and_layers(moons):
    X, y = moons
    search = GridSearchCV(small_classifier(epochs=2),
                          {"learning_rate": [0.05, 0.3], "layers": [1, 2]},
                          cv=StratifiedKFold(n_splits=2), error_score="raise").fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 4 and np.isfinite(scores).all()
    assert search.best_params_["layers"] in (1, 2)
    best = search.best_estimator_
    assert best.layers == search.best_params_["layers"] and best.project_.is_trained


def test_a_clone_refits_to_the_same_model_and_unfitted(moons):
    X, y = moons
    fitted = small_classifier(random_state=5).fit(X, y)
    copy = clone(fitted)
    assert not hasattr(copy, "project_") and copy.get_params() == fitted.get_params()
    assert copy.fit(X, y).project_.weights == fitted.project_.weights
    np.testing.assert_array_equal(copy.predict_proba(X), fitted.predict_proba(X))


def test_random_state_none_or_a_generator_draws_a_seed_per_fit(moons):
    X, y = moons
    runs = [small_classifier(epochs=1, random_state=None).fit(X, y) for _ in range(2)]
    assert runs[0].project_.weights != runs[1].project_.weights
    a = small_classifier(epochs=1, random_state=np.random.RandomState(1)).fit(X, y)
    b = small_classifier(epochs=1, random_state=np.random.RandomState(1)).fit(X, y)
    assert a.project_.weights == b.project_.weights


def test_a_regressor_in_a_pipeline():
    sine = make_sine(80, noise=0.05, seed=2)
    pipeline = make_pipeline(StandardScaler(), QNNRegressor(layers=3, reuploading=True,
                                                            epochs=10, learning_rate=0.1))
    pipeline.fit(sine.features, sine.labels)
    assert pipeline.predict(sine.features).shape == (80,)
    assert pipeline.score(sine.features, sine.labels) > 0.7


def test_no_encoding_sums_features_and_more_features_than_qubits_spread(moons):
    X, y = moons
    wide = np.hstack([X, X[:, ::-1] ** 2, X[:, :1] * X[:, 1:]])  # 5 features on 2 qubits
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no FeatureMergeWarning (nor any other)
        small_classifier(encoding="zz", epochs=1).fit(X, y)  # Havlíček's map: products
        small_classifier(encoding="iqp", epochs=1).fit(X, y)  # IQP: products too
        model = small_classifier(epochs=1).fit(wide, y)
    assert model.project_.circuit.n_features == 5 and model.project_.circuit.n_qubits == 2
    with pytest.raises(CircuitError, match="13 features need 3 encoding blocks"):
        small_classifier().fit(np.hstack([wide, wide, wide[:, :3]]), y)
