"""Where a circuit sums two features into one rotation angle, and the warning that says so.

Two rotations with the same generator on the same wires (``RY(a)·RY(b) = RY(a + b)``;
``RZ`` and the phase gate ``P`` count as one axis, since they differ by a global phase) are one
rotation by the sum of their angles when every gate between them on those wires commutes
with that generator (a ``CZ`` or another diagonal gate next to an ``RZ``, the control of a
``CX`` next to an ``RZ``, its target next to an ``RX``). If the two angles read different
features, the model only ever sees their sum: ``x₀ = 1, x₂ = 0`` and ``x₀ = 0, x₂ = 1`` give
the same state. :func:`feature_merges` finds every such group of gates; the canvas, the
estimators and ``qmlstudio train`` report them (the latter two as :class:`FeatureMergeWarning`).

Only one-angle gates are rotations here (``rx``, ``ry``, ``rz``, ``p``, their controlled forms,
``rxx``, ``ryy``, ``rzz``); commutation is decided numerically from the gates' matrices.
"""

from __future__ import annotations

import heapq
import math
import warnings
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qmlstudio.core.circuit import Circuit, Operation
from qmlstudio.core.gates import gate_spec
from qmlstudio.core.parameters import Expr, Feature, Param

__all__ = ["FeatureMerge", "FeatureMergeWarning", "feature_merges", "merge_summary",
           "warn_feature_merges"]

_GENERIC_ANGLES = (0.7312, 1.3177, 2.1093)
"""Parameter values at which a parametrised gate's commutation is tested: not multiples of
π/2, where a rotation can commute by accident."""
_TOLERANCE = 1e-9


class FeatureMergeWarning(UserWarning):
    """A model circuit adds two different features into one rotation angle, so it cannot tell
    them apart (see :mod:`qmlstudio.core.feature_merges`)."""


@dataclass(frozen=True, slots=True)
class FeatureMerge:
    """Gates (``operations``: indices into the circuit's operations, in order) that act as one
    rotation on ``wires`` whose angle sums the different ``features`` (sorted indices)."""

    operations: tuple[int, ...]
    features: tuple[int, ...]
    wires: tuple[int, ...]
    text: str
    """One line for people, e.g. ``RY(x₀) and RY(x₂) on q0 act as one rotation: x₀ and x₂
    are summed``."""


def _features(param: Param) -> frozenset[int]:
    """The features an angle reads (the one place that knows which parameter kinds read x)."""
    if isinstance(param, Feature):
        return frozenset((param.index,))
    if isinstance(param, Expr):
        return frozenset(feature.index for feature in param.features)
    return frozenset()


def _embed(matrix: np.ndarray, wires: tuple[int, ...], frame: tuple[int, ...]) -> np.ndarray:
    """``matrix`` on ``wires`` as a matrix on the wires of ``frame`` (first = most significant)."""
    k, m = len(wires), len(frame)
    full = np.kron(matrix, np.eye(2 ** (m - k))).reshape((2,) * (2 * m))
    order = [*wires, *(q for q in frame if q not in wires)]
    position = [order.index(q) for q in frame]
    return full.transpose(position + [m + p for p in position]).reshape(2**m, 2**m)


@lru_cache(maxsize=64)
def _generator(gate: str) -> np.ndarray | None:
    """``H`` with ``U(θ) = exp(−iθH)`` for a one-angle gate that is the identity at 0 (its
    derivative at 0, times i), traceless so that ``RZ`` and ``P`` agree; None otherwise."""
    spec = gate_spec(gate)
    if spec.n_params != 1 or not np.allclose(spec.matrix((0.0,)), np.eye(2**spec.n_wires)):
        return None
    h = 1j * spec.derivative((0.0,), 0)
    return h - np.trace(h) / len(h) * np.eye(len(h))


_SAME_AXIS, _COMMUTES, _BLOCKS = range(3)


