"""The QML layer, without Qt: behaviour for the values of ``core``.

Sub-packages: ``data`` (data sets, CSV, preprocessing), ``models`` (encodings, templates,
model-family presets, the quantum model and its readout, losses), ``training`` (optimizers,
trainer, reports), ``evaluation`` (metrics, baselines, decision boundary, the
quantum-vs-classical comparison) and ``export`` (model files and scripts); ``estimators`` holds
the scikit-learn estimators. Room is left for ``noise``, ``kernels`` and ``experiments``. May
import ``io``, ``engine``, ``core`` and scikit-learn; never Qt.

The names most scripts need are re-exported here and from :mod:`qmlstudio`.
"""

import importlib
import typing

# Loaded on first use (PEP 562), as ``qmlstudio`` itself does: importing any module of this
# package runs this file first, and the estimators and the comparison import scikit-learn
# (1–1.5 s). ``qmlstudio predict`` then loads a model file without it (3.3–3.9 → 1.3–1.7 s).
_LAZY = {
    "qmlstudio.ml.data.dataset": ("Dataset",),
    "qmlstudio.ml.data.loading": ("load_dataset",),
    "qmlstudio.ml.estimators": ("QNNClassifier", "QNNRegressor"),
    "qmlstudio.ml.evaluation.comparison": ("compare_models",),
    "qmlstudio.ml.evaluation.robustness": ("NoiseRobustness", "noise_robustness"),
    "qmlstudio.ml.export.formats": ("EXPORT_FORMATS", "export_project"),
    "qmlstudio.ml.export.model_file": ("load_model", "save_model"),
    "qmlstudio.ml.export.trained_model": ("TrainedModel",),
    "qmlstudio.ml.models.presets": ("PRESETS", "build_preset", "preset_project"),
    "qmlstudio.ml.models.quantum_model": ("QuantumModel",),
    "qmlstudio.ml.models.templates": ("build_model_circuit", "init_weights"),
    "qmlstudio.ml.training.report": ("TrainingReport",),
    "qmlstudio.ml.training.trainer": ("Trainer", "train"),
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}

if typing.TYPE_CHECKING:
    from qmlstudio.ml.data.dataset import Dataset
    from qmlstudio.ml.data.loading import load_dataset
    from qmlstudio.ml.estimators import QNNClassifier, QNNRegressor
    from qmlstudio.ml.evaluation.comparison import compare_models
    from qmlstudio.ml.evaluation.robustness import NoiseRobustness, noise_robustness
    from qmlstudio.ml.export.formats import EXPORT_FORMATS, export_project
    from qmlstudio.ml.export.model_file import load_model, save_model
    from qmlstudio.ml.export.trained_model import TrainedModel
    from qmlstudio.ml.models.presets import PRESETS, build_preset, preset_project
    from qmlstudio.ml.models.quantum_model import QuantumModel
    from qmlstudio.ml.models.templates import build_model_circuit, init_weights
    from qmlstudio.ml.training.report import TrainingReport
    from qmlstudio.ml.training.trainer import Trainer, train


def __getattr__(name: str) -> object:
    """The public names above, imported on first use."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the lazy ones included."""
    return sorted({*globals(), *_HOME})


__all__ = [
    "EXPORT_FORMATS",
    "PRESETS",
    "Dataset",
    "NoiseRobustness",
    "QNNClassifier",
    "QNNRegressor",
    "QuantumModel",
    "TrainedModel",
    "Trainer",
    "TrainingReport",
    "build_model_circuit",
    "build_preset",
    "compare_models",
    "export_project",
    "init_weights",
    "load_dataset",
    "load_model",
    "noise_robustness",
    "preset_project",
    "save_model",
    "train",
]
