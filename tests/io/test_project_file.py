""".qmlproj files: layout, round trips, CSV links, migrations and clear load errors."""

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from qmlstudio.core import (
    Circuit,
    CircuitError,
    DatasetSpec,
    ModelSpec,
    Operation,
    Preprocessing,
    Project,
    ProjectError,
    ReadoutParams,
    w,
)
from qmlstudio.io.dataset_link import csv_dataset, file_sha256, relink_dataset
from qmlstudio.io.project_codec import SCHEMA_VERSION
from qmlstudio.io.project_file import load_project, project_text, save_project
from tests.io.project_helpers import sample_project

CSV_TEXT = "x1,x2,label\n0.1,0.2,a\n0.3,0.4,b\n"


def _document(project: Project) -> dict:
    return json.loads(project_text(project))


def _write_document(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


# -- layout -----------------------------------------------------------------------------------
def test_file_layout_is_readable_and_ordered(tmp_path):
    path = tmp_path / "xor.qmlproj"
    save_project(sample_project(), path)
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    assert list(document) == ["format", "schema_version", "qmlstudio", "name", "circuit",
                              "dataset", "preprocessing", "model", "training", "weights",
                              "readout", "history", "versions", "comparison", "noise"]
    assert document["format"] == "qmlstudio-project"
    assert document["schema_version"] == SCHEMA_VERSION
    assert text.startswith('{\n  "format": "qmlstudio-project",\n')
    assert text.endswith("}\n")
    # one operation per line, parameters as numbers or {"weight"}/{"feature"} objects
    assert ('      {"gate": "ry", "wires": [1], "params": '
            '[{"feature": 1, "scale": 0.5, "offset": 0.1}]},\n') in text
    assert '      {"gate": "u3", "wires": [0], "params": [{"weight": 0}, {"weight": 1}, 0.25]},\n' \
        in text
    assert '      {"gate": "cx", "wires": [3, 0]}\n' in text
    # weights and readout parameters are stored apart
    assert len(document["weights"]) == 12
    assert document["readout"] == {"scale": [1.5, 1.25], "bias": [0.0, -0.125]}
    assert '      {"epoch": 3, "grad_norm": null, "test_accuracy": 0.8, ' in text


def test_round_trip_is_equal_and_byte_identical(tmp_path):
    project = sample_project()
    first, second = tmp_path / "a.qmlproj", tmp_path / "b.qmlproj"
    save_project(project, first)
    loaded = load_project(first)
    assert loaded == project
    save_project(loaded, second)
    assert first.read_bytes() == second.read_bytes()


def test_floats_keep_full_precision(tmp_path):
    weights = (0.1 + 0.2, 1e-300, -5e-324, 1.7976931348623157e308, 2.0 / 3.0, -0.0,
               123456789.123456789, 1e22, 3.141592653589793, 0.0, 1.0, 2.5)
    project = sample_project(weights=weights)
    path = tmp_path / "p.qmlproj"
    save_project(project, path)
    loaded = load_project(path)
    assert loaded.weights == weights
    assert [str(v) for v in loaded.weights] == [str(v) for v in weights]


def test_unicode_names_are_written_as_utf8(tmp_path):
    path = tmp_path / "p.qmlproj"
    save_project(sample_project(name="Klassifikator für Möwen — θ₀"), path)
    assert "Klassifikator für Möwen — θ₀".encode() in path.read_bytes()
    assert load_project(path).name == "Klassifikator für Möwen — θ₀"


def test_minimal_hand_written_file_opens_with_defaults(tmp_path):
    path = tmp_path / "hand.qmlproj"
    path.write_text('{"format": "qmlstudio-project", "schema_version": 1, "circuit": '
                    '{"n_qubits": 2, "operations": [{"gate": "CNOT", "wires": [0, 1]}, '
                    '{"gate": "ry", "wires": [1], "params": [1]}]}}', encoding="utf-8")
    project = load_project(path)
    assert project == Project(Circuit(2).add("cx", [0, 1]).add("ry", 1, 1.0))


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.qmlproj"
    path.write_bytes(b"\xef\xbb\xbf" + project_text(sample_project()).encode())
    assert load_project(path) == sample_project()


# -- CSV links --------------------------------------------------------------------------------
def _csv_project(csv_path: Path) -> Project:
    spec = csv_dataset(csv_path, "label", feature_columns=("x1", "x2"))
    return sample_project(dataset=spec)


def test_csv_beside_or_below_the_project_is_stored_relative(tmp_path):
    (tmp_path / "data").mkdir()
    csv_path = tmp_path / "data" / "points.csv"
    csv_path.write_text(CSV_TEXT)
    project = _csv_project(csv_path)
    assert project.dataset.sha256 == file_sha256(csv_path)
    save_project(project, tmp_path / "p.qmlproj")
    stored = json.loads((tmp_path / "p.qmlproj").read_text())["dataset"]
    assert stored["path"] == "data/points.csv"
    assert stored["sha256"] == project.dataset.sha256
    assert stored["label_column"] == "label" and stored["feature_columns"] == ["x1", "x2"]
    # the project moves together with its data: the relative path still resolves
    moved = tmp_path / "moved"
    shutil.copytree(tmp_path / "data", moved / "data")
    shutil.copy(tmp_path / "p.qmlproj", moved / "p.qmlproj")
    loaded = load_project(moved / "p.qmlproj")
    assert loaded.dataset.status == "ok"
    assert Path(loaded.dataset.path) == moved / "data" / "points.csv"
    save_project(loaded, moved / "p.qmlproj")
    assert (moved / "p.qmlproj").read_bytes() == (tmp_path / "p.qmlproj").read_bytes()


def test_csv_outside_the_project_folder_is_stored_absolute(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "projects").mkdir()
    csv_path = tmp_path / "data" / "points.csv"
    csv_path.write_text(CSV_TEXT)
    save_project(_csv_project(csv_path), tmp_path / "projects" / "p.qmlproj")
    stored = json.loads((tmp_path / "projects" / "p.qmlproj").read_text())["dataset"]["path"]
    assert stored == str(csv_path.absolute())
    assert load_project(tmp_path / "projects" / "p.qmlproj").dataset.status == "ok"


def test_missing_csv_opens_the_project_marked_missing(tmp_path):
    csv_path = tmp_path / "points.csv"
    csv_path.write_text(CSV_TEXT)
    project = _csv_project(csv_path)
    save_project(project, tmp_path / "p.qmlproj")
    csv_path.rename(tmp_path / "elsewhere.csv")
    loaded = load_project(tmp_path / "p.qmlproj")
    assert loaded.dataset.status == "missing"
    assert "points.csv" in loaded.dataset.message and "not found" in loaded.dataset.message
    assert loaded.circuit == project.circuit and loaded.weights == project.weights
    relinked = relink_dataset(loaded, tmp_path / "elsewhere.csv")
    assert relinked.dataset.status == "ok"
    assert relinked.dataset.path == str(tmp_path / "elsewhere.csv")
    assert relinked.dataset.label_column == "label"
    assert relinked.weights == project.weights
    save_project(relinked, tmp_path / "p.qmlproj")
    assert load_project(tmp_path / "p.qmlproj").dataset.status == "ok"


def test_changed_csv_opens_the_project_marked_changed(tmp_path):
    csv_path = tmp_path / "points.csv"
    csv_path.write_text(CSV_TEXT)
    save_project(_csv_project(csv_path), tmp_path / "p.qmlproj")
    csv_path.write_text(CSV_TEXT + "0.5,0.6,a\n")
    loaded = load_project(tmp_path / "p.qmlproj")
    assert loaded.dataset.status == "changed"
    assert "changed since the project was saved" in loaded.dataset.message
    relinked = relink_dataset(loaded, csv_path)
    assert relinked.dataset.status == "ok"
    assert relinked.dataset.sha256 == file_sha256(csv_path)


def test_a_csv_path_that_is_a_folder_is_missing(tmp_path):
    csv_path = tmp_path / "points.csv"
    csv_path.write_text(CSV_TEXT)
    save_project(_csv_project(csv_path), tmp_path / "p.qmlproj")
    csv_path.unlink()
    csv_path.mkdir()
    assert load_project(tmp_path / "p.qmlproj").dataset.status == "missing"


def test_relink_refuses_non_csv_and_unreadable_files(tmp_path):
    with pytest.raises(ProjectError, match="not a CSV file"):
        relink_dataset(sample_project(), tmp_path / "x.csv")
    csv_path = tmp_path / "points.csv"
    csv_path.write_text(CSV_TEXT)
    project = _csv_project(csv_path)
    with pytest.raises(ProjectError, match=r"nothing\.csv: file not found"):
        relink_dataset(project, tmp_path / "nothing.csv")


# -- migrations -------------------------------------------------------------------------------
SCHEMA_0 = """{
  "format": "qmlstudio-project",
  "schema_version": 0,
  "qmlstudio": "0.0.9",
  "name": "old moons",
  "circuit": {
    "qubits": 2,
    "operations": [
      {"gate": "ry", "wires": [0], "params": [{"feature": 0, "scale": 1.0, "offset": 0.0}]},
      {"gate": "ry", "wires": [1], "params": [{"weight": 0}]},
      {"gate": "cx", "wires": [0, 1]}
    ]
  },
  "dataset": {"kind": "builtin", "name": "moons", "params": {"noise": 0.1}},
  "model": {"task": "classification", "observables": ["Z1"], "class_labels": [0, 1],
            "output_scale": [2.0], "output_bias": [0.5]},
  "weights": [0.75]
}
"""


def test_a_schema_0_file_opens(tmp_path):
    path = tmp_path / "old.qmlproj"
    path.write_text(SCHEMA_0, encoding="utf-8")
    project = load_project(path)
    assert project.circuit.n_qubits == 2
    assert project.circuit.operations[1].params == (w(0),)
    assert project.model == ModelSpec(observables=("Z1",), class_labels=(0, 1))
    assert project.readout.scale == (2.0,) and project.readout.bias == (0.5,)
    assert project.weights == (0.75,)
    save_project(project, path)
    document = json.loads(path.read_text())
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["circuit"]["n_qubits"] == 2
    assert load_project(path) == project


SCHEMA_1_PREPROCESSING = """{
  "format": "qmlstudio-project",
  "schema_version": 1,
  "qmlstudio": "0.1.0",
  "circuit": {"n_qubits": 1,
              "operations": [{"gate": "ry", "wires": [0], "params": [{"weight": 0}]}]},
  "preprocessing": {"scaling": "standard", "scale_range": [0.0, 1.0], "n_components": null,
                    "test_fraction": 0.3, "split_seed": 4, "stratify": false, "fitted": null}
}
"""


def test_a_schema_1_file_opens_without_a_validation_part(tmp_path):
    path = tmp_path / "v1.qmlproj"
    path.write_text(SCHEMA_1_PREPROCESSING, encoding="utf-8")
    project = load_project(path)
    assert project.preprocessing == Preprocessing("standard", (0.0, 1.0), None, 0.3, 4, False)
    assert project.preprocessing.validation_fraction == 0.0
    save_project(project, path)
    document = json.loads(path.read_text())
    assert document["schema_version"] == SCHEMA_VERSION
    assert list(document["preprocessing"]) == ["scaling", "scale_range", "n_components",
                                               "test_fraction", "validation_fraction",
                                               "split_seed", "stratify", "fitted"]
    assert document["preprocessing"]["validation_fraction"] == 0.0
    assert load_project(path) == project


def test_validation_fraction_round_trips_and_is_checked(tmp_path):
    path = tmp_path / "val.qmlproj"
    save_project(sample_project(), path)
    assert load_project(path).preprocessing.validation_fraction == 0.2
    text = path.read_text(encoding="utf-8").replace('"validation_fraction": 0.2',
                                                    '"validation_fraction": 1.5')
    path.write_text(text, encoding="utf-8")
    assert _error(path) == "preprocessing.validation_fraction: must be less than 1.0, got 1.5"


def test_the_noise_method_round_trips_is_checked_and_defaults_when_absent(tmp_path):
    path = tmp_path / "traj.qmlproj"
    project = sample_project()
    training = dataclasses.replace(project.training, noise_method="trajectories",
                                   trajectories=250)
    save_project(dataclasses.replace(project, training=training), path)
    assert load_project(path).training == training
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"trajectories": 250', '"trajectories": 0'), encoding="utf-8")
    assert _error(path) == "training.trajectories: must be at least 1, got 0"
    path.write_text(text.replace(',\n    "noise_method": "trajectories",\n    "trajectories": 250',
                                 ""), encoding="utf-8")
    assert load_project(path).training == project.training  # a file from before: "auto"


def test_ideal_training_round_trips_is_checked_and_a_schema_6_file_trains_with_noise(tmp_path):
    path = tmp_path / "ideal.qmlproj"
    project = sample_project()
    training = dataclasses.replace(project.training, with_noise=False)
    save_project(dataclasses.replace(project, training=training), path)
    assert load_project(path).training == training
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"with_noise": false', '"with_noise": 0'), encoding="utf-8")
    assert _error(path).startswith("training.with_noise: expected true or false")
    document = json.loads(text.replace(',\n    "with_noise": false', ""))
    document["schema_version"] = 6
    _write_document(path, document)
    assert load_project(path).training.with_noise  # as schema 6 files trained: with noise


def test_a_bad_schema_0_file_names_the_current_path(tmp_path):
    path = tmp_path / "old.qmlproj"
    path.write_text(SCHEMA_0.replace('"qubits": 2', '"qubits": "two"'), encoding="utf-8")
    with pytest.raises(ProjectError, match=r"circuit\.n_qubits: expected an integer"):
        load_project(path)


# -- load errors ------------------------------------------------------------------------------
def _error(path: Path) -> str:
    with pytest.raises(ProjectError) as caught:
        load_project(path)
    message = str(caught.value)
    assert message.startswith(str(path) + ": ")
    return message[len(str(path)) + 2:]


def test_missing_file_folder_and_device(tmp_path):
    assert _error(tmp_path / "nope.qmlproj") == "file not found"
    assert _error(tmp_path) == "not a project file: it is a folder, not a regular file"
    if os.path.exists("/dev/null"):
        with pytest.raises(ProjectError, match="not a regular file"):
            load_project("/dev/null")


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "the file is empty"),
    (b"  \n", "the file is empty"),
    (b'{"format": "qmlstudio-project", "schema',
     "not valid JSON (line 1, column 33: Unterminated string"),
    (b"\xff\xfe{}", "not UTF-8 text"),
    (b"[1, 2]", "expected an object, got a list"),
    (b'{"schema_version": 1}', 'not a QML Studio project (it has no "format" field)'),
    (b'{"format": "qmlstudio-model", "schema_version": 1}',
     "a trained QML Studio model (.qmodel), not a QML Studio project; predict with it"),
    (b'{"format": "qmlstudio-project", "schema_version": %d, "qmlstudio": "9.0"}'
     % (SCHEMA_VERSION + 1),
     f"schema_version: schema {SCHEMA_VERSION + 1} was written by QML Studio 9.0; QML Studio"),
    (b'{"format": "qmlstudio-project", "schema_version": "1"}',
     "schema_version: expected an integer, got the text '1'"),
    (b'{"format": "qmlstudio-project", "schema_version": 1}', "circuit: missing field"),
    (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply"),
    (b'{"format": "qmlstudio-project", "schema_version": 1' + b"0" * 5000 + b"}",
     "not valid JSON"),
])
def test_unreadable_documents(tmp_path, data, reason):
    path = tmp_path / "bad.qmlproj"
    path.write_bytes(data)
    assert reason in _error(path)


