"""Scaling, PCA and the train/test split, against straightforward references."""

import dataclasses
import math

import numpy as np
import pytest

from qmlstudio.core import Circuit, DatasetError, Preprocessing, Project, ProjectError, w, x
from qmlstudio.io import load_project, save_project
from qmlstudio.ml.data.preprocessing import (
    apply_preprocessing,
    fit_preprocessing,
    split_indices,
    split_rows,
    train_test_split,
)


def _data(n=200, seed=0):
    """Correlated features on very different scales, plus a constant column."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))
    mixing = np.array([[3.0, 0.5, 0.0, 1.0], [0.0, 2.0, 0.1, -1.0], [0.0, 0.0, 0.05, 0.2]])
    X = latent @ mixing * [1.0, 10.0, 100.0, 0.01] + [5.0, -3.0, 0.0, 1e3]
    return np.column_stack([X, np.full(n, 7.25)])


def _fitted(pre: Preprocessing, X) -> Preprocessing:
    return dataclasses.replace(pre, fitted=fit_preprocessing(pre, X))


# -- scaling ----------------------------------------------------------------------------------
@pytest.mark.parametrize("scale_range", [(0.0, math.pi), (-1.0, 1.0), (0.1, 0.7)])
def test_minmax_maps_training_data_onto_the_range_exactly(scale_range):
    X = _data()
    pre = _fitted(Preprocessing(scale_range=scale_range), X)
    out = apply_preprocessing(pre, X)
    low, high = scale_range
    assert out.shape == X.shape
    assert np.all(out[:, :4].min(axis=0) == low) and np.all(out[:, :4].max(axis=0) == high)
    assert np.all((out >= low) & (out <= high))
    np.testing.assert_array_equal(out[:, 4], low)  # the constant column, without dividing by 0
    assert pre.fitted.width[4] == 1.0
    reference = low + (X[:, :4] - X[:, :4].min(0)) / np.ptp(X[:, :4], 0) * (high - low)
    np.testing.assert_allclose(out[:, :4], reference, rtol=0, atol=1e-14)


def test_standardisation_gives_mean_zero_and_unit_spread():
    X = _data()
    pre = _fitted(Preprocessing(scaling="standard"), X)
    out = apply_preprocessing(pre, X)
    # Column 3 is ~1000 ± 0.015: its mean is exact only to ~1e-16 × 1000 / 0.015 per value.
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(out[:, :4].std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(out[:, 4], 0.0)
    np.testing.assert_allclose(pre.fitted.center, X.mean(axis=0), rtol=1e-15)


def test_near_constant_column_counts_as_constant():
    wobble = np.full(10, 0.1)
    wobble[1] = np.nextafter(0.1, 1.0)  # a spread of one rounding step
    X = np.column_stack([np.linspace(0, 1, 10), wobble])
    pre = _fitted(Preprocessing(), X)
    assert pre.fitted.width[1] == 1.0
    out = apply_preprocessing(pre, X)
    np.testing.assert_allclose(out[:, 1], 0.0, atol=1e-15)  # not stretched to [0, π]


def test_no_scaling_passes_features_through_as_a_copy():
    X = _data()
    pre = _fitted(Preprocessing(scaling="none"), X)
    assert pre.fitted.center == ()
    out = apply_preprocessing(pre, X)
    np.testing.assert_array_equal(out, X)
    out[0, 0] = -1.0
    assert X[0, 0] != -1.0


# -- PCA --------------------------------------------------------------------------------------
def test_pca_spans_the_top_eigenvectors_of_the_covariance():
    X = _data()[:, :4]
    pre = _fitted(Preprocessing(scaling="none", n_components=2), X)
    components = np.array(pre.fitted.pca_components)
    np.testing.assert_allclose(components @ components.T, np.eye(2), atol=1e-12)
    # Reference: eigen-decomposition of the (biased) covariance matrix.
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(X, rowvar=False, bias=True))
    top = eigenvectors[:, ::-1][:, :2]
    np.testing.assert_allclose(components.T @ components, top @ top.T, atol=1e-9)
    projected = apply_preprocessing(pre, X)
    np.testing.assert_allclose(projected.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(projected.var(axis=0), eigenvalues[::-1][:2], rtol=1e-9)
    np.testing.assert_allclose(pre.fitted.pca_mean, X.mean(axis=0), rtol=1e-15)


def test_pca_signs_are_deterministic_then_scaling_applies():
    X = _data()[:, :4]
    pre = Preprocessing(n_components=3)
    fitted = fit_preprocessing(pre, X)
    assert fit_preprocessing(pre, X) == fitted
    flipped = fit_preprocessing(pre, -X)  # same axes, opposite data: same components
    np.testing.assert_allclose(flipped.pca_components, fitted.pca_components, atol=1e-12)
    for row in fitted.pca_components:
        assert max(row, key=abs) > 0
    out = apply_preprocessing(dataclasses.replace(pre, fitted=fitted), X)
    assert out.shape == (200, 3)
    assert np.all(out.min(axis=0) == 0.0) and np.all(out.max(axis=0) == math.pi)


def test_pca_cannot_make_more_components_than_data():
    with pytest.raises(DatasetError, match="PCA to 5 components needs at least that many "
                                           "features; the data has 4"):
        fit_preprocessing(Preprocessing(n_components=5), _data()[:, :4])
    with pytest.raises(DatasetError, match="needs at least that many training samples; "
                                           "there are 2"):
        fit_preprocessing(Preprocessing(n_components=3), _data()[:2, :4])


# -- fitted constants are the transform -----------------------------------------------------------
def test_apply_uses_the_stored_constants_and_survives_a_project_round_trip(tmp_path):
    X = _data(300)
    X_train, X_test = X[:200], X[200:] * 1.5  # test data partly outside the training range
    pre = _fitted(Preprocessing(n_components=2, scale_range=(-1.0, 1.0)), X_train)
    test_out = apply_preprocessing(pre, X_test)
    # The same transform spelled out with the training statistics.
    mean = X_train.mean(axis=0)
    z_train = (X_train - mean) @ np.array(pre.fitted.pca_components).T
    z_test = (X_test - mean) @ np.array(pre.fitted.pca_components).T
    u = (z_test - z_train.min(axis=0)) / np.ptp(z_train, axis=0)
    np.testing.assert_allclose(test_out, -1.0 + 2.0 * u, atol=1e-12)
    assert test_out.min() < -1.0 or test_out.max() > 1.0  # not clipped

    circuit = Circuit(2).add("ry", 0, x(0)).add("ry", 1, x(1)).add("rz", 0, w(0))
    path = tmp_path / "fitted.qmlproj"
    save_project(Project(circuit, preprocessing=pre), path)
    loaded = load_project(path).preprocessing
    assert loaded == pre
    np.testing.assert_array_equal(apply_preprocessing(loaded, X_test), test_out)


def test_apply_refuses_unfitted_or_misshapen_input():
    with pytest.raises(DatasetError, match="has not been fitted yet"):
        apply_preprocessing(Preprocessing(), _data())
    pre = _fitted(Preprocessing(), _data())
    with pytest.raises(DatasetError, match="features: 4 columns, but the preprocessing was "
                                           "fitted on 5"):
        apply_preprocessing(pre, _data()[:, :4])
    with pytest.raises(DatasetError, match=r"^features: Input features contains NaN"):
        apply_preprocessing(pre, np.full((2, 5), np.nan))
    with pytest.raises(DatasetError, match=r"^features: Expected 2D array, got 1D array"):
        apply_preprocessing(pre, np.zeros(5))


# -- train/test split -----------------------------------------------------------------------------
def test_stratified_split_keeps_class_proportions():
    y = np.repeat([0, 1, 2, 3, 4], [60, 30, 8, 2, 1])
    train, test = split_indices(y, 0.25, seed=5)
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(len(y)))
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
    assert np.bincount(y[test], minlength=5).tolist() == [15, 8, 2, 1, 0]
    assert np.bincount(y[train], minlength=5).tolist() == [45, 22, 6, 1, 1]
    tiny = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
    train, test = split_indices(tiny, 0.1, seed=0)  # 0.2 of class 0 rounds up to one
    assert sorted(set(tiny[test])) == [0, 1] and sorted(set(tiny[train])) == [0, 1]


def test_split_is_seeded():
    y = np.arange(100) % 3
    first = split_indices(y, 0.3, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(first, split_indices(y, 0.3, seed=1),
                                                     strict=True))
    assert not np.array_equal(first[1], split_indices(y, 0.3, seed=2)[1])


def test_regression_and_unstratified_splits_are_random_as_a_whole():
    y = np.linspace(0.0, 1.0, 40)
    train, test = split_indices(y, 0.25, seed=0)
    assert (len(train), len(test)) == (30, 10)
    labels = np.repeat([0, 1], [36, 4])
    counts = {tuple(np.bincount(labels[split_indices(labels, 0.5, s, stratify=False)[1]],
                                minlength=2)) for s in range(20)}
    assert len(counts) > 1  # class counts in the test part vary with the seed
    assert split_indices(labels, 0.0, seed=0)[1].size == 0


def test_train_test_split_returns_matching_rows():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20) % 2
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.25, seed=3)
    assert X_train.shape == (14, 2) and X_test.shape == (6, 2)
    np.testing.assert_array_equal(X_train[:, 0] / 2 % 2, y_train)
    np.testing.assert_array_equal(X_test[:, 0] / 2 % 2, y_test)
    with pytest.raises(DatasetError, match="20 feature rows but 19 labels"):
        train_test_split(X, y[:-1])
    with pytest.raises(DatasetError, match="cannot split 1 row"):
        split_indices([0], 0.5, seed=0)
    with pytest.raises(DatasetError, match="test_fraction: must be at least 0 and less than 1"):
        split_indices(y, 1.0, seed=0)


# -- train/validation/test split ----------------------------------------------------------------
def test_validation_rows_come_from_the_training_part_and_leave_the_test_part_alone():
    y = np.repeat([0, 1, 2], [40, 20, 10])
    pre = Preprocessing(test_fraction=0.25, split_seed=4, validation_fraction=0.2)
    train, validation, test = split_rows(pre, y)
    # The test rows are those of the two-way split with the same seed.
    np.testing.assert_array_equal(test, split_indices(y, 0.25, seed=4)[1])
    assert np.array_equal(np.sort(np.concatenate([train, validation, test])), np.arange(70))
    assert all(np.all(np.diff(part) > 0) for part in (train, validation, test))
    # Per class: test round(0.25·n), then validation round(0.2·(n − test)), by hand:
    # class 0: 10 test, 6 of 30; class 1: 5 test, 3 of 15; class 2: 3 test (2.5 rounds up),
    # 1 of 7 (1.4).
    assert np.bincount(y[test]).tolist() == [10, 5, 3]
    assert np.bincount(y[validation]).tolist() == [6, 3, 1]
    assert np.bincount(y[train]).tolist() == [24, 12, 6]
    # Seeded, and a different seed draws different validation rows.
    again = split_rows(pre, y)
    assert all(np.array_equal(a, b) for a, b in zip(again, (train, validation, test),
                                                     strict=True))
    other = split_rows(Preprocessing(test_fraction=0.25, split_seed=5,
                                     validation_fraction=0.2), y)
    assert not np.array_equal(other[1], validation)


def test_no_validation_fraction_no_validation_rows():
    y = np.arange(30) % 2
    train, validation, test = split_rows(Preprocessing(test_fraction=0.3), y)
    assert validation.size == 0
    np.testing.assert_array_equal(train, split_indices(y, 0.3, seed=0)[0])
    train, validation, test = split_rows(Preprocessing(test_fraction=0.0,
                                                       validation_fraction=0.5), y)
    # Per class, round half up: 8 of 15 (7.5) to validation.
    assert test.size == 0 and np.bincount(y[validation]).tolist() == [8, 8]
    assert len(train) == 14


def test_validation_split_errors_name_the_validation_part():
    with pytest.raises(ProjectError, match="validation_fraction: must be less than 1"):
        Preprocessing(validation_fraction=1.0)
    with pytest.raises(DatasetError, match=r"cannot split 1 row.*and a validation part"):
        split_rows(Preprocessing(test_fraction=0.5, validation_fraction=0.5), [0, 0])


def test_pca_and_scalers_agree_with_scikit_learn():
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    X = np.random.default_rng(21).normal(size=(40, 4)) * [3.0, 1.0, 0.2, 2.0]
    pre = _fitted(Preprocessing("standard", n_components=2), X)
    expected = StandardScaler().fit_transform(PCA(2, svd_solver="full").fit_transform(X))
    np.testing.assert_allclose(apply_preprocessing(pre, X), expected, atol=1e-12)
    pre = _fitted(Preprocessing("minmax", scale_range=(0.0, np.pi)), X)
    np.testing.assert_allclose(apply_preprocessing(pre, X),
                               MinMaxScaler((0.0, np.pi)).fit_transform(X), atol=1e-12)
