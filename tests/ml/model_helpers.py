"""Trained-looking projects for the model export tests: fitted preprocessing, random weights.

Training quality does not matter for export: every case only needs a model whose predictions
depend on every gate, weight, feature and readout constant, so they are random but seeded.
"""

import math
from dataclasses import replace

import numpy as np

from qmlstudio.core import (
    GATES,
    Circuit,
    Const,
    DatasetSpec,
    Feature,
    ModelSpec,
    Operation,
    Preprocessing,
    Project,
    ReadoutParams,
    TrainingConfig,
    Weight,
)
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.data.preprocessing import fit_preprocessing
from qmlstudio.ml.models.presets import preset_project
from qmlstudio.ml.models.templates import build_model_circuit

CASES = ("iris", "parity", "sine", "amplitude", "all_gates", "moons_linear", "iris_linear",
         "sine_linear", "sine_parity", "preset_reuploading", "preset_circuit_centric",
         "preset_iqp", "preset_dressed")
PRESET_DATA = {"reuploading": "iris", "circuit_centric": "wine", "iqp": "moons",
               "dressed": "breast_cancer"}
"""The data set of each ``preset_<name>`` case: three classes on two qubits (a linear readout),
amplitude encoding of 13 features, a parity readout, and 31-term angles (30 features)."""


def every_gate_circuit(n_qubits: int, n_features: int, seed: int) -> Circuit:
    """Each library gate twice on random wires, its angles random features, weights,
    constants and expressions."""
    rng = np.random.default_rng(seed)
    ops, n_weights = [], 0
    for name in sorted(GATES) * 2:
        spec = GATES[name]
        wires = tuple(int(w) for w in rng.permutation(n_qubits)[: spec.n_wires])
        params = []
        for _ in range(spec.n_params):
            kind = rng.integers(4)
            if kind == 0:
                params.append(Const(float(rng.uniform(-3, 3))))
            elif kind == 1:
                params.append(Weight(n_weights))
                n_weights += 1
            elif kind == 2:  # trainable input scaling and a Havlíček product
                j, k = (int(i) for i in rng.integers(n_features, size=2))
                params.append(Weight(n_weights) * Feature(j) + float(rng.uniform(-1, 1))
                              + 0.5 * (math.pi - Feature(j)) * (math.pi - Feature(k)))
                n_weights += 1
            else:
                params.append(Feature(int(rng.integers(n_features)),
                                      float(rng.uniform(-2, 2)), float(rng.uniform(-1, 1))))
        ops.append(Operation(name, wires, tuple(params)))
    # A leading Hadamard layer so no gate acts on a plain |0>, plus every feature once.
    head = [Operation("h", (q,)) for q in range(n_qubits)]
    head += [Operation("ry", (j % n_qubits,), (Feature(j),)) for j in range(n_features)]
    return Circuit(n_qubits, (*head, *ops))


def _project(circuit: Circuit, dataset: DatasetSpec, preprocessing: Preprocessing,
             model: ModelSpec, seed: int, name: str) -> Project:
    rng = np.random.default_rng(seed)
    data = load_dataset(dataset, task=model.task)
    pre = replace(preprocessing, fitted=fit_preprocessing(preprocessing, data.features))
    labels = data.class_labels if model.task == "classification" else ()
    model = replace(model, class_labels=labels)
    k = model.n_outputs
    if model.readout == "linear":
        matrix = rng.uniform(-3.0, 3.0, k * len(model.observables))
        readout = ReadoutParams(bias=tuple(rng.uniform(-0.5, 0.5, k)), weights=tuple(matrix))
    else:
        readout = ReadoutParams(tuple(rng.uniform(0.5, 3.0, k)),
                                tuple(rng.uniform(-0.5, 0.5, k)))
    training = TrainingConfig(loss="mse" if model.task == "regression" else "cross_entropy")
    return Project(circuit, name=name, dataset=dataset, preprocessing=pre, model=model,
                   training=training, weights=tuple(rng.uniform(0, 2 * np.pi, circuit.n_weights)),
                   readout=readout, versions={"qmlstudio": "0.1.0"})


