"""Edit ▸ Preferences: the application settings a user may want to change.

For now the autosave interval (:mod:`.autosave`): how often unsaved work is copied to the
recovery folder, or Off. Settings live in QSettings and take effect in every open window when
the dialog is accepted; Cancel changes nothing.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QWidget

from qmlstudio.gui.shell.autosave import autosave_interval, recovery_dir, set_autosave_interval

__all__ = ["MAX_AUTOSAVE_S", "PreferencesDialog"]

MAX_AUTOSAVE_S = 3600
"""The longest autosave interval offered (an hour)."""


class PreferencesDialog(QDialog):
    """The settings form; :meth:`accept` stores what it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.autosave_spin = QSpinBox(minimum=0, maximum=MAX_AUTOSAVE_S, suffix=" s",
                                      specialValueText="Off")
        self.autosave_spin.setObjectName("autosaveInterval")
        seconds = autosave_interval()
        # A sub-second interval (a test's) still shows as on: 0 would read as Off.
        self.autosave_spin.setValue(max(1, round(seconds)) if seconds else 0)
        self.autosave_spin.setToolTip("0 turns autosave off")
        note = QLabel(f"Unsaved work is copied to {recovery_dir()} at this interval and when "
                      "training ends; after a crash, the next launch offers to restore it.",
                      wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Autosave every", self.autosave_spin)
        form.addRow(note)
        form.addRow(buttons)

    def accept(self) -> None:
        """Store the settings shown, then close."""
        set_autosave_interval(self.autosave_spin.value())
        super().accept()
