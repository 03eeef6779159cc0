"""Starting the desktop app: :func:`run_app` (what ``qmlstudio [PATH...]`` calls)."""

from __future__ import annotations

import ctypes.util
import logging
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path

from qmlstudio._version import __version__

__all__ = ["create_application", "open_startup_windows", "run_app", "xcb_hint"]

_XCB_PACKAGES = {"xcb-cursor": "libxcb-cursor0", "xcb-icccm": "libxcb-icccm4",
                 "xcb-keysyms": "libxcb-keysyms1"}
"""Libraries Qt 6.5+'s X11 plugin needs beyond a desktop's usual ones, and their Debian
packages."""
_log = logging.getLogger(__name__)
_FIRST_RUN_KEY = "app/first_run_done"
_FIRST_EXAMPLE = "moons.qmlproj"


def xcb_hint() -> str | None:
    """Why Qt's X11 plugin would fail to load (and what to install), or None if it can load.

    Qt aborts the whole process ("Could not load the Qt platform plugin xcb") when these
    libraries are missing, before Python can catch anything — so look for them first.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("WAYLAND_DISPLAY"):
        return None
    if not os.environ.get("DISPLAY"):
        return ("qmlstudio: no display to open a window on (DISPLAY is not set). Run it in a "
                "desktop session, or use 'qmlstudio train|predict|export' headless.")
    missing = [name for name in _XCB_PACKAGES if ctypes.util.find_library(name) is None]
    if not missing:
        return None
    packages = " ".join(_XCB_PACKAGES[name] for name in missing)
    return (f"qmlstudio: Qt needs the X11 libraries {', '.join(missing)} to open a window.\n"
            f"On Debian/Ubuntu: sudo apt install {packages}")


_GC: list = []


def _collect_garbage_on_the_gui_thread() -> None:
    """Run Python's cyclic garbage collector only on the GUI thread, from a timer.

    Left automatic, a collection can start in a worker thread and delete Qt objects there;
    their destructors take Qt's connection locks and then wait for the GIL while the GUI
    thread, holding the GIL, waits for those locks — a deadlock seen here in the tests.
    pyqtgraph's GarbageCollector disables automatic collection and collects on a timer.
    """
    if not _GC:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _GC.append(GarbageCollector(interval=1.0))


def create_application():
    """The QApplication, created once, with the names QSettings files are kept under, the
    application icon, the shipped fonts and the colour theme."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from qmlstudio._resources import resource_path
    from qmlstudio.gui.theme.fonts import register_fonts
    from qmlstudio.gui.theme.themes import install_theme

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setOrganizationName("QML Studio")
    app.setApplicationName("qmlstudio")
    app.setApplicationDisplayName("QML Studio")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("qmlstudio")  # Wayland matches windows to qmlstudio.desktop
    _collect_garbage_on_the_gui_thread()
    try:
        app.setWindowIcon(QIcon(str(resource_path("icons", "qmlstudio.svg"))))
    except FileNotFoundError:  # a partial install: run without the icon
        _log.warning("the application icon is missing")
    register_fonts()
    install_theme(app)  # the stored light / dark / system choice, following the system
    return app


def open_startup_windows(paths: Sequence[str | os.PathLike] = ()) -> list:
    """Open a window per path; with none, the moons example on the very first launch and an
    empty project afterwards. Work a crashed session left is offered first (Restore opens a
    window for each project, beside the paths). Returns the windows opened."""
    from PySide6.QtCore import QSettings

    from qmlstudio.gui.shell.autosave import offer_recovery
    from qmlstudio.gui.shell.main_window import MainWindow, open_windows
    from qmlstudio.gui.shell.quick_tour import offer_on_first_launch

    window = MainWindow()
    window.show()
    settings = QSettings()
    restored = offer_recovery(window)
    for document, recovery in restored:
        restored_window = MainWindow(document)
        restored_window.show()
        restored_window.autosaver.save_now()  # its own copy first, then the old one goes
        recovery.delete()
    if paths:
        for path in paths:
            window.actions_.open_path(Path(path))
    elif not restored and not settings.value(_FIRST_RUN_KEY, False, type=bool):
        window.actions_.open_example(_FIRST_EXAMPLE)
        offer_on_first_launch(open_windows()[-1])
    if restored and window in open_windows() and window.is_pristine():
        window.close()  # the restored work replaces the empty start window
    settings.setValue(_FIRST_RUN_KEY, True)
    return open_windows()


def run_app(paths: Sequence[str | os.PathLike] = (), debug: bool = False) -> int:
    """Run the desktop app until its last window closes; returns the exit status.

    Logs to the user log folder (everything with ``debug``); an uncaught exception is logged
    and shown in a dialog, and the app keeps running (:mod:`.crash_report`).
    """
    hint = xcb_hint()
    if hint is not None:
        print(hint, file=sys.stderr)
        return 1
    from qmlstudio.gui.shell.crash_report import install_crash_handler, setup_logging

    log_file = setup_logging(debug)
    _log.info("QML Studio %s starting (Python %s, %s); log: %s", __version__,
              platform.python_version(), platform.platform(), log_file)
    app = create_application()
    install_crash_handler()
    open_startup_windows(paths)
    status = app.exec()
    _log.info("QML Studio exiting with status %s", status)
    return status
