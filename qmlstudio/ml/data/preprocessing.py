"""Fitting and applying the preprocessing a project describes, and the train/test split.

:func:`fit_preprocessing` computes the constants of a
:class:`~qmlstudio.core.preprocessing.Preprocessing` from training features and returns them
as a :class:`~qmlstudio.core.preprocessing.FittedPreprocessing` (a value saved with the
project and the model); :func:`apply_preprocessing` applies a fitted preprocessing to any
features, so training, testing and prediction all use exactly the same transform:

1. PCA: ``z = (x - mean) @ components.T``. ``mean`` and ``components`` are those of
   scikit-learn's ``PCA`` fitted on the training data (full SVD; each component's
   largest-magnitude entry positive, so the same data always gives the same components),
   saved as plain numbers; applying them needs numpy only.
2. Scaling each column of ``z`` with ``u = (z - center) / width``: ``"minmax"`` (center the
   training minimum, width the range) maps to ``scale_range`` as ``lo·(1 - u) + hi·u``, which
   sends the training minimum and maximum to ``lo`` and ``hi`` exactly (data outside the
   training range lands outside ``scale_range``; it is not clipped); ``"standard"`` (center the
   mean, width the standard deviation) gives mean 0 and standard deviation 1.

A constant training column (no spread beyond rounding) gets width 1, so it maps to ``lo``
(min–max) or 0 (standardisation) instead of dividing by zero.

:func:`split_indices` and :func:`train_test_split` split seeded and, for class labels,
stratified; :func:`split_rows` makes the train/validation/test split a project describes.
"""

from __future__ import annotations

import numpy as np

from qmlstudio.core.errors import DatasetError
from qmlstudio.core.preprocessing import FittedPreprocessing, Preprocessing
from qmlstudio.ml.data.validation import check_features

__all__ = ["apply_preprocessing", "fit_preprocessing", "split_indices", "split_rows",
           "train_test_split"]


def _fit_pca(X: np.ndarray, n_components: int) -> tuple[np.ndarray, np.ndarray]:
    n_samples, n_features = X.shape
    if n_components > n_features:
        raise DatasetError(f"PCA to {n_components} components needs at least that many "
                           f"features; the data has {n_features}")
    if n_components > n_samples:
        raise DatasetError(f"PCA to {n_components} components needs at least that many "
                           f"training samples; there are {n_samples}")
    from sklearn.decomposition import PCA  # for fitting only: applying it is numpy

    pca = PCA(n_components, svd_solver="full").fit(X)
    return pca.mean_, pca.components_


def _spread_floor(Z: np.ndarray) -> np.ndarray:
    """Below this, a column's spread is rounding noise: the column counts as constant."""
    return 10.0 * np.finfo(np.float64).eps * np.abs(Z).max(axis=0)


def fit_preprocessing(pre: Preprocessing, X: object) -> FittedPreprocessing:
    """The constants of ``pre`` fitted on the training features ``X`` ``(N, F)``.

    Store them with ``dataclasses.replace(pre, fitted=...)``. Fit on the training part only,
    so the test part measures what prediction will see.
    """
    Z = check_features(X, "training features")  # a copy: results never alias the input
    mean = components = np.empty((0,))
    if pre.n_components is not None:
        mean, components = _fit_pca(Z, pre.n_components)
        Z = (Z - mean) @ components.T
    center = width = np.empty((0,))
    if pre.scaling == "minmax":
        center, width = Z.min(axis=0), Z.max(axis=0) - Z.min(axis=0)
    elif pre.scaling == "standard":
        center, width = Z.mean(axis=0), Z.std(axis=0)
    if width.size:
        width = np.where(width > _spread_floor(Z), width, 1.0)
    return FittedPreprocessing(tuple(center.tolist()), tuple(width.tolist()),
                               tuple(mean.tolist()), tuple(map(tuple, components.tolist())))


