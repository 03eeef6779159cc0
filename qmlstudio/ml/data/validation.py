"""Input checks for feature and target arrays, one home for the whole ML API.

Estimators, trained models, preprocessing, the quantum model and the baselines all take their
``X`` (and ``y``) through here. The checks are scikit-learn's
(:func:`sklearn.utils.check_array`, :func:`sklearn.utils.validation.validate_data`), so the
messages are the ones scikit-learn users know ("Input X contains NaN.", "Expected 2D array,
got 1D array instead", "X has 3 features, but QNNClassifier is expecting 2 features as
input."); a :class:`ValueError` from them is raised again as
:class:`~qmlstudio.core.errors.DatasetError` (itself a ``ValueError``) starting with where the
data went in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from qmlstudio.core.errors import DatasetError

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

__all__ = ["check_features", "estimator_data"]


def check_features(X: object, what: str = "X", n_features: int | None = None,
                   feature_names: Sequence[str] = ()) -> np.ndarray:
    """``X`` as a new float64 ``(samples, features)`` array of finite numbers, at least one
    row and one column.

    ``what`` starts the message of a :class:`DatasetError`; ``n_features`` (optional) is the
    number of columns required, and ``feature_names`` are named when it is wrong.
    """
    if (type(X) is np.ndarray and X.dtype == np.float64 and X.ndim == 2 and X.size
            and np.isfinite(X).all()):
        # What check_array would return, without its ~0.3 ms of checks: a trainer hands
        # every batch through here.
        array = X.copy()
    else:
        # scikit-learn on first need: a model's predictions on clean data do without it
        from sklearn.utils import check_array

        try:
            array = check_array(X, dtype=np.float64, copy=True, input_name=what)
        except ValueError as error:
            raise DatasetError(f"{what}: {error}") from None
    if n_features is not None and array.shape[1] != n_features:
        named = f" ({', '.join(feature_names)})" if feature_names else ""
        raise DatasetError(f"{what}: expected shape (samples, {n_features}), one column per "
                           f"feature{named}; got shape {array.shape}")
    return array


def estimator_data(estimator: BaseEstimator, X: object, y: object = "no_validation",
                   reset: bool = True) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """scikit-learn's :func:`~sklearn.utils.validation.validate_data` for our estimators:
    float64 features, and ``(X, y)`` with ``y`` a 1-D array of any type when ``y`` is passed
    (``fit``; ``None`` is refused with scikit-learn's message); ``reset=True`` (fit) records
    ``n_features_in_`` (and ``feature_names_in_`` for a DataFrame), ``reset=False`` (predict)
    checks ``X`` against them."""
    from sklearn.utils.validation import validate_data

    try:
        return validate_data(estimator, X, y, reset=reset, dtype=np.float64)
    except ValueError as error:
        raise DatasetError(f"{type(estimator).__name__}: {error}") from None
