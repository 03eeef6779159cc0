"""Column packing, the rule the canvas and the LaTeX export share: gates to the left, a
template group as its own block of columns."""

from qmlstudio.core import Circuit, Operation, w
from qmlstudio.core.circuit_columns import GroupBlock, pack_columns


def test_gates_pack_left_after_every_overlapping_earlier_gate():
    circuit = (Circuit(3).add("h", 0).add("x", 2).add("cx", (0, 2)).add("y", 1)
               .add("z", 1).add("s", 0))
    packing = pack_columns(circuit)
    assert packing.column.tolist() == [0, 0, 1, 2, 3, 2]  # y waits for the cx line on wire 1
    assert packing.lo.tolist() == [0, 2, 0, 1, 1, 0]
    assert packing.hi.tolist() == [0, 2, 2, 1, 1, 0]
    assert packing.n_columns == 4 and packing.groups == ()


def test_a_group_is_a_block_no_other_gate_enters():
    ops = (Operation("h", (2,)),
           Operation("rx", (0,), (w(0),), "blk#0"), Operation("rx", (1,), (w(1),), "blk#0"),
           Operation("cx", (0, 1), (), "blk#0"), Operation("ry", (1,), (w(2),), "blk#0"),
           Operation("x", (0,)), Operation("z", (2,)))
    packing = pack_columns(Circuit(3, ops))
    # Without the block rule x would pack into column 2 beside the group's ry.
    assert packing.column.tolist() == [0, 0, 0, 1, 2, 3, 1]
    assert packing.groups == (GroupBlock("blk#0", 1, 5, 0, 1, 0, 2, False),)
    folded = pack_columns(Circuit(3, ops), {"blk#0"})
    assert folded.column.tolist() == [0, 0, 0, 0, 0, 1, 1]
    assert folded.groups[0].collapsed and folded.groups[0].last_column == 0


def test_an_empty_circuit_has_no_columns():
    assert pack_columns(Circuit(2)).n_columns == 0
