"""Cut, copy and paste through the system clipboard, within and between documents."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from qmlstudio.core import Circuit, Operation, Project, w, x
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.canvas import OPERATIONS_MIME
from tests.gui.canvas_support import center, click, drop_gate, show_view


def test_cut_in_one_document_and_paste_in_another(qtbot):
    source_before = Circuit(3).add("ry", 2, x(0, 0.5, 0.1)).add("cx", (0, 2)).add("h", 1)
    source = ProjectDocument(Project(source_before))
    target_before = Circuit(1).add("h", 0)
    target = ProjectDocument(Project(target_before))
    source_view = show_view(qtbot, source)
    target_view = show_view(qtbot, target)
    source.set_selection((0, 1))
    source_view.cut()
    assert source.circuit == Circuit(3).add("h", 1)
    assert source.undo_stack.undoText() == "Cut 2 gates"
    assert QApplication.clipboard().mimeData().hasFormat(OPERATIONS_MIME)
    assert "ry(" in QApplication.clipboard().text()  # OpenQASM for other programs
    target_view.paste()  # nothing selected: at the end; the circuit grows to 3 qubits
    pasted = target.circuit
    assert pasted == Circuit(3).add("h", 0).add("ry", 2, x(0, 0.5, 0.1)).add("cx", (0, 2))
    assert target.selection == (1, 2)
    assert target.undo_stack.count() == 1
    target.undo_stack.undo()
    assert target.circuit == target_before
    target.undo_stack.redo()
    assert target.circuit == pasted
    source.undo_stack.undo()
    assert source.circuit == source_before


def test_paste_goes_after_the_selection_and_keeps_weight_indices(qtbot):
    document = ProjectDocument(Project(Circuit(2).add("rz", 0, w(4)).add("x", 1).add("y", 0)))
    view = show_view(qtbot, document)
    click(view, center(view, 0))
    view.copy()
    click(view, center(view, 1))
    view.paste()
    assert document.circuit.operations == (
        Operation("rz", (0,), (w(4),)), Operation("x", (1,)), Operation("rz", (0,), (w(4),)),
        Operation("y", (0,)))
    assert document.circuit.n_weights == 5


def test_pasted_template_block_gets_its_own_group(qtbot, document):
    view = show_view(qtbot, document)
    drop_gate(view, "basic_entangler", 0, 0)
    view.copy()
    view.paste()
    groups = [op.group for op in document.circuit.operations]
    assert set(groups) == {"basic_entangler#0", "basic_entangler#1"}
    assert len(view.circuit_layout.groups) == 2


def test_paste_with_a_foreign_clipboard_says_so_and_changes_nothing(qtbot, document):
    view = show_view(qtbot, document)
    QApplication.clipboard().setText("hello")
    messages = []
    view.status_message.connect(messages.append)
    view.paste()
    assert document.undo_stack.count() == 0
    assert messages == ["The clipboard holds no gates"]
    view.copy()
    assert messages[-1] == "Nothing selected to copy"
