"""Model-family presets: each one (and its separable variant) is the circuit of an independent
PennyLane implementation (values to 1e-9, weight gradients to 1e-7), has the spec's weight
count and blocks, and builds projects that keep their settings and survive a save."""

import math
from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_allclose

from qmlstudio.core import (
    Circuit,
    CircuitError,
    DatasetSpec,
    ModelSpec,
    Preprocessing,
    Project,
    TrainingConfig,
)
from qmlstudio.engine import expval, vjp
from qmlstudio.io import from_qasm, load_project, save_project
from qmlstudio.ml.export.formats import export_project
from qmlstudio.ml.export.model_file import load_model
from qmlstudio.ml.models.encodings import amplitude_states
from qmlstudio.ml.models.presets import PRESETS, build_preset, preset, preset_project
from qmlstudio.ml.models.quantum_model import QuantumModel
from tests.ml.model_helpers import raw_samples, trained_project
from tests.reference.pennylane_presets import (
    default_qubits,
    preset_expvals,
    preset_jacobian,
    weight_count,
)

# (features, qubits): the preset's default qubits, more qubits than it needs, one feature
SHAPES = {
    "reuploading": [(5, None), (4, 3), (1, None)],
    "circuit_centric": [(5, None), (4, 3), (1, None)],
    "iqp": [(3, None), (2, 3), (1, None)],
    "dressed": [(6, None), (3, 3), (1, None)],
}


def _engine_values_and_jacobian(model, X, weights):
    """Values (B, K) and d value[b, k] / d weights (B, K, W) by the engine's adjoint method."""
    circuit, observables = model.circuit, model.observables
    init = amplitude_states(X, circuit.n_qubits) if model.amplitude_encoding else None
    xs = X[:, :circuit.n_features]
    values = expval(circuit, xs, weights, observables, initial_state=init)
    jacobian = np.zeros((*values.shape, len(weights)))
    for b in range(len(X)):
        for k in range(len(observables)):
            cotangent = np.zeros(values.shape)
            cotangent[b, k] = 1.0
            jacobian[b, k] = vjp(circuit, xs, weights, observables, cotangent,
                                 initial_state=init)[1]
    return values, jacobian


@pytest.mark.parametrize("separable", [False, True], ids=["entangled", "separable"])
@pytest.mark.parametrize("name", list(PRESETS))
def test_values_and_gradients_are_the_pennylane_implementations(name, separable):
    rng = np.random.default_rng(len(name) + separable)
    for n_features, n_qubits in SHAPES[name]:
        for layers in (1, 2):
            model = build_preset(name, n_features, n_qubits, layers, separable=separable)
            circuit = model.circuit
            expected_qubits = n_qubits or default_qubits(name, n_features)
            assert circuit.n_qubits == expected_qubits
            assert circuit.n_weights == weight_count(name, expected_qubits, layers, n_features)
            weights = rng.normal(0.0, 1.5, circuit.n_weights)
            X = rng.uniform(0.0, math.pi, (3, n_features))
            values, jacobian = _engine_values_and_jacobian(model, X, weights)
            for b, sample in enumerate(X):
                reference = preset_expvals(name, separable, expected_qubits, layers, weights,
                                           sample, model.observables)
                assert_allclose(values[b], reference, atol=1e-9, rtol=0)
                gradient = preset_jacobian(name, separable, expected_qubits, layers, weights,
                                           sample, model.observables)
                assert_allclose(jacobian[b], gradient.reshape(jacobian[b].shape), atol=1e-7,
                                rtol=0)


def test_parameter_shift_reference_agrees_on_one_case():
    """The reference's own two differentiation methods agree (so backprop is no artefact)."""
    rng = np.random.default_rng(3)
    weights, sample = rng.normal(size=weight_count("reuploading", 2, 2, 4)), rng.uniform(0, 3, 4)
    assert_allclose(preset_jacobian("reuploading", False, 2, 2, weights, sample),
                    preset_jacobian("reuploading", False, 2, 2, weights, sample,
                                    diff_method="parameter-shift"), atol=1e-10)


@pytest.mark.parametrize("name", list(PRESETS))
def test_separable_variants_have_no_two_qubit_gate_and_the_same_weights(name):
    full = build_preset(name, 4, 4, 2).circuit
    separable = build_preset(name, 4, 4, 2, separable=True).circuit
    assert any(len(op.wires) > 1 for op in full.operations)
    assert all(len(op.wires) == 1 for op in separable.operations)
    assert separable.n_weights == full.n_weights
    assert [op for op in full.operations if len(op.wires) == 1] == list(separable.operations)


def test_blocks_are_groups_as_the_templates_make_them():
    groups = lambda c: list(dict.fromkeys(op.group for op in c.operations))  # noqa: E731
    assert groups(build_preset("reuploading", 5, None, 3).circuit) == [
        f"reuploading_layer#{k}" for k in range(4)]
    assert groups(build_preset("iqp", 3, None, 2).circuit) == ["iqp_encoding#0",
                                                                "strongly_entangling#1"]
    assert groups(build_preset("dressed", 3, None, 2).circuit) == ["linear_angle_layer#0",
                                                                    "basic_entangler#1"]
    assert groups(build_preset("circuit_centric", 3, None, 2).circuit) == [
        "strongly_entangling#0"]


