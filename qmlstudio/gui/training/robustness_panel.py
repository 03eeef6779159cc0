"""Would my model survive a real device? :class:`RobustnessPanel` plots the trained model's test
accuracy (R² for a regressor) against noise strength.

The sweep is :func:`~qmlstudio.viewmodels.robustness_curve.robustness_sweep`'s: the project's
noise model scaled from 0 to 2×, or, for an ideal project, a uniform depolarizing ``p`` from 0
to the maximum chosen here. It runs in the background
(:class:`~qmlstudio.gui.background_job.BackgroundJob`, never on the GUI thread) with a
progress bar and *Cancel*, which stops it between strengths. The first point, strength 0, is
the ideal simulator: the test score the training reported.

The view keeps the last curve of each training mode, "trained ideal" and "trained with noise"
(the Training panel's Simulator choice), and overlays them with a legend: train ideal and sweep,
train with noise and sweep, and both curves show whether noise-aware training helped (the rules
are :mod:`qmlstudio.viewmodels.robustness_curve`'s). A curve's mode is the one its weights were
trained in (the training run the window saw them come from), whatever the choice says now.

The curves belong to the window, not the project (they are not saved). A curve stays shown
after the setup changes (and the current mode's curve after the weights change), drawn dashed
and named in the out-of-date line; with every curve out of date the plot is dimmed (Undo back
to what it was computed for makes it current again); Run draws a new one, and drops the other
mode's curve if that one was swept along another axis (an ideal project's depolarizing ``p``,
or another noise model's scale).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qmlstudio.core import Project
from qmlstudio.core.wording import counted
from qmlstudio.gui.background_job import BackgroundJob
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.plot_export import add_export_action
from qmlstudio.gui.theme.colours import SERIES
from qmlstudio.gui.theme.plot_style import follow_palette, label_plot
from qmlstudio.gui.theme.themes import set_tone
from qmlstudio.gui.training.freshness import TrainingFreshness, set_dimmed
from qmlstudio.viewmodels.robustness_curve import (
    DEFAULT_MAX_P,
    DEFAULT_POINTS,
    SCALE_MAX,
    TRAINED_LABELS,
    RobustnessCurve,
    curve_stale_reason,
    robustness_curve,
    robustness_sweep,
    training_mode,
)

__all__ = ["RobustnessPanel"]

_METRIC_NAMES = {"accuracy": "accuracy", "r2": "R²"}
_PLOT_MIN_HEIGHT = 120
_UNTRAINED = "Train the model first: the curve scores its trained weights under noise."
_COLOURS = {"ideal": SERIES[2], "noise": SERIES[3]}


class RobustnessPanel(QWidget):
    """The noise-robustness curve of ``document``'s trained model, and computing a new one."""

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.worker = BackgroundJob(self)
        # Which training run the document's weights come from: a curve's training mode.
        self._freshness = TrainingFreshness(document, self)
        # Per training mode, the last curve and the project it was computed on.
        self._kept: dict[str, tuple[RobustnessCurve, Project]] = {}
        self._latest = ""  # the mode of the last curve computed
        self._started_on: Project | None = None   # the project of the latest run
        self._dimmed = False

        self.max_p = QDoubleSpinBox(minimum=0.001, maximum=1.0, singleStep=0.01, decimals=3,
                                    value=DEFAULT_MAX_P, prefix="p ≤ ")
        self.max_p.setToolTip("The largest depolarizing probability swept: after every gate, "
                              "each qubit it touches is replaced by a random state with this "
                              "probability")
        self.points = QSpinBox(minimum=3, maximum=51, value=DEFAULT_POINTS, suffix=" points")
        self.points.setToolTip("Noise strengths evaluated, evenly spaced from 0 (ideal)")
        self.run_button = QPushButton("&Run Sweep")
        self.run_button.setToolTip("Score the trained model on the test part at each noise "
                                   "strength (nothing is retrained)")
        self.cancel_button = QPushButton("Cancel")
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m strengths")
        self.progress.setMinimumWidth(60)  # the bottom dock's width sets the window's minimum
        self.message = QLabel(wordWrap=True)
        self.stale_label = QLabel(wordWrap=True, visible=False)
        set_tone(self.stale_label, "warning")  # as the training plots' out-of-date line
        self.plot = pg.PlotWidget()
        self.plot.getPlotItem().showGrid(x=True, y=True, alpha=0.2)
        # Short enough that the panel fits a laptop's bottom dock without scrolling.
        self.plot.setMinimumHeight(_PLOT_MIN_HEIGHT)
        # Bottom left: accuracy falls to the right, so that corner stays clear of the curves.
        self._legend = self.plot.getPlotItem().addLegend(offset=(10, -10))
        self._lines = {mode: pg.PlotDataItem([], [], symbol="o", symbolSize=6,
                                             symbolBrush=colour, name=TRAINED_LABELS[mode])
                       for mode, colour in _COLOURS.items()}
        for line in self._lines.values():
            self.plot.addItem(line)
        follow_palette(self.plot)
        add_export_action(self.plot, "QML Studio noise robustness plot", "noise robustness")

        controls = QHBoxLayout()
        controls.addWidget(self.max_p)
        controls.addWidget(self.points)
        controls.addWidget(self.run_button)
        controls.addWidget(self.cancel_button)
        controls.addWidget(self.progress, 3)
        controls.addStretch(1)  # keeps the fields together while the bar is hidden
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addWidget(self.stale_label)
        layout.addWidget(self.plot, 1)

        self.run_button.clicked.connect(self.run_sweep)
        self.cancel_button.clicked.connect(self.worker.cancel)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.failed.connect(self._on_failed)
        self.worker.active_changed.connect(self._on_active_changed)
        document.project_changed.connect(self._on_project_changed)
        self._show_curve()
        self._on_active_changed(False)
        self._on_project_changed(document.project)

    # -- what the user sees ------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        """True while a sweep runs."""
        return self.worker.is_active

    @property
    def curve(self) -> RobustnessCurve | None:
        """The last curve computed (None before the first finished sweep)."""
        return self._kept[self._latest][0] if self._latest else None

    def drawn_points(self) -> tuple[list[float], list[float]]:
        """``(strengths, scores)`` of the last curve computed, as the plot draws them."""
        return self.drawn_curves().get(TRAINED_LABELS.get(self._latest, ""), ([], []))

    def drawn_curves(self) -> dict[str, tuple[list[float], list[float]]]:
        """Every curve drawn, by its legend name: ``(strengths, scores)``."""
        drawn = {}
        for mode, line in self._lines.items():
            x, y = line.xData, line.yData
            if x is not None and len(x):
                drawn[TRAINED_LABELS[mode]] = (list(map(float, x)), list(map(float, y)))
        return drawn

    def legend_names(self) -> list[str]:
        """The legend's entries, top to bottom."""
        return [label.text for _item, label in self._legend.items]

    def stale_text(self) -> str:
        """The line saying the curve describes an earlier setup ("" if not shown)."""
        return "" if self.stale_label.isHidden() else self.stale_label.text()

    # -- running -----------------------------------------------------------------------------
    def run_sweep(self) -> None:
        """Start a sweep of the document's trained model (no-op while one runs; an untrained
        model only gets the message why)."""
        if self.is_running:
            return
        project = self._document.project
        if not project.is_trained:
            self._show_message(_UNTRAINED, error=True)
            return
        sweep = robustness_sweep(project, self.max_p.value(), self.points.value())
        path = self._document.path
        directory = None if path is None else path.parent
        self._started_on = project
        self.progress.setRange(0, len(sweep.strengths))
        self.progress.setValue(0)
        self._show_message("Preparing the test data…")
        self.worker.start_job(lambda cancelled, progress: robustness_curve(
            project, sweep, directory, progress=progress, cancelled=cancelled))

    def shutdown(self) -> None:
        """Cancel a running sweep (for closing the window)."""
        self.worker.shutdown()

    def _on_progress(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self._show_message(f"Evaluated {what}…")

    def _on_finished(self, curve: RobustnessCurve) -> None:
        started_on = self._started_on
        mode = training_mode(self._freshness.trained_on(started_on))
        # A curve over another axis (p of a depolarizing sweep, or another noise model's
        # scale) cannot share the plot: its strengths would be read on this curve's axis.
        self._kept = {kept_mode: kept for kept_mode, kept in self._kept.items()
                      if kept[0].sweep.axis == curve.sweep.axis}
        self._kept[mode] = (curve, started_on)
        self._latest = mode
        self._show_curve()
        table = curve.table
        scores = table.column(table.primary)
        name = f"Test {_METRIC_NAMES[table.primary]}"
        top = table.strengths[-1]
        text = (f"{name} {scores[0]:.3f} ideal, {scores[-1]:.3f} at "
                f"{self._strength_text(curve, top)} ({counted(curve.rows, 'test row')}; "
                f"nothing retrained).")
        tables = {kept_mode: kept.table for kept_mode, (kept, _on) in self._kept.items()}
        if len(tables) == 2 and tables["ideal"].strengths[-1] == top:  # one sweep: compare
            at_top = {m: t.column(t.primary)[-1] for m, t in tables.items()}
            text += (f" At {self._strength_text(curve, top)}: trained with noise "
                     f"{at_top['noise']:.3f}, trained ideal {at_top['ideal']:.3f}.")
        self._show_message(text)
        self._on_project_changed(self._document.project)

    def _on_cancelled(self) -> None:
        self._show_message("Cancelled; the curve shown is unchanged." if self._kept
                           else "Cancelled.")

    def _on_failed(self, message: str, _details: str) -> None:
        self._show_message(f"The sweep failed: {message}", error=True)

    def _on_active_changed(self, active: bool) -> None:
        self.run_button.setEnabled(not active)
        self.max_p.setEnabled(not active)
        self.points.setEnabled(not active)
        self.cancel_button.setEnabled(active)
        self.progress.setVisible(active)

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        set_tone(self.message, "error" if error else None)

    # -- the curve ---------------------------------------------------------------------------
    @staticmethod
    def _strength_text(curve: RobustnessCurve, strength: float) -> str:
        return (f"p = {strength:g}" if curve.sweep.noise == "depolarizing"
                else f"{strength:g}× the noise model")

    def _show_curve(self) -> None:
        curve = self.curve
        item = self.plot.getPlotItem()
        self._legend.clear()
        for mode, line in self._lines.items():
            kept = self._kept.get(mode)
            line.setData(*(map(list, kept[0].points) if kept is not None else ([], [])))
            if kept is not None:
                self._legend.addItem(line, TRAINED_LABELS[mode])
        self._legend.setVisible(bool(self._kept))
        if curve is None:
            label_plot(self.plot, "Test score under noise: none yet", "noise strength", "")
            return
        primary = curve.table.primary
        label_plot(self.plot, f"Test {_METRIC_NAMES[primary]} under noise", curve.sweep.axis,
                   f"test {_METRIC_NAMES[primary]}")
        if primary == "accuracy":  # on the whole scale: a drop from 0.97 to 0.95 looks small
            item.setYRange(0.0, 1.0)
        else:
            item.enableAutoRange(axis="y")
        item.setXRange(0.0, max(max(kept.points[0]) for kept, _on in self._kept.values()))

    def _stale_reasons(self, project: Project) -> dict[str, str]:
        """Why each kept curve no longer describes ``project`` ("" if it does), by mode."""
        current = training_mode(self._freshness.trained_on(project))
        return {mode: curve_stale_reason(computed_on, project, same_mode=mode == current)
                for mode, (_curve, computed_on) in self._kept.items()}

    def _on_project_changed(self, project: Project) -> None:
        noisy = project.noise is not None and not project.noise.is_ideal
        self.max_p.setVisible(not noisy)
        if not self._kept and not self.is_running:
            # Until there is a curve, the line says what a sweep would do.
            self._show_message(
                _UNTRAINED if not project.is_trained else
                f"Sweeps the project's noise model ({project.noise.name}) from 0 to "
                f"{SCALE_MAX:g}× as strong." if noisy else
                "Sweeps a depolarizing channel after every gate, p from 0 to the maximum "
                "(the project is ideal).")
        reasons = self._stale_reasons(project)
        for mode, line in self._lines.items():
            style = Qt.PenStyle.DashLine if reasons.get(mode) else Qt.PenStyle.SolidLine
            line.setPen(pg.mkPen(_COLOURS[mode], width=2, style=style))
        stale = {mode: reason for mode, reason in reasons.items() if reason}
        if len(reasons) == 1 and stale:
            text = (f"Out of date: {next(iter(stale.values()))} since this curve was computed. "
                    f"Run the sweep again.")
        elif stale:
            text = "Out of date: " + "; ".join(
                f"the {TRAINED_LABELS[mode]} curve ({reason} since it was computed)"
                for mode, reason in stale.items()) + ". Train and run the sweep again."
        else:
            text = ""
        self.stale_label.setText(text)
        self.stale_label.setVisible(bool(text))
        dimmed = bool(reasons) and len(stale) == len(reasons)  # nothing current left to read
        if dimmed != self._dimmed:
            self._dimmed = dimmed
            set_dimmed(self.plot, dimmed)
