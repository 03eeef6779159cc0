"""The main window: the canvas in the middle, dockable panels around it, menus and status bar.

One window shows one :class:`~qmlstudio.gui.document.ProjectDocument`. File ▸ New and Open
open further windows (an untouched empty window is reused), so copying gates between projects
is copy in one window, paste in another. The menus and their handlers live in
:mod:`.actions`; this module assembles the window and keeps its title, status bar and
settings in step with the document.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QWidget,
)

from qmlstudio.core import Project, QMLStudioError
from qmlstudio.gui.compute_runner import ComputeRunner
from qmlstudio.gui.data.panel import DataPanel
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.canvas import CircuitView
from qmlstudio.gui.editor.code_view import CodeView
from qmlstudio.gui.editor.inspector import Inspector
from qmlstudio.gui.editor.palette import GatePalette
from qmlstudio.gui.editor.state_view import StateView
from qmlstudio.gui.noise.panel import NoisePanel
from qmlstudio.gui.shell.actions import WindowActions
from qmlstudio.gui.shell.autosave import Autosaver, autosave_interval
from qmlstudio.gui.shell.dock_layout import (
    LAYOUT_VERSION,
    arrange_docks,
    default_size,
    fit_scroll_width,
)
from qmlstudio.gui.shell.opening import is_openable
from qmlstudio.gui.shell.wheel_guard import install_wheel_guard
from qmlstudio.gui.simulator_warmup import simulator_warmup
from qmlstudio.gui.theme.metrics import set_panel_spacing, set_text_role
from qmlstudio.gui.theme.themes import set_tone
from qmlstudio.gui.training.compare_panel import ComparisonPanel
from qmlstudio.gui.training.freshness import set_dimmed
from qmlstudio.gui.training.panel import TrainingPanel
from qmlstudio.gui.training.plots import TrainingPlots
from qmlstudio.gui.training.robustness_panel import RobustnessPanel
from qmlstudio.gui.training.stored_training import StoredTraining
from qmlstudio.ml.evaluation.decision_boundary import decision_boundary
from qmlstudio.viewmodels.gradient_heat import gradient_heat
from qmlstudio.viewmodels.noisy_simulation import simulation_text
from qmlstudio.viewmodels.palette_items import PaletteItem, insert_item
from qmlstudio.viewmodels.wording import counted

__all__ = ["MainWindow", "open_windows"]

_LOCKED_MESSAGE = "Training: circuit and data editing is locked until it stops."
_WINDOWS: list[MainWindow] = []
"""Every open main window: top-level windows have no Qt parent to keep them alive."""


def open_windows() -> list[MainWindow]:
    """The main windows currently open, oldest first."""
    return list(_WINDOWS)


class MainWindow(QMainWindow):
    """The QML Studio main window for one document."""

    def __init__(self, document: ProjectDocument | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_wheel_guard()  # app-wide, once: before any field of the window is polished
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setAcceptDrops(True)
        self.document = document if document is not None else ProjectDocument()
        self.document.setParent(self)

        # One compute thread for every view that simulates (the engine runs one parallel
        # region at a time anyway); training has its own worker thread.
        self.runner = ComputeRunner(self)
        # The first window starts compiling the simulator (first run only) in the background.
        simulator_warmup().start()
        self.canvas = CircuitView(self.document)
        self.setCentralWidget(self.canvas)
        self.gate_palette = GatePalette()
        self.inspector = Inspector(self.document)
        self.state_view = StateView(self.document, runner=self.runner)
        self.code_view = CodeView(self.document)
        self.data_panel = DataPanel(self.document, runner=self.runner)
        self.training_panel = TrainingPanel(self.document)
        self.comparison_panel = ComparisonPanel(self.document)
        self.noise_panel = NoisePanel(self.document)
        self.plots = TrainingPlots(runner=self.runner)
        self.robustness_panel = RobustnessPanel(self.document)
        self.docks = {key: self._add_dock(title, widget) for key, title, widget in (
            ("palette", "Gates", self.gate_palette), ("data", "Data", self.data_panel),
            ("training", "Training", self.training_panel), ("state", "State", self.state_view),
            ("inspector", "Inspector", self.inspector), ("noise", "Noise", self.noise_panel),
            ("plots", "Plots", self.plots), ("robustness", "Robustness", self.robustness_panel),
            ("code", "OpenQASM", self.code_view), ("comparison", "Comparison",
                                                   self.comparison_panel))}
        self._arranged = False  # docks placed (restored, or arranged when first shown)
        self._training_message = ""  # the status line of the run in progress
        self._feature_warning = QLabel()  # stays while the circuit sums features
        set_tone(self._feature_warning, "strong_warning")
        self._feature_warning.hide()
        self.statusBar().addPermanentWidget(self._feature_warning, 1)
        self._status = QLabel()
        set_text_role(self._status, "caption")
        self.statusBar().addPermanentWidget(self._status)
        self.actions_ = WindowActions(self)
        self.addToolBar(self.training_panel.controls)  # in view whichever dock is raised

        self.document.project_changed.connect(self._on_project_changed)
        self.document.modified_changed.connect(self._on_modified_changed)
        self.document.path_changed.connect(lambda _path: self._update_title())
        self.canvas.status_message.connect(self.show_message)
        self.canvas.feature_warning.connect(self._on_feature_warning)
        self.gate_palette.item_activated.connect(self._on_palette_item_activated)
        self._connect_training()
        self._connect_autosave()

        self._restore_settings()
        self._update_title()
        self._on_project_changed(self.document.project)
        self._on_feature_warning(self.canvas.feature_warning_text)
        _WINDOWS.append(self)

    def _connect_training(self) -> None:
        worker = self.training_panel.worker
        worker.extra_per_epoch = decision_boundary  # runs in the training thread
        worker.report.connect(self.plots.on_report)
        worker.report.connect(self._on_training_report)
        worker.epoch_extra.connect(self.plots.on_boundary)
        worker.finished.connect(self.plots.on_finished)
        self.training_panel.training_active.connect(self._on_training_active)
        self.training_panel.results_stale.connect(
            lambda reason: set_dimmed(self.plots, bool(reason)))
        set_dimmed(self.plots, bool(self.training_panel.freshness.reason))
        # After the plots' own connection to the worker: a run's result is theirs to draw.
        self.stored_training = StoredTraining(self.document, self.training_panel, self.plots,
                                              self.runner, self)
        self.stored_training.failed.connect(self.show_message)


    # -- autosave (crash recovery; see .autosave) ---------------------------------------------
    def _connect_autosave(self) -> None:
        self.autosaver = Autosaver(self.document, self)
        # Connected after the training panel's own slot, which puts the result into the
        # document: this then writes the trained project (unless autosave is off).
        self.training_panel.worker.finished.connect(
            lambda _p: autosave_interval() and self.autosaver.save_now())

    def _on_training_report(self, report: object) -> None:
        heat = gradient_heat(report, self.document.circuit)
        if heat is not None:
            self.canvas.set_gate_heat(heat)

    def _on_training_active(self, active: bool) -> None:
        """Lock circuit and data editing while a run trains on the project it was given; the
        status bar says so for the whole run, after the noisy engine the run uses (if any)."""
        if active:
            self.plots.clear()
            self._training_message = " ".join(
                filter(None, (simulation_text(self.document.project), _LOCKED_MESSAGE)))
            self.statusBar().showMessage(self._training_message)
        else:
            self.canvas.set_gate_heat(None)
            if self.statusBar().currentMessage() == self._training_message:
                self.statusBar().clearMessage()  # no longer true
        for widget in (self.canvas, self.gate_palette, self.inspector, self.code_view,
                       self.data_panel, self.noise_panel):
            widget.setEnabled(not active)
        self.actions_.set_editing_enabled(not active)

    # -- assembly ----------------------------------------------------------------------------
    def _add_dock(self, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{widget.__class__.__name__}Dock")  # saveState() needs names
        set_panel_spacing(widget.layout())  # every dock's contents the same margins
        if widget.minimumSizeHint().height() > 200:
            # Tall panels scroll inside their dock, so the window still fits a laptop screen.
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(widget)
            widget = scroll
        # Vertically only: a dock is never narrower than its fields need.
        for area in [*widget.findChildren(QScrollArea), widget]:  # inner ones first
            if isinstance(area, QScrollArea):
                fit_scroll_width(area)
        dock.setWidget(widget)
        return dock

    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(default_size(self.screen().availableGeometry().size()))
        state = settings.value("main_window/state")
        # A state saved by another arrangement (LAYOUT_VERSION) is refused: arranged anew.
        self._arranged = isinstance(state, QByteArray) and not state.isEmpty() and \
            self.restoreState(state, LAYOUT_VERSION)

    def showEvent(self, event: QShowEvent) -> None:
        """The first time the window shows without a saved layout, arrange the docks for the
        size it shows at."""
        super().showEvent(event)
        if not self._arranged:
            self._arranged = True
            self.reset_layout()

    def reset_layout(self) -> None:
        """View ▸ Reset Layout: the default dock arrangement for the window's current width
        (:mod:`.dock_layout`), every dock shown."""
        arrange_docks(self, self.docks, (self.actions_.toolbar, self.training_panel.controls))

    def save_settings(self) -> None:
        """Remember the window geometry and dock layout for the next window."""
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState(LAYOUT_VERSION))

    # -- document state ----------------------------------------------------------------------
    def _update_title(self) -> None:
        # Qt shows "[*]" as "*" while windowModified is set.
        self.setWindowTitle(f"{self.document.display_name}[*] — QML Studio")
        self.setWindowModified(self.document.is_modified)

    def _on_modified_changed(self, _modified: bool) -> None:
        self._update_title()

    def _on_project_changed(self, project: Project) -> None:
        circuit = project.circuit
        self._status.setText(
            f"{counted(circuit.n_qubits, 'qubit')} · {counted(len(circuit.operations), 'gate')}"
            f" · depth {circuit.depth} · {counted(circuit.n_weights, 'trainable weight')}")

    def _on_feature_warning(self, text: str) -> None:
        self._feature_warning.setText(text)
        self._feature_warning.setToolTip(text)
        self._feature_warning.setVisible(bool(text))

    def feature_warning_text(self) -> str:
        """The status bar's warning about features summed into one angle ("" if none)."""
        return "" if self._feature_warning.isHidden() else self._feature_warning.text()

    def status_text(self) -> str:
        """The permanent status-bar summary (qubits, gates, depth, weights)."""
        return self._status.text()

    def show_message(self, text: str) -> None:
        """Show ``text`` in the status bar for a few seconds."""
        self.statusBar().showMessage(text, 8000)

    def show_error(self, title: str, error: Exception) -> None:
        """Report a problem in a dialog: the message only, never a traceback."""
        QMessageBox.warning(self, title, str(error))

    def _confirm_stop_training(self) -> bool:
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
        answer = QMessageBox.question(
            self, "Training is running",
            "Closing stops the training run and discards its result. Close anyway?", buttons,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def is_pristine(self) -> bool:
        """True for an unsaved, unmodified, empty document (File ▸ Open may reuse it)."""
        return (self.document.path is None and not self.document.is_modified
                and not self.document.circuit.operations)

    # -- editing -----------------------------------------------------------------------------
    def _on_palette_item_activated(self, item: PaletteItem) -> None:
        """Double-click in the palette: append the entry on the first selected wire (or 0)."""
        circuit = self.document.circuit
        selection = self.document.selection
        wire = circuit.operations[selection[0]].wires[0] if selection else 0
        try:
            new, inserted = insert_item(item, circuit, len(circuit.operations), wire)
        except QMLStudioError as error:
            self.show_message(str(error))
            return
        self.document.edit_circuit(new, f"Add {item.label}", selection=inserted)

    # -- window events -----------------------------------------------------------------------
    @staticmethod
    def _dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        return [p for p in paths if is_openable(p) or p.suffix.lower() == ".csv"]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_paths(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """A dropped project or OpenQASM file opens; a dropped CSV becomes the data set."""
        paths = self._dropped_paths(event)
        if not paths:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        for path in paths:
            if path.suffix.lower() == ".csv":
                self.docks["data"].show()
                self.docks["data"].raise_()
                self.data_panel.open_csv(path)
            else:
                self.actions_.open_path(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.training_panel.is_training and not self._confirm_stop_training():
            event.ignore()
            return
        if not self.actions_.maybe_save():
            event.ignore()
            return
        self.save_settings()
        self.autosaver.discard()  # a clean close: saved or discarded, nothing to recover
        self.training_panel.shutdown()
        self.comparison_panel.shutdown()
        self.robustness_panel.shutdown()
        self.state_view.shutdown()
        self.runner.shutdown()
        if self in _WINDOWS:
            _WINDOWS.remove(self)
        event.accept()

