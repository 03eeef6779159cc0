"""The main window: the canvas in the middle, dockable panels around it, menus and status bar.

One window shows one :class:`~qmlstudio.gui.document.ProjectDocument`. File ▸ New and Open
open further windows (an untouched empty window is reused), so copying gates between projects
is copy in one window, paste in another. The menus and their handlers live in
:mod:`.window_actions`; this module assembles the window and keeps its title, status bar and
settings in step with the document.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QWidget

from ..core import Project, QMLStudioError
from .canvas import CircuitView
from .code_view import CodeView
from .document import ProjectDocument
from .inspector import Inspector
from .opening import is_openable
from .palette import GatePalette
from .palette_items import PaletteItem, insert_item
from .state_view import StateView
from .window_actions import WindowActions

__all__ = ["MainWindow", "open_windows"]

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
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setAcceptDrops(True)
        self.document = document if document is not None else ProjectDocument()
        self.document.setParent(self)

        self.canvas = CircuitView(self.document)
        self.setCentralWidget(self.canvas)
        self.palette = GatePalette()
        self.inspector = Inspector(self.document)
        self.state_view = StateView(self.document)
        self.code_view = CodeView(self.document)
        self.docks = {
            "palette": self._add_dock("Gates", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea),
            "inspector": self._add_dock("Inspector", self.inspector,
                                        Qt.DockWidgetArea.RightDockWidgetArea),
            "state": self._add_dock("State", self.state_view,
                                    Qt.DockWidgetArea.RightDockWidgetArea),
            "code": self._add_dock("OpenQASM", self.code_view,
                                   Qt.DockWidgetArea.BottomDockWidgetArea),
        }
        self._status = QLabel()
        self.statusBar().addPermanentWidget(self._status)
        self.actions_ = WindowActions(self)

        self.document.project_changed.connect(self._on_project_changed)
        self.document.modified_changed.connect(self._on_modified_changed)
        self.document.path_changed.connect(lambda _path: self._update_title())
        self.canvas.status_message.connect(self.show_message)
        self.palette.item_activated.connect(self._on_palette_item_activated)

        self._restore_settings()
        self._update_title()
        self._on_project_changed(self.document.project)
        _WINDOWS.append(self)

    # -- assembly ----------------------------------------------------------------------------
    def _add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{widget.__class__.__name__}Dock")  # saveState() needs names
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = settings.value("main_window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def save_settings(self) -> None:
        """Remember the window geometry and dock layout for the next window."""
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())

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
            f"{circuit.n_qubits} qubits · {len(circuit.operations)} gates · "
            f"depth {circuit.depth} · {circuit.n_weights} trainable weights")

    def status_text(self) -> str:
        """The permanent status-bar summary (qubits, gates, depth, weights)."""
        return self._status.text()

    def show_message(self, text: str) -> None:
        """Show ``text`` in the status bar for a few seconds."""
        self.statusBar().showMessage(text, 8000)

    def show_error(self, title: str, error: Exception) -> None:
        """Report a problem in a dialog: the message only, never a traceback."""
        QMessageBox.warning(self, title, str(error))

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
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(is_openable(url.toLocalFile()) for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls()
                 if is_openable(url.toLocalFile())]
        if not paths:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        for path in paths:
            self.actions_.open_path(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.actions_.maybe_save():
            event.ignore()
            return
        self.save_settings()
        self.state_view.shutdown()
        if self in _WINDOWS:
            _WINDOWS.remove(self)
        event.accept()

