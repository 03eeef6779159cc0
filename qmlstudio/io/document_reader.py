"""Typed, path-tracking access to a parsed JSON document.

Every read names where it is in the document, so any problem becomes one error of the
caller's type (``ProjectError`` for projects) with the file, the JSON path and the reason::

    reader = DocumentReader(document, source="moons.qmlproj")
    n = reader.section("circuit").integer("n_qubits", minimum=1)
    # moons.qmlproj: circuit.n_qubits: expected an integer, got the text '4'
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import NoReturn

from qmlstudio.core.errors import CircuitError, ProjectError, QMLStudioError

__all__ = ["REQUIRED", "DocumentReader", "describe", "read_header"]

REQUIRED = object()
"""Default marker: the field must be present."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def describe(value: object) -> str:
    """A short phrase naming a JSON value and its type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        text = str(value) if value.bit_length() < 200 else "a huge integer"
        return f"the integer {text}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {text!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class DocumentReader:
    """A value of a parsed JSON document together with its JSON path."""

    # The path is kept as (parent, key) and only spelled out when something fails: readers
    # are made for every value of a circuit with 10^5 operations.
    __slots__ = ("_key", "_parent", "_root_path", "error", "source", "value")

    def __init__(self, value: object, path: str = "", *, source: str = "",
                 error: type[QMLStudioError] = ProjectError) -> None:
        self.value = value
        self.source = source
        self.error = error
        self._root_path = path
        self._parent: DocumentReader | None = None
        self._key: str | int | None = None

    # -- paths and failures ----------------------------------------------------------------
    @property
    def path(self) -> str:
        """The JSON path of this value, e.g. ``circuit.operations[3].wires[1]``."""
        if self._parent is None:
            return self._root_path
        return self._parent.where(self._key)

    def where(self, key: str | int | None = None) -> str:
        """The JSON path of this value, or of its member ``key``."""
        path = self.path
        if key is None:
            return path
        if isinstance(key, int):
            return f"{path}[{key}]"
        if not _NAME.fullmatch(key):
            return f"{path}[{_quote(key)}]"
        return f"{path}.{key}" if path else key

    def fail(self, problem: str, key: str | int | None = None) -> NoReturn:
        """Raise the reader's error for this value (or its member ``key``)."""
        where = self.where(key)
        prefix = f"{self.source}: " if self.source else ""
        raise self.error(f"{prefix}{where}: {problem}" if where else f"{prefix}{problem}")

    @contextmanager
    def converting(self) -> Iterator[None]:
        """Report errors raised while building a value from this part of the document.

        Core project values raise ``ProjectError("<field>: <problem>")``: the field path is
        joined to this reader's path. A ``CircuitError`` is reported at this path.
        """
        try:
            yield
        except ProjectError as error:
            message = str(error)
            if self.path:
                message = self.path + ("" if message.startswith("[") else ".") + message
            prefix = f"{self.source}: " if self.source else ""
            raise self.error(prefix + message) from None
        except CircuitError as error:
            self.fail(str(error))

    def child(self, key: str | int, value: object) -> DocumentReader:
        """A reader for ``value`` found at member ``key`` of this value."""
        reader = DocumentReader.__new__(DocumentReader)
        reader.value = value
        reader.source = self.source
        reader.error = self.error
        reader._root_path = ""
        reader._parent = self
        reader._key = key
        return reader

    # -- containers ------------------------------------------------------------------------
    def object(self, allowed: Iterable[str] | None = None) -> dict:
        """This value as a JSON object; with ``allowed``, any other key is an error."""
        if not isinstance(self.value, dict):
            self.fail(f"expected an object, got {describe(self.value)}")
        if allowed is not None:
            allowed = tuple(allowed)
            for key in self.value:
                if key not in allowed:
                    self.fail(f"unknown field (expected one of: {', '.join(allowed)})", key)
        return self.value

    def field(self, key: str, default: object = REQUIRED) -> DocumentReader:
        """A reader for member ``key`` (or for ``default`` if it is absent)."""
        members = self.object()
        if key in members:
            return self.child(key, members[key])
        if default is REQUIRED:
            self.fail("missing field", key)
        return self.child(key, default)

    def section(self, key: str, allowed: Iterable[str] | None = None,
                default: object = REQUIRED) -> DocumentReader:
        """Member ``key``, which must be an object (keys limited to ``allowed`` if given)."""
        reader = self.field(key, default)
        reader.object(allowed)
        return reader

    def items(self) -> list[DocumentReader]:
        """Readers for the elements of this value, which must be a list."""
        if not isinstance(self.value, list):
            self.fail(f"expected a list, got {describe(self.value)}")
        return [self.child(i, item) for i, item in enumerate(self.value)]

    @property
    def is_null(self) -> bool:
        """True if this value is JSON ``null``."""
        return self.value is None

    # -- scalars ---------------------------------------------------------------------------
    def as_int(self, minimum: int | None = None, maximum: int | None = None) -> int:
        """This value as an integer within ``[minimum, maximum]``."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"expected an integer, got {describe(value)}")
        if minimum is not None and value < minimum:
            self.fail(f"must be at least {minimum}, got {describe(value)}")
        if maximum is not None and value > maximum:
            self.fail(f"must be at most {maximum}, got {describe(value)}")
        return value

    def as_float(self) -> float:
        """This value as a finite float (JSON integers are accepted)."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"expected a number, got {describe(value)}")
        try:
            number = float(value)
        except OverflowError:
            self.fail(f"number too large, got {describe(value)}")
        if not math.isfinite(number):
            self.fail(f"must be a finite number, got {number}")
        return number

    def as_str(self, choices: Iterable[str] | None = None) -> str:
        """This value as a text (one of ``choices`` if given)."""
        value = self.value
        if not isinstance(value, str):
            self.fail(f"expected text, got {describe(value)}")
        try:
            value.encode("utf-8")  # JSON escapes can smuggle in lone surrogates
        except UnicodeEncodeError:
            self.fail("text is not valid Unicode (it contains a lone surrogate)")
        if choices is not None:
            choices = tuple(choices)
            if value not in choices:
                self.fail(f"must be one of {', '.join(map(repr, choices))}, got {describe(value)}")
        return value

    def as_bool(self) -> bool:
        """This value as true/false."""
        if not isinstance(self.value, bool):
            self.fail(f"expected true or false, got {describe(self.value)}")
        return self.value

    def as_scalar(self) -> bool | int | float | str:
        """This value as a JSON scalar: a number, true/false or a text."""
        value = self.value
        if isinstance(value, float):
            return self.as_float()
        if isinstance(value, bool | int):
            return value
        if isinstance(value, str):
            return self.as_str()
        self.fail(f"expected a number, true/false or text, got {describe(value)}")

    def as_floats(self) -> tuple[float, ...]:
        """This value as a list of finite numbers."""
        return tuple(item.as_float() for item in self.items())

    # -- shortcuts for members -------------------------------------------------------------
    def integer(self, key: str, default: object = REQUIRED, *, minimum: int | None = None,
                maximum: int | None = None) -> int:
        """Member ``key`` as an integer."""
        return self.field(key, default).as_int(minimum, maximum)

    def optional_integer(self, key: str, minimum: int | None = None) -> int | None:
        """Member ``key`` as an integer, or None if it is null or absent."""
        reader = self.field(key, None)
        return None if reader.is_null else reader.as_int(minimum)

    def number(self, key: str, default: object = REQUIRED) -> float:
        """Member ``key`` as a finite float."""
        return self.field(key, default).as_float()

    def text(self, key: str, default: object = REQUIRED,
             choices: Iterable[str] | None = None) -> str:
        """Member ``key`` as a text."""
        return self.field(key, default).as_str(choices)

    def boolean(self, key: str, default: object = REQUIRED) -> bool:
        """Member ``key`` as true/false."""
        return self.field(key, default).as_bool()

    def floats(self, key: str, default: object = REQUIRED) -> tuple[float, ...]:
        """Member ``key`` as a list of finite numbers."""
        return self.field(key, default).as_floats()


