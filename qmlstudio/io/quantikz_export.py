"""A circuit as LaTeX for the ``quantikz`` package (Qt-free).

Gates are packed into columns by the canvas's own rule
(:func:`~qmlstudio.core.circuit_columns.pack_columns`): each gate in the first column after
every earlier gate whose wire span overlaps its own, and a template group as one block of
consecutive columns that no other gate enters (the block is not framed). Each wire's mark
follows the gate's ``drawing`` (:data:`~qmlstudio.core.gates.DRAWINGS`): controls are
``\\ctrl{d}``, ⊕ targets ``\\targ{}``, a dot target ``\\control{}``, swaps ``\\swap{d}`` /
``\\targX{}``, other gates a ``\\gate`` box with the gate's ``latex_name`` (a multi-wire one a
``\\gate[n]`` box: its wires must be adjacent for quantikz; otherwise the box covers the wires
in between). Parameters print as in the canvas:
``\\theta_{3}`` for weight 3, ``x_{0}`` for feature 0. Measured wires end in ``\\meter{}``.
Use with ``\\usepackage{tikz}\\usetikzlibrary{quantikz2}``.
"""

from __future__ import annotations

import math

from qmlstudio.core import Circuit, Const, Expr, Feature, Operation, Weight, operation_spec
from qmlstudio.core.circuit_columns import pack_columns

__all__ = ["to_quantikz"]


def _expr(expr: Expr) -> str:
    """``\\theta_{0} x_{1} + \\theta_{2}``, ``(\\pi - x_{0})(\\pi - x_{1})``."""
    text = ""
    for term in expr.terms:
        factors = [_param(f) for f in term.factors]
        product = "".join(f"({f})" if " " in f and len(factors) > 1 else f for f in factors)
        c = term.coefficient
        if text:
            text += " - " if c < 0 else " + "
            c = abs(c)
        text += product if c == 1.0 else "-" + product if c == -1.0 else f"{c:.3g} {product}"
    if expr.constant:
        text += f" {expr.constant:+.3g}"
    return text


def _param(param: Const | Weight | Feature | Expr) -> str:
    if isinstance(param, Weight):
        return f"\\theta_{{{param.index}}}"
    if isinstance(param, Expr):
        return _expr(param)
    if isinstance(param, Feature):
        if param.scale == -1.0 and param.offset == math.pi:  # Havlíček's feature map
            return f"\\pi - x_{{{param.index}}}"
        text = f"x_{{{param.index}}}"
        if param.scale != 1.0:
            text = f"{param.scale:.3g} {text}"
        if param.offset:
            text += f" {param.offset:+.3g}"
        return text
    return f"{param.value:.4g}"


def _name(op: Operation) -> str:
    name = operation_spec(op.gate).latex_name
    if op.params:
        name += "(" + ", ".join(_param(p) for p in op.params) + ")"
    return f"${name}$" if op.params or "\\" in name else name


def _cells(op: Operation) -> dict[int, str]:
    """The quantikz command on each wire the operation touches."""
    spec = operation_spec(op.gate)
    controls, targets = op.wires[:spec.n_controls], op.wires[spec.n_controls:]
    cells = {}
    anchor = targets[0]
    for wire in controls:
        cells[wire] = f"\\ctrl{{{anchor - wire}}}"
    if spec.drawing == "oplus":
        cells[anchor] = "\\targ{}"
    elif spec.drawing == "dot":
        cells[anchor] = "\\control{}"
    elif spec.drawing == "cross":
        cells[targets[0]] = f"\\swap{{{targets[1] - targets[0]}}}"
        cells[targets[1]] = "\\targX{}"
    elif len(targets) == 1:
        cells[anchor] = f"\\gate{{{_name(op)}}}"
    else:
        lo, hi = min(targets), max(targets)
        cells[lo] = f"\\gate[{hi - lo + 1}]{{{_name(op)}}}"
        for wire in range(lo + 1, hi + 1):
            cells[wire] = ""
    return cells


def to_quantikz(circuit: Circuit) -> str:
    """The ``quantikz`` environment drawing ``circuit`` (wire 0 on top, labelled q0...)."""
    packing = pack_columns(circuit)
    columns: list[dict[int, str]] = [{} for _ in range(packing.n_columns)]
    for op, column in zip(circuit.operations, packing.column.tolist(), strict=True):
        columns[column].update(_cells(op))
    rows = []
    for wire in range(circuit.n_qubits):
        cells = [f"\\lstick{{$q_{{{wire}}}$}}"]
        cells += [column.get(wire, "") for column in columns]
        cells.append("\\meter{}" if wire in circuit.measured else "")
        rows.append(" & ".join(cells))
    return "\\begin{quantikz}\n" + " \\\\\n".join(rows) + "\n\\end{quantikz}\n"
