"""What a two-feature model predicts over the plane: :func:`decision_boundary`.

For a model that reads exactly two (preprocessed) features, the current weights are evaluated
on a ``resolution × resolution`` grid spanning the preprocessed training data plus a margin of
:data:`MARGIN` of its span on each side, so the plot shows a little beyond the data. A
classifier gives the predicted class index and its probability (the largest one) per grid
point; a regressor gives the predicted value. The grid is evaluated with exact expectation
values even when the project trains with shots: a boundary drawn from noisy estimates would
flicker from epoch to epoch without telling anything about the weights.

It runs the engine, so a GUI calls it in its training worker thread (once per epoch), never on
the GUI thread. The result is a value holding read-only arrays, safe to hand to another thread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from qmlstudio.core import ProjectError
from qmlstudio.ml.models.losses import softmax
from qmlstudio.ml.training.report import frozen_copy
from qmlstudio.ml.training.trainer import Trainer

__all__ = ["MARGIN", "DecisionBoundary", "decision_boundary", "grid_inputs"]

MARGIN = 0.1
"""Grid margin on each side, as a fraction of the training data's span along that axis."""


@dataclass(frozen=True, slots=True, eq=False)
class DecisionBoundary:
    """A model's predictions on a regular grid over two features.

    Grid point ``(i, j)`` lies at ``x = xs[j]``, ``y = ys[i]`` (rows follow y, columns follow
    x; ``xs``/``ys`` are ``linspace`` over ``x_range``/``y_range`` with ``values.shape[1]`` and
    ``values.shape[0]`` points). ``values`` holds class indices (classification, integers
    ``0..n_classes−1``) or predicted values (regression); ``confidence`` is the predicted
    class's probability (None for regression). ``points`` and ``targets`` are the training
    part's two features and labels, for drawing on top; ``epoch`` says which weights these are.
    """

    task: str
    n_classes: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    values: np.ndarray
    confidence: np.ndarray | None
    points: np.ndarray
    targets: np.ndarray
    epoch: int = 0

    @property
    def resolution(self) -> tuple[int, int]:
        """``(rows, columns)`` of the grid (y steps, x steps)."""
        return self.values.shape

    @property
    def xs(self) -> np.ndarray:
        """The grid's x coordinates (one per column)."""
        return np.linspace(*self.x_range, self.values.shape[1])

    @property
    def ys(self) -> np.ndarray:
        """The grid's y coordinates (one per row)."""
        return np.linspace(*self.y_range, self.values.shape[0])


def _span(column: np.ndarray) -> tuple[float, float]:
    lo, hi = float(column.min()), float(column.max())
    width = hi - lo
    if width <= 1e-12 * max(1.0, abs(lo), abs(hi)):
        width = 1.0  # a constant feature still gets a visible strip around its value
        return lo - 0.5 * width, hi + 0.5 * width
    return lo - MARGIN * width, hi + MARGIN * width


def grid_inputs(x_range: tuple[float, float], y_range: tuple[float, float],
                resolution: int) -> np.ndarray:
    """The ``(resolution², 2)`` feature rows of the grid, row by row (y outer, x inner), so
    ``outputs.reshape(resolution, resolution)`` gives ``[i, j]`` at ``(xs[j], ys[i])``."""
    xs = np.linspace(*x_range, resolution)
    ys = np.linspace(*y_range, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def decision_boundary(trainer: Trainer, resolution: int = 48,
                      epoch: int | None = None) -> DecisionBoundary | None:
    """The predictions of ``trainer``'s current weights on a grid (see the module docstring).

    Returns None unless the model reads exactly two features (circuit feature indices 0 and 1,
    or two amplitudes with amplitude encoding). ``epoch`` is recorded in the result (default:
    the last epoch of the trainer's history). Costs one batched engine call of
    ``resolution²`` samples.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ProjectError(f"decision boundary: resolution must be an integer ≥ 2, "
                           f"got {resolution!r}")
    data, model = trainer.data, trainer.model
    n_read = data.X_train.shape[1] if model.amplitude_encoding else model.circuit.n_features
    if n_read != 2 or len(data.y_train) == 0:
        return None
    points = data.X_train[:, :2]
    x_range, y_range = _span(points[:, 0]), _span(points[:, 1])
    grid = grid_inputs(x_range, y_range, resolution)
    exact = replace(model, shots=None) if model.shots is not None else model
    outputs = exact.forward(grid, trainer.weights, trainer.readout)
    shape = (resolution, resolution)
    if model.is_classifier:
        probabilities = softmax(outputs)
        values = np.argmax(outputs, axis=1).reshape(shape)
        confidence = frozen_copy(probabilities.max(axis=1).reshape(shape))
    else:
        values, confidence = outputs.reshape(shape), None
    if epoch is None:
        records = trainer.history.records
        epoch = records[-1].epoch if records else 0
    values = np.array(values)
    values.setflags(write=False)
    return DecisionBoundary(model.spec.task, model.n_classes, x_range, y_range, values,
                            confidence, frozen_copy(points), frozen_copy(data.y_train), epoch)
