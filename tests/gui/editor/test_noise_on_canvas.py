"""Noise on the canvas, driven as a user: a Noise palette entry dragged onto a wire, the
Inspector editing its constant."""

from __future__ import annotations

from qmlstudio.core import Circuit, Const, Operation
from qmlstudio.gui.editor.inspector import Inspector
from qmlstudio.gui.editor.palette import GatePalette
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
