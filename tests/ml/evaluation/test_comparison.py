"""The quantum-vs-classical comparison, checked against scikit-learn's GridSearchCV run
independently on the same split and folds (real engine, real estimators)."""

import warnings
from dataclasses import replace

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from qmlstudio.core import (
    DatasetError,
    DatasetSpec,
    Interrupted,
    ModelSpec,
    Preprocessing,
    Project,
    ProjectError,
    TrainingConfig,
)
from qmlstudio.ml.estimators import QNNClassifier
from qmlstudio.ml.evaluation.comparison import (
    BASELINE_GRIDS,
    LEARNING_RATE_FACTORS,
    compare_models,
    comparison_is_current,
    project_fingerprint,
)
from qmlstudio.ml.models.templates import build_model_circuit
from qmlstudio.ml.training.prepared_data import prepare_training_data
from qmlstudio.ml.training.trainer import Trainer

SEEDS, FOLDS = 2, 2


def small_moons(**changes) -> Project:
    """Two qubits, one layer, 72 moons rows (54 to train, 18 to test), 4 epochs."""
    fields = {
        "name": "small moons",
        "dataset": DatasetSpec.builtin("moons", n_samples=72, noise=0.15, seed=2),
        "preprocessing": Preprocessing(test_fraction=0.25, split_seed=3),
        "model": ModelSpec(),
        "training": TrainingConfig(epochs=4, learning_rate=0.1, batch_size=16, seed=5),
    }
    fields.update(changes)
    return Project(build_model_circuit(2, 2, "angle", "strongly_entangling", 1, False),
                   **fields)


@pytest.fixture(scope="module")
def compared():
    """The project, its comparison and the progress reports it made."""
    project = small_moons()
    reports = []
    result = compare_models(project, seeds=SEEDS, folds=FOLDS,
                            progress=lambda *report: reports.append(report))
    return project, result, reports


def _split(project):
    data = prepare_training_data(replace(project, preprocessing=replace(
        project.preprocessing, validation_fraction=0.0)))
    return data.X_train, data.y_train, data.X_test, data.y_test


