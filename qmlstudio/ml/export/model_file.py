"""Saving a trained project as a ``.qmodel`` file and loading it for prediction.

:func:`save_model` writes the inference part of a trained project (see
:class:`~qmlstudio.core.saved_model.SavedModel` and :mod:`qmlstudio.io.model_codec` for the
format) atomically; :func:`load_model` reads it back as a
:class:`~qmlstudio.ml.export.trained_model.TrainedModel`::

    model = load_model("moons.qmodel")
    model.predict(X_raw)           # original class labels
    model.predict_proba(X_raw)     # columns in the order of model.classes_

Loading runs no code from the file and imports no Qt. Every problem raises one
:class:`~qmlstudio.core.ModelFileError` naming the file and, inside it, the JSON path.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from qmlstudio.core.errors import ModelFileError
from qmlstudio.core.project import Project
from qmlstudio.io.atomic import atomic_write
from qmlstudio.io.model_codec import model_text, read_model
from qmlstudio.ml.export.trained_model import TrainedModel, saved_model_of

__all__ = ["load_model", "save_model"]


def save_model(project: Project, path: str | os.PathLike,
               feature_names: Sequence[str] | None = None) -> None:
    """Write the trained ``project`` to ``path`` as a ``.qmodel`` file, atomically.

    ``feature_names`` overrides the raw column names otherwise read from the project's data
    set. Raises :class:`ModelFileError` for an untrained project or if the file cannot be
    written (the previous file, if any, is then unchanged).
    """
    atomic_write(path, model_text(saved_model_of(project, feature_names)), ModelFileError)


def load_model(path: str | os.PathLike) -> TrainedModel:
    """The model in the ``.qmodel`` file at ``path``, ready to predict on raw features."""
    return TrainedModel(read_model(path))