def _quote(key: str) -> str:
    # JSON escapes keep odd keys (quotes, control or surrogate characters) printable.
    return json.dumps(key if len(key) <= 40 else key[:37] + "...")


def read_header(reader: DocumentReader, expected_format: str, what: str, current: int,
                oldest: int, writer_version: str) -> int:
    """Check a file's ``format`` and ``schema_version``; return the schema version.

    ``what`` names the kind of file ("project", "model"); a schema newer than ``current``
    names the QML Studio version that wrote it. (A file of another known kind is told apart
    before, by :func:`~qmlstudio.io.file_kinds.wrong_kind`.)
    """
    document = reader.object()
    if "format" not in document:
        reader.fail(f'not a QML Studio {what} (it has no "format" field)')
    kind = reader.field("format")
    if kind.value != expected_format:
        kind.fail(f"expected {expected_format!r}, got {describe(kind.value)}: not a QML Studio "
                  f"{what}")
    version = reader.integer("schema_version", minimum=oldest)
    if version > current:
        writer = document.get("qmlstudio")
        by = f"QML Studio {writer}" if isinstance(writer, str) else "a newer QML Studio"
        older = " and older" if oldest < current else ""
        reader.fail(f"schema {version} was written by {by}; QML Studio {writer_version} reads "
                    f"schema {current}{older}, please update", "schema_version")
    return version
