"""Channel operations in a circuit: every kind stands on wires with constant parameters, its
channel is the core value of core/noise, and bad input is one error naming the operation and
the field."""

import pytest

from qmlstudio.core import Circuit, CircuitError, Operation, w, x
from qmlstudio.core.channel_ops import CHANNEL_OPS, ChannelOpSpec, operation_spec
from qmlstudio.core.gates import GATES
from qmlstudio.core.noise import CHANNEL_KINDS, Channel

EXAMPLES = {
    "depolarizing": (0.1,), "depolarizing2": (0.2,), "bit_flip": (0.1,), "phase_flip": (0.2,),
    "bit_phase_flip": (0.3,), "pauli": (0.1, 0.05, 0.02), "amplitude_damping": (0.4,),
    "phase_damping": (0.5,), "thermal_relaxation": (50.0, 60.0, 3.0, 0.1), "reset": (),
    "measure": (),
}


def test_every_channel_kind_but_kraus_is_an_operation_and_none_shares_a_gate_name():
    kinds = {spec.kind for spec in CHANNEL_OPS.values()}
    assert kinds == set(CHANNEL_KINDS) - {"kraus"}
    assert set(EXAMPLES) == set(CHANNEL_OPS)
    assert not set(CHANNEL_OPS) & set(GATES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_channel_operation_holds_its_channel(name):
    spec = CHANNEL_OPS[name]
    wires = tuple(range(spec.n_wires))
    op = Operation(name, wires, EXAMPLES[name])
    assert op.is_channel and operation_spec(name) is spec
    expected = {"reset": Channel("amplitude_damping", (1.0,)),
                "measure": Channel("phase_damping", (1.0,)),
                "depolarizing2": Channel.depolarizing(0.2, 2)}.get(
        name, Channel(spec.kind, EXAMPLES[name]) if name in CHANNEL_KINDS else None)
    assert op.channel() == expected
    circuit = Circuit(3).add("h", 0).add(name, wires, *EXAMPLES[name])
    assert circuit.has_channels and not Circuit(2).add("h", 0).has_channels
    assert circuit.n_weights == 0 and circuit.depth == 2


def test_reset_and_measure_are_exactly_their_channels():
    # reset: everything to |0⟩; measure: the Z-basis populations kept, coherences gone.
    rho = [[0.3, 0.2 - 0.1j], [0.2 + 0.1j, 0.7]]
    assert (Operation("reset", (0,)).channel().apply(rho).round(15) == [[1, 0], [0, 0]]).all()
    assert (Operation("measure", (0,)).channel().apply(rho).round(15)
            == [[0.3, 0], [0, 0.7]]).all()


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Circuit(2).add("bit_flip", 0, 1.5), r"bit_flip p: must lie in \[0, 1\], got 1.5"),
    (lambda: Circuit(2).add("amplitude_damping", 1, -0.1), r"amplitude_damping gamma: must lie"),
    (lambda: Circuit(2).add("depolarizing2", (0, 1), 2.0),
     r"depolarizing2: depolarizing p: must lie in \[0, 1.06667\], got 2"),
    (lambda: Circuit(2).add("pauli", 0, 0.6, 0.3, 0.2), "pauli: p_x \\+ p_y \\+ p_z must be at "
                                                        "most 1"),
    (lambda: Circuit(2).add("thermal_relaxation", 0, 10.0, 30.0, 1.0, 0.0),
     "thermal_relaxation T2: 30 exceeds 2·T1 = 20"),
    (lambda: Circuit(2).add("bit_flip", 0), r"bit_flip takes 1 parameter\(s\), got 0"),
    (lambda: Circuit(2).add("reset", 0, 0.5), r"reset takes 0 parameter\(s\), got 1"),
    (lambda: Circuit(2).add("phase_flip", 2, 0.1),
     r"operation 0 \(phase_flip\): wire 2 does not exist in a 2-qubit circuit"),
    (lambda: Circuit(2).add("depolarizing2", 0, 0.1), r"depolarizing2 acts on 2 wire\(s\)"),
    (lambda: Circuit(2).add("bit_flip", 0, w(0)),
     "bit_flip p: a channel's parameters are constants, got θ₀"),
    (lambda: Circuit(2).add("phase_damping", 0, x(1)), "phase_damping lambda: a channel's "
                                                        "parameters are constants"),
    (lambda: Circuit(2).add("noise", 0), "unknown gate or channel 'noise'.*channels: "
                                         "depolarizing, depolarizing2"),
])
def test_bad_channel_operations_are_one_error_naming_the_operation_and_field(build, message):
    with pytest.raises(CircuitError, match=message):
        build()


def test_channel_specs_carry_the_facts_views_read():
    spec = operation_spec("depolarizing2")
    assert isinstance(spec, ChannelOpSpec)
    assert (spec.n_wires, spec.n_params, spec.n_controls, spec.drawing, spec.joins_wires,
            spec.n_targets) == (2, 1, 0, "box", False, 2)
    assert operation_spec("thermal_relaxation").param_names == (
        "t1", "t2", "time", "excited_population")
    assert Operation("pauli", (0,), (0.1, 0.0, 0.2)).label == "PAULI(0.1, 0, 0.2)"
    assert operation_spec("cnot") is GATES["cx"]
