"""Where a project's data comes from: :class:`DatasetSpec`.

A data set is one of three kinds:

* ``"builtin"`` — a seeded generator (moons, circles, xor, spirals, blobs, sine) or a bundled
  real data set (iris, wine, breast_cancer), named by ``name`` with generator ``params``;
* ``"csv"`` — a CSV file at ``path`` whose SHA-256 ``sha256`` was recorded when it was chosen,
  read with ``delimiter`` and ``header``, with its column roles (``label_column`` and
  ``feature_columns``);
* ``"embedded"`` — a small table kept inside the project (``columns`` and ``rows``), with the
  same column roles as a CSV.

This is only the *reference* to the data; reading and generating it is the ML layer's job.
``status`` and ``message`` are set by the project loader when a CSV has gone missing or
changed since the project was saved; they are never written to the file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields, replace

from qmlstudio.core.errors import ProjectError
from qmlstudio.core.project_fields import (
    Scalar,
    as_tuple,
    check_bool,
    check_choice,
    check_int,
    check_pairs,
    check_scalar,
    check_text,
)

__all__ = ["BUILTIN_DATASETS", "DATASET_KINDS", "DATASET_STATUSES", "MAX_EMBEDDED_CELLS",
           "Column", "DatasetSpec"]

DATASET_KINDS = ("builtin", "csv", "embedded")
BUILTIN_DATASETS = (
    "moons", "circles", "xor", "spirals", "blobs", "sine", "iris", "wine", "breast_cancer",
)
"""Generators (first six) and bundled real data sets a ``"builtin"`` spec may name."""
DATASET_STATUSES = ("ok", "missing", "changed")
MAX_EMBEDDED_CELLS = 100_000
"""An embedded table is for small data; larger data belongs in a CSV beside the project."""

Column = int | str
"""A column by 0-based position or by header name."""

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    """A reference to a project's data set (see the module docstring for the three kinds).

    ``params`` is stored as ``(name, value)`` pairs sorted by name; a mapping is accepted.
    ``path`` is the CSV's location: absolute after loading a project; a relative path is
    taken relative to the current directory when saving. An empty ``feature_columns`` means
    "every column except the label". Build specs with :meth:`builtin`, :meth:`csv` or
    :meth:`embedded`.
    """

    kind: str = "builtin"
    name: str = "moons"
    params: tuple[tuple[str, Scalar], ...] = ()
    path: str = ""
    sha256: str = ""
    delimiter: str = ","
    header: bool = True
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Scalar, ...], ...] = ()
    label_column: Column | None = None
    feature_columns: tuple[Column, ...] = ()
    status: str = "ok"
    message: str = ""

    def __post_init__(self) -> None:
        check_choice(self.kind, "kind", DATASET_KINDS)
        set_ = object.__setattr__
        set_(self, "params", check_pairs(self.params, "params"))
        set_(self, "columns", as_tuple(self.columns, "columns"))
        set_(self, "rows", tuple(as_tuple(row, f"rows[{r}]")
                                 for r, row in enumerate(as_tuple(self.rows, "rows"))))
        set_(self, "feature_columns", as_tuple(self.feature_columns, "feature_columns"))
        check_choice(self.status, "status", DATASET_STATUSES)
        check_text(self.message, "message")
        if self.kind == "builtin":
            check_choice(self.name, "name", BUILTIN_DATASETS)
            self._require_default("path", "sha256", "delimiter", "header", "columns", "rows",
                                  "label_column", "feature_columns")
        else:
            check_text(self.name, "name")
            self._require_default("params")
            if self.kind == "csv":
                self._check_csv()
            else:
                self._check_embedded()
            self._check_roles()
        if self.kind != "csv" and self.status != "ok":
            raise ProjectError(f"status: only a CSV data set can be {self.status!r}")

    def _require_default(self, *names: str) -> None:
        # One meaning per field: a builtin spec carrying a stale CSV path would compare unequal
        # to the same spec without it and would be written to the file for nothing.
        for name in names:
            if getattr(self, name) != _DEFAULTS[name]:
                raise ProjectError(f"{name}: not used by a {self.kind!r} data set")

    def _check_csv(self) -> None:
        check_text(self.path, "path", allow_empty=False)
        if "\0" in self.path:
            raise ProjectError("path: contains a NUL character")
        if not isinstance(self.sha256, str) or not _SHA256.fullmatch(self.sha256.lower()):
            raise ProjectError(f"sha256: expected 64 hexadecimal digits, got {self.sha256!r}")
        object.__setattr__(self, "sha256", self.sha256.lower())
        check_text(self.delimiter, "delimiter")
        if len(self.delimiter) != 1 or self.delimiter in "\"\r\n":
            raise ProjectError(
                f"delimiter: must be one character other than a quote or a line break, "
                f"got {self.delimiter!r}"
            )
        check_bool(self.header, "header")
        self._require_default("columns", "rows")

    def _check_embedded(self) -> None:
        self._require_default("path", "sha256", "delimiter", "header")
        if not self.columns:
            raise ProjectError("columns: an embedded data set needs at least one column")
        for i, column in enumerate(self.columns):
            check_text(column, f"columns[{i}]", allow_empty=False)
        if len(set(self.columns)) != len(self.columns):
            raise ProjectError(f"columns: names repeat: {list(self.columns)}")
        if len(self.rows) * len(self.columns) > MAX_EMBEDDED_CELLS:
            raise ProjectError(
                f"rows: {len(self.rows)} rows of {len(self.columns)} columns exceed the "
                f"{MAX_EMBEDDED_CELLS} cells a project may embed; save the data as a CSV instead"
            )
        for r, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ProjectError(
                    f"rows[{r}]: has {len(row)} values but there are {len(self.columns)} columns"
                )
            for c, cell in enumerate(row):
                # The common cell (a finite float or an int) without building its name: an
                # estimator embeds its whole training set on every fit.
                if not ((type(cell) is float and math.isfinite(cell)) or type(cell) is int):
                    check_scalar(cell, f"rows[{r}][{c}]")

    def _check_roles(self) -> None:
        if self.label_column is None:
            raise ProjectError("label_column: a CSV or embedded data set needs a label column")
        label = self._check_column(self.label_column, "label_column")
        seen = {label}
        for i, column in enumerate(self.feature_columns):
            key = self._check_column(column, f"feature_columns[{i}]")
            if key in seen:
                what = "is the label column" if key == label else "is listed twice"
                raise ProjectError(f"feature_columns[{i}]: column {column!r} {what}")
            seen.add(key)

    def _check_column(self, column: object, field: str) -> Column:
        """Validate a column reference; return its canonical form (an index if known)."""
        named = self.columns if self.kind == "embedded" else None
        if isinstance(column, str):
            check_text(column, field, allow_empty=False)
            if self.kind == "csv" and not self.header:
                raise ProjectError(f"{field}: a CSV without a header row names columns by "
                                   f"position, got {column!r}")
            if named is not None:
                if column not in named:
                    raise ProjectError(f"{field}: no column named {column!r}")
                return named.index(column)
            return column
        index = check_int(column, field, minimum=0)
        if named is not None and index >= len(named):
            raise ProjectError(f"{field}: column {index} does not exist in {len(named)} columns")
        return index

    # -- constructors and edits -----------------------------------------------------------
    @classmethod
    def builtin(cls, name: str, **params: Scalar) -> DatasetSpec:
        """A generated or bundled data set, e.g. ``DatasetSpec.builtin("moons", noise=0.1)``."""
        return cls("builtin", name, tuple(params.items()))

    @classmethod
    def csv(cls, path: str, sha256: str, label_column: Column, *,
            feature_columns: tuple[Column, ...] = (), delimiter: str = ",",
            header: bool = True, name: str = "") -> DatasetSpec:
        """A CSV file (``sha256`` of its bytes; ``qmlstudio.io.csv_dataset`` computes it)."""
        return cls("csv", name, (), str(path), sha256, delimiter, header,
                   label_column=label_column, feature_columns=tuple(feature_columns))

    @classmethod
    def embedded(cls, columns: tuple[str, ...], rows: tuple[tuple[Scalar, ...], ...],
                 label_column: Column, *, feature_columns: tuple[Column, ...] = (),
                 name: str = "") -> DatasetSpec:
        """A small table stored inside the project."""
        return cls("embedded", name, columns=tuple(columns), rows=tuple(rows),
                   label_column=label_column, feature_columns=tuple(feature_columns))

    @property
    def params_dict(self) -> dict[str, Scalar]:
        """The generator parameters as a dict."""
        return dict(self.params)

    def with_status(self, status: str, message: str = "") -> DatasetSpec:
        """A copy marked ``"ok"``, ``"missing"`` or ``"changed"`` with a message for the user."""
        return replace(self, status=status, message=message)


_DEFAULTS = {f.name: f.default for f in fields(DatasetSpec)}
