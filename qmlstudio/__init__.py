"""QML Studio: design, train and export parameterised quantum circuits.

The public Python API — usable without Qt::

    import qmlstudio as q
    c = q.Circuit(2).add("ry", [0], q.x(0)).add("cx", [0, 1]).add("rz", [1], q.w(0))
    values, grad = q.vjp(c, X, weights, ["Z1"], cotangent)
    scaled = q.w(1) * q.x(1) + q.w(2)   # an Expr angle: trainable input scaling and offset
    text = q.to_qasm(c)              # OpenQASM 3 with inputs x0, w0; q.parse_qasm(text) == c
"""

import importlib
import typing

from qmlstudio._version import __version__
from qmlstudio.core import (
    Circuit,
    CircuitError,
    ComparisonResult,
    Const,
    DatasetError,
    DatasetSpec,
    ExportError,
    Expr,
    Feature,
    Interrupted,
    ModelFileError,
    ModelSpec,
    Operation,
    Preprocessing,
    Project,
    ProjectError,
    QasmError,
    QMLStudioError,
    Term,
    TrainingConfig,
    Weight,
    w,
    x,
)
from qmlstudio.core.feature_merges import FeatureMergeWarning

# The engine, file formats and models load on first use (PEP 562): ``import qmlstudio`` and
# the engine's compile helper (qmlstudio.engine.compile_helper, which starts as a fresh
# process on a cold cache) then do not pay for scikit-learn, scipy and pandas up front.
_LAZY = {
    "qmlstudio.engine": ("expval", "statevector", "threads_used", "using_threads", "vjp"),
    "qmlstudio.io": ("from_qasm", "load_project", "parse_qasm", "read_qasm", "relink_dataset",
                     "save_project", "to_qasm"),
    "qmlstudio.ml": ("NoiseRobustness", "QNNClassifier", "QNNRegressor", "TrainedModel",
                     "Trainer", "TrainingReport", "build_preset", "compare_models",
                     "export_project", "load_model", "noise_robustness", "preset_project",
                     "save_model", "train"),
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}
_SUBPACKAGES = ("cli", "core", "engine", "gui", "io", "ml", "viewmodels")

if typing.TYPE_CHECKING:
    from qmlstudio.engine import expval, statevector, threads_used, using_threads, vjp
    from qmlstudio.io import (
        from_qasm,
        load_project,
        parse_qasm,
        read_qasm,
        relink_dataset,
        save_project,
        to_qasm,
    )
    from qmlstudio.ml import (
        NoiseRobustness,
        QNNClassifier,
        QNNRegressor,
        TrainedModel,
        Trainer,
        TrainingReport,
        build_preset,
        compare_models,
        export_project,
        load_model,
        noise_robustness,
        preset_project,
        save_model,
        train,
    )


def __getattr__(name: str) -> object:
    """The public names of the engine, io and ml packages, and the subpackages themselves
    (``qmlstudio.engine.prepare()`` after ``import qmlstudio``), imported on first use."""
    if name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module 'qmlstudio' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the lazy ones included."""
    return sorted({*globals(), *_HOME})


__all__ = [
    "Circuit",
    "CircuitError",
    "ComparisonResult",
    "Const",
    "DatasetError",
    "DatasetSpec",
    "ExportError",
    "Expr",
    "Feature",
    "FeatureMergeWarning",
    "Interrupted",
    "ModelFileError",
    "ModelSpec",
    "NoiseRobustness",
    "Operation",
    "Preprocessing",
    "Project",
    "ProjectError",
    "QMLStudioError",
    "QNNClassifier",
    "QNNRegressor",
    "QasmError",
    "Term",
    "TrainedModel",
    "Trainer",
    "TrainingConfig",
    "TrainingReport",
    "Weight",
    "__version__",
    "build_preset",
    "compare_models",
    "export_project",
    "expval",
    "from_qasm",
    "load_model",
    "load_project",
    "noise_robustness",
    "parse_qasm",
    "preset_project",
    "read_qasm",
    "relink_dataset",
    "save_model",
    "save_project",
    "statevector",
    "threads_used",
    "to_qasm",
    "train",
    "using_threads",
    "vjp",
    "w",
    "x",
]
