"""The run controls of training as a compact toolbar: :class:`TrainingControls`.

Train, Pause, Resume, Step, Stop and Reset weights, each an icon with a tooltip (Train also
with its name), and the progress bar. The main window puts it in its toolbar area, so the
controls and the progress stay in view whichever dock is raised or however narrow the docks
are; what the buttons do is the :class:`~qmlstudio.gui.training.panel.TrainingPanel`'s.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QProgressBar, QToolBar, QToolButton, QWidget

from qmlstudio.gui.theme.icons import action_icon

__all__ = ["PROGRESS_STEPS", "RESET_TEXT", "TrainingControls"]

RESET_TEXT = "Reset weights"
"""The text of the Reset weights button, and the undo text of a reset."""
PROGRESS_STEPS = 1000
"""The progress bar's range: 0 (nothing done) to this (the run is done)."""
_PROGRESS_WIDTH = 250
"""Wide enough for "trained 30 epochs on an earlier data set" at the default font."""

_BUTTONS = (
    ("train", "Train", "Train the model; a trained model continues from its weights"),
    ("pause", "Pause", "Pause training after the current step"),
    ("resume", "Resume", "Resume a paused run"),
    ("step", "Step", "While paused: one optimizer step"),
    ("stop", "Stop", "Stop training and keep the weights trained so far"),
    ("reset", RESET_TEXT, "Forget the trained weights and history (undoable)"),
)
"""(key, text, tooltip) of each control, left to right; its icon is the toolbar SVG named
by the key (sharp at any scale, greyed in the theme's ink when disabled)."""


class TrainingControls(QToolBar):
    """The training toolbar: one :class:`QAction` per control in ``actions`` (keys ``train``,
    ``pause``, ``resume``, ``step``, ``stop``, ``reset``), their buttons (:meth:`button`)
    and ``progress``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Training", parent)
        self.setObjectName("TrainingToolBar")  # saveState() needs a name
        # Set explicitly, so the main window's style does not override Train's own below.
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.actions_: dict[str, QAction] = {}
        for key, text, tip in _BUTTONS:
            action = QAction(action_icon(key), text, self)
            action.setToolTip(f"{text}: {tip}")
            action.setStatusTip(tip)
            self.addAction(action)
            self.actions_[key] = action
        # Train is the one control a newcomer looks for by name; the others are icons.
        self.button("train").setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setTextVisible(True)
        self.progress.setFixedWidth(_PROGRESS_WIDTH)
        self.addSeparator()
        self.addWidget(self.progress)

    def button(self, key: str) -> QToolButton:
        """The toolbar button of the control ``key``."""
        return self.widgetForAction(self.actions_[key])
