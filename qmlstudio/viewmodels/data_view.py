"""What the data panel shows, computed off the GUI thread: :class:`DataView`.

Qt-free on purpose: :func:`build_data_view` runs as a job on the window's compute thread
(reading a 100k-row CSV or generating a large set takes a noticeable time) and returns one
immutable value that the panel, its preview table and its scatter plot only read.

A view holds the raw table (the CSV's text cells as the file has them, so the preview shows
columns that are not used, and the string labels as written), the :class:`Dataset` the roles
make of it, which part (train / validation / test) each row falls in — split exactly as
training splits (:func:`~qmlstudio.ml.data.preprocessing.split_rows`) — and two plotting
coordinates per row: the first two features after preprocessing (fitted on the training rows
only, as training does), or the first two principal components of them when there are more.

Reading a CSV uses the loader's own helpers (layout guessing, blank lines, row numbers as an
editor shows them), so the preview, the messages and training see the same table.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from qmlstudio.core.dataset_spec import DatasetSpec
from qmlstudio.core.errors import DatasetError
from qmlstudio.core.preprocessing import Preprocessing
from qmlstudio.io.dataset_link import csv_dataset, resolved_path
from qmlstudio.ml.data.csv_files import read_csv_table
from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.data.preprocessing import apply_preprocessing, fit_preprocessing, split_rows
from qmlstudio.ml.data.table import Table, column_problem, table_dataset

__all__ = ["PART_NAMES", "DataView", "build_data_view", "column_refs", "csv_path", "open_csv_view"]

PART_NAMES = ("train", "validation", "test")
"""Row parts by the codes in :attr:`DataView.parts`."""


@dataclass(frozen=True, slots=True, eq=False)
class DataView:
    """One data set as the panel shows it (see the module docstring).

    ``spec`` and ``preprocessing`` (unfitted) are what it was computed for; ``table`` is the
    raw CSV/embedded table (None for a built-in set, whose preview is the data set itself);
    ``label_index`` and ``feature_indices`` are the roles as column positions of the preview;
    ``parts`` codes each row 0 train, 1 validation, 2 test; ``xy`` ``(N, 2)`` are the plotted
    coordinates, named by ``axis_names``; ``n_inputs`` is the number of features after
    preprocessing (what the circuit will read); ``notes`` say what the panel should tell the
    user about how the view was made (columns left out of a new file's features).
    """

    spec: DatasetSpec
    preprocessing: Preprocessing
    dataset: Dataset
    table: Table | None
    label_index: int
    feature_indices: tuple[int, ...]
    parts: np.ndarray
    xy: np.ndarray
    axis_names: tuple[str, str]
    n_inputs: int
    notes: tuple[str, ...] = ()

    @property
    def n_rows(self) -> int:
        """Number of data rows."""
        return self.dataset.n_samples

    @property
    def columns(self) -> tuple[str, ...]:
        """The preview's column names (the file's, or ``x0.. , label`` for a built-in set)."""
        if self.table is not None:
            return tuple(self.table.column_name(i) for i in range(self.table.n_columns))
        return (*self.dataset.feature_names, "label")

    def cell(self, row: int, column: int) -> str | float:
        """The preview cell: the file's text, or a number of a built-in set (formatted by
        the table model on demand, so nothing is converted for rows never shown)."""
        if self.table is not None:
            return self.table.rows[row][column].strip()
        if column < self.dataset.n_features:
            return float(self.dataset.features[row, column])
        return self.label_text(row)

    def row_number(self, row: int) -> int:
        """The number the preview shows for ``row``: the file's line, or 1, 2, ..."""
        return self.table.row_numbers[row] if self.table is not None else row + 1

    def label_text(self, row: int) -> str:
        """The label of ``row`` as the user knows it (class name, or the target value)."""
        value = self.dataset.labels[row]
        if self.dataset.task == "classification":
            return str(self.dataset.class_labels[int(value)])
        return f"{float(value):.6g}"

    def part_counts(self) -> tuple[int, int, int]:
        """Rows in the training, validation and test parts."""
        counts = np.bincount(self.parts, minlength=3)
        return int(counts[0]), int(counts[1]), int(counts[2])


def unfitted(pre: Preprocessing) -> Preprocessing:
    """``pre`` without fitted constants: what the panel edits and compares."""
    return pre if pre.fitted is None else replace(pre, fitted=None)


def _source_key(spec: DatasetSpec) -> tuple:
    return (spec.kind, spec.path, spec.sha256, spec.delimiter, spec.header, spec.columns,
            spec.rows)


def csv_path(spec: DatasetSpec, project_dir: str | None) -> str:
    """The file of a CSV spec (a relative path is relative to the project's folder)."""
    return resolved_path(spec.path, project_dir) if project_dir else spec.path


def _source_table(spec: DatasetSpec, project_dir: str | None,
                  previous: DataView | None) -> Table | None:
    """The raw table of a CSV or embedded spec (reused from ``previous`` if the same)."""
    if spec.kind == "builtin":
        return None
    if previous is not None and previous.table is not None \
            and _source_key(previous.spec) == _source_key(spec):
        return previous.table
    if spec.kind == "embedded":
        rows = [[_embedded_text(cell) for cell in row] for row in spec.rows]
        source = f"embedded table {spec.name!r}" if spec.name else "embedded table"
        return Table(source, rows, range(1, len(rows) + 1), spec.columns)
    if spec.status != "ok":
        raise DatasetError(spec.message or f"{spec.path}: {spec.status}")
    path = csv_path(spec, project_dir)
    return read_csv_table(path, spec.delimiter, spec.header, spec.sha256)[0]


def _embedded_text(cell: object) -> str:
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return repr(cell) if isinstance(cell, float) else str(cell)