def _independent(estimator, grid, project, seed):
    """scikit-learn's own search on the project's split: (best params without the pipeline
    prefix, best CV score, test accuracy)."""
    X_train, y_train, X_test, y_test = _split(project)
    search = GridSearchCV(estimator, grid, cv=StratifiedKFold(FOLDS, shuffle=True,
                                                              random_state=seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_train, y_train)
    # Saved as JSON scalars: a layer-size tuple or a None depth as its text.
    params = {name.rpartition("__")[2]: value if isinstance(value, int | float | str)
              else repr(value) for name, value in search.best_params_.items()}
    return params, search.best_score_, search.best_estimator_.score(X_test, y_test)


def _model(result, key):
    return next(model for model in result.models if model.key == key)


@pytest.mark.parametrize(("key", "build"), [
    ("logistic_regression", lambda seed: LogisticRegression()),
    ("svm_rbf", lambda seed: SVC(kernel="rbf")),
    ("mlp", lambda seed: MLPClassifier((16,), solver="lbfgs", max_iter=300, random_state=seed)),
    ("random_forest", lambda seed: RandomForestClassifier(50, random_state=seed)),
])
def test_every_baseline_matches_an_independent_grid_search(compared, key, build):
    project, result, _ = compared
    model = _model(result, key)
    for run in model.runs:
        pipeline = make_pipeline(StandardScaler(), build(run.seed))
        step = pipeline.steps[-1][0]
        grid = {f"{step}__{name}": values
                for name, values in BASELINE_GRIDS["classification"][key].items()}
        params, cv_score, test_score = _independent(pipeline, grid, project, run.seed)
        assert dict(run.best_params) == params
        assert run.cv_score == pytest.approx(cv_score, abs=1e-12)
        assert run.test_score == pytest.approx(test_score, abs=1e-12)


def test_the_quantum_model_is_the_projects_circuit_searched_like_any_estimator(compared):
    project, result, _ = compared
    quantum = result.quantum
    assert quantum is result.models[0] and quantum.key == "quantum"
    training = project.training
    for run in quantum.runs:
        estimator = QNNClassifier(circuit=project.circuit, epochs=training.epochs,
                                  batch_size=training.batch_size, scaling="none",
                                  weight_init=training.weight_init, random_state=run.seed)
        grid = {"learning_rate": [training.learning_rate * f for f in LEARNING_RATE_FACTORS]}
        params, cv_score, test_score = _independent(estimator, grid, project, run.seed)
        assert dict(run.best_params) == params
        assert run.cv_score == pytest.approx(cv_score, abs=1e-12)
        assert run.test_score == pytest.approx(test_score, abs=1e-12)
        # Circuit weights plus the trained readout's scale and bias.
        assert run.n_params == project.circuit.n_weights + 2
    assert quantum.size_unit == "weights"


def test_the_table_summaries_are_computed_from_the_seed_runs(compared):
    _, result, _ = compared
    assert result.metric == "accuracy" and result.folds == FOLDS
    assert result.seeds == (5, 6)  # training.seed and the next
    assert [m.key for m in result.models] == ["quantum", "logistic_regression", "svm_rbf",
                                              "mlp", "random_forest"]
    for model in result.models:
        scores = np.array([run.test_score for run in model.runs])
        assert model.test_mean == pytest.approx(scores.mean())
        assert model.test_spread == pytest.approx(scores.std(ddof=1))
        assert all(run.fit_seconds > 0 and run.search_seconds > run.fit_seconds
                   for run in model.runs)
    forest = _model(result, "random_forest")
    assert forest.size_unit == "tree nodes" and forest.n_params > 50
    assert _model(result, "svm_rbf").size_unit == "support vectors"
    assert _model(result, "logistic_regression").n_params == 3  # two coefficients, intercept
    assert _model(result, "mlp").size_unit == "weights"


def test_progress_counts_every_fit_and_ends_complete(compared):
    _, _, reports = compared
    done = [report[0] for report in reports]
    total = reports[0][1]
    # Per seed: every candidate on every fold, plus one refit per model.
    per_seed = (len(LEARNING_RATE_FACTORS) * FOLDS + 1) + (5 * FOLDS + 1) + (12 * FOLDS + 1) \
        + (9 * FOLDS + 1) + (6 * FOLDS + 1)
    assert total == SEEDS * per_seed
    assert done == list(range(1, total + 1))
    assert "seed 5" in reports[0][2] and "Random forest, seed 6" in reports[-1][2]


def test_cancel_stops_between_fits():
    reports = []
    with pytest.raises(Interrupted, match="cancelled after 7 of"):
        compare_models(small_moons(), seeds=1, folds=FOLDS,
                       progress=lambda *report: reports.append(report),
                       cancelled=lambda: len(reports) >= 7)
    assert len(reports) == 7


def test_cancel_before_the_first_fit_fits_nothing():
    with pytest.raises(Interrupted, match="after 0 of"):
        compare_models(small_moons(), seeds=1, folds=FOLDS, cancelled=lambda: True)


@pytest.mark.parametrize(("changes", "kwargs", "error", "message"), [
    ({"preprocessing": Preprocessing(test_fraction=0.0)}, {}, ProjectError,
     "preprocessing.test_fraction: a comparison scores every model on the test part"),
    ({}, {"folds": 40}, DatasetError,
     "folds: 40 stratified folds need at least 40 training rows of every class; the smallest "
     "class has 27"),
    ({}, {"folds": 1}, ProjectError, "folds: expected at least 2 folds, got 1"),
    ({}, {"seeds": 0}, ProjectError, "seeds: expected a positive number of seeds, got 0"),
])
def test_bad_input_is_named(changes, kwargs, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(")):
        compare_models(small_moons(**changes), **kwargs)


def test_regression_is_scored_by_r2():
    project = small_moons(dataset=DatasetSpec.builtin("sine", n_samples=40, seed=1),
                          model=ModelSpec(task="regression"),
                          training=TrainingConfig(loss="mse", epochs=3, seed=0))
    project = replace(project, circuit=build_model_circuit(1, 1, "angle", "strongly_entangling",
                                                           1, False))
    result = compare_models(project, seeds=1, folds=2)
    assert result.metric == "r2"
    linear = _model(result, "linear_regression")
    assert linear.best_params == () and linear.n_params == 2
    assert _model(result, "svr_rbf").size_unit == "support vectors"
    assert result.quantum.runs[0].n_params == project.circuit.n_weights + 2


def test_the_fingerprint_follows_circuit_data_and_settings_but_not_training():
    project = small_moons()
    stamp = project_fingerprint(project)
    trained = Trainer(project, epochs=1)
    for _ in trained:
        pass
    assert project_fingerprint(trained.result_project()) == stamp
    assert project_fingerprint(replace(project, name="renamed")) == stamp
    assert project_fingerprint(project.with_circuit(project.circuit.add("h", 0))) != stamp
    other_data = replace(project, dataset=DatasetSpec.builtin("moons", n_samples=72, seed=3))
    assert project_fingerprint(other_data) != stamp
    slower = replace(project, training=replace(project.training, learning_rate=0.01))
    assert project_fingerprint(slower) != stamp


def test_a_stored_comparison_is_current_until_the_circuit_changes(compared):
    project, result, _ = compared
    assert not comparison_is_current(project)
    stored = replace(project, comparison=result)
    assert comparison_is_current(stored)
    assert not comparison_is_current(stored.with_circuit(stored.circuit.add("h", 1)))


def test_the_estimator_trains_the_circuit_it_is_given():
    project = small_moons()
    X_train, y_train, _, _ = _split(project)
    estimator = QNNClassifier(circuit=project.circuit, epochs=2, scaling="none")
    assert clone(estimator).get_params()["circuit"] == project.circuit
    estimator.fit(X_train, y_train)
    assert estimator.project_.circuit == project.circuit
    with pytest.raises(ProjectError, match="circuit: expected a Circuit or None, got str"):
        QNNClassifier(circuit="ry(x0)").fit(X_train, y_train)
