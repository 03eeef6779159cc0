"""The Noise panel's maths without Qt: which choice a model is, its table rows, and one-number
edits that either give the model with that number changed or refuse with the row named."""

from __future__ import annotations

import pytest

from qmlstudio.core.errors import NoiseError
from qmlstudio.core.noise import Channel, NoiseModel
from qmlstudio.io.noise_file import bundled_device_noise
from qmlstudio.viewmodels.noise_table import (
    EDITED,
    NoiseChoice,
    device_noise,
    gate_rows,
    noise_choice,
    parse_value,
    readout_rows,
    with_value,
)


@pytest.fixture(scope="module")
def manila() -> NoiseModel:
    return bundled_device_noise("manila")


def _row(rows, gate: str, channel: str):
    return next(row for row in rows if row.cells[:2] == (gate, channel))


def test_each_preset_is_recognised_with_its_values(manila):
    assert noise_choice(None) == noise_choice(NoiseModel.ideal()) == NoiseChoice("ideal")
    assert noise_choice(NoiseModel.uniform_depolarizing(0.02, 0.01)) == \
        NoiseChoice("depolarizing", (0.02, 0.01))
    assert noise_choice(NoiseModel.thermal(100.0, 80.0, 1.0, 5.0)) == \
        NoiseChoice("thermal", (100.0, 80.0, 1.0, 5.0))
    assert noise_choice(manila) == NoiseChoice("device", device="manila")
    assert noise_choice(device_noise("lagos")) == NoiseChoice("device", device="lagos")
    edited = with_value(manila, gate_rows(manila)[0], 2e5)
    assert noise_choice(edited) == NoiseChoice("custom")


def test_a_device_lists_every_channel_parameter_with_its_place(manila):
    rows = gate_rows(manila)
    expected = sum(max(1, len(channel.params)) for rule in manila.rules
                   for channel, _ in rule.channels) + sum(not rule.channels
                                                          for rule in manila.rules)
    assert len(rows) == expected
    for row in rows:
        if row.value is None:  # the virtual rz: noiseless, nothing to edit
            assert row.cells[1] == "none (noiseless)" and row.cells[0].startswith("rz on")
            continue
        _kind, r, c, k = row.place
        assert row.value == manila.rules[r].channels[c][0].params[k]
    readout = readout_rows(manila)
    assert [(row.cells[0], row.value) for row in readout[:2]] == [
        ("q0", manila.readout_error(0).p1_given_0), ("q0", manila.readout_error(0).p0_given_1)]
    assert len(readout) == 2 * 5


def test_the_error_column_is_the_channels_average_infidelity():
    # Aer's depolarizing p on one qubit keeps the state with fidelity 1 − p/2 on average.
    rows = gate_rows(NoiseModel.uniform_depolarizing(0.01))
    assert [row.cells for row in rows] == [("any gate", "depolarizing p (each wire)", "0.01",
                                            "0.5 %")]
    assert readout_rows(NoiseModel.uniform_depolarizing(0.01)) == ()
    assert gate_rows(None) == readout_rows(None) == ()


def test_an_edit_changes_that_one_number(manila):
    rows = gate_rows(manila)
    row = _row(rows, "sx on 1", "depolarizing p")
    edited = with_value(manila, row, 0.02)
    channel, wires = edited.channels_after("sx", (1,))[0]
    assert channel == Channel.depolarizing(0.02) and wires == (1,)
    assert edited.channels_after("sx", (2,)) == manila.channels_after("sx", (2,))
    assert edited.readout == manila.readout and edited.stand_ins == manila.stand_ins
    assert edited.name == manila.name + EDITED
    again = with_value(edited, _row(gate_rows(edited), "cx on 0, 1", "T1 (q1)"), 9e4)
    assert again.name == manila.name + EDITED  # marked once
    assert again.channels_after("cx", (0, 1))[2][0].params[0] == 9e4


def test_readout_edits_per_qubit_and_for_every_qubit(manila):
    row = readout_rows(manila)[3]  # q1, reads 0 for 1
    edited = with_value(manila, row, 0.5)
    assert edited.readout_error(1).p0_given_1 == 0.5
    assert edited.readout_error(1).p1_given_0 == manila.readout_error(1).p1_given_0
    uniform = NoiseModel.uniform_depolarizing(0.01, readout=0.02)
    rows = readout_rows(uniform)
    assert [row.cells for row in rows] == [("every qubit", "reads 1 for 0", "0.02"),
                                           ("every qubit", "reads 0 for 1", "0.02")]
    assert with_value(uniform, rows[0], 0.1).readout_error(7).p1_given_0 == 0.1


@pytest.mark.parametrize(("gate", "channel", "value", "reason"), [
    ("sx on 1", "depolarizing p", 1.5, "must lie in [0, 1.33333], got 1.5"),
    ("sx on 0", "T2 (q0)", 1e9, "exceeds 2·T1"),
    ("sx on 0", "T1 (q0)", -1.0, "T1: must be positive"),
])
def test_a_value_the_channel_refuses_names_the_row(manila, gate, channel, value, reason):
    with pytest.raises(NoiseError) as caught:
        with_value(manila, _row(gate_rows(manila), gate, channel), value)
    assert str(caught.value).startswith(f"{gate}, {channel}: ")
    assert reason in str(caught.value)


def test_typed_text_must_be_a_finite_number(manila):
    row = gate_rows(manila)[0]
    assert parse_value(" 0,25 ", row) == 0.25  # a decimal comma as typed in many locales
    for text, reason in (("abc", "'abc' is not a number"), ("nan", "must be finite")):
        with pytest.raises(NoiseError, match=reason):
            parse_value(text, row)
    with pytest.raises(NoiseError, match="reads 1 for 0: readout error p1_given_0: must be"):
        with_value(manila, readout_rows(manila)[0], 1.2)
