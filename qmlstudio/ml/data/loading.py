"""Loading the data set a project names: :func:`load_dataset`.

A :class:`~qmlstudio.core.dataset_spec.DatasetSpec` is only a reference; this turns it into a
:class:`~qmlstudio.ml.data.dataset.Dataset`:

* ``"builtin"``: a seeded generator (:mod:`qmlstudio.ml.data.generators`) with the spec's
  parameters, or a bundled real data set (:mod:`qmlstudio.ml.data.bundled`, no parameters);
* ``"csv"``: the file, read by :func:`~qmlstudio.ml.data.csv_files.load_csv` with the spec's
  delimiter, header and column roles, after checking its bytes still have the recorded SHA-256;
* ``"embedded"``: the table stored in the project, with the same column roles and messages
  (rows numbered from 1 in the order stored).
"""

from __future__ import annotations

import os

from qmlstudio.core.dataset_spec import DatasetSpec
from qmlstudio.core.errors import DatasetError
from qmlstudio.core.project_fields import Scalar
from qmlstudio.io.dataset_link import resolved_path
from qmlstudio.ml.data.bundled import BUNDLED_DATASETS, load_bundled
from qmlstudio.ml.data.csv_files import load_csv
from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.data.generators import generate
from qmlstudio.ml.data.table import Table, table_dataset

__all__ = ["load_dataset"]


def _cell_text(cell: Scalar) -> str:
    if isinstance(cell, bool):
        return "true" if cell else "false"  # never a number, as in the file
    if isinstance(cell, float):
        return repr(cell)  # reads back to the same float
    return str(cell)


def _builtin(spec: DatasetSpec, task: str | None, max_features: int | None) -> Dataset:
    if spec.name in BUNDLED_DATASETS:
        if spec.params:
            raise DatasetError(f"{spec.name}: a bundled data set takes no parameters, got "
                               f"{', '.join(key for key, _ in spec.params)}")
        dataset = load_bundled(spec.name)
    else:
        dataset = generate(spec.name, spec.params_dict)
    if task is not None and task != dataset.task:
        raise DatasetError(f"{spec.name}: a {dataset.task} data set cannot train a "
                           f"{task} model")
    if max_features is not None and dataset.n_features > max_features:
        raise DatasetError(f"{spec.name}: {dataset.n_features} features, but the circuit can "
                           f"encode at most {max_features}; reduce them with PCA")
    return dataset


def load_dataset(spec: DatasetSpec, project_dir: str | os.PathLike | None = None, *,
                 task: str | None = None, max_features: int | None = None) -> Dataset:
    """The data set ``spec`` refers to.

    A relative CSV path is taken relative to ``project_dir`` (the current directory if None).
    ``task`` (``"classification"`` or ``"regression"``, usually the model's) decides how a
    CSV's numeric labels are read and is checked against a built-in set's; None infers it.
    ``max_features`` is the number of features the circuit can encode: more raise a
    :class:`DatasetError` (pass None when PCA reduces them). Every problem raises a
    :class:`DatasetError` naming the file, row and column where it applies.
    """
    if spec.kind == "builtin":
        return _builtin(spec, task, max_features)
    if spec.kind == "csv":
        path = spec.path
        if project_dir is not None:
            path = resolved_path(path, os.fspath(project_dir))
        return load_csv(path, spec.label_column, spec.feature_columns,
                        delimiter=spec.delimiter, header=spec.header, task=task,
                        max_features=max_features, sha256=spec.sha256, name=spec.name)
    source = f"embedded table {spec.name!r}" if spec.name else "embedded table"
    rows = [[_cell_text(cell) for cell in row] for row in spec.rows]
    table = Table(source, rows, range(1, len(rows) + 1), spec.columns)
    return table_dataset(table, spec.label_column, spec.feature_columns, task=task,
                         max_features=max_features, name=spec.name)
