"""A circuit as LaTeX for the ``quantikz`` package (Qt-free).

Gates are packed into columns the way the canvas packs them (each gate goes in the first
column after every earlier gate whose wire span overlaps its own); template groups are not
framed. Controls are ``\\ctrl{d}``, CX/CCX targets ``\\targ{}``, swaps ``\\swap{d}`` /
``\\targX{}``, other multi-wire gates one ``\\gate[n]`` box (its wires must be adjacent for
quantikz; otherwise the box covers the wires in between). Parameters print as in the canvas:
``\\theta_{3}`` for weight 3, ``x_{0}`` for feature 0. Measured wires end in ``\\meter{}``.
Use with ``\\usepackage{tikz}\\usetikzlibrary{quantikz2}``.
"""

from __future__ import annotations

from qmlstudio.core import Circuit, Const, Feature, Operation, Weight

__all__ = ["to_quantikz"]

_CONTROLS = {"cx": 1, "cy": 1, "cz": 1, "ch": 1, "crx": 1, "cry": 1, "crz": 1, "cp": 1,
             "cu3": 1, "ccx": 2, "cswap": 1}


def _param(param: Const | Weight | Feature) -> str:
    if isinstance(param, Weight):
        return f"\\theta_{{{param.index}}}"
    if isinstance(param, Feature):
        text = f"x_{{{param.index}}}"
        if param.scale != 1.0:
            text = f"{param.scale:.3g} {text}"
        if param.offset:
            text += f" {param.offset:+.3g}"
        return text
    return f"{param.value:.4g}"


def _name(op: Operation, strip_control: bool) -> str:
    name = op.gate.upper()[1:] if strip_control else op.gate.upper()
    name = {"SDG": "S^\\dagger", "TDG": "T^\\dagger", "SX": "\\sqrt{X}",
            "SXDG": "\\sqrt{X}^\\dagger"}.get(name, name)
    if op.params:
        name += "(" + ", ".join(_param(p) for p in op.params) + ")"
    return f"${name}$" if op.params or "\\" in name else name


def _cells(op: Operation) -> dict[int, str]:
    """The quantikz command on each wire the operation touches."""
    n_controls = _CONTROLS.get(op.gate, 0)
    controls, targets = op.wires[:n_controls], op.wires[n_controls:]
    cells = {}
    anchor = targets[0]
    for wire in controls:
        cells[wire] = f"\\ctrl{{{anchor - wire}}}"
    if op.gate in ("cx", "ccx"):
        cells[anchor] = "\\targ{}"
    elif op.gate == "cz":
        cells[anchor] = "\\control{}"
    elif op.gate in ("swap", "cswap"):
        cells[targets[0]] = f"\\swap{{{targets[1] - targets[0]}}}"
        cells[targets[1]] = "\\targX{}"
    elif len(targets) == 1:
        cells[anchor] = f"\\gate{{{_name(op, bool(n_controls))}}}"
    else:
        lo, hi = min(targets), max(targets)
        cells[lo] = f"\\gate[{hi - lo + 1}]{{{_name(op, False)}}}"
        for wire in range(lo + 1, hi + 1):
            cells[wire] = ""
    return cells


def to_quantikz(circuit: Circuit) -> str:
    """The ``quantikz`` environment drawing ``circuit`` (wire 0 on top, labelled q0...)."""
    level = [0] * circuit.n_qubits
    columns: list[dict[int, str]] = []
    for op in circuit.operations:
        lo, hi = min(op.wires), max(op.wires)
        column = max(level[lo:hi + 1])
        level[lo:hi + 1] = [column + 1] * (hi - lo + 1)
        while len(columns) <= column:
            columns.append({})
        columns[column].update(_cells(op))
    rows = []
    for wire in range(circuit.n_qubits):
        cells = [f"\\lstick{{$q_{{{wire}}}$}}"]
        cells += [column.get(wire, "") for column in columns]
        cells.append("\\meter{}" if wire in circuit.measured else "")
        rows.append(" & ".join(cells))
    return "\\begin{quantikz}\n" + " \\\\\n".join(rows) + "\n\\end{quantikz}\n"
