"""A table of :class:`~qmlstudio.viewmodels.noise_table.NoiseRow` s whose value column is
edited in place.

The model does not change the rows itself: a typed value goes to the ``commit`` callback the
panel gives (which makes it one undoable document edit, or refuses it with the reason), and the
rows come back through :meth:`NoiseTableModel.set_rows` when the document's project changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from qmlstudio.viewmodels.noise_table import HEADER_TIPS, NoiseRow

__all__ = ["NoiseTableModel"]

Index = QModelIndex | QPersistentModelIndex
VALUE_COLUMN = 2
"""The editable column of both tables (see ``GATE_HEADERS`` and ``READOUT_HEADERS``)."""


class NoiseTableModel(QAbstractTableModel):
    """Rows under ``headers``; ``commit(row, text)`` is asked to apply a typed value and
    returns whether it was taken."""

    def __init__(self, headers: tuple[str, ...], commit: Callable[[NoiseRow, str], bool],
                 parent=None) -> None:
        super().__init__(parent)
        self._headers = headers
        self._commit = commit
        self._rows: tuple[NoiseRow, ...] = ()

    @property
    def rows(self) -> tuple[NoiseRow, ...]:
        """The rows shown."""
        return self._rows

    def set_rows(self, rows: tuple[NoiseRow, ...]) -> None:
        """Show ``rows``: new values of the same rows (an edit, undo) update in place, so the
        view keeps its scroll position and current cell; other rows reset the table."""
        if len(rows) == len(self._rows) and all(
                new.place == old.place for new, old in zip(rows, self._rows, strict=True)):
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(rows) - 1, len(self._headers) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    # -- QAbstractTableModel ---------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        """Number of rows (0 under a valid parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        """The cell's text (also what the editor starts from), numbers right-aligned."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                    Qt.ItemDataRole.ToolTipRole):
            return row.cells[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= VALUE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        """The column names, and what a column means as its tooltip."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(self._headers[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable; the value cell of a row with a number is editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == VALUE_COLUMN and self._rows[index.row()].value is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Hand a typed value to ``commit`` (the rows change when the document does)."""
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or \
                not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        row = self._rows[index.row()]
        if str(value).strip() == row.cells[VALUE_COLUMN]:
            return False  # opened and left unchanged: no edit
        return self._commit(row, str(value))
