"""Synthetic data sets: seeded, the right shapes and classes, and noise that means noise."""

import math

import numpy as np
import pytest

from qmlstudio.core import DatasetError, DatasetSpec
from qmlstudio.ml.data.generators import (
    GENERATORS,
    generate,
    generator_defaults,
    make_blobs,
    make_circles,
    make_moons,
    make_sine,
    make_spirals,
    make_xor,
)
from qmlstudio.ml.data.loading import load_dataset


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_same_arrays_other_seed_other_arrays(name):
    first, again = generate(name, {"seed": 3}), generate(name, {"seed": 3})
    other = generate(name, {"seed": 4})
    assert np.array_equal(first.features, again.features)
    assert np.array_equal(first.labels, again.labels)
    assert not np.array_equal(first.features, other.features)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_defaults_and_arrays_are_read_only(name):
    dataset = generate(name)
    defaults = generator_defaults(name)
    assert {"n_samples", "noise", "seed"} <= set(defaults)
    assert dataset.n_samples == defaults["n_samples"]
    assert dataset.name == name
    assert dataset.features.dtype == np.float64
    with pytest.raises(ValueError, match="read-only"):
        dataset.features[0, 0] = 1.0


@pytest.mark.parametrize("make", [make_moons, make_circles, make_xor, make_spirals])
def test_two_class_sets_are_balanced_2d(make):
    dataset = make(101, seed=1)
    assert dataset.features.shape == (101, 2)
    assert dataset.task == "classification"
    assert dataset.class_labels == (0, 1)
    assert dataset.feature_names == ("x0", "x1")
    assert np.bincount(dataset.labels).tolist() == [51, 50]
    # Rows are shuffled: the classes interleave rather than come in two blocks.
    assert np.count_nonzero(np.diff(dataset.labels)) > 20


def test_blobs_and_spirals_take_class_and_feature_counts():
    blobs = make_blobs(90, n_classes=4, n_features=3, seed=2)
    assert blobs.features.shape == (90, 3)
    assert blobs.class_labels == (0, 1, 2, 3)
    assert np.bincount(blobs.labels).tolist() == [23, 23, 22, 22]
    spirals = make_spirals(60, n_classes=3)
    assert spirals.class_labels == (0, 1, 2)
    assert np.bincount(spirals.labels).tolist() == [20, 20, 20]


def test_sine_is_a_regression_set():
    sine = make_sine(50, noise=0.0)
    assert sine.task == "regression"
    assert sine.features.shape == (50, 1)
    assert sine.class_labels == ()
    assert np.all(np.abs(sine.features) <= math.pi)
    np.testing.assert_allclose(sine.labels, np.sin(sine.features[:, 0]), atol=1e-15)


def _moons_residual(dataset):
    """Distance of each point from its clean arc (radius 1 about the arc's centre), minus 1."""
    centres = np.where(dataset.labels[:, None] == 0, [0.0, 0.0], [1.0, 0.5])
    return np.linalg.norm(dataset.features - centres, axis=1) - 1.0


def test_noise_is_the_spread_around_the_clean_shapes():
    clean = make_moons(2000, noise=0.0)
    np.testing.assert_allclose(_moons_residual(clean), 0.0, atol=1e-12)
    assert np.std(_moons_residual(make_moons(2000, noise=0.05))) == pytest.approx(0.05, rel=0.1)
    assert np.std(_moons_residual(make_moons(2000, noise=0.2))) > 0.15

    circles = make_circles(2000, noise=0.0, factor=0.3)
    radii = np.linalg.norm(circles.features, axis=1)
    np.testing.assert_allclose(radii, np.where(circles.labels == 0, 1.0, 0.3), atol=1e-12)

    sine = make_sine(4000, noise=0.3)
    residual = sine.labels - np.sin(sine.features[:, 0])
    assert np.std(residual) == pytest.approx(0.3, rel=0.1)

    blobs = make_blobs(3000, noise=0.5, n_classes=3)
    for k in range(3):
        spread = blobs.features[blobs.labels == k].std(axis=0)
        np.testing.assert_allclose(spread, 0.5, rtol=0.15)


def test_xor_labels_follow_the_quadrants():
    clean = make_xor(400, noise=0.0)
    x0, x1 = clean.features.T
    assert np.all(np.abs(clean.features) >= 0.1) and np.all(np.abs(clean.features) <= 1.0)
    assert np.array_equal(clean.labels, (x0 * x1 < 0).astype(int))
    noisy = make_xor(400, noise=0.3)
    x0, x1 = noisy.features.T
    assert not np.array_equal(noisy.labels, (x0 * x1 < 0).astype(int))


def test_builtin_spec_gives_the_generator_output():
    spec = DatasetSpec.builtin("moons", n_samples=50, noise=0, seed=3)  # int noise is a number
    from_spec = load_dataset(spec)
    direct = make_moons(50, noise=0.0, seed=3)
    assert np.array_equal(from_spec.features, direct.features)
    assert np.array_equal(from_spec.labels, direct.labels)


@pytest.mark.parametrize(("name", "params", "message"), [
    ("moons", {"nois": 0.1}, "moons: unknown parameter 'nois' (moons takes n_samples, noise, "
                             "seed)"),
    ("moons", {"n_samples": 10.0}, "moons.n_samples: expected an integer, got 10.0"),
    ("moons", {"n_samples": True}, "moons.n_samples: expected an integer, got True"),
    ("moons", {"noise": "high"}, "moons.noise: expected a number, got 'high'"),
    ("moons", {"noise": -0.1}, "moons.noise: must be at least 0, got -0.1"),
    ("moons", {"noise": math.inf}, "moons.noise: must be a finite number, got inf"),
    ("moons", {"n_samples": 3}, "moons.n_samples: must be at least 4 (two per class), got 3"),
    ("moons", {"n_samples": 10**7}, "moons.n_samples: must be at most 1000000"),
    ("moons", {"seed": -1}, "moons.seed: must be at least 0, got -1"),
    ("circles", {"factor": 1.0}, "circles.factor: must lie strictly between 0 and 1, got 1.0"),
    ("spirals", {"n_classes": 1}, "spirals.n_classes: must be at least 2, got 1"),
    ("spirals", {"turns": 0}, "spirals.turns: must be greater than 0"),
    ("blobs", {"n_features": 0}, "blobs.n_features: must be at least 1, got 0"),
    ("blobs", {"n_samples": 1000, "n_features": 10**5}, "blobs: 1000 samples × 100000 features"),
])
def test_bad_parameters_are_named(name, params, message):
    with pytest.raises(DatasetError) as caught:
        generate(name, params)
    assert str(caught.value).startswith(message)


def test_unknown_generator_is_named():
    with pytest.raises(DatasetError, match="no generator named 'iris'; choose one of moons"):
        generator_defaults("iris")
