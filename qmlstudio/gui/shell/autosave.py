"""Autosave and crash recovery: unsaved work survives a crash, a kill or a power cut.

While a window's document is modified, its :class:`Autosaver` writes the project every
``autosave/interval_s`` seconds (QSettings; default 60, ``0`` turns autosave off) and when a
training run ends, to a recovery file of its own in ``<user data folder>/recovery/``:
``<id>.qmlproj`` (written like any project, atomically) with a sidecar ``<id>.json`` naming the
original file (or none for an unsaved project), the display name and the time. Saving the
document, or closing its window cleanly (saved or discarded), deletes both.

A running app holds a lock file ``<id>.lock`` (Qt's :class:`QLockFile`, which records the
process id) beside each of its recovery files, so a second running instance never offers to
restore a live window's work; the lock of a process that died is stale and can be taken.
:func:`offer_recovery` (called at launch) lists what dead sessions left and asks Restore /
Discard once for all of them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs
from PySide6.QtCore import QLockFile, QObject, QSettings, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from qmlstudio.core import ProjectError, QMLStudioError
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.io.atomic import atomic_write
from qmlstudio.io.project_file import PROJECT_SUFFIX, load_project, project_text
from qmlstudio.io.regular_file import read_regular_file

__all__ = ["DEFAULT_INTERVAL_S", "INTERVAL_KEY", "Autosaver", "Recovery", "autosave_interval",
           "offer_recovery", "pending_recoveries", "recovery_dir", "restore_document",
           "set_autosave_interval"]

_log = logging.getLogger(__name__)

INTERVAL_KEY = "autosave/interval_s"
DEFAULT_INTERVAL_S = 60.0
_MIN_INTERVAL_S = 0.05  # a smaller positive value would keep the event loop busy writing
_MAX_INTERVAL_S = 86_400.0


def recovery_dir() -> Path:
    """The folder of recovery files (created on the first autosave)."""
    return Path(platformdirs.user_data_dir("qmlstudio")) / "recovery"


def autosave_interval() -> float:
    """Seconds between autosaves from QSettings; 0 if autosave is off. A value that is not
    a finite number falls back to the default (and is logged), never an error; one over a day
    counts as a day (Qt timers end at 2**31 ms)."""
    raw = QSettings().value(INTERVAL_KEY, DEFAULT_INTERVAL_S)
    try:
        seconds = float(raw)
        if math.isinf(seconds):
            raise ValueError(raw)
    except (TypeError, ValueError):
        _log.warning("setting %s=%r is not a number of seconds; using %s", INTERVAL_KEY, raw,
                     DEFAULT_INTERVAL_S)
        return DEFAULT_INTERVAL_S
    if seconds != seconds or seconds <= 0:  # NaN or off
        return 0.0
    return min(max(seconds, _MIN_INTERVAL_S), _MAX_INTERVAL_S)


def set_autosave_interval(seconds: float) -> None:
    """Store the autosave interval (0: off); each :class:`Autosaver` takes it up on its next
    :meth:`~Autosaver.apply_interval`."""
    QSettings().setValue(INTERVAL_KEY, float(seconds))


def _lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    # Qt calls a lock older than 30 s stale even if its process lives; ours last a session.
    lock.setStaleLockTime(0)
    return lock


class Autosaver(QObject):
    """Keeps a recovery copy of ``document`` while it has unsaved changes (see the module
    docstring). :meth:`save_now` writes at once; :meth:`discard` deletes the copy."""

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._id = uuid.uuid4().hex
        self._lock: QLockFile | None = None
        self._written = None  # the project value last written (skip identical rewrites)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.save_now)
        document.modified_changed.connect(self._on_modified_changed)
        self._on_modified_changed(document.is_modified)

    @property
    def path(self) -> Path:
        """This window's recovery project file (it exists only while there is one)."""
        return recovery_dir() / f"{self._id}{PROJECT_SUFFIX}"

    @property
    def interval_ms(self) -> int | None:
        """The running autosave period in milliseconds; None while nothing is due."""
        return self._timer.interval() if self._timer.isActive() else None

    def apply_interval(self) -> None:
        """Take up the current :func:`autosave_interval` setting."""
        interval = autosave_interval()
        if self._document.is_modified and interval:
            self._timer.start(round(interval * 1000))
        else:
            self._timer.stop()

    def _on_modified_changed(self, modified: bool) -> None:
        self.apply_interval()
        if not modified:  # saved (or undone back to the saved state): nothing to recover
            self.discard()

    def save_now(self) -> bool:
        """Write the recovery copy if the document is modified and changed since the last
        write. Returns True if written; a failure is logged, never raised (autosave must not
        interrupt the user)."""
        document = self._document
        if not document.is_modified or document.project is self._written:
            return False
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if self._lock is None:
                lock = _lock(folder / f"{self._id}.lock")
                if not lock.tryLock(0):
                    raise OSError(f"cannot lock {lock.fileName()} (error {lock.error()})")
                self._lock = lock
            text = project_text(document.project, folder)
            atomic_write(self.path, text, ProjectError)
            info = {"original": None if document.path is None else str(document.path),
                    "name": document.display_name,
                    "saved_at": datetime.now().astimezone().isoformat(timespec="seconds")}
            atomic_write(self.path.with_suffix(".json"), json.dumps(info, indent=1),
                         ProjectError)
        except (OSError, QMLStudioError, UnicodeEncodeError) as error:
            _log.warning("autosave of %s to %s failed: %s", document.display_name, self.path,
                         error)
            return False
        self._written = document.project
        _log.debug("autosaved %s to %s", document.display_name, self.path)
        return True

    def discard(self) -> None:
        """Delete the recovery copy and release its lock (a clean close or a save)."""
        self._timer.stop()
        self._written = None
        for suffix in (PROJECT_SUFFIX, ".json"):
            with contextlib.suppress(FileNotFoundError):
                self.path.with_suffix(suffix).unlink()
        if self._lock is not None:
            self._lock.unlock()  # removes the lock file
            self._lock = None


