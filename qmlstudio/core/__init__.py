"""Qt-free, numba-free values a project is made of: circuits, gates, parameters, errors."""

from .circuit import MAX_QUBITS, Circuit, Operation
from .errors import (
    CircuitError,
    DatasetError,
    ModelFileError,
    ProjectError,
    QasmError,
    QMLStudioError,
)
from .gates import GATES, GateSpec, gate_spec
from .observables import PauliString, parse_observable
from .parameters import Const, Feature, Param, Weight, w, x

__all__ = [
    "GATES",
    "MAX_QUBITS",
    "Circuit",
    "CircuitError",
    "Const",
    "DatasetError",
    "Feature",
    "GateSpec",
    "ModelFileError",
    "Operation",
    "Param",
    "PauliString",
    "ProjectError",
    "QMLStudioError",
    "QasmError",
    "Weight",
    "gate_spec",
    "parse_observable",
    "w",
    "x",
]
