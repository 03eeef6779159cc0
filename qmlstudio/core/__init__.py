"""Qt-free, numba-free values a project is made of: circuits, gates, parameters, the project
and its data set / preprocessing / model / training values, errors."""

from .circuit import MAX_QUBITS, Circuit, Operation
from .dataset_spec import DatasetSpec
from .errors import (
    CircuitError,
    DatasetError,
    Interrupted,
    ModelFileError,
    ProjectError,
    QasmError,
    QMLStudioError,
)
from .gates import GATES, GateSpec, gate_spec
from .model_spec import ModelSpec, ReadoutParams
from .observables import PauliString, parse_observable
from .parameters import Const, Feature, Param, Weight, w, x
from .preprocessing import FittedPreprocessing, Preprocessing
from .project import Project, software_versions
from .training_config import EpochRecord, TrainingConfig, TrainingHistory

__all__ = [
    "GATES",
    "MAX_QUBITS",
    "Circuit",
    "CircuitError",
    "Const",
    "DatasetError",
    "DatasetSpec",
    "EpochRecord",
    "Feature",
    "FittedPreprocessing",
    "GateSpec",
    "Interrupted",
    "ModelFileError",
    "ModelSpec",
    "Operation",
    "Param",
    "PauliString",
    "Preprocessing",
    "Project",
    "ProjectError",
    "QMLStudioError",
    "QasmError",
    "ReadoutParams",
    "TrainingConfig",
    "TrainingHistory",
    "Weight",
    "gate_spec",
    "parse_observable",
    "software_versions",
    "w",
    "x",
]
