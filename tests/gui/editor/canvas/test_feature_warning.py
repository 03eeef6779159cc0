"""The canvas warns while the circuit sums two features into one angle, and stops when the
cause goes: two RY gates dropped on one wire and bound to x₀ and x₁ through the inspector,
then separated by an H (real window, palette drops and inspector typing, offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from qmlstudio.core import Circuit, Feature, Project
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.shell.main_window import MainWindow
from tests.gui.canvas_support import center, click, drop_gate


@pytest.fixture
def window(qtbot):
    window = MainWindow(ProjectDocument(Project(Circuit(2), name="summed")))
    window.resize(1280, 800)
    window.show()
    assert QTest.qWaitForWindowActive(window, 5000)
    yield window
    window.document.undo_stack.setClean()
    window.close()


def bind_to_feature(window, qtbot, index: int, feature: int) -> None:
    """Select gate ``index`` on the canvas and make its angle read ``x[feature]``, as a user
    does in the inspector."""
    click(window.canvas, center(window.canvas, index))
    editor = window.inspector.parameter_editors[0]
    editor.kind.setFocus()
    qtbot.keyClicks(editor.kind, "Input")
    if feature:
        field = window.inspector.parameter_editors[0].feature_index
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(field, str(feature))
        qtbot.keyClick(field, Qt.Key.Key_Return)


def test_two_features_on_one_axis_warn_until_an_h_separates_them(window, qtbot, tmp_path):
    canvas = window.canvas
    assert drop_gate(canvas, "ry", 0, 0) and drop_gate(canvas, "ry", 1, 0)
    assert window.feature_warning_text() == ""  # trainable weights: nothing to warn about
    bind_to_feature(window, qtbot, 0, 0)
    bind_to_feature(window, qtbot, 1, 1)
    assert [op.params for op in window.document.circuit.operations] == [(Feature(0),),
                                                                        (Feature(1),)]
    expected = ("Features summed into one angle: RY(x₀) and RY(x₁) on q0 act as one rotation: "
                "x₀ and x₁ are summed")
    assert window.feature_warning_text() == expected
    assert canvas.merge_at(0) is canvas.merge_at(1) is not None
    window.document.set_selection(())
    QTest.qWait(50)
    shot = window.grab()  # the screenshot the change was reviewed with (1280x800)
    assert (shot.width(), shot.height()) == (1280, 800) and shot.save(str(tmp_path / "w.png"))

    assert drop_gate(canvas, "h", 1, 0)  # lands between the two rotations
    assert [op.gate for op in window.document.circuit.operations] == ["ry", "h", "ry"]
    assert window.feature_warning_text() == ""
    assert canvas.merge_at(0) is None and canvas.merge_at(2) is None

    window.document.undo_stack.undo()  # the cause comes back, and so does the warning
    assert window.feature_warning_text() == expected
