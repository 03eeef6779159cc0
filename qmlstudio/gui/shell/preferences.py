"""Edit ▸ Preferences: the application settings a user may want to change.

The colour scheme (:mod:`qmlstudio.gui.theme.themes`): System (follow the desktop's light or
dark scheme), Light or Dark. The autosave interval (:mod:`.autosave`): how often unsaved work
is copied to the recovery folder, or Off. The simulator's thread count
(:mod:`qmlstudio.gui.engine_threads`): Automatic, or a number of threads for training and the
views that simulate. Settings live in QSettings and take effect in every open window when the
dialog is accepted; Cancel changes nothing.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from qmlstudio.engine import thread_cap
from qmlstudio.gui.engine_threads import preferred_threads, set_preferred_threads
from qmlstudio.gui.shell.autosave import autosave_interval, recovery_dir, set_autosave_interval
from qmlstudio.gui.theme.themes import THEME_CHOICES, set_theme_choice, theme_choice

__all__ = ["MAX_AUTOSAVE_S", "PreferencesDialog"]

MAX_AUTOSAVE_S = 3600
"""The longest autosave interval offered (an hour)."""


class PreferencesDialog(QDialog):
    """The settings form; :meth:`accept` stores what it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("colourScheme")
        for choice in THEME_CHOICES:
            self.theme_combo.addItem(choice.capitalize(), choice)
        self.theme_combo.setCurrentIndex(THEME_CHOICES.index(theme_choice()))
        self.theme_combo.setToolTip("System follows the desktop's light or dark scheme, and "
                                    "changes with it")
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
        self.threads_spin = QSpinBox(minimum=0, maximum=max(thread_cap(), 1),
                                     specialValueText="Automatic")
        self.threads_spin.setObjectName("engineThreads")
        self.threads_spin.setValue(min(preferred_threads() or 0, self.threads_spin.maximum()))
        self.threads_spin.setToolTip("0 (Automatic) chooses per computation from the circuit's "
                                     "size and the cores other programs leave free")
        threads_note = QLabel(
            "Threads the simulator uses for training and the state view. Automatic runs small "
            "circuits on one thread and leaves cores that other programs use alone; results "
            "are the same whatever the count. NUMBA_NUM_THREADS, if set, is the most it "
            f"uses (here {thread_cap()}).", wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Colour scheme", self.theme_combo)
        form.addRow("Autosave every", self.autosave_spin)
        form.addRow(note)
        form.addRow("Simulator threads", self.threads_spin)
        form.addRow(threads_note)
        form.addRow(buttons)

    def accept(self) -> None:
        """Store the settings shown, then close."""
        set_theme_choice(self.theme_combo.currentData())
        set_autosave_interval(self.autosave_spin.value())
        set_preferred_threads(self.threads_spin.value() or None)
        super().accept()
