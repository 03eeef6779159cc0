"""How raw feature columns become circuit inputs: :class:`Preprocessing`.

The transform, applied in this order when fitted:

1. PCA (if ``n_components`` is set): ``z = (x - pca_mean) @ pca_components.T``;
2. scaling of each resulting feature ``j``: ``u = (z[j] - center[j]) / width[j]``, then
   ``"minmax"`` maps ``u`` into ``scale_range`` (``lo + u * (hi - lo)``; ``center`` and
   ``width`` are the training minimum and range) and ``"standard"`` keeps ``u`` (``center``
   and ``width`` are the training mean and standard deviation).

The fitted constants live in :class:`FittedPreprocessing` and are saved with the project and
the model, so prediction applies exactly the transform training used.

The split of the rows is described by ``test_fraction`` (the share of all rows held out as the
test part, which training never looks at), ``validation_fraction`` (the share of the remaining
training rows set aside as the validation part, which early stopping and best-weight restore
watch), ``split_seed`` and ``stratify``. The test part is drawn first, exactly as it was before
validation parts existed, so adding a validation part never changes the test rows. Fitting and
splitting are the ML layer's job (:mod:`qmlstudio.ml.data.preprocessing`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qmlstudio.core.errors import ProjectError
from qmlstudio.core.project_fields import (
    as_tuple,
    check_bool,
    check_choice,
    check_float,
    check_floats,
    check_int,
)

__all__ = ["SCALINGS", "FittedPreprocessing", "Preprocessing"]

SCALINGS = ("minmax", "standard", "none")


@dataclass(frozen=True, slots=True)
class FittedPreprocessing:
    """Constants fitted on the training data (see the module docstring for their meaning).

    Empty ``center``/``width`` mean no scaling; empty ``pca_mean``/``pca_components`` no PCA.
    """

    center: tuple[float, ...] = ()
    width: tuple[float, ...] = ()
    pca_mean: tuple[float, ...] = ()
    pca_components: tuple[tuple[float, ...], ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "center", check_floats(self.center, "center"))
        set_(self, "width", check_floats(self.width, "width"))
        set_(self, "pca_mean", check_floats(self.pca_mean, "pca_mean"))
        rows = as_tuple(self.pca_components, "pca_components")
        set_(self, "pca_components",
             tuple(check_floats(row, f"pca_components[{i}]") for i, row in enumerate(rows)))
        if len(self.center) != len(self.width):
            raise ProjectError(f"width: {len(self.width)} values for {len(self.center)} centers")
        for i, width in enumerate(self.width):
            if width <= 0:
                # A constant training column has no spread; the fitter must store 1.0 for it.
                raise ProjectError(f"width[{i}]: must be greater than 0, got {width}")
        if bool(self.pca_mean) != bool(self.pca_components):
            raise ProjectError("pca_components: PCA needs both a mean and components")
        for i, row in enumerate(self.pca_components):
            if len(row) != len(self.pca_mean):
                raise ProjectError(f"pca_components[{i}]: has {len(row)} values but the PCA "
                                   f"mean has {len(self.pca_mean)}")

    @property
    def n_inputs(self) -> int:
        """Number of raw feature columns the transform expects (0 if it cannot tell)."""
        return len(self.pca_mean) or len(self.center)

    @property
    def n_outputs(self) -> int:
        """Number of features the transform produces (0 if it cannot tell)."""
        return len(self.pca_components) or len(self.center)


@dataclass(frozen=True, slots=True)
class Preprocessing:
    """Scaling, optional PCA and the train/validation/test split; ``fitted`` is None until
    fitted (see the module docstring).

    ``validation_fraction`` is the last field so that positional construction written before
    it existed keeps its meaning; 0 (the default) means no validation part.
    """

    scaling: str = "minmax"
    scale_range: tuple[float, float] = (0.0, math.pi)
    n_components: int | None = None
    test_fraction: float = 0.25
    split_seed: int = 0
    stratify: bool = True
    fitted: FittedPreprocessing | None = None
    validation_fraction: float = 0.0

    def __post_init__(self) -> None:
        check_choice(self.scaling, "scaling", SCALINGS)
        bounds = as_tuple(self.scale_range, "scale_range")
        if len(bounds) != 2:
            raise ProjectError(f"scale_range: expected [low, high], got {list(bounds)}")
        low = check_float(bounds[0], "scale_range[0]")
        high = check_float(bounds[1], "scale_range[1]")
        if not low < high:
            raise ProjectError(f"scale_range: low {low} must be below high {high}")
        object.__setattr__(self, "scale_range", (low, high))
        if self.n_components is not None:
            check_int(self.n_components, "n_components", minimum=1)
        object.__setattr__(self, "test_fraction", check_float(
            self.test_fraction, "test_fraction", minimum=0.0, maximum=1.0, open_max=True))
        object.__setattr__(self, "validation_fraction", check_float(
            self.validation_fraction, "validation_fraction", minimum=0.0, maximum=1.0,
            open_max=True))
        check_int(self.split_seed, "split_seed", minimum=0)
        check_bool(self.stratify, "stratify")
        if self.fitted is not None:
            self._check_fitted(self.fitted)

    def _check_fitted(self, fitted: object) -> None:
        if not isinstance(fitted, FittedPreprocessing):
            raise ProjectError(f"fitted: expected FittedPreprocessing, got {fitted!r}")
        n_pca = len(fitted.pca_components)
        if n_pca != (self.n_components or 0):
            raise ProjectError(f"fitted.pca_components: {n_pca} components fitted but "
                               f"n_components is {self.n_components}")
        if self.scaling == "none":
            if fitted.center:
                raise ProjectError("fitted.center: scaling 'none' has no fitted constants")
        elif not fitted.center:
            raise ProjectError(f"fitted.center: scaling {self.scaling!r} needs fitted constants")
        elif n_pca and len(fitted.center) != n_pca:
            raise ProjectError(f"fitted.center: {len(fitted.center)} values for "
                               f"{n_pca} PCA components")

    @property
    def is_fitted(self) -> bool:
        """True once fitted constants are present."""
        return self.fitted is not None
