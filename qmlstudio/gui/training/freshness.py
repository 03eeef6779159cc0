"""Whether the document's training results are current: :class:`TrainingFreshness`, and
:func:`set_dimmed` for the plots that show out-of-date results.

The project value does not record what its weights were trained on, so the window remembers
it: each training history, when it first appears in the document (a finished run, a loaded
project), is paired with the project of that moment. Undo and redo bring back the very
history objects they took away, so an undone circuit edit makes the results current again
and an undone training run brings back the marker it had. A history neither the document nor
its undo stack holds any longer is forgotten (the pairs are weak), so a long session's runs do
not pile up.
"""

from __future__ import annotations

import weakref
from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QGraphicsOpacityEffect, QWidget

from qmlstudio.core import Project, TrainingHistory
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.viewmodels.training_freshness import stale_reason

__all__ = ["DIMMED_OPACITY", "TrainingFreshness", "set_dimmed"]

DIMMED_OPACITY = 0.35
"""Opacity of plots whose results describe an earlier setup."""


class TrainingFreshness(QObject):
    """Follows ``document``: :attr:`reason` is ``""`` while its training results describe its
    project, else e.g. ``"trained on an earlier circuit"``. Signal ``changed(str)`` with the
    new reason whenever it changes."""

    changed = Signal(str)

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The setup only (no history): a value holding its own key would never be freed.
        self._trained_on: weakref.WeakKeyDictionary[TrainingHistory, Project] = (
            weakref.WeakKeyDictionary())
        self._reason = ""
        document.project_changed.connect(self._on_project_changed)
        self._on_project_changed(document.project)

    @property
    def reason(self) -> str:
        """Why the results are out of date ("" when they are current or there are none)."""
        return self._reason

    def trained_on(self, project: Project) -> Project:
        """The project ``project``'s training history was trained on, without its history
        (``project`` itself when it holds no history, or one this tracker has not seen)."""
        history = project.history
        return self._trained_on.get(history, project) if history.records else project

    def _on_project_changed(self, project: Project) -> None:
        history = project.history
        if history.records:
            trained_on = self._trained_on.setdefault(
                history, replace(project, history=TrainingHistory()))
            reason = stale_reason(trained_on, project)
        else:
            reason = ""
        if reason != self._reason:
            self._reason = reason
            self.changed.emit(reason)


def set_dimmed(widget: QWidget, dimmed: bool) -> None:
    """Fade ``widget`` (and its children) to :data:`DIMMED_OPACITY`, or show it plainly."""
    if dimmed:
        effect = QGraphicsOpacityEffect(widget)
        effect.setOpacity(DIMMED_OPACITY)
        widget.setGraphicsEffect(effect)  # the widget owns and deletes it
    else:
        widget.setGraphicsEffect(None)