@dataclass
class Recovery:
    """A recovery file left by a session that ended without closing its window."""

    path: Path
    original: Path | None
    name: str
    saved_at: str
    lock: QLockFile

    def describe(self) -> str:
        """One line for the Restore / Discard question."""
        where = str(self.original) if self.original is not None else "never saved"
        when = self.saved_at.replace("T", " ")[:16] if self.saved_at else "unknown time"
        return f"{self.name} ({where}), autosaved {when}"

    def delete(self) -> None:
        """Delete the recovery file, its sidecar and its (taken) lock."""
        for suffix in (PROJECT_SUFFIX, ".json"):
            with contextlib.suppress(OSError):
                self.path.with_suffix(suffix).unlink()
        self.lock.unlock()


def _read_sidecar(path: Path) -> dict:
    """The sidecar's fields; a missing or damaged sidecar (a kill between the two writes)
    only loses the original path, not the work."""
    try:
        info = json.loads(read_regular_file(path, ProjectError, "a recovery sidecar", 1 << 20))
    except ValueError:  # also the ProjectError of a missing or non-regular file
        return {}
    return info if isinstance(info, dict) else {}


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # deleted by its (running) owner since the listing
        return 0.0


def pending_recoveries() -> list[Recovery]:
    """Recovery files whose session has ended, oldest first; their locks are taken (so
    another instance starting now does not offer them too) until restored or deleted."""
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(f"*{PROJECT_SUFFIX}"), key=_mtime):
        lock = _lock(path.with_suffix(".lock"))
        if not lock.tryLock(0):  # a running instance's window (or unreadable: leave it)
            continue
        if not path.is_file():  # its owner deleted it meanwhile
            lock.unlock()
            continue
        info = _read_sidecar(path.with_suffix(".json"))
        original = info.get("original")
        original = Path(original) if isinstance(original, str) and original else None
        name = info.get("name") if isinstance(info.get("name"), str) else None
        saved_at = info.get("saved_at") if isinstance(info.get("saved_at"), str) else ""
        found.append(Recovery(path, original, name or (original.name if original else
                                                        "Untitled"), saved_at, lock))
    return found


def restore_document(recovery: Recovery) -> ProjectDocument:
    """The recovered project as a modified document whose file is the original one (so Save
    writes there; an unsaved project stays unsaved). Raises ``QMLStudioError``."""
    document = ProjectDocument(load_project(recovery.path), recovery.original)
    document.undo_stack.resetClean()  # the recovered changes are not saved anywhere yet
    return document


def offer_recovery(parent: QWidget | None = None) -> list[tuple[ProjectDocument, Recovery]]:
    """Ask Restore / Discard for the work crashed sessions left (one question for all).

    Returns (document, recovery) for each restored project: the caller opens a window for
    the document, lets it autosave, and only then deletes the old file with
    :meth:`Recovery.delete` (see ``app.open_startup_windows``), so no moment is without a
    copy. Discard deletes the files; closing the question keeps them for the next launch.
    """
    found = pending_recoveries()
    if not found:
        return []
    listing = "\n".join(f"• {r.describe()}" for r in found)
    box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work",
                      f"QML Studio ended without saving this work:\n{listing}", parent=parent)
    box.setInformativeText("Restore opens it as unsaved projects; Discard deletes it.")
    box.setStandardButtons(QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Discard)
    box.button(QMessageBox.StandardButton.Open).setText("Restore")  # Open: the accept role
    box.setDefaultButton(QMessageBox.StandardButton.Open)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Discard:
        for recovery in found:
            recovery.delete()
        return []
    if answer != QMessageBox.StandardButton.Open:
        for recovery in found:
            recovery.lock.unlock()
        return []
    restored = []
    for recovery in found:
        try:
            document = restore_document(recovery)
        except QMLStudioError as error:
            # Kept under another name for a person to look at, and not offered again.
            kept = recovery.path.with_name(recovery.path.name + ".unreadable")
            with contextlib.suppress(OSError):
                os.replace(recovery.path, kept)
            recovery.delete()
            QMessageBox.warning(parent, "Cannot restore", f"{error} (kept as {kept})")
            continue
        restored.append((document, recovery))
    return restored
