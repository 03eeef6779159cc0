"""The canvas's Qt-free layout and edits: packing, insertion indices, qubit edits.

Circuits are written as text diagrams (one line per wire, one token per column, ``.`` for an
empty cell) so a failing case reads at a glance.
"""

from __future__ import annotations

import pytest

from qmlstudio.core import Circuit, CircuitError, Const, Operation, w
from qmlstudio.viewmodels.canvas_layout import CircuitLayout, DropTarget, box_label
from qmlstudio.viewmodels.circuit_edits import (
    insert_qubit,
    move_operations,
    move_wire,
    paste_operations,
    remove_qubit,
)


def _diagram(layout: CircuitLayout) -> str:
    """One line per wire: the gate name in each column it occupies on that wire."""
    grid = [["."] * layout.n_columns for _ in range(layout.circuit.n_qubits)]
    for index, op in enumerate(layout.circuit.operations):
        for wire in range(int(layout.lo[index]), int(layout.hi[index]) + 1):
            grid[wire][int(layout.column[index])] = op.gate if wire in op.wires else "|"
    return "\n".join(" ".join(row) for row in grid)


def test_gates_pack_left_after_every_overlapping_earlier_gate():
    circuit = (Circuit(3).add("h", 0).add("x", 2).add("cx", (0, 2)).add("y", 1)
               .add("z", 1).add("s", 0))
    assert _diagram(CircuitLayout(circuit)) == "\n".join([
        "h cx s .",
        ". | y z",  # y waits for the cx line crossing wire 1
        "x cx . .",
    ])


def test_groups_are_blocks_and_a_collapsed_group_takes_one_column():
    ops = (Operation("h", (0,)), Operation("rx", (0,), (w(0),), "blk#0"),
           Operation("cx", (0, 1), (), "blk#0"), Operation("x", (1,)))
    circuit = Circuit(2, ops)
    expanded = CircuitLayout(circuit)
    (group,) = expanded.groups
    assert (group.start, group.stop, group.lo, group.hi) == (1, 3, 0, 1)
    assert (group.first_column, group.last_column) == (1, 2)
    assert expanded.column.tolist() == [0, 1, 2, 3]  # x waits for the whole block
    collapsed = CircuitLayout(circuit, {"blk#0"})
    assert collapsed.column.tolist() == [0, 1, 1, 2]
    assert collapsed.unit_of(2) == (1, 2)


@pytest.mark.parametrize(("column", "wire", "index", "landing"), [
    (0, 0, 0, 0),  # before the h
    (1, 0, 1, 1),  # between h and cx
    (9, 0, 4, 3),  # far right on wire 0: at the end, packed to column 3
    (0, 1, 1, 0),  # wire 1 is free until the cx: lands in column 0, before the cx
    (2, 2, 4, 0),  # wire 2 is empty: the end of the list, column 0
])
def test_insertion_index_lands_at_or_left_of_the_drop_column(column, wire, index, landing):
    circuit = Circuit(3).add("h", 0).add("cx", (0, 1)).add("z", 0).add("y", 1)
    layout = CircuitLayout(circuit)
    assert layout.insertion_index(column, wire, wire) == index
    assert layout.landing_column(index, wire, wire) == landing
    grown = CircuitLayout(circuit.inserted(index, Operation("x", (wire,))))
    assert grown.column[index] == landing


def test_box_labels_drop_the_c_of_controlled_targets():
    assert box_label(Operation("cry", (0, 1), (w(3),))) == "RY(θ₃)"
    assert box_label(Operation("cx", (0, 1))) == ""
    assert box_label(Operation("rxx", (0, 1), (0.5,))) == "RXX(0.5)"


def test_qubit_edits_remap_wires_and_measurements():
    circuit = Circuit(3).add("h", 0).add("cx", (1, 2)).with_measured([0, 2])
    assert insert_qubit(circuit, 1) == (Circuit(4).add("h", 0).add("cx", (2, 3))
                                        .with_measured([0, 3]))
    assert remove_qubit(circuit, 1) == (Circuit(2).add("h", 0).with_measured([0, 1]), 1)
    with pytest.raises(CircuitError, match="at least one qubit"):
        remove_qubit(Circuit(1), 0)


def test_move_edits():
    circuit = Circuit(2).add("h", 0).add("cx", (0, 1))
    assert move_wire(circuit, 1, 0, 1) == (Circuit(2).add("h", 0).add("cx", (1, 0)), (1,))
    moved, selection = move_operations(circuit, [0], 5, 1)
    assert moved == Circuit(2).add("cx", (0, 1)).add("h", 1) and selection == (1,)
    with pytest.raises(CircuitError, match="above the first qubit"):
        move_operations(circuit, [0], 0, -1)
    # A group moved whole stays a group; a gate taken out of one leaves it.
    grouped = Circuit(2, (Operation("h", (0,), (), "g#0"), Operation("x", (1,), (), "g#0"),
                          Operation("z", (0,))))
    whole, _ = move_operations(grouped, [0, 1, 2], 9, 0)
    assert [op.group for op in whole.operations] == ["g#0", "g#0", None]
    part, _ = move_operations(grouped, [1, 2], 9, 0)
    assert part.operations == (Operation("h", (0,), (), "g#0"), Operation("x", (1,)),
                               Operation("z", (0,)))


def test_paste_renames_groups_that_already_exist():
    op = Operation("rx", (3,), (w(0),), "layer#0")
    circuit = Circuit(1, (Operation("x", (0,), (), "layer#0"),))
    pasted, indices = paste_operations(circuit, [op], 1)
    assert pasted.n_qubits == 4 and indices == (1,)
    assert pasted.operations[1] == Operation("rx", (3,), (w(0),), "layer#1")


def test_a_gate_is_coloured_by_what_its_parameters_read():
    import math

    from qmlstudio.core import x
    from qmlstudio.viewmodels.canvas_layout import param_role

    assert param_role(()) == "const"
    assert param_role((Const(0.5),)) == "const"
    assert param_role((w(0), Const(1.0))) == "weight"
    assert param_role((w(0) * 2.0 + 1.0,)) == "weight"            # an expression of a weight
    assert param_role((x(0),)) == "feature"
    assert param_role((w(0) * x(1) + w(2),)) == "feature"        # trainable input scaling
    assert param_role(((math.pi - x(0)) * (math.pi - x(1)),)) == "feature"


def test_drop_target_takes_the_gap_nearest_the_pointer_and_joins_a_block_inside_its_frame():
    ops = (Operation("h", (0,)), Operation("rx", (0,), (w(0),), "blk#0"),
           Operation("ry", (0,), (w(1),), "blk#0"), Operation("x", (0,)))
    layout = CircuitLayout(Circuit(1, ops))
    edges = layout.column_edges
    # Right half of the H: after it, i.e. before the block, which moves right.
    assert layout.drop_target(layout.column_x(0) + 1, 0, 0) == DropTarget(1, 1, None, True)
    # The gap between RX and RY, inside the frame: joins the block there.
    assert layout.drop_target(float(edges[2]), 0, 0) == DropTarget(2, 2, "blk#0", True)
    assert layout.drop_target(float(edges[2]), 0, 0, may_join=False).group is None
    # Past the frame's right edge: after the block, before the X.
    assert layout.drop_target(float(edges[3]), 0, 0) == DropTarget(3, 3, None, True)
    # Far right: a free cell after the X.
    assert layout.drop_target(float(edges[-1]) + 30, 0, 0) == DropTarget(4, 4, None, False)
