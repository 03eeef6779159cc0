"""The readout part of the training settings form, driven as a user would: the readout
choice, typed observables or qubit numbers, "All qubits" — one undoable edit each — and a
picture of the form at a laptop dock's size with nothing cut off (set ``QMLSTUDIO_SCREENSHOTS``
to a folder to keep it there and look at it)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton

from qmlstudio.core import (
    DatasetSpec,
    ModelSpec,
    Preprocessing,
    Project,
    ReadoutParams,
    TrainingConfig,
)
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.training.settings import EDIT_TEXT, TrainingSettings
from qmlstudio.ml.models.templates import build_model_circuit
from tests.gui.training_support import moons_project


@pytest.fixture
def form(qtbot):
    def make(project: Project) -> tuple[TrainingSettings, ProjectDocument]:
        document = ProjectDocument(project)
        settings = TrainingSettings(document)
        qtbot.addWidget(settings)
        settings.resize(380, settings.sizeHint().height())
        settings.show()
        return settings, document
    return make


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick ``text`` from the combo's list (what choosing it with the mouse does)."""
    assert combo.findText(text) >= 0, text
    combo.setCurrentText(text)


def type_line(qtbot, line: QLineEdit, text: str) -> None:
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def test_a_linear_readout_over_all_qubits_in_two_undoable_edits(qtbot, form):
    settings, document = form(moons_project())
    choose(qtbot, settings.readout, "linear")
    assert document.project.model.readout == "linear"
    assert document.undo_stack.count() == 1 and document.undo_stack.text(0) == EDIT_TEXT
    qtbot.mouseClick(settings.all_qubits, Qt.MouseButton.LeftButton)
    assert document.project.model.observables == ("Z0", "Z1")
    assert settings.observables.text() == "Z0, Z1" and document.undo_stack.count() == 2
    document.undo_stack.undo()
    assert settings.observables.text() == "Z0" and settings.readout.currentText() == "linear"
    document.undo_stack.undo()
    assert settings.readout.currentText() == "expval"


def test_qubit_numbers_are_read_as_the_readout_reads_chosen_qubits(qtbot, form):
    settings, document = form(moons_project())
    choose(qtbot, settings.readout, "parity")
    type_line(qtbot, settings.observables, "0, 1")
    assert document.project.model.observables == ("Z0 Z1",)
    assert settings.observables.text() == "Z0 Z1"
    choose(qtbot, settings.readout, "linear")
    type_line(qtbot, settings.observables, "1, 0")
    assert document.project.model.observables == ("Z1", "Z0")
    assert document.undo_stack.count() == 4
    type_line(qtbot, settings.observables, "Z0 X1")
    assert document.project.model.observables == ("Z0 X1",)  # a linear layer reads any


def test_a_readout_the_observables_do_not_fit_gets_its_own_in_the_same_edit(qtbot, form):
    sine = Project(build_model_circuit(3, 1, layers=2, reuploading=True), name="Sine",
                   dataset=DatasetSpec.builtin("sine", n_samples=40),
                   preprocessing=Preprocessing(test_fraction=0.3),
                   model=ModelSpec("regression", "linear", ("Z0", "Z1", "Z2")),
                   training=TrainingConfig(loss="mse"))
    settings, document = form(sine)
    choose(qtbot, settings.readout, "parity")
    assert document.project.model.observables == ("Z0 Z1 Z2",)
    assert document.undo_stack.count() == 1
    assert settings.message.text() == "Observables set to Z0 Z1 Z2 for the parity readout."
    choose(qtbot, settings.readout, "expval")  # one observable fits: kept
    assert document.project.model.observables == ("Z0 Z1 Z2",)
    assert not settings.message.isVisible()


def test_a_trained_readout_that_no_longer_fits_is_reset_and_undo_brings_it_back(qtbot, form):
    project = moons_project()
    trained = replace(project, model=replace(project.model, class_labels=(0, 1)),
                      weights=(0.5,) * project.circuit.n_weights,
                      readout=ReadoutParams((2.0,), (0.25,)))
    settings, document = form(trained)
    choose(qtbot, settings.readout, "parity")  # same maths: the trained scale is kept
    assert document.project.readout == trained.readout
    choose(qtbot, settings.readout, "linear")
    assert document.project.readout == ReadoutParams() and document.project.is_trained
    assert "trained readout was reset" in settings.message.text()
    document.undo_stack.undo()
    assert document.project.readout == trained.readout
    assert not settings.message.isVisible()  # the note was about the undone edit


def test_the_form_shows_everything_at_a_dock_size(qtbot, form, tmp_path):
    settings, _ = form(moons_project())
    choose(qtbot, settings.readout, "linear")
    qtbot.mouseClick(settings.all_qubits, Qt.MouseButton.LeftButton)
    settings.resize(380, settings.sizeHint().height())
    qtbot.wait(10)
    path = Path(os.environ.get("QMLSTUDIO_SCREENSHOTS", tmp_path)) / "training_settings.png"
    assert settings.grab().save(str(path))
    for widget in [w for kind in (QPushButton, QCheckBox, QComboBox)
                   for w in settings.findChildren(kind)]:
        if widget.isVisible():
            assert widget.width() >= widget.sizeHint().width(), widget
    line = settings.observables
    assert line.width() >= line.fontMetrics().horizontalAdvance(line.text()) + 12
