"""Palette drops on the canvas, through drag events sent to the viewport."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QDropEvent

from qmlstudio.core import Circuit, Operation, Project, w
from qmlstudio.gui.document import ProjectDocument
from tests.gui.canvas_support import drag_over, drop_gate, palette_mime, show_view


def test_dropping_ry_on_a_wire_adds_it_there_as_one_undoable_edit(qtbot, document):
    view = show_view(qtbot, document)
    assert drop_gate(view, "ry", 0, 1)
    assert document.circuit == Circuit(2, (Operation("ry", (1,), (w(0),)),))
    assert document.selection == (0,)
    assert document.undo_stack.count() == 1
    assert document.undo_stack.undoText() == "Add RY"
    # What the user sees: the box labelled RY(θ₀) sits on wire 1, filled as trainable.
    assert view.circuit_layout.labels[0] == "RY(θ₀)"
    rect = view.gate_rect(0)
    assert abs(rect.center().y() - view.wire_y(1)) < 1
    image = view.viewport().grab().toImage()
    inside = rect.center().toPoint() + QPoint(0, -10)
    assert image.pixelColor(inside) == QColor("#fde68a")
    document.undo_stack.undo()
    assert document.circuit == Circuit(2)


def test_drop_lands_in_the_column_under_the_mouse_or_as_far_left_as_packing_allows(qtbot):
    circuit = Circuit(2).add("h", 0).add("x", 0).add("y", 0).add("z", 1)
    document = ProjectDocument(Project(circuit))
    view = show_view(qtbot, document)
    # Column 1 on wire 0 is between H and X... it lands in column 1 and X, Y move right.
    drop_gate(view, "s", 1, 0)
    assert [op.gate for op in document.circuit.operations] == ["h", "s", "x", "y", "z"]
    assert view.circuit_layout.column.tolist() == [0, 1, 2, 3, 0]
    # Column 3 on wire 1 (only Z in column 0 there): packing pulls it to column 1.
    drop_gate(view, "t", 3, 1)
    layout = view.circuit_layout
    t_index = [op.gate for op in document.circuit.operations].index("t")
    assert layout.column[t_index] == 1
    assert document.circuit.operations[t_index].wires == (1,)


def test_dropping_between_gates_of_a_two_qubit_gate_keeps_time_order(qtbot):
    circuit = Circuit(2).add("h", 0).add("cx", (0, 1)).add("x", 1)
    document = ProjectDocument(Project(circuit))
    view = show_view(qtbot, document)
    drop_gate(view, "cz", 1, 0)  # the CX's column: the CZ goes before it
    assert [op.gate for op in document.circuit.operations] == ["h", "cz", "cx", "x"]
    assert document.circuit.operations[1].wires == (0, 1)


def test_dropping_on_the_extra_wire_adds_a_qubit(qtbot, document):
    view = show_view(qtbot, document)
    assert drop_gate(view, "h", 0, 2)
    assert document.circuit == Circuit(3, (Operation("h", (2,)),))
    assert view.circuit_layout.circuit.n_qubits == 3
    assert abs(view.gate_rect(0).center().y() - view.wire_y(2)) < 1
    document.undo_stack.undo()
    assert document.circuit == Circuit(2)


def test_a_cx_dropped_on_the_last_wire_shifts_up_to_fit(qtbot, document):
    view = show_view(qtbot, document)
    drop_gate(view, "cx", 0, 1)
    assert document.circuit.operations == (Operation("cx", (0, 1)),)


def test_template_drop_inserts_one_group_as_one_edit(qtbot, document):
    view = show_view(qtbot, document)
    drop_gate(view, "h", 0, 0)
    drop_gate(view, "strongly_entangling", 0, 0)  # before the H
    ops = document.circuit.operations
    assert ops[-1] == Operation("h", (0,))
    assert {op.group for op in ops[:-1]} == {"strongly_entangling#0"}
    assert document.selection == tuple(range(len(ops) - 1))
    assert document.undo_stack.count() == 2
    document.undo_stack.undo()
    assert document.circuit == Circuit(2, (Operation("h", (0,)),))
    document.undo_stack.redo()
    assert document.circuit.operations == ops


def test_drag_move_shows_the_drop_indicator_where_the_gate_would_land(qtbot, document):
    view = show_view(qtbot, document)
    drop_gate(view, "h", 0, 0)
    entered, moved = drag_over(view, palette_mime("ry"), view.cell_point(5, 0))
    assert entered and moved
    indicator = view._indicator  # the overlay item the user sees while dragging
    assert indicator.isVisible()
    box = view.mapFromScene(indicator.sceneBoundingRect()).boundingRect()
    # Column 5 is empty space: the gate would pack into column 1, right of the H.
    assert abs(box.center().x() - view.column_x(1)) < 2
    assert abs(box.center().y() - view.wire_y(0)) < 2


def test_foreign_drags_are_refused_and_change_nothing(qtbot, document):
    view = show_view(qtbot, document)
    mime = QMimeData()
    mime.setText("not a gate")
    assert drag_over(view, mime, view.cell_point(0, 0)) == (False, False)
    # A drop event anyway (Qt would not send one) is ignored too.
    event = QDropEvent(QPointF(view.cell_point(0, 0)), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.dropEvent(event)
    assert not event.isAccepted()
    assert document.circuit == Circuit(2)
    assert document.undo_stack.count() == 0


def test_a_drop_that_would_exceed_the_qubit_limit_reports_why(qtbot):
    document = ProjectDocument(Project(Circuit(64)))
    view = show_view(qtbot, document)
    messages = []
    view.status_message.connect(messages.append)
    view.centerOn(0, view.circuit_layout.height)
    drop_gate(view, "h", 0, 64)
    assert document.circuit == Circuit(64)
    assert messages and "Cannot add H" in messages[0]
