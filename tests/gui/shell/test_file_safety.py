"""Files in the desktop app, used the way a user does (menus, file dialogs answered):
special files are refused with a message instead of freezing the window, and every export is
written atomically (an injected failure at the rename leaves the old file and no debris).
"""

from __future__ import annotations

import errno
import os

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from qmlstudio.core import Circuit, Project, w
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.shell.app import open_startup_windows
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from qmlstudio.gui.shell.opening import open_document
from qmlstudio.io import parse_qasm, to_qasm
from qmlstudio.io.quantikz_export import to_quantikz
from qmlstudio.ml.export.result_tables import history_csv
from tests.gui.dialogs import answer_next_dialog, choose_file, dialog_text, press
from tests.io.special_files import KINDS, fails_if_blocked, needs_fifos, special_file

Button = QMessageBox.StandardButton


@pytest.fixture
def window(qtbot):
    """A shown main window with a grouped, weighted circuit; closed without prompts after."""
    circuit = Circuit(2).add("h", 0).add("cx", [0, 1]).add("ry", 1, w(0))
    grouped = Circuit(2, tuple(op if op.gate == "ry" else
                               type(op)(op.gate, op.wires, op.params, "bell#0")
                               for op in circuit.operations))
    made = MainWindow(ProjectDocument(Project(grouped, name="bell")))
    made.show()
    made.activateWindow()
    assert QTest.qWaitForWindowActive(made, 5000)
    yield made
    for each in open_windows():
        each.document.undo_stack.setClean()
        each.close()


def _answer_file_dialog(path, *, replace: bool = False, then_ok: bool = False) -> list:
    """Answer the next file dialog with ``path``; with ``replace``, answer Yes to its
    "already exists, replace?" question; with ``then_ok``, press OK on the message box that
    follows. Returns a list whose last item, after the action ran, is what
    :func:`answer_next_dialog` saw of that message box. Each answer is scheduled only once
    the dialog before it is answered, so none can hit the wrong one."""
    message: list = []

    def ok_next() -> None:
        message.append(answer_next_dialog(press(Button.Ok)))

    def yes(box) -> None:
        press(Button.Yes)(box)
        if then_ok:
            ok_next()

    def pick(dialog) -> None:
        if replace:
            message.append(answer_next_dialog(yes))  # kept alive with the list
        elif then_ok:
            ok_next()
        choose_file(str(path))(dialog)

    message.append(answer_next_dialog(pick))
    return message


def _temporary_files(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if ".qmlstudio-" in name)


# -- special files are refused -----------------------------------------------------------------
@needs_fifos
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("suffix", [".qmlproj", ".qasm"])
def test_opening_a_special_file_is_refused_naming_it(qtbot, tmp_path, kind, suffix):
    path = special_file(tmp_path, kind, suffix)
    with fails_if_blocked(), pytest.raises(ValueError) as caught:
        open_document(path)
    what = "a project file" if suffix == ".qmlproj" else "an OpenQASM file"
    assert str(caught.value) == f"{path}: not {what}: it is {KINDS[kind]}, not a regular file"


@needs_fifos
def test_qmlstudio_fifo_qasm_shows_a_message_instead_of_freezing(qtbot, tmp_path):
    """What ``qmlstudio f.qasm`` runs: the window comes up with the message, not a black
    screen blocked in open()."""
    path = special_file(tmp_path, "fifo", ".qasm")
    seen = answer_next_dialog(press(Button.Ok))
    try:
        with fails_if_blocked():
            windows = open_startup_windows([path])
        assert dialog_text(seen) == (f"{path}: not an OpenQASM file: it is a named pipe "
                                     f"(FIFO), not a regular file")
        assert len(windows) == 1 and windows[0].isVisible()
    finally:
        for each in open_windows():
            each.close()


@needs_fifos
@pytest.mark.parametrize(("action", "suffix", "what"), [
    ("open", ".qmlproj", "a project file"),
    ("open", ".qasm", "an OpenQASM file"),
    ("import_qasm", ".qasm", "an OpenQASM file"),
])
def test_the_open_and_import_actions_refuse_a_fifo_with_a_message(window, tmp_path, action,
                                                                  suffix, what):
    path = special_file(tmp_path, "fifo", suffix)
    before = window.document.project
    message = _answer_file_dialog(path, then_ok=True)
    with fails_if_blocked():
        window.actions_.actions[action].trigger()
    assert dialog_text(message[-1]) == (f"{path}: not {what}: it is a named pipe (FIFO), not a "
                                        f"regular file")
    assert window.document.project == before


# -- exports are atomic --------------------------------------------------------------------------
EXPORTS = {  # action: (file name, the text it must write, from the window's project)
    "export_qasm3": ("c.qasm", lambda project: to_qasm(project.circuit)),
    "export_tex": ("c.tex", lambda project: to_quantikz(project.circuit)),
    "export_history": ("h.csv", lambda project: history_csv(project.history)),
}


@pytest.mark.parametrize("action", EXPORTS)
def test_text_exports_write_through_the_dialog(window, tmp_path, action):
    name, expected = EXPORTS[action]
    target = tmp_path / name
    _answer_file_dialog(target)
    window.actions_.actions[action].trigger()
    assert target.read_text(encoding="utf-8") == expected(window.document.project)
    assert _temporary_files(tmp_path) == []
    if action == "export_qasm3":  # template groups survive the round trip
        assert parse_qasm(target.read_text(encoding="utf-8")) == window.document.circuit


@pytest.mark.parametrize("action", [*EXPORTS, "export_png", "export_svg"])
def test_a_failed_export_keeps_the_old_file_and_says_why(window, tmp_path, monkeypatch, action):
    """The rename at the end of an atomic write fails (as on a full or broken disk): the file
    the user chose to replace is unchanged, no temporary file is left, and the message names
    the file and the reason. An export that wrote in place would have clobbered it."""
    name = EXPORTS[action][0] if action in EXPORTS else f"d.{action[-3:]}"
    target = tmp_path / name
    target.write_bytes(b"the old file")

    def failing_replace(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", failing_replace)
    message = _answer_file_dialog(target, replace=True, then_ok=True)
    window.actions_.actions[action].trigger()
    monkeypatch.undo()
    assert target.read_bytes() == b"the old file"
    assert _temporary_files(tmp_path) == []
    assert dialog_text(message[-1]) == (f"{target}: cannot be written (Input/output error); the "
                                    f"previous file, if any, is unchanged")


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_diagram_and_plot_images_are_written_whole(window, tmp_path, suffix):
    diagram, plots = tmp_path / f"d.{suffix}", tmp_path / f"p.{suffix}"
    _answer_file_dialog(diagram)
    window.actions_.actions[f"export_{suffix}"].trigger()
    window.plots.export_plots(plots)
    window.plots.export_plot("loss", tmp_path / f"loss.{suffix}")
    signature = b"\x89PNG\r\n\x1a\n" if suffix == "png" else b"<?xml"
    for path in (diagram, plots, tmp_path / f"loss.{suffix}"):
        data = path.read_bytes()
        assert data.startswith(signature), path
        assert data.rstrip().endswith(b"IEND\xaeB`\x82" if suffix == "png" else b"</svg>")
    assert _temporary_files(tmp_path) == []
