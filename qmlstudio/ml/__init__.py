"""The QML layer, without Qt: behaviour for the values of ``core``.

Sub-packages: ``data`` (data sets, CSV, preprocessing), ``models`` (encodings, templates,
model-family presets, the quantum model and its readout, losses), ``training`` (optimizers,
trainer, reports), ``evaluation`` (metrics, baselines, decision boundary, the
quantum-vs-classical comparison) and ``export`` (model files and scripts); ``estimators`` holds
the scikit-learn estimators. Room is left for ``noise``, ``kernels`` and ``experiments``. May
import ``io``, ``engine``, ``core`` and scikit-learn; never Qt.

The names most scripts need are re-exported here and from :mod:`qmlstudio`.
"""

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
