"""The inspector, driven as a user: select a gate, type into its fields, pick combo entries.

Every edit must be one undoable step of the document, and undo must give back the identical
circuit (and show it); invalid input must show a red message and change nothing.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from qmlstudio.core import Circuit, Const, Feature, Operation, Weight, w, x
from qmlstudio.core.parameters import MAX_PARAMETER_INDEX
from qmlstudio.gui.editor.inspector import Inspector, wire_roles

RY_X, RZ_W0, CX, RY_W0, RX_HALF, U3, GROUPED = range(7)


def _circuit() -> Circuit:
    circuit = (Circuit(3)
               .add("ry", 0, x(0))
               .add("rz", 1, w(0))
               .add("cx", (0, 1))
               .add("ry", 2, w(0))
               .add("rx", 1, 0.5)
               .add("u3", 2, w(1), w(2), math.pi / 4))
    return circuit.inserted(7 - 1, Operation("ry", (0,), (w(3),), group="layer-1"))


@pytest.fixture
def inspector(document, qtbot):
    document.edit_circuit(_circuit(), "Set up")
    document.undo_stack.clear()
    widget = Inspector(document)
    qtbot.addWidget(widget)
    widget.resize(360, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _type(qtbot, widget, text: str) -> None:
    """Replace a field's text as a user does: select all, type, press Enter."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def _select(document, index: int) -> None:
    document.set_selection((index,))


def _assert_undo_restores(document, before: Circuit) -> None:
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert document.circuit == before
    assert document.undo_stack.count() == 1  # undone, still redoable


def test_note_when_not_exactly_one_operation_is_selected(inspector, document):
    assert inspector.note.isVisible()
    assert inspector.note.text() == "Select a gate to inspect it"
    assert inspector.operation_index is None
    document.set_selection((0, 2, 4))
    assert inspector.note.text() == "3 operations selected"
    assert not inspector.title.isVisible()
    _select(document, CX)
    assert not inspector.note.isVisible()
    assert inspector.title.isVisible()


def test_shows_the_selected_operation(inspector, document):
    _select(document, CX)
    assert inspector.title.text() == "CX"
    assert inspector.description.text() == "Controlled NOT\nOperation 3 of 7"
    assert [box.value() for box in inspector.wire_spin_boxes] == [0, 1]
    assert inspector.parameter_editors == []

    _select(document, U3)
    assert inspector.title.text() == "U3(θ₁, θ₂, 0.7854)"
    editors = inspector.parameter_editors
    assert [e.title() for e in editors] == ["Parameter θ", "Parameter φ", "Parameter λ"]
    assert [e.kind.currentText() for e in editors] == ["Trainable weight"] * 2 + ["Constant"]
    assert editors[2].constant.text() == "pi/4"
    assert editors[0].weight_index.value() == 1
    assert inspector.group_label.text().startswith("none")

    _select(document, GROUPED)
    assert inspector.group_label.text() == "layer-1"

    _select(document, RY_X)
    feature = inspector.parameter_editors[0]
    assert feature.kind.currentText() == "Input feature"
    assert (feature.feature_index.value(), feature.feature_scale.text(),
            feature.feature_offset.text()) == (0, "1", "0")


def test_wire_roles_name_controls_and_targets():
    assert wire_roles("cx", 2) == ("Control", "Target")
    assert wire_roles("ccx", 3) == ("Control 1", "Control 2", "Target")
    assert wire_roles("cswap", 3) == ("Control", "Target 1", "Target 2")
    assert wire_roles("swap", 2) == ("Wire 1", "Wire 2")
    assert wire_roles("ry", 1) == ("Wire",)


def test_typing_a_constant_expression_is_one_undoable_edit(inspector, document, qtbot):
    _select(document, RX_HALF)
    before = document.circuit
    editor = inspector.parameter_editors[0]
    assert editor.constant.text() == "0.5"
    _type(qtbot, editor.constant, "-2*pi/3")
    assert document.circuit.operations[RX_HALF].params == (Const(-2 * math.pi / 3),)
    assert document.circuit.operations[RX_HALF].wires == (1,)
    assert editor.constant.text() == "-2*pi/3"
    assert document.selection == (RX_HALF,)
    assert document.undo_stack.undoText() == "Change RX parameter"
    _assert_undo_restores(document, before)
    assert inspector.parameter_editors[0].constant.text() == "0.5"


def test_invalid_expression_shows_a_message_and_changes_nothing(inspector, document, qtbot):
    _select(document, RX_HALF)
    before = document.circuit
    editor = inspector.parameter_editors[0]
    _type(qtbot, editor.constant, "pi/")
    assert editor.error.isVisible()
    assert "ends too early" in editor.error.text()
    assert document.circuit == before
    assert document.undo_stack.count() == 0

    _type(qtbot, editor.constant, "2*theta")
    assert "unknown name 'theta'" in editor.error.text()
    assert document.circuit == before

    _type(qtbot, editor.constant, "pi/2")  # fixing it clears the message and applies
    assert not editor.error.isVisible()
    assert document.circuit.operations[RX_HALF].params == (Const(math.pi / 2),)


