"""The data sets of the quality benchmark (``bench_quality.py``), each with a fixed split.

Every set is split once, stratified and seeded, by the project's own
:func:`~qmlstudio.ml.data.preprocessing.train_test_split` (30 % test rows, split seed 0); the
training seeds of the benchmark vary the initial weights and the batch order, never the split.
Features are returned raw (after PCA for digits): the quantum models scale them themselves.

* ``iris``, ``wine``, ``breast_cancer``: the bundled real sets (``qmlstudio.ml.data.bundled``);
* ``digits_pca``: scikit-learn's handwritten digits, the classes 3 and 5 (a binary task that is
  not trivially separable), reduced to :data:`DIGITS_COMPONENTS` principal components fitted on
  the training rows only;
* ``synthetic_q4``, ``synthetic_q10``: one ``make_classification`` set with 10 features (5
  informative, 2 redundant), run on 4 qubits (more features than qubits) and on 10.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.decomposition import PCA

from qmlstudio.ml.data.bundled import load_bundled
from qmlstudio.ml.data.preprocessing import train_test_split

__all__ = ["DATASETS", "DIGITS_COMPONENTS", "SPLIT_SEED", "TEST_FRACTION", "Split",
           "load_split"]

SPLIT_SEED = 0
"""The one seed of every train/test split."""
TEST_FRACTION = 0.3
"""Share of each class held out as test rows."""
DIGITS_COMPONENTS = 8
"""Principal components the digits keep (of 64 pixels)."""
DIGITS_CLASSES = (3, 5)


@dataclass(frozen=True)
class Split:
    """A data set split into training and test rows; ``n_qubits`` is what the benchmark asks
    every preset for (None: the preset's default for the number of features)."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_qubits: int | None = None

    @property
    def n_features(self) -> int:
        """Features per row."""
        return self.X_train.shape[1]

    @property
    def n_classes(self) -> int:
        """Classes in the training rows."""
        return len(np.unique(self.y_train))

    def describe(self) -> str:
        """One line: rows, features, classes and the qubits asked for."""
        qubits = "preset default" if self.n_qubits is None else str(self.n_qubits)
        return (f"{self.name}: {len(self.y_train)} train / {len(self.y_test)} test rows, "
                f"{self.n_features} features, {self.n_classes} classes, qubits {qubits}")


def _split(name: str, X: np.ndarray, y: np.ndarray, n_qubits: int | None = None) -> Split:
    X_train, X_test, y_train, y_test = train_test_split(X, y, TEST_FRACTION, SPLIT_SEED)
    return Split(name, X_train, y_train, X_test, y_test, n_qubits)


def _bundled(name: str) -> Split:
    dataset = load_bundled(name)
    return _split(name, dataset.features, dataset.labels)


def _digits() -> Split:
    X, y = load_digits(return_X_y=True)
    keep = np.isin(y, DIGITS_CLASSES)
    split = _split("digits_pca", X[keep], (y[keep] == DIGITS_CLASSES[1]).astype(np.int64))
    pca = PCA(DIGITS_COMPONENTS, random_state=SPLIT_SEED).fit(split.X_train)
    return Split(split.name, pca.transform(split.X_train), split.y_train,
                 pca.transform(split.X_test), split.y_test)


def _synthetic(n_qubits: int) -> Split:
    X, y = make_classification(n_samples=300, n_features=10, n_informative=5, n_redundant=2,
                               random_state=SPLIT_SEED)
    return _split(f"synthetic_q{n_qubits}", X, y, n_qubits)


DATASETS: dict[str, Callable[[], Split]] = {
    "iris": lambda: _bundled("iris"),
    "wine": lambda: _bundled("wine"),
    "breast_cancer": lambda: _bundled("breast_cancer"),
    "digits_pca": _digits,
    "synthetic_q4": lambda: _synthetic(4),
    "synthetic_q10": lambda: _synthetic(10),
}
"""Benchmark data set name → its split (see the module docstring)."""


def load_split(name: str) -> Split:
    """The split data set ``name`` (one of :data:`DATASETS`)."""
    if name not in DATASETS:
        raise SystemExit(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}")
    return DATASETS[name]()
