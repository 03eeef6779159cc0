"""The Noise panel with real widgets: choosing a model, editing the tables as a user types,
refusals that keep the model, undo, and the model surviving save → reopen."""

from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from qmlstudio._resources import resource_path
from qmlstudio.core.noise import Channel, NoiseModel
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.noise.panel import EDIT_TEXT, NoisePanel
from qmlstudio.io.noise_file import bundled_device_noise, write_noise_file
from qmlstudio.viewmodels.noise_table import EDITED
from tests.gui.dialogs import answer_next_dialog, choose_file


@pytest.fixture
def panel(qtbot, document):
    widget = NoisePanel(document)
    qtbot.addWidget(widget)
    widget.resize(360, 700)
    widget.show()
    assert QTest.qWaitForWindowExposed(widget)
    return widget


def _choose(panel: NoisePanel, key: str) -> None:
    """Pick the list entry ``key`` as a user does: the combo box emits ``activated``."""
    index = panel.choice.findData(key)
    panel.choice.setCurrentIndex(index)
    panel.choice.activated.emit(index)


def _type_into(view, row: int, text: str) -> None:
    """Double-click the value cell of ``row``, type ``text`` and press Enter."""
    index = view.model().index(row, 2)
    QTest.qWait(1)  # the table lays its rows out first
    view.scrollTo(index)
    QTest.qWait(1)
    rect = view.visualRect(index)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.isVisible(), "the cell opens an editor"
    editor.selectAll()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    for _ in range(100):  # the delegate commits Enter in a queued call
        if view.state() != QAbstractItemView.State.EditingState:
            break
        QTest.qWait(5)
    assert view.state() != QAbstractItemView.State.EditingState


def _row_of(panel: NoisePanel, gate: str, channel: str) -> int:
    return next(i for i, row in enumerate(panel.gate_rows.rows)
                if row.cells[:2] == (gate, channel))


def test_picking_a_device_makes_its_calibration_the_projects_noise(panel, document):
    assert panel.choice.currentData() == "ideal" and panel.gate_rows.rowCount() == 0
    assert [panel.choice.itemText(i) for i in range(panel.choice.count())] == [
        "Ideal", "Uniform depolarizing", "Thermal relaxation", "5-qubit device (IBM Manila)",
        "7-qubit device (IBM Lagos)", "Custom (edited or opened)"]
    _choose(panel, "device:manila")
    manila = bundled_device_noise("manila")
    assert document.project.noise == manila
    assert document.is_modified and document.undo_stack.undoText() == EDIT_TEXT
    assert panel.gate_rows.rowCount() > 100 and panel.readout_rows.rowCount() == 10
    assert "a 5-qubit device" in panel.description.text() and panel.description.isVisible()
    assert not panel.message.isVisible()
    _choose(panel, "device:lagos")
    document.undo_stack.undo()
    assert document.project.noise == manila and panel.choice.currentData() == "device:manila"
    document.undo_stack.undo()
    assert document.project.noise is None and panel.gate_rows.rowCount() == 0
    assert not document.is_modified


def test_typing_a_value_in_the_table_is_one_undoable_edit(panel, document):
    _choose(panel, "device:manila")
    manila = document.project.noise
    row = _row_of(panel, "sx on 1", "depolarizing p")
    _type_into(panel.gate_table, row, "0.02")
    edited = document.project.noise
    assert edited.channels_after("sx", (1,))[0][0] == Channel.depolarizing(0.02)
    assert edited.name == manila.name + EDITED
    assert panel.choice.currentData() == "custom"
    assert panel.gate_rows.rows[row].cells[2] == "0.02"
    assert document.undo_stack.count() == 2
    _type_into(panel.readout_table, 0, "0.25")
    assert document.project.noise.readout_error(0).p1_given_0 == 0.25
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.project.noise == manila
    assert panel.gate_rows.rows[row].value == manila.channels_after("sx", (1,))[0][0].params[0]


