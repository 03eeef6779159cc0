"""From a table of text cells to a :class:`~qmlstudio.ml.data.dataset.Dataset`.

CSV files and the tables embedded in a project both arrive here as a :class:`Table`: rows of
text cells with the row numbers to report and, optionally, a header. :func:`table_dataset`
picks the label and feature columns, converts all feature cells to numbers in one pass (after a
failure the columns are walked one by one, to name the first bad cell), and encodes the
labels. Every problem raises :class:`DatasetError` naming the source, the row and the column:
``data.csv, row 17, column "petal_width": "abc" is not a number``.

Labels: text labels make a classification task whose classes are the distinct texts, sorted;
numeric labels are classes (sorted numerically) for a classification task and targets for a
regression. With ``task=None`` the task is inferred: text labels, or integer labels with at
most :data:`MAX_INFERRED_CLASSES` distinct values, mean classification; anything else
regression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

import numpy as np

from qmlstudio.core.dataset_spec import Column
from qmlstudio.core.errors import DatasetError
from qmlstudio.core.model_spec import TASKS, Label
from qmlstudio.ml.data.dataset import Dataset

__all__ = ["MAX_INFERRED_CLASSES", "MISSING_VALUES", "Table", "column_problem", "table_dataset"]

MISSING_VALUES = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
"""Cell texts (after stripping, ignoring case) that mean "no value"."""
MAX_INFERRED_CLASSES = 20
"""With ``task=None``, integer labels with at most this many values are taken as classes."""


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of text cells (all of the same length) from ``source`` (a file name or a
    description used in messages), with ``row_numbers[i]`` the number reported for
    ``rows[i]`` and the column names of the header row, if any."""

    source: str
    rows: list[list[str]]
    row_numbers: Sequence[int]
    header: tuple[str, ...] | None = None

    @property
    def n_columns(self) -> int:
        """Number of columns."""
        return len(self.header) if self.header is not None else len(self.rows[0])

    def cells(self, index: int) -> list[str]:
        """The cells of column ``index``, top to bottom."""
        return list(map(itemgetter(index), self.rows))

    def column_name(self, index: int) -> str:
        """The header name of column ``index``, or ``"column <index>"`` without a header."""
        if self.header is not None and self.header[index].strip():
            return self.header[index].strip()
        return f"column {index}"

    def where(self, index: int, row: int | None = None) -> str:
        """``source, row N, column "name"`` for messages (row omitted if None)."""
        name = self.column_name(index)
        column = f'column "{name}"' if self.header is not None and self.header[index].strip() \
            else name
        at = f", row {self.row_numbers[row]}" if row is not None else ""
        return f"{self.source}{at}, {column}"


def _describe_columns(table: Table) -> str:
    names = [table.column_name(i) for i in range(table.n_columns)]
    text = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f"the columns are {text}"


def _column_index(table: Table, column: Column, role: str) -> int:
    if isinstance(column, str):
        if table.header is None:
            raise DatasetError(f"{table.source}: the {role} {column!r} is a name, but the data "
                               f"has no header row; choose columns by number (from 0)")
        matches = [i for i, name in enumerate(table.header) if name.strip() == column.strip()]
        if not matches:
            raise DatasetError(f"{table.source}: no column named {column!r} for the {role} "
                               f"({_describe_columns(table)})")
        if len(matches) > 1:
            raise DatasetError(f"{table.source}: the header names {len(matches)} columns "
                               f"{column!r}; choose the {role} by number instead")
        return matches[0]
    if isinstance(column, bool) or not isinstance(column, int):
        raise DatasetError(f"{table.source}: the {role} must be a column name or number, "
                           f"got {column!r}")
    if not 0 <= column < table.n_columns:
        raise DatasetError(f"{table.source}: the {role} {column} does not exist (the data has "
                           f"{table.n_columns} columns, numbered from 0)")
    return column


def _roles(table: Table, label_column: Column | None,
           feature_columns: Sequence[Column]) -> tuple[int, list[int]]:
    label = (table.n_columns - 1 if label_column is None
             else _column_index(table, label_column, "label column"))
    if feature_columns:
        features = [_column_index(table, c, "feature column") for c in feature_columns]
    else:
        features = [i for i in range(table.n_columns) if i != label]
    if label in features:
        raise DatasetError(f"{table.where(label)} is the label column and cannot also be a "
                           f"feature column")
    if len(set(features)) != len(features):
        raise DatasetError(f"{table.source}: a feature column is chosen twice")
    if not features:
        raise DatasetError(f"{table.source}: no feature columns: the data needs at least one "
                           f"column besides the label {table.column_name(label)!r}")
    return label, features


def _first_bad_cell(cells: Sequence[str]) -> int:
    """Index of the first cell ``float`` cannot read (the slow path, only after a failure)."""
    for i, cell in enumerate(cells):
        try:
            float(cell)
        except ValueError:
            return i
    raise AssertionError("float() failed on the column but on none of its cells")


def _shown(cell: str) -> str:
    text = cell.strip()
    return f'"{text if len(text) <= 40 else text[:37] + "..."}"'


