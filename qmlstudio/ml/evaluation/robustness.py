"""How a trained model holds up under noise, without retraining: :func:`noise_robustness`.

The trained weights and readout stay as they are; only the simulator changes. Each strength
gives one noise model — the given model scaled by it (:meth:`NoiseModel.scaled
<qmlstudio.core.noise.NoiseModel.scaled>`: 0 ideal, 1 the model itself, 2 twice as noisy) or,
with ``noise="depolarizing"``, the strength is the ``p`` of
:meth:`NoiseModel.uniform_depolarizing <qmlstudio.core.noise.NoiseModel.uniform_depolarizing>`
— and the model predicts the data under it exactly as
:meth:`TrainedModel.with_noise(model) <qmlstudio.ml.export.trained_model.TrainedModel.with_noise>`
does (the exact density-matrix simulator). Strength 0 is always the ideal statevector
simulator. The metrics are those of :func:`~qmlstudio.ml.evaluation.metrics.evaluate_metrics`:
accuracy and F1 for a classifier, R² and MSE for a regressor.

A long sweep (many rows, many qubits) can report each strength it finishes and stop between
strengths: pass ``progress`` and ``cancelled`` (as :func:`~qmlstudio.ml.evaluation.comparison
.compare_models` takes them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qmlstudio.core import DatasetError, Interrupted
from qmlstudio.core.errors import NoiseError
from qmlstudio.core.noise import NoiseModel
from qmlstudio.ml.evaluation.metrics import evaluate_metrics

if TYPE_CHECKING:
    from qmlstudio.ml.export.trained_model import TrainedModel

__all__ = ["DEFAULT_STRENGTHS", "NoiseRobustness", "noise_models", "noise_robustness"]

DEFAULT_STRENGTHS = (0.0, 0.5, 1.0, 2.0)
"""The strengths swept when none are given: ideal, half, the model itself, twice as noisy."""


@dataclass(frozen=True, slots=True)
class NoiseRobustness:
    """The table of :func:`noise_robustness`: one row per strength.

    ``strengths[i]`` simulated the noise model named ``noise_names[i]`` (``"ideal"`` for 0)
    and scored ``values[i][j]`` on metric ``metrics[j]``; ``primary`` is the metric the table
    is about (``"accuracy"`` or ``"r2"``).
    """

    task: str
    strengths: tuple[float, ...]
    noise_names: tuple[str, ...]
    metrics: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]

    @property
    def primary(self) -> str:
        """``"accuracy"`` for a classifier, ``"r2"`` for a regressor."""
        return self.metrics[0]

    def column(self, metric: str) -> tuple[float, ...]:
        """The values of ``metric`` at every strength, in order."""
        if metric not in self.metrics:
            raise DatasetError(f"no metric {metric!r} in the table; it has "
                               f"{', '.join(self.metrics)}")
        j = self.metrics.index(metric)
        return tuple(row[j] for row in self.values)


def _strengths(strengths: Sequence[float]) -> tuple[float, ...]:
    values = tuple(strengths) if not isinstance(strengths, str) else ()
    if not values:
        raise NoiseError("strengths: give at least one noise strength")
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer |
                                                     np.floating) or not math.isfinite(value) \
                or value < 0:
            raise NoiseError(f"strengths: each must be a finite number of at least 0, got "
                             f"{value!r}")
        out.append(float(value))
    return tuple(out)


def noise_models(noise: NoiseModel | str, strengths: Sequence[float]) -> list[NoiseModel | None]:
    """The noise model of each strength (None: ideal, for strength 0): ``noise`` scaled (1:
    ``noise`` itself), or with ``noise="depolarizing"`` a uniform depolarizing channel of that
    ``p``."""
    if not isinstance(noise, NoiseModel) and noise != "depolarizing":
        raise NoiseError(f"noise: expected a NoiseModel or 'depolarizing', got {noise!r}")
    models: list[NoiseModel | None] = []
    for strength in _strengths(strengths):
        if strength == 0:
            models.append(None)
        elif isinstance(noise, NoiseModel) and strength == 1:
            models.append(noise)  # itself: also a model no scaling applies to (a Kraus set)
        elif isinstance(noise, NoiseModel):
            models.append(noise.scaled(strength))
        else:
            models.append(NoiseModel.uniform_depolarizing(strength))
    return models


def _targets(model: TrainedModel, y: object, n_rows: int) -> np.ndarray:
    """``y`` as class indices of ``model.classes_`` (a classifier) or floats (a regressor)."""
    values = np.asarray(y, dtype=object if model.is_classifier else None)
    if values.shape != (n_rows,):
        raise DatasetError(f"y: expected {n_rows} targets (one per row of X), got an array of "
                           f"shape {values.shape}")
    if not model.is_classifier:
        try:
            return values.astype(float)
        except (TypeError, ValueError):
            raise DatasetError("y: a regressor's targets must be numbers") from None
    index = {label: k for k, label in enumerate(model.classes_.tolist())}
    codes = np.empty(n_rows, dtype=np.int64)
    for row, label in enumerate(values.tolist()):
        if label not in index:
            raise DatasetError(f"y[{row}]: {label!r} is not one of the model's classes "
                               f"{list(index)}")
        codes[row] = index[label]
    return codes


def noise_robustness(model: TrainedModel, X: object, y: object,
                     noise: NoiseModel | str | None = None,
                     strengths: Sequence[float] = DEFAULT_STRENGTHS, *,
                     progress: Callable[[int, int, str], None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> NoiseRobustness:
    """Score the trained ``model`` on raw features ``X`` and targets ``y`` (original class
    labels, or values) under each noise strength (see the module docstring).

    ``noise``: the model to scale (None: the one ``model`` was saved with; an ideal model then
    needs one), or ``"depolarizing"`` to read the strengths as depolarizing probabilities.
    ``progress(done, total, name)`` is called after each strength with the name of its noise
    model; ``cancelled()`` is asked before each one, and True stops the sweep with
    :class:`~qmlstudio.core.Interrupted`.
    Raises :class:`~qmlstudio.core.errors.NoiseError` for bad strengths or noise and
    :class:`~qmlstudio.core.DatasetError` for data that does not fit the model.
    """
    if noise is None:
        noise = model.saved.noise
        if noise is None:
            raise NoiseError("noise: the model was trained without noise; give a noise model "
                             "to scale, or 'depolarizing' to sweep a depolarizing probability")
    models = noise_models(noise, strengths)
    targets = _targets(model, y, len(model.preprocess(X)))  # checked before any simulation
    rows, names = [], []
    metrics: tuple[str, ...] = ("accuracy", "f1") if model.is_classifier else ("r2", "mse")
    for done, noisy in enumerate(models):
        if cancelled is not None and cancelled():
            raise Interrupted(f"noise robustness cancelled after {done} of {len(models)} "
                              f"strengths")
        under = model.with_noise(noisy)
        predictions = (np.argmax(under.predict_proba(X), axis=1) if model.is_classifier
                       else under.predict(X))
        scores = evaluate_metrics(model.task, targets, predictions,
                                  len(model.classes_) if model.is_classifier else None)
        rows.append(tuple(scores[name] for name in metrics))
        names.append("ideal" if noisy is None else noisy.name)
        if progress is not None:
            progress(done + 1, len(models), names[-1])
    return NoiseRobustness(model.task, _strengths(strengths), tuple(names), metrics,
                           tuple(rows))
