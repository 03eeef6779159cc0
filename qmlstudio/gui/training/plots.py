"""Live training plots: :class:`TrainingPlots` (pyqtgraph).

What it shows, fed by the training worker's signals (never computing on the GUI thread):

* **Loss** of the training, validation and test parts per epoch, and **accuracy** (R² for a
  regressor) of each part per epoch, from the ``"epoch"`` reports;
* the **gradient norm** per epoch on a log axis: the mean of the epoch's optimizer-step norms
  (as the trainer records it as ``grad_norm``), the current epoch's running mean drawn live
  from the ``"step"`` reports. *Vanishing gradients*: when the norm of each of the last
  :data:`VANISHING_EPOCHS` completed epochs is below :data:`VANISHING_THRESHOLD`, a warning
  appears under the plot (the threshold is the dashed line). Tiny gradients with a loss that
  is still high are the signature of a barren plateau; with a low loss they just mean the
  model has converged — the warning says both;
* for a model reading two features, the **decision boundary** of the latest epoch
  (:class:`~qmlstudio.gui.training.boundary_plot.BoundaryPlot`, refreshed by :meth:`on_boundary`);
* after training (:meth:`on_finished`), the **confusion matrix** of the test part and a table
  of the model's metrics beside a **classical baseline**'s
  (:mod:`~qmlstudio.gui.training.comparison`), computed on the window's compute thread.

When training ends the curves are redrawn from the finished project's history, so they hold
exactly what the project stores even if the worker throttled the step reports. A loaded
project's stored history is shown with :meth:`set_history`.

The figures sit in a :class:`~qmlstudio.gui.figure_grid.FigureGrid`: all in one grid when the
dock is tall enough, else a row per tab ("Loss · Accuracy · Boundary", then "Gradient ·
Confusion · Baselines"), each at least 150 px tall. The loss and metric plots carry their
legend in the title, above the data, listing only the parts that have points (no
"validation" without a validation part); epochs are ticked at whole numbers only.

Export: :meth:`export_plots` writes the whole widget as seen (the figures in view and the
table) to PNG (a widget grab) or SVG (the widget rendered into Qt's SVG generator: vector
lines and text, images embedded); :meth:`export_plot` writes one plot (:data:`PLOT_NAMES`),
as each plot's "Export Plot…" menu entry does (:mod:`qmlstudio.gui.plot_export`).
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from qmlstudio.core import Project, QMLStudioError, TrainingHistory
from qmlstudio.core.errors import user_message
from qmlstudio.core.wording import counted
from qmlstudio.gui.compute_runner import ComputeRunner
from qmlstudio.gui.figure_grid import FigureGrid
from qmlstudio.gui.image_files import write_png
from qmlstudio.gui.plot_export import add_export_action, write_plot, write_widget_svg
from qmlstudio.gui.theme.colours import SERIES
from qmlstudio.gui.theme.plot_style import apply_palette, label_plot
from qmlstudio.gui.theme.themes import set_tone
from qmlstudio.gui.training.boundary_plot import BoundaryPlot
from qmlstudio.gui.training.comparison import ComparisonTable
from qmlstudio.gui.training.confusion_plot import ConfusionPlot
from qmlstudio.gui.training.epoch_axis import EpochAxis
from qmlstudio.gui.training.log_axis import LogAxis
from qmlstudio.ml.evaluation.decision_boundary import DecisionBoundary
from qmlstudio.ml.training.prepared_data import TrainingData
from qmlstudio.ml.training.report import TrainingReport
from qmlstudio.viewmodels.result_comparison import FinalResults, final_results

__all__ = ["PLOT_NAMES", "VANISHING_EPOCHS", "VANISHING_THRESHOLD", "TrainingPlots"]

VANISHING_THRESHOLD = 1e-3
"""Gradient norm (per epoch, the mean of its steps' norms) below which gradients count as
vanished."""
VANISHING_EPOCHS = 3
"""Consecutive completed epochs below :data:`VANISHING_THRESHOLD` that raise the warning."""
PLOT_NAMES = ("loss", "metric", "gradient", "boundary", "confusion")
"""Names :meth:`TrainingPlots.export_plot` takes."""
_RESULT_FIGURES = ("boundary", "confusion", "baselines")
"""Figures shown once there is something in them (the curves are there from the start)."""

_PARTS = (("train", "training", SERIES[0], Qt.PenStyle.SolidLine),
          ("val", "validation", SERIES[1], Qt.PenStyle.DashLine),
          ("test", "test", SERIES[2], Qt.PenStyle.DotLine))
_LINE_SAMPLES = {Qt.PenStyle.SolidLine: "━", Qt.PenStyle.DashLine: "╍",
                 Qt.PenStyle.DotLine: "┈"}
"""How each pen style of :data:`_PARTS` looks in a legend entry."""
_LOG_FLOOR = 1e-300  # a zero norm cannot sit on a log axis; draw it at the bottom instead


def _plot(title: str, left: pg.AxisItem | None = None) -> pg.PlotWidget:
    # No left axis title: the plot's title names what is plotted, and the room is the data's.
    axes = {"bottom": EpochAxis()} if left is None else {"bottom": EpochAxis(), "left": left}
    widget = pg.PlotWidget(axisItems=axes)
    label_plot(widget, title, "epoch", "")
    widget.getPlotItem().showGrid(x=True, y=True, alpha=0.2)
    return widget


def legend_title(title: str, parts: list[str]) -> str:
    """A curve plot's title with its legend: ``title`` and a line sample of each part of
    ``parts`` (keys of :data:`_PARTS`) in its colour and dash — above the data, never on it,
    and only for the parts that have points."""
    entries = [f"<span style='color:{colour}'>{_LINE_SAMPLES[style]}&nbsp;{label}</span>"
               for part, label, colour, style in _PARTS if part in parts]
    return "&nbsp;&nbsp;".join([title, *entries])


REDRAW_SECONDS = 0.1
"""Each plot repaints at most ten times a second during training."""
PANELS = ("loss", "metric", "gradient", "boundary")
"""The parts redrawn during training, in the order a redraw goes through them."""
STAGGER_MS = 5
"""Pause between redrawing one panel and the next. Qt paints every changed widget of a window
in one pass, so updating all plots at once made one long stall (~50 ms while training shares
the CPU); one panel per pass of the event loop keeps each pause to a single plot's paint."""
MAX_MARKED_POINTS = 60
"""Curves mark every epoch with a dot up to this many epochs; beyond it the dots would merge
into the line and repainting thousands of them each epoch stalls the GUI (measured: a
2,000-epoch run spent most of the GUI thread painting markers)."""


def _show(curve: pg.PlotDataItem, epochs: list[int], values: list[float]) -> None:
    """Set a curve's points, with per-epoch markers only while they are few."""
    curve.setSymbol("o" if len(epochs) <= MAX_MARKED_POINTS else None)
    curve.setData(epochs, values)


class TrainingPlots(QWidget):
    """Loss, accuracy (or R²), gradient norm, decision boundary, confusion matrix and the
    baseline comparison of a training run (see the module docstring).

    ``runner`` is the window's compute thread, used for the after-training evaluation (a
    private one is made if None). Connect the worker's reports to :meth:`on_report`, its
    per-epoch decision boundaries to :meth:`on_boundary` and its end to :meth:`on_finished`;
    call :meth:`clear` before a fresh run. Signals: ``results_shown`` once the confusion matrix
    and baseline are drawn; ``results_failed(str)`` if they could not be computed.
    """

    results_shown = Signal()
    results_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, runner: ComputeRunner | None = None) -> None:
        super().__init__(parent)
        self._runner = runner if runner is not None else ComputeRunner(self)
        self._channel = self._runner.channel(f"training-plots-{id(self):x}", parent=self)
        self._channel.finished.connect(self._on_results)
        self._channel.failed.connect(self._on_results_failed)
        self._series: dict[str, dict[int, float]] = {}
        self._completed: set[int] = set()  # epochs whose grad_norm is final
        self._step_epoch, self._step_norms = None, []
        self._metric = "accuracy"
        self._results: FinalResults | None = None

        self.loss_plot = _plot("Loss")
        self.metric_plot = _plot("Accuracy")
        self.gradient_plot = _plot("Gradient norm", LogAxis("left"))
        self.gradient_plot.setToolTip("The gradient's norm per epoch: the mean over the "
                                      "epoch's optimizer steps (log scale; dashed: "
                                      f"{VANISHING_THRESHOLD:g}, below which it has vanished)")
        self.gradient_plot.getPlotItem().setLogMode(x=False, y=True)
        self._threshold_line = pg.InfiniteLine(
            math.log10(VANISHING_THRESHOLD), angle=0,
            pen=pg.mkPen(SERIES[4], width=1, style=Qt.PenStyle.DashLine))
        self.gradient_plot.addItem(self._threshold_line)
        self.warning_label = QLabel(wordWrap=True, visible=False)
        set_tone(self.warning_label, "strong_warning")
        self.boundary_plot = BoundaryPlot()
        self.confusion_plot = ConfusionPlot()
        self.comparison_table = ComparisonTable()
        self.status_label = QLabel(wordWrap=True, visible=False)

        self._curves: dict[str, pg.PlotDataItem] = {}
        # Reports may come 30 times a second; the panels repaint at most every REDRAW_SECONDS
        # (a timer catches up with the latest data), so long runs do not load the GUI thread.
        self._dirty: set[str] = set()    # panels with news, not yet in a redraw cycle
        self._cycle: list[str] = []      # panels still to draw in the current cycle
        self._cycle_start = 0.0
        self._redraw_timer = QTimer(self, singleShot=True)
        self._redraw_timer.timeout.connect(self._redraw_next)
        self._pending_boundary: DecisionBoundary | None = None
        for part, label, colour, style in _PARTS:
            pen = pg.mkPen(colour, width=2, style=style)
            self._curves[f"{part}_loss"] = self.loss_plot.plot(
                [], [], pen=pen, symbol="o", symbolSize=4, symbolBrush=colour, name=label)
            self._curves[f"{part}_metric"] = self.metric_plot.plot(
                [], [], pen=pen, symbol="o", symbolSize=4, symbolBrush=colour, name=label)
        self._curves["grad_norm"] = self.gradient_plot.plot(
            [], [], pen=pg.mkPen(SERIES[3], width=2), symbol="o", symbolSize=4,
            symbolBrush=SERIES[3])

        # Live first (what a run is watched by), then diagnostics and the after-training results.
        self.figures = FigureGrid()
        for key, title, widget in (("loss", "Loss", self.loss_plot),
                                   ("metric", "Accuracy", self.metric_plot),
                                   ("boundary", "Boundary", self.boundary_plot),
                                   ("gradient", "Gradient", self.gradient_plot),
                                   ("confusion", "Confusion", self.confusion_plot),
                                   ("baselines", "Baselines", self.comparison_table)):
            # The table's five columns of numbers need more width than a plot.
            self.figures.add_figure(key, title, widget, shown=key not in _RESULT_FIGURES,
                                    stretch=2 if key == "baselines" else 1)
        self._exported = dict(zip(PLOT_NAMES, (
            (self.loss_plot, "loss"), (self.metric_plot, "metric"),
            (self.gradient_plot, "gradient"), (self.boundary_plot, "decision boundary"),
            (self.confusion_plot, "confusion matrix")), strict=True))
        for name, (widget, title) in self._exported.items():
            add_export_action(widget, f"QML Studio {title} plot", name)
        layout = QVBoxLayout(self)
        layout.addWidget(self.figures, 1)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.status_label)
        self._show_results_figures()
        self._apply_palette()

    def changeEvent(self, event: QEvent) -> None:
        """Recolour the plots when the palette (the desktop's light/dark theme) changes."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_palette()

    def _apply_palette(self) -> None:
        for plot in (self.loss_plot, self.metric_plot, self.gradient_plot, self.boundary_plot,
                     self.confusion_plot):
            apply_palette(plot, self.palette())

    # -- slots -----------------------------------------------------------------------------
    def on_report(self, report: TrainingReport) -> None:
        """Take one training report: steps update the live gradient norm, epochs every curve."""
        if report.kind == "step":
            if report.grad_norm is None:
                return
            if report.epoch != self._step_epoch:
                self._step_epoch, self._step_norms = report.epoch, []
            self._step_norms.append(float(report.grad_norm))
            if report.epoch not in self._completed:
                self._store("grad_norm", report.epoch, float(np.mean(self._step_norms)))
                self._request_redraw("gradient")
        elif report.kind == "epoch":
            for name, value in report.values().items():
                self._store(name, report.epoch, value)
            self._completed.add(report.epoch)
            self._request_redraw("loss", "metric", "gradient")

    def on_boundary(self, boundary: DecisionBoundary | None) -> None:
        """Draw the latest decision boundary (None, for a model without one, is ignored)."""
        if not isinstance(boundary, DecisionBoundary):
            return
        self._pending_boundary = boundary
        self._request_redraw("boundary")

    # -- redrawing -------------------------------------------------------------------------
    def _request_redraw(self, *panels: str) -> None:
        self._dirty.update(panels)
        if not self._redraw_timer.isActive():  # else a cycle or its timer is under way
            self._schedule_cycle()

    def _schedule_cycle(self) -> None:
        wait = REDRAW_SECONDS - (time.monotonic() - self._cycle_start)
        if wait <= 0:
            self._redraw_next()  # idle long enough: the first panel now
        else:
            self._redraw_timer.start(math.ceil(wait * 1000))

    def _redraw_next(self) -> None:
        """Draw the next panel of the cycle (starting one if none is under way)."""
        if not self._cycle:
            self._cycle_start = time.monotonic()
            self._cycle = [panel for panel in PANELS if panel in self._dirty]
            self._dirty.clear()
        if self._cycle:
            self._draw(self._cycle.pop(0))
        if self._cycle:
            self._redraw_timer.start(STAGGER_MS)
        elif self._dirty:
            self._schedule_cycle()

    def _flush(self, *panels: str) -> None:
        """Draw at once whatever is pending, and ``panels`` (before reading what is shown)."""
        self._redraw_timer.stop()
        pending = self._dirty.union(self._cycle, panels)
        self._dirty.clear()
        self._cycle = []
        for panel in PANELS:
            if panel in pending:
                self._draw(panel)

    def _draw(self, panel: str) -> None:
        if panel == "loss":
            self._draw_curves(self.loss_plot, "Loss", "loss")
        elif panel == "metric":
            title = "R²" if self._metric == "r2" else "Accuracy"
            self.figures.set_title("metric", title)
            self._draw_curves(self.metric_plot, title, self._metric)
        elif panel == "gradient":
            epochs, norms = self._points("grad_norm")
            _show(self._curves["grad_norm"], epochs, [max(v, _LOG_FLOOR) for v in norms])
            self._update_warning()
        elif self._pending_boundary is not None:
            self.boundary_plot.show_boundary(self._pending_boundary)
            self._pending_boundary = None
            self._show_results_figures()

    def _draw_curves(self, plot: pg.PlotWidget, title: str, metric: str) -> None:
        """Draw each part's ``metric`` curve in ``plot``; the title lists the parts drawn."""
        drawn = []
        for part, *_ in _PARTS:
            points = self._points(f"{part}_{metric}")
            _show(self._curves[f"{part}_{'loss' if metric == 'loss' else 'metric'}"], *points)
            if points[0]:
                drawn.append(part)
        plot.getPlotItem().setTitle(legend_title(title, drawn))

    def on_finished(self, project: Project, training_data: TrainingData | None = None) -> None:
        """Training ended with ``project``: redraw the curves from its history, then score it
        and its baseline in the background (``results_shown`` when drawn).

        ``training_data`` is the run's prepared data (the trainer's ``data``); without it the
        data are prepared again from ``project``.
        """
        if project.history.records:
            self.set_history(project.history)
        if not project.is_trained and project.circuit.n_weights:
            return
        self.status_label.setText("Scoring the model and the classical baseline…")
        self.status_label.setVisible(True)
        self._show_results_figures()
        self._channel.submit(lambda: final_results(project, training_data))

    def set_history(self, history: TrainingHistory) -> None:
        """Show a stored history (a loaded or finished project's) instead of the curves."""
        self._series, self._completed = {}, set()
        self._step_epoch, self._step_norms = None, []
        for record in history.records:
            for name, value in record.values:
                self._store(name, record.epoch, value)
            self._completed.add(record.epoch)
        self._flush("loss", "metric", "gradient")

    def clear(self) -> None:
        """Forget everything shown (before a fresh run)."""
        self._channel.cancel()
        self._series, self._completed = {}, set()
        self._step_epoch, self._step_norms = None, []
        self._results = None
        self._pending_boundary = None
        self.boundary_plot.clear_boundary()
        self.confusion_plot.clear_matrix()
        self.comparison_table.clear_results()
        self.status_label.setVisible(False)
        self._metric = "accuracy"
        self._flush("loss", "metric", "gradient")
        self._show_results_figures()

    # -- what is shown (for tests and the window) ------------------------------------------
    @property
    def metric_name(self) -> str:
        """The metric of the second plot: ``"accuracy"`` or ``"r2"``."""
        return self._metric

    @property
    def results(self) -> FinalResults | None:
        """The after-training results shown (None until they arrive)."""
        return self._results

    def curve(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(epochs, values)`` drawn for ``name``: ``"train_loss"``, ``"val_loss"``,
        ``"test_loss"``, ``"train_accuracy"`` (``"test_r2"``...) or ``"grad_norm"``."""
        self._flush()
        part, _, metric = name.partition("_")
        key = name if metric in ("loss", "norm") else f"{part}_metric"
        if key not in self._curves or (key.endswith("_metric") and metric != self._metric):
            return np.zeros(0), np.zeros(0)
        item = self._curves[key]
        if item.xData is None:
            return np.zeros(0), np.zeros(0)
        return np.array(item.xData), np.array(item.yData)

    def vanishing_warning(self) -> str:
        """The vanishing-gradient warning shown ("" when none)."""
        self._flush()
        return self.warning_label.text() if not self.warning_label.isHidden() else ""

    # -- export ----------------------------------------------------------------------------
    def export_plots(self, path: str | os.PathLike) -> None:
        """Write the widget as seen to ``path``: ``.png`` (a grab at screen resolution) or
        ``.svg``, atomically. Raises a :class:`QMLStudioError` (``ExportError`` naming the file)
        if it cannot be written."""
        self._flush()
        path = os.fspath(path)
        suffix = Path(path).suffix.lower()
        if suffix == ".png":
            write_png(self.grab(), path)
        elif suffix == ".svg":
            write_widget_svg(self, path, "QML Studio training plots")
        else:
            raise QMLStudioError(f"{path}: export the plots as .png or .svg, not "
                                 f"{suffix or 'a file without a suffix'}")

    def export_plot(self, name: str, path: str | os.PathLike) -> None:
        """Write the plot ``name`` (one of :data:`PLOT_NAMES`) to ``path`` (``.png``: twice
        its screen resolution; ``.svg``), atomically — what its "Export Plot…" menu entry
        does."""
        self._flush()
        if name not in self._exported:
            raise QMLStudioError(f"no plot named {name!r}; choose one of {', '.join(PLOT_NAMES)}")
        widget, title = self._exported[name]
        write_plot(widget, path, title)

    # -- internals -------------------------------------------------------------------------
    def _store(self, name: str, epoch: int, value: float | None) -> None:
        if value is None or not math.isfinite(value):
            self._series.setdefault(name, {}).pop(epoch, None)
            return
        self._series.setdefault(name, {})[epoch] = float(value)
        if name.endswith("_r2"):
            self._metric = "r2"
        elif name.endswith("_accuracy") and not any(n.endswith("_r2") for n in self._series):
            self._metric = "accuracy"

    def _points(self, name: str) -> tuple[list[int], list[float]]:
        values = self._series.get(name, {})
        epochs = sorted(values)
        return epochs, [values[e] for e in epochs]

    def _update_warning(self) -> None:
        values = self._series.get("grad_norm", {})
        done = sorted(e for e in values if e in self._completed)[-VANISHING_EPOCHS:]
        vanished = len(done) == VANISHING_EPOCHS and \
            all(values[e] < VANISHING_THRESHOLD for e in done)
        if vanished:
            self.warning_label.setText(
                f"⚠ Vanishing gradients: the gradient norm has stayed below "
                f"{VANISHING_THRESHOLD:g} for {VANISHING_EPOCHS} epochs (epochs {done[0]}–"
                f"{done[-1]}). If the loss is still high this is a barren plateau: try fewer "
                f"qubits or layers, local observables, or a smaller weight initialisation. "
                f"If the loss is low, the model has simply converged.")
        self.warning_label.setVisible(vanished)

    def _show_results_figures(self) -> None:
        self.figures.set_shown(boundary=self.boundary_plot.boundary is not None,
                               confusion=self.confusion_plot.matrix() is not None,
                               baselines=self._results is not None)

    def _on_results(self, results: FinalResults) -> None:
        self._results = results
        self.status_label.setVisible(False)
        self.comparison_table.show_results(results)
        if results.confusion is not None:
            where = {"test": "test", "val": "validation", "train": "training"}
            rows = int(results.confusion.sum())
            self.confusion_plot.show_matrix(
                results.confusion, results.class_labels,
                f"Confusion matrix, {where[results.confusion_part]} part", counted(rows, "row"))
        else:
            self.confusion_plot.clear_matrix()
        self._show_results_figures()
        self.results_shown.emit()

    def _on_results_failed(self, error: object) -> None:
        message = user_message(error)
        self.status_label.setText(f"Could not score the model: {message}")
        self.status_label.setVisible(True)
        self._show_results_figures()
        self.results_failed.emit(message)