def _cell_problem(cell: str) -> str:
    if cell.strip().lower() in MISSING_VALUES:
        return "missing value" + (f" ({cell.strip()!r})" if cell.strip() else "")
    return f"{_shown(cell)} is not a number"


def _numbers(table: Table, index: int, what: str = "") -> np.ndarray:
    """Column ``index`` as float64, or a :class:`DatasetError` naming its first unusable cell."""
    try:
        # float() on each cell through map is C-level and twice as fast as numpy's parser.
        numbers = np.fromiter(map(float, map(itemgetter(index), table.rows)), np.float64,
                              count=len(table.rows))
    except ValueError:
        cells = table.cells(index)
        row = _first_bad_cell(cells)
        raise DatasetError(f"{table.where(index, row)}: {_cell_problem(cells[row])}"
                           f"{what}") from None
    bad = np.flatnonzero(~np.isfinite(numbers))
    if bad.size:
        row = int(bad[0])
        problem = ("missing value" if np.isnan(numbers[row])
                   else f"{_shown(table.rows[row][index])} is not a finite number")
        raise DatasetError(f"{table.where(index, row)}: {problem}{what}")
    return numbers


def _feature_matrix(table: Table, features: list[int]) -> np.ndarray:
    """The feature columns as a float64 matrix, or the error of the first column with a bad cell.

    All cells convert in one pass (a column at a time would cost microseconds per column, and
    seconds for a million columns); only a failure walks the columns one by one to name it."""
    pick = itemgetter(*features) if len(features) > 1 else lambda row: (row[features[0]],)
    cells = chain.from_iterable(map(pick, table.rows))
    try:
        matrix = np.fromiter(map(float, cells), np.float64,
                             count=len(table.rows) * len(features))
        usable = bool(np.isfinite(matrix).all())
    except ValueError:
        usable = False
    if not usable:
        for index in features:
            _numbers(table, index)  # raises, naming the first bad cell of the first bad column
    return matrix.reshape(len(table.rows), len(features))


def column_problem(table: Table, index: int) -> str | None:
    """Why column ``index`` cannot be a feature column (its first cell that is not a finite
    number, named as :func:`table_dataset` would name it), or None if it can."""
    try:
        _numbers(table, index)
    except DatasetError as error:
        return str(error)
    return None


def _encode_labels(table: Table, index: int,
                   task: str | None) -> tuple[np.ndarray, tuple[Label, ...], str]:
    """Labels, class labels and task from the label column."""
    if task == "regression":
        targets = _numbers(table, index, " (a regression target must be a number)")
        return targets, (), task
    texts = np.char.strip(np.array(table.cells(index)))
    missing = np.flatnonzero(np.isin(np.char.lower(texts), list(MISSING_VALUES)))
    if missing.size:
        row = int(missing[0])
        raise DatasetError(f"{table.where(index, row)}: {_cell_problem(table.rows[row][index])}"
                           f" (every row needs a label)")
    try:
        numbers = texts.astype(np.float64)
    except ValueError:  # text labels
        values, labels = np.unique(texts, return_inverse=True)
        classes: tuple[Label, ...] = tuple(str(v) for v in values)
    else:
        if not np.isfinite(numbers).all():
            _numbers(table, index)  # names the infinite cell
        integral = bool(np.all(numbers == np.round(numbers)) and np.all(np.abs(numbers) < 2**53))
        values, labels = np.unique(numbers, return_inverse=True)
        if task is None and not (integral and len(values) <= MAX_INFERRED_CLASSES):
            return numbers, (), "regression"
        classes = tuple(int(v) if integral else repr(float(v)) for v in values)
    if len(classes) < 2:
        raise DatasetError(f"{table.where(index)}: every row has the label {classes[0]!r}; "
                           f"a classifier needs at least two classes")
    return labels.astype(np.int64), classes, "classification"


def table_dataset(table: Table, label_column: Column | None = None,
                  feature_columns: Sequence[Column] = (), *, task: str | None = None,
                  max_features: int | None = None, name: str = "") -> Dataset:
    """The data set in ``table``.

    ``label_column`` defaults to the last column; ``feature_columns`` (names or 0-based
    numbers) to every other column, in order. ``task`` is ``"classification"``,
    ``"regression"`` or None (inferred, see the module docstring). ``max_features`` limits the
    number of feature columns (the number the circuit can encode).
    """
    if task is not None and task not in TASKS:
        raise DatasetError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
    if not table.rows:
        raise DatasetError(f"{table.source}: no data rows")
    label, features = _roles(table, label_column, feature_columns)
    if max_features is not None and len(features) > max_features:
        raise DatasetError(f"{table.source}: {len(features)} feature columns, but the circuit "
                           f"can encode at most {max_features}; choose fewer feature columns "
                           f"or reduce them with PCA")
    matrix = _feature_matrix(table, features)
    labels, classes, task = _encode_labels(table, label, task)
    return Dataset(matrix, labels, task, classes,
                   tuple(table.column_name(i) for i in features), name or table.source)