def _set(document: dict, path: str, value: object) -> None:
    *parents, last = path.split("/")
    target = document
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    elif value is _DELETE:
        del target[last]
    else:
        target[last] = value


_DELETE = object()

TARGETED = [
    ("circuit/operations/12/wires/1", 9,
     "circuit.operations[12].wires[1]: wire 9 does not exist in a 4-qubit circuit"),
    ("circuit/operations/0/gate", "frob",
     "circuit.operations[0].gate: unknown gate or channel 'frob'"),
    ("circuit/operations/12/wires", [0], "circuit.operations[12].wires: cx acts on 2 wire(s)"),
    ("circuit/operations/4/params/2", "0.25",
     "circuit.operations[4].params[2]: expected a number"),
    ("circuit/operations/4/params/0", {"weight": -1},
     "circuit.operations[4].params[0].weight: must be at least 0"),
    ("circuit/operations/1/params/0/scale", float("nan"),
     "circuit.operations[1].params[0].scale: must be a finite number"),
    ("circuit/operations/5/params", [],
     "circuit.operations[5].params: rz takes 1 parameter(s), got 0"),
    ("circuit/operations/5/extra", 1, "circuit.operations[5].extra: unknown field"),
    ("circuit/n_qubits", _DELETE, "circuit.n_qubits: missing field"),
    ("circuit/n_qubits", 65, "circuit.n_qubits: must be at most 64"),
    ("circuit/measured", [0, 0], "circuit.measured[1]: wire 0 is used twice"),
    ("weights/3", float("nan"), "weights[3]: must be a finite number, got nan"),
    ("weights/3", "NaN", "weights[3]: expected a number, got the text 'NaN'"),
    ("weights/3", 10 ** 400, "weights[3]: number too large"),
    ("weights", [0.5], "weights: 1 values but the circuit uses 12 weights"),
    ("training/epochs", "10", "training.epochs: expected an integer, got the text '10'"),
    ("training/learning_rate", 0, "training.learning_rate: must be greater than 0"),
    ("training/optimizer", "lbfgs", "training.optimizer: must be one of"),
    ("training/shots", 0.5, "training.shots: expected an integer"),
    ("model/observables/1", "Z7",
     "model.observables[1]: observable 'Z7': wire 7 does not exist in a 4-qubit circuit"),
    ("model/class_labels", ["a", "a"], "model.class_labels: labels repeat"),
    ("readout/scale", [1.0, 2.0, 3.0], "readout.bias: 2 values for 3 scales"),
    ("preprocessing/fitted/width/1", -1.0,
     "preprocessing.fitted.width[1]: must be greater than 0"),
    ("preprocessing/test_fraction", True, "preprocessing.test_fraction: expected a number"),
    ("dataset/rows/1/0", [1], "dataset.rows[1][0]: expected a number, true/false or text"),
    ("dataset/rows/2", [1.0, "odd"], "dataset.rows[2]: has 2 values but there are 3 columns"),
    ("dataset/label_column", "colour", "dataset.label_column: no column named 'colour'"),
    ("dataset/kind", "sql", "dataset.kind: must be one of 'builtin', 'csv', 'embedded'"),
    ("history/records/1/epoch", 1, "history.records[1].epoch: epochs must increase"),
    ("history/records/0/train_loss", "low",
     "history.records[0].train_loss: expected a number"),
    ("versions/numpy", 2, "versions.numpy: expected text, got the integer 2"),
    ("qmlstudio", None, "qmlstudio: expected text, got null"),
    ("name", "\ud800", "name: text is not valid Unicode"),
    ("bogus", 1, "bogus: unknown field"),
]


