"""A :class:`~qmlstudio.core.Circuit` as JSON, one line per operation.

An operation is ``{"gate": "ry", "wires": [0], "params": [...]}`` (``params`` left out when the
gate has none, ``"group"`` added when the operation belongs to a template block). A parameter
is a number for a constant, ``{"weight": k}`` for trainable weight ``k``, ``{"feature": j,
"scale": s, "offset": o}`` for the data feature ``s * x[j] + o``, or (schema 3 on) an expression
``{"constant": c, "terms": [{"coefficient": a, "factors": [<weight or feature>, ...]}, ...]}``
for ``c + Σ a · Π factors`` (:class:`~qmlstudio.core.Expr`).

A channel operation (:data:`~qmlstudio.core.channel_ops.CHANNEL_OPS`) is written the same way,
its name under ``"gate"`` and its constant parameters as numbers:
``{"gate": "bit_flip", "wires": [1], "params": [0.05]}``, ``{"gate": "reset", "wires": [0]}``.
Files without one read as before, so the schema did not change (an older QML Studio refuses a
file holding one, naming the unknown gate at its JSON path).
"""

from __future__ import annotations

import math

from qmlstudio.core.channel_ops import operation_spec
from qmlstudio.core.circuit import MAX_QUBITS, Circuit, Operation
from qmlstudio.core.errors import CircuitError
from qmlstudio.core.gates import GATES
from qmlstudio.core.parameters import (
    MAX_PARAMETER_INDEX,
    Const,
    Expr,
    Feature,
    Param,
    Term,
    Weight,
)
from qmlstudio.io.document_reader import DocumentReader, describe
from qmlstudio.io.json_text import Inline

__all__ = ["decode_circuit", "encode_circuit"]

_OPERATION_KEYS = ("gate", "wires", "params", "group")
_OPERATION_KEY_SET = frozenset(_OPERATION_KEYS)
_WEIGHT_KEYS = frozenset({"weight"})
_FEATURE_KEYS = frozenset({"feature", "scale", "offset"})


def _encode_param(param: Param) -> object:
    if isinstance(param, Const):
        return param.value
    if isinstance(param, Weight):
        return {"weight": param.index}
    if isinstance(param, Expr):
        return {"constant": param.constant,
                "terms": [{"coefficient": t.coefficient,
                           "factors": [_encode_param(f) for f in t.factors]}
                          for t in param.terms]}
    return {"feature": param.index, "scale": param.scale, "offset": param.offset}


def _encode_operation(op: Operation) -> Inline:
    item: dict[str, object] = {"gate": op.gate, "wires": list(op.wires)}
    if op.params:
        item["params"] = [_encode_param(p) for p in op.params]
    if op.group is not None:
        item["group"] = op.group
    return Inline(item)


def encode_circuit(circuit: Circuit) -> dict:
    """The JSON object of ``circuit`` (operations last, as they are the long part)."""
    return {
        "n_qubits": circuit.n_qubits,
        "measured": Inline(list(circuit.measured)),
        "operations": [_encode_operation(op) for op in circuit.operations],
    }


def _decode_factor(reader: DocumentReader) -> Weight | Feature:
    """A factor of an expression term: a weight or a feature object."""
    value = reader.value
    if not (isinstance(value, dict) and ("weight" in value or "feature" in value)):
        reader.fail('expected {"weight": k} or {"feature": j, "scale": s, "offset": o}, '
                    f"got {describe(value)}")
    return _decode_param(reader)  # type: ignore[return-value]


def _decode_term(reader: DocumentReader) -> Term:
    reader.object(("coefficient", "factors"))
    coefficient = reader.number("coefficient", 1.0)
    factors = tuple(_decode_factor(item) for item in reader.field("factors").items())
    with reader.converting():
        return Term(coefficient, factors)


def _decode_expr(reader: DocumentReader) -> Expr:
    reader.object(("constant", "terms"))
    constant = reader.number("constant", 0.0)
    terms = tuple(_decode_term(item) for item in reader.field("terms").items())
    with reader.converting():
        return Expr(constant, terms)


def _decode_param(reader: DocumentReader) -> Param:
    value = reader.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Const(reader.as_float())
    if isinstance(value, dict) and "terms" in value:
        return _decode_expr(reader)
    if isinstance(value, dict) and "weight" in value:
        reader.object(("weight",))
        return Weight(reader.integer("weight", minimum=0, maximum=MAX_PARAMETER_INDEX))
    if isinstance(value, dict) and "feature" in value:
        reader.object(("feature", "scale", "offset"))
        return Feature(reader.integer("feature", minimum=0, maximum=MAX_PARAMETER_INDEX),
                       reader.number("scale", 1.0), reader.number("offset", 0.0))
    reader.fail('expected a number, {"weight": k}, {"feature": j, "scale": s, "offset": o} '
                f'or {{"constant": c, "terms": [...]}}, got {describe(value)}')


