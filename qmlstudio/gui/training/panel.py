"""The training panel: settings, Train / Pause / Resume / Step / Stop / Reset weights, progress.

The run controls and the progress bar are a toolbar (:mod:`.controls`) at the top of the panel,
or in the main window's toolbar area, where they stay in view beside any dock.

Training runs in a :class:`~qmlstudio.gui.training.worker.TrainingWorker` thread on the project
value the document held when Train was pressed. When the run ends its trained weights, readout,
fitted preprocessing, class labels and history go into the document as ONE undoable edit
("Train 30 epochs"), which marks the project modified; Undo gives back the untrained project,
and Train again continues from the stored weights.

What Stop keeps: whatever was trained until then (the weights after the last finished step, the
epochs completed, history stop reason "cancelled"), stored like a finished run as one undoable
step named "Train 3 epochs (stopped)". A run that ends before completing one epoch (stopped, or
diverged at once) changes nothing: there is no measured epoch to keep. Closing the window
(:meth:`TrainingPanel.shutdown`) drops the run instead.

If the document was edited while training (settings and the circuit are meant to be locked, see
``training_active``, but Undo or another panel may still change it), the trained state is merged
into the current project when the circuit, data set, preprocessing and model are unchanged;
otherwise the trained project replaces the current one, with a note — Undo brings the edits back.

An exception in the worker shows an error dialog with the traceback under "Show Details"; the
document stays as it was. A run the trainer stopped because the loss or gradient went non-finite
shows its reason in the panel.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout, QWidget

from qmlstudio.core import Project, ProjectError, ReadoutParams, TrainingHistory
from qmlstudio.core.wording import counted
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.simulator_warmup import simulator_warmup
from qmlstudio.gui.theme.themes import set_tone
from qmlstudio.gui.training.controls import PROGRESS_STEPS, RESET_TEXT, TrainingControls
from qmlstudio.gui.training.freshness import TrainingFreshness
from qmlstudio.gui.training.settings import TrainingSettings
from qmlstudio.gui.training.worker import TrainingWorker
from qmlstudio.ml.training.report import TrainingReport
from qmlstudio.viewmodels.training_freshness import same_setup

__all__ = ["RESET_TEXT", "TrainingPanel", "format_eta", "train_text"]

_REFRESH_MS = 100


def train_text(epochs: int, stopped: bool = False) -> str:
    """The undo text of a training run: ``"Train 30 epochs"``, ``"Train 1 epoch (stopped)"``."""
    text = f"Train {counted(epochs, 'epoch')}"
    return f"{text} (stopped)" if stopped else text


def format_eta(seconds: float) -> str:
    """``"0:07"``, ``"12:30"``, ``"1:02:03"``: the remaining time of a run."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _untrained(project: Project) -> Project:
    """``project`` without its trained state (what Reset weights leaves)."""
    return replace(project, weights=(), readout=ReadoutParams(), history=TrainingHistory(),
                   preprocessing=replace(project.preprocessing, fitted=None), versions=())


