"""The state view and its background runner: real widgets, the real engine, offscreen Qt.

Expected states come from a dense reference written here (Kronecker products of 2×2
matrices), not from the engine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from functools import reduce

import numpy as np
import pyqtgraph as pg
import pytest
from numpy.testing import assert_allclose
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage

from qmlstudio.core import Circuit, DatasetSpec, Project, w, x
from qmlstudio.engine import statevector
from qmlstudio.gui.compute_runner import ComputeRunner
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.state_view import StateView
from qmlstudio.gui.plot_export import EXPORT_TEXT
from qmlstudio.ml.data.preprocessing import apply_preprocessing
from qmlstudio.ml.models.templates import init_weights
from qmlstudio.ml.training.prepared_data import prepare_training_data
from tests.gui.dialogs import answer_next_dialog, choose_file

_I = np.eye(2)
_H = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
_PAULI = {"X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
          "Z": np.diag([1.0, -1.0])}


def _ry(t):
    return np.array([[np.cos(t / 2), -np.sin(t / 2)], [np.sin(t / 2), np.cos(t / 2)]])


def _rx(t):
    return np.array([[np.cos(t / 2), -1j * np.sin(t / 2)], [-1j * np.sin(t / 2), np.cos(t / 2)]])


def _on(n, wire, matrix):
    """``matrix`` on ``wire`` of ``n`` qubits; wire 0 is the leftmost Kronecker factor."""
    return reduce(np.kron, [matrix if q == wire else _I for q in range(n)])


def _cnot(n, control, target):
    p0, p1 = np.diag([1.0, 0.0]), np.diag([0.0, 1.0])
    return _on(n, control, p0) + reduce(
        np.kron, [p1 if q == control else _PAULI["X"] if q == target else _I for q in range(n)])


def _dense(n, *matrices):
    state = np.zeros(1 << n, complex)
    state[0] = 1.0
    for matrix in matrices:
        state = matrix @ state
    return state


def _bloch(state, n):
    return np.array([[np.vdot(state, _on(n, q, _PAULI[p]) @ state).real for p in "XYZ"]
                     for q in range(n)])


def _bars(plot):
    """The bar series drawn in ``plot`` (an empty one, such as the ideal state's bars when not
    comparing, draws nothing)."""
    return [item for item in plot.items
            if isinstance(item, pg.BarGraphItem) and len(item.opts["height"])]


def _shown_view(qtbot, document, **kwargs):
    view = StateView(document, **kwargs)
    qtbot.addWidget(view)
    view.resize(700, 600)
    with qtbot.waitSignal(view.updated, timeout=120_000):  # the first run may compile
        view.show()
    return view


def test_bell_state_probabilities_and_bloch_vectors(qtbot):
    document = ProjectDocument(Project(Circuit(2).add("h", 0).add("cx", (0, 1))))
    view = _shown_view(qtbot, document)

    expected = _dense(2, _on(2, 0, _H), _cnot(2, 0, 1))
    assert_allclose(expected.real ** 2, [0.5, 0, 0, 0.5], atol=1e-12)  # the reference itself
    assert_allclose(view.probabilities(), np.abs(expected) ** 2, atol=1e-12)
    assert_allclose(view.bloch_vectors(), np.zeros((2, 3)), atol=1e-12)
    assert view.probability_labels() == ["|00⟩", "|01⟩", "|10⟩", "|11⟩"]
    (bars,) = _bars(view.probability_plot)
    assert_allclose(bars.opts["height"], [0.5, 0, 0, 0.5], atol=1e-12)
    assert not view.shows_marginals and view.message() == ""
    assert "no data features" in view.note()


def test_bloch_vectors_follow_wire_order_and_update_after_each_edit(qtbot):
    a, b = 0.7, 1.9
    circuit = Circuit(3).add("ry", 0, a).add("rx", 2, b)
    document = ProjectDocument(Project(circuit))
    view = _shown_view(qtbot, document)
    state = _dense(3, _on(3, 0, _ry(a)), _on(3, 2, _rx(b)))
    assert_allclose(view.probabilities(), np.abs(state) ** 2, atol=1e-12)
    assert_allclose(view.bloch_vectors(), _bloch(state, 3), atol=1e-12)
    assert_allclose(view.bloch_vectors()[0], [np.sin(a), 0, np.cos(a)], atol=1e-12)
    bloch_bars = _bars(view.bloch_plot)
    assert [list(bars.opts["height"]) for bars in bloch_bars] == \
        [list(view.bloch_vectors()[:, k]) for k in range(3)]

    with qtbot.waitSignal(view.updated, timeout=30_000):
        document.edit_circuit(circuit.add("cx", (0, 1)), "Add CNOT")
    state = _cnot(3, 0, 1) @ state
    assert_allclose(view.probabilities(), np.abs(state) ** 2, atol=1e-12)
    assert_allclose(view.bloch_vectors(), _bloch(state, 3), atol=1e-12)

    with qtbot.waitSignal(view.updated, timeout=30_000):
        document.undo_stack.undo()
    assert_allclose(view.bloch_vectors(), _bloch(_cnot(3, 0, 1) @ state, 3), atol=1e-12)


def test_a_burst_of_edits_is_simulated_once(qtbot):
    document = ProjectDocument(Project(Circuit(2)))
    view = _shown_view(qtbot, document)
    shown = []
    view.updated.connect(lambda: shown.append(view.probabilities()))
    circuit = document.circuit
    for wire in (0, 1, 0):  # debounced: one simulation for the final circuit
        circuit = circuit.add("x", wire)
        document.edit_circuit(circuit, "Add X")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=30_000)
    qtbot.wait(300)
    assert len(shown) == 1
    assert_allclose(shown[0], [0, 1, 0, 0], atol=1e-12)  # X·X on wire 0 cancels: |01⟩


def test_more_than_ten_qubits_show_per_qubit_marginals(qtbot):
    circuit = Circuit(12).add("h", 0).add("x", 3).add("ry", 11, 0.4)
    document = ProjectDocument(Project(circuit))
    view = _shown_view(qtbot, document)
    assert view.shows_marginals
    expected = np.zeros(12)
    expected[0], expected[3], expected[11] = 0.5, 1.0, np.sin(0.2) ** 2
    assert_allclose(view.probabilities(), expected, atol=1e-12)
    (bars,) = _bars(view.probability_plot)
    assert len(bars.opts["height"]) == 12  # not 4096 bars
    assert view.probability_labels() == [f"q{q}" for q in range(12)]
    assert_allclose(view.bloch_vectors()[:, 2], 1 - 2 * expected, atol=1e-12)
    assert_allclose(view.bloch_vectors()[0], [1, 0, 0], atol=1e-12)


def test_sample_spin_box_picks_a_preprocessed_data_row(qtbot):
    circuit = Circuit(2).add("ry", 0, x(0)).add("ry", 1, x(1)).add("cx", (0, 1))
    project = Project(circuit, dataset=DatasetSpec.builtin("moons"))
    document = ProjectDocument(project)
    view = _shown_view(qtbot, document)
    data = prepare_training_data(project)
    rows = apply_preprocessing(data.project.preprocessing, data.dataset.features)
    assert view.note().startswith(f"row 0 of {len(rows)} (moons)")

    with qtbot.waitSignal(view.updated, timeout=30_000):
        for _ in range(3):
            qtbot.keyClick(view._sample, Qt.Key.Key_Up)
    assert view.sample() == 3
    assert view.note().startswith(f"row 3 of {len(rows)}")
    t0, t1 = rows[3]
    state = _dense(2, _on(2, 0, _ry(t0)), _on(2, 1, _ry(t1)), _cnot(2, 0, 1))
    assert_allclose(view.probabilities(), np.abs(state) ** 2, atol=1e-12)


def test_features_are_zero_when_the_circuit_reads_beyond_the_data(qtbot):
    circuit = Circuit(2).add("ry", 0, x(5)).add("h", 1)  # moons has 2 features
    document = ProjectDocument(Project(circuit, dataset=DatasetSpec.builtin("moons")))
    view = _shown_view(qtbot, document)
    assert "features are 0" in view.note()
    assert "reads 6" in view.note() or "at most" in view.note()
    assert_allclose(view.probabilities(), [0.5, 0.5, 0, 0], atol=1e-12)
    assert not view._sample.isEnabled()


def test_untrained_and_trained_weights(qtbot):
    circuit = Circuit(1).add("ry", 0, w(0))
    project = Project(circuit)
    document = ProjectDocument(project)
    view = _shown_view(qtbot, document)
    assert "initial weights" in view.note()
    (w0,) = init_weights(1, project.training.weight_init, project.training.seed)
    assert_allclose(view.probabilities(), [np.cos(w0 / 2) ** 2, np.sin(w0 / 2) ** 2])

    with qtbot.waitSignal(view.updated, timeout=30_000):
        document.edit(replace(project, weights=(np.pi,)), "Train")
    assert "trained weights" in view.note()
    assert_allclose(view.probabilities(), [0, 1], atol=1e-12)


def test_an_engine_refusal_is_a_message_not_a_traceback(qtbot):
    document = ProjectDocument(Project(Circuit(2).add("h", 0)))
    view = _shown_view(qtbot, document)
    with qtbot.waitSignal(view.failed, timeout=30_000) as blocker:
        document.edit_circuit(Circuit(31).add("h", 0), "Grow")
    assert "at most 30 qubits" in blocker.args[0]
    assert view.message().startswith("Cannot show the state:")
    assert "Traceback" not in view.message()
    assert view.probabilities() is None
    assert _bars(view.probability_plot) == []  # no bars left
    with qtbot.waitSignal(view.updated, timeout=30_000):
        document.undo_stack.undo()
    assert view.message() == ""



def test_old_messages_leave_once_the_circuit_changes_and_computing_counts_seconds(qtbot,
                                                                                 runner):
    """A "features are 0" note and a memory refusal describe the circuit they came from: a
    new request clears them at once, even while it waits behind a long job, and the status
    says how long it has been computing."""
    circuit = Circuit(2).add("ry", 0, x(5)).add("h", 1)  # moons has 2 features
    document = ProjectDocument(Project(circuit, dataset=DatasetSpec.builtin("moons")))
    view = _shown_view(qtbot, document, runner=runner)
    assert "features are 0" in view.note()
    with qtbot.waitSignal(view.failed, timeout=30_000):
        document.edit_circuit(Circuit(31).add("h", 0), "Grow")
    assert "176.0 GiB" in view.message() and "gradient pass" in view.message()
    assert view.note() == ""  # the features note described the circuit before

    gate = threading.Event()
    runner.channel("long").submit(lambda: gate.wait(30))  # holds the one compute thread
    document.edit_circuit(Circuit(1).add("x", 0), "Shrink")
    qtbot.waitUntil(lambda: view.is_computing, timeout=5_000)
    assert view.message() == "" and view.note() == ""
    assert view.status() == "computing…"
    qtbot.waitUntil(lambda: view.status() == "computing… 1 s", timeout=5_000)
    with qtbot.waitSignal(view.updated, timeout=30_000):
        gate.set()
    assert view.status() == "" and view.message() == ""
    assert "no data features" in view.note()
    assert_allclose(view.probabilities(), [0, 1])

def test_a_hidden_view_simulates_only_once_shown(qtbot):
    document = ProjectDocument(Project(Circuit(1).add("x", 0)))
    view = StateView(document)
    qtbot.addWidget(view)
    qtbot.wait(300)
    assert view.probabilities() is None and not view.is_computing
    with qtbot.waitSignal(view.updated, timeout=30_000):
        view.show()
    assert_allclose(view.probabilities(), [0, 1])


@pytest.mark.alone  # a time bound: see tests/run_alone.py
def test_gui_stays_responsive_while_a_large_state_is_computed(qtbot):
    n = 22
    circuit = Circuit(n)
    for layer in range(4):
        for q in range(n):
            circuit = circuit.add("h", q).add("ry", q, 0.1 * q + layer)
        for q in range(n - 1):
            circuit = circuit.add("cx", (q, q + 1))
    warm = Circuit(n).add("h", 0)  # compile, and touch that much memory, before measuring
    statevector(warm)
    document = ProjectDocument(Project(Circuit(1)))
    view = _shown_view(qtbot, document)

    ticks, statuses = [], set()

    def tick():
        ticks.append(time.perf_counter())
        statuses.add(view._status.text())
    probe = QTimer(interval=10)
    probe.timeout.connect(tick)
    probe.start()
    done = []
    view.updated.connect(lambda: done.append(time.perf_counter()))
    start = time.perf_counter()
    document.edit_circuit(circuit, "Large")
    qtbot.waitUntil(lambda: bool(done), timeout=120_000)
    elapsed = done[0] - start
    probe.stop()
    gaps = np.diff([start, *ticks])
    assert elapsed > 0.2, "the job was too quick to tell anything"
    assert len(ticks) > elapsed / 0.01 / 4  # the timer kept firing while the state was built
    print(f"22 qubits: {elapsed:.2f} s, {len(ticks)} ticks, longest gap {gaps.max():.3f} s")
    assert gaps.max() < 0.25, f"the GUI thread was blocked for {gaps.max():.3f} s"
    assert "computing…" in statuses and view._status.text() == ""
    assert view.shows_marginals and len(view.probabilities()) == n


# -- the compute runner ----------------------------------------------------------------------
@pytest.fixture
def runner(qtbot):
    runner = ComputeRunner()
    yield runner
    assert runner.shutdown(5_000)


def test_runner_latest_wins_and_drops_stale_results(qtbot, runner):
    channel = runner.channel("test")
    gate, started, ran = threading.Event(), threading.Event(), []

    def job(tag):
        def run():
            ran.append(tag)
            if tag == "first":
                started.set()
                gate.wait(10)
            return tag
        return run

    results = []
    channel.finished.connect(results.append)
    channel.submit(job("first"))
    assert started.wait(10)
    assert channel.is_busy
    channel.submit(job("second"))  # waits...
    channel.submit(job("third"))  # ...and is replaced by this one
    gate.set()
    qtbot.waitUntil(lambda: results == ["third"], timeout=10_000)
    qtbot.wait(100)
    assert ran == ["first", "third"] and results == ["third"]
    assert not channel.is_busy


def test_runner_channels_do_not_replace_each_other_and_errors_arrive(qtbot, runner):
    a, b = runner.channel("a"), runner.channel("b")
    values, errors = [], []
    a.finished.connect(values.append)
    b.failed.connect(errors.append)
    a.submit(lambda: 1)

    def fail():
        raise ValueError("bad input")
    b.submit(fail)
    qtbot.waitUntil(lambda: bool(values and errors), timeout=10_000)
    assert values == [1] and str(errors[0]) == "bad input"
    with pytest.raises(ValueError, match="exists already"):
        runner.channel("a")


def test_closing_a_view_while_it_computes_stops_cleanly(qtbot, qtlog):
    document = ProjectDocument(Project(Circuit(1)))
    view = _shown_view(qtbot, document)
    started, gate = threading.Event(), threading.Event()

    def long_job():  # outlives the shutdown's wait below
        started.set()
        return gate.wait(10)
    view._channel.submit(long_job)
    assert started.wait(10) and view.is_computing
    assert not view.shutdown(timeout_ms=50)  # still running: left to finish
    assert not view.is_computing and view._status.text() == ""
    thread = view._runner._thread
    view.deleteLater()  # the window goes away while the job runs
    qtbot.wait(50)
    gate.set()
    assert thread.wait(10_000)
    qtbot.wait(50)
    assert not [m for m in qtlog.records if "QThread" in m.message]


_QUIT_WHILE_COMPUTING = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from qmlstudio.gui.compute_runner import ComputeRunner
app = QApplication(sys.argv)
runner = ComputeRunner()  # never shut down explicitly: quitting must be enough
idle = ComputeRunner()
channel = runner.channel("slow")
channel.submit(lambda: time.sleep(1.0))
QTimer.singleShot(200, app.quit)
app.exec()
print("left the event loop", flush=True)
"""


def test_quitting_while_a_job_runs_ends_the_process_cleanly(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", _QUIT_WHILE_COMPUTING], env=env,
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "left the event loop" in done.stdout
    assert "QThread" not in done.stderr


def test_the_charts_menu_exports_them_as_png_and_svg(qtbot, tmp_path):
    document = ProjectDocument(Project(Circuit(2).add("h", 0).add("cx", (0, 1))))
    view = _shown_view(qtbot, document)
    action = view.export_action
    assert action.text() == EXPORT_TEXT and action in view.findChild(
        pg.GraphicsLayoutWidget).actions()  # the view's right-click menu
    for name in ("state.png", "state.svg"):
        answer_next_dialog(choose_file(str(tmp_path / name)))
        action.trigger()  # the file dialog is modal: written once it returns
    charts = view.findChild(pg.GraphicsLayoutWidget)
    image = QImage(str(tmp_path / "state.png"))
    assert (image.width(), image.height()) == (2 * charts.width(), 2 * charts.height())
    svg = (tmp_path / "state.svg").read_text(encoding="utf-8")
    assert "Basis-state probabilities" in svg and "Bloch vectors" in svg