def test_choosing_a_binding_kind_in_the_combo(inspector, document, qtbot):
    _select(document, RX_HALF)
    before = document.circuit
    n_weights = before.n_weights
    combo = inspector.parameter_editors[0].kind
    combo.setFocus()
    qtbot.keyClicks(combo, "Trainable")  # keyboard search picks the entry, as in a list
    assert document.circuit.operations[RX_HALF].params == (Weight(n_weights),)
    assert document.circuit.n_weights == n_weights + 1
    editor = inspector.parameter_editors[0]
    assert editor.kind.currentText() == "Trainable weight"
    assert editor.shared.text() == "used by this gate only"
    assert not editor.weight_value.isEnabled()
    assert "weight initialisation (uniform)" in editor.weight_note.text()
    _assert_undo_restores(document, before)
    assert inspector.parameter_editors[0].kind.currentText() == "Constant"

    document.undo_stack.redo()
    qtbot.keyClick(inspector.parameter_editors[0].kind, Qt.Key.Key_Down)  # the next entry
    assert document.circuit.operations[RX_HALF].params == (Feature(0),)
    assert document.undo_stack.count() == 2


def test_no_new_weight_past_the_largest_index(inspector, document, qtbot):
    # A circuit already using weight index 999,999 has no fresh index left to hand out.
    document.edit_circuit(document.circuit.add("rz", 0, w(MAX_PARAMETER_INDEX)), "Add")
    _select(document, RX_HALF)
    before = document.circuit
    combo = inspector.parameter_editors[0].kind
    combo.setFocus()
    qtbot.keyClicks(combo, "Trainable")
    assert document.circuit == before
    editor = inspector.parameter_editors[0]
    assert editor.kind.currentText() == "Constant"
    assert editor.error.text() == ("No new weight index is free: the circuit already uses "
                                   "indices up to 999,999")
    _select(document, RZ_W0)
    assert inspector.parameter_editors[0].weight_index.maximum() == MAX_PARAMETER_INDEX


def test_weight_index_and_sharing(inspector, document, qtbot):
    _select(document, RZ_W0)
    editor = inspector.parameter_editors[0]
    assert editor.shared.text() == "shared with 1 other gate"
    assert "#4 RY(θ₀)" in editor.shared.toolTip()
    before = document.circuit
    _type(qtbot, editor.weight_index, "3")
    assert document.circuit.operations[RZ_W0].params == (Weight(3),)
    assert editor.shared.text() == "shared with 1 other gate"
    assert "#7 RY(θ₃)" in editor.shared.toolTip()
    _select(document, RY_W0)
    assert inspector.parameter_editors[0].shared.text() == "used by this gate only"
    _select(document, RZ_W0)
    _assert_undo_restores(document, before)
    assert inspector.parameter_editors[0].weight_index.value() == 0


def test_feature_index_scale_and_offset(inspector, document, qtbot):
    _select(document, RY_X)
    before = document.circuit
    editor = inspector.parameter_editors[0]
    _type(qtbot, editor.feature_scale, "pi/2")
    assert document.circuit.operations[RY_X].params == (Feature(0, math.pi / 2, 0.0),)
    _type(qtbot, editor.feature_offset, "-0.25")
    _type(qtbot, editor.feature_index, "2")
    assert document.circuit.operations[RY_X].params == (Feature(2, math.pi / 2, -0.25),)
    assert document.undo_stack.count() == 3

    _type(qtbot, editor.feature_offset, "1 +")
    assert editor.error.text().startswith("Offset:")
    assert document.undo_stack.count() == 3

    for _ in range(3):
        document.undo_stack.undo()
    assert document.circuit == before
    assert inspector.parameter_editors[0].feature_scale.text() == "1"


def test_changing_a_wire_and_refusing_duplicates(inspector, document, qtbot):
    _select(document, CX)
    before = document.circuit
    control, target = inspector.wire_spin_boxes
    assert control.maximum() == 2
    _type(qtbot, target, "0")
    assert inspector.wire_error.isVisible()
    assert inspector.wire_error.text() == ("Target: wire 0 is already the control; "
                                           "a gate's wires must all differ.")
    assert document.circuit == before and document.undo_stack.count() == 0

    _type(qtbot, target, "2")
    assert not inspector.wire_error.isVisible()
    assert document.circuit.operations[CX] == Operation("cx", (0, 2))
    assert document.undo_stack.undoText() == "Change CX wires"
    assert document.selection == (CX,)
    _assert_undo_restores(document, before)
    assert [box.value() for box in inspector.wire_spin_boxes] == [0, 1]