def trained_project(case: str) -> Project:
    """One of :data:`CASES`: a project as training would leave it."""
    if case == "iris":  # three string classes, PCA to three components, standardised
        return _project(build_model_circuit(3, 3, layers=2), DatasetSpec.builtin("iris"),
                        Preprocessing("standard", n_components=3),
                        ModelSpec(observables=("Z0", "Z1", "Z2")), 1, "Iris")
    if case == "parity":  # binary, one parity observable, min-max to [0, pi]
        return _project(build_model_circuit(3, 2, ansatz="hardware_efficient", layers=3),
                        DatasetSpec.builtin("moons", n_samples=60), Preprocessing(),
                        ModelSpec(readout="parity", observables=("Z0 Z1",)), 2, "Moons")
    if case == "sine":  # regression, data re-uploading
        return _project(build_model_circuit(2, 1, layers=2, reuploading=True),
                        DatasetSpec.builtin("sine", n_samples=40),
                        Preprocessing(scale_range=(-1.0, 1.0)),
                        ModelSpec("regression", observables=("Z0",)), 3, "")
    if case == "amplitude":  # four features in the amplitudes of two qubits
        return _project(build_model_circuit(2, 4, encoding="amplitude", layers=2),
                        DatasetSpec.builtin("iris"), Preprocessing(scaling="none"),
                        ModelSpec(observables=("Z0", "Z1", "X0 X1")), 4, "Iris amplitudes")
    if case == "all_gates":  # every gate of the library, observables in X, Y and Z
        return _project(every_gate_circuit(3, 2, seed=5),
                        DatasetSpec.builtin("blobs", n_samples=30), Preprocessing(),
                        ModelSpec(observables=("Z0", "X1", "Y2 Z0")), 5, "All gates")
    if case == "moons_linear":  # binary, a linear layer over every qubit's <Z>
        return _project(build_model_circuit(3, 2, layers=2), DatasetSpec.builtin("moons",
                                                                                 n_samples=60),
                        Preprocessing(), ModelSpec(readout="linear",
                                                   observables=("Z0", "Z1", "Z2")), 6, "Moons")
    if case == "iris_linear":  # three classes from four <Z> and a parity
        return _project(build_model_circuit(4, 4, layers=2), DatasetSpec.builtin("iris"),
                        Preprocessing("standard"),
                        ModelSpec(readout="linear",
                                  observables=("Z0", "Z1", "Z2", "Z3", "Z1 Z2")), 7, "Iris")
    if case == "sine_linear":  # regression through a linear layer
        return _project(build_model_circuit(2, 1, layers=2, reuploading=True),
                        DatasetSpec.builtin("sine", n_samples=40),
                        Preprocessing(scale_range=(-1.0, 1.0)),
                        ModelSpec("regression", readout="linear", observables=("Z0", "Z1")),
                        8, "Sine")
    if case == "sine_parity":  # regression on the parity of both qubits
        return _project(build_model_circuit(2, 1, layers=2, reuploading=True),
                        DatasetSpec.builtin("sine", n_samples=40), Preprocessing(),
                        ModelSpec("regression", readout="parity", observables=("Z0 Z1",)),
                        9, "Sine parity")
    if case.startswith("preset_"):  # a model-family preset as the studio would build it
        name = case.removeprefix("preset_")
        dataset = DatasetSpec.builtin(PRESET_DATA[name], **({"n_samples": 60}
                                                          if name == "iqp" else {}))
        project = preset_project(Project(Circuit(1), dataset=dataset), name,
                                 separable=name == "circuit_centric")
        return _project(project.circuit, dataset, Preprocessing(), project.model, 10,
                        f"Preset {name}")
    raise ValueError(case)


def raw_samples(project: Project, n: int, seed: int) -> np.ndarray:
    """Fresh raw feature rows around the project's data (drawn after any export)."""
    data = load_dataset(project.dataset, task=project.model.task).features
    rng = np.random.default_rng(seed)
    rows = data[rng.integers(len(data), size=n)]
    return rows + rng.normal(0, 0.1 * data.std(axis=0), rows.shape)