@lru_cache(maxsize=65536)
def _relation(gate_a: str, wires_a: tuple[int, ...], gate_m: str,
              wires_m: tuple[int, ...]) -> int:
    """How gate ``gate_m`` on ``wires_m`` relates to rotation ``gate_a`` on ``wires_a``: the
    same rotation (:data:`_SAME_AXIS`), commuting with it, or blocking it (cached: a circuit
    has few distinct gate-and-wire pairs)."""
    frame = tuple(sorted({*wires_a, *wires_m}))
    h = _embed(_generator(gate_a), wires_a, frame)
    other = _generator(gate_m)
    if other is not None and set(wires_m) == set(wires_a):
        g = _embed(other, wires_m, frame)
        overlap = abs(np.vdot(h, g))
        if math.isclose(overlap, np.linalg.norm(h) * np.linalg.norm(g), rel_tol=1e-9):
            return _SAME_AXIS
    spec = gate_spec(gate_m)
    u = _embed(spec.matrix(_GENERIC_ANGLES[:spec.n_params]), wires_m, frame)
    return _COMMUTES if np.linalg.norm(h @ u - u @ h) < _TOLERANCE else _BLOCKS


def _merged_with(ops: tuple[Operation, ...], start: int, later: Iterable[int]) -> list[int]:
    """``start`` and those of the ``later`` gates on its wires that form one rotation with it."""
    first = ops[start]
    group = [start]
    for k in later:
        op = ops[k]
        if op.is_channel:  # a channel between two rotations keeps them apart
            break
        relation = _relation(first.gate, first.wires, op.gate, op.wires)
        if relation == _SAME_AXIS:
            group.append(k)
        elif relation == _BLOCKS:
            break
    return group


def _later_on_wires(on_wire: list[list[int]], op: Operation, start: int) -> Iterator[int]:
    """The indices of the gates after ``start`` that touch ``op``'s wires, in order (lazily:
    the scan usually stops after a gate or two)."""
    tails = [(indices[i] for i in range(bisect_right(indices, start), len(indices)))
             for indices in (on_wire[q] for q in op.wires)]
    if len(tails) == 1:
        return tails[0]
    return _distinct(heapq.merge(*tails))


def _distinct(merged: Iterator[int]) -> Iterator[int]:
    """``merged`` without repeats (a gate on two of the wires is in both of their lists)."""
    last = -1
    for k in merged:
        if k != last:
            yield k
            last = k


def feature_merges(circuit: Circuit) -> tuple[FeatureMerge, ...]:
    """Every group of gates of ``circuit`` that is one rotation summing different features
    (see the module docstring), in circuit order. Each feature-reading rotation is followed
    along its own wires only, so the cost grows with the circuit, not with its square."""
    ops = circuit.operations
    on_wire: list[list[int]] = [[] for _ in range(circuit.n_qubits)]
    for k, op in enumerate(ops):
        for q in op.wires:
            on_wire[q].append(k)
    seen: set[int] = set()
    merges = []
    for start, op in enumerate(ops):
        if start in seen or not op.params or not _features(op.params[0]) \
                or _generator(op.gate) is None:
            continue
        group = _merged_with(ops, start, _later_on_wires(on_wire, op, start))
        seen.update(group)
        readings = {_features(ops[k].params[0]) for k in group} - {frozenset()}
        if len(readings) < 2:
            continue
        features = tuple(sorted(set().union(*readings)))
        wires = tuple(sorted(op.wires))
        labels = [ops[k].label for k in group]
        names = [Feature(j).label for j in features]
        text = (f"{', '.join(labels[:-1])} and {labels[-1]} on "
                f"{' '.join(f'q{q}' for q in wires)} act as one rotation: "
                f"{', '.join(names[:-1])} and {names[-1]} are summed")
        merges.append(FeatureMerge(tuple(group), features, wires, text))
    return tuple(merges)


def merge_summary(merges: tuple[FeatureMerge, ...]) -> str:
    """One line for a status bar or a warning: the first merge, and how many more."""
    if not merges:
        return ""
    more = f" (and {len(merges) - 1} more)" if len(merges) > 1 else ""
    return f"Features summed into one angle: {merges[0].text}{more}"


def warn_feature_merges(circuit: Circuit, stacklevel: int = 2) -> tuple[FeatureMerge, ...]:
    """Issue one :class:`FeatureMergeWarning` if ``circuit`` sums features (``stacklevel`` as
    for :func:`warnings.warn`, counted from the caller); returns the merges."""
    merges = feature_merges(circuit)
    if merges:
        warnings.warn(merge_summary(merges), FeatureMergeWarning, stacklevel=stacklevel + 1)
    return merges