def test_arrow_keys_on_a_wire_box_move_the_gate(inspector, document, qtbot):
    _select(document, RY_W0)
    box = inspector.wire_spin_boxes[0]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert document.circuit.operations[RY_W0].wires == (1,)
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert document.circuit.operations[RY_W0].wires == (0,)
    assert document.undo_stack.count() == 2


def test_trained_weight_value_is_editable_and_undoable(inspector, document, qtbot):
    trained = replace(document.project, weights=(0.1, 0.2, 0.3, 0.4))
    document.edit(trained, "Train")
    document.undo_stack.clear()
    _select(document, RZ_W0)
    editor = inspector.parameter_editors[0]
    assert editor.weight_value.isEnabled()
    assert editor.weight_value.text() == "0.1"
    _type(qtbot, editor.weight_value, "pi/8")
    assert document.project.weights == (math.pi / 8, 0.2, 0.3, 0.4)
    assert document.circuit == _circuit()
    assert document.undo_stack.undoText() == "Change weight θ₀"

    _type(qtbot, editor.weight_value, "big")
    assert editor.error.isVisible()
    assert document.undo_stack.count() == 1

    document.undo_stack.undo()
    assert document.project == trained
    assert inspector.parameter_editors[0].weight_value.text() == "0.1"


def test_freezing_a_trained_weight_keeps_its_value(inspector, document, qtbot):
    document.edit(replace(document.project, weights=(0.1, 0.2, 0.3, 0.4)), "Train")
    _select(document, U3)
    combo = inspector.parameter_editors[1].kind
    combo.setFocus()
    qtbot.keyClicks(combo, "Constant")
    assert document.circuit.operations[U3].params == (w(1), Const(0.3), Const(math.pi / 4))


def test_switching_to_another_gate_type_rebuilds_the_fields(inspector, document, qtbot):
    _select(document, RX_HALF)
    old_editor = inspector.parameter_editors[0]
    _select(document, CX)
    assert len(inspector.wire_spin_boxes) == 2
    assert inspector.parameter_editors == []
    _select(document, RX_HALF)
    assert inspector.parameter_editors[0] is not old_editor
    # Same gate type: the fields are updated in place (the user's focus stays put).
    same = inspector.parameter_editors[0]
    _type(qtbot, same.constant, "0.25")
    assert inspector.parameter_editors[0] is same
    assert same.constant.hasFocus()
    assert document.circuit.operations[RX_HALF].params == (Const(0.25),)


def test_typing_an_expression_binds_trainable_input_scaling(inspector, document, qtbot):
    _select(document, RY_X)
    before = document.circuit
    editor = inspector.parameter_editors[0]
    editor.kind.setFocus()
    qtbot.keyClicks(editor.kind, "Expression")
    assert document.undo_stack.count() == 0  # choosing the kind alone changes nothing
    assert editor.expression.isVisible() and editor.expression.text() == "x0"
    _type(qtbot, editor.expression, "w7*x0 + w8")
    param = document.circuit.operations[RY_X].params[0]
    assert param == w(7) * x(0) + w(8) and param.label == "θ₇·x₀ + θ₈"
    assert document.circuit.n_weights == 9
    assert editor.kind.currentText() == "Expression" and editor.expression.text() == "w7*x0 + w8"
    _assert_undo_restores(document, before)
    assert inspector.parameter_editors[0].kind.currentText() == "Input feature"


def test_an_expression_of_two_features_and_refused_forms(inspector, document, qtbot):
    _select(document, RX_HALF)
    before = document.circuit
    editor = inspector.parameter_editors[0]
    qtbot.keyClicks(editor.kind, "Expression")
    _type(qtbot, editor.expression, "w0*w1")
    assert "at most one weight" in editor.error.text() and editor.error.isVisible()
    _type(qtbot, editor.expression, "sin(x0)")
    assert "sin() of an input is not allowed" in editor.error.text()
    _type(qtbot, editor.expression, "foo + 1")
    assert "unknown name(s) foo" in editor.error.text()
    assert document.circuit == before and document.undo_stack.count() == 0

    _type(qtbot, editor.expression, "(pi - x0)*(pi - x1)")
    assert not editor.error.isVisible()
    param = document.circuit.operations[RX_HALF].params[0]
    assert param == (math.pi - x(0)) * (math.pi - x(1))
    assert param.value([0.5, 2.0], []) == pytest.approx((math.pi - 0.5) * (math.pi - 2.0))
    # Typing a plain binding there binds the plain kind, and the combo follows.
    _type(qtbot, inspector.parameter_editors[0].expression, "w2")
    assert document.circuit.operations[RX_HALF].params == (Weight(2),)
    assert inspector.parameter_editors[0].kind.currentText() == "Trainable weight"
