"""Seeded synthetic data sets: moons, circles, xor, spirals, blobs and a noisy sine.

Every generator takes ``n_samples``, a ``noise`` level and a ``seed`` (plus a few of its own
parameters) and returns a :class:`~qmlstudio.ml.data.dataset.Dataset`. The same parameters always
give the same arrays, bit for bit: all randomness comes from one
``numpy.random.default_rng(seed)``. Classes are as balanced as ``n_samples`` allows (the first
classes get one sample more) and rows are shuffled, so the classes interleave.

``noise`` is the standard deviation of Gaussian noise added to every coordinate (for ``sine``,
to the target; for ``blobs``, the spread of each blob). :func:`generate` builds a data set
from a name and parameters as a project stores them, checking every parameter.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping

import numpy as np

from qmlstudio.core.errors import DatasetError
from qmlstudio.ml.data.dataset import Dataset

__all__ = ["GENERATORS", "generate", "generator_defaults", "make_blobs", "make_circles",
           "make_moons", "make_sine", "make_spirals", "make_xor"]

MAX_GENERATED_SAMPLES = 1_000_000
MAX_GENERATED_VALUES = 10_000_000
"""Upper bounds on samples and on samples × features (80 MB), to fail early on typos."""


def _rng_and_sizes(name: str, n_samples: int, n_classes: int, noise: float,
                   seed: int) -> tuple[np.random.Generator, list[int]]:
    """Check the common parameters; return the generator and the samples per class."""
    if n_samples > MAX_GENERATED_SAMPLES:
        raise DatasetError(f"{name}.n_samples: must be at most {MAX_GENERATED_SAMPLES}, "
                           f"got {n_samples}")
    if n_samples < 2 * n_classes:
        raise DatasetError(f"{name}.n_samples: must be at least {2 * n_classes} "
                           f"(two per class), got {n_samples}")
    if not noise >= 0:
        raise DatasetError(f"{name}.noise: must be at least 0, got {noise}")
    if seed < 0:
        raise DatasetError(f"{name}.seed: must be at least 0, got {seed}")
    base, extra = divmod(n_samples, n_classes)
    return np.random.default_rng(seed), [base + (k < extra) for k in range(n_classes)]


def _finish(name: str, rng: np.random.Generator, parts: list[np.ndarray], noise: float,
            n_classes: int) -> Dataset:
    """Stack the per-class point sets, add the noise, shuffle the rows."""
    features = np.concatenate(parts)
    features += noise * rng.standard_normal(features.shape)
    labels = np.repeat(np.arange(n_classes), [len(part) for part in parts])
    order = rng.permutation(len(labels))
    return Dataset(features[order], labels[order], "classification",
                   tuple(range(n_classes)), name=name)


def make_moons(n_samples: int = 200, *, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaving half circles: class 0 the upper arc of the unit circle, class 1 the
    lower arc shifted to ``(1, 0.5)``; angles drawn uniformly in ``[0, π]``."""
    rng, (n0, n1) = _rng_and_sizes("moons", n_samples, 2, noise, seed)
    t0, t1 = rng.uniform(0.0, math.pi, n0), rng.uniform(0.0, math.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    return _finish("moons", rng, [upper, lower], noise, 2)


def make_circles(n_samples: int = 200, *, noise: float = 0.05, factor: float = 0.5,
                 seed: int = 0) -> Dataset:
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``factor`` (in (0, 1))."""
    if not 0.0 < factor < 1.0:
        raise DatasetError(f"circles.factor: must lie strictly between 0 and 1, got {factor}")
    rng, sizes = _rng_and_sizes("circles", n_samples, 2, noise, seed)
    parts = []
    for radius, size in zip((1.0, factor), sizes, strict=True):
        t = rng.uniform(0.0, 2.0 * math.pi, size)
        parts.append(radius * np.column_stack([np.cos(t), np.sin(t)]))
    return _finish("circles", rng, parts, noise, 2)


def make_xor(n_samples: int = 200, *, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Points in the four quadrants of ``[-1, 1]²``; class 1 where the signs differ.

    Each coordinate's magnitude is uniform in ``[0.1, 1]`` (a small gap along the axes, as in
    TensorFlow Playground), before the noise is added.
    """
    rng, sizes = _rng_and_sizes("xor", n_samples, 2, noise, seed)
    parts = []
    for label, size in enumerate(sizes):
        # Same-sign quadrants for class 0, opposite-sign ones for class 1.
        signs0 = rng.choice([-1.0, 1.0], size)
        signs1 = signs0 if label == 0 else -signs0
        magnitude = rng.uniform(0.1, 1.0, (size, 2))
        parts.append(magnitude * np.column_stack([signs0, signs1]))
    return _finish("xor", rng, parts, noise, 2)


def make_spirals(n_samples: int = 200, *, noise: float = 0.05, n_classes: int = 2,
                 turns: float = 1.0, seed: int = 0) -> Dataset:
    """``n_classes`` interleaved spiral arms from the centre out to radius 1, each making
    ``turns`` turns; arm ``k`` is rotated by ``2πk / n_classes``."""
    if n_classes < 2:
        raise DatasetError(f"spirals.n_classes: must be at least 2, got {n_classes}")
    if not turns > 0:
        raise DatasetError(f"spirals.turns: must be greater than 0, got {turns}")
    rng, sizes = _rng_and_sizes("spirals", n_samples, n_classes, noise, seed)
    parts = []
    for k, size in enumerate(sizes):
        radius = rng.uniform(0.05, 1.0, size)
        angle = 2.0 * math.pi * (turns * radius + k / n_classes)
        parts.append(radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _finish("spirals", rng, parts, noise, n_classes)


def make_blobs(n_samples: int = 200, *, noise: float = 1.0, n_classes: int = 3,
               n_features: int = 2, seed: int = 0) -> Dataset:
    """``n_classes`` Gaussian blobs in ``n_features`` dimensions: centres uniform in
    ``[-5, 5]^F``, each blob with standard deviation ``noise``."""
    if n_classes < 2:
        raise DatasetError(f"blobs.n_classes: must be at least 2, got {n_classes}")
    if n_features < 1:
        raise DatasetError(f"blobs.n_features: must be at least 1, got {n_features}")
    rng, sizes = _rng_and_sizes("blobs", n_samples, n_classes, noise, seed)
    if n_samples * n_features > MAX_GENERATED_VALUES:
        raise DatasetError(f"blobs: {n_samples} samples × {n_features} features exceed the "
                           f"{MAX_GENERATED_VALUES} values a generator makes")
    centres = rng.uniform(-5.0, 5.0, (n_classes, n_features))
    parts = [np.tile(centre, (size, 1)) for centre, size in zip(centres, sizes, strict=True)]
    return _finish("blobs", rng, parts, noise, n_classes)


def make_sine(n_samples: int = 200, *, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Regression: ``x`` uniform in ``[-π, π]``, target ``sin(x)`` plus noise."""
    rng, _ = _rng_and_sizes("sine", n_samples, 1, noise, seed)
    x = rng.uniform(-math.pi, math.pi, n_samples)
    y = np.sin(x) + noise * rng.standard_normal(n_samples)
    return Dataset(x[:, None], y, "regression", name="sine")


GENERATORS: dict[str, Callable[..., Dataset]] = {
    "moons": make_moons, "circles": make_circles, "xor": make_xor,
    "spirals": make_spirals, "blobs": make_blobs, "sine": make_sine,
}
"""The generators by the name a :class:`~qmlstudio.core.dataset_spec.DatasetSpec` uses."""


def generator_defaults(name: str) -> dict[str, int | float]:
    """The parameters of generator ``name`` with their default values (for forms and docs)."""
    if name not in GENERATORS:
        raise DatasetError(f"no generator named {name!r}; choose one of "
                           f"{', '.join(GENERATORS)}")
    signature = inspect.signature(GENERATORS[name])
    return {key: p.default for key, p in signature.parameters.items()}


def generate(name: str, params: Mapping[str, object] | None = None) -> Dataset:
    """The data set generator ``name`` makes with ``params`` (defaults for those missing).

    Parameters are checked by the type of their default: integers must be integers, floats
    any finite number. Problems raise :class:`DatasetError` naming ``<name>.<parameter>``.
    """
    defaults = generator_defaults(name)
    values: dict[str, int | float] = {}
    for key, value in (params or {}).items():
        if key not in defaults:
            raise DatasetError(f"{name}: unknown parameter {key!r} ({name} takes "
                               f"{', '.join(defaults)})")
        values[key] = _checked(name, key, value, defaults[key])
    return GENERATORS[name](**values)


def _checked(name: str, key: str, value: object, default: int | float) -> int | float:
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise DatasetError(f"{name}.{key}: expected an integer, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DatasetError(f"{name}.{key}: expected a number, got {value!r}")
    if not math.isfinite(float(value)):
        raise DatasetError(f"{name}.{key}: must be a finite number, got {value!r}")
    return float(value)
