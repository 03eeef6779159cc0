"""ProjectDocument: one undoable step per edit, modified flag from the undo stack, atomic save."""

from __future__ import annotations

import pytest

from qmlstudio.core import Circuit, ProjectError, w
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.io import load_project


def test_edit_undo_redo_restore_identical_projects_and_selection(document, qtbot):
    before = document.project
    circuit = document.circuit.add("ry", 0, w(0)).add("cx", [0, 1])
    with qtbot.waitSignal(document.project_changed):
        assert document.edit_circuit(circuit, "Add gates", selection=(1,))
    assert document.circuit == circuit
    assert document.selection == (1,)
    assert document.undo_stack.undoText() == "Add gates"
    document.undo_stack.undo()
    assert document.project == before
    assert document.selection == ()
    document.undo_stack.redo()
    assert document.circuit == circuit
    assert document.selection == (1,)


def test_an_edit_that_changes_nothing_is_not_recorded(document):
    assert not document.edit(document.project, "Nothing")
    assert document.undo_stack.count() == 0
    assert not document.is_modified


def test_modified_flag_follows_save_and_undo(document, tmp_path, qtbot):
    with qtbot.waitSignal(document.modified_changed) as signal:
        document.edit_circuit(document.circuit.add("h", 0), "Add H")
    assert signal.args == [True]
    path = tmp_path / "a.qmlproj"
    with qtbot.waitSignal(document.path_changed):
        document.save(path)
    assert not document.is_modified
    assert document.display_name == "a.qmlproj"
    assert load_project(path).circuit == document.circuit
    document.undo_stack.undo()  # back past the saved state: modified again
    assert document.is_modified


def test_failed_save_keeps_the_document_modified_and_its_path(document, tmp_path):
    document.edit_circuit(document.circuit.add("h", 0), "Add H")
    with pytest.raises(ProjectError, match="cannot be written"):
        document.save(tmp_path / "no such folder" / "a.qmlproj")
    assert document.is_modified
    assert document.path is None


def test_selection_is_clamped_to_existing_operations(document):
    document.edit_circuit(Circuit(2).add("h", 0).add("h", 1), "Add")
    document.set_selection([5, 1, 1, 0])
    assert document.selection == (0, 1)


def test_open_reads_the_project_and_starts_clean(tmp_path):
    path = tmp_path / "p.qmlproj"
    source = ProjectDocument()
    source.edit_circuit(Circuit(3).add("cz", [0, 2]), "Add CZ")
    source.save(path)
    reopened = ProjectDocument.open(path)
    assert reopened.project == source.project
    assert reopened.path == path
    assert not reopened.is_modified
