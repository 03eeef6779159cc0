"""Qt-free, numba-free values a project is made of: circuits, gates with their facts (arity,
controls, drawing, LaTeX name), channel operations (noise, reset, measure) with the same facts,
column packing, parameters, the project and its data set /
preprocessing / model / training values, errors; noise channels and models in
:mod:`qmlstudio.core.noise`.

The bottom layer: imports nothing else of ``qmlstudio`` (numpy and the standard library only).
"""

from qmlstudio.core.channel_ops import CHANNEL_OPS, ChannelOpSpec, operation_spec
from qmlstudio.core.circuit import MAX_QUBITS, Circuit, Operation
from qmlstudio.core.comparison import ComparisonResult, ModelComparison, SeedRun
from qmlstudio.core.dataset_spec import DatasetSpec
from qmlstudio.core.errors import (
    CircuitError,
    DatasetError,
    ExportError,
    Interrupted,
    ModelFileError,
    NoiseError,
    ProjectError,
    QasmError,
    QMLStudioError,
)
from qmlstudio.core.gates import GATES, GateSpec, gate_spec
from qmlstudio.core.model_spec import ModelSpec, ReadoutParams
from qmlstudio.core.observables import PauliString, parse_observable
from qmlstudio.core.parameters import Const, Expr, Feature, Param, Term, Weight, w, x
from qmlstudio.core.preprocessing import FittedPreprocessing, Preprocessing
from qmlstudio.core.project import Project, software_versions
from qmlstudio.core.training_config import EpochRecord, TrainingConfig, TrainingHistory

__all__ = [
    "CHANNEL_OPS",
    "GATES",
    "MAX_QUBITS",
    "ChannelOpSpec",
    "Circuit",
    "CircuitError",
    "ComparisonResult",
    "Const",
    "DatasetError",
    "DatasetSpec",
    "EpochRecord",
    "ExportError",
    "Expr",
    "Feature",
    "FittedPreprocessing",
    "GateSpec",
    "Interrupted",
    "ModelComparison",
    "ModelFileError",
    "ModelSpec",
    "NoiseError",
    "Operation",
    "Param",
    "PauliString",
    "Preprocessing",
    "Project",
    "ProjectError",
    "QMLStudioError",
    "QasmError",
    "ReadoutParams",
    "SeedRun",
    "Term",
    "TrainingConfig",
    "TrainingHistory",
    "Weight",
    "gate_spec",
    "operation_spec",
    "parse_observable",
    "software_versions",
    "w",
    "x",
]
