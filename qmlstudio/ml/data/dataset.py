"""A loaded data set as one value: :class:`Dataset`.

Whatever its source (a generator, a bundled CSV, the user's CSV, a table embedded in the
project), data reaches training as a ``Dataset``: a float feature matrix, one label per row and
the names that make it readable. For classification the labels are class *indices*
``0..n_classes-1`` and ``class_labels[k]`` is the original label of class ``k`` (``"setosa"``
or ``3``), sorted; for regression they are the float targets. The arrays are read-only, so a
``Dataset`` can be shared without copying.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qmlstudio.core.errors import DatasetError
from qmlstudio.core.model_spec import TASKS, Label
from qmlstudio.core.wording import counted
from qmlstudio.ml.data.validation import check_features

__all__ = ["Dataset"]


@dataclass(frozen=True, slots=True, eq=False)
class Dataset:
    """Features ``(N, F)`` float64, labels ``(N,)`` (int64 class indices or float64 targets).

    ``feature_names`` defaults to ``x0, x1, ...`` (the circuit's ``x(j)``). Validation raises
    :class:`DatasetError` starting with ``name``. Equality is identity (compare the arrays
    with numpy when needed).
    """

    features: np.ndarray
    labels: np.ndarray
    task: str = "classification"
    class_labels: tuple[Label, ...] = ()
    feature_names: tuple[str, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        where = self.name or "data set"
        if self.task not in TASKS:
            raise DatasetError(f"{where}: task must be one of {', '.join(TASKS)}, "
                               f"got {self.task!r}")
        features = check_features(self.features, f"{where} features")
        n, n_features = features.shape
        labels = self._checked_labels(where, n)
        names = tuple(self.feature_names) or tuple(f"x{j}" for j in range(n_features))
        if len(names) != n_features:
            raise DatasetError(f"{where}: {counted(len(names), 'feature name')} for "
                               f"{counted(n_features, 'feature')}")
        features.setflags(write=False)
        labels.setflags(write=False)
        set_ = object.__setattr__
        set_(self, "features", features)
        set_(self, "labels", labels)
        set_(self, "class_labels", tuple(self.class_labels))
        set_(self, "feature_names", names)

    def _checked_labels(self, where: str, n: int) -> np.ndarray:
        raw = np.asarray(self.labels)
        if raw.shape != (n,):
            raise DatasetError(f"{where}: {raw.shape} labels for {counted(n, 'sample')}; "
                               f"expected one label per sample")
        if self.task == "regression":
            if self.class_labels:
                raise DatasetError(f"{where}: a regression data set has no class labels")
            labels = raw.astype(np.float64)
            if not np.isfinite(labels).all():
                raise DatasetError(f"{where}: targets contain NaN or infinite values")
            return labels
        n_classes = len(self.class_labels)
        if n_classes < 2:
            found = f"only {self.class_labels[0]!r}" if n_classes else "none given"
            raise DatasetError(f"{where}: a classification data set needs at least two "
                               f"classes ({found})")
        if len(set(self.class_labels)) != n_classes:
            raise DatasetError(f"{where}: class labels repeat: {list(self.class_labels)}")
        if raw.dtype.kind not in "iu":
            raise DatasetError(f"{where}: class labels must be integer class indices, "
                               f"got {raw.dtype}")
        labels = raw.astype(np.int64)
        if labels.min() < 0 or labels.max() >= n_classes:
            raise DatasetError(f"{where}: class indices must lie in 0..{n_classes - 1}")
        return labels

    @property
    def n_samples(self) -> int:
        """Number of rows."""
        return self.features.shape[0]

    @property
    def n_features(self) -> int:
        """Number of feature columns."""
        return self.features.shape[1]

    @property
    def n_classes(self) -> int:
        """Number of classes (0 for regression)."""
        return len(self.class_labels)
