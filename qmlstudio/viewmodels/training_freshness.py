"""Whether a project's training results still describe it: :func:`stale_reason`.

Trained weights, their history, the plots and scores are about the circuit, data set,
preprocessing, model and noise model they were trained on. Editing any of these keeps the
weights (an edited circuit keeps the weights that still exist, see
:meth:`~qmlstudio.core.Project.with_circuit`) but makes the results describe an earlier setup;
the training panel says so and dims the plots.
Training settings are not part of the setup: they say how to train next, not what was trained.
"""

from __future__ import annotations

from dataclasses import replace

from qmlstudio.core import Project

__all__ = ["same_setup", "stale_reason"]


def _data(project: Project) -> tuple:
    # The fitted part of preprocessing is a result of training, not a choice of the user.
    return project.dataset, replace(project.preprocessing, fitted=None)


def stale_reason(trained_on: Project, project: Project) -> str:
    """``""`` if weights trained on ``trained_on`` describe ``project``; otherwise what changed:
    ``"trained on an earlier circuit"``, ``"… data set"``, ``"… circuit and data set"``,
    ``"… model"``, ``"… noise model"`` (and combinations)."""
    changed = [name for name, differs in (
        ("circuit", trained_on.circuit != project.circuit),
        ("data set", _data(trained_on) != _data(project)),
        ("model", trained_on.model != project.model),
        ("noise model", trained_on.noise != project.noise)) if differs]
    if not changed:
        return ""
    return "trained on an earlier " + (", ".join(changed[:-1]) + " and " + changed[-1]
                                       if len(changed) > 1 else changed[0])


def same_setup(a: Project, b: Project) -> bool:
    """True if weights trained on ``a`` mean the same thing in ``b``."""
    return not stale_reason(a, b)
