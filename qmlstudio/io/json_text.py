"""JSON text for QML Studio's files: readable, diffable, byte-stable.

:func:`dumps_document` writes objects with two-space indentation, keys in the order the
encoder built them (a designed order, never sorted or random), and anything wrapped in
:class:`Inline` on one line — one operation or one history epoch per line, so a diff shows the
gate that changed. Floats are written with ``repr`` (shortest text that reads back as the same
float), which makes save → load → save byte-identical.

:func:`read_document_bytes` reads a file of at most a given size (refusing folders, devices and
pipes) and :func:`parse_document` turns its bytes into Python values; both name the file in
any error.
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass

__all__ = ["Inline", "dumps_document", "parse_document", "read_document_bytes"]

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


def read_document_bytes(path: str, max_bytes: int, error: type[Exception], what: str) -> bytes:
    """The bytes of the regular file ``path``; ``error`` names the file and the problem (``what``
    is the kind of file, e.g. ``"project file"``)."""
    try:
        info = os.stat(path)
        regular = stat.S_ISREG(info.st_mode)
        if regular and info.st_size <= max_bytes:
            with open(path, "rb") as handle:
                return handle.read()
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except (OSError, ValueError) as problem:  # ValueError: a NUL character in the path
        reason = getattr(problem, "strerror", None) or problem
        raise error(f"{path}: cannot be read ({reason})") from None
    if not regular:  # a folder, a device or a pipe (reading a pipe could block forever)
        raise error(f"{path}: not a {what} (not a regular file)")
    raise error(f"{path}: not a {what} ({info.st_size} bytes is too large)")
