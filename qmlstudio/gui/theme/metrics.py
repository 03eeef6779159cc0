"""The app's type scale and spacing: one home for text sizes and panel margins.

Three text sizes, relative to the application font (the desktop's body text, so they follow
the user's font and the screen's scaling, 100 % to 200 %, as all text does in points):

* ``"title"`` — every plot's title (:data:`TITLE_STEP` points larger than body text);
* ``"body"`` — everything else: fields, buttons, tables, tick and axis labels;
* ``"caption"`` — secondary lines beside the work: the window's status summary, the State
  view's note on the sample (:data:`CAPTION_STEP` points smaller).

Spacing is in device-independent pixels (Qt scales them with the screen): :data:`MARGIN`
around the contents of every dock (the main window applies it) and :data:`SPACING` between
the widgets of a panel and between figures.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLayout, QWidget

__all__ = ["CAPTION_STEP", "MARGIN", "SPACING", "TEXT_ROLES", "TITLE_STEP", "css_size",
           "point_size", "set_panel_spacing", "set_text_role"]

TEXT_ROLES = ("title", "body", "caption")
TITLE_STEP = 1.0
"""Points a plot title is above body text: set apart, yet a title with its legend still fits
a plot of the minimum width (MIN_FIGURE_WIDTH)."""
CAPTION_STEP = -1.0
"""Points a caption is below body text."""
MARGIN = 4
"""Pixels around the contents of a dock: the docks sit close together, the room is the
content's."""
SPACING = 6
"""Pixels between the widgets of a panel and between the figures of a grid."""

_STEPS = {"title": TITLE_STEP, "body": 0.0, "caption": CAPTION_STEP}


def point_size(role: str) -> float:
    """The size in points of text of ``role`` (one of :data:`TEXT_ROLES`)."""
    if role not in _STEPS:
        raise ValueError(f"no text role {role!r}; the roles are {', '.join(TEXT_ROLES)}")
    body = QApplication.font().pointSizeF()
    return max(body + _STEPS[role], 1.0)


def css_size(role: str) -> str:
    """:func:`point_size` as a CSS size ("10pt"), for rich text such as pyqtgraph titles."""
    return f"{point_size(role):g}pt"


def set_text_role(widget: QWidget, role: str) -> None:
    """Set ``widget``'s text at the size of ``role``."""
    font = QFont(widget.font())
    font.setPointSizeF(point_size(role))
    widget.setFont(font)


def set_panel_spacing(layout: QLayout) -> None:
    """Give a dock's outermost ``layout`` the app's :data:`MARGIN` and :data:`SPACING`."""
    layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
    layout.setSpacing(SPACING)
