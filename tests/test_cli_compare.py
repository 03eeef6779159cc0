"""``qmlstudio compare`` on a real project file."""

import json
from pathlib import Path

import pytest

from qmlstudio.core import DatasetSpec, Preprocessing, Project, TrainingConfig
from qmlstudio.io import load_project, save_project
from qmlstudio.ml.evaluation.comparison import comparison_is_current
from qmlstudio.ml.models.templates import build_model_circuit
from tests.test_cli import assert_one_line_error, cli


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    project = Project(build_model_circuit(2, 2, layers=1), name="moons",
                      dataset=DatasetSpec.builtin("moons", n_samples=60, noise=0.1),
                      preprocessing=Preprocessing(test_fraction=0.3),
                      training=TrainingConfig(epochs=3, learning_rate=0.1, seed=4))
    path = tmp_path / "moons.qmlproj"
    save_project(project, path)
    return path


def test_compare_prints_the_table_and_saves_the_result(small_project):
    result = cli("compare", small_project, "--seeds", "2", "--folds", "2", cwd=small_project.parent)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("  ")[0] == "Model" and "Test accuracy" in lines[0]
    names = [line.split("  ")[0] for line in lines[1:6]]
    assert names == ["Quantum model", "Logistic regression", "RBF SVM", "MLP", "Random forest"]
    assert lines[6].startswith("Test accuracy over 2 seeds: quantum model ")
    assert "fit 1/" in result.stderr and "comparison saved" in result.stderr
    saved = load_project(small_project)
    assert saved.comparison.seeds == (4, 5) and saved.comparison.folds == 2
    assert comparison_is_current(saved)
    quantum = saved.comparison.quantum
    assert f"{quantum.test_mean:.3f} ± {quantum.test_spread:.3f}" in lines[1]


def test_compare_json_is_one_object(small_project):
    result = cli("compare", small_project, "--seeds", "1", "--folds", "2", "--json", "-q",
                 cwd=small_project.parent)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    summary = json.loads(result.stdout)
    assert summary["metric"] == "accuracy" and summary["seeds"] == [4]
    keys = [model["key"] for model in summary["models"]]
    assert keys == ["quantum", "logistic_regression", "svm_rbf", "mlp", "random_forest"]
    saved = load_project(small_project).comparison
    for model, stored in zip(summary["models"], saved.models, strict=True):
        assert model["test_scores"] == [run.test_score for run in stored.runs]
        assert model["best_params"] == dict(stored.best_params)
    assert summary["verdict"].startswith("Test accuracy over 1 seed:")


def test_compare_errors_are_one_line(tmp_path, small_project):
    assert_one_line_error(cli("compare", tmp_path / "none.qmlproj", cwd=tmp_path), 1,
                          "none.qmlproj: file not found")
    assert_one_line_error(cli("compare", small_project, "--folds", "1", cwd=tmp_path), 2,
                          "--folds: expected an integer of at least 2, got '1'")
    assert_one_line_error(cli("compare", small_project, "--seeds", "x", cwd=tmp_path), 2,
                          "--seeds: expected an integer of at least 1, got 'x'")
    assert_one_line_error(cli("compare", small_project, "--folds", "30", cwd=tmp_path), 1,
                          "moons.qmlproj: folds: 30 stratified folds need at least 30 training "
                          "rows of every class")
    untested = tmp_path / "untested.qmlproj"
    save_project(Project(build_model_circuit(2, 2), preprocessing=Preprocessing(
        test_fraction=0.0)), untested)
    before = untested.read_bytes()
    assert_one_line_error(cli("compare", untested, cwd=tmp_path), 1,
                          "untested.qmlproj: preprocessing.test_fraction: a comparison scores "
                          "every model on the test part")
    assert untested.read_bytes() == before
