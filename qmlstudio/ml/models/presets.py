"""Model families from the literature as presets: :data:`PRESETS` and their builders.

Each preset is a whole model circuit plus the readout the paper uses, built from the ordinary
encodings and templates (so the canvas shows its blocks and every file format and export
holds it):

========================  ==========================================  =====================
name                      circuit                                     default readout
========================  ==========================================  =====================
``reuploading``           re-uploading layers with trainable input    ``expval`` on Z0
                          scaling, three features per qubit
``circuit_centric``       amplitude encoding, strongly entangling     ``expval`` on Z0
                          layers
``iqp``                   IQP encoding (2 repetitions), strongly      ``parity`` on Z0 Z1
                          entangling layers
``dressed``               H, a trained linear layer into RY angles,   ``linear`` over every
                          basic entangler layers of RY                ⟨Z⟩
========================  ==========================================  =====================

Every preset has a **separable** variant: the very same circuit and weights with every
two-qubit gate removed (CZ, CNOT and the IQP encoding's RZZ pair terms), to ask whether
entanglement helps. The circuit-centric model's amplitude-encoded input state may itself be
entangled; only its trained layers are separable.

The re-uploading and dressed presets start from small weights (``"small"``: N(0, 0.1)): the
re-uploading scale weights then mean "unscaled", and the dressed input layer, a sum of many
weighted features without the paper's ``tanh``, would otherwise start at angles of many turns
(measured on Wine: 0.30 test accuracy from uniform weights, 0.98 from small ones).

For more than two classes, a readout that reads one qubit per class needs as many qubits as
classes; with fewer, the preset reads a ``linear`` layer over ⟨Z⟩ of every qubit instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from qmlstudio.core import Circuit, CircuitError, ModelSpec, Project, ReadoutParams
from qmlstudio.core.model_spec import default_observables
from qmlstudio.core.training_config import TrainingHistory
from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.models.blocks import check_count
from qmlstudio.ml.models.encodings import ROTATIONS_PER_WIRE, amplitude_qubits, iqp_encoding
from qmlstudio.ml.models.templates import basic_entangler, strongly_entangling
from qmlstudio.ml.models.trained_encodings import linear_angle_layer, reuploading_layer

__all__ = ["IQP_REPEATS", "PRESETS", "Preset", "PresetModel", "build_preset", "preset",
           "preset_project", "separable_circuit"]

IQP_REPEATS = 2
"""Repetitions of the IQP encoding in the ``iqp`` preset (as in qml-benchmarks)."""


def _reuploading(n_features: int, n_qubits: int, layers: int) -> Circuit:
    if n_qubits * ROTATIONS_PER_WIRE < n_features:
        raise CircuitError(f"preset 'reuploading': {n_features} features need at least "
                           f"{math.ceil(n_features / ROTATIONS_PER_WIRE)} qubits (three per "
                           f"qubit), got {n_qubits}")
    circuit = Circuit(n_qubits)
    for layer in range(layers):
        circuit = reuploading_layer(circuit, n_features, odd=layer % 2 == 1)
    return reuploading_layer(circuit, n_features, final=True)


def _circuit_centric(n_features: int, n_qubits: int, layers: int) -> Circuit:
    if n_features > 1 << n_qubits:
        raise CircuitError(f"preset 'circuit_centric': amplitude encoding of {n_features} "
                           f"features needs at least {amplitude_qubits(n_features)} qubits, got "
                           f"{n_qubits}")
    return strongly_entangling(Circuit(n_qubits), layers=layers)


def _iqp(n_features: int, n_qubits: int, layers: int) -> Circuit:
    if n_features > n_qubits:
        raise CircuitError(f"preset 'iqp': {n_features} features need {n_features} qubits (one "
                           f"per feature), got {n_qubits}")
    circuit = iqp_encoding(Circuit(n_qubits), n_features=n_features, reps=IQP_REPEATS)
    return strongly_entangling(circuit, layers=layers)


def _dressed(n_features: int, n_qubits: int, layers: int) -> Circuit:
    circuit = linear_angle_layer(Circuit(n_qubits), n_features)
    return basic_entangler(circuit, layers=layers, rotation="ry")


def _parity_of_first_two(n_qubits: int) -> tuple[str, ...]:
    return ("Z0 Z1",) if n_qubits > 1 else ("Z0",)


def _first_qubit(n_qubits: int) -> tuple[str, ...]:
    return ("Z0",)


def _every_qubit(n_qubits: int) -> tuple[str, ...]:
    return tuple(f"Z{q}" for q in range(n_qubits))


@dataclass(frozen=True, slots=True)
class Preset:
    """A model family: what it is (``title``, one-line ``summary``, ``citation``) and its
    defaults — ``readout`` with the ``observables`` it reads for one output (a function of the
    number of qubits), the number of qubits for a number of features (``default_qubits``) and
    the weight initialisation. ``amplitude_encoding`` presets read the features through the
    initial state (their circuit reads no ``x``)."""

    name: str
    title: str
    summary: str
    citation: str
    readout: str
    observables: Callable[[int], tuple[str, ...]]
    default_qubits: Callable[[int], int]
    weight_init: str
    build: Callable[[int, int, int], Circuit]
    amplitude_encoding: bool = False


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("reuploading", "Data re-uploading classifier",
           "re-uploads three features per qubit with trainable input scaling, layer by layer",
           "Pérez-Salinas et al., Data re-uploading for a universal quantum classifier, "
           "Quantum 4, 226 (2020)",
           "expval", _first_qubit, lambda f: math.ceil(f / ROTATIONS_PER_WIRE), "small",
           _reuploading),
    Preset("circuit_centric", "Circuit-centric classifier",
           "amplitude-encodes the features, then strongly entangling layers",
           "Schuld, Bocharov, Svore, Wiebe, Circuit-centric quantum classifiers, "
           "Phys. Rev. A 101, 032308 (2020)",
           "expval", _first_qubit, amplitude_qubits, "uniform", _circuit_centric, True),
    Preset("iqp", "IQP variational classifier",
           "IQP encoding (one qubit per feature), then strongly entangling layers; "
           "reads the parity of two qubits",
           "Havlíček et al., Supervised learning with quantum-enhanced feature spaces, "
           "Nature 567, 209 (2019)",
           "parity", _parity_of_first_two, lambda f: f, "uniform", _iqp),
    Preset("dressed", "Dressed quantum circuit",
           "a trained linear layer into RY angles, basic entangler layers, a trained linear "
           "readout over every qubit",
           "Mari, Bromley, Izaac, Schuld, Killoran, Transfer learning in hybrid "
           "classical-quantum neural networks, Quantum 4, 340 (2020)",
           "linear", _every_qubit, lambda f: min(f, 4), "small", _dressed),
)}
"""The model-family presets by name."""


def preset(name: object) -> Preset:
    """The preset called ``name``; :class:`CircuitError` naming the choices otherwise."""
    if not isinstance(name, str) or name not in PRESETS:
        raise CircuitError(f"unknown model preset {name!r}; choose one of {', '.join(PRESETS)}")
    return PRESETS[name]


def separable_circuit(circuit: Circuit) -> Circuit:
    """``circuit`` without its gates on two or more wires: the same single-qubit gates and
    weights, no entanglement made by the circuit."""
    return circuit.without(k for k, op in enumerate(circuit.operations) if len(op.wires) > 1)


@dataclass(frozen=True, slots=True)
class PresetModel:
    """A built preset: the circuit, the readout and observables it reads, the weight
    initialisation to start from and whether the features go into the initial state."""

    circuit: Circuit
    readout: str
    observables: tuple[str, ...]
    weight_init: str
    amplitude_encoding: bool


def build_preset(name: str, n_features: int, n_qubits: int | None = None, layers: int = 2,
                 task: str = "classification", n_classes: int = 2,
                 separable: bool = False) -> PresetModel:
    """Preset ``name`` for ``n_features`` features on ``n_qubits`` qubits (``None``: the
    preset's default) with ``layers`` layers, and its readout for ``task`` with ``n_classes``
    classes (see the module docstring); ``separable`` drops every two-qubit gate.

    A qubit count that cannot hold the features raises one :class:`CircuitError` naming the
    numbers.
    """
    chosen = preset(name)
    n_features = check_count(n_features, "n_features")
    layers = check_count(layers, "layers")
    if n_qubits is None:
        n_qubits = chosen.default_qubits(n_features)
    n_qubits = check_count(n_qubits, "n_qubits")
    circuit = chosen.build(n_features, n_qubits, layers)
    if separable:
        circuit = separable_circuit(circuit)
    n_outputs = n_classes if task == "classification" and n_classes > 2 else 1
    readout = chosen.readout
    if n_outputs == 1:
        observables = chosen.observables(n_qubits)
    else:
        if readout != "linear" and n_outputs > n_qubits:  # one qubit per class does not fit
            readout = "linear"
        observables = default_observables(readout, task, n_classes, n_qubits)
    return PresetModel(circuit, readout, observables, chosen.weight_init,
                       chosen.amplitude_encoding)


def preset_project(project: Project, name: str, n_qubits: int | None = None, layers: int = 2,
                   separable: bool = False, dataset: Dataset | None = None,
                   project_dir: str | None = None) -> Project:
    """``project`` with preset ``name`` as its model, untrained: the preset's circuit, readout
    and weight initialisation; its data set, preprocessing and other training settings kept.

    The number of features is what the circuit will see: the PCA components if the
    preprocessing reduces them, else the data set's columns (read from ``dataset`` if given,
    else loaded from the project's data set, a relative CSV path taken from ``project_dir``).
    """
    task = project.model.task
    if dataset is None:
        dataset = load_dataset(project.dataset, project_dir, task=task)
    pre = project.preprocessing
    n_features = pre.n_components if pre.n_components is not None else dataset.n_features
    built = build_preset(name, n_features, n_qubits, layers, task, dataset.n_classes,
                         separable)
    model = ModelSpec(task, built.readout, built.observables, dataset.class_labels,
                      project.model.train_readout)
    return replace(project, circuit=built.circuit, model=model,
                   preprocessing=replace(pre, fitted=None),
                   training=replace(project.training, weight_init=built.weight_init),
                   weights=(), readout=ReadoutParams(), history=TrainingHistory())