def test_reuploading_angles_scale_each_feature_by_one_plus_a_weight():
    circuit = build_preset("reuploading", 2, None, 1).circuit
    first, second = circuit.operations[:2]
    assert (first.gate, second.gate) == ("rz", "ry")
    assert first.params[0].value([0.7, 0.0], [0.5, 0, 0, 0, 0]) == pytest.approx(1.5 * 0.7)
    final = circuit.operations[-3:]  # wire 0: (1 + w5)·x0 + w7, (1 + w6)·x1 + w8, w9
    assert [op.gate for op in final] == ["rz", "ry", "rz"]
    assert final[2].params[0].index == 9


def test_readouts_per_task_and_classes():
    assert build_preset("iqp", 2).observables == ("Z0 Z1",)
    assert build_preset("iqp", 1).observables == ("Z0",)
    assert build_preset("dressed", 5).observables == ("Z0", "Z1", "Z2", "Z3")
    # three classes on two qubits cannot take a qubit each: a linear layer over both
    three = build_preset("reuploading", 4, n_classes=3)
    assert (three.readout, three.observables) == ("linear", ("Z0", "Z1"))
    iqp = build_preset("iqp", 4, n_classes=3)  # four qubits: one per class
    assert (iqp.readout, iqp.observables) == ("parity", ("Z0", "Z1", "Z2"))
    regression = build_preset("circuit_centric", 4, task="regression")
    assert (regression.readout, regression.observables) == ("expval", ("Z0",))
    for name, entry in PRESETS.items():
        assert entry.name == name and entry.title and entry.summary and entry.citation


@pytest.mark.parametrize(("call", "message"), [
    (lambda: build_preset("qcnn", 4), "unknown model preset 'qcnn'; choose one of "
                                      "reuploading, circuit_centric, iqp, dressed"),
    (lambda: preset(None), "unknown model preset None"),
    (lambda: build_preset("reuploading", 7, 2), "'reuploading': 7 features need at least 3 "
                                                "qubits .three per qubit., got 2"),
    (lambda: build_preset("circuit_centric", 9, 3), "'circuit_centric': amplitude encoding of "
                                                    "9 features needs at least 4 qubits, got 3"),
    (lambda: build_preset("iqp", 4, 3), "'iqp': 4 features need 4 qubits .one per feature., "
                                        "got 3"),
    (lambda: build_preset("dressed", 4, 0), "n_qubits must be an integer of at least 1, got 0"),
    (lambda: build_preset("dressed", 4, layers=0), "layers must be an integer of at least 1"),
    (lambda: build_preset("dressed", 64), "64 features make angles of 65 terms, more than "
                                          "the 64"),
])
def test_bad_names_and_qubit_counts_give_one_clear_error(call, message):
    with pytest.raises(CircuitError, match=message):
        call()


def test_dressed_reads_thirty_features_through_one_angle_per_wire():
    circuit = build_preset("dressed", 30).circuit
    angles = [op.params[0] for op in circuit.operations if op.gate == "ry"][:4]
    assert [len(angle.terms) for angle in angles] == [31] * 4


def test_preset_project_keeps_data_preprocessing_and_training_settings(tmp_path):
    base = Project(Circuit(2), "Mine", DatasetSpec.builtin("wine"),
                   Preprocessing("standard", n_components=5, test_fraction=0.3),
                   ModelSpec(), TrainingConfig(learning_rate=0.02, epochs=7, seed=4))
    project = preset_project(base, "reuploading", layers=3, separable=True)
    assert (project.name, project.dataset, project.preprocessing) == (
        base.name, base.dataset, base.preprocessing)
    assert project.training == replace(base.training, weight_init="small")
    assert project.circuit.n_qubits == 2  # five PCA components, three per qubit
    assert project.circuit.n_weights == 4 * (5 + 6)
    assert project.model.class_labels == (1, 2, 3)
    assert (project.model.readout, project.model.observables) == ("linear", ("Z0", "Z1"))
    save_project(project, tmp_path / "p.qmlproj")
    assert load_project(tmp_path / "p.qmlproj") == project
    trained = trained_project("preset_dressed")
    save_project(trained, tmp_path / "t.qmlproj")
    assert load_project(tmp_path / "t.qmlproj") == trained


@pytest.mark.parametrize("name", list(PRESETS))
def test_openqasm3_export_of_a_preset_reproduces_predict_proba(tmp_path, name):
    project = trained_project(f"preset_{name}")
    export_project(project, "qasm3", tmp_path / "m.qasm")
    export_project(project, "qmodel", tmp_path / "m.qmodel")
    circuit = from_qasm((tmp_path / "m.qasm").read_text())
    saved = load_model(tmp_path / "m.qmodel")
    X = raw_samples(project, 5, seed=2)
    features = saved.preprocess(X)
    exported = QuantumModel(circuit, project.model,
                            amplitude_encoding=PRESETS[name].amplitude_encoding)
    assert_allclose(exported.predict_proba(features, np.zeros(0), project.readout),
                    saved.predict_proba(X), atol=1e-9, rtol=0)
