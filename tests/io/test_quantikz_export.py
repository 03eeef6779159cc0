"""LaTeX/quantikz text of a circuit."""

from __future__ import annotations

import math

from qmlstudio.core import Circuit, Operation, w, x
from qmlstudio.io.quantikz_export import to_quantikz
from qmlstudio.viewmodels.canvas_layout import CircuitLayout


def test_quantikz_rows_columns_and_symbols():
    circuit = (Circuit(3).add("ry", 0, x(0)).add("cx", (0, 2)).add("rz", 1, w(3))
               .add("swap", (1, 2)).add("cry", (2, 0), w(1)).add("rxx", (0, 1), 0.5)
               .with_measured([0]))
    text = to_quantikz(circuit)
    lines = text.splitlines()
    assert lines[0] == "\\begin{quantikz}" and lines[-1] == "\\end{quantikz}"
    rows = [line.removesuffix(" \\\\").split(" & ") for line in lines[1:-1]]
    # label, 6 columns (the CX line crossing q1 pushes RZ to column 2), measurement
    assert rows[0] == ["\\lstick{$q_{0}$}", "\\gate{$RY(x_{0})$}", "\\ctrl{2}", "", "",
                       "\\gate{$RY(\\theta_{1})$}", "\\gate[2]{$RXX(0.5)$}", "\\meter{}"]
    assert rows[1] == ["\\lstick{$q_{1}$}", "", "", "\\gate{$RZ(\\theta_{3})$}", "\\swap{1}",
                       "", "", ""]
    assert rows[2] == ["\\lstick{$q_{2}$}", "", "\\targ{}", "", "\\targX{}", "\\ctrl{-2}",
                       "", ""]


def _columns_of(text: str) -> list[list[str]]:
    """The cells of each column (wire 0 first), without the label and measurement columns."""
    rows = [line.removesuffix(" \\\\").split(" & ")[1:-1] for line in text.splitlines()[1:-1]]
    return [list(column) for column in zip(*rows, strict=True)]


def test_a_template_group_keeps_its_own_block_of_columns_as_on_the_canvas():
    ops = (Operation("h", (2,)),
           Operation("rx", (0,), (w(0),), "blk#0"), Operation("rx", (1,), (w(1),), "blk#0"),
           Operation("cx", (0, 1), (), "blk#0"), Operation("ry", (1,), (w(2),), "blk#0"),
           Operation("x", (0,)), Operation("cz", (1, 2)))
    circuit = Circuit(3, ops)
    columns = _columns_of(to_quantikz(circuit))
    layout = CircuitLayout(circuit)
    assert len(columns) == layout.n_columns
    (group,) = layout.groups
    block = range(group.first_column, group.last_column + 1)
    # Every gate sits in the canvas's column; the group's gates fill its block, others stay out.
    for index, op in enumerate(ops):
        column = int(layout.column[index])
        assert columns[column][op.wires[-1]] != ""
        if not group.start <= index < group.stop and \
                any(group.lo <= wire <= group.hi for wire in op.wires):
            assert column not in block
    assert [columns[c][0] for c in block] == ["\\gate{$RX(\\theta_{0})$}", "\\ctrl{1}", ""]
    assert [columns[c][1] for c in block] == ["\\gate{$RX(\\theta_{1})$}", "\\targ{}",
                                              "\\gate{$RY(\\theta_{2})$}"]
    assert columns[group.last_column + 1][0] == "\\gate{X}"  # not beside the group's RY


def test_expression_angles_are_written_as_products_and_sums():
    circuit = (Circuit(2).add("ry", 0, w(0) * x(1) + w(2))
               .add("rzz", (0, 1), (math.pi - x(0)) * (math.pi - x(1)))
               .add("rx", 1, -w(1) * x(0) * 0.5 - x(0) * x(1) + 0.2))
    text = to_quantikz(circuit)
    assert "\\gate{$RY(\\theta_{0}x_{1} + \\theta_{2})$}" in text
    assert "\\gate[2]{$RZZ((\\pi - x_{0})(\\pi - x_{1}))$}" in text
    assert "\\gate{$RX(-0.5 \\theta_{1}x_{0} - x_{0}x_{1} +0.2)$}" in text
