"""Immutable circuit values: :class:`Operation` and :class:`Circuit`.

A circuit is a value, like Quirk's ``CircuitDefinition``: qubit count, an ordered tuple of
operations and the wires measured at the end. It holds no amplitudes; simulation results live
in the engine. Every edit returns a new circuit, so an undo command only keeps the old and the
new value.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from qmlstudio.core.channel_ops import CHANNEL_OPS, ChannelOpSpec, operation_spec
from qmlstudio.core.errors import CircuitError
from qmlstudio.core.noise.channels import Channel
from qmlstudio.core.parameters import Const, Expr, Feature, Param, Weight, as_param

__all__ = ["MAX_QUBITS", "Circuit", "Operation"]

MAX_QUBITS = 64
"""Largest qubit count a circuit value may declare (simulation has its own memory guard)."""


@dataclass(frozen=True, slots=True)
class Operation:
    """One gate applied to ``wires`` (controls first, as in OpenQASM) with its parameters, or
    a channel operation of :data:`~qmlstudio.core.channel_ops.CHANNEL_OPS` (a noise channel,
    ``reset``, a discarded ``measure``) with constant parameters.

    ``group`` ties operations inserted together (a template block) so an editor can select,
    move or collapse them as one unit.
    """

    gate: str
    wires: tuple[int, ...]
    params: tuple[Param, ...] = ()
    group: str | None = None

    def __post_init__(self) -> None:
        spec = operation_spec(self.gate)
        object.__setattr__(self, "gate", spec.name)
        wires = tuple(_wire(spec.name, w) for w in _sequence(self.wires, f"{spec.name}: wires"))
        if len(wires) != spec.n_wires:
            raise CircuitError(
                f"{spec.name} acts on {spec.n_wires} wire(s), got {len(wires)}: {list(wires)}"
            )
        if len(set(wires)) != len(wires):
            raise CircuitError(f"{spec.name}: duplicate wires {list(wires)}")
        params = tuple(as_param(p) for p in _sequence(self.params, f"{spec.name}: params"))
        if len(params) != spec.n_params:
            raise CircuitError(
                f"{spec.name} takes {spec.n_params} parameter(s), got {len(params)}"
            )
        if self.group is not None and not isinstance(self.group, str):
            raise CircuitError(f"{spec.name}: group must be text or None, got {self.group!r}")
        if isinstance(spec, ChannelOpSpec):
            _channel(spec, params)  # checks the values now, so a circuit never holds a bad one
        object.__setattr__(self, "wires", wires)
        object.__setattr__(self, "params", params)

    @property
    def is_channel(self) -> bool:
        """True for a channel operation (noise, ``reset``, ``measure``), False for a gate."""
        return self.gate in CHANNEL_OPS

    def channel(self) -> Channel:
        """The channel a channel operation applies (a CircuitError for a gate)."""
        spec = CHANNEL_OPS.get(self.gate)
        if spec is None:
            raise CircuitError(f"{self.gate} is a gate, not a channel")
        return _channel(spec, self.params)

    @property
    def label(self) -> str:
        """Text for a gate box, e.g. ``RY(x₀)`` or ``CX``."""
        name = self.gate.upper()
        if not self.params:
            return name
        return f"{name}({', '.join(p.label for p in self.params)})"


def _channel(spec: ChannelOpSpec, params: tuple[Param, ...]) -> Channel:
    """The channel of a channel operation: its parameters must be constants."""
    names = spec.param_names
    for name, param in zip(names, params, strict=True):
        if not isinstance(param, Const):
            raise CircuitError(f"{spec.name} {name}: a channel's parameters are constants, "
                               f"got {param.label}")
    return spec.channel(tuple(p.value for p in params))


def _sequence(value: object, what: str) -> tuple:
    """``value`` as a tuple, or a CircuitError if it is not a sequence."""
    if isinstance(value, str):
        raise CircuitError(f"{what} must be a sequence, got the text {value!r}")
    try:
        return tuple(value)  # type: ignore[arg-type]
    except TypeError:
        raise CircuitError(f"{what} must be a sequence, got {value!r}") from None


def _wire(gate: str, wire: object) -> int:
    """A wire as a plain int (numpy integers accepted)."""
    if type(wire) is int and wire >= 0:  # the common case, without the slower ABC check
        return wire
    if isinstance(wire, bool) or not isinstance(wire, numbers.Integral) or wire < 0:
        raise CircuitError(f"{gate}: wire {wire!r} is not a non-negative integer")
    return int(wire)


def _position(index: object, size: int, what: str) -> int:
    """A checked operation index in ``0..size`` (negative indices are refused, not wrapped)."""
    if isinstance(index, bool) or not isinstance(index, numbers.Integral) or not 0 <= index <= size:
        raise CircuitError(f"{what} index {index!r} is outside 0..{size}")
    return int(index)


def _check_wires(op: Operation, n_qubits: int, position: int) -> None:
    if not isinstance(op, Operation):
        raise CircuitError(f"operation {position} is not an Operation: {op!r}")
    for wire in op.wires:
        if wire >= n_qubits:
            raise CircuitError(
                f"operation {position} ({op.gate}): wire {wire} does not exist "
                f"in a {n_qubits}-qubit circuit"
            )


@dataclass(frozen=True, slots=True)
class Circuit:
    """An immutable parameterised circuit: ``n_qubits``, ``operations`` and ``measured`` wires.

    Wire 0 is the most significant bit of the state index (textbook and PennyLane order;
    Qiskit's is the reverse).
    """

    n_qubits: int
    operations: tuple[Operation, ...] = ()
    measured: tuple[int, ...] = field(default=())
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __reduce__(self):
        # Pickle without the cached facts: str hashes differ between processes.
        return _unchecked, (self.n_qubits, self.operations, self.measured)

    def _cached(self, name: str, compute: Callable[[], int]) -> int:
        """A derived fact, computed once: every training step asks for some of them, and a
        long circuit takes a while to walk."""
        derived = self._derived
        if name not in derived:
            derived[name] = compute()
        return derived[name]

    def __hash__(self) -> int:
        # Circuits key the engine's compile cache.
        return self._cached("hash", lambda: hash((self.n_qubits, self.operations,
                                                  self.measured)))

    def __post_init__(self) -> None:
        n = self.n_qubits
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_QUBITS:
            raise CircuitError(f"a circuit needs 1 to {MAX_QUBITS} qubits, got {n!r}")
        ops = _sequence(self.operations, "operations")
        for position, op in enumerate(ops):
            _check_wires(op, n, position)
        measured = _sequence(self.measured, "measured")
        for wire in measured:
            if isinstance(wire, bool) or not isinstance(wire, int) or not 0 <= wire < n:
                raise CircuitError(
                    f"measured wire {wire!r} does not exist in a {n}-qubit circuit"
                )
        if len(set(measured)) != len(measured):
            raise CircuitError(f"measured wires repeat: {list(measured)}")
        object.__setattr__(self, "operations", ops)
        object.__setattr__(self, "measured", measured)

    # -- derived facts ---------------------------------------------------------------------
    @property
    def n_weights(self) -> int:
        """Number of trainable weights: highest weight index used + 1 (0 if none)."""
        return self._cached("n_weights", lambda: 1 + max(
            (p.index for p in self._leaves() if isinstance(p, Weight)), default=-1))

    @property
    def n_features(self) -> int:
        """Number of data features read: highest feature index used + 1 (0 if none)."""
        return self._cached("n_features", lambda: 1 + max(
            (p.index for p in self._leaves() if isinstance(p, Feature)), default=-1))

    @property
    def depth(self) -> int:
        """Number of layers: the longest chain of operations that share wires (0 if empty)."""
        level = [0] * self.n_qubits
        for op in self.operations:
            layer = 1 + max(level[wire] for wire in op.wires)
            for wire in op.wires:
                level[wire] = layer
        return max(level)

    def _params(self) -> Iterable[Param]:
        return (p for op in self.operations for p in op.params if not isinstance(p, Const))

    def _leaves(self) -> Iterable[Weight | Feature]:
        """Every weight and feature read, including those inside expressions."""
        for p in self._params():
            if isinstance(p, Expr):
                yield from (f for term in p.terms for f in term.factors)
            else:
                yield p  # type: ignore[misc]

    @property
    def has_channels(self) -> bool:
        """True if an operation is a channel (the density-matrix engine simulates it)."""
        return bool(self._cached("has_channels", lambda: any(
            op.gate in CHANNEL_OPS for op in self.operations)))

    # -- edits (each returns a new circuit) --------------------------------------------------
    def add(self, gate: str, wires: int | Sequence[int], *params: object) -> Circuit:
        """Return a copy with ``gate`` on ``wires`` appended (wires: controls first)."""
        wires = (wires,) if isinstance(wires, numbers.Integral) else _sequence(wires, "wires")
        return self.inserted(len(self.operations), Operation(gate, wires, params))

    def inserted(self, index: int, *ops: Operation) -> Circuit:
        """Return a copy with ``ops`` inserted before position ``index``."""
        index = _position(index, len(self.operations), "insert")
        for k, op in enumerate(ops):
            _check_wires(op, self.n_qubits, index + k)
        new_ops = self.operations[:index] + tuple(ops) + self.operations[index:]
        return _unchecked(self.n_qubits, new_ops, self.measured)

    def replaced(self, index: int, op: Operation) -> Circuit:
        """Return a copy with the operation at ``index`` replaced by ``op``."""
        index = _position(index, len(self.operations) - 1, "operation")
        _check_wires(op, self.n_qubits, index)
        ops = list(self.operations)
        ops[index] = op
        return _unchecked(self.n_qubits, tuple(ops), self.measured)

    def without(self, indices: Iterable[int]) -> Circuit:
        """Return a copy without the operations at ``indices``."""
        drop = {_position(k, len(self.operations) - 1, "operation") for k in indices}
        ops = tuple(op for k, op in enumerate(self.operations) if k not in drop)
        return _unchecked(self.n_qubits, ops, self.measured)

    def with_measured(self, wires: Iterable[int]) -> Circuit:
        """Return a copy that measures ``wires`` at the end."""
        return Circuit(self.n_qubits, self.operations, tuple(wires))

    def with_n_qubits(self, n_qubits: int) -> Circuit:
        """Return a copy with ``n_qubits`` wires (fails if an operation uses a removed wire)."""
        return Circuit(n_qubits, self.operations,
                       tuple(m for m in self.measured if m < n_qubits))


def _unchecked(n_qubits: int, ops: tuple[Operation, ...], measured: tuple[int, ...]) -> Circuit:
    """Build a circuit whose parts were already validated (keeps edits O(changed part))."""
    circuit = object.__new__(Circuit)
    object.__setattr__(circuit, "n_qubits", n_qubits)
    object.__setattr__(circuit, "operations", ops)
    object.__setattr__(circuit, "measured", measured)
    object.__setattr__(circuit, "_derived", {})
    return circuit

