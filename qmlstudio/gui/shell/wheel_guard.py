"""Scrolling never changes a value by accident: :func:`install_wheel_guard`.

Qt lets the mouse wheel change any spin box or combo box under the pointer, so scrolling a
panel changes whatever value passes under it (the Data panel's noise went from 0.100 to
0.500 in ten notches, as several undo steps). One application-wide event filter makes both
kinds of field take wheel events only once they have keyboard focus (a click or Tab gives it),
and passes the wheel on to the panel around them otherwise, so the panel scrolls instead.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget

__all__ = ["install_wheel_guard"]

_GUARDED = (QAbstractSpinBox, QComboBox)


class _WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if not isinstance(watched, _GUARDED):
            return False
        kind = event.type()
        if kind == QEvent.Type.Polish and watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            # Without this the wheel itself would first give the field focus.
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == QEvent.Type.Wheel and not watched.hasFocus():
            _pass_to_parents(watched, event)
            return True
        return False


def _pass_to_parents(widget: QWidget, event: QWheelEvent) -> None:
    """Offer ``event`` to the widgets around ``widget``, innermost first, until one takes it.

    Done here rather than left to Qt: Qt passes an ignored wheel event on to the parent only
    when it came from the window system, and a scroll area should scroll for both kinds.
    """
    parent = widget.parentWidget()
    while parent is not None:
        position = QPointF(parent.mapFrom(widget, event.position().toPoint()))
        forwarded = QWheelEvent(position, event.globalPosition(), event.pixelDelta(),
                                event.angleDelta(), event.buttons(), event.modifiers(),
                                event.phase(), event.inverted(), event.source())
        forwarded.ignore()
        QCoreApplication.sendEvent(parent, forwarded)
        if forwarded.isAccepted() or parent.isWindow():
            break
        parent = parent.parentWidget()
    event.accept()  # handled here: Qt must not pass it on a second time


def install_wheel_guard() -> None:
    """Filter the application's wheel events as the module docstring says (once per
    application; later calls do nothing)."""
    app = QCoreApplication.instance()
    if app is None or app.property("qmlstudio_wheel_guard"):
        return
    guard = _WheelGuard(app)  # the application owns the filter
    app.installEventFilter(guard)
    app.setProperty("qmlstudio_wheel_guard", True)
