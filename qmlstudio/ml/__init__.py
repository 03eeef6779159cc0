"""The QML layer, without Qt: data sets, preprocessing, encodings and ansatz templates, the
quantum model with its readout, losses, metrics, optimizers, the trainer and model export.

The names most scripts need are re-exported here and from :mod:`qmlstudio`.
"""

from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.estimators import QNNClassifier, QNNRegressor
from qmlstudio.ml.export.formats import EXPORT_FORMATS, export_project
from qmlstudio.ml.export.model_file import load_model, save_model
from qmlstudio.ml.export.trained_model import TrainedModel
from qmlstudio.ml.models.quantum_model import QuantumModel
from qmlstudio.ml.models.templates import build_model_circuit, init_weights
from qmlstudio.ml.training.report import TrainingReport
from qmlstudio.ml.training.trainer import Trainer, train

__all__ = [
    "EXPORT_FORMATS",
    "Dataset",
    "QNNClassifier",
    "QNNRegressor",
    "QuantumModel",
    "TrainedModel",
    "Trainer",
    "TrainingReport",
    "build_model_circuit",
    "export_project",
    "init_weights",
    "load_dataset",
    "load_model",
    "save_model",
    "train",
]
