"""``.qmlproj`` project files: :func:`save_project` and :func:`load_project`.

A project file is UTF-8 JSON meant to be read and diffed by people::

    {
      "format": "qmlstudio-project",
      "schema_version": 2,
      "qmlstudio": "0.1.0",
      "name": "Moons",
      "circuit": {
        "n_qubits": 2,
        "measured": [],
        "operations": [
          {"gate": "ry", "wires": [0], "params": [{"feature": 0, "scale": 1.0, "offset": 0.0}]},
          {"gate": "rz", "wires": [1], "params": [{"weight": 0}]},
          {"gate": "cx", "wires": [0, 1]}
        ]
      },
      "dataset": {...}, "preprocessing": {...}, "model": {...}, "training": {...},
      "weights": [...], "readout": {"scale": [...], "bias": [...]},
      "history": {...}, "versions": {...}
    }

A ``"linear"`` readout adds ``"weights"`` (its matrix, row by row) to ``"readout"``; files of
the other readouts never hold it, and a file without it reads as none (no schema change).

Saving is atomic (:mod:`qmlstudio.io.atomic`). Loading checks everything and raises one
:class:`ProjectError` naming the file, the JSON path of the bad field and what is wrong; a CSV
data set that moved or changed is not an error (see :mod:`qmlstudio.io.dataset_link`).
"""

from __future__ import annotations

import os
from dataclasses import replace

from qmlstudio._version import __version__
from qmlstudio.core.errors import ProjectError
from qmlstudio.core.project import Project
from qmlstudio.io.atomic import atomic_write, remove_stale_temp_files
from qmlstudio.io.dataset_link import check_dataset
from qmlstudio.io.document_reader import DocumentReader, read_header
from qmlstudio.io.file_kinds import wrong_kind
from qmlstudio.io.json_text import dumps_document, parse_document
from qmlstudio.io.project_codec import FORMAT, SCHEMA_VERSION, decode_project, encode_project
from qmlstudio.io.project_migrations import migrate
from qmlstudio.io.regular_file import read_regular_file

__all__ = ["MAX_PROJECT_BYTES", "PROJECT_SUFFIX", "load_project", "project_text", "save_project"]

PROJECT_SUFFIX = ".qmlproj"
"""The file name ending of a project."""

MAX_PROJECT_BYTES = 1 << 30
"""Files larger than this are refused before reading (a wrongly chosen file, not a project)."""


def project_text(project: Project, project_dir: str | os.PathLike = ".") -> str:
    """The file text of ``project`` as if saved in ``project_dir``."""
    if not isinstance(project, Project):
        raise ProjectError(f"expected a Project, got {type(project).__name__}")
    try:
        return dumps_document(encode_project(project, os.path.abspath(project_dir)))
    except (TypeError, ValueError) as error:  # e.g. an operation group that is not text
        raise ProjectError(f"the project cannot be written as JSON: {error}") from None


def save_project(project: Project, path: str | os.PathLike) -> None:
    """Write ``project`` to ``path`` atomically: on any error the previous file is unchanged.

    Raises :class:`ProjectError` (naming the file) if it cannot be written.
    """
    path = os.fspath(path)
    atomic_write(path, project_text(project, os.path.dirname(os.path.abspath(path))),
                 ProjectError)


def load_project(path: str | os.PathLike) -> Project:
    """Read the project at ``path``; raise one :class:`ProjectError` if it cannot be used.

    Files from older schema versions are upgraded on the way in. A CSV data set is looked up
    (relative paths against the project's folder) and its hash compared: if the file is gone
    or changed, the project still opens with ``dataset.status`` ``"missing"`` or
    ``"changed"`` and a message; :func:`~qmlstudio.io.dataset_link.relink_dataset` fixes it.
    A folder, pipe or device is refused without being opened; temporary files that killed
    saves of this file left beside it are deleted.
    """
    path = os.fspath(path)
    data = read_regular_file(path, ProjectError, "a project file", MAX_PROJECT_BYTES)
    remove_stale_temp_files(path)  # left by saves of this file that were killed midway
    other = wrong_kind(path, data, "project")
    if other is not None:
        raise ProjectError(other)
    try:
        document = parse_document(data)
    except ValueError as error:
        raise ProjectError(f"{path}: {error}") from None
    version = read_header(DocumentReader(document, source=path), FORMAT, "project",
                          SCHEMA_VERSION, 0, __version__)
    if version < SCHEMA_VERSION:
        document = migrate(document, version, SCHEMA_VERSION)
    project = decode_project(DocumentReader(document, source=path),
                             os.path.dirname(os.path.abspath(path)))
    return replace(project, dataset=check_dataset(project.dataset))
