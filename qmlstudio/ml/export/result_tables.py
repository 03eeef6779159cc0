"""Results as CSV text: predictions for new data, a project's training history and a noise
robustness table.

Shared by ``qmlstudio predict`` and the desktop app's File ▸ Export, so both write the same
columns: ``prediction`` and, for a classifier, one ``p_<class>`` probability per class in the
order of ``model.classes_``; the history has ``epoch`` then every recorded name (sorted), with
empty cells where a value was not measured; the robustness table has ``strength``, its
metrics and the ``noise`` model each row simulated.
"""

from __future__ import annotations

import csv
import io
import os

from qmlstudio.core import TrainingHistory
from qmlstudio.ml.data.feature_csv import read_feature_csv
from qmlstudio.ml.evaluation.robustness import NoiseRobustness
from qmlstudio.ml.export.trained_model import TrainedModel

__all__ = ["history_csv", "predictions_csv", "predictions_for_file", "robustness_csv"]


def predictions_csv(model: TrainedModel, features: object) -> tuple[str, int]:
    """The CSV text of ``model``'s predictions for raw feature rows, and the row count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if model.is_classifier:
        probabilities = model.predict_proba(features)  # one simulation for labels and p_*
        predictions = model.classes_[probabilities.argmax(axis=1)]
        writer.writerow(["prediction", *(f"p_{label}" for label in model.classes_)])
        for label, row in zip(predictions, probabilities, strict=True):
            writer.writerow([label, *(repr(float(p)) for p in row)])
    else:
        predictions = model.predict(features)
        writer.writerow(["prediction"])
        writer.writerows([repr(float(value))] for value in predictions)
    return buffer.getvalue(), len(predictions)


def predictions_for_file(model: TrainedModel, data_path: str | os.PathLike) -> tuple[str, int]:
    """Predictions for the CSV at ``data_path``, whose header names the model's features.

    Raises :class:`~qmlstudio.core.DatasetError` naming the file, row and column of a problem.
    """
    return predictions_csv(model, read_feature_csv(data_path, model.feature_names))


def history_csv(history: TrainingHistory) -> str:
    """The training history as CSV text, one row per epoch."""
    names = sorted({name for record in history.records for name, _ in record.values})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["epoch", *names])
    for record in history.records:
        values = dict(record.values)
        writer.writerow([record.epoch, *("" if values.get(name) is None else repr(values[name])
                                         for name in names)])
    return buffer.getvalue()


def robustness_csv(table: NoiseRobustness) -> str:
    """The noise robustness table as CSV text, one row per strength."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["strength", *table.metrics, "noise"])
    for strength, name, values in zip(table.strengths, table.noise_names, table.values,
                                      strict=True):
        writer.writerow([repr(strength), *(repr(value) for value in values), name])
    return buffer.getvalue()
