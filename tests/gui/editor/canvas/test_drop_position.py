"""A palette drop lands where the pointer is: in the gap between two gates, inside a template
block's frame (joining the block) or between two blocks; a marker shows where before the
release; the drag shows the gate itself; block headers show their whole name."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QColor, QFontMetricsF

from qmlstudio.core import Circuit, Project
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.canvas.circuit_painter import CircuitPainter
from qmlstudio.gui.editor.palette import GatePalette, drag_pixmap
from qmlstudio.io.project_file import load_project, save_project
from qmlstudio.ml.models.encodings import angle_encoding
from qmlstudio.ml.models.templates import basic_entangler, strongly_entangling
from qmlstudio.viewmodels.canvas_layout import header_label
from qmlstudio.viewmodels.palette_items import PALETTE_MIME, item_by_key
from tests.gui.canvas_support import drag_over, drop, palette_mime, show_view


def _gap_point(view, column: int, wire: int) -> QPoint:
    """The viewport point in the gap just left of ``column`` (the gap's middle), on ``wire``."""
    layout = view.circuit_layout
    return view.mapFromScene(QPointF(float(layout.column_edges[column]), layout.wire_y(wire)))


def _marker(view):
    """The drop marker as the user sees it: its viewport rectangle, if shown."""
    indicator = view._indicator
    assert indicator.isVisible()
    return view.mapFromScene(indicator.sceneBoundingRect()).boundingRect()


def _blocks() -> ProjectDocument:
    """H, then a strongly entangling block (columns 1-6), then a basic entangler (7-10)."""
    return ProjectDocument(Project(basic_entangler(strongly_entangling(Circuit(3).add("h", 0)))))


def test_a_drop_in_the_gap_between_two_gates_lands_between_them(qtbot, tmp_path):
    document = ProjectDocument(Project(Circuit(2).add("h", 0).add("x", 0).add("y", 0)))
    view = show_view(qtbot, document)
    point = _gap_point(view, 2, 0)  # between X (column 1) and Y (column 2)
    assert drag_over(view, palette_mime("s"), point) == (True, True)
    # Before the release: a bar in that very gap (the S pushes Y to the right).
    marker = _marker(view)
    assert marker.width() < 10 and abs(marker.center().x() - point.x()) <= 2
    assert drop(view, palette_mime("s"), point)
    assert not view._indicator.isVisible()
    path = tmp_path / "gap.qmlproj"
    save_project(document.project, path)
    assert [op.gate for op in load_project(path).circuit.operations] == ["h", "x", "s", "y"]


def test_a_drop_inside_a_block_joins_it_at_the_pointer(qtbot):
    document = _blocks()
    view = show_view(qtbot, document, width=1400)
    block = view.circuit_layout.groups[0]
    # Wire 1 inside the strongly entangling block, in the gap between its RY and last RZ.
    point = _gap_point(view, 3, 1)
    drag_over(view, palette_mime("x"), point)
    assert abs(_marker(view).center().x() - point.x()) <= 2
    assert drop(view, palette_mime("x"), point)
    ops = document.circuit.operations
    assert (ops[6].gate, ops[6].wires, ops[6].group) == ("x", (1,), block.name)
    assert [op.gate for op in ops[4:8]] == ["rz", "ry", "x", "rz"]
    layout = view.circuit_layout
    assert layout.column[6] == 3  # drawn where it was dropped, inside the frame
    assert [(g.name, g.stop - g.start) for g in layout.groups] == [
        (block.name, block.stop - block.start + 1), ("basic_entangler#1", 6)]
    document.undo_stack.undo()
    assert len(document.circuit.operations) == len(ops) - 1


def test_a_drop_between_two_blocks_goes_between_them_and_splits_neither(qtbot):
    document = _blocks()
    view = show_view(qtbot, document, width=1400)
    first, second = view.circuit_layout.groups
    assert drop(view, palette_mime("z"), _gap_point(view, second.first_column, 1))
    ops = document.circuit.operations
    assert (ops[first.stop].gate, ops[first.stop].group) == ("z", None)
    groups = view.circuit_layout.groups
    assert [(g.name, g.stop - g.start) for g in groups] == [
        (first.name, first.stop - first.start), (second.name, second.stop - second.start)]


def test_on_a_free_cell_the_marker_is_the_box_the_gate_will_fill(qtbot):
    document = ProjectDocument(Project(Circuit(2).add("h", 0).add("x", 0).add("y", 1)))
    view = show_view(qtbot, document)
    # Right of Y on wire 1 (column 1 is free there): a box in column 1, not a bar.
    drag_over(view, palette_mime("t"), view.cell_point(1, 1))
    marker = _marker(view)
    assert marker.width() > 20 and abs(marker.center().x() - view.column_x(1)) <= 2
    drop(view, palette_mime("t"), view.cell_point(1, 1))
    assert view.circuit_layout.column[-1] == 1


def test_block_headers_show_the_whole_name_with_a_tooltip(qtbot):
    document = ProjectDocument(Project(angle_encoding(Circuit(2), 2)))
    view = show_view(qtbot, document)
    layout = view.circuit_layout
    (block,) = layout.groups
    assert block.name.startswith("angle_encoding")
    x, y, width, _h = layout.group_rect(0)
    painter = view._item.circuit_painter
    needed = QFontMetricsF(painter.small_font).horizontalAdvance(header_label(block)) + 6
    assert width >= needed  # the frame is as wide as its header's text: nothing elided
    header = view.mapFromScene(QPointF(x + width / 2, y + 5))
    assert block.name in view.tooltip_at(header)


def test_a_palette_drag_shows_the_gate_as_the_canvas_draws_it(qtbot):
    palette = GatePalette()
    qtbot.addWidget(palette)
    palette.tree.setCurrentIndex(palette.view_index("ry"))
    drag = palette.tree.make_drag()
    assert bytes(drag.mimeData().data(PALETTE_MIME)) == bytes(
        palette_mime("ry").data(PALETTE_MIME))
    image = drag.pixmap().toImage()
    ratio = drag.pixmap().devicePixelRatio()
    # One trainable RY box (34 px tall on the canvas, plus the pen), not a palette row.
    assert 34 <= image.height() / ratio <= 40 and image.width() / ratio < 120
    centre_left = QPoint(int(image.width() * 0.15), image.height() // 2)
    assert image.pixelColor(centre_left) == CircuitPainter().fills["weight"].color()
    assert image.pixelColor(0, 0) == QColor(0, 0, 0, 0)  # transparent around the box
    assert abs(drag.hotSpot().y() - image.height() / ratio / 2) <= 3


def test_the_drag_image_is_drawn_at_the_screens_pixel_ratio(qtbot):
    # At 150 % and 200 % the gate is painted with that many more pixels (sharp), at the same
    # size on screen, rather than a 100 % image scaled up.
    base, _hot = drag_pixmap(item_by_key("cx"), 1.0)
    for ratio in (1.5, 2.0):
        pixmap, _hot = drag_pixmap(item_by_key("cx"), ratio)
        assert pixmap.devicePixelRatio() == ratio
        assert abs(pixmap.width() - ratio * base.width()) <= 1
        assert abs(pixmap.height() - ratio * base.height()) <= 1
