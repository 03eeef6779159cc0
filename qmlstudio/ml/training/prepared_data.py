"""The arrays a training run works on, prepared from a project: :func:`prepare_training_data`.

Preparing means, in this order:

1. load the data set the project names (or take the :class:`~qmlstudio.ml.data.dataset.Dataset`
   given), checking its task against the model's and its number of features against what the
   circuit encodes (unless PCA reduces them);
2. fix the class labels: an untrained project takes the data set's; a trained one must match;
3. split it seeded (and, for classes, stratified) into training, validation and test parts
   with the project's ``test_fraction``, ``validation_fraction`` and ``split_seed`` (see
   :func:`~qmlstudio.ml.data.preprocessing.split_rows`);
4. fit the preprocessing on the training part only — or keep the fitted constants of a trained
   project, whose weights were learnt on exactly that transform — and apply it to all parts.

A circuit that reads no features (``x(j)``) is an amplitude-encoded model (see
:func:`~qmlstudio.ml.export.trained_model.uses_amplitude_encoding`): the preprocessed features are
written into its initial state instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

import numpy as np

from qmlstudio.core import Project, ProjectError
from qmlstudio.core.wording import counted
from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.data.preprocessing import apply_preprocessing, fit_preprocessing, split_rows
from qmlstudio.ml.export.trained_model import uses_amplitude_encoding
from qmlstudio.ml.models.quantum_model import QuantumModel

__all__ = ["TrainingData", "prepare_training_data"]


@dataclass(frozen=True, slots=True, eq=False)
class TrainingData:
    """Preprocessed features and labels of the training, validation and test parts, and where
    they came from.

    ``project`` is the input project with the class labels and the fitted preprocessing set;
    ``model`` is its :class:`~qmlstudio.ml.models.quantum_model.QuantumModel`. ``y_*`` are class
    indices or
    regression targets. The validation and test parts may be empty (fraction 0).
    """

    project: Project
    model: QuantumModel
    dataset: Dataset
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    @property
    def has_validation(self) -> bool:
        """True if there is a validation part (what early stopping watches)."""
        return len(self.y_val) > 0

    @property
    def has_test(self) -> bool:
        """True if there is a test part (measured and reported, never used to decide)."""
        return len(self.y_test) > 0

    def parts(self) -> tuple[tuple[str, np.ndarray, np.ndarray], ...]:
        """``(name, X, y)`` of each non-empty part: ``"train"``, ``"val"``, ``"test"``."""
        every = (("train", self.X_train, self.y_train), ("val", self.X_val, self.y_val),
                 ("test", self.X_test, self.y_test))
        return tuple(part for part in every if len(part[2]))


def _feature_limit(project: Project) -> int | None:
    """How many raw features the circuit can take (None: PCA reduces them, any number)."""
    if project.preprocessing.n_components is not None:
        return None
    if uses_amplitude_encoding(project):
        return 1 << project.circuit.n_qubits
    return project.circuit.n_features


def _with_class_labels(project: Project, dataset: Dataset) -> Project:
    labels = dataset.class_labels
    if project.model.class_labels == labels:
        return project
    if project.is_trained and project.model.class_labels:
        raise ProjectError(f"model.class_labels: the trained model has classes "
                           f"{list(project.model.class_labels)} but the data set has "
                           f"{list(labels)}; start the training afresh")
    return replace(project, model=replace(project.model, class_labels=labels))


def prepare_training_data(project: Project, project_dir: str | os.PathLike | None = None,
                          dataset: Dataset | None = None) -> TrainingData:
    """Load, split and preprocess the data of ``project`` (see the module docstring).

    ``project_dir`` resolves a relative CSV path (a loaded project's paths are absolute).
    ``dataset`` replaces the project's data set reference (the estimators pass their arrays
    this way). Raises :class:`~qmlstudio.core.DatasetError` or
    :class:`~qmlstudio.core.ProjectError` naming what does not fit.
    """
    if not isinstance(project, Project):
        raise ProjectError(f"expected a Project, got {type(project).__name__}")
    task, limit = project.model.task, _feature_limit(project)
    if dataset is None:
        if project.dataset.status != "ok":
            raise ProjectError(f"dataset: {project.dataset.message or project.dataset.status}")
        dataset = load_dataset(project.dataset, project_dir, task=task, max_features=limit)
    elif not isinstance(dataset, Dataset):
        raise ProjectError(f"dataset: expected a Dataset, got {type(dataset).__name__}")
    elif dataset.task != task:
        raise ProjectError(f"dataset: a {dataset.task} data set cannot train a {task} model")
    elif limit is not None and dataset.n_features > limit:
        raise ProjectError(f"dataset: {counted(dataset.n_features, 'feature')}, but the circuit "
                           f"can encode at most {limit}; reduce them with PCA")
    project = _with_class_labels(project, dataset)
    pre = project.preprocessing
    train, validation, test = split_rows(pre, dataset.labels)
    if not (project.is_trained and pre.is_fitted):
        pre = replace(pre, fitted=fit_preprocessing(pre, dataset.features[train]))
        project = replace(project, preprocessing=pre)
    features = apply_preprocessing(pre, dataset.features)
    if features.shape[1] < project.circuit.n_features:
        n = features.shape[1]
        where, what = ("preprocessing.n_components", f"{counted(n, 'feature')} after PCA") \
            if pre.n_components is not None else ("dataset", counted(n, "feature column"))
        raise ProjectError(f"{where}: {what}, but the circuit reads "
                           f"{project.circuit.n_features} (its highest feature index + 1)")
    model = QuantumModel.from_project(project, uses_amplitude_encoding(project))
    labels = dataset.labels
    return TrainingData(project, model, dataset, features[train], labels[train],
                        features[validation], labels[validation], features[test], labels[test])
