""".qmodel files: a saved model predicts exactly what the project's model predicts on raw
data, loads without Qt, and every kind of bad file raises one ModelFileError naming the
problem."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from qmlstudio.core import DatasetError, ModelFileError, ProjectError, ReadoutParams
from qmlstudio.io import csv_dataset
from qmlstudio.io.model_codec import model_text
from qmlstudio.io.project_file import save_project
from qmlstudio.ml.data.preprocessing import apply_preprocessing
from qmlstudio.ml.export.model_file import load_model, save_model
from qmlstudio.ml.export.trained_model import TrainedModel
from qmlstudio.ml.models.quantum_model import QuantumModel
from tests.ml.model_helpers import CASES, raw_samples, trained_project

ROOT = Path(__file__).resolve().parents[3]


def reference(project, X):
    """What the project's own model outputs for raw rows X (probabilities or values)."""
    model = QuantumModel.from_project(project, amplitude_encoding=project.circuit.n_features == 0)
    Z = apply_preprocessing(project.preprocessing, X)
    if project.model.task == "classification":
        return model.predict_proba(Z, project.weights, project.readout)
    return model.predict(Z, project.weights, project.readout)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    paths = {}
    for case in CASES:
        paths[case] = folder / f"{case}.qmodel"
        save_model(trained_project(case), paths[case])
    return paths


@pytest.mark.parametrize("case", CASES)
def test_loaded_model_predicts_like_the_project(saved, case):
    project = trained_project(case)
    model = load_model(saved[case])
    X = raw_samples(project, 25, seed=11)
    expected = reference(project, X)
    assert model.n_features_in_ == X.shape[1] == len(model.feature_names)
    if project.model.task == "classification":
        assert list(model.classes_) == list(project.model.class_labels)
        proba = model.predict_proba(X)
        assert_allclose(proba, expected, atol=1e-12)
        assert list(model.predict(X)) == list(model.classes_[np.argmax(expected, axis=1)])
    else:
        assert not hasattr(model, "classes_")
        assert_allclose(model.predict(X), expected, atol=1e-12)


def test_attributes_name_the_raw_columns_and_original_labels(saved):
    model = load_model(saved["iris"])
    assert model.feature_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert list(model.classes_) == ["setosa", "versicolor", "virginica"]
    assert model.predict(raw_samples(trained_project("iris"), 3, seed=0)).dtype.kind == "U"
    assert "Iris" in repr(model) and "3 classes" in repr(model)


def test_save_load_save_is_byte_identical(saved, tmp_path):
    again = tmp_path / "again.qmodel"
    model = load_model(saved["all_gates"])
    again.write_text(model_text(model.saved), encoding="utf-8")
    assert again.read_bytes() == saved["all_gates"].read_bytes()
    assert load_model(again).saved == model.saved


def test_a_model_equals_one_made_from_the_project(saved):
    assert load_model(saved["parity"]).saved == TrainedModel.from_project(
        trained_project("parity")).saved


def test_wrong_columns_are_refused_naming_the_features(saved):
    model = load_model(saved["iris"])
    with pytest.raises(DatasetError, match=r"\(samples, 4\).*sepal_length.*got shape \(2, 3\)"):
        model.predict(np.ones((2, 3)))
    with pytest.raises(DatasetError, match="shape"):
        model.predict(np.ones(4))
    with pytest.raises(ProjectError, match="classifier"):
        load_model(saved["sine"]).predict_proba(np.ones((1, 1)))


def test_an_untrained_project_is_refused_and_the_old_file_kept(saved, tmp_path):
    project = replace(trained_project("iris"), weights=())
    with pytest.raises(ModelFileError, match="not been trained"):
        save_model(project, tmp_path / "m.qmodel")
    assert not (tmp_path / "m.qmodel").exists()
    before = saved["iris"].read_bytes()
    with pytest.raises(ModelFileError, match="not been trained"):
        save_model(project, saved["iris"])
    assert saved["iris"].read_bytes() == before
    assert list(saved["iris"].parent.glob(".*.tmp")) == []


def test_missing_readout_means_the_initial_readout(tmp_path):
    project = replace(trained_project("parity"), readout=ReadoutParams())
    save_model(project, tmp_path / "m.qmodel")
    readout = load_model(tmp_path / "m.qmodel").saved.readout
    assert readout == ReadoutParams((1.0,), (0.0,))


def test_feature_names_fall_back_when_the_csv_is_gone(tmp_path):
    project = trained_project("parity")
    csv = tmp_path / "moons.csv"
    csv.write_text("a,b,label\n0,1,x\n1,0,y\n", encoding="utf-8")
    project = replace(project, dataset=csv_dataset(csv, "label"),
                      model=replace(project.model, class_labels=("x", "y")))
    save_model(project, tmp_path / "named.qmodel")
    assert load_model(tmp_path / "named.qmodel").feature_names == ("a", "b")
    csv.unlink()
    save_model(project, tmp_path / "fallback.qmodel")
    assert load_model(tmp_path / "fallback.qmodel").feature_names == ("x0", "x1")
    save_model(project, tmp_path / "given.qmodel", feature_names=("u", "v"))
    assert load_model(tmp_path / "given.qmodel").feature_names == ("u", "v")


