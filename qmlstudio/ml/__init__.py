"""The QML layer, without Qt: data sets, preprocessing, encodings and ansatz templates, the
quantum model with its readout, losses, metrics, optimizers, the trainer and model export.

The names most scripts need are re-exported here and from :mod:`qmlstudio`.
"""

from .dataset import Dataset
from .datasets import load_dataset
from .estimators import QNNClassifier, QNNRegressor
from .model_file import load_model, save_model
from .models import QuantumModel
from .script_export import EXPORT_FORMATS, export_project
from .templates import build_model_circuit, init_weights
from .trained_model import TrainedModel
from .trainer import Trainer, train
from .training_report import TrainingReport

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
