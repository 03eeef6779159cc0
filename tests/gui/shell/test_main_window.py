"""The main window as a user meets it: menus, shortcuts, title, status bar, files, settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from qmlstudio.core import Circuit, Project, w
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.shell.app import open_startup_windows
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from qmlstudio.io import from_qasm, load_project, save_project
from tests.gui.canvas_support import drop, drop_files
from tests.gui.dialogs import answer_next_dialog, choose_file, dialog_text, press

Button = QMessageBox.StandardButton


@pytest.fixture
def make_window(qtbot):
    """Open main windows like the app does; close whatever is left at the end."""

    def make(document: ProjectDocument | None = None) -> MainWindow:
        window = MainWindow(document)  # deletes itself on close: not handed to qtbot
        window.show()
        window.activateWindow()  # shortcuts reach only the active window
        assert QTest.qWaitForWindowActive(window, 5000)
        return window

    yield make
    for window in open_windows():
        window.document.undo_stack.setClean()  # no prompts while tearing down
        window.close()


def _bell_project() -> Project:
    return Project(Circuit(2).add("h", 0).add("cx", [0, 1]).add("ry", 1, w(0)), name="bell")


def test_title_shows_the_file_name_and_a_modified_marker(make_window, tmp_path):
    path = tmp_path / "bell.qmlproj"
    save_project(_bell_project(), path)
    window = make_window(ProjectDocument.open(path))
    assert window.windowTitle().startswith("bell.qmlproj")
    assert not window.isWindowModified()
    window.document.edit_circuit(window.document.circuit.add("x", 1), "Add X")
    assert window.isWindowModified()
    window.actions_.actions["undo"].trigger()
    assert not window.isWindowModified()


def test_status_bar_counts_qubits_gates_depth_and_weights(make_window):
    window = make_window(ProjectDocument(_bell_project()))
    assert window.status_text() == "2 qubits · 3 gates · depth 3 · 1 trainable weight"


def test_ctrl_s_saves_and_the_reopened_project_shows_the_identical_circuit(make_window, qtbot,
                                                                           tmp_path):
    path = tmp_path / "bell.qmlproj"
    save_project(_bell_project(), path)
    window = make_window(ProjectDocument.open(path))
    window.document.edit_circuit(window.document.circuit.add("rz", 0, w(1)), "Add RZ")
    qtbot.keyClick(window.canvas.viewport(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not window.document.is_modified
    saved = load_project(path)
    assert saved.circuit == window.document.circuit
    labels = list(window.canvas.circuit_layout.labels)
    rects = [window.canvas.circuit_layout.op_rect(i) for i in range(len(labels))]
    window.close()
    reopened = make_window(ProjectDocument.open(path))
    assert reopened.document.project == saved
    assert list(reopened.canvas.circuit_layout.labels) == labels
    assert [reopened.canvas.circuit_layout.op_rect(i) for i in range(len(labels))] == rects


def test_save_as_asks_for_a_file_and_remembers_it_as_recent(make_window, tmp_path):
    window = make_window(ProjectDocument(_bell_project()))
    target = tmp_path / "chosen"
    answer_next_dialog(choose_file(str(target)))
    assert window.actions_.save()
    assert (tmp_path / "chosen.qmlproj").is_file()
    assert window.document.path == tmp_path / "chosen.qmlproj"
    window.actions_._fill_recent_menu()
    texts = [a.text() for a in window.actions_.recent_menu.actions()]
    assert texts[0] == "&1 chosen.qmlproj"


@pytest.mark.parametrize(("button", "closes", "saved"),
                         [(Button.Cancel, False, False), (Button.Discard, True, False),
                          (Button.Save, True, True)])
def test_closing_with_unsaved_changes_asks_save_discard_cancel(make_window, qtbot, tmp_path,
                                                                button, closes, saved):
    path = tmp_path / "bell.qmlproj"
    save_project(_bell_project(), path)
    window = make_window(ProjectDocument.open(path))
    window.document.edit_circuit(window.document.circuit.add("x", 0), "Add X")
    edited = window.document.circuit
    seen = answer_next_dialog(press(button))
    window.close()
    qtbot.waitUntil(lambda: len(seen) > 2)
    assert "Save the changes to bell.qmlproj" in dialog_text(seen)
    assert (window not in open_windows()) == closes
    assert (load_project(path).circuit == edited) == saved


def test_geometry_and_dock_layout_persist_between_windows(make_window):
    first = make_window()
    first.resize(790, 560)  # within the offscreen screen (800 wide), which a restore keeps to
    first.docks["code"].hide()
    first.close()
    second = make_window()
    assert (second.width(), second.height()) == (790, 560)
    assert second.docks["code"].isHidden()


def test_first_launch_opens_an_example_and_later_launches_an_empty_project(qtbot):
    windows = open_startup_windows()
    try:
        shown = windows[-1]
        assert shown.document.circuit.operations, "the example circuit is shown"
        assert shown.document.path is None  # an unsaved copy: Save asks where
    finally:
        for window in open_windows():
            window.close()
    windows = open_startup_windows()
    try:
        assert [len(w.document.circuit.operations) for w in windows] == [0]
    finally:
        for window in open_windows():
            window.close()


def test_opening_a_qasm_file_from_the_command_line_gives_an_unsaved_project(qtbot, tmp_path):
    path = tmp_path / "ghz.qasm"
    path.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\n'
                    "h q[0];\ncx q[0], q[1];\ncx q[1], q[2];\n", encoding="utf-8")
    windows = open_startup_windows([path])
    try:
        assert len(windows) == 1  # the empty start window was reused
        document = windows[0].document
        assert document.circuit == from_qasm(path.read_text())
        assert document.path is None and document.display_name == "ghz"
        assert document.is_modified  # imported work that is saved nowhere yet
    finally:
        for window in open_windows():
            window.document.undo_stack.setClean()
            window.close()


def test_a_bad_file_is_reported_and_the_window_keeps_its_project(make_window, tmp_path):
    window = make_window(ProjectDocument(_bell_project()))
    bad = tmp_path / "broken.qasm"
    bad.write_text("OPENQASM 3.0;\nqubit[2] q;\nfoo q[0];\n", encoding="utf-8")
    seen = answer_next_dialog(press(Button.Ok))
    assert not window.actions_.import_qasm_file(bad)
    assert "broken.qasm" in dialog_text(seen) and "line 3" in dialog_text(seen)
    assert window.document.project == _bell_project()
    assert not window.document.is_modified


def test_import_qasm_replaces_the_circuit_as_one_undoable_edit(make_window, tmp_path):
    window = make_window(ProjectDocument(_bell_project()))
    path = tmp_path / "one.qasm"
    path.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nx q[0];\n',
                    encoding="utf-8")
    assert window.actions_.import_qasm_file(path)
    assert window.document.circuit == Circuit(1).add("x", 0)
    window.document.undo_stack.undo()
    assert window.document.project == _bell_project()


def test_dropping_a_project_file_on_the_window_opens_it(make_window, tmp_path):
    path = tmp_path / "dropped.qmlproj"
    save_project(_bell_project(), path)
    window = make_window(ProjectDocument(_bell_project()))
    window.document.edit_circuit(Circuit(1), "Edit")  # not pristine: opens a second window
    assert drop_files(window, [path])
    opened = [w for w in open_windows() if w.document.path == path]
    assert len(opened) == 1 and opened[0].document.project == load_project(path)


def test_export_qasm3_and_2_write_files_that_read_back(make_window, tmp_path):
    window = make_window(ProjectDocument(_bell_project()))
    assert window.actions_.export_qasm_file(tmp_path / "c3.qasm", 3)
    assert from_qasm((tmp_path / "c3.qasm").read_text()) == _bell_project().circuit
    assert window.actions_.export_qasm_file(tmp_path / "c2.qasm", 2)
    text = (tmp_path / "c2.qasm").read_text()
    assert text.startswith("OPENQASM 2.0;") and "ry(" in text


def test_export_diagram_png_and_svg(make_window, tmp_path):
    window = make_window(ProjectDocument(_bell_project()))
    assert window.actions_.export_diagram_file(tmp_path / "d.png", "png")
    assert (tmp_path / "d.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert window.actions_.export_diagram_file(tmp_path / "d.svg", "svg")
    assert "<svg" in (tmp_path / "d.svg").read_text(encoding="utf-8")
    assert window.actions_.export_diagram_file(tmp_path / "d.tex", "tex")
    tex = (tmp_path / "d.tex").read_text(encoding="utf-8")
    assert "\\begin{quantikz}" in tex and "\\targ{}" in tex  # the CX of the Bell pair


def test_about_names_the_versions(make_window):
    import numpy

    window = make_window()
    seen = answer_next_dialog(lambda dialog: dialog.accept())
    window.actions_.about()
    assert f"numpy {numpy.__version__}" in dialog_text(seen)


def test_every_example_opens(make_window):
    window = make_window()
    for key, action in window.actions_.actions.items():
        if key.startswith("example_"):
            action.trigger()
    names = sorted(w.document.display_name for w in open_windows() if w.document.circuit.operations)
    assert len(names) == 4


def test_palette_drag_onto_the_canvas_adds_the_gate(make_window):
    window = make_window()
    mime = window.gate_palette.mime_data_for("ry")
    assert drop(window.canvas, mime, window.canvas.cell_point(0, 1))
    assert window.document.circuit.operations[0].gate == "ry"
    assert window.document.circuit.operations[0].wires == (1,)
    assert window.status_text().startswith("2 qubits · 1 gate ·")


def test_the_gate_palette_does_not_shadow_the_widget_palette(make_window):
    window = make_window()
    # QWidget.palette() is the colours Qt paints with; the gate list has its own name.
    assert isinstance(window.palette(), QPalette)
    assert window.palette().color(QPalette.ColorRole.Window).isValid()
    assert window.docks["palette"].widget() is window.gate_palette

