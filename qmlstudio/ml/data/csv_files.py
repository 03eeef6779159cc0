"""Reading a CSV file into a :class:`~qmlstudio.ml.data.dataset.Dataset`: :func:`load_csv`; into
its cells: :func:`read_csv_table`; and guessing its layout: :func:`sniff_csv`.

The file is read once as bytes (so its SHA-256 can be checked against a project's record
before use), decoded as UTF-8 (a byte-order mark is skipped; files that are not UTF-8 are read
as Latin-1, which never fails), and split by Python's C ``csv`` reader. Lines whose cells are
all empty (blank lines, the trailing ``,,,`` rows spreadsheets write) are skipped.

Row numbers in messages are the line numbers of the file counted from 1 with the header
included, as a text editor or a spreadsheet shows them. Columns are named by their header, or
numbered from 0 in a file without one (as ``feature_columns`` numbers them).

Guessing (only when ``delimiter`` or ``header`` is not given): the delimiter is the one of
``, ; tab | space`` that :class:`csv.Sniffer` picks, if it splits the first lines into the same
number (at least 2) of cells; otherwise the first of them that does; otherwise a comma. The
first row is a header when one of its cells is not a number while most other cells of that
column in the first lines are numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress

from qmlstudio.core.dataset_spec import Column
from qmlstudio.core.errors import DatasetError
from qmlstudio.engine.memory import available_bytes
from qmlstudio.io.file_kinds import wrong_kind
from qmlstudio.io.regular_file import open_regular_file
from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.data.table import MISSING_VALUES, Table, table_dataset

__all__ = ["DELIMITERS", "MAX_COLUMNS", "MAX_CSV_BYTES", "CsvFormat", "load_csv", "read_csv_table",
           "sniff_csv"]

DELIMITERS = ",;\t| "
"""The delimiters :func:`sniff_csv` considers, in order of preference."""
MAX_CSV_BYTES = 1 << 30
"""Files larger than this are refused before reading. Read at each load, so it can be lowered
(tests set it to a few bytes rather than writing gigabytes)."""
MEMORY_FACTOR = 10
"""Bytes of memory a CSV file takes while loading, per byte of file: its bytes, its text and one
Python string per cell (about 60 bytes for a 6-character number). A file whose size times this
exceeds the memory available now is refused before reading."""
MAX_COLUMNS = 100_000
"""Files whose first row has more columns than this are refused (a circuit encodes a few dozen
features; a million columns only costs seconds of work before any use)."""
_SAMPLE_LINES = 50
_SAMPLE_CHARS = 1 << 16


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """A CSV file's layout as guessed by :func:`sniff_csv`: its ``delimiter``, whether the
    first row is a ``header`` and the column names (``"column <i>"`` without a header)."""

    delimiter: str
    header: bool
    columns: tuple[str, ...]


def _human(n_bytes: int) -> str:
    if n_bytes < 1024:
        return f"{n_bytes} bytes"
    size, power = float(n_bytes), 0
    while size >= 1024 and power < 4:
        size, power = size / 1024, power + 1
    return f"{size:.1f} {['bytes', 'KiB', 'MiB', 'GiB', 'TiB'][power]} ({n_bytes:,} bytes)"


def _check_size(path: str, size: int) -> None:
    """Refuse a file of ``size`` bytes that is over :data:`MAX_CSV_BYTES` or would not fit in
    the memory available now; the message names both sizes."""
    if size > MAX_CSV_BYTES:
        raise DatasetError(f"{path}: the file is {_human(size)}, larger than the "
                           f"{_human(MAX_CSV_BYTES)} limit for data files")
    free = available_bytes()
    if size * MEMORY_FACTOR > free:
        raise DatasetError(f"{path}: the file is {_human(size)}; loading it needs about "
                           f"{_human(size * MEMORY_FACTOR)} of memory but only {_human(free)} "
                           f"is available")


def _read_bytes(path: str) -> bytes:
    # A folder, pipe or device is refused before it is opened (reading a pipe blocks).
    with open_regular_file(path, DatasetError, "a data file") as handle:
        _check_size(path, os.fstat(handle.fileno()).st_size)
        try:
            return handle.read()
        except OSError as error:
            raise DatasetError(f"{path}: cannot be read ({error.strerror or error})") from None


def _decode(data: bytes, path: str) -> str:
    other = wrong_kind(path, data, "csv")  # a project or circuit given where data goes
    if other is not None:
        raise DatasetError(other)
    if b"\0" in data[:_SAMPLE_CHARS]:
        raise DatasetError(f"{path}: not a text file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if not text.strip():
        raise DatasetError(f"{path}: the file is empty")
    return text


def _reader(text: str, delimiter: str):
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)


def _sample_rows(text: str, delimiter: str) -> list[list[str]]:
    rows = []
    try:
        for row in _reader(text, delimiter):
            if any(row):
                rows.append(row)
                if len(rows) == _SAMPLE_LINES:
                    break
    except csv.Error:
        return []
    return rows


def _splits_evenly(text: str, delimiter: str) -> bool:
    rows = _sample_rows(text, delimiter)
    return bool(rows) and len(rows[0]) >= 2 and all(len(row) == len(rows[0]) for row in rows)


def _guess_delimiter(sample: str) -> str:
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed is not None and _splits_evenly(sample, sniffed):
        return sniffed
    return next((d for d in DELIMITERS if _splits_evenly(sample, d)), ",")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _guess_header(rows: list[list[str]]) -> bool:
    if len(rows) < 2:
        return False
    first, rest = rows[0], rows[1:]
    for i, cell in enumerate(first):
        if cell.strip().lower() in MISSING_VALUES or _is_number(cell):
            continue
        below = [row[i] for row in rest if i < len(row)
                 and row[i].strip().lower() not in MISSING_VALUES]
        if below and 2 * sum(map(_is_number, below)) > len(below):  # a bad cell may hide
            return True
    return False


def _end_of_two_rows(text: str) -> int:
    """Where the second line of ``text`` with a cell in it ends (looking at most
    :data:`_SAMPLE_LINES` lines down; the end of the text if it comes first)."""
    end = found = 0
    for _ in range(_SAMPLE_LINES):
        newline = text.find("\n", end)
        start, end = end, len(text) if newline < 0 else newline + 1
        found += bool(text[start:end].strip(DELIMITERS + "\r\n"))
        if found == 2 or end == len(text):
            break
    return end


def _format(text: str, delimiter: str | None, header: bool | None, source: str) -> CsvFormat:
    """The layout of ``text`` (from ``source``): what is not given is guessed from its first
    lines."""
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in sample:
        sample = sample[:sample.rindex("\n") + 1]  # whole lines only
    if delimiter is None:
        delimiter = _guess_delimiter(sample)
    # The header guess compares the first row with those below, so it needs two whole rows
    # even when the first is longer than the sample (a header naming thousands of columns).
    rows = _sample_rows(text[:max(len(sample), _end_of_two_rows(text))], delimiter)
    if header is None:
        header = _guess_header(rows)
    width = len(rows[0]) if rows else 0
    if width > MAX_COLUMNS:
        raise DatasetError(f"{source}: the first row has {width:,} columns; at most "
                           f"{MAX_COLUMNS:,} are supported")
    names = (tuple(c.strip() for c in rows[0]) if header and rows
             else tuple(f"column {i}" for i in range(width)))
    return CsvFormat(delimiter, header, names)


def sniff_csv(path: str | os.PathLike) -> CsvFormat:
    """Guess the delimiter and header of the CSV file at ``path`` (see the module docstring)."""
    path = os.fspath(path)
    return _format(_decode(_read_bytes(path), path), None, None, path)


def _rows_with_line_numbers(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    reader = _reader(text, delimiter)
    rows, row_numbers = [], []
    line = 1
    for row in reader:
        if any(row):
            rows.append(row)
            row_numbers.append(line)
        line = reader.line_num + 1
    return rows, row_numbers


def _table(text: str, source: str, delimiter: str, header: bool) -> Table:
    reader = _reader(text, delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise DatasetError(f"{source}, row {reader.line_num}: {error}") from None
    if reader.line_num == len(rows):  # one line per row: line numbers follow the row index
        kept = list(map(any, rows))
        row_numbers: Sequence[int] = [i for i, keep in enumerate(kept, 1) if keep]
        if len(row_numbers) != len(rows):
            rows = list(compress(rows, kept))
    else:  # quoted line breaks: read again, noting where each row starts
        rows, row_numbers = _rows_with_line_numbers(text, delimiter)
    if not rows:
        raise DatasetError(f"{source}: no data rows (every line is empty)")
    names = None
    if header:
        names = tuple(rows[0])
        rows, row_numbers = rows[1:], row_numbers[1:]
        if not rows:
            raise DatasetError(f"{source}: no data rows (only a header row)")
    width = len(names) if names is not None else len(rows[0])
    lengths = list(map(len, rows))
    if lengths.count(width) != len(rows):
        row = next(i for i, n in enumerate(lengths) if n != width)
        first = "the header has" if names is not None else f"row {row_numbers[0]} has"
        raise DatasetError(f"{source}, row {row_numbers[row]}: {lengths[row]} values, but "
                           f"{first} {width} columns (is the delimiter {delimiter!r} right?)")
    return Table(source, rows, row_numbers, names)


def read_csv_table(path: str | os.PathLike, delimiter: str | None = None,
                   header: bool | None = None,
                   sha256: str | None = None) -> tuple[Table, CsvFormat, str]:
    """The cells of the CSV file at ``path``, its layout (``delimiter`` and ``header`` guessed
    when None) and the SHA-256 of the bytes read. With ``sha256``, the bytes must have that
    hash, checked before anything is parsed (a changed file is reported as changed, not by
    whatever no longer parses). Problems raise :class:`DatasetError`."""
    path = os.fspath(path)
    data = _read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    if sha256 is not None and digest != sha256.lower():
        raise DatasetError(f"{path}: the file has changed since it was chosen (its SHA-256 "
                           f"differs); check it, then choose it again")
    text = _decode(data, path)
    layout = _format(text, delimiter, header, path)
    table = _table(text, os.path.basename(path), layout.delimiter, layout.header)
    return table, layout, digest


def load_csv(path: str | os.PathLike, label_column: Column | None = None,
             feature_columns: Sequence[Column] = (), *, delimiter: str | None = None,
             header: bool | None = None, task: str | None = None,
             max_features: int | None = None, sha256: str | None = None,
             name: str = "") -> Dataset:
    """The data set in the CSV file at ``path``.

    ``label_column`` defaults to the last column and ``feature_columns`` (names, or numbers
    from 0) to all the others. ``delimiter`` and ``header`` are guessed when None. ``task``
    and ``max_features`` are as in :func:`~qmlstudio.ml.data.table.table_dataset`. With
    ``sha256``, the file's bytes must have that hash (the one a project recorded), so the data
    used is exactly the data the project was made with. Every problem raises
    :class:`DatasetError` naming the file and, where it applies, the row and column.
    """
    path = os.fspath(path)
    table = read_csv_table(path, delimiter, header, sha256)[0]
    return table_dataset(table, label_column, feature_columns, task=task,
                         max_features=max_features, name=name)
