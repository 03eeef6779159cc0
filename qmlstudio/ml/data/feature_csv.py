"""Reading the raw feature columns a trained model predicts on from a CSV file:
:func:`read_feature_csv`.

The file is read, decoded and split exactly as training data is (the helpers of
:mod:`~qmlstudio.ml.data.csv_files`: layout guessing, blank lines skipped, row numbers as an
editor shows them). A file with a header row must name every feature column of the model
(other columns, such as the label, are ignored, so the training file itself can be passed); a
file without one must have exactly one column per feature, in the model's order. Every problem
raises :class:`~qmlstudio.core.DatasetError` naming the file and, where it applies, the row and
column.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from qmlstudio.core.errors import DatasetError
from qmlstudio.ml.data.csv_files import read_csv_table
from qmlstudio.ml.data.table import MISSING_VALUES, Table

__all__ = ["read_feature_csv"]


def _columns(table: Table, names: Sequence[str]) -> list[int]:
    wanted = ", ".join(names)
    if table.header is None:
        if table.n_columns != len(names):
            raise DatasetError(f"{table.source}: {table.n_columns} columns, but the model "
                               f"takes {len(names)} features ({wanted}); give exactly those "
                               f"columns, or a header row naming them")
        return list(range(len(names)))
    header = [cell.strip() for cell in table.header]
    missing = [name for name in names if name not in header]
    if missing:
        raise DatasetError(f"{table.source}: no column named {missing[0]!r}; the model takes "
                           f"the features {wanted}, the header has {', '.join(header)}")
    return [header.index(name) for name in names]


def _number(table: Table, column: int, row: int) -> float:
    cell = table.rows[row][column].strip()
    try:
        value = float(cell)
    except ValueError:
        problem = "missing value" if cell.lower() in MISSING_VALUES else \
            f"{cell!r} is not a number"
        raise DatasetError(f"{table.where(column, row)}: {problem}") from None
    if not np.isfinite(value):
        raise DatasetError(f"{table.where(column, row)}: {cell!r} is not a finite number")
    return value


def read_feature_csv(path: str | os.PathLike, feature_names: Sequence[str]) -> np.ndarray:
    """The columns ``feature_names`` of the CSV file at ``path`` as a float array
    ``(rows, features)`` (see the module docstring)."""
    table = read_csv_table(path)[0]
    columns = _columns(table, feature_names)
    return np.array([[_number(table, c, r) for c in columns] for r in range(len(table.rows))],
                    dtype=float).reshape(len(table.rows), len(columns))
