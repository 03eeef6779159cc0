"""Would my model survive a real device? :class:`RobustnessPanel` plots the trained model's test
accuracy (R² for a regressor) against noise strength.

The sweep is :func:`~qmlstudio.viewmodels.robustness_curve.robustness_sweep`'s: the project's
noise model scaled from 0 to 2×, or, for an ideal project, a uniform depolarizing ``p`` from 0
to the maximum chosen here. It runs in the background
(:class:`~qmlstudio.gui.background_job.BackgroundJob`, never on the GUI thread) with a
progress bar and *Cancel*, which stops it between strengths. The first point, strength 0, is
the ideal simulator: the test score the training reported.

The curve belongs to the window, not the project (it is not saved). It stays shown after the
circuit, data, model, weights or noise model change, dimmed and marked out of date (Undo back
to what it was computed for makes it current again); Run draws a new one.
"""

from __future__ import annotations

import pyqtgraph as pg
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
from qmlstudio.gui.training.freshness import set_dimmed
from qmlstudio.viewmodels.robustness_curve import (
    DEFAULT_MAX_P,
    DEFAULT_POINTS,
    SCALE_MAX,
    RobustnessCurve,
    curve_stale_reason,
    robustness_curve,
    robustness_sweep,
)

__all__ = ["RobustnessPanel"]

_METRIC_NAMES = {"accuracy": "accuracy", "r2": "R²"}
_PLOT_MIN_HEIGHT = 120
_UNTRAINED = "Train the model first: the curve scores its trained weights under noise."


class RobustnessPanel(QWidget):
    """The noise-robustness curve of ``document``'s trained model, and computing a new one."""

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.worker = BackgroundJob(self)
        self._curve: RobustnessCurve | None = None
        self._computed_on: Project | None = None  # the project the curve describes
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
        self._line = self.plot.plot([], [], pen=pg.mkPen(SERIES[2], width=2), symbol="o",
                                    symbolSize=6, symbolBrush=SERIES[2])
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
        """The curve shown (None before the first finished sweep)."""
        return self._curve

    def drawn_points(self) -> tuple[list[float], list[float]]:
        """``(strengths, scores)`` as the plot draws them."""
        x, y = self._line.xData, self._line.yData
        return ([], []) if x is None else (list(map(float, x)), list(map(float, y)))

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
        self._curve, self._computed_on = curve, self._started_on
        self._show_curve()
        table = curve.table
        scores = table.column(table.primary)
        name = f"Test {_METRIC_NAMES[table.primary]}"
        self._show_message(f"{name} {scores[0]:.3f} ideal, {scores[-1]:.3f} at "
                           f"{self._strength_text(curve, table.strengths[-1])} "
                           f"({counted(curve.rows, 'test row')}; nothing retrained).")
        self._on_project_changed(self._document.project)

    def _on_cancelled(self) -> None:
        self._show_message("Cancelled; the curve shown is unchanged." if self._curve is not None
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
        curve = self._curve
        item = self.plot.getPlotItem()
        if curve is None:
            label_plot(self.plot, "Test score under noise: none yet", "noise strength", "")
            self._line.setData([], [])
            return
        x, y = curve.points
        primary = curve.table.primary
        label_plot(self.plot, f"Test {_METRIC_NAMES[primary]} under noise", curve.sweep.axis,
                   f"test {_METRIC_NAMES[primary]}")
        self._line.setData(list(x), list(y))
        if primary == "accuracy":  # on the whole scale: a drop from 0.97 to 0.95 looks small
            item.setYRange(0.0, 1.0)
        else:
            item.enableAutoRange(axis="y")
        item.setXRange(0.0, max(x))

    def _on_project_changed(self, project: Project) -> None:
        noisy = project.noise is not None and not project.noise.is_ideal
        self.max_p.setVisible(not noisy)
        if self._curve is None and not self.is_running:
            # Until there is a curve, the line says what a sweep would do.
            self._show_message(
                _UNTRAINED if not project.is_trained else
                f"Sweeps the project's noise model ({project.noise.name}) from 0 to "
                f"{SCALE_MAX:g}× as strong." if noisy else
                "Sweeps a depolarizing channel after every gate, p from 0 to the maximum "
                "(the project is ideal).")
        reason = (curve_stale_reason(self._computed_on, project)
                  if self._computed_on is not None else "")
        self.stale_label.setText(f"Out of date: {reason} since this curve was computed. Run "
                                 f"the sweep again." if reason else "")
        self.stale_label.setVisible(bool(reason))
        if bool(reason) != self._dimmed:
            self._dimmed = bool(reason)
            set_dimmed(self.plot, self._dimmed)