def test_saving_over_a_folder_keeps_it_and_names_the_file(saved, tmp_path):
    with pytest.raises(ModelFileError, match="cannot be written"):
        save_model(trained_project("sine"), tmp_path)
    with pytest.raises(ModelFileError, match="cannot be written"):
        save_model(trained_project("sine"), tmp_path / "no" / "such" / "m.qmodel")


# -- bad files -------------------------------------------------------------------------------
def document(saved, case="iris"):
    return json.loads(saved[case].read_text(encoding="utf-8"))


def write(tmp_path, content, name="bad.qmodel"):
    path = tmp_path / name
    if isinstance(content, dict):
        content = json.dumps(content)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def edited(saved, edit, case="iris"):
    doc = document(saved, case)
    edit(doc)
    return doc


def _set_weight_nan(doc):
    doc["weights"][3] = float("nan")


def _drop_weight(doc):
    doc["weights"].pop()


def _unknown_gate(doc):
    doc["circuit"]["operations"][5]["gate"] = "frobnicate"


def _bad_wire(doc):
    doc["circuit"]["operations"][2]["wires"] = [7]


def _bad_width(doc):
    doc["preprocessing"]["width"][1] = 0.0


def _extra_key(doc):
    doc["pickle"] = "gASVAAAA"


def _too_few_scales(doc):
    doc["readout"]["scale"].pop()
    doc["readout"]["bias"].pop()


def _repeated_label(doc):
    doc["class_labels"][1] = "setosa"


def _future_schema(doc):
    doc["schema_version"] = 7


def _observable_off_circuit(doc):
    doc["readout"]["observables"][2] = "Z9"


def _too_many_features(doc):
    doc["feature_names"].append("extra")


@pytest.mark.parametrize(("edit", "message"), [
    (_set_weight_nan, r"weights\[3\]: must be a finite number, got nan"),
    (_drop_weight, r"weights: 17 values but the circuit uses 18 weights"),
    (_unknown_gate, r"circuit\.operations\[5\]\.gate: unknown gate or channel 'frobnicate'"),
    (_bad_wire, r"circuit\.operations\[2\]\.wires\[0\]: wire 7 does not exist"),
    (_bad_width, r"preprocessing\.width\[1\]: must be greater than 0"),
    (_extra_key, r"pickle: unknown field"),
    (_too_few_scales, r"readout\.scale: 2 values for 3 readout outputs"),
    (_repeated_label, r"class_labels: labels repeat"),
    (_future_schema, r"schema_version: schema 7 .* please update"),
    (_observable_off_circuit, r"readout\.observables\[2\]: .*wire 9 does not exist"),
    (_too_many_features, r"preprocessing: fitted on 4 columns, but there are 5 feature names"),
])
def test_a_bad_field_is_named_with_its_json_path(saved, tmp_path, edit, message):
    path = write(tmp_path, edited(saved, edit))
    with pytest.raises(ModelFileError, match=message) as info:
        load_model(path)
    assert str(info.value).startswith(f"{path}: ")


BAD_FILES = {
    "empty": ("", "the file is empty"),
    "truncated": (None, "not valid JSON"),
    "not JSON": ("weights = [1, 2]", "not valid JSON"),
    "binary": (b"\x80\x04\x95 pickle", "not UTF-8"),
    "a list": ("[1, 2]", "expected an object"),
    "no format": ("{}", 'no "format" field'),
    "no schema": ('{"format": "qmlstudio-model"}', "schema_version: missing field"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_raise_one_model_file_error(saved, tmp_path, name):
    content, message = BAD_FILES[name]
    if content is None:
        text = saved["iris"].read_text(encoding="utf-8")
        content = text[: len(text) // 2]
    with pytest.raises(ModelFileError, match=message):
        load_model(write(tmp_path, content))


def test_missing_files_and_folders_are_named(tmp_path):
    with pytest.raises(ModelFileError, match=r"nothing\.qmodel: file not found"):
        load_model(tmp_path / "nothing.qmodel")
    with pytest.raises(ModelFileError, match="not a regular file"):
        load_model(tmp_path)


def test_a_project_file_is_not_a_model_and_says_how_to_make_one(tmp_path):
    path = tmp_path / "p.qmlproj"
    save_project(trained_project("parity"), path)
    with pytest.raises(ModelFileError, match=r"a QML Studio project, not a trained QML Studio "
                                             r"model.*'qmlstudio export .*p.qmlproj --to "
                                             r"qmodel -o OUT.qmodel'"):
        load_model(path)


def test_loading_imports_no_qt(saved):
    code = ("import sys; from qmlstudio.ml.export.model_file import load_model; "
            f"m = load_model({str(saved['iris'])!r}); m.predict([[5.0, 3.0, 1.5, 0.2]]); "
            "assert 'PySide6' not in sys.modules, 'Qt imported'; "
            "assert not any(n.startswith(('pyqtgraph', 'superqt')) for n in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