class TrainingPanel(QWidget):
    """Training settings, run controls and progress for a document (see the module docstring).

    Signal ``training_active(bool)``: True when a run starts, False when it has ended — the
    main window locks circuit editing meanwhile. ``worker`` is the panel's
    :class:`TrainingWorker`: live plots connect to its ``report`` and ``epoch_extra`` signals
    and may set its ``extra_per_epoch`` hook. Signal ``results_stale(str)``: why the trained
    results shown describe an earlier setup ("trained on an earlier circuit"), "" once they
    are current again or a run is drawing new ones — the window dims the plots meanwhile.
    Call :meth:`shutdown` when the window closes.
    """

    training_active = Signal(bool)
    results_stale = Signal(str)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._start_project: Project | None = None
        self._active = False
        self._latest: TrainingReport | None = None  # received, not yet shown
        self._message_about: Project | None = None  # the project the message describes
        self._stale_shown = ""
        # Before this panel's own handler: it reads the freshness of the new project.
        self.freshness = TrainingFreshness(document, self)
        self._first_report: TrainingReport | None = None  # the current run's first
        self._warmup = simulator_warmup()
        self._warmup.progress.connect(self._show_warmup)
        self._warmup.finished.connect(self._show_warmup)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(_REFRESH_MS)
        self._refresh.timeout.connect(self._show_report)
        self.worker = TrainingWorker(self)
        self.settings = TrainingSettings(document)
        self.controls = TrainingControls()
        self.train_button = self.controls.button("train")
        self.pause_button = self.controls.button("pause")
        self.resume_button = self.controls.button("resume")
        self.step_button = self.controls.button("step")
        self.stop_button = self.controls.button("stop")
        self.reset_button = self.controls.button("reset")
        self.progress = self.controls.progress
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.stale_label = QLabel(wordWrap=True, visible=False)
        set_tone(self.stale_label, "warning")  # the amber of the window's other warnings

        layout = QVBoxLayout(self)
        # On its own the panel shows its controls on top; the main window moves them into
        # its toolbar area (reparenting takes them out of this layout).
        layout.addWidget(self.controls)
        layout.addWidget(self.stale_label)
        layout.addWidget(self.message)
        layout.addWidget(self.settings)
        layout.addStretch(1)

        actions = self.controls.actions_
        actions["train"].triggered.connect(self._on_train_clicked)
        actions["pause"].triggered.connect(self.worker.pause)
        actions["resume"].triggered.connect(self.worker.resume)
        actions["step"].triggered.connect(self.worker.step_once)
        actions["stop"].triggered.connect(self.worker.stop)
        actions["reset"].triggered.connect(self._on_reset_clicked)
        self.worker.report.connect(self._on_report)
        self.worker.state_changed.connect(self._on_state_changed)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        document.project_changed.connect(self._on_project_changed)
        self._on_project_changed(document.project)

    # -- state -------------------------------------------------------------------------------
    @property
    def is_training(self) -> bool:
        """True while a run is active (running, paused or stopping)."""
        return self.worker.is_active

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop a run without storing its result (window close); True if its thread ended."""
        active = self.worker.is_active
        ended = self.worker.shutdown(timeout_ms)
        self._forget_reports()
        if active:
            self._show_message("Training was cancelled.")
        return ended

    def _update_buttons(self) -> None:
        state = self.worker.state
        active = self.worker.is_active
        project = self._document.project
        enabled = {"train": not active, "pause": state == "running",
                   "resume": state == "paused", "step": state == "paused",
                   "stop": state in ("running", "paused"),
                   "reset": not active and (project.is_trained or bool(project.history.records))}
        for key, on in enabled.items():
            self.controls.actions_[key].setEnabled(on)
        self.settings.setEnabled(not active)

    def _show_message(self, text: str, error: bool = False) -> None:
        set_tone(self.message, "error" if error else None)
        self.message.setText(text)
        self._message_about = self._document.project

    def stale_text(self) -> str:
        """The line saying the results describe an earlier setup ("" if not shown)."""
        return "" if self.stale_label.isHidden() else self.stale_label.text()

    def _update_stale(self) -> None:
        """Show whether the results are out of date; a run draws fresh ones, so not then."""
        reason = "" if self.worker.is_active else self.freshness.reason
        self.stale_label.setText(
            f"{reason[0].upper()}{reason[1:]}: the weights, scores and plots are out of date. "
            f"Train again, or Reset weights to start over." if reason else "")
        self.stale_label.setVisible(bool(reason))
        if reason != self._stale_shown:
            self._stale_shown = reason
            self.results_stale.emit(reason)

    # -- document ----------------------------------------------------------------------------
    def _on_project_changed(self, project: Project) -> None:
        if not self.worker.is_active:
            self._show_idle_progress(project)
        about = self._message_about
        if about is not None and not same_setup(about, project):
            self._show_message("")  # it described the circuit or data set before this edit
        self._update_buttons()
        self._update_stale()

    def _show_idle_progress(self, project: Project) -> None:
        records = project.history.records
        if records:
            self.progress.setValue(PROGRESS_STEPS)
            # "trained 30 epochs on an earlier circuit": the bar sits by the buttons, where
            # the eye is, even when the dock scrolls the line below it out of view.
            earlier = self.freshness.reason.removeprefix("trained")
            self.progress.setFormat(f"trained {counted(records[-1].epoch, 'epoch')}{earlier}")
        else:
            self.progress.setValue(0)
            self.progress.setFormat("not trained")

    # -- buttons -----------------------------------------------------------------------------
    def _on_train_clicked(self) -> None:
        if self.worker.is_active:
            return
        document = self._document
        project = document.project
        self._start_project = project
        self._show_message("")
        self.progress.setValue(0)
        self._first_report = None
        directory = document.path.parent if document.path is not None else None
        self.worker.start(project, directory)
        self._show_warmup()

    def _show_warmup(self, *_changed) -> None:
        """Until a run's first report: the simulator's first-run warm-up with its progress
        while it runs (the run waits for it), else "preparing the data…"."""
        if not self.worker.is_active or self._first_report is not None:
            return
        warmup = self._warmup
        if warmup.is_preparing:
            self.progress.setValue(round(warmup.fraction() * PROGRESS_STEPS))
            self.progress.setFormat(warmup.message())
        else:
            self.progress.setValue(0)
            self.progress.setFormat("preparing the data…")

    def _on_reset_clicked(self) -> None:
        if not self.worker.is_active:
            self._document.edit(_untrained(self._document.project), RESET_TEXT)

    # -- worker ------------------------------------------------------------------------------
    def _on_state_changed(self, state: str) -> None:
        self._update_buttons()
        self._update_stale()
        active = self.worker.is_active
        if active != self._active:
            self._active = active
            self.training_active.emit(active)
        if state == "paused":
            self._show_message("Paused.")
        elif state == "running":
            self._show_message("")
        elif state == "stopping":
            self._show_message("Stopping…")

    def _on_report(self, report: TrainingReport) -> None:
        # Epoch reports may come hundreds of times a second on a small model, and each repaint
        # costs the training thread CPU time: show at most one report per _REFRESH_MS (the
        # first at once, then the latest when the interval ends).
        self._latest = report
        if self._first_report is None:
            self._first_report = report
        if report.kind == "done" or not self._refresh.isActive():
            self._show_report()
            self._refresh.start()

    def _show_report(self) -> None:
        report, self._latest = self._latest, None
        if report is None:
            return
        progress = report.progress
        self.progress.setValue(round(progress * PROGRESS_STEPS))
        if report.kind == "done":
            self.progress.setFormat(f"epoch {report.epoch}/{report.last_epoch} · done")
            return
        left = report.seconds_left(self._first_report or report)
        eta = "" if left is None else f" · ETA {format_eta(left)}"
        self.progress.setFormat(f"epoch {report.epoch}/{report.last_epoch}{eta}")

    def _forget_reports(self) -> None:
        """The run is over: a report still waiting to be shown is out of date."""
        self._latest = None
        self._refresh.stop()

    def _on_finished(self, trained: Project) -> None:
        self._forget_reports()
        start, self._start_project = self._start_project, None
        current = self._document.project
        reason = trained.history.stop_reason
        stopped = reason == "cancelled"
        epochs = len(trained.history.records) - (len(start.history.records) if start else 0)
        if start is None or epochs == 0:
            self._show_idle_progress(current)
            if reason.startswith("diverged"):
                self._show_message(f"Training stopped: {reason}. Nothing changed.", error=True)
            else:
                self._show_message("Stopped before the first epoch ended: nothing changed.")
            return
        notes = [self._outcome(trained, epochs)]
        new = trained
        if same_setup(start, current):
            try:  # keep edits made meanwhile (name, training settings) under the result
                new = replace(current, weights=trained.weights, readout=trained.readout,
                              history=trained.history, versions=trained.versions,
                              model=trained.model,
                              preprocessing=replace(current.preprocessing,
                                                    fitted=trained.preprocessing.fitted))
            except ProjectError:
                new = trained
        else:
            notes.append("The project changed during training; the trained project replaced "
                         "it (Undo brings the changes back).")
        self._document.edit(new, train_text(epochs, stopped))
        self._show_message(" ".join(notes), error=reason.startswith("diverged"))

    @staticmethod
    def _outcome(trained: Project, epochs: int) -> str:
        history = trained.history
        reason = history.stop_reason
        if reason.startswith("diverged"):
            return f"Training stopped: {reason}."
        last = history.records[-1] if history.records else None
        scores = ""
        if last is not None:
            found = [(name, last.get(name)) for name in ("test_accuracy", "test_r2",
                                                         "train_accuracy", "train_r2")]
            name, value = next(((n, v) for n, v in found if v is not None), (None, None))
            if name is not None:
                scores = f": {name.replace('_', ' ')} {value:.3f}"
        if reason == "cancelled":
            where = f"epoch {last.epoch}" if last is not None else "the first epoch"
            return f"Stopped after {where}; kept the weights trained so far{scores}."
        if reason == "completed":
            return f"Trained {counted(epochs, 'epoch')}{scores}."
        return f"{reason[0].upper()}{reason[1:]}{scores}."

    def _on_failed(self, message: str, details: str) -> None:
        self._forget_reports()
        self._start_project = None
        self._show_message(f"Training failed: {message}", error=True)
        self._show_idle_progress(self._document.project)
        box = QMessageBox(QMessageBox.Icon.Critical, "Training failed", message,
                          QMessageBox.StandardButton.Ok, self)
        box.setInformativeText("The project was not changed.")
        box.setDetailedText(details)
        box.exec()
