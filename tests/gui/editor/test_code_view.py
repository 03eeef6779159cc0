"""The code view: OpenQASM 3 text that follows the canvas and applies as one undoable edit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo, QFontMetrics, QTextCursor

from qmlstudio._resources import resource_path
from qmlstudio.core import Circuit, Operation, Project
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.code_view import CodeView, with_kept_groups
from qmlstudio.io import from_qasm, load_project, to_qasm


def _example_document() -> ProjectDocument:
    """The moons example: encoding and ansatz template groups, features and weights."""
    return ProjectDocument(load_project(resource_path("examples", "moons.qmlproj")))


def _shown(qtbot, document) -> CodeView:
    view = CodeView(document)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def _type_at_end(qtbot, view: CodeView, line: str) -> None:
    """Type ``line`` as a new last line, as the user would."""
    view.editor.setFocus()
    view.editor.moveCursor(QTextCursor.MoveOperation.End)
    if not view.text().endswith("\n"):
        qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(view.editor, line)


def _apply_with_keyboard(qtbot, view: CodeView) -> None:
    qtbot.keyClick(view.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_shows_the_circuit_as_openqasm_3_in_a_monospace_editor(qtbot):
    document = _example_document()
    view = _shown(qtbot, document)
    assert view.text() == to_qasm(document.circuit)
    assert view.text().startswith("OPENQASM 3.0;")
    # What the user sees: the shipped DejaVu Sans Mono, whatever "monospace" means on this
    # machine (Noto Sans Mono, which Qt does not report as fixed pitch, on some).
    font = view.editor.font()
    assert QFontInfo(font).family() == "DejaVu Sans Mono"
    assert QFontInfo(font).fixedPitch()
    metrics = QFontMetrics(font)
    assert metrics.horizontalAdvance("i") == metrics.horizontalAdvance("W") > 0
    assert not view.has_unapplied_edits()
    assert not view.apply_button.isEnabled()


def test_round_trip_is_a_no_op_even_with_template_groups(qtbot):
    document = _example_document()
    before = document.circuit
    assert any(op.group for op in before.operations)  # QASM cannot carry these
    view = _shown(qtbot, document)
    _apply_with_keyboard(qtbot, view)
    assert document.circuit is before
    assert document.undo_stack.count() == 0
    assert view.message().startswith("No change")


def test_typed_gate_applies_as_one_undoable_edit(qtbot):
    document = _example_document()
    before = document.circuit
    view = _shown(qtbot, document)
    _type_at_end(qtbot, view, "crx(0.25) q[3], q[0];")
    assert view.has_unapplied_edits() and view.apply_button.isEnabled()
    assert document.circuit is before  # nothing happens until Apply
    _apply_with_keyboard(qtbot, view)

    assert document.undo_stack.count() == 1
    assert document.undo_stack.undoText() == "Edit OpenQASM"
    after = document.circuit
    assert len(after.operations) == len(before.operations) + 1
    new = after.operations[-1]
    assert (new.gate, new.wires, new.label) == ("crx", (3, 0), "CRX(0.25)")
    assert after.operations[:-1] == before.operations  # groups of the others kept
    assert view.text() == to_qasm(after) and not view.has_unapplied_edits()
    assert view.message() == "Applied."

    document.undo_stack.undo()
    assert document.circuit == before
    qtbot.waitUntil(lambda: view.text() == to_qasm(before), timeout=5_000)
    document.undo_stack.redo()
    assert document.circuit == after


def test_apply_button_applies_and_keeps_the_rest_of_the_project(qtbot):
    document = _example_document()
    project = document.project
    view = _shown(qtbot, document)
    view.editor.selectAll()
    qtbot.keyClicks(view.editor, 'OPENQASM 3.0; include "stdgates.inc"; qubit[4] q; h q[2];')
    qtbot.mouseClick(view.apply_button, Qt.MouseButton.LeftButton)
    assert document.circuit == Circuit(4).add("h", 2)
    assert document.project.dataset == project.dataset
    assert document.project.training == project.training
    assert view.text() == to_qasm(document.circuit)


def test_syntax_error_names_the_line_and_loses_nothing(qtbot):
    document = _example_document()
    before = document.circuit
    view = _shown(qtbot, document)
    _type_at_end(qtbot, view, "frobnicate q[1];")
    _type_at_end(qtbot, view, "h q[0];")
    typed = view.text()
    bad_line = typed.splitlines().index("frobnicate q[1];") + 1

    _apply_with_keyboard(qtbot, view)
    assert f"line {bad_line}" in view.message()
    assert "frobnicate" in view.message()
    assert view.error_line() == bad_line  # highlighted in the editor
    assert view.text() == typed  # the text stays as typed
    assert document.circuit is before and document.undo_stack.count() == 0
    assert view.has_unapplied_edits()

    # Fixing the line and applying again works; the highlight goes with the first key.
    cursor = view.editor.document().findBlockByNumber(bad_line - 1)
    text_cursor = QTextCursor(cursor)
    text_cursor.select(QTextCursor.SelectionType.LineUnderCursor)
    view.editor.setTextCursor(text_cursor)
    qtbot.keyClicks(view.editor, "x q[1];")
    assert view.error_line() is None
    _apply_with_keyboard(qtbot, view)
    assert [op.gate for op in document.circuit.operations[-2:]] == ["x", "h"]
    assert document.undo_stack.count() == 1


def test_out_of_range_wire_is_an_inline_error(qtbot):
    document = ProjectDocument(Project(Circuit(2).add("h", 0)))
    view = _shown(qtbot, document)
    _type_at_end(qtbot, view, "x q[7];")
    _apply_with_keyboard(qtbot, view)
    assert "out of range" in view.message()
    assert view.error_line() == len(view.text().splitlines())
    assert document.circuit == Circuit(2).add("h", 0)


def test_canvas_edits_rewrite_the_text(qtbot):
    document = ProjectDocument(Project(Circuit(2).add("h", 0)))
    view = _shown(qtbot, document)
    document.edit_circuit(document.circuit.add("cx", (0, 1)), "Add CNOT")
    qtbot.waitUntil(lambda: "cx q[0], q[1];" in view.text(), timeout=5_000)
    assert view.text() == to_qasm(document.circuit)
    assert not view.is_conflict_shown()


def test_canvas_change_during_typing_offers_apply_or_discard(qtbot):
    document = ProjectDocument(Project(Circuit(2).add("h", 0)))
    view = _shown(qtbot, document)
    _type_at_end(qtbot, view, "x q[1];")
    typed = view.text()
    document.edit_circuit(document.circuit.add("z", 1), "Add Z")  # e.g. from the canvas
    qtbot.waitUntil(view.is_conflict_shown, timeout=5_000)
    assert view.text() == typed  # the user's typing is not overwritten

    discard = next(b for b in view._bar.findChildren(type(view.apply_button))
                   if b.text() == "Discard")
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    assert view.text() == to_qasm(document.circuit)
    assert not view.is_conflict_shown() and not view.has_unapplied_edits()

    _type_at_end(qtbot, view, "y q[0];")
    document.undo_stack.undo()  # the canvas changes again under the typing
    qtbot.waitUntil(view.is_conflict_shown, timeout=5_000)
    apply = next(b for b in view._bar.findChildren(type(view.apply_button))
                 if b.text() == "Apply")
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    assert document.circuit == Circuit(2).add("h", 0).add("z", 1).add("y", 0)
    assert not view.is_conflict_shown()


def test_hidden_view_catches_up_when_shown(qtbot):
    document = ProjectDocument(Project(Circuit(2).add("h", 0)))
    view = _shown(qtbot, document)
    view.hide()
    document.edit_circuit(document.circuit.add("x", 1), "Add X")
    qtbot.wait(150)
    assert "x q[1];" not in view.text()  # no work while hidden
    view.show()
    qtbot.waitUntil(lambda: view.text() == to_qasm(document.circuit), timeout=5_000)


def test_kept_groups_follow_unchanged_operations():
    circuit = from_qasm("OPENQASM 3.0;\nqubit[2] q;\nh q[0];\nx q[1];\ncx q[0], q[1];\n")
    groups = ("a", "a", "b")
    grouped = Circuit(2, tuple(Operation(op.gate, op.wires, op.params, group)
                               for op, group in zip(circuit.operations, groups, strict=True)))
    edited = from_qasm("OPENQASM 3.0;\nqubit[2] q;\nh q[0];\nz q[0];\ncx q[0], q[1];\n")
    kept = with_kept_groups(edited, grouped)
    assert [op.group for op in kept.operations] == ["a", None, "b"]
    assert with_kept_groups(from_qasm(to_qasm(grouped)), grouped) == grouped


def test_apply_keeps_the_scroll_position_and_the_cursor(qtbot):
    circuit = Circuit(3)
    for k in range(80):
        circuit = circuit.add("rx", k % 3, 0.01 * k)
    document = ProjectDocument(Project(circuit))
    view = _shown(qtbot, document)
    view.resize(500, 250)
    bar = view.editor.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 40)
    bar.setValue(bar.maximum() // 2)  # the user scrolled half way down
    scrolled = bar.value()
    # Click on a line in view, then edit it: "rx(0.2)" becomes "ry(0.2)".
    editor = view.editor
    line_rect = editor.cursorRect(editor.cursorForPosition(editor.viewport().rect().center()))
    qtbot.mouseClick(view.editor.viewport(), Qt.MouseButton.LeftButton,
                     pos=line_rect.center())
    line = view.editor.textCursor().blockNumber()
    assert view.editor.textCursor().block().text().startswith("rx(")
    qtbot.keyClick(view.editor, Qt.Key.Key_Home)
    qtbot.keyClick(view.editor, Qt.Key.Key_Right)
    qtbot.keyClick(view.editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(view.editor, "y")
    position = view.editor.textCursor().position()
    _apply_with_keyboard(qtbot, view)
    assert view.message() == "Applied."
    assert document.circuit.operations[line - 3].gate == "ry"  # after three header lines
    assert bar.value() == scrolled
    assert view.editor.textCursor().position() == position
    assert view.editor.textCursor().blockNumber() == line


def test_an_error_leaves_once_the_text_it_described_is_edited(qtbot):
    document = ProjectDocument(Project(Circuit(2).add("h", 0)))
    view = _shown(qtbot, document)
    _type_at_end(qtbot, view, "cx q[0], q[7];")
    _apply_with_keyboard(qtbot, view)
    assert "q[7]" in view.message() or "7" in view.message()
    qtbot.keyClick(view.editor, Qt.Key.Key_Backspace)
    assert view.message() == ""
