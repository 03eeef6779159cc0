"""A trained model ready for prediction on raw data: :class:`TrainedModel`.

It wraps a :class:`~qmlstudio.core.saved_model.SavedModel` (what a ``.qmodel`` file holds) and
predicts the way training evaluated: raw feature columns → the fitted preprocessing (PCA, then
scaling) → the circuit with its trained weights (and, with amplitude encoding, the features
written into the initial state) → the readout. Predictions are the original class labels
(``"setosa"``, ``3``) or regression values; probability columns follow :attr:`classes_`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from qmlstudio.core.errors import DatasetError, ModelFileError, ProjectError
from qmlstudio.core.noise import NoiseModel
from qmlstudio.core.project import Project
from qmlstudio.core.saved_model import SavedModel
from qmlstudio.core.wording import counted
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.data.preprocessing import apply_preprocessing
from qmlstudio.ml.data.validation import check_features
from qmlstudio.ml.models.quantum_model import QuantumModel

__all__ = ["PREDICTION_SEED", "TrainedModel", "saved_model_of", "uses_amplitude_encoding"]

PREDICTION_SEED = 0
"""Seeds the Monte-Carlo trajectories a noisy circuit above the density-matrix limit runs on,
so the same rows predict the same way every time (exact values take no seed)."""


def uses_amplitude_encoding(project: Project) -> bool:
    """True if ``project`` feeds its data through the initial state (amplitude encoding).

    A project does not store the encoding: a circuit that reads no data feature can only see
    the data through its amplitudes, and every other circuit reads it through its gates.
    """
    return project.circuit.n_features == 0


def _feature_names(project: Project) -> tuple[str, ...]:
    """The raw feature column names of the project's data (``x0, x1, ...`` if unreadable)."""
    try:
        return load_dataset(project.dataset, task=project.model.task).feature_names
    except DatasetError as error:
        fitted = project.preprocessing.fitted
        count = fitted.n_inputs if fitted is not None else 0
        if not count and not uses_amplitude_encoding(project):
            count = project.circuit.n_features
        if not count:
            raise ModelFileError(f"cannot tell the model's feature columns without its data "
                                 f"set ({error}); pass feature_names=...") from None
        return tuple(f"x{j}" for j in range(count))


def saved_model_of(project: Project, feature_names: Sequence[str] | None = None) -> SavedModel:
    """The inference part of a trained ``project`` as a :class:`SavedModel`.

    ``feature_names`` names the raw columns; by default they are read from the project's data
    set (a CSV that is missing or changed falls back to ``x0, x1, ...`` when the count is
    known). Raises :class:`ModelFileError` for an untrained project or one that cannot
    predict (no class labels, no fitted preprocessing...).
    """
    if not isinstance(project, Project):
        raise ModelFileError(f"expected a Project, got {type(project).__name__}")
    if not project.is_trained and project.circuit.n_weights:
        raise ModelFileError("the project has not been trained yet (it holds no weights); "
                             "train it first, e.g. 'qmlstudio train PROJECT.qmlproj'")
    if project.preprocessing.fitted is None:
        raise ModelFileError("the project's preprocessing has not been fitted; train it first")
    names = tuple(feature_names) if feature_names is not None else _feature_names(project)
    readout = project.readout
    if readout.is_empty:
        readout = project.model.initial_readout()
    try:
        return SavedModel(project.circuit, project.model, project.preprocessing,
                          project.weights, readout, names, uses_amplitude_encoding(project),
                          project.name, project.versions, project.noise)
    except ProjectError as error:
        raise ModelFileError(f"the project cannot be saved as a model: {error}") from None


class TrainedModel:
    """Predictions of a saved model on raw feature columns (see the module docstring).

    Build one with :func:`~qmlstudio.ml.export.model_file.load_model` or :meth:`from_project`.
    Attributes follow scikit-learn: ``classes_`` (classifiers only), ``n_features_in_``, and
    ``feature_names`` for the raw columns ``predict`` takes, in order.
    """

    def __init__(self, saved: SavedModel) -> None:
        if not isinstance(saved, SavedModel):
            raise ModelFileError(f"expected a SavedModel, got {type(saved).__name__}")
        self.saved = saved
        self._model = QuantumModel(saved.circuit, saved.model,
                                   amplitude_encoding=saved.amplitude_encoding,
                                   noise=saved.noise)
        self._weights = np.array(saved.weights, dtype=float)
        self._readout = self._model.readout_vector(saved.readout)
        labels = saved.model.class_labels
        kinds = {type(label) for label in labels}
        self._classes = np.array(labels, dtype=object if len(kinds) > 1 else None)

    @classmethod
    def from_project(cls, project: Project,
                     feature_names: Sequence[str] | None = None) -> TrainedModel:
        """The model of a trained ``project`` (see :func:`saved_model_of`)."""
        return cls(saved_model_of(project, feature_names))

    def with_noise(self, noise: NoiseModel | None) -> TrainedModel:
        """The same trained model predicting under ``noise`` (None: the ideal simulator)
        instead of the noise model it was saved with; nothing is retrained."""
        if noise is not None and not isinstance(noise, NoiseModel):
            raise ModelFileError(f"noise: expected a NoiseModel or None, got {noise!r}")
        return TrainedModel(replace(self.saved, noise=None if noise is None or noise.is_ideal
                                    else noise))

    def __repr__(self) -> str:
        what = counted(len(self._classes), "class", "classes") if self.is_classifier \
            else "regressor"
        name = f"{self.saved.name!r}, " if self.saved.name else ""
        return (f"TrainedModel({name}{what}, {counted(self.n_features_in_, 'feature')}, "
                f"{counted(self.saved.circuit.n_qubits, 'qubit')})")

    # -- facts -----------------------------------------------------------------------------
    @property
    def task(self) -> str:
        """``"classification"`` or ``"regression"``."""
        return self.saved.model.task

    @property
    def is_classifier(self) -> bool:
        """True for a classifier."""
        return self.task == "classification"

    @property
    def classes_(self) -> np.ndarray:
        """The original class labels; column ``k`` of :meth:`predict_proba` is ``classes_[k]``."""
        if not self.is_classifier:
            raise AttributeError("a regression model has no classes_")
        return self._classes.copy()

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Names of the raw feature columns, in the order ``predict`` takes them."""
        return self.saved.feature_names

    @property
    def n_features_in_(self) -> int:
        """Number of raw feature columns ``predict`` takes."""
        return self.saved.n_features_in

    # -- prediction ------------------------------------------------------------------------
    def preprocess(self, X: object) -> np.ndarray:
        """Raw features ``(B, n_features_in_)`` → the circuit's input features."""
        data = check_features(X, "X", self.n_features_in_, self.feature_names)
        return apply_preprocessing(self.saved.preprocessing, data)

    def predict_proba(self, X: object) -> np.ndarray:
        """Class probabilities ``(B, n_classes)``, columns in the order of :attr:`classes_`.

        A regressor raises :class:`~qmlstudio.core.ProjectError`.
        """
        return self._model.predict_proba(self.preprocess(X), self._weights, self._readout,
                                         seed=PREDICTION_SEED)

    def predict(self, X: object) -> np.ndarray:
        """The most probable class label per row, or the regression value per row."""
        outputs = self._model.predict(self.preprocess(X), self._weights, self._readout,
                                      seed=PREDICTION_SEED)
        return self._classes[outputs] if self.is_classifier else outputs
