"""The palette catalogue and the insertion rules a drop uses (no widgets needed)."""

from __future__ import annotations

import numpy as np
import pytest

from qmlstudio.core import Circuit, CircuitError, Const, Weight, w
from qmlstudio.core.channel_ops import CHANNEL_OPS
from qmlstudio.core.gates import GATES
from qmlstudio.viewmodels.palette_items import (
    NOISE_GROUP,
    PALETTE_ITEMS,
    decode_item,
    encode_item,
    insert_item,
    item_by_key,
)


def test_every_gate_of_the_library_is_offered_once():
    keys = [item.key for item in PALETTE_ITEMS if not item.is_template and not item.is_channel]
    assert sorted(keys) == sorted(GATES)


def test_every_channel_operation_is_offered_once_in_the_noise_group():
    channels = [item for item in PALETTE_ITEMS if item.is_channel]
    assert sorted(item.key for item in channels) == sorted(CHANNEL_OPS)
    assert {item.group for item in channels} == {NOISE_GROUP}
    depolarizing = item_by_key("depolarizing")
    assert depolarizing.label == "Depolarizing" and "p = 0.01" in depolarizing.tooltip
    for item in channels:  # the tooltip names every default constant
        spec = CHANNEL_OPS[item.key]
        assert len(item.params) == spec.n_params
        assert all(f"{name} = " in item.tooltip for name in spec.param_names)


def test_a_channel_is_inserted_with_its_default_constants_and_no_weight():
    c = Circuit(2).add("ry", 0, w(0))
    new, inserted = insert_item(item_by_key("thermal_relaxation"), c, 1, 1)
    assert inserted == (1,) and new.n_weights == 1
    op = new.operations[1]
    assert (op.gate, op.wires) == ("thermal_relaxation", (1,))
    assert op.params == (Const(100_000.0), Const(80_000.0), Const(35.0), Const(0.0))
    wide, _ = insert_item(item_by_key("depolarizing2"), Circuit(1), 0, 0)
    assert wide.n_qubits == 2 and wide.operations[0].params == (Const(0.01),)
    reset, _ = insert_item(item_by_key("reset"), c, 0, 0)
    assert reset.operations[0].gate == "reset" and reset.operations[0].params == ()


def test_payload_round_trip_and_foreign_payloads():
    for item in PALETTE_ITEMS:
        assert decode_item(encode_item(item)) is item
    assert decode_item(b"not json") is None
    assert decode_item(b'{"key": "no such gate"}') is None
    assert decode_item(b"\xff\xfe") is None


def test_a_rotation_gets_a_new_trainable_weight_at_the_given_position():
    c = Circuit(2).add("rx", 0, w(0)).add("h", 1)
    new, inserted = insert_item(item_by_key("ry"), c, 1, 1)
    assert inserted == (1,)
    assert new.operations[1].gate == "ry"
    assert new.operations[1].wires == (1,)
    assert new.operations[1].params == (Weight(1),)
    assert new.operations[0] == c.operations[0] and new.operations[2] == c.operations[1]


def test_a_two_qubit_gate_on_the_last_wire_shifts_up_and_a_drop_below_adds_a_qubit():
    c = Circuit(3)
    new, _ = insert_item(item_by_key("cx"), c, 0, 2)
    assert new.operations[0].wires == (1, 2)
    grown, _ = insert_item(item_by_key("h"), c, 0, 3)
    assert grown.n_qubits == 4 and grown.operations[0].wires == (3,)
    small, _ = insert_item(item_by_key("ccx"), Circuit(1), 0, 0)
    assert small.n_qubits == 3 and small.operations[0].wires == (0, 1, 2)


def test_a_template_is_inserted_as_one_group_over_every_wire():
    c = Circuit(3).add("h", 0)
    new, inserted = insert_item(item_by_key("basic_entangler"), c, 0, 1)
    ops = [new.operations[i] for i in inserted]
    assert inserted[0] == 0 and len(ops) == len(new.operations) - 1
    assert len({op.group for op in ops}) == 1 and ops[0].group is not None
    assert {wire for op in ops for wire in op.wires} == {0, 1, 2}
    assert new.operations[-1] == c.operations[0]


@pytest.mark.parametrize(("index", "wire"), [(-1, 0), (2, 0), (0, -1)])
def test_impossible_positions_are_refused(index, wire):
    with pytest.raises(CircuitError):
        insert_item(item_by_key("h"), Circuit(2).add("h", 0), index, wire)


def test_the_iqp_encoding_entry_reads_every_feature_and_every_pair_product():
    new, inserted = insert_item(item_by_key("iqp_encoding"), Circuit(3), 0, 0)
    ops = [new.operations[i] for i in inserted]
    assert [op.gate for op in ops].count("h") == 3
    pairs = {op.wires: op.params[0] for op in ops if op.gate == "rzz"}
    assert set(pairs) == {(0, 1), (0, 2), (1, 2)}
    x = np.array([0.3, -1.1, 2.0])
    for (i, j), angle in pairs.items():
        assert angle.value(x, np.zeros(0)) == pytest.approx(x[i] * x[j])
    assert new.n_features == 3 and new.n_weights == 0
