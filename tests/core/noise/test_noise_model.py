"""Noise models: which channels follow which gate, with Aer's precedence; presets; readout."""

import pytest

from qmlstudio.core import NoiseError
from qmlstudio.core.noise import Channel, NoiseModel, NoiseRule, ReadoutError

DEPOL = Channel.depolarizing(0.01)
FLIP = Channel("bit_flip", (0.2,))
DEPOL2 = Channel.depolarizing(0.05, 2)


def test_uniform_depolarizing_follows_every_gate_on_each_wire():
    model = NoiseModel.uniform_depolarizing(0.01)
    assert model.channels_after("ry", (3,)) == [(DEPOL, (3,))]
    assert model.channels_after("cx", (2, 0)) == [(DEPOL, (2,)), (DEPOL, (0,))]
    assert model.readout_error(0) is None and not model.is_ideal
    assert NoiseModel.ideal().is_ideal and NoiseModel.ideal().channels_after("h", (0,)) == []
    noisy_readout = NoiseModel.uniform_depolarizing(0.01, readout=0.03)
    assert noisy_readout.readout_error(4).matrix == ((0.97, 0.03), (0.03, 0.97))


def test_local_rules_replace_rules_for_any_wires_and_rules_apply_in_order():
    model = NoiseModel((
        NoiseRule(((DEPOL, ()),), gates=("rx",)),
        NoiseRule(((FLIP, ()),), gates=("rx",)),
        NoiseRule(((FLIP, ()),), gates=("rx",), qubits=(1,)),
        NoiseRule(((DEPOL2, ()), (FLIP, (1,))), gates=("cx",)),
    ))
    assert model.channels_after("rx", (0,)) == [(DEPOL, (0,)), (FLIP, (0,))]
    assert model.channels_after("rx", (1,)) == [(FLIP, (1,))]
    assert model.channels_after("cx", (3, 1)) == [(DEPOL2, (3, 1)), (FLIP, (1,))]
    assert model.channels_after("ry", (0,)) == []  # no rule names it, no stand-in


def test_thermal_preset_uses_the_gate_length_by_arity():
    model = NoiseModel.thermal(100.0, 80.0, 35.0, 300.0)
    (one, wires), = model.channels_after("ry", (0,))
    assert one.params[2] == 35.0 and wires == (0,)
    two = model.channels_after("cx", (0, 1))
    assert [c.params[2] for c, _ in two] == [300.0, 300.0] and [w for _, w in two] == [(0,), (1,)]


def test_stand_ins_and_noiseless_gates():
    model = NoiseModel((NoiseRule(((FLIP, ()),), gates=("sx",)),
                        NoiseRule((), gates=("rz",))), stand_ins=((1, "sx"),))
    assert model.channels_after("ry", (2,)) == [(FLIP, (2,))]
    assert model.channels_after("rz", (2,)) == []  # calibrated as noiseless: no stand-in
    assert model.channels_after("cx", (0, 1)) == []


@pytest.mark.parametrize(("build", "message"), [
    (lambda: NoiseRule(((DEPOL2, (0,)),)), "needs 2 distinct wire position"),
    (lambda: NoiseRule(((DEPOL, (0,)),), qubits=(1, 1)), "distinct wire numbers"),
    (lambda: NoiseRule((("depolarizing", ()),)), "expected a Channel"),
    (lambda: NoiseModel((NoiseRule(((DEPOL, ()),)), "rule")), r"rules\[1\]: expected a NoiseRule"),
    (lambda: NoiseModel(readout=((0, ReadoutError(0.1, 0.1)), (0, ReadoutError(0, 0)))),
     "two readout errors"),
    (lambda: ReadoutError(1.2, 0.0), r"p1_given_0: must be a probability in \[0, 1\]"),
])
def test_bad_rules_and_models_are_refused(build, message):
    with pytest.raises(NoiseError, match=message):
        build()


def test_a_channel_that_does_not_fit_the_gate_is_named():
    model = NoiseModel((NoiseRule(((DEPOL2, ()),)),))
    with pytest.raises(NoiseError, match="2-qubit depolarizing channel cannot follow ry"):
        model.channels_after("ry", (0,))
    placed = NoiseModel((NoiseRule(((FLIP, (1,)),)),))
    with pytest.raises(NoiseError, match="wire position 1 of h, which acts on 1 wire"):
        placed.channels_after("h", (0,))


def test_models_are_values():
    assert NoiseModel.uniform_depolarizing(0.01) == NoiseModel.uniform_depolarizing(0.01)
    assert hash(NoiseModel.thermal(1.0, 1.0, 0.1, 0.2)) == hash(
        NoiseModel.thermal(1.0, 1.0, 0.1, 0.2))
    assert NoiseModel.uniform_depolarizing(0.01) != NoiseModel.uniform_depolarizing(0.02)


def test_scaling_a_model_scales_every_channel_and_readout():
    from qmlstudio.io.noise_file import bundled_device_noise

    device = bundled_device_noise("manila")
    for factor in (0.0, 0.5, 2.0):
        scaled = device.scaled(factor)
        for (ours, _), (base, _) in zip(scaled.channels_after("cx", (0, 1)),
                                        device.channels_after("cx", (0, 1)), strict=True):
            if base.kind == "thermal_relaxation":
                assert ours.params[2] == pytest.approx(base.params[2] * factor)
            else:
                assert ours.params[0] == pytest.approx(base.params[0] * factor)
        assert scaled.readout_error(2).p1_given_0 == pytest.approx(
            device.readout_error(2).p1_given_0 * factor)
    assert all(c.is_identity for rule in device.scaled(0).rules for c, _ in rule.channels)
    assert device.scaled(1.0).rules == device.rules
    assert Channel.depolarizing(0.9).scaled(2).params == (4 / 3,)  # capped at the full twirl
    pauli = Channel("pauli", (0.3, 0.2, 0.1)).scaled(3)
    assert sum(pauli.params) == pytest.approx(1.0) and pauli.params[0] == pytest.approx(0.5)
    with pytest.raises(NoiseError, match="no strength to scale"):
        Channel.kraus([[[1, 0], [0, 1]]]).scaled(2)
    with pytest.raises(NoiseError, match="noise scale: must be 0 or more"):
        DEPOL.scaled(-1)
