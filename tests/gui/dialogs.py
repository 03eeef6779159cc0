"""Answering Qt's modal dialogs from a test, the way a user would click them.

A modal dialog runs its own event loop, so the answer is scheduled before the action that
opens it: a timer polls for the active modal widget and presses a button or picks a file.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)


def answer_next_dialog(respond: Callable[[QWidget], None], timeout_ms: int = 10000) -> list:
    """Call ``respond(dialog)`` on the next modal dialog; returns a list that receives the
    dialog and, for a message box, its text (see :func:`dialog_text`)."""
    seen: list[QWidget] = []
    timer = QTimer()
    waited = [0]

    def poll() -> None:
        dialog = QApplication.activeModalWidget() or next(
            (w for w in QApplication.topLevelWidgets()
             if isinstance(w, QDialog) and w.isVisible() and w.isModal()), None)
        if dialog is not None:
            timer.stop()
            seen.append(dialog)
            if isinstance(dialog, QMessageBox):  # read before the dialog is gone
                seen.append(dialog.text())
            respond(dialog)
        else:
            waited[0] += 20
            if waited[0] > timeout_ms:
                timer.stop()

    timer.timeout.connect(poll)
    timer.start(20)
    seen.append(timer)  # keep the timer alive until the dialog appears
    return seen


def press(button: QMessageBox.StandardButton) -> Callable[[QWidget], None]:
    """A response that clicks ``button`` of a message box."""

    def respond(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox), f"expected a message box, got {dialog!r}"
        dialog.button(button).click()

    return respond


def choose_file(path: str) -> Callable[[QWidget], None]:
    """A response that types ``path`` into a file dialog and accepts it."""

    def respond(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog), f"expected a file dialog, got {dialog!r}"
        name_field = dialog.findChild(QLineEdit, "fileNameEdit")  # what the user types in
        name_field.setText(path)
        dialog.accept()

    return respond


def dialog_text(seen: list) -> str:
    """The text of the message box captured by :func:`answer_next_dialog`."""
    texts = [item for item in seen if isinstance(item, str)]
    return texts[0] if texts else ""
