"""Editing placed gates with the mouse and keys: move, wire handles, select, delete, undo."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from qmlstudio.core import Circuit, Operation, Project, w, x
from qmlstudio.gui.document import ProjectDocument
from tests.gui.canvas_support import center, click, drop_gate, mouse_drag, show_view


def _document(circuit: Circuit) -> ProjectDocument:
    return ProjectDocument(Project(circuit))


def _undo_redo_round_trip(document: ProjectDocument, before: Circuit, after: Circuit) -> None:
    document.undo_stack.undo()
    assert document.circuit == before
    document.undo_stack.redo()
    assert document.circuit == after


def test_dragging_a_gate_moves_it_to_another_wire_and_column(qtbot):
    before = Circuit(3).add("h", 0).add("ry", 1, x(0)).add("x", 0)
    document = _document(before)
    view = show_view(qtbot, document)
    mouse_drag(view, center(view, 1), view.cell_point(1, 2))
    after = document.circuit
    assert Operation("ry", (2,), (x(0),)) in after.operations
    assert Operation("ry", (1,), (x(0),)) not in after.operations
    moved = after.operations.index(Operation("ry", (2,), (x(0),)))
    assert document.selection == (moved,)
    assert abs(view.gate_rect(moved).center().y() - view.wire_y(2)) < 1
    assert document.undo_stack.count() == 1
    assert document.undo_stack.undoText() == "Move RY(x₀)"
    _undo_redo_round_trip(document, before, after)


def test_dragging_one_gate_of_a_selection_moves_the_whole_selection(qtbot):
    before = Circuit(3).add("h", 0).add("ry", 1, x(0)).add("x", 0).add("z", 2)
    document = _document(before)
    view = show_view(qtbot, document)
    click(view, center(view, 0))
    click(view, center(view, 1), Qt.KeyboardModifier.ControlModifier)
    assert sorted(document.selection) == [0, 1]
    # Grab the RY (wire 1) and drop it one wire down, three columns right.
    mouse_drag(view, center(view, 1), view.cell_point(3, 2))
    after = document.circuit
    assert Counter(after.operations) == Counter([Operation("h", (1,)), Operation("x", (0,)),
                                                 Operation("ry", (2,), (x(0),)),
                                                 Operation("z", (2,))])
    moved = sorted(document.selection)
    assert [after.operations[i] for i in moved] == [Operation("h", (1,)),
                                                   Operation("ry", (2,), (x(0),))]
    assert after.operations.index(Operation("z", (2,))) < moved[1]  # the RY lands after the Z
    assert document.undo_stack.undoText() == "Move 2 gates"
    assert document.undo_stack.count() == 1
    _undo_redo_round_trip(document, before, after)
    # A plain click on one of them selects just it again.
    click(view, center(view, moved[0]))
    assert document.selection == (moved[0],)


def test_a_collapsed_group_in_a_selection_moves_whole(qtbot):
    group = [Operation(g, (0,), (), "layer#0") for g in ("h", "x", "y")]
    before = Circuit(2, (*group, Operation("z", (1,))))
    document = _document(before)
    view = show_view(qtbot, document)
    document.set_selection((0, 3))  # part of the group, and a loose gate
    view.toggle_group("layer#0")
    mouse_drag(view, center(view, 0), view.cell_point(4, 1))
    after = document.circuit
    assert [(op.gate, op.wires, op.group) for op in after.operations] == [
        ("h", (1,), "layer#0"), ("x", (1,), "layer#0"), ("y", (1,), "layer#0"), ("z", (2,), None)]
    assert document.undo_stack.undoText() == "Move 4 gates"


def test_dragging_a_gate_later_on_its_wire_reorders_it(qtbot):
    before = Circuit(1).add("h", 0).add("x", 0).add("y", 0)
    document = _document(before)
    view = show_view(qtbot, document)
    mouse_drag(view, center(view, 0), view.cell_point(3, 0))
    assert [op.gate for op in document.circuit.operations] == ["x", "y", "h"]
    _undo_redo_round_trip(document, before, document.circuit)


def test_moving_a_gate_onto_the_extra_wire_adds_a_qubit(qtbot):
    before = Circuit(2).add("h", 0)
    document = _document(before)
    view = show_view(qtbot, document)
    mouse_drag(view, center(view, 0), view.cell_point(0, 2))
    assert document.circuit == Circuit(3, (Operation("h", (2,)),))
    _undo_redo_round_trip(document, before, document.circuit)


def test_a_dropped_cx_control_handle_can_be_dragged_to_another_wire(qtbot):
    document = _document(Circuit(3))
    view = show_view(qtbot, document)
    drop_gate(view, "cx", 0, 1)
    placed = document.circuit
    assert placed.operations == (Operation("cx", (1, 2)),)
    # The control dot sits on wire 1; drag it up to wire 0.
    control = QPoint(int(view.column_x(0)), int(view.wire_y(1)))
    mouse_drag(view, control, QPoint(int(view.column_x(0)), int(view.wire_y(0))))
    assert document.circuit.operations == (Operation("cx", (0, 2)),)
    assert document.undo_stack.undoText() == "Move CX control"
    assert document.undo_stack.count() == 2
    rect = view.gate_rect(0)
    assert rect.top() < view.wire_y(0) < view.wire_y(2) < rect.bottom()
    _undo_redo_round_trip(document, placed, document.circuit)
    # Dragging the target (not a handle) moves the whole gate down one wire... onto the
    # extra wire, which adds a qubit.
    target = QPoint(int(view.column_x(0)), int(view.wire_y(2)))
    mouse_drag(view, target, QPoint(int(view.column_x(0)), int(view.wire_y(3))))
    assert document.circuit == Circuit(4, (Operation("cx", (1, 3)),))


def test_dragging_a_control_onto_the_target_swaps_them(qtbot):
    document = _document(Circuit(2).add("cry", (0, 1), w(0)))
    view = show_view(qtbot, document)
    mouse_drag(view, QPoint(int(view.column_x(0)), int(view.wire_y(0))),
               QPoint(int(view.column_x(0)), int(view.wire_y(1))))
    assert document.circuit.operations == (Operation("cry", (1, 0), (w(0),)),)


def test_click_ctrl_click_and_rubber_band_select_in_step_with_the_document(qtbot):
    document = _document(Circuit(3).add("h", 0).add("x", 1).add("y", 2).add("z", 0))
    view = show_view(qtbot, document)
    click(view, center(view, 1))
    assert document.selection == (1,)
    assert view._item.selected == frozenset({1})  # what the painter highlights
    click(view, center(view, 2), Qt.KeyboardModifier.ControlModifier)
    assert document.selection == (1, 2)
    click(view, center(view, 1), Qt.KeyboardModifier.ControlModifier)
    assert document.selection == (2,)
    # A band from above-left of H to below Y (column 0) takes the three gates of column 0.
    start = QPoint(int(view.column_x(0)) - 40, int(view.wire_y(0)) - 28)
    end = QPoint(int(view.column_x(0)) + 30, int(view.wire_y(2)) + 25)
    mouse_drag(view, start, end)
    assert document.selection == (0, 1, 2)
    # A click on empty space clears; the document's selection shows in the view.
    click(view, QPoint(int(view.column_x(4)), int(view.wire_y(1)) + 28))
    assert document.selection == ()
    document.set_selection((3,))
    assert view._item.selected == frozenset({3})


def test_delete_and_backspace_delete_the_selection_as_one_edit(qtbot):
    before = Circuit(2).add("h", 0).add("cx", (0, 1)).add("rz", 1, w(0))
    document = _document(before)
    view = show_view(qtbot, document)
    click(view, center(view, 0))
    click(view, center(view, 2), Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(view.viewport(), Qt.Key.Key_Delete)
    assert document.circuit == Circuit(2).add("cx", (0, 1))
    assert document.undo_stack.count() == 1
    _undo_redo_round_trip(document, before, document.circuit)
    click(view, center(view, 0))
    QTest.keyClick(view.viewport(), Qt.Key.Key_Backspace)
    assert document.circuit == Circuit(2)


def test_select_all_then_delete(qtbot):
    document = _document(Circuit(2).add("h", 0).add("x", 1))
    view = show_view(qtbot, document)
    view.select_all()
    assert document.selection == (0, 1)
    view.delete_selection()
    assert document.circuit == Circuit(2)


def test_context_menu_on_a_wire_inserts_and_removes_qubits(qtbot):
    before = Circuit(3).add("h", 0).add("cx", (1, 2)).add("x", 2).with_measured([2])
    document = _document(before)
    view = show_view(qtbot, document)
    wire_1 = QPoint(int(view.column_x(3)), int(view.wire_y(1)))
    menu = view.context_menu(wire_1)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:3] == ["Insert qubit above q1", "Insert qubit below q1",
                         "Remove qubit q1 and its 1 gate"]
    menu.actions()[0].trigger()
    inserted = document.circuit
    assert inserted == Circuit(4).add("h", 0).add("cx", (2, 3)).add("x", 3).with_measured([3])
    _undo_redo_round_trip(document, before, inserted)
    menu = view.context_menu(QPoint(int(view.column_x(3)), int(view.wire_y(2))))
    next(a for a in menu.actions() if a.text().startswith("Remove")).trigger()
    assert document.circuit == Circuit(3).add("h", 0).add("x", 2).with_measured([2])
    assert document.undo_stack.undoText() == "Remove qubit q2 and 1 gate"
    _undo_redo_round_trip(document, inserted, document.circuit)


def test_context_menu_on_a_gate_deletes_and_duplicates_it(qtbot):
    before = Circuit(2).add("ry", 0, w(0)).add("x", 1)
    document = _document(before)
    view = show_view(qtbot, document)
    menu = view.context_menu(center(view, 0))
    assert document.selection == (0,)
    actions = {a.text(): a for a in menu.actions()}
    assert {"Delete", "Cut", "Copy", "Duplicate", "Paste after"} <= set(actions)
    actions["Duplicate"].trigger()
    # The copy shares the weight θ₀ (pasted and duplicated gates keep weight indices).
    assert document.circuit == Circuit(2).add("ry", 0, w(0)).add("ry", 0, w(0)).add("x", 1)
    assert document.selection == (1,)
    menu = view.context_menu(center(view, 2))
    next(a for a in menu.actions() if a.text() == "Delete").trigger()
    assert document.circuit == Circuit(2).add("ry", 0, w(0)).add("ry", 0, w(0))
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.circuit == before


def test_ctrl_wheel_zooms_and_zoom_slots_step_and_reset(qtbot, document):
    view = show_view(qtbot, document)
    view.zoom_in()
    assert view.zoom > 1.2
    view.reset_zoom()
    assert view.zoom == 1.0
    view.zoom_out()
    assert view.zoom < 0.9
    view.reset_zoom()
    point = view.cell_point(0, 0)
    QTest.mouseMove(view.viewport(), point)
    wheel = QWheelEvent(QPointF(point), QPointF(view.viewport().mapToGlobal(point)), QPoint(),
                        QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom > 1.2


def test_context_menu_deletes_a_column_and_later_gates_slide_left(qtbot):
    # column 0: h(0), x(2); column 1: cx(0,1) and ry(2) beside it; column 2: rz(1)
    before = (Circuit(3).add("h", 0).add("x", 2).add("cx", [0, 1]).add("rz", 1, w(0))
              .add("ry", 2, w(1)))
    document = _document(before)
    view = show_view(qtbot, document)
    assert list(view.circuit_layout.column) == [0, 0, 1, 2, 1]
    menu = view.context_menu(center(view, 2))
    action = next(a for a in menu.actions() if a.text().startswith("Delete column 1"))
    assert action.text() == "Delete column 1 (2 gates)"
    action.trigger()
    after = Circuit(3).add("h", 0).add("x", 2).add("rz", 1, w(0))
    assert document.circuit == after
    assert list(view.circuit_layout.column) == [0, 0, 0]
    _undo_redo_round_trip(document, before, after)