@pytest.mark.parametrize(("where", "value", "expected"), TARGETED,
                         ids=[t[0] for t in TARGETED])
def test_targeted_mutation_names_the_json_path(tmp_path, where, value, expected):
    document = _document(sample_project())
    _set(document, where, value)
    path = tmp_path / "bad.qmlproj"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert _error(path).startswith(expected)


def test_csv_roles_errors_name_the_path(tmp_path):
    document = _document(sample_project(dataset=DatasetSpec.csv(
        str(tmp_path / "x.csv"), "0" * 64, "label")))
    document["dataset"]["sha256"] = "xyz"
    path = _write_document(tmp_path / "bad.qmlproj", document)
    assert _error(path).startswith("dataset.sha256: expected 64 hexadecimal digits")


# -- save errors ------------------------------------------------------------------------------
def test_save_refuses_what_is_not_a_project(tmp_path):
    with pytest.raises(ProjectError, match="expected a Project"):
        save_project({"circuit": None}, tmp_path / "p.qmlproj")


def test_values_json_cannot_hold_are_project_errors(tmp_path):
    # A lone surrogate is a str but cannot be written as UTF-8.
    circuit = Circuit(1, (Operation("h", (0,), (), "\ud800"),))
    with pytest.raises(ProjectError, match="cannot be"):
        save_project(Project(circuit), tmp_path / "p.qmlproj")
    assert not (tmp_path / "p.qmlproj").exists()


