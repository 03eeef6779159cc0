"""Reading the raw feature columns a trained model predicts on from a CSV file:
:func:`read_feature_csv`.

The layout is guessed as for training data (:func:`~qmlstudio.ml.csv_loader.sniff_csv`). A file
with a header row must name every feature column of the model (other columns, such as the
label, are ignored, so the training file itself can be passed); a file without one must have
exactly one column per feature, in the model's order. Every problem raises
:class:`~qmlstudio.core.DatasetError` naming the file and, where it applies, the row and column.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence

import numpy as np

from ..core.errors import DatasetError
from .csv_loader import MAX_CSV_BYTES, sniff_csv
from .table import MISSING_VALUES, Table

__all__ = ["read_feature_csv"]


def _text(path: str) -> str:
    try:
        if os.path.getsize(path) > MAX_CSV_BYTES:
            raise DatasetError(f"{path}: the file is larger than {MAX_CSV_BYTES >> 20} MiB")
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise DatasetError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _table(path: str) -> Table:
    layout = sniff_csv(path)  # names a missing, empty or binary file
    reader = csv.reader(io.StringIO(_text(path), newline=""), delimiter=layout.delimiter,
                        skipinitialspace=True)
    rows, numbers = [], []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                numbers.append(reader.line_num)
    except csv.Error as error:
        raise DatasetError(f"{path}, row {reader.line_num}: {error}") from None
    header = None
    if layout.header:
        header = tuple(cell.strip() for cell in rows[0])
        rows, numbers = rows[1:], numbers[1:]
    if not rows:
        raise DatasetError(f"{path}: no data rows")
    return Table(os.path.basename(path), rows, numbers, header)


def _columns(table: Table, names: Sequence[str]) -> list[int]:
    wanted = ", ".join(names)
    if table.header is None:
        if table.n_columns != len(names):
            raise DatasetError(f"{table.source}: {table.n_columns} columns, but the model "
                               f"takes {len(names)} features ({wanted}); give exactly those "
                               f"columns, or a header row naming them")
        return list(range(len(names)))
    missing = [name for name in names if name not in table.header]
    if missing:
        raise DatasetError(f"{table.source}: no column named {missing[0]!r}; the model takes "
                           f"the features {wanted}, the header has "
                           f"{', '.join(table.header)}")
    return [table.header.index(name) for name in names]


def read_feature_csv(path: str | os.PathLike, feature_names: Sequence[str]) -> np.ndarray:
    """The columns ``feature_names`` of the CSV file at ``path`` as a float array
    ``(rows, features)`` (see the module docstring)."""
    table = _table(os.fspath(path))
    columns = _columns(table, feature_names)
    features = np.empty((len(table.rows), len(columns)))
    for r, row in enumerate(table.rows):
        if len(row) != table.n_columns:
            raise DatasetError(f"{table.source}, row {table.row_numbers[r]}: {len(row)} "
                               f"values, but there are {table.n_columns} columns")
        for j, c in enumerate(columns):
            cell = row[c].strip()
            try:
                features[r, j] = float(cell)
            except ValueError:
                problem = "missing value" if cell.lower() in MISSING_VALUES else \
                    f"{cell!r} is not a number"
                raise DatasetError(f"{table.where(c, r)}: {problem}") from None
            if not np.isfinite(features[r, j]):
                raise DatasetError(f"{table.where(c, r)}: {cell!r} is not a finite number")
    return features
