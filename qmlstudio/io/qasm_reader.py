"""The OpenQASM reader behind :func:`~qmlstudio.io.from_qasm`: statements to operations.

:class:`QasmReader` makes one pass over the statements. Library-gate calls are cached by their
text (a long program repeats the same lines, so most statements cost one dictionary look-up);
``gate`` definitions are flattened once into library gates with parameter trees, so a call
expands without recursion. ``reset``, ``measure`` and ``if`` become channel operations and
controlled gates (:mod:`.qasm_dynamic`): each classical bit remembers the measurement that
wrote it, so a condition can be read off the measured qubit, or off a record wire that copied
the result when the measured qubit changed before the condition reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from qmlstudio.core import GATES, MAX_QUBITS, Circuit, CircuitError, Operation, QasmError
from qmlstudio.io import qasm_syntax as syntax
from qmlstudio.io.qasm_dynamic import (
    controlled,
    final_measurements,
    holding_wire,
    parse_condition,
    split_if,
    steered_branches,
    with_records,
)
from qmlstudio.io.qasm_expressions import (
    Affine,
    ExpressionError,
    Node,
    Value,
    evaluate,
    free_names,
    param_of,
    parse_expressions,
    substitute,
)
from qmlstudio.io.qasm_gates import (
    EXTRA_DEFINITIONS,
    STANDARD_GATES,
    BodyEntry,
    body_matches_library,
)

__all__ = ["MAX_EXPANDED_GATES", "KnownGate", "QasmReader", "builtin_gates"]

MAX_EXPANDED_GATES = 200_000
"""The most library gates that expanding the program's own ``gate`` definitions may produce,
counted over the definitions (each is flattened when read) and the calls together. It bounds
the work a short file can ask for: 40 definitions that each call the previous one twice would
otherwise ask for 2**39 gates from 1.6 kB. Library gates written out, and the few ``qelib1.inc``
gates expanded from their definitions, are bounded by the file size instead."""


@dataclass(frozen=True, slots=True)
class KnownGate:
    """A gate the reader knows: a library gate, or a flattened definition to expand."""

    n_params: int
    n_qubits: int
    library: str | None = None
    params: tuple[str, ...] = ()
    body: tuple[BodyEntry, ...] = ()


@cache
def builtin_gates() -> dict[str, KnownGate]:
    """Standard names, then the expanded extras of ``qelib1.inc`` (read once; copy to change)."""
    gates = {qasm: KnownGate(GATES[name].n_params, GATES[name].n_wires, library=name)
             for qasm, name in STANDARD_GATES.items()}
    reader = QasmReader(2, gates.copy())
    reader.read(EXTRA_DEFINITIONS)
    return reader.gates


class QasmReader:
    """One pass over the statements, building operations in a list."""

    def __init__(self, version: int, gates: dict[str, KnownGate]) -> None:
        self.version = version
        self.gates = gates
        self.qregs: dict[str, tuple[int, int]] = {}
        self.cregs: dict[str, int] = {}
        self.declared: set[str] = set()
        self.inputs: dict[str, Affine] = {}
        self.n_qubits = 0
        self.ops: list[Operation] = []
        # Each written classical bit: the position in ops of the measure operation that wrote
        # it; bits never written read 0.
        self.bits: dict[tuple[str, int], int] = {}
        # Record wires: the position of a measure whose result must outlive a change of its
        # qubit -> (the wire added to keep it, the group of the cx that copies it there). The
        # cx goes in when the circuit is built, so positions in ops stay put while reading.
        self.records: dict[int, tuple[int, str]] = {}
        # The condition of the 'if' just read, for an 'else' that follows it.
        self.last_if: str | None = None
        self.user_gates: set[str] = set()
        self.expanded = 0  # library gates produced by expanding user_gates (see the limit)
        self.opaque: set[str] = set()
        self.groups: dict[str, int] = {}
        self.simple: dict[str, tuple[Operation, ...]] = {}
        self.values: dict[str, tuple[Value, ...]] = {}
        self.operands: dict[str, list[tuple[int, ...]]] = {}

    # -- the statement loop ----------------------------------------------------------------
    def read(self, text: str) -> None:
        """Read every statement of ``text``, adding to what was read before."""
        groups = syntax.group_annotations(text) if syntax.GROUP_ANNOTATION in text else []
        text = syntax.strip_comments(text)
        self.inputs = syntax.input_map(text)
        statements = syntax.statements(text)
        simple, ops = self.simple, self.ops
        first = True
        next_group = 0  # index into groups of the first annotation not yet used
        for body, terminator, line in statements:
            if next_group < len(groups) and groups[next_group][0] < line:
                group, next_group = _annotation_before(groups, next_group, line)
                start = len(ops)
            else:
                group = None
            after_if, self.last_if = self.last_if, None
            try:
                if body.startswith("else") and syntax.WORD.match(body).group() == "else":
                    self._else(body, terminator, line, statements, after_if)
                elif terminator == ";":
                    cached = simple.get(body)
                    if cached is not None:
                        ops.extend(cached)
                    elif first and body.startswith("OPENQASM"):
                        self._version(body, line)
                    elif body:
                        self._statement(body, line)
                elif terminator == "{" and body.startswith("if"):
                    self._if_block(body, line, statements)
                elif terminator == "{":
                    self._block(body, line, statements)
                else:
                    raise QasmError(f"line {line}: unexpected '}}'")
            except RecursionError:  # the expression parser recurses on nesting
                raise QasmError(f"line {line}: expression nested too deeply") from None
            if group is not None:  # the operations of this statement belong to the group
                ops[start:] = [replace(op, group=group) for op in ops[start:]]
            first = False

    def _version(self, body: str, line: int) -> None:
        match = syntax.VERSION.fullmatch(body)
        if not match or match.group(1) not in ("2", "3"):
            raise QasmError(f"line {line}: unsupported version '{body}' (OpenQASM 2 or 3)")
        self.version = int(match.group(1))

    def _statement(self, body: str, line: int) -> None:
        word = syntax.WORD.match(body)
        head = word.group() if word else body[:1]
        if head in syntax.REFUSED:
            raise QasmError(f"line {line}: {syntax.REFUSED[head]} is not supported: "
                            f"{syntax.REASON}")
        if head == "if":
            self._if(body, line)
        elif head == "const":
            self._const(body, line)
        elif "=" in body:
            match = syntax.ASSIGN_MEASURE.fullmatch(body)
            if not match:
                raise QasmError(f"line {line}: classical assignment '{body[:40]}' is not "
                                f"supported: {syntax.REASON}")
            self._measure(match.group(2), match.group(1), line)
        elif head in ("qreg", "creg", "qubit", "bit"):
            self._register(body, line)
        elif head == "measure":
            self._measure(body[len("measure"):], None, line)
        elif head == "reset":
            self._reset(body[len("reset"):], line)
        elif head == "include":
            self._include(body, line)
        elif head == "input":
            self._input(body, line)
        elif head == "opaque":
            match = syntax.OPAQUE.match(body)
            self.opaque.add(match.group(1) if match else "")
        elif head in self.gates:
            self._call(body, line)
        elif head in self.opaque:
            raise QasmError(f"line {line}: opaque gate '{head}' has no definition to simulate")
        elif head == "OPENQASM":
            raise QasmError(f"line {line}: the OPENQASM version must be the first statement")
        elif head == "$":
            raise QasmError(f"line {line}: physical qubits ('{body.split()[0]}') are not "
                            "supported; declare a qubit register")
        elif head != "barrier":
            raise QasmError(f"line {line}: unknown gate or statement '{head}'")

    # -- declarations ----------------------------------------------------------------------
    def _declare(self, name: str, line: int) -> None:
        if name in self.declared:
            raise QasmError(f"line {line}: '{name}' is already declared")
        self.declared.add(name)

    def _register(self, body: str, line: int) -> None:
        old = syntax.OLD_REGISTER.fullmatch(body)
        new = None if old else syntax.NEW_REGISTER.fullmatch(body)
        if old:
            kind, name, size = old.group(1), old.group(2), syntax.count(old.group(3), line)
        elif new:
            kind, name, size = new.group(1), new.group(3), syntax.count(new.group(2) or "1", line)
        else:
            raise QasmError(f"line {line}: cannot read the declaration '{body}'")
        self._declare(name, line)
        if size < 1:
            raise QasmError(f"line {line}: register '{name}' must have at least one bit")
        if kind in ("qreg", "qubit"):
            self.qregs[name] = (self.n_qubits, size)
            self.n_qubits += size
            if self.n_qubits > MAX_QUBITS:
                raise QasmError(f"line {line}: {self.n_qubits} qubits declared; a circuit has "
                                f"at most {MAX_QUBITS}")
        else:
            self.cregs[name] = size

    def _include(self, body: str, line: int) -> None:
        match = syntax.INCLUDE.fullmatch(body)
        if not match or match.group(1) not in ("qelib1.inc", "stdgates.inc"):
            raise QasmError(f"line {line}: cannot include {body[len('include'):].strip()}: "
                            "only qelib1.inc and stdgates.inc are built in")

    def _input(self, body: str, line: int) -> None:
        match = syntax.INPUT.fullmatch(body)
        if not match:
            raise QasmError(f"line {line}: cannot read the input declaration '{body}'")
        if match.group(1) not in ("float", "angle"):
            raise QasmError(f"line {line}: an input of type '{match.group(1)}' is not "
                            "supported; only float and angle inputs become circuit parameters")
        self._declare(match.group(2), line)

    # -- gate definitions ------------------------------------------------------------------
    def _block(self, header: str, line: int, statements: Iterator) -> None:
        word = syntax.WORD.match(header)
        head = word.group() if word else header[:1]
        if head != "gate":
            what = syntax.REFUSED.get(head, f"a '{head}' block")
            raise QasmError(f"line {line}: {what} is not supported: {syntax.REASON}")
        match = syntax.GATE_HEADER.fullmatch(header)
        if not match:
            raise QasmError(f"line {line}: cannot read the gate definition '{header}'")
        name = match.group(1)
        params = tuple(p.strip() for p in (match.group(2) or "").split(",") if p.strip())
        qubits = tuple(q.strip() for q in match.group(3).split(","))
        for formal in params + qubits:
            if not syntax.WORD.fullmatch(formal):
                raise QasmError(f"line {line}: gate '{name}': bad parameter or qubit '{formal}'")
        if len(set(params + qubits)) != len(params + qubits):
            raise QasmError(f"line {line}: gate '{name}' repeats a parameter or qubit name")
        if name in self.user_gates:
            raise QasmError(f"line {line}: gate '{name}' is already defined")
        body: list[BodyEntry] = []
        for text, terminator, body_line in statements:
            if terminator == "{":
                raise QasmError(f"line {body_line}: a block inside gate '{name}' is not "
                                "supported")
            if text:
                body.extend(self._body_call(text, body_line, name, params, qubits))
            if terminator == "}":
                break
        else:
            raise QasmError(f"line {line}: gate '{name}' has no closing '}}'")
        self._define(name, params, qubits, tuple(body))

    def _define(self, name: str, params: tuple[str, ...], qubits: tuple[str, ...],
                body: tuple[BodyEntry, ...]) -> None:
        known = self.gates.get(name)
        if known is not None and known.library is not None and \
                body_matches_library(body, params, known.library, len(qubits)):
            return
        self.gates[name] = KnownGate(len(params), len(qubits), None, params, body)
        self.user_gates.add(name)
        self.simple.clear()  # cached calls may have used the name's previous meaning

    def _body_call(self, text: str, line: int, name: str, params: tuple[str, ...],
                   qubits: tuple[str, ...]) -> list[BodyEntry]:
        """The library gates of one call in the body of gate ``name``."""
        match = syntax.CALL.fullmatch(text)
        if not match:
            raise QasmError(f"line {line}: gate '{name}': cannot read '{text[:40]}'")
        callee = match.group(1)
        if callee == "barrier":
            return []
        gate = self.gates.get(callee)
        if callee in syntax.REFUSED or callee in ("measure", "reset", "if", "const"):
            what = syntax.REFUSED.get(callee, f"'{callee}'")
            raise QasmError(f"line {line}: {what} is not supported inside gate '{name}'")
        if gate is None:
            raise QasmError(f"line {line}: gate '{name}' uses unknown gate '{callee}'")
        nodes = self._parse(match.group(2) or "", line)
        unknown = set().union(*map(free_names, nodes)) - set(params)
        if unknown:
            raise QasmError(f"line {line}: gate '{name}' uses undefined name(s) "
                            f"{', '.join(sorted(unknown))}")
        args = [a.strip() for a in match.group(3).split(",")]
        if any(a not in qubits for a in args) or len(set(args)) != len(args):
            raise QasmError(f"line {line}: gate '{name}': '{match.group(3)}' must name "
                            f"distinct qubits among {', '.join(qubits)}")
        self._check_arity(callee, gate, len(nodes), len(args), line)
        local = tuple(qubits.index(a) for a in args)
        if gate.library is not None:
            return [(gate.library, tuple(nodes), local)]
        if callee in self.user_gates:
            self._spend(len(gate.body), line)
        mapping = dict(zip(gate.params, nodes, strict=True))
        return [(lib, tuple(substitute(n, mapping) for n in inner), tuple(local[i] for i in w))
                for lib, inner, w in gate.body]

    # -- gate calls ------------------------------------------------------------------------
    def _parse(self, text: str, line: int) -> list[Node]:
        try:
            return parse_expressions(text, self.version)
        except ExpressionError as error:
            raise QasmError(f"line {line}: {error}") from None

    def _check_arity(self, name: str, gate: KnownGate, n_params: int, n_qubits: int,
                     line: int) -> None:
        if n_params != gate.n_params:
            raise QasmError(f"line {line}: gate '{name}' takes {gate.n_params} parameter(s), "
                            f"got {n_params}")
        if n_qubits != gate.n_qubits:
            raise QasmError(f"line {line}: gate '{name}' acts on {gate.n_qubits} qubit(s), "
                            f"got {n_qubits}")


    def _evaluate(self, nodes: list[Node] | tuple[Node, ...], env: dict,
                  line: int) -> tuple[Value, ...]:
        try:
            return tuple(evaluate(node, env) for node in nodes)
        except ExpressionError as error:
            raise QasmError(f"line {line}: {error}") from None

    def _call(self, body: str, line: int) -> None:
        match = syntax.CALL.fullmatch(body)
        name, ptext, atext = match.group(1), match.group(2) or "", match.group(3)
        gate = self.gates[name]
        if not atext.strip():
            raise QasmError(f"line {line}: gate '{name}' needs {gate.n_qubits} qubit "
                            "operand(s)")
        values = self.values.get(ptext)
        if values is None:
            values = self._evaluate(self._parse(ptext, line), self.inputs, line)
            self.values[ptext] = values
        wire_sets = self._qubits(atext, line)
        self._check_arity(name, gate, len(values), len(wire_sets[0]), line)
        try:
            if gate.library is not None:
                params = tuple(param_of(v) for v in values)
                new = tuple(Operation(gate.library, wires, params) for wires in wire_sets)
                self.simple[body] = new
            else:
                if name in self.user_gates:
                    self._spend(len(gate.body) * len(wire_sets), line)
                new = tuple(self._expand(name, gate, values, wire_sets, line))
        except CircuitError as error:
            raise QasmError(f"line {line}: {error}") from None
        self.ops.extend(new)

    def _expand(self, name: str, gate: KnownGate, values: tuple, wire_sets: list,
                line: int) -> Iterator[Operation]:
        env = dict(zip(gate.params, values, strict=True))
        for wires in wire_sets:
            count = self.groups.get(name, 0)
            self.groups[name] = count + 1
            group = f"{name}#{count}"
            for lib, nodes, local in gate.body:
                params = tuple(param_of(v) for v in self._evaluate(nodes, env, line))
                yield Operation(lib, tuple(wires[i] for i in local), params, group)

    def _spend(self, n_gates: int, line: int) -> None:
        """Count ``n_gates`` more expanded gates; past :data:`MAX_EXPANDED_GATES`, refuse."""
        self.expanded += n_gates
        if self.expanded > MAX_EXPANDED_GATES:
            raise QasmError(f"line {line}: the program's gate definitions expand to more than "
                            f"{MAX_EXPANDED_GATES:,} gates (nested or repeated calls); that "
                            f"is the most QML Studio reads")

    def _qubits(self, text: str, line: int) -> list[tuple[int, ...]]:
        """Wire tuples for the operands, broadcasting whole registers (as OpenQASM does)."""
        cached = self.operands.get(text)
        if cached is not None:
            return cached
        groups = [self._operand(part.strip(), self.qregs, "qubit", line)
                  for part in text.split(",")]
        wire_sets = syntax.broadcast(groups, text, line)
        self.operands[text] = wire_sets
        return wire_sets

    def _operand(self, text: str, registers: dict, kind: str, line: int) -> list[int] | int:
        """A whole register as a list of indices, or one index as an int."""
        match = syntax.OPERAND.fullmatch(text)
        if not match:
            raise QasmError(f"line {line}: cannot read the {kind} operand '{text}'")
        name, index = match.group(1), match.group(2)
        if name not in registers:
            raise QasmError(f"line {line}: {kind} register '{name}' is not declared")
        offset, size = registers[name] if kind == "qubit" else (0, registers[name])
        if index is None:
            return list(range(offset, offset + size))
        position = syntax.count(index, line)
        if position >= size:
            raise QasmError(f"line {line}: {name}[{index}] is out of range: '{name}' has "
                            f"{size} {kind}(s)")
        return offset + position

    # -- measurement, reset, classical control ---------------------------------------------
    def _measure(self, qtext: str, ctext: str | None, line: int) -> None:
        if ctext is None and "->" in qtext:
            qtext, ctext = qtext.split("->", 1)
        qubits = self._operand(qtext.strip(), self.qregs, "qubit", line)
        wires = qubits if isinstance(qubits, list) else [qubits]
        names: list[tuple[str, int]] = []
        if ctext is not None:
            bits = self._operand(ctext.strip(), self.cregs, "bit", line)
            indices = bits if isinstance(bits, list) else [bits]
            if len(indices) != len(wires):
                raise QasmError(f"line {line}: measure of {len(wires)} qubit(s) into "
                                f"{len(indices)} bit(s)")
            register = syntax.OPERAND.fullmatch(ctext.strip()).group(1)
            names = [(register, index) for index in indices]
        for k, wire in enumerate(wires):
            if names:
                self.bits[names[k]] = len(self.ops)
            self.ops.append(Operation("measure", (wire,)))

    def _reset(self, text: str, line: int) -> None:
        qubits = self._operand(text.strip(), self.qregs, "qubit", line)
        for wire in qubits if isinstance(qubits, list) else [qubits]:
            self.ops.append(Operation("reset", (wire,)))

    def _const(self, body: str, line: int) -> None:
        match = syntax.CONST.fullmatch(body)
        if not match:
            raise QasmError(f"line {line}: cannot read the declaration '{body[:40]}'")
        name = match.group(1)
        self._declare(name, line)
        value = self._evaluate(self._parse(match.group(2), line), self.inputs, line)
        if len(value) != 1 or not isinstance(value[0], float):
            raise QasmError(f"line {line}: const '{name}' must be one number")
        self.inputs[name] = value[0]

    def _if(self, body: str, line: int) -> None:
        condition, rest = split_if(body, line)
        start = len(self.ops)
        if rest:
            self._statement(rest, line)
        self._steer(condition, start, line)
        self.last_if = condition

    def _if_block(self, header: str, line: int, statements: Iterator) -> None:
        condition, rest = split_if(header, line)
        if rest:
            raise QasmError(f"line {line}: cannot read '{header[:40]}'")
        start = len(self.ops)
        self._steered_block("if", line, statements)
        self._steer(condition, start, line)
        self.last_if = condition

    def _else(self, body: str, terminator: str, line: int, statements: Iterator,
              after_if: str | None) -> None:
        """``else`` after an ``if``: its statements steered by the negated condition."""
        if after_if is None:
            raise QasmError(f"line {line}: 'else' without an 'if' just before it")
        rest = body[len("else"):].strip()
        if rest.startswith("if") and syntax.WORD.match(rest).group() == "if":
            raise QasmError(f"line {line}: 'else if' is not supported; write the second "
                            f"condition as an 'if' of its own")
        start = len(self.ops)
        if terminator == "{" and not rest:
            self._steered_block("else", line, statements)
        elif terminator == ";" and rest:
            self._statement(rest, line)
        else:
            raise QasmError(f"line {line}: cannot read '{body[:40]}'")
        self._steer(after_if, start, line, negated=True)

    def _steered_block(self, kind: str, line: int, statements: Iterator) -> None:
        """Read the statements of an ``if`` or ``else`` block up to its ``}``."""
        for text, terminator, body_line in statements:
            if terminator == "{":
                raise QasmError(f"line {body_line}: a block inside '{kind}' is not supported")
            if text:
                self._statement(text, body_line)
            if terminator == "}":
                return
        raise QasmError(f"line {line}: '{kind}' has no closing '}}'")

    def _steer(self, text: str, start: int, line: int, negated: bool = False) -> None:
        """Replace the operations from ``start`` on by their form steered by the condition
        ``text``, or by its negation for an ``else`` (see :mod:`.qasm_dynamic`)."""
        register, index, value = parse_condition(text, line)
        if register not in self.cregs:
            raise QasmError(f"line {line}: bit register '{register}' is not declared")
        size = self.cregs[register]
        if index is not None and index >= size:
            raise QasmError(f"line {line}: {register}[{index}] is out of range: '{register}' "
                            f"has {size} bit(s)")
        # possible: False once the bits cannot hold the value (then the condition is never
        # true); controls: the wire that holds a measured bit -> the value asked of it.
        possible = value < (1 << size) if index is None else value <= 1
        wanted = {index: value} if index is not None else {
            k: value >> k & 1 for k in range(size)}
        controls: dict[int, int] = {}
        for k, bit in sorted(wanted.items()) if possible else ():
            written = self.bits.get((register, k))
            if written is None:  # a bit never written reads 0
                possible = possible and not bit
                continue
            wire, flipped = self._result_wire(written, register, k, line)
            # Two bits read off one wire: one control, or never true if they disagree.
            if controls.setdefault(wire, bit ^ flipped) != bit ^ flipped:
                possible = False
        branches = steered_branches(controls, possible, negated)
        body = self.ops[start:]
        del self.ops[start:]
        if not branches:  # never true: the body's own measurements did not happen either
            self.bits = {name: at for name, at in self.bits.items() if at < start}
            self.records = {at: record for at, record in self.records.items() if at < start}
            return
        for branch in branches:
            self.ops.extend(controlled(body, branch, line) if branch else body)

    def _result_wire(self, position: int, register: str, index: int,
                     line: int) -> tuple[int, int]:
        """The wire that holds the result written into ``register[index]`` by the measure at
        ``position``, and 1 if it holds it flipped (0 if not): the measured wire while it
        still holds it (:func:`~.qasm_dynamic.holding_wire`), else a record wire (added now,
        see ``records``)."""
        if position in self.records:
            return self.records[position][0], 0
        held = holding_wire(self.ops, position)
        return held if held is not None else (self._record(position, register, index, line), 0)

    def _record(self, position: int, register: str, index: int, line: int) -> int:
        """A new record wire for the measurement at ``position`` into ``register[index]``."""
        if self.n_qubits >= MAX_QUBITS:
            raise QasmError(f"line {line}: the condition reads {register}[{index}] after its "
                            f"qubit changed, which needs a record qubit to keep the result; "
                            f"with it the circuit would have {self.n_qubits + 1} qubits, at "
                            f"most {MAX_QUBITS}")
        wire = self.n_qubits
        self.n_qubits += 1
        count = self.groups.get("record", 0)
        self.groups["record"] = count + 1
        self.records[position] = wire, f"record {register}[{index}]#{count}"
        return wire

    def circuit(self) -> Circuit:
        """The circuit read so far: the declared qubits first, then the record wires."""
        if self.n_qubits == 0:
            raise QasmError("the program declares no qubits")
        ops = with_records(self.ops, self.records, self.n_qubits) if self.records else self.ops
        ops, measured = final_measurements(ops)
        try:
            return Circuit(self.n_qubits, tuple(ops), measured)
        except CircuitError as error:
            raise QasmError(str(error)) from None


def _annotation_before(groups: list[tuple[int, str]], index: int,
                       line: int) -> tuple[str, int]:
    """The group of the last annotation before ``line`` (from ``groups[index]`` on) and the
    index of the first annotation after it (annotations before a statement that makes no
    operation are used up by it)."""
    while index + 1 < len(groups) and groups[index + 1][0] < line:
        index += 1
    return groups[index][1], index + 1
