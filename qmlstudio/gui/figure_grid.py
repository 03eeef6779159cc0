"""Figures arranged to fit: :class:`FigureGrid`, a grid that spills over into tabs.

Every figure shown gets at least :data:`MIN_FIGURE_WIDTH` × :data:`MIN_FIGURE_HEIGHT`, or its
own minimum width when that is more (a table of numbers, whose width depends on the font).
Figures fill rows in the order they were added, as many across as their minimum widths fit
(at most :data:`MAX_COLUMNS`); as many rows as fit go onto one page, and when they do not all
fit, the rest go onto further pages, one tab each, named after their figures. So a laptop's
short plots dock shows a row of three figures per tab, and a tall one shows every figure at
once — nothing has to scroll, and nothing is squashed to a sliver.
"""

from __future__ import annotations

import math

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from qmlstudio.gui.theme.metrics import SPACING

__all__ = ["MAX_COLUMNS", "MIN_FIGURE_HEIGHT", "MIN_FIGURE_WIDTH", "FigureGrid"]

MIN_FIGURE_WIDTH = 260
"""Narrower, a plot's tick labels and title would crowd."""
MIN_FIGURE_HEIGHT = 150
"""Shorter, a plot's tick labels would overlap."""
MAX_COLUMNS = 3


class FigureGrid(QTabWidget):
    """Named figures laid out by :meth:`arrange` (see the module docstring); the tab bar shows
    only when there is more than one page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabBarAutoHide(True)
        self.setDocumentMode(True)  # no frame around the pages: the figures are the content
        self._figures: dict[str, tuple[str, QWidget]] = {}
        self._shown: dict[str, bool] = {}
        self._stretch: dict[str, int] = {}
        self._plan: tuple | None = None
        self._pages: list[list[str]] = []  # the figures on each page
        self._parking = QWidget(self)  # holds the figures not shown (Qt widgets need a parent)
        self._parking.hide()

    def add_figure(self, key: str, title: str, widget: QWidget, shown: bool = True,
                   stretch: int = 1) -> None:
        """Add ``widget`` as figure ``key``; ``title`` names it on a tab; it takes ``stretch``
        shares of its row's width (a table of numbers needs more than a plot). A figure whose
        minimum width grows later (a table filled) is placed anew at the next
        :meth:`arrange`."""
        widget.setMinimumSize(max(MIN_FIGURE_WIDTH, widget.minimumWidth()), MIN_FIGURE_HEIGHT)
        widget.setParent(self._parking)
        self._figures[key] = (title, widget)
        self._stretch[key] = stretch
        self._shown[key] = shown
        self.arrange()

    def set_shown(self, **shown: bool) -> None:
        """Show or hide figures by key (``boundary=True``) and arrange what is shown."""
        self._shown.update(shown)
        self.arrange()

    def set_title(self, key: str, title: str) -> None:
        """Rename figure ``key`` (its tab's name follows)."""
        if self._figures[key][0] != title:
            self._figures[key] = (title, self._figures[key][1])
            self._name_tabs()

    def page_of(self, key: str) -> int | None:
        """The index of the page showing figure ``key`` (None if it is not shown)."""
        for index in range(self.count()):
            if self._figures[key][1].parent() is self.widget(index):
                return index
        return None

    def shows(self, key: str) -> bool:
        """True if figure ``key`` is on the page in view."""
        page = self.page_of(key)
        return page is not None and page == self.currentIndex()

    def minimumSizeHint(self):  # Qt override
        hint = super().minimumSizeHint()
        hint.setWidth(MIN_FIGURE_WIDTH)
        hint.setHeight(MIN_FIGURE_HEIGHT + self.tabBar().sizeHint().height())
        return hint

    def sizeHint(self):  # Qt override: every figure at once, three across
        hint = super().sizeHint()
        rows = math.ceil(max(sum(self._shown.values()), 1) / MAX_COLUMNS)
        hint.setWidth(MAX_COLUMNS * (MIN_FIGURE_WIDTH + SPACING) + 60)
        hint.setHeight(rows * (MIN_FIGURE_HEIGHT + SPACING) + 60)
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.arrange()

    def arrange(self) -> None:
        """Lay the shown figures out for the current size (nothing happens if the layout
        stays the same)."""
        pages = self._paginate(self._rows([key for key in self._figures if self._shown[key]]))
        if pages == self._plan:
            return
        self._plan = pages
        current = self.currentIndex()
        for _title, widget in self._figures.values():
            widget.setParent(self._parking)  # out of the old pages before they go
        while self.count():
            page = self.widget(0)
            self.removeTab(0)
            page.deleteLater()
        self._pages = [[key for row in rows for key in row] for rows in pages]
        for rows in pages:
            page = QWidget()
            column = QVBoxLayout(page)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(SPACING)
            for keys in rows:
                row = QHBoxLayout()
                row.setSpacing(SPACING)
                for key in keys:
                    widget = self._figures[key][1]
                    row.addWidget(widget, self._stretch[key])
                    widget.show()
                column.addLayout(row, 1)  # equal rows, whatever a figure's size hint
            self.addTab(page, "")
        self._name_tabs()
        self.setCurrentIndex(min(max(current, 0), self.count() - 1))

    def _name_tabs(self) -> None:
        for index, keys in enumerate(self._pages):
            self.setTabText(index, " · ".join(self._figures[key][0] for key in keys))

    def _rows(self, keys: list[str]) -> list[tuple[str, ...]]:
        """``keys`` in rows as wide as the current width, by each figure's minimum width."""
        rows: list[tuple[str, ...]] = []
        row: list[str] = []
        used = 0
        for key in keys:
            need = self._figures[key][1].minimumWidth()
            if row and (len(row) == MAX_COLUMNS or used + SPACING + need > self.width()):
                rows.append(tuple(row))
                row, used = [], 0
            used += need + (SPACING if row else 0)
            row.append(key)
        return [*rows, tuple(row)] if row else rows

    def _paginate(self, rows: list[tuple[str, ...]]) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """``rows`` on pages of as many rows as the current height holds."""
        fits = max(1, (self.height() + SPACING) // (MIN_FIGURE_HEIGHT + SPACING))
        if len(rows) > fits:  # pages need a tab bar, which takes height from the rows
            fits = max(1, (self.height() - self.tabBar().sizeHint().height() + SPACING)
                       // (MIN_FIGURE_HEIGHT + SPACING))
        return tuple(tuple(rows[start:start + fits]) for start in range(0, len(rows), fits))
