"""The open document: one :class:`~qmlstudio.core.Project` value, its file and its undo stack.

Projects are immutable values, so every edit is "replace the project by a new one": the undo
command holds the old and the new value (and the selection before and after), and undo/redo
just swap them back. The undo stack's clean state is the saved state, so the modified flag
comes for free. Widgets take the document and react to its signals; they never keep their
own copy of the circuit.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from qmlstudio.core import Circuit, Project
from qmlstudio.io import load_project, save_project

__all__ = ["ProjectDocument", "ProjectEdit", "default_project"]


def default_project() -> Project:
    """What File ▸ New opens: an empty two-qubit circuit."""
    return Project(Circuit(2), name="Untitled")


class ProjectEdit(QUndoCommand):
    """One undoable change of the document's project (and of its selection)."""

    def __init__(self, document: ProjectDocument, new: Project, text: str,
                 selection: tuple[int, ...]) -> None:
        super().__init__(text)
        self._document = document
        self._old, self._new = document.project, new
        self._old_selection, self._new_selection = document.selection, selection

    def redo(self) -> None:
        self._document._show(self._new, self._new_selection)

    def undo(self) -> None:
        self._document._show(self._old, self._old_selection)


class ProjectDocument(QObject):
    """The project being edited, where it lives on disk, its undo history and selection.

    Signals: ``project_changed(Project)`` after any change (edit, undo, redo, load);
    ``selection_changed(tuple)`` with the selected operation indices; ``path_changed(object)``
    with the new :class:`~pathlib.Path` (or None); ``modified_changed(bool)``.
    """

    project_changed = Signal(object)
    selection_changed = Signal(tuple)
    path_changed = Signal(object)
    modified_changed = Signal(bool)

    def __init__(self, project: Project | None = None, path: str | os.PathLike | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project = default_project() if project is None else project
        self._path = None if path is None else Path(path)
        self._selection: tuple[int, ...] = ()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    def _on_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean)

    # -- state -----------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        """The current project value."""
        return self._project

    @property
    def circuit(self) -> Circuit:
        """The current project's circuit."""
        return self._project.circuit

    @property
    def path(self) -> Path | None:
        """The file the project was loaded from or last saved to (None if never saved)."""
        return self._path

    @property
    def selection(self) -> tuple[int, ...]:
        """Indices of the selected operations, ascending."""
        return self._selection

    @property
    def is_modified(self) -> bool:
        """True if there are changes since the last save or load."""
        return not self.undo_stack.isClean()

    @property
    def display_name(self) -> str:
        """The file name, or the project name for a never-saved document."""
        return self._path.name if self._path else (self._project.name or "Untitled")

    # -- edits -----------------------------------------------------------------------------
    def edit(self, project: Project, text: str,
             selection: tuple[int, ...] | None = None) -> bool:
        """Replace the project by ``project`` as one undoable step named ``text``.

        ``selection`` is the selection afterwards (default: cleared if the circuit changed,
        kept otherwise). Returns False (and records nothing) if nothing changed.
        """
        if project == self._project:
            return False
        if selection is None:
            selection = () if project.circuit != self.circuit else self._selection
        self.undo_stack.push(ProjectEdit(self, project, text, _normalised(selection)))
        return True

    def edit_circuit(self, circuit: Circuit, text: str,
                     selection: tuple[int, ...] | None = None) -> bool:
        """Replace the circuit (keeping trained weights that still exist) as one undoable
        step; see :meth:`edit`."""
        return self.edit(self._project.with_circuit(circuit), text, selection)

    def set_selection(self, indices: tuple[int, ...] | list[int]) -> None:
        """Select the operations at ``indices`` (not an undoable edit)."""
        selection = _normalised(indices)
        selection = tuple(i for i in selection if 0 <= i < len(self.circuit.operations))
        if selection != self._selection:
            self._selection = selection
            self.selection_changed.emit(selection)

    def _show(self, project: Project, selection: tuple[int, ...]) -> None:
        """Make ``project`` current (called by undo commands)."""
        self._project = project
        n_ops = len(project.circuit.operations)
        self._selection = tuple(i for i in selection if 0 <= i < n_ops)
        self.project_changed.emit(project)
        self.selection_changed.emit(self._selection)

    # -- files -----------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, parent: QObject | None = None) -> ProjectDocument:
        """Load the project file at ``path`` (raises :class:`~qmlstudio.core.ProjectError`)."""
        return cls(load_project(path), path, parent)

    def save(self, path: str | os.PathLike | None = None) -> None:
        """Write the project atomically to ``path`` (default: its current file) and mark it
        saved. Raises :class:`~qmlstudio.core.ProjectError`; on error nothing changes."""
        target = Path(path) if path is not None else self._path
        if target is None:
            raise ValueError("save: the document has no file yet; give a path")
        save_project(self._project, target)
        self.undo_stack.setClean()
        if target != self._path:
            self._path = target
            self.path_changed.emit(target)


def _normalised(indices: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    return tuple(sorted({int(i) for i in indices}))
