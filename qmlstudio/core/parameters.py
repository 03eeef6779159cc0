"""Gate parameters: constants, trainable weights and data features.

A gate angle is one of three things:

* :class:`Const` — a fixed number;
* :class:`Weight` — trainable weight ``w[index]``; several gates may share an index;
* :class:`Feature` — data feature ``scale * x[index] + offset`` of the current sample, so data
  encoding (and data re-uploading) is just gates whose parameters read ``x``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qmlstudio.core.errors import CircuitError

__all__ = ["MAX_PARAMETER_INDEX", "Const", "Feature", "Param", "Weight", "as_param", "w", "x"]

MAX_PARAMETER_INDEX = 999_999
"""The largest weight or feature index: a circuit's weight vector is as long as its largest
index, so a stray huge index (in a file, say) would otherwise ask for gigabytes."""
_SUBSCRIPTS = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")


def _index(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CircuitError(f"{what} index must be a non-negative integer, got {value!r}")
    if value > MAX_PARAMETER_INDEX:  # not shown: str() refuses ints past 4,300 digits
        raise CircuitError(f"{what} index must be at most {MAX_PARAMETER_INDEX:,}")
    return value


def _finite(value: object, what: str) -> float:
    if isinstance(value, bool):
        raise CircuitError(f"{what} must be a number, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise CircuitError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise CircuitError(f"{what} must be finite, got {number}")
    return number


@dataclass(frozen=True, slots=True)
class Const:
    """A fixed gate angle."""

    value: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _finite(self.value, "a constant parameter"))

    @property
    def label(self) -> str:
        """Short text for the canvas, e.g. ``0.5``."""
        return f"{self.value:.4g}"


@dataclass(frozen=True, slots=True)
class Weight:
    """Trainable weight ``w[index]``; indices may be shared between gates."""

    index: int

    def __post_init__(self) -> None:
        _index(self.index, "a weight")

    @property
    def label(self) -> str:
        """Short text for the canvas, e.g. ``θ₃``."""
        return "θ" + str(self.index).translate(_SUBSCRIPTS)


@dataclass(frozen=True, slots=True)
class Feature:
    """Data feature mapped to an angle: ``scale * x[index] + offset``."""

    index: int
    scale: float = 1.0
    offset: float = 0.0

    def __post_init__(self) -> None:
        _index(self.index, "a feature")
        object.__setattr__(self, "scale", _finite(self.scale, "a feature scale"))
        object.__setattr__(self, "offset", _finite(self.offset, "a feature offset"))

    @property
    def label(self) -> str:
        """Short text for the canvas, e.g. ``x₀`` or ``0.5·x₁+0.1``."""
        text = "x" + str(self.index).translate(_SUBSCRIPTS)
        if self.scale != 1.0:
            text = f"{self.scale:.3g}·{text}"
        if self.offset:
            text += f"{self.offset:+.3g}"
        return text


Param = Const | Weight | Feature


def as_param(value: object) -> Param:
    """Return ``value`` as a parameter: parameters pass through, numbers become :class:`Const`."""
    if isinstance(value, Const | Weight | Feature):
        return value
    return Const(_finite(value, "a gate parameter"))


def w(k: int) -> Weight:
    """Trainable weight ``k`` (several gates may use the same ``k``)."""
    return Weight(k)


def x(j: int, scale: float = 1.0, offset: float = 0.0) -> Feature:
    """Data feature ``j`` mapped to the angle ``scale * x[j] + offset``."""
    return Feature(j, scale, offset)