def test_a_group_that_is_not_text_is_refused_when_built():
    with pytest.raises(CircuitError, match="group must be text"):
        Operation("h", (0,), (), object())


def test_save_into_a_missing_folder_is_a_project_error(tmp_path):
    target = tmp_path / "no" / "such" / "p.qmlproj"
    with pytest.raises(ProjectError, match=r"p\.qmlproj: cannot be written"):
        save_project(sample_project(), target)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_saving_through_a_symlink_keeps_the_link(tmp_path):
    real = tmp_path / "real.qmlproj"
    save_project(sample_project(name="first"), real)
    link = tmp_path / "link.qmlproj"
    link.symlink_to(real)
    save_project(sample_project(name="second"), link)
    assert link.is_symlink()
    assert load_project(real).name == "second"


def test_replace_and_relink_preserve_the_rest(tmp_path):
    csv_path = tmp_path / "points.csv"
    csv_path.write_text(CSV_TEXT)
    project = _csv_project(csv_path)
    missing = dataclasses.replace(project, dataset=project.dataset.with_status("missing", "x"))
    assert relink_dataset(missing, csv_path) == project


def test_a_linear_readout_round_trips_and_other_readouts_write_no_weights(tmp_path):
    """The linear layer is saved as ``readout.weights``; files of the other readouts keep
    their earlier layout (no ``weights`` member), so they read as before."""
    plain = sample_project()
    assert "weights" not in _document(plain)["readout"]
    model = dataclasses.replace(plain.model, readout="linear", observables=("Z0", "Z1"))
    project = dataclasses.replace(plain, model=model,
                                  readout=ReadoutParams(bias=(0.25,), weights=(1.5, -0.5)))
    path = tmp_path / "linear.qmlproj"
    save_project(project, path)
    assert json.loads(path.read_text())["readout"] == {"scale": [], "bias": [0.25],
                                                       "weights": [1.5, -0.5]}
    assert load_project(path) == project
    document = _document(project)
    document["readout"]["weights"] = [1.5]
    path.write_text(json.dumps(document), encoding="utf-8")
    assert _error(path).startswith("readout.weights: a linear readout of 2 observable(s) into "
                                   "1 output(s) needs 1x2 weights")
