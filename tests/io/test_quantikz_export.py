"""LaTeX/quantikz text of a circuit."""

from __future__ import annotations

from qmlstudio.core import Circuit, w, x
from qmlstudio.io.quantikz_export import to_quantikz


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
