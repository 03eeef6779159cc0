"""JSON text for QML Studio's files: readable, diffable, byte-stable.

:func:`dumps_document` writes objects with two-space indentation, keys in the order the
encoder built them (a designed order, never sorted or random), and anything wrapped in
:class:`Inline` on one line — one operation or one history epoch per line, so a diff shows the
gate that changed. Floats are written with ``repr`` (shortest text that reads back as the same
float), which makes save → load → save byte-identical.

:func:`parse_document` turns a file's bytes (read by
:func:`~qmlstudio.io.regular_file.read_regular_file`) into Python values.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

__all__ = ["Inline", "dumps_document", "parse_document"]

_INDENT = "  "


@dataclass(frozen=True, slots=True)
class Inline:
    """A JSON value to be written on a single line."""

    value: object


def _scalar(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def _write(value: object, depth: int) -> str:
    if isinstance(value, Inline):
        return _compact(value.value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = "\n" + _INDENT * (depth + 1)
        body = ",".join(f"{pad}{_scalar(key)}: {_write(item, depth + 1)}"
                        for key, item in value.items())
        return "{" + body + "\n" + _INDENT * depth + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        pad = "\n" + _INDENT * (depth + 1)
        body = ",".join(pad + _write(item, depth + 1) for item in value)
        return "[" + body + "\n" + _INDENT * depth + "]"
    return _scalar(value)


def dumps_document(document: dict) -> str:
    """The text of ``document`` (ends with a newline).

    Raises ``ValueError`` for a non-finite float (JSON has none) and ``TypeError`` for a value
    JSON cannot hold; callers turn these into their own error.
    """
    return _write(document, 0) + "\n"


def _keep_constant(name: str) -> float:
    # JSON has no NaN/Infinity, but Python's reader accepts them. Keep them as floats so the
    # schema reader rejects them at their JSON path instead of failing the whole parse.
    return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[name]


def parse_document(data: bytes) -> object:
    """Parse UTF-8 JSON bytes (a leading byte-order mark is allowed).

    Raises ``ValueError`` with a readable reason (bad encoding, bad JSON with line and column,
    nesting too deep, an integer too long); the caller adds the file name.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (byte {error.start}: {error.reason})") from None
    if not text.strip():
        raise ValueError("the file is empty")
    try:
        return json.loads(text, parse_constant=_keep_constant)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise ValueError(f"not valid JSON ({error})") from None
