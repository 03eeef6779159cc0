"""A project's link to its CSV file: content hash, stored path, and what to do when it breaks.

The project file stores a CSV's path relative to the project's folder when the CSV lies in
that folder or below it (with ``/`` separators, so the project can move together with its
data and open on another system), and absolute otherwise. A CSV that has moved or changed
since the project was saved does not stop the project from opening: :func:`check_dataset`
marks the data set ``"missing"`` or ``"changed"`` with a message, and :func:`relink_dataset`
points it at the file again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path, PurePosixPath

from qmlstudio.core.dataset_spec import Column, DatasetSpec
from qmlstudio.core.errors import ProjectError
from qmlstudio.core.project import Project
from qmlstudio.io.regular_file import open_regular_file

__all__ = ["check_dataset", "csv_dataset", "file_sha256", "relink_dataset", "resolved_path",
           "stored_path"]

_CHUNK = 1 << 20


def file_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a regular file's bytes as 64 hex digits; :class:`ProjectError` naming
    the file if it is missing, unreadable, or a folder, pipe or device (never opened)."""
    digest = hashlib.sha256()
    with open_regular_file(path, ProjectError, "a data file") as handle:
        try:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        except OSError as error:
            raise ProjectError(f"{os.fspath(path)}: cannot be read "
                               f"({error.strerror or error})") from None
    return digest.hexdigest()


def stored_path(path: str, project_dir: str) -> str:
    """How the project file records ``path``: relative with ``/`` if inside ``project_dir``."""
    target = Path(os.path.abspath(path))
    try:
        relative = target.relative_to(os.path.abspath(project_dir))
    except ValueError:
        return str(target)
    return relative.as_posix()


def resolved_path(stored: str, project_dir: str) -> str:
    """The file system path of a path recorded by :func:`stored_path`."""
    if os.path.isabs(stored) or PurePosixPath(stored).is_absolute():
        return stored
    return os.path.normpath(os.path.join(project_dir, *PurePosixPath(stored).parts))


def check_dataset(spec: DatasetSpec) -> DatasetSpec:
    """``spec`` with its status set: a CSV that is gone or whose bytes changed is flagged."""
    if spec.kind != "csv":
        return spec
    path = spec.path
    if not os.path.lexists(path):
        return spec.with_status(
            "missing", f"the data file {path} was not found; point the project at it again"
        )
    try:
        digest = file_sha256(path)
    except ProjectError as error:  # unreadable, or a folder, pipe or device
        return spec.with_status("missing", f"{error}; point the project at the data file again")
    if digest != spec.sha256:
        return spec.with_status(
            "changed", f"the data file {path} has changed since the project was saved "
                       f"(its SHA-256 differs); check it, then point the project at it again"
        )
    return spec.with_status("ok")


def csv_dataset(path: str | os.PathLike, label_column: Column, *,
                feature_columns: tuple[Column, ...] = (), delimiter: str = ",",
                header: bool = True, name: str = "") -> DatasetSpec:
    """A CSV data set spec for the file at ``path``, with its content hash computed now."""
    return DatasetSpec.csv(os.path.abspath(path), file_sha256(path), label_column,
                           feature_columns=tuple(feature_columns), delimiter=delimiter,
                           header=header, name=name)


def relink_dataset(project: Project, new_path: str | os.PathLike) -> Project:
    """``project`` with its CSV data set pointed at ``new_path`` (hash recomputed, status ok).

    Column roles, circuit and weights are kept. Raises :class:`ProjectError` if the project's
    data set is not a CSV or the file cannot be read.
    """
    if project.dataset.kind != "csv":
        raise ProjectError(f"dataset: the project's data set is a {project.dataset.kind!r} "
                           f"data set, not a CSV file")
    dataset = replace(project.dataset, path=os.path.abspath(new_path),
                      sha256=file_sha256(new_path), status="ok", message="")
    return replace(project, dataset=dataset)
