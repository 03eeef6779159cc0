"""Whether a project's training results still describe it: :func:`stale_reason`.

Trained weights, their history, the plots and scores are about the circuit, data set,
preprocessing, model and noise model they were trained on. Editing any of these keeps the
weights (an edited circuit keeps the weights that still exist, see
:meth:`~qmlstudio.core.Project.with_circuit`) but makes the results describe an earlier setup;
the training panel says so and dims the plots.
Training settings are not part of the setup: they say how to train next, not what was trained;
the one exception is training ideal or with the noise model, which decides the simulator the
recorded scores were measured on.
"""

from __future__ import annotations

from dataclasses import replace

from qmlstudio.core import Project

__all__ = ["TRAINING_MODE", "listed", "same_setup", "setup_changes", "stale_reason"]


def _data(project: Project) -> tuple:
    # The fitted part of preprocessing is a result of training, not a choice of the user.
    return project.dataset, replace(project.preprocessing, fitted=None)


TRAINING_MODE = "training mode (ideal or with noise)"
"""How :func:`setup_changes` names a switch between ideal and noisy training."""


def setup_changes(before: Project, project: Project) -> list[str]:
    """What of the setup differs between ``before`` and ``project``, in the order
    ``"circuit"``, ``"data set"``, ``"model"``, ``"noise model"``, :data:`TRAINING_MODE`
    (empty: weights trained on one mean the same thing in the other). The training mode
    counts because the scores training recorded were measured on the simulator it chose."""
    same_noise = before.noise == project.noise
    return [name for name, differs in (
        ("circuit", before.circuit != project.circuit),
        ("data set", _data(before) != _data(project)),
        ("model", before.model != project.model),
        ("noise model", not same_noise),
        (TRAINING_MODE, same_noise and before.training_noise != project.training_noise),
    ) if differs]


def listed(names: list[str]) -> str:
    """``"circuit"``, ``"circuit and data set"``, ``"circuit, data set and model"``."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def stale_reason(trained_on: Project, project: Project) -> str:
    """``""`` if weights trained on ``trained_on`` describe ``project``; otherwise what changed:
    ``"trained on an earlier circuit"``, ``"… data set"``, ``"… circuit and data set"``,
    ``"… model"``, ``"… noise model"``, ``"… training mode (ideal or with noise)"`` (and
    combinations)."""
    changed = setup_changes(trained_on, project)
    return f"trained on an earlier {listed(changed)}" if changed else ""


def same_setup(a: Project, b: Project) -> bool:
    """True if weights trained on ``a`` mean the same thing in ``b``."""
    return not stale_reason(a, b)
