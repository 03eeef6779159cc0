"""The example projects in ``resources/examples/``: each loads, its data set loads, and its model
simulates on the preprocessed data; the files are exactly what ``make_examples.py`` writes.

Training them to their targets is the training benchmark's job
(``tests/benchmarks/bench_training.py``).
"""

import importlib.util
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qmlstudio.io import load_project, project_text
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.data.preprocessing import apply_preprocessing, fit_preprocessing
from qmlstudio.ml.export.trained_model import uses_amplitude_encoding
from qmlstudio.ml.models.quantum_model import QuantumModel

FOLDER = Path(__file__).resolve().parents[2] / "resources" / "examples"
EXPECTED = {
    "moons": ("classification", 4, 2),
    "iris": ("classification", 4, 4),
    "xor_reuploading": ("classification", 2, 2),
    "sine_regression": ("regression", 2, 1),
}
"""Example → (task, qubits, raw features)."""


def _make_examples():
    spec = importlib.util.spec_from_file_location("make_examples", FOLDER / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_folder_holds_exactly_the_examples():
    assert sorted(p.stem for p in FOLDER.glob("*.qmlproj")) == sorted(EXPECTED)
    assert sorted(_make_examples().EXAMPLES) == sorted(EXPECTED)


@pytest.mark.parametrize("name", EXPECTED)
def test_files_are_what_make_examples_writes(name):
    project = _make_examples().EXAMPLES[name]()
    text = (FOLDER / f"{name}.qmlproj").read_text(encoding="utf-8")
    assert project_text(project, FOLDER) == text, "run resources/examples/make_examples.py"


@pytest.mark.parametrize("name", EXPECTED)
def test_example_loads_and_its_model_simulates(name):
    task, n_qubits, n_features = EXPECTED[name]
    project = load_project(FOLDER / f"{name}.qmlproj")
    assert project.name and not project.is_trained
    assert project.model.task == task and project.circuit.n_qubits == n_qubits
    assert project.dataset.kind == "builtin"  # no CSV needs to travel with an example
    data = load_dataset(project.dataset, task=task)
    assert data.n_features == n_features
    pre = replace(project.preprocessing,
                  fitted=fit_preprocessing(project.preprocessing, data.features))
    X = apply_preprocessing(pre, data.features[:32])
    model = QuantumModel.from_project(project, uses_amplitude_encoding(project))
    rng = np.random.default_rng(0)
    outputs = model.forward(X, rng.normal(0, 0.1, project.circuit.n_weights), None)
    assert outputs.shape == ((32, max(2, len(data.class_labels))) if task == "classification"
                             else (32,))
    assert np.isfinite(outputs).all()
