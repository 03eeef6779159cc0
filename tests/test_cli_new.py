"""``qmlstudio new``: the real command writes preset projects that ``qmlstudio train`` trains."""

import csv
import json

import numpy as np

from qmlstudio.core import DatasetSpec
from qmlstudio.io import load_project
from qmlstudio.ml.data.bundled import load_bundled
from qmlstudio.ml.models.presets import PRESETS, build_preset
from tests.test_cli import assert_one_line_error, cli


def test_list_names_every_preset_with_its_summary(tmp_path):
    result = cli("new", "--list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(PRESETS)
    for line, entry in zip(lines, PRESETS.values(), strict=True):
        assert entry.summary in line
    assert "new" in cli("--help", cwd=tmp_path).stdout


def test_new_writes_a_preset_project_that_train_trains(tmp_path):
    result = cli("new", "--model", "reuploading", "--separable", "--layers", "3", "--data",
                 "iris", "-o", "iris.qmlproj", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "train it with 'qmlstudio train iris.qmlproj'" in result.stdout
    project = load_project(tmp_path / "iris.qmlproj")
    built = build_preset("reuploading", 4, None, 3, n_classes=3, separable=True)
    assert project.circuit == built.circuit and not project.is_trained
    assert (project.model.readout, project.model.observables) == ("linear", ("Z0", "Z1"))
    assert project.dataset == DatasetSpec.builtin("iris")
    assert project.training.weight_init == "small" and project.name == "iris"
    trained = cli("train", "iris.qmlproj", "--epochs", "10", "--json", "-q", cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    assert json.loads(trained.stdout)["test_accuracy"] >= 0.7
    assert load_project(tmp_path / "iris.qmlproj").is_trained


def test_new_on_a_csv_with_its_label_column_and_qubits(tmp_path):
    data = load_bundled("wine")
    with open(tmp_path / "wine.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", *data.feature_names])  # the label first, not last
        writer.writerows([[label, *row] for label, row in zip(data.labels, data.features,
                                                              strict=True)])
    result = cli("new", "--model", "dressed", "--qubits", "3", "--data", "wine.csv",
                 "--label", "kind", "-o", "w.qmlproj", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = load_project(tmp_path / "w.qmlproj")
    assert project.circuit.n_qubits == 3 and project.circuit.n_features == 13
    assert project.dataset.kind == "csv" and project.dataset.label_column == "kind"
    assert project.model.class_labels == (0, 1, 2)
    trained = cli("train", "w.qmlproj", "--epochs", "3", "--json", "-q", cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr


def test_regression_data_gets_a_regressor(tmp_path):
    rows = np.random.default_rng(0).uniform(-1, 1, (30, 3))
    np.savetxt(tmp_path / "r.csv", rows, delimiter=",", header="a,b,y", comments="")
    result = cli("new", "--model", "iqp", "--data", "r.csv", "--task", "regression", "-o",
                 "r.qmlproj", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = load_project(tmp_path / "r.qmlproj")
    assert project.model.task == "regression" and project.training.loss == "mse"
    assert project.model.observables == ("Z0 Z1",) and project.circuit.n_qubits == 2


def test_bad_requests_are_one_line_errors(tmp_path):
    (tmp_path / "taken.qmlproj").write_text("keep me")
    assert_one_line_error(cli("new", "--data", "iris", "-o", "x.qmlproj", cwd=tmp_path), 2,
                          "missing --model (or --list)")
    assert_one_line_error(cli("new", "--model", "qcnn", "--data", "iris", "-o", "x.qmlproj",
                              cwd=tmp_path), 2,
                          "unknown preset 'qcnn'; choose one of reuploading, circuit_centric")
    assert_one_line_error(cli("new", "--model", "iqp", "--data", "nope", "-o", "x.qmlproj",
                              cwd=tmp_path), 1, "'nope' is neither a built-in data set")
    assert_one_line_error(cli("new", "--model", "reuploading", "--qubits", "1", "--data",
                              "iris", "-o", "x.qmlproj", cwd=tmp_path), 1,
                          "4 features need at least 2 qubits")
    assert_one_line_error(cli("new", "--model", "iqp", "--data", "iris", "-o",
                              "taken.qmlproj", cwd=tmp_path), 1, "the file exists")
    assert (tmp_path / "taken.qmlproj").read_text() == "keep me"
    assert not (tmp_path / "x.qmlproj").exists()
