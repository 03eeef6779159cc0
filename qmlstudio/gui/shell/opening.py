"""Turning a file on disk into a document: projects and OpenQASM files.

Qt widgets are not involved here, so the rules (which suffix is what, what an imported circuit
becomes) are shared by File ▸ Open, Open Recent, file drops, examples and the command line.
"""

from __future__ import annotations

import os
from pathlib import Path

from qmlstudio.core import Project, ProjectError
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.io import read_qasm
from qmlstudio.io.project_file import PROJECT_SUFFIX

__all__ = ["OPEN_FILTER", "PROJECT_SUFFIX", "QASM_SUFFIXES", "is_openable", "open_document"]

QASM_SUFFIXES = (".qasm", ".qasm3", ".qasm2")
OPEN_FILTER = ("QML Studio projects and OpenQASM (*.qmlproj *.qasm *.qasm2 *.qasm3);;"
               "QML Studio projects (*.qmlproj);;OpenQASM (*.qasm *.qasm2 *.qasm3);;"
               "All files (*)")


def is_openable(path: str | os.PathLike) -> bool:
    """True if the file's suffix is one the app opens."""
    return Path(path).suffix.lower() in (PROJECT_SUFFIX, *QASM_SUFFIXES)


def open_document(path: str | os.PathLike, example: bool = False) -> ProjectDocument:
    """A document for ``path``: a project file, or an OpenQASM file as a new project.

    An OpenQASM file opens as an unsaved, modified project with no file (Save asks where to
    put it instead of overwriting the source; closing asks to save it); an ``example`` opens
    as an unmodified copy with no file. Raises a
    :class:`~qmlstudio.core.QMLStudioError` naming the file, also for a folder, pipe or device
    (refused without being opened: reading a pipe would block the window forever).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in QASM_SUFFIXES:
        document = ProjectDocument(Project(read_qasm(path), name=path.stem))
        document.undo_stack.resetClean()  # an imported circuit saved nowhere is unsaved work
        return document
    if suffix != PROJECT_SUFFIX and not example:
        raise ProjectError(f"{path}: not a project ({PROJECT_SUFFIX}) or OpenQASM file")
    document = ProjectDocument.open(path)
    if example:
        return ProjectDocument(document.project)
    return document
