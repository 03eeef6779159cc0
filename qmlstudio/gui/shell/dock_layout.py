"""Where the main window's docks go: the default arrangement, and docks that never clip.

:func:`arrange_docks` lays the docks out for the window's width (View ▸ Reset Layout, and a
first launch). Designed for a 1280×800 laptop screen first:

* left, as tabs in the order of the work: **Gates**, **Data**, **Training** (the settings: the
  run controls and progress are a toolbar, always in view);
* right, over the full height: **State** with the **Inspector** and **Noise** as tabs beside
  it (the Inspector is empty until a gate is selected, so it does not take room of its own;
  the noise tables need the right column's width and height);
* bottom, under the canvas: **Plots**, with **Robustness** (the noise-robustness curve),
  **OpenQASM** and **Comparison** as tabs.

From :data:`WIDE_WIDTH` on there is room for more at once: Training becomes a dock of its own
above State and Inspector (as tall as its settings need, so they do not scroll), and the
plots dock is tall enough for all figures in one grid.

:func:`fit_scroll_width` keeps a dock's scroll area at least as wide as its content needs, so
a dock never shows a horizontal scrollbar or cuts a field off; it scrolls vertically only.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QToolBar

__all__ = ["LAYOUT_VERSION", "WIDE_WIDTH", "arrange_docks", "default_size", "fit_scroll_width"]

LAYOUT_VERSION = 5
"""Saved with the window state; a state saved by another arrangement is not restored (its
docks would land where this version has none)."""
WIDE_WIDTH = 1920
"""From this window width on, the roomier arrangement."""
_LEFT_WIDTH = 300
_RIGHT_WIDTH = (360, 460)  # laptop, wide
_PLOTS_SHARE = (0.36, 0.42)  # of the window height, laptop and wide


class _ScrollFit(QObject):
    """Keeps a scroll area's minimum width at its content's minimum width (see
    :func:`fit_scroll_width`), following the content when its layout changes."""

    def __init__(self, scroll: QScrollArea) -> None:
        super().__init__(scroll)
        self._scroll = scroll
        scroll.widget().installEventFilter(self)
        self._fit()

    def _fit(self) -> None:
        scroll = self._scroll
        needed = scroll.widget().minimumSizeHint().width()
        # Room for the vertical scrollbar too: it takes width from the content when it shows.
        bar = scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(needed + bar + 2 * scroll.frameWidth())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            # Filters run before the content's layout has taken the change in: fit after it.
            QTimer.singleShot(0, self, self._fit)  # dropped if the dock has gone
        return False


def default_size(screen: QSize) -> QSize:
    """A first window's size on a screen whose free area is ``screen``: the whole width of a
    :data:`WIDE_WIDTH` screen (up to 1080 high, less a task bar), else the 1280×800 the
    layout is designed for (less what a smaller screen lacks)."""
    if screen.width() >= WIDE_WIDTH and screen.height() >= 900:
        return QSize(WIDE_WIDTH, min(screen.height(), 1080))
    return QSize(1280, 800).boundedTo(screen)


def fit_scroll_width(scroll: QScrollArea) -> None:
    """Scroll ``scroll`` vertically only: no horizontal scrollbar, and never narrower than its
    content's minimum width (now and after the content changes)."""
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    _ScrollFit(scroll)


def arrange_docks(window: QMainWindow, docks: Mapping[str, QDockWidget],
                  toolbars: tuple[QToolBar, ...]) -> None:
    """Put ``docks`` (keyed as the main window keys them) and ``toolbars`` where the default
    arrangement for ``window``'s current width has them (see the module docstring), all
    shown and docked."""
    wide = window.width() >= WIDE_WIDTH
    for bar in toolbars:
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        bar.show()
    for dock in docks.values():
        dock.setFloating(False)
        window.removeDockWidget(dock)
    # The right column runs down beside the plots: State needs the height, the plots the width.
    window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
    window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
    area = Qt.DockWidgetArea
    _place(window, area.LeftDockWidgetArea, [docks[k] for k in
                                             ("palette", "data", *(() if wide else ("training",)))])
    if wide:
        _place(window, area.RightDockWidgetArea, [docks["training"]])
    _place(window, area.RightDockWidgetArea, [docks["state"], docks["inspector"],
                                              docks["noise"]])
    _place(window, area.BottomDockWidgetArea,
           [docks["plots"], docks["robustness"], docks["code"], docks["comparison"]])
    height = window.height()
    window.resizeDocks([docks["palette"], docks["state"]], [_LEFT_WIDTH, _RIGHT_WIDTH[wide]],
                       Qt.Orientation.Horizontal)
    window.resizeDocks([docks["plots"]], [round(height * _PLOTS_SHARE[wide])],
                       Qt.Orientation.Vertical)
    if wide:  # Training as tall as its settings (no scrolling), State the rest
        window.layout().activate()  # the docks' heights now: resizeDocks scales to them
        column = docks["training"].height() + docks["state"].height()
        training = min(_unscrolled_height(docks["training"]), column * 3 // 5)
        window.resizeDocks([docks["training"], docks["state"]], [training, column - training],
                           Qt.Orientation.Vertical)


def _unscrolled_height(dock: QDockWidget) -> int:
    """The height ``dock`` needs to show all its content without scrolling (a QScrollArea's
    own size hint stops at 24 lines of text)."""
    content = dock.widget()
    if not isinstance(content, QScrollArea):
        return dock.sizeHint().height()
    title = dock.sizeHint().height() - content.sizeHint().height()  # title bar and frame
    return title + content.widget().sizeHint().height() + 2 * content.frameWidth()


def _place(window: QMainWindow, area: Qt.DockWidgetArea, group: list[QDockWidget]) -> None:
    """Dock ``group`` in ``area`` as tabs, the first one raised."""
    first = group[0]
    window.addDockWidget(area, first)
    first.show()
    for dock in group[1:]:
        window.tabifyDockWidget(first, dock)
        dock.show()
    first.raise_()
