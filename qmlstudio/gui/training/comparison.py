"""The comparison of the trained circuit with classical baselines: :class:`ComparisonTable`.

It draws the rows of :func:`~qmlstudio.viewmodels.result_comparison.comparison_rows`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from qmlstudio.viewmodels.result_comparison import FinalResults, comparison_rows

__all__ = ["ComparisonTable"]


class ComparisonTable(QTableWidget):
    """Metric rows (test part first); columns: the quantum model, then each classical
    baseline."""

    def __init__(self, parent=None) -> None:
        super().__init__(0, 1, parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # Each column as wide as its numbers and two-line name, the spare width shared out
        # evenly (_fit_columns); the table is never narrower than that (see show_results), so
        # nothing clips.
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setHorizontalHeaderLabels(["Quantum model"])
        self.setToolTip("The baselines are classical models (logistic regression, an RBF SVM, "
                        "an MLP and a random forest for classes; their regressors for targets) "
                        "fitted on the same preprocessed training rows and scored on the same "
                        "parts with the same metrics.")
        self._values: dict[str, tuple[float | None, ...]] = {}

    def values(self) -> dict[str, tuple[float | None, ...]]:
        """``{"test_accuracy": (quantum, baseline 1, baseline 2, ...), ...}`` as shown."""
        return dict(self._values)

    def show_results(self, results: FinalResults) -> None:
        """Fill the table from ``results``."""
        headers = ["Quantum model", *results.baseline_names]
        self.setColumnCount(len(headers))
        # Two-word names on two lines: five columns share a laptop-width dock unclipped.
        self.setHorizontalHeaderLabels([name.replace(" ", "\n", 1) for name in headers])
        for column, name in enumerate(headers):
            self.horizontalHeaderItem(column).setToolTip(name)
        rows = comparison_rows(results)
        self._values = {row.name: (row.quantum, *row.baselines) for row in rows}
        self.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for column, value in enumerate(self._values[row.name]):
                text = "—" if value is None else f"{value:.3f}"
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(index, column, item)
        self.setVerticalHeaderLabels([row.label for row in rows])
        self.setMinimumWidth(self.verticalHeader().sizeHint().width() + 2 * self.frameWidth()
                             + sum(self._content_widths()))
        self._fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._fit_columns()

    def _content_widths(self) -> list[int]:
        """Each column's width for its numbers and its header."""
        header = self.horizontalHeader()
        return [max(self.sizeHintForColumn(c), header.sectionSizeHint(c))
                for c in range(self.columnCount())]

    def _fit_columns(self) -> None:
        """Columns as wide as their contents, the spare width shared out evenly (not all to
        the last column)."""
        widths = self._content_widths()
        spare = max(0, self.viewport().width() - sum(widths))
        for column, width in enumerate(widths):
            share = spare // len(widths) + (column < spare % len(widths))
            self.horizontalHeader().resizeSection(column, width + share)

    def clear_results(self) -> None:
        """Empty the table."""
        self._values = {}
        self.setRowCount(0)
