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

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qmlstudio.core.circuit import Circuit, Operation
from qmlstudio.core.gates import gate_spec
from qmlstudio.core.parameters import Feature, Param

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
    return frozenset((param.index,)) if isinstance(param, Feature) else frozenset()


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


def _frame(*ops: Operation) -> tuple[int, ...]:
    return tuple(sorted({q for op in ops for q in op.wires}))


def _pattern(frame: tuple[int, ...], *ops: Operation) -> tuple[tuple[int, ...], ...]:
    """The ops' wires as positions in ``frame``: what commutation depends on, for caching."""
    return tuple(tuple(frame.index(q) for q in op.wires) for op in ops)


@lru_cache(maxsize=4096)
def _same_axis(gate_a: str, gate_b: str, wires: tuple[tuple[int, ...], ...]) -> bool:
    a, b = _generator(gate_a), _generator(gate_b)
    if a is None or b is None:
        return False
    frame = tuple(range(max(max(w) for w in wires) + 1))
    a, b = _embed(a, wires[0], frame), _embed(b, wires[1], frame)
    overlap = abs(np.vdot(a, b))
    return math.isclose(overlap, np.linalg.norm(a) * np.linalg.norm(b), rel_tol=1e-9)


@lru_cache(maxsize=4096)
def _commutes(gate_a: str, gate_m: str, wires: tuple[tuple[int, ...], ...]) -> bool:
    """Whether gate ``gate_m`` commutes with the generator of rotation ``gate_a``."""
    spec = gate_spec(gate_m)
    frame = tuple(range(max(max(w) for w in wires) + 1))
    h = _embed(_generator(gate_a), wires[0], frame)
    u = _embed(spec.matrix(_GENERIC_ANGLES[:spec.n_params]), wires[1], frame)
    return bool(np.linalg.norm(h @ u - u @ h) < _TOLERANCE)


def _merged_with(circuit: Circuit, start: int) -> list[int]:
    """``start`` and the later gates that form one rotation with it."""
    ops = circuit.operations
    first = ops[start]
    group = [start]
    for k in range(start + 1, len(ops)):
        op = ops[k]
        if not set(op.wires) & set(first.wires):
            continue
        frame = _frame(first, op)
        pattern = _pattern(frame, first, op)
        if set(op.wires) == set(first.wires) and _same_axis(first.gate, op.gate, pattern):
            group.append(k)
        elif not _commutes(first.gate, op.gate, pattern):
            break
    return group


def feature_merges(circuit: Circuit) -> tuple[FeatureMerge, ...]:
    """Every group of gates of ``circuit`` that is one rotation summing different features
    (see the module docstring), in circuit order."""
    ops = circuit.operations
    seen: set[int] = set()
    merges = []
    for start, op in enumerate(ops):
        if start in seen or not op.params or not _features(op.params[0]) \
                or _generator(op.gate) is None:
            continue
        group = _merged_with(circuit, start)
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
