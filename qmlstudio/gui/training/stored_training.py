"""The plots follow the training the project stores: :class:`StoredTraining`.

During a run the plots draw its live reports. Otherwise they must show the training the
document's project holds: its history's curves and, for a trained two-feature model, its
decision boundary — when a trained project opens, and whenever the stored training changes
without a run (Undo or Redo of a run, Reset weights). A run's own result is drawn by the plots
from the worker's ``finished`` signal; this keeps out of its way.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from qmlstudio.core import Project
from qmlstudio.core.errors import user_message
from qmlstudio.gui.compute_runner import ComputeRunner
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.training.panel import TrainingPanel
from qmlstudio.gui.training.plots import TrainingPlots
from qmlstudio.ml.evaluation.decision_boundary import decision_boundary
from qmlstudio.ml.training.trainer import Trainer

__all__ = ["StoredTraining"]


class StoredTraining(QObject):
    """Keeps ``plots`` showing ``document``'s stored training (see the module docstring);
    the boundary is computed on ``runner``. Create it after connecting the plots to the
    panel's worker. Signal ``failed(str)``: the boundary could not be computed (why)."""

    failed = Signal(str)

    def __init__(self, document: ProjectDocument, panel: TrainingPanel, plots: TrainingPlots,
                 runner: ComputeRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document, self._panel, self._plots = document, panel, plots
        self._channel = runner.channel(f"stored-training-{id(self):x}", self)
        self._channel.finished.connect(plots.on_boundary)
        self._channel.failed.connect(
            lambda error: self.failed.emit(f"Cannot draw the decision boundary: "
                                           f"{user_message(error)}"))
        self._shown = None  # the TrainingHistory object the plots show
        self._delivering = False  # a run has ended; its result is on its way to the document
        panel.training_active.connect(self._on_training_active)
        panel.worker.finished.connect(self._on_run_delivered)
        panel.worker.failed.connect(self._on_run_delivered)
        document.project_changed.connect(self._on_project_changed)
        self.show_stored()

    def show_stored(self) -> None:
        """Draw the document's stored history, and its boundary once computed."""
        project, path = self._document.project, self._document.path
        self._shown = project.history
        self._channel.cancel()
        self._plots.clear()
        self._plots.set_history(project.history)
        if project.is_trained:
            project_dir = path.parent if path is not None else None
            self._channel.submit(
                lambda: decision_boundary(Trainer(project, project_dir=project_dir)))

    def _on_training_active(self, active: bool) -> None:
        if active:
            self._channel.cancel()  # the run draws its own boundary
        else:
            self._delivering = True

    def _on_run_delivered(self, *_result: object) -> None:
        self._delivering = False
        self._shown = self._document.project.history  # drawn by the plots from the run

    def _on_project_changed(self, project: Project) -> None:
        if self._delivering or self._panel.is_training or project.history is self._shown:
            return
        self.show_stored()
