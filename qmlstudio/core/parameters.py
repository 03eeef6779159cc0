"""Gate parameters: constants, trainable weights, data features and small expressions.

A gate angle is one of four things:

* :class:`Const` — a fixed number;
* :class:`Weight` — trainable weight ``w[index]``; several gates may share an index;
* :class:`Feature` — data feature ``scale * x[index] + offset`` of the current sample, so data
  encoding (and data re-uploading) is just gates whose parameters read ``x``;
* :class:`Expr` — ``constant + Σ coefficient · Π factors`` over weights and features, e.g.
  ``θ₀·x₁ + θ₂`` (trainable input scaling and offset) or ``(π − x₀)(π − x₁)`` (Havlíček's ZZ
  feature map). Each :class:`Term` has at most :data:`MAX_TERM_FACTORS` factors and at most
  one weight, so the angle is linear in every weight and its gradient is an exact chain rule.

Parameters combine with ``+``, ``-``, ``*`` and numbers: ``w(0) * x(1) + w(2)``,
``(math.pi - x(0)) * (math.pi - x(1))``. The result is the simplest kind that holds it
(``2 * x(0) + 1`` is a :class:`Feature`, a product an :class:`Expr`).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import NamedTuple

from qmlstudio.core.errors import CircuitError

__all__ = ["MAX_EXPR_TERMS", "MAX_PARAMETER_INDEX", "MAX_TERM_FACTORS", "Const", "Expr", "Feature",
           "Param", "Term", "Weight", "as_param", "w", "x"]

MAX_PARAMETER_INDEX = 999_999
"""The largest weight or feature index: a circuit's weight vector is as long as its largest
index, so a stray huge index (in a file, say) would otherwise ask for gigabytes."""
MAX_TERM_FACTORS = 3
"""Most factors (weights and features) one term of an :class:`Expr` may multiply."""
MAX_EXPR_TERMS = 64
"""Most terms one :class:`Expr` may sum. Each becomes one factor of the compiled gate, so a
gate's cost grows linearly with its terms; 64 holds a trained linear layer of up to 63
features into one angle (the dressed quantum circuit preset on Breast Cancer's 30 features
sums 31 terms) while a stray file cannot ask for an unbounded gate."""
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


class _Arithmetic:
    """``+``, ``-`` and ``*`` between parameters and numbers (see the module docstring)."""

    __slots__ = ()

    def __add__(self, other: object) -> Param:
        return _combine(self, other, _add)

    __radd__ = __add__

    def __sub__(self, other: object) -> Param:
        return _combine(self, other, lambda a, b: _add(a, _scaled(b, -1.0)))

    def __rsub__(self, other: object) -> Param:
        return _combine(self, other, lambda a, b: _add(b, _scaled(a, -1.0)))

    def __mul__(self, other: object) -> Param:
        return _combine(self, other, _multiply)

    __rmul__ = __mul__

    def __neg__(self) -> Param:
        return _simplest(_scaled(_as_sum(self), -1.0))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Const(_Arithmetic):
    """A fixed gate angle."""

    value: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _finite(self.value, "a constant parameter"))

    @property
    def label(self) -> str:
        """Short text for the canvas, e.g. ``0.5``."""
        return f"{self.value:.4g}"


@dataclass(frozen=True, slots=True)
class Weight(_Arithmetic):
    """Trainable weight ``w[index]``; indices may be shared between gates."""

    index: int

    def __post_init__(self) -> None:
        _index(self.index, "a weight")

    @property
    def label(self) -> str:
        """Short text for the canvas, e.g. ``θ₃``."""
        return "θ" + str(self.index).translate(_SUBSCRIPTS)


@dataclass(frozen=True, slots=True)
class Feature(_Arithmetic):
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


def _number(value: float) -> str:
    """A number for a label, with ±π (the offset of Havlíček's map) written as π."""
    if math.isclose(abs(value), math.pi, rel_tol=0, abs_tol=1e-12):
        return "π" if value > 0 else "−π"
    return f"{value:.3g}".replace("-", "−")


def _affine_label(feature: Feature) -> str:
    """``scale·xⱼ + offset`` written naturally: ``x₁``, ``0.5·x₁ + 1``, ``π − x₀``."""
    name = "x" + str(feature.index).translate(_SUBSCRIPTS)
    scale, offset = feature.scale, feature.offset
    if scale < 0 and offset:
        magnitude = "" if scale == -1.0 else _number(-scale) + "·"
        return f"{_number(offset)} − {magnitude}{name}"
    core = name if scale == 1.0 else "−" + name if scale == -1.0 else f"{_number(scale)}·{name}"
    if not offset:
        return core
    return f"{core} {'+' if offset > 0 else '−'} {_number(abs(offset))}"


@dataclass(frozen=True, slots=True)
class Term:
    """One product ``coefficient · Π factors`` of an :class:`Expr`: one to
    :data:`MAX_TERM_FACTORS` weights and features, at most one of them a weight."""

    coefficient: float
    factors: tuple[Weight | Feature, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "coefficient", _finite(self.coefficient, "a term coefficient"))
        if not self.coefficient:  # one form per value: a zero term is left out
            raise CircuitError("a term's coefficient must not be 0 (leave the term out)")
        factors = self.factors
        if not isinstance(factors, tuple | list) or not factors:
            raise CircuitError(f"a term needs a non-empty tuple of weights and features, "
                               f"got {factors!r}")
        factors = tuple(factors)
        for factor in factors:
            if not isinstance(factor, Weight | Feature):
                raise CircuitError(f"a term multiplies weights and features, got {factor!r}")
        if len(factors) > MAX_TERM_FACTORS:
            raise CircuitError(f"a term may multiply at most {MAX_TERM_FACTORS} factors, "
                               f"got {len(factors)}")
        if sum(isinstance(f, Weight) for f in factors) > 1:
            raise CircuitError("a term may hold at most one weight (the angle must be linear "
                               "in every weight), got a product of two")
        if len(factors) == 1 and isinstance(factors[0], Feature) and self.coefficient != 1.0:
            # c·(s·x + o) is (c·s·x + c·o): one way to write it, so files and OpenQASM text
            # read back to the identical value
            f, c = factors[0], self.coefficient
            factors = (Feature(f.index, c * f.scale + 0.0, c * f.offset + 0.0),)
            object.__setattr__(self, "coefficient", 1.0)
        object.__setattr__(self, "factors", factors)

    @property
    def weight(self) -> Weight | None:
        """The term's weight, or None if it reads features only."""
        return next((f for f in self.factors if isinstance(f, Weight)), None)

    @property
    def features(self) -> tuple[Feature, ...]:
        """The term's feature factors."""
        return tuple(f for f in self.factors if isinstance(f, Feature))

    @property
    def label(self) -> str:
        """``θ₀·x₁``, ``(π − x₀)(π − x₁)``, ``0.5·θ₂`` (the sign is left to the caller)."""
        parts = [f.label if isinstance(f, Weight) else _affine_label(f) for f in self.factors]
        if len(parts) > 1:
            parts = [f"({p})" if " " in p or p.startswith("−") else p for p in parts]
        text = parts[0]
        for part in parts[1:]:
            text += part if text.endswith(")") or part.startswith("(") else "·" + part
        magnitude = abs(self.coefficient)
        return text if magnitude == 1.0 else f"{_number(magnitude)}·{text}"


@dataclass(frozen=True, slots=True)
class Expr(_Arithmetic):
    """The angle ``constant + Σ term`` (see :class:`Term`), at most :data:`MAX_EXPR_TERMS`
    terms. Build one with operators (``w(0) * x(1) + w(2)``) or explicitly
    (``Expr(0.0, (Term(1.0, (Weight(0), Feature(1))), Term(1.0, (Weight(2),))))``)."""

    constant: float = 0.0
    terms: tuple[Term, ...] = ()

    def __post_init__(self) -> None:
        # + 0.0 turns -0.0 (from negating) into 0.0, so equal expressions compare equal
        object.__setattr__(self, "constant",
                           _finite(self.constant, "an expression constant") + 0.0)
        terms = self.terms
        if not isinstance(terms, tuple | list):
            raise CircuitError(f"an expression's terms must be a tuple of Term, got {terms!r}")
        terms = tuple(terms)
        for term in terms:
            if not isinstance(term, Term):
                raise CircuitError(f"an expression's terms must be Term values, got {term!r}")
        if len(terms) > MAX_EXPR_TERMS:
            raise CircuitError(f"an expression may sum at most {MAX_EXPR_TERMS} terms, "
                               f"got {len(terms)}")
        object.__setattr__(self, "terms", terms)
        plain = _plain_kind(self)
        if plain is not None:  # one value, one form: what the operators would give
            raise CircuitError(f"this expression is the plain {type(plain).__name__} "
                               f"{plain.label}; use {plain!r} instead")

    @property
    def weights(self) -> tuple[Weight, ...]:
        """The weights the expression reads (one per term that has one)."""
        return tuple(t.weight for t in self.terms if t.weight is not None)

    @property
    def features(self) -> tuple[Feature, ...]:
        """The feature factors the expression reads."""
        return tuple(f for t in self.terms for f in t.features)

    def value(self, x: object, weights: object) -> float:
        """The angle for one sample ``x`` and the weight vector ``weights`` (plain Python,
        for checks and exports; the engine evaluates whole batches itself)."""
        total = self.constant
        for term in self.terms:
            product = term.coefficient
            for f in term.factors:
                product *= (weights[f.index] if isinstance(f, Weight)  # type: ignore[index]
                            else f.scale * x[f.index] + f.offset)  # type: ignore[index]
            total += product
        return float(total)

    @property
    def label(self) -> str:
        """Short text for the canvas, e.g. ``θ₀·x₁ + θ₂`` or ``(π − x₀)(π − x₁)``."""
        text = ""
        for term in self.terms:
            negative = term.coefficient < 0
            if text:
                text += " − " if negative else " + "
            elif negative:
                text = "−"
            text += term.label
        if self.constant or not text:
            text = _number(self.constant) if not text else (
                f"{text} {'+' if self.constant > 0 else '−'} {_number(abs(self.constant))}")
        return text


Param = Const | Weight | Feature | Expr


class _Sum(NamedTuple):
    """``constant + Σ terms`` while operators combine parameters (it may be a plain kind, which
    an :class:`Expr` may not)."""

    constant: float
    terms: tuple[Term, ...]


def _plain_kind(value: Expr | _Sum) -> Const | Weight | Feature | None:
    """The Const, Weight or Feature equal to ``value`` term for term, or None."""
    if not value.terms:
        return Const(value.constant)
    if len(value.terms) == 1 and len(value.terms[0].factors) == 1:
        term = value.terms[0]
        factor = term.factors[0]
        if isinstance(factor, Feature):  # its coefficient is 1 (see Term)
            return Feature(factor.index, factor.scale, factor.offset + value.constant)
        if term.coefficient == 1.0 and not value.constant:
            return factor
    return None


def _as_sum(value: Param) -> _Sum:
    if isinstance(value, Expr):
        return _Sum(value.constant, value.terms)
    if isinstance(value, Const):
        return _Sum(value.value, ())
    return _Sum(0.0, (Term(1.0, (value,)),))


def _terms(pairs) -> tuple[Term, ...]:
    """Terms from (coefficient, factors) pairs, leaving out those that are zero."""
    return tuple(Term(c, factors) for c, factors in pairs if c)


def _scaled(value: _Sum, factor: float) -> _Sum:
    return _Sum(value.constant * factor,
                _terms((t.coefficient * factor, t.factors) for t in value.terms))


def _add(a: _Sum, b: _Sum) -> _Sum:
    return _Sum(a.constant + b.constant, a.terms + b.terms)


def _multiply(a: _Sum, b: _Sum) -> _Sum:
    """Distribute the product; a term that breaks the limits raises CircuitError."""
    pairs = []
    for s in a.terms:  # in reading order: (w0 + 1)·x1 is w0·x1 + x1
        pairs.append((s.coefficient * b.constant, s.factors))
        pairs += [(s.coefficient * t.coefficient, s.factors + t.factors) for t in b.terms]
    pairs += [(a.constant * t.coefficient, t.factors) for t in b.terms]
    return _Sum(a.constant * b.constant, _terms(pairs))


def _simplest(value: _Sum) -> Param:
    """The plainest parameter equal to ``value``: a Const, Feature or Weight when it is one."""
    plain = _plain_kind(value)
    return plain if plain is not None else Expr(value.constant, value.terms)


def _combine(a: object, b: object, operation) -> Param:
    if not isinstance(b, Const | Weight | Feature | Expr):
        if isinstance(b, bool) or not isinstance(b, numbers.Real):
            return NotImplemented
        b = Const(_finite(b, "a number in a parameter expression"))
    return _simplest(operation(_as_sum(a), _as_sum(b)))  # type: ignore[arg-type]


def as_param(value: object) -> Param:
    """Return ``value`` as a parameter: parameters pass through, numbers become :class:`Const`."""
    if isinstance(value, Const | Weight | Feature | Expr):
        return value
    return Const(_finite(value, "a gate parameter"))


def w(k: int) -> Weight:
    """Trainable weight ``k`` (several gates may use the same ``k``)."""
    return Weight(k)


def x(j: int, scale: float = 1.0, offset: float = 0.0) -> Feature:
    """Data feature ``j`` mapped to the angle ``scale * x[j] + offset``."""
    return Feature(j, scale, offset)