def apply_preprocessing(pre: Preprocessing, X: object) -> np.ndarray:
    """``X`` transformed by the fitted preprocessing ``pre`` (``pre.fitted`` must be set).

    The result has one column per PCA component (or per input column without PCA).
    """
    fitted = pre.fitted
    if fitted is None:
        raise DatasetError("the preprocessing has not been fitted yet (fit it on the "
                           "training data first)")
    Z = check_features(X, "features")
    if fitted.n_inputs and Z.shape[1] != fitted.n_inputs:
        raise DatasetError(f"features: {Z.shape[1]} columns, but the preprocessing was "
                           f"fitted on {fitted.n_inputs}")
    if fitted.pca_components:
        Z = (Z - np.array(fitted.pca_mean)) @ np.array(fitted.pca_components).T
    if not fitted.center:
        return Z
    u = (Z - np.array(fitted.center)) / np.array(fitted.width)
    if pre.scaling == "standard":
        return u
    low, high = pre.scale_range
    return low * (1.0 - u) + high * u


def _labels(y: object) -> np.ndarray:
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise DatasetError(f"labels: expected one label per row, got shape {labels.shape}")
    if len(labels) == 0:
        raise DatasetError("labels: there are no rows to split")
    return labels


def _hold_out(labels: np.ndarray, fraction: float, rng: np.random.Generator, stratify: bool,
              part: str) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(kept, held_out)`` into ``labels``, the held-out part about ``fraction`` of
    them (see :func:`split_indices`); ``part`` names the held-out part in messages."""
    if not 0.0 <= fraction < 1.0:
        raise DatasetError(f"{part}_fraction: must be at least 0 and less than 1, "
                           f"got {fraction}")
    n = len(labels)
    if fraction > 0 and n < 2:
        raise DatasetError(f"cannot split {n} row(s) into a training and a {part} part")
    if stratify and labels.dtype.kind in "iub":
        groups = [np.flatnonzero(labels == value) for value in np.unique(labels)]
    else:
        groups = [np.arange(n)]
    held = []
    for group in groups:
        k = int(np.floor(len(group) * fraction + 0.5))  # half up, not numpy's half to even
        if fraction > 0 and len(group) >= 2:
            k = min(max(k, 1), len(group) - 1)
        held.append(rng.permutation(group)[:k])
    held_out = np.sort(np.concatenate(held))
    kept = np.ones(n, dtype=bool)
    kept[held_out] = False
    return np.flatnonzero(kept), held_out


def split_indices(y: object, test_fraction: float, seed: int,
                  stratify: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Row indices ``(train, test)`` of a seeded split, each sorted ascending.

    With ``stratify`` and integer labels (class indices), each class is split on its own:
    ``round(n_c · test_fraction)`` of its ``n_c`` rows go to the test part, but at least one
    and at most ``n_c - 1`` when ``n_c ≥ 2`` (a single-row class stays in training), so every
    class with two or more rows appears in both parts. Float labels (regression targets) are
    split at random as a whole. ``test_fraction`` 0 gives an empty test part.
    """
    labels = _labels(y)
    return _hold_out(labels, test_fraction, np.random.default_rng(seed), stratify, "test")


_VALIDATION_STREAM = 1
"""Seeds the validation split with ``(split_seed, 1)``: a stream independent of the test
split's (seeded with ``split_seed`` alone), so neither split's draws shape the other's."""


def split_rows(pre: Preprocessing, y: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices ``(train, validation, test)`` of the split ``pre`` describes, each sorted.

    The test part is :func:`split_indices` with ``pre.test_fraction`` and ``pre.split_seed``
    (so it does not depend on ``pre.validation_fraction``); the validation part is then split
    off the remaining rows the same way (stratified alike, ``pre.validation_fraction`` of
    them) with its own seeded stream. A fraction of 0 gives an empty part.
    """
    labels = _labels(y)
    rest, test = split_indices(labels, pre.test_fraction, pre.split_seed, pre.stratify)
    keep, validation = _hold_out(labels[rest], pre.validation_fraction,
                                 np.random.default_rng([pre.split_seed, _VALIDATION_STREAM]),
                                 pre.stratify, "validation")
    return rest[keep], rest[validation], test


def train_test_split(X: object, y: object, test_fraction: float = 0.25, seed: int = 0,
                     stratify: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                     np.ndarray]:
    """``(X_train, X_test, y_train, y_test)`` split as :func:`split_indices` describes."""
    features, labels = np.asarray(X), np.asarray(y)
    if len(features) != len(labels):
        raise DatasetError(f"{len(features)} feature rows but {len(labels)} labels")
    train, test = split_indices(labels, test_fraction, seed, stratify)
    return features[train], features[test], labels[train], labels[test]
