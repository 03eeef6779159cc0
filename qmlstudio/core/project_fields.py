"""Field checks shared by the project values (data set, preprocessing, model, training).

Every check raises :class:`ProjectError` with a message of the form ``"<field>: <problem>"``,
where ``<field>`` is the field's path inside its value (``"center[2]"``). The project file
reader prefixes the section's JSON path, so a bad value loaded from disk is reported as
``training.learning_rate: must be greater than 0, got -1.0``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from qmlstudio.core.errors import ProjectError

__all__ = [
    "as_tuple",
    "check_choice",
    "check_float",
    "check_floats",
    "check_int",
    "check_pairs",
    "check_scalar",
    "check_text",
]

Scalar = bool | int | float | str
"""A JSON scalar a project may store in a free-form slot (generator parameters, table cells)."""


def _describe(value: object) -> str:
    if isinstance(value, int) and value.bit_length() > 200:
        return "a huge integer"  # repr of a 10^5000 integer would itself raise
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_tuple(values: object, field: str) -> tuple:
    """A sequence (not a text or a mapping) as a tuple."""
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise ProjectError(f"{field}: expected a list, got {_describe(values)}")
    return tuple(values)


def check_bool(value: object, field: str) -> bool:
    """``True`` or ``False`` (not 0 or 1, nor a string)."""
    if not isinstance(value, bool):
        raise ProjectError(f"{field}: expected true or false, got {value!r}")
    return value


def check_text(value: object, field: str, *, allow_empty: bool = True) -> str:
    """A string that can be written as UTF-8 (no lone surrogates)."""
    if not isinstance(value, str):
        raise ProjectError(f"{field}: expected text, got {_describe(value)}")
    if not allow_empty and not value:
        raise ProjectError(f"{field}: must not be empty")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ProjectError(f"{field}: text is not valid Unicode") from None
    return value


def check_choice(value: object, field: str, choices: Iterable[str]) -> str:
    """One of ``choices``."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise ProjectError(
            f"{field}: must be one of {', '.join(map(repr, choices))}, got {_describe(value)}"
        )
    return value


def check_int(value: object, field: str, *, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """An integer (not a bool) within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProjectError(f"{field}: expected an integer, got {_describe(value)}")
    if minimum is not None and value < minimum:
        raise ProjectError(f"{field}: must be at least {minimum}, got {_describe(value)}")
    if maximum is not None and value > maximum:
        raise ProjectError(f"{field}: must be at most {maximum}, got {_describe(value)}")
    return value


def check_float(value: object, field: str, *, minimum: float | None = None,
                maximum: float | None = None, open_min: bool = False,
                open_max: bool = False) -> float:
    """A finite number as a float, within the given (closed unless ``open_*``) bounds."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProjectError(f"{field}: expected a number, got {_describe(value)}")
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        raise ProjectError(f"{field}: number too large, got {_describe(value)}") from None
    if not math.isfinite(number):
        raise ProjectError(f"{field}: must be a finite number, got {number}")
    if minimum is not None and (number <= minimum if open_min else number < minimum):
        word = "greater than" if open_min else "at least"
        raise ProjectError(f"{field}: must be {word} {minimum}, got {number}")
    if maximum is not None and (number >= maximum if open_max else number > maximum):
        word = "less than" if open_max else "at most"
        raise ProjectError(f"{field}: must be {word} {maximum}, got {number}")
    return number


def check_floats(values: object, field: str) -> tuple[float, ...]:
    """A sequence of finite numbers as a tuple of floats."""
    return tuple(check_float(v, f"{field}[{i}]") for i, v in enumerate(as_tuple(values, field)))


def check_scalar(value: object, field: str) -> Scalar:
    """A bool, an integer, a finite float or a text."""
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return check_float(value, field)
    if isinstance(value, str):
        return check_text(value, field)
    raise ProjectError(f"{field}: expected a number, true/false or text, got {_describe(value)}")


def check_pairs(values: object, field: str) -> tuple[tuple[str, Scalar], ...]:
    """A mapping (or ``(key, value)`` pairs) of names to scalars, sorted by name.

    Sorting makes equal settings equal values and gives the project file a stable key order.
    """
    items = values.items() if isinstance(values, Mapping) else values
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise ProjectError(f"{field}: expected a mapping of names to values")
    pairs: dict[str, Scalar] = {}
    for item in items:
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ProjectError(f"{field}: expected (name, value) pairs, got {_describe(item)}")
        key, value = item
        check_text(key, f"{field}: a name", allow_empty=False)
        if key in pairs:
            raise ProjectError(f"{field}.{key}: given twice")
        pairs[key] = check_scalar(value, f"{field}.{key}")
    return tuple(sorted(pairs.items()))
