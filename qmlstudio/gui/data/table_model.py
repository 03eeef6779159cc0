"""The data panel's preview table: :class:`DataTableModel` over a :class:`DataView`.

Nothing is converted up front: ``data()`` asks the view for one cell and formats it when the
table draws it, so a 100k-row file costs only the rows on screen (no per-cell items). The
label column is highlighted (tinted and bold, ``(label)`` in its header); columns that are
neither label nor feature are greyed, so the roles read at a glance. Row headers are the
file's line numbers, the numbers error messages use.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from qmlstudio.gui.theme.themes import active_theme
from qmlstudio.viewmodels.data_view import DataView

__all__ = ["DataTableModel"]


Index = QModelIndex | QPersistentModelIndex


class DataTableModel(QAbstractTableModel):
    """Read-only rows of a :class:`DataView` (empty until :meth:`set_view`)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._view: DataView | None = None
        self._columns: tuple[str, ...] = ()
        self._features: frozenset[int] = frozenset()
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def view(self) -> DataView | None:
        """The data shown (None if none)."""
        return self._view

    @property
    def label_column(self) -> int:
        """The position of the highlighted label column (-1 if nothing is shown)."""
        return -1 if self._view is None else self._view.label_index

    def set_view(self, view: DataView | None) -> None:
        """Show ``view`` (None: nothing)."""
        self.beginResetModel()
        self._view = view
        self._columns = () if view is None else view.columns
        self._features = frozenset() if view is None else frozenset(view.feature_indices)
        self.endResetModel()

    # -- QAbstractTableModel ---------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        """Number of data rows (0 under a valid parent: this is a flat table)."""
        return 0 if parent.isValid() or self._view is None else self._view.n_rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns of the file (or features + label)."""
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        """The cell text, formatted on demand, and the role highlighting."""
        view = self._view
        if view is None or not index.isValid():
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = view.cell(index.row(), column)
            return f"{value:.6g}" if isinstance(value, float) else value
        if role == Qt.ItemDataRole.BackgroundRole and column == view.label_index:
            return QBrush(QColor(active_theme().label_column))  # the theme of now
        if role == Qt.ItemDataRole.FontRole and column == view.label_index:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and column != view.label_index \
                and column not in self._features:
            return QBrush(QColor(active_theme().unused_column))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        """Column names (the label's marked) and the file's line numbers."""
        view = self._view
        if view is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._columns):
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                name = self._columns[section]
                return f"{name} (label)" if section == view.label_index else name
            if role == Qt.ItemDataRole.FontRole and section == view.label_index:
                return self._bold
            if role == Qt.ItemDataRole.ToolTipRole:
                if section == view.label_index:
                    return "The label column (what the model learns to predict)"
                return "A feature column" if section in self._features else "Not used"
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < view.n_rows:
            return str(view.row_number(section))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable, never editable (the data lives in the file)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
