"""The state view under a noise model, with real widgets and the real engine (offscreen Qt).

The expected mixed states are computed here, independently of the engine: dense 4×4 density
matrices, each gate followed by the depolarizing channel's Kraus sum
``ρ → Σ K ρ K†`` on every wire it touched (what a uniform depolarizing model says).
"""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
import pytest
from numpy.testing import assert_allclose

from qmlstudio.core import Circuit, Project, TrainingConfig
from qmlstudio.core.noise import NoiseModel
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor import state_view
from qmlstudio.gui.editor.state_view import StateView
from qmlstudio.gui.noise.panel import NoisePanel
from tests.reference.dense import embed, gate_matrix

P = 0.1
_PAULIS = (np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1.0, -1.0]))
# ry on wire 0, rx on wire 1, then a CNOT: an entangled mixed state; without it a product state.
_GATES = (("ry", (0,), 0.7), ("rx", (1,), 1.1), ("cx", (0, 1), None))


def _circuit(entangled: bool) -> Circuit:
    circuit = Circuit(2)
    for name, wires, angle in _GATES[:3 if entangled else 2]:
        circuit = circuit.add(name, wires, *(() if angle is None else (angle,)))
    return circuit


def _kraus(p: float) -> list[np.ndarray]:
    """(1 − p) ρ + p I/2 = (1 − 3p/4) ρ + p/4 (XρX + YρY + ZρZ)."""
    return [np.sqrt(1 - 3 * p / 4) * np.eye(2)] + [np.sqrt(p / 4) * s for s in _PAULIS]


def _reference_rho(entangled: bool, p: float) -> np.ndarray:
    rho = np.zeros((4, 4), complex)
    rho[0, 0] = 1.0
    for name, wires, angle in _GATES[:3 if entangled else 2]:
        u = embed(gate_matrix(name, () if angle is None else (angle,)), wires, 2)
        rho = u @ rho @ u.conj().T
        for wire in wires:
            ks = [embed(k, (wire,), 2) for k in _kraus(p)]
            rho = sum(k @ rho @ k.conj().T for k in ks)
    assert np.trace(rho).real == pytest.approx(1.0)  # the reference itself
    return rho


def _reference_bloch(rho: np.ndarray) -> np.ndarray:
    return np.array([[np.trace(embed(s, (q,), 2) @ rho).real for s in _PAULIS]
                     for q in range(2)])


def _bars(plot) -> list[pg.BarGraphItem]:
    return [item for item in plot.items
            if isinstance(item, pg.BarGraphItem) and len(item.opts["height"])]


@pytest.fixture
def shown(qtbot):
    """A 360×640 state view (the State dock's size at 1280×800) of ``document``, shown."""
    def show(document: ProjectDocument) -> StateView:
        view = StateView(document)
        qtbot.addWidget(view)
        view.resize(360, 640)
        with qtbot.waitSignal(view.updated, timeout=120_000):  # the first run may compile
            view.show()
        return view
    return show


def _update(qtbot, view: StateView, action) -> None:
    with qtbot.waitSignal(view.updated, timeout=30_000):
        action()


def test_the_noisy_state_is_the_density_matrix_of_the_kraus_sums(qtbot, shown):
    # Readout errors act on reading bits, not on the state: the view leaves them out.
    noise = NoiseModel.uniform_depolarizing(P, readout=0.05)
    view = shown(ProjectDocument(Project(_circuit(entangled=True), noise=noise)))
    rho = _reference_rho(entangled=True, p=P)
    assert_allclose(view.probabilities(), np.diag(rho).real, atol=1e-12)
    assert_allclose(view.bloch_vectors(), _reference_bloch(rho), atol=1e-12)
    purity = np.trace(rho @ rho).real
    assert purity < 0.9
    assert f"purity Tr(ρ²) = {purity:.3f}" in view.summary()
    assert view.summary().startswith("Exact density matrix; ")
    assert "noise model 'uniform depolarizing p = 0.1'" in view.note()
    lengths = np.linalg.norm(_reference_bloch(rho), axis=1)
    assert view.discs.labels() == [f"|r| {r:.2f}" for r in lengths]
    assert_allclose(np.hypot(*np.array(view.discs.arrows["noisy"]).T), lengths, atol=1e-12)
    assert not view.is_comparing and view.discs.arrows["ideal"] == []


