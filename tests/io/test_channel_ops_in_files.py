"""Channel operations in files: project files and ``.qmodel`` round-trip them (the schema is
unchanged, so old files read as before), a bad value is named at its JSON path with the old
file kept, OpenQASM writes ``reset`` and a discarded ``measure`` natively and refuses noise."""

import json
from dataclasses import replace

import numpy as np
import pytest

from qmlstudio.cli import main
from qmlstudio.core import (
    Circuit,
    DatasetSpec,
    Operation,
    Preprocessing,
    Project,
    ProjectError,
    QasmError,
    TrainingConfig,
)
from qmlstudio.io import load_project, parse_qasm, project_text, save_project, to_qasm
from qmlstudio.io.quantikz_export import to_quantikz
from qmlstudio.ml.export.formats import export_project
from qmlstudio.ml.export.model_file import load_model, save_model
from qmlstudio.ml.export.trained_model import TrainedModel
from qmlstudio.ml.models.templates import build_model_circuit
from qmlstudio.ml.training.trainer import Trainer
from tests.io.project_helpers import sample_project

NOISY_OPS = (Operation("depolarizing", (0,), (0.05,)), Operation("reset", (1,)),
             Operation("measure", (0,)), Operation("depolarizing2", (0, 1), (0.1,)),
             Operation("thermal_relaxation", (1,), (50.0, 60.0, 2.0, 0.0)),
             Operation("pauli", (0,), (0.01, 0.02, 0.03)))


def _project() -> Project:
    circuit = build_model_circuit(2, 2, layers=1)
    circuit = circuit.inserted(len(circuit.operations) - 2, *NOISY_OPS)
    return Project(circuit, name="moons", dataset=DatasetSpec.builtin("moons", n_samples=30,
                                                                    noise=0.1),
                   preprocessing=Preprocessing(test_fraction=0.25),
                   training=TrainingConfig(epochs=1, learning_rate=0.1))


@pytest.fixture(scope="module")
def trained() -> Project:
    trainer = Trainer(_project())
    while not trainer.finished:
        trainer.step()
    return trainer.result_project()


def test_a_trained_project_and_its_model_round_trip_with_the_channels(tmp_path, trained):
    path = tmp_path / "noisy.qmlproj"
    save_project(trained, path)
    assert load_project(path) == trained
    assert '{"gate": "reset", "wires": [1]}' in path.read_text(encoding="utf-8")
    model_path = tmp_path / "noisy.qmodel"
    save_model(trained, model_path)
    model = load_model(model_path)
    assert model.saved.circuit == trained.circuit
    X = np.array([[0.1, 0.2], [0.7, -0.3]])
    np.testing.assert_array_equal(model.predict_proba(X),
                                  TrainedModel.from_project(trained).predict_proba(X))


def test_a_bad_channel_value_is_named_at_its_path_and_the_file_stays(tmp_path):
    document = json.loads(project_text(replace(sample_project(),
                                               circuit=sample_project().circuit.add(
                                                   "bit_flip", 2, 0.1))))
    document["circuit"]["operations"][-1]["params"] = [1.5]
    path = tmp_path / "bad.qmlproj"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ProjectError, match=r"circuit.operations\[16\]: bit_flip p: must lie in "
                                           r"\[0, 1\], got 1.5"):
        load_project(path)


def test_openqasm_writes_reset_and_measure_natively_and_refuses_noise():
    circuit = (Circuit(2).add("h", 0).add("x", 1).add("reset", 1).add("measure", 0)
               .add("cx", (0, 1)).with_measured([1]))
    for version in (2, 3):
        text = to_qasm(circuit, version)
        assert "reset q[1];" in text
        assert parse_qasm(text) == circuit
    with pytest.raises(QasmError, match=r"operation 1 \(BIT_FLIP\(0.1\) on q\[0\]\) is a noise "
                                        r"channel, which OpenQASM cannot express"):
        to_qasm(Circuit(1).add("h", 0).add("bit_flip", 0, 0.1))


def test_the_cli_trains_a_project_holding_channels(tmp_path):
    path = tmp_path / "noisy.qmlproj"
    save_project(_project(), path)
    assert main(["train", str(path), "--quiet"]) == 0  # in-process: the CLI's own code path
    trained = load_project(path)
    assert trained.is_trained and trained.circuit == _project().circuit


def test_the_openqasm_export_of_a_model_with_noise_channels_refuses_by_name(tmp_path, trained):
    # (The PennyLane and Qiskit scripts write them: tests/ml/export/test_noisy_scripts.py.)
    with pytest.raises(QasmError, match="is a noise channel, which OpenQASM cannot express"):
        export_project(trained, "qasm3", tmp_path / "model.qasm")
    assert not list(tmp_path.iterdir())


def test_the_latex_diagram_boxes_channels_with_escaped_names():
    text = to_quantikz(Circuit(2).add("h", 0).add("bit_flip", 0, 0.1).add("reset", 1)
                       .add("depolarizing2", (0, 1), 0.2))
    assert "\\gate{$\\mathrm{BIT\\_FLIP}(0.1)$}" in text
    assert "\\gate{$\\lvert 0\\rangle$}" in text
    assert "\\gate[2]{$\\mathrm{DEPOLARIZING2}(0.2)$}" in text
