"""The main window's menus, toolbar and their handlers (File, Edit, View, Help; the Model
menu has its own module).

Every action has its standard shortcut where one exists, so the whole app is usable from the
keyboard. File dialogs and message boxes are Qt's own; a failed open or save leaves the
window as it was and names the file and the problem.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from qmlstudio._resources import resource_path
from qmlstudio._version import __version__
from qmlstudio.core import QMLStudioError
from qmlstudio.gui.editor.canvas.diagram_export import export_png, export_svg
from qmlstudio.gui.shell.model_menu import ModelMenu
from qmlstudio.gui.shell.opening import OPEN_FILTER, PROJECT_SUFFIX, open_document
from qmlstudio.gui.shell.preferences import PreferencesDialog
from qmlstudio.gui.shell.quick_tour import show_quick_tour
from qmlstudio.gui.shell.recent_files import add_recent_file, recent_files, remove_recent_file
from qmlstudio.gui.theme.icons import action_icon
from qmlstudio.io import read_qasm, to_qasm
from qmlstudio.io.atomic import atomic_write
from qmlstudio.io.quantikz_export import to_quantikz
from qmlstudio.ml.export.formats import export_project
from qmlstudio.ml.export.result_tables import history_csv, predictions_for_file
from qmlstudio.ml.export.trained_model import TrainedModel
from qmlstudio.ml.models.templates import project_weights

if TYPE_CHECKING:
    from qmlstudio.gui.shell.main_window import MainWindow

__all__ = ["EXAMPLES", "SHOW_NOISE_KEY", "WindowActions", "about_text", "shortcuts"]

EXAMPLES = (
    ("&Moons — binary classifier", "moons.qmlproj"),
    ("&Iris — three classes", "iris.qmlproj"),
    ("&XOR with data re-uploading", "xor_reuploading.qmlproj"),
    ("&Sine regression", "sine_regression.qmlproj"),
)
"""Help ▸ Examples: (menu text with its mnemonic, file in ``resources/examples``)."""

_DOCK_MENU_TEXT = {"palette": "&Gates", "data": "&Data", "inspector": "I&nspector",
                   "training": "&Training", "state": "&State", "plots": "&Plots",
                   "code": "Open&QASM", "comparison": "Co&mparison", "noise": "Nois&e",
                   "robustness": "Ro&bustness"}
"""View menu texts of the docks' toggle actions: each with a mnemonic no other item of the
menu uses (the dock titles themselves stay plain)."""

SHOW_NOISE_KEY = "view/show_noise_on_gates"
"""QSettings key of View ▸ Show Noise on Gates (on unless the user turned it off)."""

_PROJECT_FILTER = f"QML Studio project (*{PROJECT_SUFFIX})"


_FALLBACKS = {QKeySequence.StandardKey.Quit: "Ctrl+Q",
              QKeySequence.StandardKey.Preferences: "Ctrl+,"}
"""Keys for the standard actions some platforms bind to nothing (Quit on Windows and plain
X11, Preferences outside macOS): the ones users of those platforms expect from other apps."""


def shortcuts(key: QKeySequence.StandardKey | str) -> list[QKeySequence]:
    """The key sequences of an action: a standard key's bindings on this platform (the
    :data:`_FALLBACKS` key where it has none), or the one sequence ``key`` names (for actions
    with no standard key, such as "Ctrl+0" for Actual Size)."""
    if isinstance(key, str):
        return [QKeySequence(key)]
    bindings = QKeySequence.keyBindings(key)
    if not bindings and key in _FALLBACKS:
        bindings = [QKeySequence(_FALLBACKS[key])]
    return bindings


def about_text() -> str:
    """The About box: versions of QML Studio and of what it runs on."""
    import PySide6

    versions = " · ".join([f"PySide6 {PySide6.__version__}"] + [
        f"{name} {metadata.version(name)}" for name in ("numba", "numpy", "pyqtgraph")])
    return (f"<h3>QML Studio {__version__}</h3>"
            "<p>Design, train and export parameterised quantum circuits.</p>"
            f"<p>Qt {qVersion()} · {versions}</p>")


class WindowActions:
    """Builds the menus and toolbar of ``window`` and handles their actions."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.document = window.document
        self.actions: dict[str, QAction] = {}
        self._predictions = None  # the compute channel of File ▸ Export ▸ Predictions
        self._build_file_menu()
        self._build_edit_menu()
        self.model_menu = ModelMenu(window, self.actions)
        self._build_view_menu()
        self._build_help_menu()
        self._build_toolbar()

    # -- construction ------------------------------------------------------------------------
    def _action(self, key: str, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcuts(shortcuts(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.actions[key] = action
        return action

    def _build_file_menu(self) -> None:
        menu = self.window.menuBar().addMenu("&File")
        keys = QKeySequence.StandardKey
        menu.addAction(self._action("new", "&New", self.new, keys.New, "Start a new project"))
        menu.addAction(self._action("open", "&Open…", self.open, keys.Open,
                                    "Open a project or an OpenQASM file"))
        self.recent_menu = menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        menu.addSeparator()
        menu.addAction(self._action("save", "&Save", self.save, keys.Save))
        menu.addAction(self._action("save_as", "Save &As…", self.save_as, keys.SaveAs))
        menu.addSeparator()
        menu.addAction(self._action("import_qasm", "&Import OpenQASM…", self.import_qasm,
                                    tip="Replace the circuit by one read from OpenQASM"))
        export = menu.addMenu("&Export")
        export.addAction(self._action("export_qasm3", "OpenQASM &3…",
                                      lambda: self.export_qasm(3)))
        export.addAction(self._action("export_qasm2", "OpenQASM &2…",
                                      lambda: self.export_qasm(2)))
        export.addSeparator()
        export.addAction(self._action("export_png", "Diagram as &PNG…",
                                      lambda: self.export_diagram("png")))
        export.addAction(self._action("export_svg", "Diagram as &SVG…",
                                      lambda: self.export_diagram("svg")))
        export.addAction(self._action("export_tex", "Diagram as &LaTeX (quantikz)…",
                                      lambda: self.export_diagram("tex")))
        export.addSeparator()
        export.addAction(self._action("export_model", "&Trained Model…", self.export_model,
                                      tip="Save the trained model as .qmodel, OpenQASM 3, or "
                                          "a PennyLane or Qiskit script"))
        export.addAction(self._action("export_predictions", "P&redictions for a CSV…",
                                      self.export_predictions,
                                      tip="Predict every row of a CSV with the trained model"))
        export.addAction(self._action("export_history", "Training &History (CSV)…",
                                      self.export_history))
        export.addAction(self._action("export_plots", "Training Pl&ots…", self.export_plots))
        self.export_menu = export
        menu.addSeparator()
        menu.addAction(self._action("close", "&Close", self.window.close, keys.Close))
        menu.addAction(self._action("quit", "&Quit", self.quit, keys.Quit))

    def _build_edit_menu(self) -> None:
        menu = self.window.menuBar().addMenu("&Edit")
        stack = self.document.undo_stack
        keys = QKeySequence.StandardKey
        undo = stack.createUndoAction(self.window, "&Undo")
        undo.setShortcuts(shortcuts(keys.Undo))
        redo = stack.createRedoAction(self.window, "&Redo")
        redo.setShortcuts(shortcuts(keys.Redo))
        self.actions["undo"], self.actions["redo"] = undo, redo
        menu.addActions([undo, redo])
        menu.addSeparator()
        canvas = self.window.canvas
        menu.addAction(self._action("cut", "Cu&t", canvas.cut, keys.Cut))
        menu.addAction(self._action("copy", "&Copy", canvas.copy, keys.Copy))
        menu.addAction(self._action("paste", "&Paste", canvas.paste, keys.Paste))
        # Backspace too: the key labelled Delete on a Mac keyboard, and the habit of many.
        delete = self._action("delete", "&Delete", canvas.delete_selection)
        delete.setShortcuts([*shortcuts(keys.Delete), QKeySequence(Qt.Key.Key_Backspace)])
        menu.addAction(delete)
        menu.addSeparator()
        menu.addAction(self._action("select_all", "Select &All", canvas.select_all,
                                    keys.SelectAll))
        menu.addSeparator()
        preferences = self._action("preferences", "Pr&eferences…", self.preferences,
                                   keys.Preferences, "Autosave interval")
        preferences.setMenuRole(QAction.MenuRole.PreferencesRole)  # the app menu on macOS
        menu.addAction(preferences)

    def _build_view_menu(self) -> None:
        menu = self.window.menuBar().addMenu("&View")
        for key, dock in self.window.docks.items():
            toggle = dock.toggleViewAction()
            toggle.setText(_DOCK_MENU_TEXT.get(key, toggle.text()))
            menu.addAction(toggle)
        menu.addAction(self._action("reset_layout", "&Reset Layout", self.window.reset_layout,
                                    tip="Put every panel back where it starts, for this "
                                        "window size"))
        menu.addSeparator()
        canvas = self.window.canvas
        keys = QKeySequence.StandardKey
        menu.addAction(self._action("zoom_in", "Zoom &In", canvas.zoom_in, keys.ZoomIn))
        menu.addAction(self._action("zoom_out", "Zoom &Out", canvas.zoom_out, keys.ZoomOut))
        menu.addAction(self._action("zoom_reset", "&Actual Size", canvas.reset_zoom, "Ctrl+0"))
        menu.addSeparator()
        noise = QAction("Sho&w Noise on Gates", self.window, checkable=True)
        noise.setStatusTip("Mark the gates the project's noise model adds noise after (a ~ "
                           "badge; its tooltip names the channels and their rates)")
        noise.setChecked(QSettings().value(SHOW_NOISE_KEY, True, type=bool))
        canvas.set_noise_shown(noise.isChecked())
        noise.toggled.connect(self.show_noise_on_gates)
        self.actions["show_noise"] = noise
        menu.addAction(noise)

    def show_noise_on_gates(self, shown: bool) -> None:
        """View ▸ Show Noise on Gates: badge the gates noise follows (remembered)."""
        self.window.canvas.set_noise_shown(shown)
        QSettings().setValue(SHOW_NOISE_KEY, shown)

    def _build_help_menu(self) -> None:
        menu = self.window.menuBar().addMenu("&Help")
        examples = menu.addMenu("&Examples")
        for title, name in EXAMPLES:
            examples.addAction(self._action(f"example_{Path(name).stem}", title,
                                            lambda name=name: self.open_example(name)))
        menu.addAction(self._action("quick_tour", "&Quick Tour", self.quick_tour,
                                    QKeySequence.StandardKey.HelpContents,
                                    "A short guide through designing, training and exporting"))
        menu.addSeparator()
        menu.addAction(self._action("about", "&About QML Studio", self.about))

    def _build_toolbar(self) -> None:
        bar = self.toolbar = self.window.addToolBar("Main")
        bar.setObjectName("MainToolBar")
        bar.addActions([self.actions[k] for k in ("new", "open", "save")])
        bar.addSeparator()
        bar.addActions([self.actions["undo"], self.actions["redo"]])
        bar.addSeparator()
        bar.addActions([self.actions[k] for k in ("zoom_in", "zoom_out")])
        for key in ("new", "open", "save", "undo", "redo", "zoom_in", "zoom_out"):
            self.actions[key].setIcon(action_icon(key))  # SVG, in the theme's ink
        # No taller than the text buttons were: the window's minimum height stays the same.
        size = bar.fontMetrics().height()
        bar.setIconSize(QSize(size, size))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = recent_files()
        for number, path in enumerate(files, start=1):
            # "&1 name": a mnemonic for the first nine; a literal & in a name is doubled.
            prefix = f"&{number} " if number < 10 else ""
            action = self.recent_menu.addAction(prefix + path.name.replace("&", "&&"))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("&Clear Menu")
        clear.setEnabled(bool(files))
        clear.triggered.connect(lambda: [remove_recent_file(p) for p in recent_files()])

    # -- File --------------------------------------------------------------------------------
    def new(self) -> None:
        """File ▸ New: an empty project in a new window."""
        from qmlstudio.gui.shell.main_window import MainWindow

        MainWindow().show()

    def open(self) -> None:
        """File ▸ Open…: ask for a project or OpenQASM file."""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open", self._folder(), OPEN_FILTER)
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path, example: bool = False) -> bool:
        """Open ``path`` in this window if it is untouched and empty, else in a new one.

        Returns False (after a message naming the problem) if the file cannot be opened.
        """
        from qmlstudio.gui.shell.main_window import MainWindow

        try:
            document = open_document(path, example=example)
        except QMLStudioError as error:
            self.window.show_error("Cannot open file", error)
            if not example:
                remove_recent_file(path)
            return False
        if document.path is not None:
            add_recent_file(document.path)
        window = MainWindow(document)
        window.show()
        if self.window.is_pristine():
            window.setGeometry(self.window.geometry())
            self.window.close()
        return True

    def open_example(self, name: str) -> bool:
        """Help ▸ Examples: open a shipped example as an unsaved copy."""
        try:
            path = resource_path("examples", name)
        except FileNotFoundError as error:
            QMessageBox.warning(self.window, "Example missing", str(error))
            return False
        return self.open_path(path, example=True)

    def save(self) -> bool:
        """File ▸ Save; asks for a file name the first time. True if saved."""
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        """File ▸ Save As…; True if saved."""
        suggested = str(Path(self._folder()) / f"{self.document.display_name}")
        if not suggested.endswith(PROJECT_SUFFIX):
            suggested += PROJECT_SUFFIX
        path, _ = QFileDialog.getSaveFileName(self.window, "Save Project As", suggested,
                                              _PROJECT_FILTER)
        if not path:
            return False
        if not path.endswith(PROJECT_SUFFIX):
            path += PROJECT_SUFFIX
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
        except QMLStudioError as error:
            self.window.show_error("Cannot save", error)
            return False
        add_recent_file(path)
        self.window.show_message(f"Saved {path}")
        return True

    def maybe_save(self) -> bool:
        """Before closing: ask Save / Discard / Cancel if there are unsaved changes.
        True if the window may close."""
        if not self.document.is_modified:
            return True
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        answer = QMessageBox.question(
            self.window, "Unsaved changes",
            f"Save the changes to {self.document.display_name} before closing?", buttons,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def import_qasm(self) -> None:
        """File ▸ Import OpenQASM…: replace the circuit (one undoable edit)."""
        path, _ = QFileDialog.getOpenFileName(self.window, "Import OpenQASM", self._folder(),
                                              "OpenQASM (*.qasm *.qasm2 *.qasm3);;All files (*)")
        if path:
            self.import_qasm_file(Path(path))

    def _export(self, write: Callable[[], object], done: str,
                title: str = "Cannot export") -> bool:
        """Run ``write`` (an export that raises a QMLStudioError on failure); show ``done`` in
        the status bar, or the error in a dialog titled ``title``. True if it was written."""
        try:
            write()
        except QMLStudioError as error:
            self.window.show_error(title, error)
            return False
        self.window.show_message(done)
        return True

    def import_qasm_file(self, path: Path) -> bool:
        """Replace the circuit by the one in ``path``; False (with a message) on error."""
        try:
            circuit = read_qasm(path)
        except QMLStudioError as error:
            self.window.show_error("Cannot import OpenQASM", error)
            return False
        self.document.edit_circuit(circuit, f"Import {path.name}")
        return True

    def export_qasm(self, version: int) -> None:
        """File ▸ Export ▸ OpenQASM 3/2…"""
        path, _ = QFileDialog.getSaveFileName(
            self.window, f"Export OpenQASM {version}",
            str(Path(self._folder()) / f"{self._stem()}.qasm"), "OpenQASM (*.qasm)")
        if path:
            self.export_qasm_file(Path(path), version)

    def export_qasm_file(self, path: Path, version: int) -> bool:
        """Write the circuit as OpenQASM ``version``.

        Trained weights are written as numbers (untrained: QASM 3 declares them as inputs,
        QASM 2 — which has no inputs — uses the initial weights of the training settings).
        Data features stay inputs in QASM 3; QASM 2 binds them to 0 and says so.
        """
        project = self.document.project
        circuit = project.circuit
        weights = project.weights or None
        x = None
        note = ""
        if version == 2:
            if weights is None and circuit.n_weights:
                weights = project_weights(project)
                note = "; untrained: initial weights written"
            if circuit.n_features:
                x = [0.0] * circuit.n_features
                note += "; data features written as 0 (OpenQASM 2 has no inputs)"
        return self._export(lambda: atomic_write(path, to_qasm(circuit, version, weights=weights,
                                                             x=x)),
                            f"Exported OpenQASM {version} to {path}{note}")

    def export_diagram(self, kind: str) -> None:
        """File ▸ Export ▸ Diagram as PNG/SVG/LaTeX…"""
        path, _ = QFileDialog.getSaveFileName(
            self.window, f"Export diagram as {kind.upper()}",
            str(Path(self._folder()) / f"{self._stem()}.{kind}"), f"{kind.upper()} (*.{kind})")
        if path:
            self.export_diagram_file(Path(path), kind)

    def export_diagram_file(self, path: Path, kind: str) -> bool:
        """Write the circuit diagram to ``path`` as ``"png"``, ``"svg"`` or ``"tex"``
        (a quantikz picture)."""
        circuit = self.document.circuit

        def write() -> None:
            if kind == "tex":
                atomic_write(path, to_quantikz(circuit))
            else:
                (export_png if kind == "png" else export_svg)(circuit, path)

        return self._export(write, f"Exported the diagram to {path}")

    def export_model(self) -> None:
        """File ▸ Export ▸ Trained Model…: the format follows the chosen file type."""
        filters = {"QML Studio model (*.qmodel)": "qmodel",
                   "OpenQASM 3 (*.qasm)": "qasm3",
                   "PennyLane script (*.py)": "pennylane",
                   "Qiskit script (*.py)": "qiskit"}
        path, chosen = QFileDialog.getSaveFileName(
            self.window, "Export Trained Model",
            str(Path(self._folder()) / f"{self._stem()}.qmodel"), ";;".join(filters))
        if path:
            self.export_model_file(Path(path), filters.get(chosen, "qmodel"))

    def export_model_file(self, path: Path, fmt: str) -> bool:
        """Write the trained model to ``path`` in ``fmt`` (see ``qmlstudio export``)."""
        return self._export(lambda: export_project(self.document.project, fmt, path),
                            f"Exported the trained model to {path}", "Cannot export the model")

    def export_predictions(self) -> None:
        """File ▸ Export ▸ Predictions for a CSV…: ask for the data, then for the output."""
        data, _ = QFileDialog.getOpenFileName(self.window, "Data to Predict", self._folder(),
                                              "CSV (*.csv *.tsv *.txt);;All files (*)")
        if not data:
            return
        out, _ = QFileDialog.getSaveFileName(
            self.window, "Save Predictions As",
            str(Path(data).with_name(f"{Path(data).stem}_predictions.csv")), "CSV (*.csv)")
        if out:
            self.export_predictions_file(Path(data), Path(out))

    def export_predictions_file(self, data: Path, out: Path) -> None:
        """Predict every row of ``data`` on the compute thread and write ``out`` (CSV)."""
        project = self.document.project
        try:
            model = TrainedModel.from_project(project)
        except QMLStudioError as error:
            self.window.show_error("Cannot predict", error)
            return
        channel = self._predictions_channel()

        def job() -> str:
            text, count = predictions_for_file(model, data)
            atomic_write(out, text)
            return f"Wrote {count} predictions to {out}"

        self.window.show_message(f"Predicting {data.name}…")
        channel.submit(job)

    def _predictions_channel(self):
        if self._predictions is None:
            self._predictions = self.window.runner.channel("predictions", self.window)
            self._predictions.finished.connect(self.window.show_message)
            self._predictions.failed.connect(
                lambda error: self.window.show_error("Cannot predict", error))
        return self._predictions

    def export_history(self) -> None:
        """File ▸ Export ▸ Training History (CSV)…"""
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export Training History",
            str(Path(self._folder()) / f"{self._stem()}_history.csv"), "CSV (*.csv)")
        if path:
            self.export_history_file(Path(path))

    def export_history_file(self, path: Path) -> bool:
        """Write the project's training history to ``path`` as CSV."""
        return self._export(lambda: atomic_write(path, history_csv(self.document.project.history)),
                            f"Exported the training history to {path}")

    def export_plots(self) -> None:
        """File ▸ Export ▸ Training Plots… (PNG or SVG by the file name)."""
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export Training Plots",
            str(Path(self._folder()) / f"{self._stem()}_training.png"),
            "PNG image (*.png);;SVG drawing (*.svg)")
        if path:
            self._export(lambda: self.window.plots.export_plots(path),
                         f"Exported the training plots to {path}")

    def set_editing_enabled(self, enabled: bool) -> None:
        """Enable or disable every action that edits the project (locked while training)."""
        for key in ("undo", "redo", "cut", "paste", "delete", "import_qasm"):
            self.actions[key].setEnabled(enabled)
        self.model_menu.set_enabled(enabled)
        if enabled:  # the undo stack decides again what can be undone
            self.actions["undo"].setEnabled(self.document.undo_stack.canUndo())
            self.actions["redo"].setEnabled(self.document.undo_stack.canRedo())

    def quit(self) -> None:
        """File ▸ Quit: close every window (each asks about unsaved changes)."""
        QApplication.closeAllWindows()

    def preferences(self) -> None:
        """Edit ▸ Preferences: on OK the settings apply to every open window."""
        from qmlstudio.gui.shell.main_window import open_windows  # main_window imports this module

        if PreferencesDialog(self.window).exec() == QDialog.DialogCode.Accepted:
            for window in open_windows():
                window.autosaver.apply_interval()

    def quick_tour(self) -> None:
        """Help ▸ Quick Tour (F1): the non-modal guide beside this window."""
        show_quick_tour(self.window)

    def about(self) -> None:
        """Help ▸ About."""
        QMessageBox.about(self.window, "About QML Studio", about_text())

    def _folder(self) -> str:
        path = self.document.path or (recent_files() or [None])[0]
        return str(path.parent) if path is not None else str(Path.home())

    def _stem(self) -> str:
        return Path(self.document.display_name).stem or "circuit"