def test_compare_with_ideal_shows_both_states_of_the_sample(qtbot, shown):
    document = ProjectDocument(Project(_circuit(entangled=False),
                                       noise=NoiseModel.uniform_depolarizing(P)))
    view = shown(document)
    assert view.compare_button.isVisible() and not view.compare_button.isChecked()
    _update(qtbot, view, view.compare_button.click)
    assert view.is_comparing
    pure = _reference_rho(entangled=False, p=0.0)
    noisy = _reference_rho(entangled=False, p=P)
    assert_allclose(view.probabilities(ideal=True), np.diag(pure).real, atol=1e-12)
    assert_allclose(view.probabilities(), np.diag(noisy).real, atol=1e-12)
    # A product state: each qubit pure ideally; under noise each wire saw one channel.
    assert_allclose(view.bloch_lengths(ideal=True), [1.0, 1.0], atol=1e-12)
    assert_allclose(view.bloch_lengths(), [1 - P, 1 - P], atol=1e-12)
    ideal_bars, noisy_bars = _bars(view.probability_plot)
    assert_allclose(ideal_bars.opts["height"], np.diag(pure).real, atol=1e-12)
    assert_allclose(noisy_bars.opts["x"] - ideal_bars.opts["x"], 0.4)  # side by side
    assert view.discs.labels() == [f"|r| {1 - P:.2f} / |r| 1.00"] * 2
    assert len(view.discs.arrows["ideal"]) == len(view.discs.arrows["noisy"]) == 2
    assert "noisy 0.819, ideal 1.000" in view.summary()  # ((1 − P)² + 1)² / 4 = 0.819…
    _update(qtbot, view, view.compare_button.click)
    assert not view.is_comparing and len(_bars(view.probability_plot)) == 1


def test_the_noise_panel_drives_the_view(qtbot, shown):
    document = ProjectDocument(Project(_circuit(entangled=False)))
    view = shown(document)
    panel = NoisePanel(document)
    qtbot.addWidget(panel)
    assert view.summary() == "" and not view.compare_button.isVisible()
    assert_allclose(view.bloch_lengths(), [1.0, 1.0], atol=1e-12)
    index = panel.choice.findData("depolarizing")
    _update(qtbot, view, lambda: (panel.choice.setCurrentIndex(index),
                                  panel.choice.activated.emit(index)))
    p = panel.p_value.value()  # the value the panel starts from
    assert_allclose(view.bloch_lengths(), [1 - p, 1 - p], atol=1e-12)
    _update(qtbot, view, lambda: panel.p_value.setValue(0.3))
    assert_allclose(view.bloch_lengths(), [0.7, 0.7], atol=1e-12)
    assert "p = 0.3" in view.note() and view.compare_button.isVisible()
    _update(qtbot, view, document.undo_stack.undo)  # back to the first model
    assert_allclose(view.bloch_lengths(), [1 - p, 1 - p], atol=1e-12)
    ideal = panel.choice.findData("ideal")
    _update(qtbot, view, lambda: (panel.choice.setCurrentIndex(ideal),
                                  panel.choice.activated.emit(ideal)))
    assert view.summary() == "" and view.disc_plot not in view._plots.ci.items


def test_trajectories_say_so_and_the_work_stays_off_the_gui_thread(qtbot, shown, monkeypatch):
    threads = []
    real = state_view.simulate_states

    def recorded(*args, **kwargs):  # the real computation, noting the thread it runs on
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(state_view, "simulate_states", recorded)
    training = TrainingConfig(noise_method="trajectories", trajectories=400)
    document = ProjectDocument(Project(_circuit(entangled=False), training=training,
                                      noise=NoiseModel.uniform_depolarizing(P)))
    view = shown(document)
    _update(qtbot, view, view.compare_button.click)
    assert view.summary() == ("Monte-Carlo trajectories (400 per sample, estimates); purity "
                              "Tr(ρ²) needs the exact density matrix of at most 6 qubits.")
    assert np.all(view.bloch_lengths() < 1.0)  # 1 − P, estimated
    assert_allclose(view.bloch_lengths(), [1 - P, 1 - P], atol=0.1)
    _update(qtbot, view, lambda: document.edit(replace(
        document.project, training=TrainingConfig()), "exact"))
    assert view.summary() == "Exact density matrix; purity Tr(ρ²): noisy 0.819, ideal 1.000."
    assert len(threads) == 3 and threading.get_ident() not in threads


def test_a_state_mixed_by_the_circuits_own_channel_has_nothing_to_compare(shown):
    circuit = _circuit(entangled=False).add("depolarizing", [0], P)
    view = shown(ProjectDocument(Project(circuit)))
    assert view.summary().startswith("Exact density matrix; purity")
    assert not view.compare_button.isEnabled() and "Noise panel" in view.compare_button.toolTip()
    assert_allclose(view.bloch_lengths(), [1 - P, 1.0], atol=1e-12)