def test_a_bad_value_shows_why_and_keeps_the_model(panel, document):
    _choose(panel, "device:manila")
    manila, count = document.project.noise, document.undo_stack.count()
    _type_into(panel.gate_table, _row_of(panel, "sx on 1", "depolarizing p"), "1.5")
    assert panel.message.isVisible()
    assert panel.message.text() == ("sx on 1, depolarizing p: depolarizing p: must lie in "
                                    "[0, 1.33333], got 1.5")
    _type_into(panel.gate_table, _row_of(panel, "sx on 1", "T1 (q1)"), "ten")
    assert panel.message.text() == "sx on 1, T1 (q1): 'ten' is not a number"
    assert document.project.noise == manila and document.undo_stack.count() == count
    _choose(panel, "thermal")
    t1 = panel.t1.value()
    panel.t2.setValue(3 * t1)  # a user's committed value: T2 may not exceed 2·T1
    assert "exceeds 2·T1" in panel.message.text() and panel.message.isVisible()
    assert panel.t2.value() < 2 * t1, "the field shows the kept model's T2 again"
    assert document.project.noise == NoiseModel.thermal(t1, panel.t2.value(),
                                                        panel.time_1q.value(),
                                                        panel.time_2q.value())


def test_the_depolarizing_slider_and_value_field_agree(panel, document):
    _choose(panel, "depolarizing")
    assert document.project.noise == NoiseModel.uniform_depolarizing(0.01)
    assert panel.p_slider.isVisible() and not panel.t1.isVisible()
    panel.p_slider.setFocus()
    QTest.keyClick(panel.p_slider, Qt.Key.Key_PageUp)  # one step of the slider: one edit
    p = panel.p_value.value()
    assert p > 0.01 and document.project.noise == NoiseModel.uniform_depolarizing(p)
    panel.p_value.setValue(0.5)  # beyond the slider's range: the slider stays at its end
    assert panel.p_slider.value() == panel.p_slider.maximum()
    panel.readout_value.setValue(0.03)
    assert document.project.noise == NoiseModel.uniform_depolarizing(0.5, 0.03)
    assert document.undo_stack.count() == 4


def test_the_model_survives_save_and_reopen(panel, document, tmp_path):
    _choose(panel, "device:lagos")
    _type_into(panel.gate_table, _row_of(panel, "sx on 1", "depolarizing p"), "0.003")
    saved = document.project.noise
    path = tmp_path / "noisy.qmlproj"
    document.save(path)
    assert not document.is_modified
    reopened = ProjectDocument.open(path)
    assert reopened.project.noise == saved
    again = NoisePanel(reopened)
    assert again.choice.currentData() == "custom"
    assert [row.cells for row in again.gate_rows.rows] == \
        [row.cells for row in panel.gate_rows.rows]
    again.deleteLater()


def test_open_reads_a_model_file_or_refuses_a_file_without_one(panel, document, tmp_path):
    model = NoiseModel.thermal(50_000.0, 40_000.0, 20.0, 200.0)
    write_noise_file(tmp_path / "thermal.json", model)
    assert panel.open_file(str(tmp_path / "thermal.json"))
    assert document.project.noise == model and panel.choice.currentData() == "thermal"
    (tmp_path / "other.json").write_text(json.dumps({"hello": 1}), encoding="utf-8")
    assert not panel.open_file(str(tmp_path / "other.json"))
    assert "neither a QML Studio noise model" in panel.message.text()
    assert document.project.noise == model


def test_open_button_reads_a_device_calibration(qtbot, panel, document, tmp_path):
    path = tmp_path / "calibration.json"
    shutil.copy(resource_path("devices", "props_manila.json"), path)
    answer_next_dialog(choose_file(str(path)))
    QTest.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: document.project.noise is not None, timeout=10_000)
    assert document.project.noise == bundled_device_noise("manila")
    assert panel.choice.currentData() == "device:manila"
