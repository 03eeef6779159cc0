"""Resource guards seen from the real main window: a circuit too large to simulate shows the
engine's memory message in the state view, and a CSV file too large is refused naming its
size; the window keeps working after both."""

from __future__ import annotations

import re

import pytest

from qmlstudio.ml.data import csv_files as csv_loader
from tests.gui.canvas_support import drop_files
from tests.gui.training_support import moons_project


@pytest.fixture
def window(show_window):
    return show_window(moons_project(), size=None)


def test_a_31_qubit_circuit_shows_the_memory_message_instead_of_crashing(qtbot, window,
                                                                         tmp_path):
    qtbot.waitUntil(lambda: window.state_view.probabilities() is not None, timeout=60_000)
    program = tmp_path / "wide.qasm"
    program.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[31];\nh q[0];\n'
                       "cx q[0],q[30];\n", encoding="utf-8")
    assert window.actions_.import_qasm_file(program)
    assert window.document.circuit.n_qubits == 31
    qtbot.waitUntil(lambda: window.state_view.message() != "", timeout=30_000)
    message = window.state_view.message()
    assert re.search(r"simulating 31 qubits needs [\d.]+ GiB \([\d,]+ bytes\)", message), message
    assert "the engine simulates at most 30 qubits" in message, message
    assert window.state_view.probabilities() is None  # no stale chart beside the message

    window.document.undo_stack.undo()  # back to 2 qubits: the charts come back
    qtbot.waitUntil(lambda: window.state_view.message() == "", timeout=30_000)
    qtbot.waitUntil(lambda: window.state_view.probabilities() is not None, timeout=30_000)
    assert len(window.state_view.probabilities()) == 4
    assert window.isVisible()


def test_a_csv_over_the_size_limit_dropped_on_the_window_is_refused_with_its_size(
        qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_loader, "MAX_CSV_BYTES", 4096)  # instead of writing a gigabyte
    path = tmp_path / "big.csv"
    path.write_text("x,y,label\n0.1,0.2,a\n0.3,0.4,b\n", encoding="utf-8")
    with path.open("r+b") as handle:
        handle.truncate(3 << 20)  # sparse: 3 MiB long, nothing written
    dataset_before = window.document.project.dataset
    assert drop_files(window, [path])
    qtbot.waitUntil(lambda: window.data_panel.message() != "", timeout=30_000)
    message = window.data_panel.message()
    assert str(path) in message and "3.0 MiB (3,145,728 bytes)" in message, message
    assert "4.0 KiB (4,096 bytes) limit" in message, message
    assert window.document.project.dataset == dataset_before  # nothing half-loaded
    assert window.isVisible()