def _decode_wires(reader: DocumentReader, n_qubits: int) -> tuple[int, ...]:
    wires = []
    for item in reader.items():
        wire = item.as_int(minimum=0)
        if wire >= n_qubits:
            item.fail(f"wire {wire} does not exist in a {n_qubits}-qubit circuit")
        if wire in wires:
            item.fail(f"wire {wire} is used twice")
        wires.append(wire)
    return tuple(wires)


def _quick_param(raw: object) -> Param | None:
    kind = type(raw)
    if kind is float:
        return Const(raw) if math.isfinite(raw) else None
    if kind is not dict:
        return None
    if raw.keys() == _WEIGHT_KEYS:
        index = raw["weight"]
        return Weight(index) if type(index) is int and 0 <= index <= MAX_PARAMETER_INDEX \
            else None
    if raw.keys() == _FEATURE_KEYS:
        index, scale, offset = raw["feature"], raw["scale"], raw["offset"]
        if (type(index) is int and 0 <= index <= MAX_PARAMETER_INDEX and type(scale) is float
                and type(offset) is float and math.isfinite(scale) and math.isfinite(offset)):
            return Feature(index, scale, offset)
    return None


def _quick_operation(raw: object, n_qubits: int) -> Operation | None:
    """The operation in ``raw`` if it is exactly what :func:`encode_circuit` writes, else None.

    Loading a circuit of 10^5 operations through the path-tracking checks below takes
    seconds; this plain check takes a fraction of that. Anything unusual (aliases, integer
    constants, a bad value) returns None and goes through the checked path, which either
    accepts it or explains the problem, so the two paths agree (a property test checks it).
    """
    if type(raw) is not dict or not raw.keys() <= _OPERATION_KEY_SET:
        return None
    name, wires, params, group = (raw.get("gate"), raw.get("wires"), raw.get("params", []),
                                  raw.get("group"))
    spec = GATES.get(name) if type(name) is str else None
    if (spec is None or type(wires) is not list or type(params) is not list
            or len(wires) != spec.n_wires or len(params) != spec.n_params
            or not (group is None or (type(group) is str and group.isascii()))):
        return None
    for wire in wires:
        if type(wire) is not int or not 0 <= wire < n_qubits:
            return None
    if len(set(wires)) != len(wires):
        return None
    decoded = [_quick_param(p) for p in params]
    if None in decoded:
        return None
    return Operation(name, tuple(wires), tuple(decoded), group)


def _checked_operation(reader: DocumentReader, n_qubits: int) -> Operation:
    reader.object(_OPERATION_KEYS)
    name = reader.text("gate")
    try:
        spec = operation_spec(name)
    except CircuitError as error:
        reader.fail(str(error), "gate")
    wires_reader = reader.field("wires")
    wires = _decode_wires(wires_reader, n_qubits)
    if len(wires) != spec.n_wires:
        wires_reader.fail(f"{spec.name} acts on {spec.n_wires} wire(s), got {len(wires)}")
    params_reader = reader.field("params", [])
    params = tuple(_decode_param(item) for item in params_reader.items())
    if len(params) != spec.n_params:
        params_reader.fail(f"{spec.name} takes {spec.n_params} parameter(s), got {len(params)}")
    group_reader = reader.field("group", None)
    group = None if group_reader.is_null else group_reader.as_str()
    with reader.converting():
        return Operation(spec.name, wires, params, group)


def _decode_operation(reader: DocumentReader, n_qubits: int) -> Operation:
    quick = _quick_operation(reader.value, n_qubits)
    return quick if quick is not None else _checked_operation(reader, n_qubits)


def decode_circuit(reader: DocumentReader) -> Circuit:
    """The circuit in the JSON object at ``reader`` (every field checked, errors at their path)."""
    reader.object(("n_qubits", "measured", "operations"))
    n_qubits = reader.integer("n_qubits", minimum=1, maximum=MAX_QUBITS)
    measured = _decode_wires(reader.field("measured", []), n_qubits)
    operations = tuple(_decode_operation(item, n_qubits)
                       for item in reader.field("operations").items())
    with reader.converting():
        return Circuit(n_qubits, operations, measured)
