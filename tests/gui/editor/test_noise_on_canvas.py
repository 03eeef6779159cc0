"""Noise on the canvas, driven as a user: a Noise palette entry dragged onto a wire and the
Inspector editing its constant; a device chosen in the Noise panel badging the gates it
follows (tooltips, View ▸ Show Noise on Gates); the OpenQASM code view annotating channels and
naming the model."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor

from qmlstudio.core import Circuit, Const, Operation, Project, w, x
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.code_view import CodeView
from qmlstudio.gui.editor.inspector import Inspector
from qmlstudio.gui.editor.palette import GatePalette
from qmlstudio.gui.noise.panel import NoisePanel
from qmlstudio.gui.shell.actions import SHOW_NOISE_KEY
from qmlstudio.gui.theme.themes import active_theme
from qmlstudio.io.noise_file import bundled_device_noise
from tests.gui.canvas_support import drop_gate, show_view


def test_a_noise_entry_dropped_on_a_wire_adds_the_channel_as_one_undoable_edit(qtbot,
                                                                              document):
    palette = GatePalette()
    qtbot.addWidget(palette)
    assert palette.view_index("depolarizing").parent().data() == "Noise"
    view = show_view(qtbot, document, 800, 300)
    assert drop_gate(view, "depolarizing", 0, 1)
    assert document.circuit == Circuit(2, (Operation("depolarizing", (1,), (0.01,)),))
    assert document.undo_stack.count() == 1
    assert document.undo_stack.undoText() == "Add Depolarizing"
    assert view.circuit_layout.labels[0] == "DEPOLARIZING(0.01)"
    assert abs(view.gate_rect(0).center().y() - view.wire_y(1)) < 1

    inspector = Inspector(document)  # the dropped channel is selected: its p is editable
    qtbot.addWidget(inspector)
    (editor,) = inspector.parameter_editors
    assert editor.constant.text() == "0.01"
    editor.param_edited.emit(Const(0.05))
    assert document.circuit.operations[0].params == (Const(0.05),)

    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.circuit == Circuit(2)
    assert drop_gate(view, "depolarizing2", 0, 1)  # two wires: shifted up to fit, like a CX
    assert document.circuit.operations[0].wires == (0, 1)


@pytest.fixture
def noisy_window(show_window):
    """A main window at 1280×800 on a small circuit (features, weights, a CX, a channel)."""
    circuit = (Circuit(2).add("ry", 0, x(0)).add("ry", 1, x(1)).add("cx", (0, 1))
               .add("rz", 0, w(0)).add("ry", 1, w(1)).add("bit_flip", 1, 0.05))
    return show_window(Project(circuit))


def _choose_device(panel: NoisePanel) -> None:
    """Pick the 5-qubit device in the Noise panel as a user does (the combo's activated)."""
    choice = panel.choice
    index = choice.findData("device:manila")
    choice.setCurrentIndex(index)
    choice.activated.emit(index)


def _badge_pixels(view, index: int) -> int:
    """How many pixels around gate ``index``'s lower left corner have the badge's colour."""
    image = view.viewport().grab().toImage()
    badge = QColor(active_theme().noise_badge)
    rect = view.gate_rect(index)
    corner = rect.bottomLeft().toPoint()
    count = 0
    for dx in range(-8, 9):
        for dy in range(-8, 9):
            colour = image.pixelColor(corner.x() + dx, corner.y() + dy)
            count += max(abs(colour.red() - badge.red()), abs(colour.green() - badge.green()),
                         abs(colour.blue() - badge.blue())) <= 12
    return count


def test_a_device_chosen_in_the_noise_panel_badges_the_gates_it_follows(qtbot, noisy_window):
    window, view = noisy_window, noisy_window.canvas
    toggle = window.actions_.actions["show_noise"]
    assert toggle.isChecked() and view.noisy_operations() == frozenset()  # ideal: no badge
    assert _badge_pixels(view, 2) == 0
    _choose_device(window.noise_panel)
    device = bundled_device_noise("manila")
    assert window.document.project.noise == device
    # rz is virtual on the device; the bit flip is a channel itself.
    assert view.noisy_operations() == {0, 1, 2, 4}
    assert _badge_pixels(view, 2) > 30
    label = view.gate_rect(2).center().toPoint()  # the badge leaves the gate's middle clear
    assert view.viewport().grab().toImage().pixelColor(label) != QColor(
        active_theme().noise_badge)
    tip = view.tooltip_at(view.gate_rect(2).center().toPoint())
    assert tip.startswith(f"After this gate, noise model {device.name!r} applies:")
    assert "• q0, q1: depolarizing p = " in tip and "thermal relaxation" in tip
    assert view.tooltip_at(view.gate_rect(3).center().toPoint()) == ""

    toggle.trigger()  # View ▸ Show Noise on Gates off: the badges go, and it is remembered
    assert view.noisy_operations() == frozenset() and _badge_pixels(view, 2) == 0
    assert view.tooltip_at(view.gate_rect(2).center().toPoint()) == ""
    assert QSettings().value(SHOW_NOISE_KEY, type=bool) is False
    toggle.trigger()
    assert view.noisy_operations() == {0, 1, 2, 4}
    drop_gate(view, "h", 0, 1)  # a circuit edit: the new gate is badged too
    assert view.noisy_operations() == {0, 1, 2, 3, 5}
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()  # the noise model back to ideal: no badge
    assert window.document.project.noise is None and view.noisy_operations() == frozenset()


def test_the_code_view_annotates_channels_and_names_the_model_chosen_in_the_panel(qtbot):
    circuit = Circuit(2).add("h", 0).add("bit_flip", 0, 0.05).add("cx", (0, 1))
    document = ProjectDocument(Project(circuit))
    code, panel = CodeView(document), NoisePanel(document)
    for widget in (code, panel):
        qtbot.addWidget(widget)
        widget.show()
    qtbot.waitExposed(code)
    assert "h q[0];\n// noise: bit_flip(0.05) q[0];\ncx q[0], q[1];" in code.text()
    assert not code.text().startswith("// Noise model")  # ideal: no header

    _choose_device(panel)
    qtbot.waitUntil(lambda: code.text().startswith("// Noise model: "), timeout=2000)
    assert bundled_device_noise("manila").name in code.text().splitlines()[0]
    assert code.apply() and code.message().startswith("No change")  # the channel is kept

    code.editor.setPlainText(code.text().replace("bit_flip(0.05)", "phase_flip(0.2)"))
    assert code.apply()
    assert document.circuit.operations[1] == Operation("phase_flip", (0,), (0.2,))
    assert document.undo_stack.undoText() == "Edit OpenQASM"
