"""Which gates the canvas marks as followed by noise, and what their tooltips say."""

from __future__ import annotations

from qmlstudio.core import Circuit, w
from qmlstudio.core.noise import Channel, NoiseModel, NoiseRule
from qmlstudio.io.noise_file import bundled_device_noise
from qmlstudio.viewmodels.noise_marks import noise_marks

CIRCUIT = (Circuit(3).add("h", 0).add("ry", 1, w(0)).add("rz", 0, w(1)).add("cx", (0, 1))
           .add("depolarizing", 2, 0.1).add("cz", (1, 2)).add("reset", 0))


def test_a_device_marks_the_gates_it_adds_channels_after_and_names_them():
    device = bundled_device_noise("manila")
    marks = noise_marks(CIRCUIT, device)
    # rz is virtual on the device (no noise); channel operations take none after them.
    expected = {k for k, op in enumerate(CIRCUIT.operations)
                if not op.is_channel and device.channels_after(op.gate, op.wires)}
    assert marks.indices == expected == {0, 1, 3, 5}
    text = marks.tooltip(3)
    lines = text.splitlines()
    assert lines[0] == f"After this gate, noise model {device.name!r} applies:"
    placed = device.channels_after("cx", (0, 1))
    assert len(lines) == 1 + len(placed)
    p = placed[0][0].params[0]
    error = 1 - placed[0][0].average_fidelity()
    assert lines[1] == f"• q0, q1: depolarizing p = {p:.3g} (error {100 * error:.3g} %)"
    assert lines[2].startswith("• q0: thermal relaxation T1 = ")
    assert marks.tooltip(2) == "" and marks.tooltip(4) == ""


def test_an_ideal_project_marks_nothing():
    assert noise_marks(CIRCUIT, None).indices == frozenset()
    assert noise_marks(CIRCUIT, NoiseModel.ideal()).indices == frozenset()


def test_uniform_depolarizing_marks_every_gate_and_a_misfit_says_why():
    marks = noise_marks(CIRCUIT, NoiseModel.uniform_depolarizing(0.02))
    assert marks.indices == {0, 1, 2, 3, 5}
    # Average gate infidelity of (1 − p)ρ + p·I/2 is p/2.
    assert marks.tooltip(0).endswith("• q0: depolarizing p = 0.02 (error 1 %)")
    two_qubit = NoiseModel((NoiseRule(((Channel.depolarizing(0.1, 2), ()),)),), name="pairs")
    marks = noise_marks(CIRCUIT, two_qubit)
    assert marks.tooltip(0).startswith("Noise model 'pairs' does not fit this gate: a 2-qubit")
    assert "q0, q1: depolarizing" in marks.tooltip(3)