def _column_position(table: Table, column: int | str) -> int:
    if isinstance(column, int):
        return column
    names = [table.column_name(i) for i in range(table.n_columns)]
    return names.index(column.strip())


def _projection(dataset: Dataset, pre: Preprocessing,
                train: np.ndarray) -> tuple[np.ndarray, tuple[str, str], int]:
    """Plot coordinates, their names and the number of preprocessed features."""
    fitted = replace(pre, fitted=fit_preprocessing(pre, dataset.features[train]))
    Z = apply_preprocessing(fitted, dataset.features)
    n_inputs = Z.shape[1]
    prefix = "PC" if pre.n_components is not None else ""
    names = [f"{prefix}{j + 1}" if prefix else dataset.feature_names[j]
             for j in range(min(n_inputs, 2))]
    if n_inputs == 1:
        # One feature: plot it against the label (class index or target).
        y_name = "class" if dataset.task == "classification" else "target"
        return np.column_stack([Z[:, 0], dataset.labels.astype(np.float64)]), \
            (names[0], y_name), 1
    if n_inputs == 2:
        return Z, (names[0], names[1]), 2
    # More than two: the 2-D principal-component view of the preprocessed features.
    centred = Z - Z.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T, ("view PC1", "view PC2"), n_inputs


def build_data_view(spec: DatasetSpec, pre: Preprocessing, project_dir: str | None = None,
                    previous: DataView | None = None, *,
                    adjust: bool = False) -> DataView:
    """Load ``spec``, split and preprocess it as ``pre`` says, and project it to 2-D.

    ``previous`` lends its raw table when the file is the same (role changes do not read the
    file again). With ``adjust`` (a new data set is being chosen), a PCA size larger than the
    new data's number of features is switched off rather than refused. Raises
    :class:`~qmlstudio.core.QMLStudioError` naming the problem (file, row, column).
    """
    pre = unfitted(pre)
    table = _source_table(spec, project_dir, previous)
    if table is None:
        dataset = load_dataset(spec)
        label_index = dataset.n_features
        feature_indices = tuple(range(dataset.n_features))
    else:
        dataset = table_dataset(table, spec.label_column, spec.feature_columns,
                                name=spec.name)
        label_index = _column_position(table, spec.label_column)
        feature_indices = tuple(_column_position(table, c) for c in spec.feature_columns) \
            or tuple(i for i in range(table.n_columns) if i != label_index)
    if adjust and pre.n_components is not None and pre.n_components > dataset.n_features:
        pre = replace(pre, n_components=None)
    train, validation, test = split_rows(pre, dataset.labels)
    parts = np.zeros(dataset.n_samples, dtype=np.int8)
    parts[validation], parts[test] = 1, 2
    xy, axis_names, n_inputs = _projection(dataset, pre, train)
    return DataView(spec, pre, dataset, table, label_index, feature_indices, parts, xy,
                    axis_names, n_inputs)


MAX_NOTED_COLUMNS = 3
"""How many left-out columns :func:`open_csv_view` explains (the rest are counted)."""


def column_refs(table: Table, indices: Iterable[int]) -> tuple[int | str, ...]:
    """How a data set spec refers to the columns ``indices``: each by its header name when the
    header names it uniquely (readable in the project file), else by position."""
    if table.header is None:
        return tuple(indices)
    names = [name.strip() for name in table.header]
    counts = Counter(names)
    return tuple(names[i] if names[i] and counts[names[i]] == 1 else i for i in indices)


def _default_roles(table: Table) -> tuple[int | str, tuple[int | str, ...], tuple[str, ...]]:
    """The last column as label; as features, the other columns whose every cell is a number.
    Also what was left out and why (an ID or name column, a column with a missing value), so
    that a file with a few unusable columns still opens and the user can choose."""
    label = table.n_columns - 1
    features, problems = [], []
    for i in range(label):
        problem = column_problem(table, i)
        if problem is None:
            features.append(i)
        else:
            problems.append(problem)
    refs = column_refs(table, range(table.n_columns))
    if not features:  # nothing usable: list them all, so the message names a cell
        return refs[label], refs[:label], ()
    notes = tuple(f"left out of the features: {problem}"
                  for problem in problems[:MAX_NOTED_COLUMNS])
    if len(problems) > MAX_NOTED_COLUMNS:
        notes += (f"and {len(problems) - MAX_NOTED_COLUMNS} more columns that are not all "
                  f"numbers",)
    return refs[label], tuple(refs[i] for i in features), notes


def open_csv_view(path: str | os.PathLike, pre: Preprocessing, delimiter: str | None = None,
                  header: bool | None = None, sha256: str | None = None) -> DataView:
    """The view of a newly chosen CSV file with default roles, and the layout given or (where
    None) guessed. With ``sha256`` the file must still have that hash (it is read again).

    Raises :class:`~qmlstudio.core.QMLStudioError` if the file cannot be used as it is.
    """
    path = os.path.abspath(os.fspath(path))
    table, layout, digest = read_csv_table(path, delimiter, header, sha256)
    label, features, notes = _default_roles(table)
    spec = csv_dataset(path, label, feature_columns=features, delimiter=layout.delimiter,
                       header=layout.header)
    if spec.sha256 != digest:
        raise DatasetError(f"{path}: the file changed while it was being read; try again")
    seed = DataView(spec, pre, _PLACEHOLDER, table, 0, (), np.zeros(0, np.int8),
                    np.zeros((0, 2)), ("", ""), 0)
    return replace(build_data_view(spec, pre, None, seed, adjust=True), notes=notes)


_PLACEHOLDER = Dataset(np.zeros((1, 1)), np.zeros(1), "regression", name="placeholder")
"""Stands in for the data set of a view that only lends its table to the next one."""
