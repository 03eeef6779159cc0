"""What the canvas tests share: a shown view, and drags delivered as a user's would be.

Offscreen Qt cannot run a modal QDrag, so a palette drag is the QDragEnter/QDragMove/QDrop
sequence sent to the view's viewport, with the same QMimeData the palette puts in its drag.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from qmlstudio.gui.editor.canvas import CircuitView
from qmlstudio.gui.editor.palette import GatePalette


def show_view(qtbot, document, width: int = 1000, height: int = 500) -> CircuitView:
    """A CircuitView of ``document``, shown and exposed."""
    view = CircuitView(document)
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view


def palette_mime(key: str) -> QMimeData:
    """The drag data of palette entry ``key``: what the palette's own model puts in a drag."""
    return GatePalette().mime_data_for(key)


def drag_over(view: CircuitView, mime: QMimeData, point: QPoint) -> tuple[bool, bool]:
    """Enter and move over ``point``; returns whether each event was accepted.

    As in Qt's own drag loop, a widget that refused the enter gets no move.
    """
    enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), enter)
    if not enter.isAccepted():
        return False, False
    move = QDragMoveEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), move)
    return enter.isAccepted(), move.isAccepted()


def drop(view: CircuitView, mime: QMimeData, point: QPoint) -> bool:
    """A whole drag ending in a drop at ``point``; returns whether the drop was accepted
    (Qt's drag loop drops only on a widget that accepted the drag)."""
    if not all(drag_over(view, mime, point)):
        return False
    event = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)
    return event.isAccepted()


def drop_gate(view: CircuitView, key: str, column: int, wire: int) -> bool:
    """Drop palette entry ``key`` at ``column`` on ``wire``."""
    return drop(view, palette_mime(key), view.cell_point(column, wire))


def mouse_drag(view: CircuitView, start: QPoint, end: QPoint,
               modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press at ``start``, move in steps to ``end`` and release, as a user's mouse would."""
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, start)
    for k in range(1, 5):
        QTest.mouseMove(viewport, start + (end - start) * k / 4)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, end)


def click(view: CircuitView, point: QPoint, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A left click at ``point``."""
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, point)


def center(view: CircuitView, index: int) -> QPoint:
    """The viewport centre of operation ``index``'s drawing."""
    return view.gate_rect(index).center().toPoint()


def drop_files(widget, paths) -> bool:
    """Drag local files over ``widget`` and drop them, as a file manager would; returns
    whether the widget accepted the drag (no drop is sent otherwise)."""
    from PySide6.QtCore import QUrl

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    point = widget.rect().center()
    enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(widget, QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime,
                                              Qt.MouseButton.LeftButton,
                                              Qt.KeyboardModifier.NoModifier))
    return True
