"""Crash reporting: an uncaught exception is logged and shown, and the app keeps running.

:func:`setup_logging` sends the ``qmlstudio`` loggers to ``<user log folder>/qmlstudio.log``
(rotated at 1 MB, three old files kept); INFO and up normally, everything with ``--debug``.
:func:`install_crash_handler` replaces :data:`sys.excepthook` (which Qt bindings call for an
exception escaping a slot or an event handler) and :data:`threading.excepthook`: the traceback
goes to the log, and a dialog shows the message, where the log is, and a *Copy details* button
that puts the traceback on the clipboard. Exceptions from other threads are shown by the GUI
thread. While the dialog is open, further errors are logged and counted in it instead of
stacking up dialogs (a failing paint handler raises on every repaint).
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qmlstudio.gui.theme.fonts import monospace_font

__all__ = ["CrashDialog", "install_crash_handler", "log_path", "setup_logging",
           "uninstall_crash_handler"]

_log = logging.getLogger("qmlstudio")
_MAX_LOG_BYTES = 1 << 20
_LOG_BACKUPS = 3
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"


def log_path() -> Path:
    """The log file of the desktop app."""
    return Path(platformdirs.user_log_dir("qmlstudio")) / "qmlstudio.log"


def setup_logging(debug: bool = False) -> Path | None:
    """Log the ``qmlstudio`` loggers to :func:`log_path` (DEBUG and up with ``debug``, else
    INFO). Calling it again replaces the file handler. Returns the log file, or None (with a
    line on stderr) if its folder cannot be created — the app runs without a log then."""
    path = log_path()
    for handler in [h for h in _log.handlers if getattr(h, "_qmlstudio_file", False)]:
        _log.removeHandler(handler)
        handler.close()
    _log.setLevel(logging.DEBUG if debug else logging.INFO)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=_MAX_LOG_BYTES, backupCount=_LOG_BACKUPS, encoding="utf-8")
    except OSError as error:
        print(f"qmlstudio: cannot write the log file {path}: {error.strerror or error}",
              file=sys.stderr)
        return None
    handler._qmlstudio_file = True  # ours to replace on the next call
    handler.setFormatter(logging.Formatter(_FORMAT))
    _log.addHandler(handler)
    return path


class CrashDialog(QDialog):
    """What the user sees of an uncaught exception: the message, the log file, the
    traceback (folded out by *Show details*) and *Copy details*."""

    def __init__(self, summary: str, details: str, log_file: Path | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unexpected error")
        self.setModal(True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.details = details
        self.more = 0
        self.message = QLabel(f"<b>Something went wrong:</b> {_html(summary)}<br><br>"
                              "QML Studio keeps running. If something looks wrong, save your "
                              "work under a new name and restart.")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where = (f"The details were written to {log_file}" if log_file is not None
                 else "The log file could not be written.")
        self.log_label = QLabel(where)
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.more_label = QLabel()
        self.more_label.hide()
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(monospace_font())  # a traceback's carets line up under the code
        self.text.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        self.show_button = QPushButton("Show details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_details)
        self.show_button.clicked.connect(self._toggle_details)
        layout = QVBoxLayout(self)
        for widget in (self.message, self.log_label, self.more_label, self.text):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self.resize(560, 200)

    def copy_details(self) -> None:
        """Put the traceback (and later errors' tracebacks) on the clipboard."""
        QApplication.clipboard().setText(self.details)

    def add_error(self, details: str) -> None:
        """Another uncaught exception while this dialog is open: count it, keep its text."""
        self.more += 1
        self.details += "\n" + details
        self.text.setPlainText(self.details)
        self.more_label.setText(f"{self.more} more error{'s' if self.more > 1 else ''} since "
                                f"(in the details and the log).")
        self.more_label.show()

    def _toggle_details(self) -> None:
        self.text.setVisible(not self.text.isVisible())
        self.show_button.setText("Hide details" if self.text.isVisible() else "Show details")
        self.adjustSize()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Reporter(QObject):
    """Lives in the GUI thread; a queued signal brings other threads' errors to it."""

    report = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self.dialog: CrashDialog | None = None
        self.previous_hooks = (sys.excepthook, threading.excepthook)
        self.report.connect(self.present, Qt.ConnectionType.QueuedConnection)

    def present(self, summary: str, details: str) -> None:
        if self.dialog is not None:
            self.dialog.add_error(details)
            return
        parent = QApplication.activeWindow()
        self.dialog = CrashDialog(summary, details, _current_log_file(), parent)
        self.dialog.destroyed.connect(self._forget_dialog)
        self.dialog.show()  # modal, but without a nested event loop inside the hook

    def _forget_dialog(self) -> None:
        self.dialog = None

    def excepthook(self, kind, value, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):  # Ctrl+C in the terminal: the usual exit
            self.previous_hooks[0](kind, value, tb)
            return
        self._handle(kind, value, tb, threading.current_thread().name)

    def threading_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        thread = args.thread.name if args.thread is not None else "unknown thread"
        self._handle(args.exc_type, args.exc_value, args.exc_traceback, thread)

    def _handle(self, kind, value, tb, thread: str) -> None:
        details = "".join(traceback.format_exception(kind, value, tb))
        _log.error("uncaught exception in %s\n%s", thread, details.rstrip())
        summary = f"{kind.__name__}: {value}" if str(value) else kind.__name__
        if QApplication.instance() is None:  # no GUI to show it in: stderr as usual
            print(details, file=sys.stderr, end="")
            return
        if threading.current_thread() is threading.main_thread():
            self.present(summary, details)
        else:
            self.report.emit(summary, details)


_REPORTER: _Reporter | None = None


def _current_log_file() -> Path | None:
    for handler in _log.handlers:
        if getattr(handler, "_qmlstudio_file", False):
            return Path(handler.baseFilename)
    return None


def install_crash_handler() -> None:
    """Report uncaught exceptions (any thread) in the log and a dialog; call once the
    QApplication exists, from the GUI thread. Installing twice is harmless."""
    global _REPORTER
    if _REPORTER is not None:
        return
    _REPORTER = _Reporter()
    sys.excepthook = _REPORTER.excepthook
    threading.excepthook = _REPORTER.threading_excepthook


def uninstall_crash_handler() -> None:
    """Put back the exception hooks that were there before :func:`install_crash_handler`."""
    global _REPORTER
    if _REPORTER is None:
        return
    sys.excepthook, threading.excepthook = _REPORTER.previous_hooks
    if _REPORTER.dialog is not None:
        _REPORTER.dialog.close()
    _REPORTER.deleteLater()
    _REPORTER = None
