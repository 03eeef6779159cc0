"""The real data sets shipped with QML Studio: Iris, Wine and Breast Cancer Wisconsin.

They are CSV files in the repository's ``resources/datasets/`` folder (installed as package
data, found by :func:`qmlstudio._resources.resource_path`), taken from the UCI Machine
Learning Repository under CC BY 4.0; ``resources/datasets/LICENSE.md`` gives their sources and
citations. Each is a classification set whose classes are the label column's values, sorted.
"""

from __future__ import annotations

from pathlib import Path

from qmlstudio._resources import resource_path
from qmlstudio.core.errors import DatasetError
from qmlstudio.ml.data.csv_files import load_csv
from qmlstudio.ml.data.dataset import Dataset

__all__ = ["BUNDLED_DATASETS", "bundled_path", "load_bundled"]

BUNDLED_DATASETS = {
    "iris": ("iris.csv", "species"),
    "wine": ("wine.csv", "cultivar"),
    "breast_cancer": ("breast_cancer.csv", "diagnosis"),
}
"""Bundled data set name → (file in ``resources/datasets/``, label column)."""


def bundled_path(name: str) -> Path:
    """The CSV file of the bundled data set ``name``."""
    if name not in BUNDLED_DATASETS:
        raise DatasetError(f"no bundled data set named {name!r}; choose one of "
                           f"{', '.join(BUNDLED_DATASETS)}")
    try:
        return resource_path("datasets", BUNDLED_DATASETS[name][0])
    except FileNotFoundError as error:
        raise DatasetError(f"{name}: {error}") from None


def load_bundled(name: str) -> Dataset:
    """The bundled data set ``name`` (``"iris"``, ``"wine"`` or ``"breast_cancer"``)."""
    path = bundled_path(name)
    return load_csv(path, BUNDLED_DATASETS[name][1], delimiter=",", header=True,
                    task="classification", name=name)
