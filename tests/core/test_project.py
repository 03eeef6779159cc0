"""Project values are immutable, have sensible defaults, and refuse invalid states clearly."""

import dataclasses
import math

import numpy as np
import pytest

from qmlstudio.core import (
    Circuit,
    CircuitError,
    DatasetSpec,
    EpochRecord,
    FittedPreprocessing,
    ModelSpec,
    Preprocessing,
    Project,
    ProjectError,
    QMLStudioError,
    ReadoutParams,
    TrainingConfig,
    TrainingHistory,
    software_versions,
    w,
    x,
)

SHA = "ab" * 32


def _circuit() -> Circuit:
    return (Circuit(3).add("ry", 0, x(0)).add("ry", 1, x(1)).add("rz", 0, w(0))
            .add("cx", [0, 1]).add("ry", 2, w(2)))


def test_defaults_make_a_usable_project():
    project = Project(circuit=_circuit())
    assert project.name == ""
    assert project.dataset == DatasetSpec.builtin("moons")
    assert project.model.task == "classification"
    assert project.training.optimizer == "adam"
    assert project.training.gradient_method == "adjoint"
    assert project.training.shots is None
    assert project.preprocessing.scale_range == (0.0, math.pi)
    assert project.weights == () and not project.is_trained
    assert project.history.records == ()


