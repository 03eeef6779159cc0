"""The quantum-vs-classical comparison in the background: :class:`ComparisonWorker`.

A comparison trains dozens of models, so it runs as a
:class:`~qmlstudio.gui.background_job.BackgroundJob` (a thread of its own, progress, *Cancel*)
on the project *value* it was given. *Cancel* sets an event that
:func:`~qmlstudio.ml.evaluation.comparison.compare_models` reads between fits, so the run ends
after the fit in progress.
"""

from __future__ import annotations

import os
from pathlib import Path

from qmlstudio.core import Project
from qmlstudio.gui.background_job import BackgroundJob
from qmlstudio.ml.evaluation.comparison import compare_models

__all__ = ["ComparisonWorker"]


class ComparisonWorker(BackgroundJob):
    """Runs :func:`~qmlstudio.ml.evaluation.comparison.compare_models` in a background
    thread and reports on the GUI thread.

    Signals (see :class:`~qmlstudio.gui.background_job.BackgroundJob`): ``progress(int, int,
    str)`` (fits done, fits in all, what is being fitted); ``finished(object)`` with the
    :class:`~qmlstudio.core.ComparisonResult`; ``cancelled()``; ``failed(str, str)``;
    ``active_changed(bool)``.
    """

    def start(self, project: Project, project_dir: str | os.PathLike | None = None, *,
              seeds: int, folds: int) -> None:
        """Compare ``project``'s model with the classical ones in the background;
        ``project_dir`` resolves a relative CSV path. Raises RuntimeError if a run is
        active."""
        if self.is_active:
            raise RuntimeError("a comparison is running; cancel it first")
        directory = None if project_dir is None else Path(project_dir)
        self.start_job(lambda cancelled, progress: compare_models(
            project, seeds=seeds, folds=folds, project_dir=directory, cancelled=cancelled,
            progress=progress))
