"""The gate palette: grouping, tooltips, search, drag payload and activation, driven as a user."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from qmlstudio.gui.editor.palette import ICON_SIZE, GatePalette, entry_text, gate_icon
from qmlstudio.viewmodels.palette_items import PALETTE_ITEMS, PALETTE_MIME, decode_item, item_by_key


@pytest.fixture
def palette(qtbot):
    widget = GatePalette()
    qtbot.addWidget(widget)
    widget.resize(260, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _double_click(qtbot, widget, pos):
    """A double-click as the window system delivers it: press, release, then the double-click
    (QTest's mouseDClick alone sends only the last, which item views treat as a press)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def _rows(palette):
    """(group text, [entry texts]) as the tree shows them."""
    proxy = palette.tree.model()
    rows = []
    for row in range(proxy.rowCount()):
        group = proxy.index(row, 0)
        rows.append((group.data(), [proxy.index(k, 0, group).data()
                                    for k in range(proxy.rowCount(group))]))
    return rows


def test_every_item_is_listed_under_its_group_with_its_tooltip(palette):
    expected: dict[str, list[str]] = {}
    for item in PALETTE_ITEMS:
        expected.setdefault(item.group, []).append(entry_text(item))
    assert _rows(palette) == list(expected.items())
    assert entry_text(item_by_key("ry")) == "Rotation about Y"
    assert entry_text(item_by_key("angle_encoding")) == "Angle encoding"
    assert "Rotations" in expected and "Ansatz layers" in expected
    for item in PALETTE_ITEMS:
        index = palette.view_index(item.key)
        assert index.data(Qt.ItemDataRole.ToolTipRole) == item.tooltip
        assert item.tooltip
        assert palette.tree.isExpanded(index.parent())
        assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()


def test_typing_in_the_search_box_filters_the_entries(palette, qtbot):
    qtbot.keyClicks(palette.search, "rot")
    visible = palette.visible_keys()
    assert {"rx", "ry", "rz", "strongly_entangling"} <= set(visible)
    assert not {"h", "cx", "ccx", "angle_encoding", "basic_entangler"} & set(visible)
    # What the user sees: hidden entries have no row in the tree, visible ones do.
    assert not palette.view_index("h").isValid()
    assert palette.tree.visualRect(palette.view_index("ry")).height() > 0
    groups = [group for group, _ in _rows(palette)]
    assert "Single-qubit" not in groups and "Rotations" in groups

    qtbot.keyClicks(palette.search, "xyz")
    assert palette.visible_keys() == []
    palette.search.clear()
    assert palette.visible_keys() == [item.key for item in PALETTE_ITEMS]


def test_search_matches_descriptions_case_insensitively(palette, qtbot):
    qtbot.keyClicks(palette.search, "TOFFOLI")
    assert palette.visible_keys() == ["ccx"]


def test_drag_payload_decodes_to_the_entry(palette):
    mime = palette.mime_data_for("ry")
    assert mime.hasFormat(PALETTE_MIME)
    assert decode_item(bytes(mime.data(PALETTE_MIME))) is item_by_key("ry")
    template = palette.mime_data_for("strongly_entangling")
    assert decode_item(bytes(template.data(PALETTE_MIME))) is item_by_key("strongly_entangling")
    with pytest.raises(KeyError):
        palette.mime_data_for("no_such_gate")


def test_the_tree_drags_what_the_model_encodes(palette, qtbot):
    """A drag from the tree asks its (filtered) model for the selected rows' mime data."""
    qtbot.keyClicks(palette.search, "cz")
    tree = palette.tree
    index = palette.view_index("cz")
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=tree.visualRect(index).center())
    assert tree.selectedIndexes() == [index]
    assert bool(tree.model().flags(index) & Qt.ItemFlag.ItemIsDragEnabled)
    assert not tree.model().flags(index.parent()) & Qt.ItemFlag.ItemIsDragEnabled
    mime = tree.model().mimeData(tree.selectedIndexes())
    assert decode_item(bytes(mime.data(PALETTE_MIME))) is item_by_key("cz")
    assert tree.model().mimeTypes() == [PALETTE_MIME]


def test_double_click_activates_the_entry(palette, qtbot):
    tree = palette.tree
    rect = tree.visualRect(palette.view_index("rx"))
    with qtbot.waitSignal(palette.item_activated, timeout=1000) as blocker:
        _double_click(qtbot, tree.viewport(), rect.center())
    assert blocker.args == [item_by_key("rx")]


def test_double_click_on_a_group_heading_activates_nothing(palette, qtbot):
    tree = palette.tree
    seen = []
    palette.item_activated.connect(seen.append)
    rect = tree.visualRect(palette.view_index("rx").parent())
    _double_click(qtbot, tree.viewport(), rect.center())
    assert seen == []


def test_enter_activates_the_current_entry(palette, qtbot):
    tree = palette.tree
    tree.setFocus()
    tree.setCurrentIndex(palette.view_index("hardware_efficient"))
    with qtbot.waitSignal(palette.item_activated, timeout=1000) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert blocker.args == [item_by_key("hardware_efficient")]


def test_enter_in_the_search_box_activates_the_first_match(palette, qtbot):
    qtbot.keyClicks(palette.search, "swap")
    assert palette.visible_keys()[0] == "swap"
    with qtbot.waitSignal(palette.item_activated, timeout=1000) as blocker:
        qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert blocker.args == [item_by_key("swap")]


def _icon_image(key):
    return gate_icon(item_by_key(key)).pixmap(ICON_SIZE).toImage()


def _darkness(image, x, y):
    return 255 - image.pixelColor(round(x * image.width() / ICON_SIZE.width()),
                                  round(y * image.height() / ICON_SIZE.height())).value()


def test_icons_draw_the_marks_the_canvas_draws(qtbot):
    middle = ICON_SIZE.height() / 2
    # A gate drawn with symbols lies on its side: dark control dot at the left end...
    for key in ("cx", "ccx", "cz", "cswap"):
        assert _darkness(_icon_image(key), 9, middle) > 150, key
    # ... ⊕ has a light middle between its dark cross lines; a dot target is dark throughout.
    cx, cz = _icon_image("cx"), _icon_image("cz")
    assert _darkness(cx, 31 + 4, middle - 4) < 60 < _darkness(cx, 31, middle - 4)
    assert _darkness(cz, 31, middle) > 150
    # A gate drawn as a box keeps its pale box at the left end.
    assert _darkness(_icon_image("cry"), 9, 5) < 60
