"""OpenQASM parameter expressions: parse once, evaluate to a number or an affine input.

An expression parses into a small tree whose purely numeric parts are folded at parse time,
so ``-3*pi/4`` *is* the float it denotes and evaluating it costs nothing. A tree node is

* a ``float`` — a constant;
* ``("v", name)`` — a gate parameter or a QASM 3 ``input``;
* ``("neg", a)``, ``(op, a, b)`` for ``op`` in ``+ - * / **``, ``("f", name, a)`` — a function.

Evaluation gives a ``float``, an :class:`Affine` — ``scale * input + offset`` of one input —
or, once inputs are added or multiplied together, a core parameter built with the core
operators (:mod:`qmlstudio.core.parameters`): ``w0*x1 + w2`` and ``(pi - x0)*(pi - x1)`` are
:class:`~qmlstudio.core.Expr` values, term by term as written, so the text
:func:`~qmlstudio.io.to_qasm` writes reads back to the identical expression. Anything else that
reads an input (``sin(x0)``, ``1/x0``, ``x0**2``, two weights in one product) raises
:class:`ExpressionError`; the reader turns that into a ``QasmError`` naming the line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from qmlstudio.core.errors import CircuitError
from qmlstudio.core.parameters import Const, Feature, Param, Weight

__all__ = [
    "Affine",
    "ExpressionError",
    "Node",
    "Value",
    "evaluate",
    "free_names",
    "param_of",
    "parse_expressions",
    "substitute",
]

Node = float | tuple
"""A parsed expression: a folded constant or a tuple node (see the module docstring)."""

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<name>[^\W\d]\w*)"
    r"|(?P<op>\*\*|[-+*/^(),]))"
)
_CONSTANTS = {"pi": math.pi, "π": math.pi, "tau": math.tau, "τ": math.tau,
              "euler": math.e, "ℇ": math.e}
_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "ln": math.log,
    "log": math.log, "sqrt": math.sqrt, "arcsin": math.asin, "arccos": math.acos,
    "arctan": math.atan, "asin": math.asin, "acos": math.acos, "atan": math.atan,
}


class ExpressionError(Exception):
    """An expression that cannot be parsed or evaluated (the reader adds the line)."""


@dataclass(frozen=True, slots=True)
class Affine:
    """``scale * input + offset`` for a QASM 3 input: data feature (``kind="x"``) or weight."""

    name: str
    kind: str
    index: int
    scale: float = 1.0
    offset: float = 0.0

    def mapped(self, scale: float, offset: float) -> Affine:
        """``scale * self + offset``."""
        return Affine(self.name, self.kind, self.index, self.scale * scale,
                      self.offset * scale + offset)


Value = float | Affine | Param
"""What an expression evaluates to: a number, one input mapped affinely, or a core parameter
(when inputs were combined)."""
_NOT_POLYNOMIAL = ("a gate parameter reading inputs must be a sum of products of inputs "
                   "(each scale*input + offset) and numbers")


def param_of(value: Value) -> Param:
    """The core parameter a value stands for: ``2*w0 + 1`` is ``Expr(1, (Term(2, (w0,)),))``,
    as the core operators make it (a lone weight used as it is stays a :class:`Weight`)."""
    if isinstance(value, Affine):
        if value.kind == "x":
            return Feature(value.index, value.scale, value.offset)
        return Weight(value.index) * value.scale + value.offset
    return Const(value) if isinstance(value, float) else value


def _combine_params(op: str, a: Value, b: Value) -> Value:
    """``a op b`` with the core parameter operators (at least one side reads inputs)."""
    left, right = param_of(a), param_of(b)
    try:
        if op == "+":
            result = left + right
        elif op == "-":
            result = left - right
        elif op == "*":
            result = left * right
        elif op == "/" and isinstance(right, Const):
            result = left * (1.0 / right.value) if right.value else None
        else:
            result = None
    except CircuitError as error:
        raise ExpressionError(f"'{op}': {error}") from None
    if result is None:
        raise ExpressionError(f"'{op}' here is not allowed: {_NOT_POLYNOMIAL}")
    return result.value if isinstance(result, Const) else result


def _numeric(op: str, a: float, b: float) -> float:
    try:
        if op == "+":
            value = a + b
        elif op == "-":
            value = a - b
        elif op == "*":
            value = a * b
        elif op == "/":
            value = a / b
        else:
            value = float(a**b)
    except (ZeroDivisionError, OverflowError, TypeError):
        value = math.nan
    if not math.isfinite(value):
        raise ExpressionError(f"'{a!r} {op} {b!r}' has no finite real value")
    return value


def _combine(op: str, a: Value, b: Value) -> Value:
    if isinstance(a, float) and isinstance(b, float):
        return _numeric(op, a, b)
    if not isinstance(a, Affine | float) or not isinstance(b, Affine | float) or (
            isinstance(a, Affine) and isinstance(b, Affine)):
        return _combine_params(op, a, b)
    if op in "+-" and isinstance(a, Affine):
        return Affine(a.name, a.kind, a.index, a.scale, _numeric(op, a.offset, b))
    if op == "+":
        return Affine(b.name, b.kind, b.index, b.scale, a + b.offset)
    if op == "-":
        return Affine(b.name, b.kind, b.index, -b.scale, a - b.offset)
    if op == "*":
        return a.mapped(b, 0.0) if isinstance(a, Affine) else b.mapped(a, 0.0)
    if op == "/" and isinstance(a, Affine):
        return Affine(a.name, a.kind, a.index, _numeric("/", a.scale, b),
                      _numeric("/", a.offset, b))
    name = a.name if isinstance(a, Affine) else b.name  # type: ignore[union-attr]
    raise ExpressionError(f"'{op}' with input '{name}' is not allowed: {_NOT_POLYNOMIAL}")


def _call(name: str, value: Value) -> float:
    if not isinstance(value, float):
        raise ExpressionError(f"{name}() of an input is not allowed: {_NOT_POLYNOMIAL}")
    try:
        result = _FUNCTIONS[name](value)
    except (ValueError, OverflowError):
        result = math.nan
    if not math.isfinite(result):
        raise ExpressionError(f"{name}({value!r}) has no finite real value")
    return result


def _fold(node: Node) -> Node:
    """Evaluate ``node`` now if it reads no variable."""
    if isinstance(node, tuple):
        kind = node[0]
        if kind == "neg" and isinstance(node[1], float):
            return -node[1]
        if kind == "f" and isinstance(node[2], float):
            return _call(node[1], node[2])
        if len(node) == 3 and kind != "f" and isinstance(node[1], float) \
                and isinstance(node[2], float):
            return _numeric(kind, node[1], node[2])
    return node


class _Parser:
    """Recursive descent over the tokens of one comma-separated expression list."""

    def __init__(self, text: str, version: int) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos, end = 0, len(text.rstrip())
        while pos < end:
            match = _TOKEN.match(text, pos)
            if match is None:
                raise ExpressionError(f"unexpected {text[pos:].lstrip()[:1]!r} in '{text}'")
            self.tokens.append((match.lastgroup or "", match.group(match.lastgroup or 0)))
            pos = match.end()
        self.tokens.append(("end", ""))
        self.pos = 0
        self.text = text
        self.power_ops = ("**", "^") if version == 2 else ("**",)

    def peek(self) -> str:
        return self.tokens[self.pos][1]

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.pos]
        if expected is not None and token[1] != expected:
            found = token[1] or "the end"
            raise ExpressionError(f"expected '{expected}' but found '{found}' in '{self.text}'")
        self.pos += 1
        return token

    def expressions(self) -> list[Node]:
        nodes = [self.sum()]
        while self.peek() == ",":
            self.take()
            nodes.append(self.sum())
        if self.tokens[self.pos][0] != "end":
            raise ExpressionError(f"unexpected '{self.peek()}' in '{self.text}'")
        return nodes

    def sum(self) -> Node:
        node = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            node = _fold((op, node, self.product()))
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            node = _fold((op, node, self.unary()))
        return node

    def unary(self) -> Node:
        if self.peek() in ("-", "+"):
            sign = self.take()[1]
            operand = self.unary()
            return _fold(("neg", operand)) if sign == "-" else operand
        node = self.atom()
        if self.peek() in self.power_ops:
            self.take()
            node = _fold(("**", node, self.unary()))
        return node

    def atom(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if text == "(":
            node = self.sum()
            self.take(")")
            return node
        if kind == "name" and self.peek() == "(":
            if text not in _FUNCTIONS:
                raise ExpressionError(f"unknown function '{text}' in '{self.text}'")
            self.take()
            node = self.sum()
            self.take(")")
            return _fold(("f", text, node))
        if kind == "name":
            return ("v", text)
        if kind == "end":
            raise ExpressionError(f"'{self.text}' ends too early")
        raise ExpressionError(f"unexpected '{text}' in '{self.text}'")


def parse_expressions(text: str, version: int = 3) -> list[Node]:
    """Parse a comma-separated list of expressions (``^`` means power only in QASM 2)."""
    if not text.strip():
        return []
    return _Parser(text, version).expressions()


def evaluate(node: Node, env: Mapping[str, Value]) -> Value:
    """The value of ``node`` with variables from ``env`` (then ``pi``, ``tau``, ``euler``)."""
    if isinstance(node, float):
        return node
    kind = node[0]
    if kind == "v":
        value = env.get(node[1])
        if value is None:
            value = _CONSTANTS.get(node[1])
            if value is None:
                raise ExpressionError(f"unknown name '{node[1]}'")
        return value
    if kind == "neg":
        value = evaluate(node[1], env)
        return value.mapped(-1.0, 0.0) if isinstance(value, Affine) else -value
    if kind == "f":
        return _call(node[1], evaluate(node[2], env))
    return _combine(kind, evaluate(node[1], env), evaluate(node[2], env))


def substitute(node: Node, mapping: Mapping[str, Node]) -> Node:
    """``node`` with each variable in ``mapping`` replaced by its tree (folding constants)."""
    if isinstance(node, float):
        return node
    if node[0] == "v":
        return mapping.get(node[1], node)
    if node[0] == "f":
        return _fold(("f", node[1], substitute(node[2], mapping)))
    return _fold((node[0], *(substitute(child, mapping) for child in node[1:])))


def free_names(node: Node) -> set[str]:
    """The variables ``node`` reads, other than the constants ``pi``, ``tau``, ``euler``."""
    if isinstance(node, float):
        return set()
    if node[0] == "v":
        return set() if node[1] in _CONSTANTS else {node[1]}
    return set().union(*(free_names(child) for child in node[1:] if not isinstance(child, str)))
