"""What the Robustness view shows, without Qt: which noise it sweeps for a project
(:func:`robustness_sweep`), the curve of the trained model's test score against it
(:func:`robustness_curve`), which training mode a curve belongs to (:func:`training_mode`),
and whether a curve still describes the project (:func:`curve_stale_reason`).

The view keeps the last curve of each training mode, "trained ideal" and "trained with noise"
(:data:`TRAINED_LABELS`), and overlays them, so the user sees whether noise-aware training
helped: both score their own weights under the same sweep of the same noise model. A curve of
the mode the project's weights were trained in is out of date once the setup or the weights
change; the other mode's curve has other weights by design, so only a setup change (circuit,
data, model, noise model) puts it out of date.

A project with a noise model sweeps that model scaled from 0 (ideal) to :data:`SCALE_MAX`
times; an ideal project sweeps a uniform depolarizing channel after every gate, ``p`` from 0 to
a maximum the user chooses. Either way the first point, strength 0, is the ideal statevector
simulator — the same test score as the ideal evaluation after training. The score is the
project's test part (accuracy for a classifier, R² for a regressor, see
:func:`~qmlstudio.ml.evaluation.robustness.noise_robustness`); nothing is retrained.

:func:`robustness_curve` runs the engine (the exact density-matrix simulator, once per
strength), so the app calls it on a worker thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qmlstudio.core import DatasetError, Project
from qmlstudio.core.noise import NoiseModel
from qmlstudio.ml.data.preprocessing import split_rows
from qmlstudio.ml.evaluation.robustness import NoiseRobustness, noise_robustness
from qmlstudio.ml.export.trained_model import TrainedModel
from qmlstudio.ml.training.prepared_data import prepare_training_data
from qmlstudio.viewmodels.training_freshness import TRAINING_MODE, listed, setup_changes

__all__ = ["DEFAULT_MAX_P", "DEFAULT_POINTS", "SCALE_MAX", "TRAINED_LABELS", "RobustnessCurve",
           "RobustnessSweep", "curve_stale_reason", "robustness_curve", "robustness_sweep",
           "training_mode"]

SCALE_MAX = 2.0
"""A noise model is swept up to twice as noisy as itself."""
DEFAULT_MAX_P = 0.1
"""The largest depolarizing ``p`` an ideal project's sweep offers first: a tenth of the way
to a fully mixed qubit per gate is already far noisier than today's devices."""
DEFAULT_POINTS = 9
"""Strengths in a sweep (0 included): 0, 0.25, ... 2 for a noise model."""
TRAINED_LABELS = {"ideal": "trained ideal", "noise": "trained with noise"}
"""The legend names of the two training modes' curves."""


@dataclass(frozen=True, slots=True)
class RobustnessSweep:
    """The strengths a curve is computed at and what they mean: ``noise`` is the project's
    :class:`~qmlstudio.core.noise.NoiseModel` (strengths scale it) or ``"depolarizing"``
    (strengths are ``p``); ``axis`` labels the strength axis."""

    noise: NoiseModel | str
    strengths: tuple[float, ...]
    axis: str


def robustness_sweep(project: Project, max_p: float = DEFAULT_MAX_P,
                     points: int = DEFAULT_POINTS) -> RobustnessSweep:
    """The sweep of ``project``: its noise model from 0 to :data:`SCALE_MAX` times, or, for
    an ideal project, depolarizing ``p`` from 0 to ``max_p``; ``points`` strengths evenly
    spaced, 0 first."""
    noise = project.noise
    if noise is not None and not noise.is_ideal:
        top, sweep_noise, axis = SCALE_MAX, noise, f"noise strength (× {noise.name})"
    else:
        top, sweep_noise, axis = max_p, "depolarizing", "depolarizing p after every gate"
    strengths = tuple(float(s) for s in np.linspace(0.0, top, max(2, int(points))))
    return RobustnessSweep(sweep_noise, strengths, axis)


@dataclass(frozen=True, slots=True, eq=False)
class RobustnessCurve:
    """A computed curve: the ``sweep``, its ``table`` (one row per strength) and the number of
    test ``rows`` scored; :attr:`points` are what the plot draws."""

    sweep: RobustnessSweep
    table: NoiseRobustness
    rows: int

    @property
    def points(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """``(strengths, primary metric values)``: accuracy for a classifier, R² for a
        regressor."""
        return self.table.strengths, self.table.column(self.table.primary)


def robustness_curve(project: Project, sweep: RobustnessSweep,
                     project_dir: str | os.PathLike | None = None, *,
                     progress: Callable[[int, int, str], None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> RobustnessCurve:
    """Score trained ``project`` on its test part at each strength of ``sweep`` (see the
    module docstring); ``progress`` and ``cancelled`` as
    :func:`~qmlstudio.ml.evaluation.robustness.noise_robustness` takes them.

    Raises :class:`~qmlstudio.core.DatasetError` when the project holds no test part, and
    what preparing the data or the sweep raises (a :class:`~qmlstudio.core.QMLStudioError`).
    """
    data = prepare_training_data(project, project_dir)
    if not data.has_test:
        raise DatasetError("preprocessing.test_fraction: the project holds no test part to "
                           "score; set a test fraction in the Data panel and train again")
    dataset = data.dataset
    _train, _validation, test = split_rows(data.project.preprocessing, dataset.labels)
    model = TrainedModel.from_project(data.project, dataset.feature_names)
    targets = dataset.labels[test]
    if model.is_classifier:  # noise_robustness takes the original labels, as predict gives
        targets = np.array([dataset.class_labels[k] for k in targets], dtype=object)
    table = noise_robustness(model, dataset.features[test], targets, sweep.noise,
                             sweep.strengths, progress=progress, cancelled=cancelled)
    return RobustnessCurve(sweep, table, len(test))


def training_mode(trained_on: Project) -> str:
    """``"noise"`` if weights trained on ``trained_on`` were trained under its noise model,
    else ``"ideal"`` (the keys of :data:`TRAINED_LABELS`)."""
    return "ideal" if trained_on.training_noise is None else "noise"


def curve_stale_reason(computed_on: Project, project: Project, same_mode: bool = True) -> str:
    """``""`` if a curve computed for ``computed_on`` describes ``project``; else what changed
    since: ``"the circuit changed"``, ``"the model and weights changed"``, ``"the noise model
    changed"``... With ``same_mode`` false the curve belongs to the other training mode than
    the project's weights (see the module docstring): its own weights and mode are not
    compared."""
    changed = setup_changes(computed_on, project)
    if not same_mode:
        changed = [name for name in changed if name != TRAINING_MODE]
    elif (computed_on.weights, computed_on.readout) != (project.weights, project.readout):
        changed.append("weights")
    return f"the {listed(changed)} changed" if changed else ""
