"""Dynamic circuits in OpenQASM as exact channels: what the reader makes of ``reset``, a
mid-circuit ``measure`` and a gate that a measurement result steers (``if``).

With density matrices each is a channel (:mod:`qmlstudio.core.channel_ops`):

* ``reset q`` is the ``reset`` operation; on a qubit nothing has touched yet it is the identity,
  so a leading ``reset q;`` is dropped and the circuit stays ideal;
* ``measure q -> c`` is a ``measure`` operation (dephasing in Z) when the qubit is used again;
  the measurements that end their qubit's line stay final measurements, as before;
* ``if (c == v) U`` — a gate steered by results: after ``measure``, the measured qubit is
  dephased, ``ρ = P₀ρP₀ + P₁ρP₁``, and as long as nothing changes it afterwards the result is
  still written in it. Then the classically controlled ``U`` is exactly the map
  ``ρ ↦ Σ_b K_b ρ K_b†`` with ``K_v = P_v ⊗ U`` and ``K_{1−v} = P_{1−v} ⊗ I``, which is the
  gate ``U`` controlled by the measured qubit (``x`` around it when the condition asks for 0):
  the block-diagonal state has no coherence for the control to touch, and a global phase of
  ``U`` cancels within each block. So the channel is written with library gates (``cx``,
  ``cu3``, ``ccx``, ...), which keep the circuit drawable, trainable and exportable.

* a result read after its qubit changed (``measure``, ``reset``, then ``if``: QASMBench's
  ``ipea`` and ``shor``) is no longer in that qubit. The reader then copies it, right after the
  measurement, onto a *record wire*: a qubit it adds after the program's own (in order of
  need), written by a ``cx`` from the measured qubit in a group named ``record c[0]#k``, which
  is exact because the measured qubit is dephased (a classical copy), and read by the steered
  gates as their control. Only results that need one get one, so a program whose results are
  all read off their measured qubits imports as before; a qubit only flipped by ``x`` since is
  read with the condition's value flipped instead. Record wires are qubits like any other
  (the qubit limit and the simulator's memory guard count them);
* ``else`` is the body steered by the other values of the condition's results: one
  controlled copy for each (the results are classical, so at most one fires).

Bits never measured read 0, so a condition on them is decided at import. What is refused, with
the line: ``else if``, a steered ``reset`` or ``measure``, a steered gate on its own control
qubit, a record wire past the qubit limit, and steered gates without a library form with that
many controls (two on anything but ``x``, ``z`` and the rotations ``rx``, ``ry``, ``rz``,
``p``, which take Barenco et al.'s recursive form; three on anything but those rotations;
more than three).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from itertools import product

from qmlstudio.core import GATES, Operation, QasmError

__all__ = ["Condition", "controlled", "final_measurements", "holding_wire", "parse_condition",
           "split_if", "steered_branches", "with_records"]

_CONDITION = re.compile(r"(?:u?int\s*(?:\[\s*\d+\s*\])?\s*\(\s*(\w+)\s*\)"  # int[4](c)
                        r"|(\w+)\s*(?:\[\s*(\d+)\s*\])?)"  # c, c[0]
                        r"\s*(?:==\s*(\d+|true|false))?")

Condition = tuple[str, int | None, int]
"""``(register, bit index or None for the whole register, value)``."""

# The one-control form of a one-qubit gate: (controlled gate, its params from the gate's).
_HALF_PI = math.pi / 2
_ONE_CONTROL = {
    "x": ("cx", ()), "y": ("cy", ()), "z": ("cz", ()), "h": ("ch", ()),
    "rx": ("crx", None), "ry": ("cry", None), "rz": ("crz", None), "p": ("cp", None),
    "u3": ("cu3", None), "s": ("cp", (_HALF_PI,)), "sdg": ("cp", (-_HALF_PI,)),
    "t": ("cp", (math.pi / 4,)), "tdg": ("cp", (-math.pi / 4,)),
    # √X is RX(π/2) up to a global phase, which a classical control cannot see.
    "sx": ("crx", (_HALF_PI,)), "sxdg": ("crx", (-_HALF_PI,)),
    "cx": ("ccx", ()), "swap": ("cswap", ()),
}
_ROTATIONS = ("rx", "ry", "rz", "p")
"""One-angle gates whose square root is the same gate at half the angle."""


def split_if(text: str, line: int) -> tuple[str, str]:
    """``if (condition) rest`` as ``(condition, rest)`` (parentheses may nest)."""
    start = text.find("(")
    if start < 0 or text[:start].strip() != "if":
        raise QasmError(f"line {line}: cannot read '{text[:40]}': expected if (condition)")
    depth = 0
    for position in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[position], 0)
        if depth == 0:
            return text[start + 1:position].strip(), text[position + 1:].strip()
    raise QasmError(f"line {line}: the condition of '{text[:40]}' has no closing ')'")


def parse_condition(text: str, line: int) -> Condition:
    """The condition ``c == 3``, ``c[0] == 1``, ``c[0]``, ``int[4](c) == 1`` as a
    :data:`Condition`."""
    match = _CONDITION.fullmatch(text)
    if not match:
        raise QasmError(f"line {line}: the condition '{text[:40]}' is not supported; QML "
                        f"Studio reads a register or bit compared with a number "
                        f"(c == 1, c[0] == 1, c[0])")
    register = match.group(1) or match.group(2)
    index = None if match.group(3) is None else int(match.group(3))
    value = match.group(4)
    number = 1 if value in (None, "true") else 0 if value == "false" else int(value)
    return register, index, number


def controlled(ops: list[Operation], controls: list[tuple[int, int]],
               line: int) -> list[Operation]:
    """``ops`` steered by the measured qubits ``controls`` (wire, the value the condition
    asks for), as library gates (see the module docstring)."""
    flips = [Operation("x", (wire,)) for wire, value in controls if value == 0]
    wires = tuple(wire for wire, _ in controls)
    out = list(flips)
    for op in ops:
        if op.is_channel:
            raise QasmError(f"line {line}: a {op.gate} steered by a measurement result is not "
                            f"supported (only gates)")
        if set(op.wires) & set(wires):
            raise QasmError(f"line {line}: {op.gate} acts on the qubit whose result steers it; "
                            f"QML Studio cannot write that as a gate")
        out.extend(_with_controls(op, wires, line))
    return out + flips


def _with_controls(op: Operation, wires: tuple[int, ...], line: int) -> list[Operation]:
    if op.gate == "id":
        return []
    if len(wires) == 1:
        if op.gate == "u2":
            return [Operation("cu3", (*wires, *op.wires), (_HALF_PI, *op.params))]
        form = _ONE_CONTROL.get(op.gate)
        if form is not None:
            name, params = form
            return [Operation(name, (*wires, *op.wires), op.params if params is None
                              else params)]
    elif len(wires) == 2 and op.gate in ("x", "z"):
        toffoli = Operation("ccx", (*wires, *op.wires))
        if op.gate == "x":
            return [toffoli]
        target = op.wires[0]  # Z = H X H
        return [Operation("h", (target,)), toffoli, Operation("h", (target,))]
    elif len(wires) in (2, 3) and op.gate in _ROTATIONS:
        # Barenco et al.: CᵏU = CV(b,t)·Cᵏ⁻¹X(a→b)·CV†(b,t)·Cᵏ⁻¹X(a→b)·Cᵏ⁻¹V(a,t) with the
        # controls a, b and V = U(θ/2): the second Cᵏ⁻¹X restores b, and rotations about one
        # axis commute.
        *a, b = wires
        target, name = op.wires[0], _ONE_CONTROL[op.gate][0]
        half = op.params[0] * 0.5
        flip = Operation("cx" if len(a) == 1 else "ccx", (*a, b))
        return [Operation(name, (b, target), (half,)), flip,
                Operation(name, (b, target), (-half,)), flip,
                *_with_controls(Operation(op.gate, op.wires, (half,)), tuple(a), line)]
    raise QasmError(f"line {line}: {op.gate} steered by {len(wires)} measurement result(s) "
                    f"has no library form; QML Studio writes steered gates as controlled gates "
                    f"(one result: {', '.join(sorted({*_ONE_CONTROL, 'u2'} - {'cx', 'swap'}))}"
                    f", cx, swap; two results: x, z; two or three: {', '.join(_ROTATIONS)})")


def final_measurements(ops: list[Operation]) -> tuple[list[Operation], tuple[int, ...]]:
    """``ops`` without the ``measure`` operations that end their wire's line (and without
    a ``reset`` or ``measure`` before anything else on its wire: the identity on ``|0⟩``),
    and the wires those final measurements read, in the order they were first measured."""
    ends: dict[int, int] = {}  # wire -> position of its first trailing measure
    done: set[int] = set()
    for position in range(len(ops) - 1, -1, -1):
        op = ops[position]
        for wire in op.wires:
            if wire in done:
                continue
            if op.gate == "measure":
                ends[wire] = position
            else:
                done.add(wire)
    started: set[int] = set()
    kept = []
    for position, op in enumerate(ops):
        wire = op.wires[0]
        if op.gate == "measure" and position >= ends.get(wire, len(ops)):
            continue  # a final measurement
        if op.gate in ("reset", "measure") and wire not in started:
            continue  # on |0⟩: the identity
        started.update(op.wires)
        kept.append(op)
    order = sorted(ends, key=ends.__getitem__)
    return kept, tuple(order)


def holding_wire(ops: list[Operation], position: int) -> tuple[int, int] | None:
    """The wire that still holds the result of the measurement ``ops[position]``, and 1 if it
    holds it flipped (0 if not): the measured wire while only ``x`` flips, controls and undone
    ``cx``/``ccx`` touched it since; None once anything else changed it (a record wire must
    keep the result, see :func:`with_records`)."""
    wire = ops[position].wires[0]
    later = ops[position + 1:]
    flips, k = 0, 0
    while k < len(later):
        op = later[k]
        if wire in op.wires and op.gate != "measure" and not _controls(op, wire):
            if op.gate == "x":
                flips += 1
            elif op.gate in ("cx", "ccx") and (partner := _undone_at(later, k)) is not None:
                k = partner  # undone by the same gate (see _undone_at)
            else:
                return None
        k += 1
    return wire, flips % 2


def with_records(ops: list[Operation], records: dict[int, tuple[int, str]],
                 n_qubits: int) -> list[Operation]:
    """``ops`` with a copy onto each record wire right after its measurement (``records``:
    the measurement's position -> (record wire, the copy's group)), and the record wires
    renumbered after every declared qubit."""
    copied = []
    for position, op in enumerate(ops):
        copied.append(op)
        if position in records:  # copy the result while the qubit still holds it
            record, group = records[position]
            copied.append(Operation("cx", (op.wires[0], record), (), group))
    # A register declared after a record wire came after it: records go last.
    record_wires = [record for record, _ in records.values()]
    order = sorted(set(range(n_qubits)) - set(record_wires)) + record_wires
    if order != list(range(n_qubits)):
        new = {old: k for k, old in enumerate(order)}
        copied = [replace(op, wires=tuple(new[w] for w in op.wires)) for op in copied]
    return copied


def _controls(op: Operation, wire: int) -> bool:
    """True if ``op`` only reads ``wire`` as a control (so a measured wire keeps its value)."""
    spec = GATES.get(op.gate)
    return spec is not None and op.wires.index(wire) < spec.n_controls


def _undone_at(ops: list[Operation], k: int) -> int | None:
    """The position of the identical ``cx`` or ``ccx`` that undoes ``ops[k]``, if nothing
    between them touches its wires other than as a control (then they are as before)."""
    flip = ops[k]
    for j in range(k + 1, len(ops)):
        op = ops[j]
        if op == flip:
            return j
        if any(w in op.wires and not _controls(op, w) for w in flip.wires):
            return None
    return None


def steered_branches(controls: dict[int, int], possible: bool,
                     negated: bool) -> list[list[tuple[int, int]]]:
    """The (wire, value) control sets under which a steered body runs: the condition's own
    ``controls`` (none if it is never ``possible``), or for an ``else`` (``negated``) every
    other value of those wires — they are classical, so at most one set holds — and always
    (one empty set) when the condition is never true."""
    if not negated:
        return [list(controls.items())] if possible else []
    if not possible:
        return [[]]
    wires, asked = list(controls), tuple(controls.values())
    return [list(zip(wires, values, strict=True))
            for values in product((0, 1), repeat=len(wires)) if values != asked]