def test_project_and_its_parts_are_frozen_values():
    project = Project(_circuit(), weights=[0.1, 0.2, 0.3])
    assert isinstance(project.weights, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        project.weights = ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        project.training.epochs = 3
    changed = dataclasses.replace(project, training=TrainingConfig(epochs=3))
    assert changed.training.epochs == 3 and project.training.epochs == 30
    assert changed != project
    assert Project(_circuit(), weights=[0.1, 0.2, 0.3]) == project


def test_weights_must_match_the_circuit_and_be_finite():
    circuit = _circuit()
    assert circuit.n_weights == 3
    Project(circuit, weights=(0.0, 1, 2.5))
    with pytest.raises(ProjectError, match=r"^weights: 2 values but the circuit uses 3 weights"):
        Project(circuit, weights=(0.0, 1.0))
    with pytest.raises(ProjectError, match=r"^weights\[1\]: must be a finite number, got nan"):
        Project(circuit, weights=(0.0, math.nan, 1.0))
    with pytest.raises(ProjectError, match=r"weights\[2\]: must be a finite number, got inf"):
        Project(circuit, weights=(0.0, 0.0, math.inf))
    with pytest.raises(ProjectError, match=r"weights\[0\]: expected a number"):
        Project(circuit, weights=("0.1", 0.0, 0.0))


def test_project_errors_are_the_family_errors():
    with pytest.raises(QMLStudioError):
        Project("not a circuit")
    assert issubclass(ProjectError, ValueError)


def test_with_circuit_keeps_weights_that_still_exist():
    project = Project(_circuit(), weights=(0.1, 0.2, 0.3))
    grown = project.with_circuit(project.circuit.add("rx", 1, w(4)))
    assert grown.weights == (0.1, 0.2, 0.3, 0.0, 0.0)
    shrunk = project.with_circuit(Circuit(3).add("rz", 0, w(0)))
    assert shrunk.weights == (0.1,)
    untrained = Project(_circuit()).with_circuit(Circuit(1).add("rz", 0, w(5)))
    assert untrained.weights == ()


def test_observables_are_checked_against_the_circuit():
    with pytest.raises(ProjectError, match=r"model\.observables\[1\]: .*wire 3 does not exist"):
        Project(_circuit(), model=ModelSpec(observables=("Z0", "Z3"),
                                            class_labels=("a", "b")))
    with pytest.raises(ProjectError, match=r"^observables\[0\]: "):
        ModelSpec(observables=("Q1",))
    assert ModelSpec(observables=("z1z0",)).observables == ("Z0 Z1",)


def test_readout_length_follows_the_outputs():
    model = ModelSpec(observables=("Z0", "Z1", "Z2"), class_labels=(0, 1, 2))
    Project(_circuit(), model=model, readout=ReadoutParams.initial(3))
    with pytest.raises(ProjectError, match=r"^readout\.scale: 2 values for 3 readout outputs"):
        Project(_circuit(), model=model, readout=ReadoutParams((1.0, 1.0), (0.0, 0.0)))
    with pytest.raises(ProjectError, match=r"^bias: 1 values for 2 scales"):
        ReadoutParams((1.0, 1.0), (0.0,))


def test_loss_and_stopping_metric_fit_the_task():
    regression = ModelSpec(task="regression")
    Project(_circuit(), model=regression, training=TrainingConfig(loss="mse"))
    with pytest.raises(ProjectError, match=r"^training\.loss: a regressor trains with 'mse'"):
        Project(_circuit(), model=regression)
    with pytest.raises(ProjectError, match=r"^training\.early_stopping_metric: 'r2'"):
        Project(_circuit(), training=TrainingConfig(early_stopping_metric="r2"))


def test_versions_accept_a_mapping_and_are_sorted():
    project = Project(_circuit(), versions={"numpy": "2.0", "numba": "0.60", "qmlstudio": "0.1"})
    assert project.versions == (("numba", "0.60"), ("numpy", "2.0"), ("qmlstudio", "0.1"))
    with pytest.raises(ProjectError, match=r"^versions\.numpy: expected text"):
        Project(_circuit(), versions={"numpy": 2})
    versions = software_versions()
    assert set(versions) == {"qmlstudio", "numpy", "numba"}
    Project(_circuit(), versions=versions)


# -- data set -------------------------------------------------------------------------------
def test_builtin_dataset_params_are_sorted_pairs():
    spec = DatasetSpec.builtin("moons", noise=0.1, n_samples=200, seed=3)
    assert spec.params == (("n_samples", 200), ("noise", 0.1), ("seed", 3))
    assert spec.params_dict == {"n_samples": 200, "noise": 0.1, "seed": 3}
    assert spec == DatasetSpec("builtin", "moons", {"seed": 3, "noise": 0.1, "n_samples": 200})
    with pytest.raises(ProjectError, match=r"^name: must be one of"):
        DatasetSpec.builtin("mnist")
    with pytest.raises(ProjectError, match=r"^params\.noise: must be a finite number"):
        DatasetSpec.builtin("moons", noise=math.nan)
    with pytest.raises(ProjectError, match=r"^path: not used by a 'builtin' data set"):
        DatasetSpec("builtin", "moons", path="a.csv")


def test_csv_dataset_roles_and_hash():
    spec = DatasetSpec.csv("/data/iris.csv", SHA.upper(), "species",
                           feature_columns=("sepal_length", 2))
    assert spec.sha256 == SHA and spec.header and spec.delimiter == ","
    with pytest.raises(ProjectError, match=r"^sha256: expected 64 hexadecimal digits"):
        DatasetSpec.csv("/data/iris.csv", "abc", 0)
    with pytest.raises(ProjectError, match=r"^feature_columns\[1\]: column 'species' is the label"):
        DatasetSpec.csv("/d.csv", SHA, "species", feature_columns=("a", "species"))
    with pytest.raises(ProjectError, match=r"^label_column: a CSV without a header row"):
        DatasetSpec.csv("/d.csv", SHA, "species", header=False)
    with pytest.raises(ProjectError, match=r"^delimiter: must be one character"):
        DatasetSpec.csv("/d.csv", SHA, 0, delimiter=";;")
    with pytest.raises(ProjectError, match=r"^label_column: a CSV or embedded data set needs"):
        DatasetSpec("csv", path="/d.csv", sha256=SHA)


def test_embedded_dataset_checks_its_table():
    spec = DatasetSpec.embedded(("a", "b", "y"), [(0.5, 1, "red"), (1.5, 2, "blue")], "y")
    assert spec.rows == ((0.5, 1, "red"), (1.5, 2, "blue"))
    with pytest.raises(ProjectError, match=r"^rows\[1\]: has 2 values but there are 3 columns"):
        DatasetSpec.embedded(("a", "b", "y"), [(0.5, 1, "red"), (1.5, "blue")], "y")
    with pytest.raises(ProjectError, match=r"^rows\[0\]\[1\]: must be a finite number"):
        DatasetSpec.embedded(("a", "y"), [(0.5, math.inf)], "y")
    with pytest.raises(ProjectError, match=r"^feature_columns\[0\]: column 2 is the label"):
        DatasetSpec.embedded(("a", "b", "y"), [], "y", feature_columns=(2,))
    with pytest.raises(ProjectError, match=r"^label_column: no column named 'z'"):
        DatasetSpec.embedded(("a", "y"), [], "z")
    with pytest.raises(ProjectError, match=r"^rows: .* exceed the 100000 cells"):
        DatasetSpec.embedded(("a", "y"), [(0, 0)] * 50_001, "y")


def test_only_a_csv_can_be_missing_or_changed():
    spec = DatasetSpec.csv("/d.csv", SHA, 0)
    missing = spec.with_status("missing", "gone")
    assert (missing.status, missing.message) == ("missing", "gone")
    assert missing.with_status("ok") == spec
    with pytest.raises(ProjectError, match=r"^status: only a CSV"):
        DatasetSpec.builtin("iris").with_status("changed")
    with pytest.raises(ProjectError, match=r"^status: must be one of"):
        spec.with_status("lost")


# -- preprocessing, model, training --------------------------------------------------------
def test_preprocessing_fitted_constants_must_fit_the_settings():
    fitted = FittedPreprocessing(center=(0.0, 1.0), width=(2.0, 0.5))
    assert Preprocessing(fitted=fitted).is_fitted
    assert not Preprocessing().is_fitted
    pca = FittedPreprocessing((0.0,), (1.0,), (0.5, 0.5, 0.5), ((0.6, 0.8, 0.0),))
    assert pca.n_inputs == 3 and pca.n_outputs == 1
    Preprocessing(n_components=1, fitted=pca)
    with pytest.raises(ProjectError, match=r"^fitted\.pca_components: 1 components fitted"):
        Preprocessing(n_components=2, fitted=pca)
    with pytest.raises(ProjectError, match=r"^width\[1\]: must be greater than 0"):
        FittedPreprocessing((0.0, 0.0), (1.0, 0.0))
    with pytest.raises(ProjectError, match=r"^pca_components\[0\]: has 2 values"):
        FittedPreprocessing(pca_mean=(0.0, 0.0, 0.0), pca_components=((1.0, 0.0),))
    with pytest.raises(ProjectError, match=r"^fitted\.center: scaling 'none' has no"):
        Preprocessing(scaling="none", fitted=fitted)
    with pytest.raises(ProjectError, match=r"^scale_range: low 1.0 must be below high 1.0"):
        Preprocessing(scale_range=(1.0, 1.0))
    with pytest.raises(ProjectError, match=r"^test_fraction: must be less than 1.0"):
        Preprocessing(test_fraction=1.0)


def test_model_spec_rules():
    ModelSpec(observables=("Z0",), class_labels=("cat", "dog"))
    ModelSpec(readout="parity", observables=("Z0 Z1",), class_labels=(0, 1, 2, 3))
    with pytest.raises(ProjectError, match=r"^observables: 2 observables for 3 classes"):
        ModelSpec(observables=("Z0", "Z1"), class_labels=(0, 1, 2))
    with pytest.raises(ProjectError, match=r"^class_labels: labels repeat"):
        ModelSpec(class_labels=("a", "a"))
    with pytest.raises(ProjectError, match=r"^class_labels\[0\]: expected an integer or text"):
        ModelSpec(class_labels=(1.5, 2))
    with pytest.raises(ProjectError, match=r"^observables: a regressor reads one observable"):
        ModelSpec(task="regression", readout="parity", observables=("Z0 Z1", "Z2"))
    with pytest.raises(ProjectError, match=r"^class_labels: a regressor has no classes"):
        ModelSpec(task="regression", class_labels=(0, 1))


@pytest.mark.parametrize(("changes", "message"), [
    ({"optimizer": "lbfgs"}, r"^optimizer: must be one of 'adam', 'sgd', 'spsa'"),
    ({"learning_rate": 0}, r"^learning_rate: must be greater than 0"),
    ({"epochs": 0}, r"^epochs: must be at least 1"),
    ({"batch_size": 2.0}, r"^batch_size: expected an integer"),
    ({"seed": -1}, r"^seed: must be at least 0"),
    ({"gradient_method": "finite-diff"}, r"^gradient_method: must be one of"),
    ({"shots": 0}, r"^shots: must be at least 1"),
    ({"momentum": 1.0}, r"^momentum: must be less than 1.0"),
    ({"early_stopping_patience": 0}, r"^early_stopping_patience: must be at least 1"),
    ({"loss": "mae"}, r"^loss: must be one of"),
])
def test_training_config_rejects_bad_settings(changes, message):
    with pytest.raises(ProjectError, match=message):
        TrainingConfig(**changes)


def test_training_config_accepts_shots_and_early_stopping():
    config = TrainingConfig(optimizer="sgd", momentum=0.5, shots=1000,
                            gradient_method="parameter-shift", early_stopping_patience=5,
                            early_stopping_metric="accuracy")
    assert config.shots == 1000 and config.early_stopping_patience == 5


def test_history_records_epochs_in_order():
    history = (TrainingHistory()
               .with_record(EpochRecord.of(1, train_loss=0.7, test_accuracy=0.5))
               .with_record(EpochRecord.of(2, train_loss=math.nan, test_accuracy=0.6)))
    assert history.series("train_loss") == (0.7, None)
    assert history.series("grad_norm") == (None, None)
    assert history.records[0].values == (("test_accuracy", 0.5), ("train_loss", 0.7))
    with pytest.raises(ProjectError, match=r"^records\[2\]\.epoch: epochs must increase, got 2"):
        history.with_record(EpochRecord.of(2))
    with pytest.raises(ProjectError, match=r"^train_loss: must be a finite number"):
        EpochRecord(3, {"train_loss": math.inf})
    with pytest.raises(ProjectError, match=r"^epoch: repeated or reserved"):
        EpochRecord(3, {"epoch": 1.0})
    # Names may come as str subclasses (numpy's, from a table); they are stored as plain str.
    record = EpochRecord(3, {np.str_("val_loss"): 0.25})
    assert record.get("val_loss") == 0.25 and type(record.values[0][0]) is str


def test_a_broken_circuit_is_a_circuit_error():
    with pytest.raises(CircuitError):
        Project(Circuit(2).add("cx", [0, 2]))
