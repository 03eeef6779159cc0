"""Template groups on the canvas: a labelled frame, collapsed to one box by its header."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from qmlstudio.core import Circuit, Project
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.ml.models.templates import strongly_entangling
from tests.gui.canvas_support import click, drop_gate, mouse_drag, show_view


def _grouped_document() -> ProjectDocument:
    circuit = strongly_entangling(Circuit(3).add("h", 0)).add("x", 1)
    return ProjectDocument(Project(circuit))


def _header_point(view, k: int) -> QPoint:
    x, y, _w, _h = view.circuit_layout.group_rect(k)
    return view.mapFromScene(x + 30, y + 5)


def test_clicking_the_header_collapses_and_expands_the_group(qtbot):
    document = _grouped_document()
    view = show_view(qtbot, document)
    layout = view.circuit_layout
    (group,) = layout.groups
    assert group.name == "strongly_entangling#0" and not group.collapsed
    assert group.last_column - group.first_column >= 5
    x_gate = len(document.circuit.operations) - 1
    x_column_expanded = layout.column[x_gate]
    click(view, _header_point(view, 0))
    assert view.is_collapsed(group.name)
    layout = view.circuit_layout
    assert layout.groups[0].collapsed
    assert layout.groups[0].first_column == layout.groups[0].last_column
    assert layout.column[x_gate] < x_column_expanded
    assert document.undo_stack.count() == 0  # a view setting, not an edit
    # The collapsed block is one box spanning its wires, labelled with the group name.
    rect = view.gate_rect(group.start)
    assert rect.top() < view.wire_y(0) and rect.bottom() > view.wire_y(2)
    assert view.gate_rect(group.stop - 1) == rect
    # Clicking the box selects the whole block.
    click(view, rect.center().toPoint())
    assert document.selection == tuple(range(group.start, group.stop))
    click(view, _header_point(view, 0))
    assert not view.is_collapsed(group.name)


def test_a_collapsed_group_moves_as_one_block(qtbot):
    document = _grouped_document()
    before = document.circuit
    view = show_view(qtbot, document)
    view.toggle_group("strongly_entangling#0")
    group = view.circuit_layout.groups[0]
    mouse_drag(view, view.gate_rect(group.start).center().toPoint(), view.cell_point(0, 1))
    ops = document.circuit.operations
    # The block now comes first (before the H) and is still one group.
    size = group.stop - group.start
    assert [op.group for op in ops[:size]] == [group.name] * size
    assert ops[size:] == (before.operations[0], before.operations[-1])
    assert document.undo_stack.undoText() == f"Move {group.name}"
    document.undo_stack.undo()
    assert document.circuit == before


def test_a_template_dropped_inside_a_block_never_splits_it(qtbot):
    # A gate dropped in a block's frame joins the block (test_drop_position); a template
    # cannot, so it goes before the block (left half) or after it (right half).
    document = _grouped_document()
    view = show_view(qtbot, document)
    group = view.circuit_layout.groups[0]
    size = group.stop - group.start
    drop_gate(view, "basic_entangler", group.first_column + 1, 1)
    ops = document.circuit.operations
    assert ops[group.start].group == "basic_entangler#1"
    blocks = [(g.name, g.stop - g.start) for g in view.circuit_layout.groups]
    assert blocks[1] == (group.name, size)
