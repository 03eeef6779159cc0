"""Data encodings: how a sample's features enter the circuit.

Angle encoding and the ZZ feature map insert ordinary gates whose angles read features
(``x(j, scale, offset)``), one group per inserted block, so the canvas shows them like any other
gates and data re-uploading is the same block inserted again. Angle encoding keeps every
feature: more features than wires go about other axes, never summed into one angle, and more
than fit one block go into the next re-uploading layer. Amplitude encoding writes the
features into the amplitudes of the initial state instead: :func:`amplitude_states` turns a data
matrix into the ``initial_state`` rows the engine accepts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from qmlstudio.core import Circuit, CircuitError, DatasetError, x
from qmlstudio.core.wording import counted
from qmlstudio.ml.models.blocks import (
    ROTATIONS,
    check_count,
    check_rotation,
    insert_block,
    resolve_wires,
)

__all__ = [
    "ENCODINGS",
    "ENTANGLEMENTS",
    "ROTATIONS_PER_WIRE",
    "amplitude_qubits",
    "amplitude_states",
    "angle_axes",
    "angle_blocks",
    "angle_encoding",
    "iqp_encoding",
    "zz_feature_map",
]

ENTANGLEMENTS = ("full", "linear", "circular")

ROTATIONS_PER_WIRE = 3
"""The most features one angle-encoding block puts on a wire: three rotations about three
different axes are Euler angles of the wire's SU(2), locally one-to-one; a fourth rotation on
the same wire could only be redundant with them."""


def angle_axes(rotation: str) -> tuple[str, str, str]:
    """The rotation axes of one wire's first, second and third feature, starting at ``rotation``
    and following x → y → z → x: ``"ry"`` gives RY·RZ·RX, ``"rx"`` gives RX·RY·RZ.

    Rotations about two different axes do not commute (their Pauli generators anticommute), so
    consecutive encoding rotations on a wire never merge into one rotation by the sum of their
    angles, as rotations about one axis would; and X-Y-Z (or any cyclic shift) are Euler angles.
    The first axis is the caller's choice so that one feature per wire stays ``rotation(x_j)``.
    """
    first = ROTATIONS.index(check_rotation(rotation, "angle encoding"))
    return tuple(ROTATIONS[(first + k) % 3] for k in range(3))  # type: ignore[return-value]


def angle_encoding(circuit: Circuit, n_features: int | None = None, rotation: str = "ry",
                   scale: float = 1.0, offset: float = 0.0, wires: Sequence[int] | None = None,
                   at: int | None = None, first_feature: int = 0) -> Circuit:
    """Append (or insert ``at``) one rotation ``R(scale·x_j + offset)`` for every feature ``j``.

    The features are ``first_feature .. first_feature + n_features − 1`` (``n_features``
    defaults to the number of wires). The ``k``-th of them goes on ``wires[k mod n]`` (every
    wire of the circuit by default, ``n`` of them) about axis ``angle_axes(rotation)[k // n]``:
    up to ``n`` features each get a ``rotation`` on their own wire; more continue round the
    wires about the next axes (``"ry"``: RY, then RZ, then RX), so no two features on a wire
    share an axis and their angles never add up (see :func:`angle_axes`). At most
    :data:`ROTATIONS_PER_WIRE` features per wire: more raise :class:`CircuitError` (spread
    them over re-uploading layers, see
    :func:`~qmlstudio.ml.models.templates.build_model_circuit`, or use more qubits).

    On a wire that starts in ``|0⟩`` the first rotation about z only changes a phase, and a
    third feature on such a wire moves its state partly by a phase that every wire shares, so
    a state prepared from ``|0…0⟩`` by one block keeps at most ``2n + 1`` independent
    directions; repeating the block after trainable layers (re-uploading) lets the rest through.
    Group ``"angle_encoding#k"``.
    """
    chosen = resolve_wires(circuit, wires, "angle encoding")
    count = len(chosen) if n_features is None else check_count(n_features, "n_features")
    first = check_count(first_feature, "first_feature", minimum=0)
    axes = angle_axes(rotation)
    n = len(chosen)
    if count > ROTATIONS_PER_WIRE * n:
        raise CircuitError(f"angle encoding: {count} features on {counted(n, 'wire')} would "
                           f"put more than "
                           f"{ROTATIONS_PER_WIRE} on a wire, where rotations start to repeat "
                           f"an axis and lose information; use at least "
                           f"{math.ceil(count / ROTATIONS_PER_WIRE)} wires or spread the "
                           f"features over re-uploading layers")
    gates = [(axes[k // n], (chosen[k % n],), x(first + k, scale, offset)) for k in range(count)]
    return insert_block(circuit, "angle_encoding", gates, at)


def angle_blocks(n_features: int, n_wires: int) -> list[range]:
    """The features of each angle-encoding block: as few blocks as hold ``n_features`` at
    :data:`ROTATIONS_PER_WIRE` per wire, with sizes differing by at most one (so no block
    crowds its wires while another leaves them idle), in feature order."""
    n_features = check_count(n_features, "n_features")
    count = math.ceil(n_features / (ROTATIONS_PER_WIRE * check_count(n_wires, "n_wires")))
    bounds = [round(b * n_features / count) for b in range(count + 1)]
    return [range(bounds[b], bounds[b + 1]) for b in range(count)]


def _pairs(n: int, entanglement: str) -> list[tuple[int, int]]:
    if entanglement == "full":
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    if entanglement not in ENTANGLEMENTS:
        raise CircuitError(f"ZZ feature map: entanglement must be one of "
                           f"{', '.join(ENTANGLEMENTS)}, got {entanglement!r}")
    pairs = [(i, i + 1) for i in range(n - 1)]
    if entanglement == "circular" and n > 2:
        pairs.append((n - 1, 0))
    return pairs


def _feature_wires(circuit: Circuit, n_features: int | None, wires: Sequence[int] | None,
                   what: str) -> tuple[tuple[int, ...], int]:
    """The wires of a one-feature-per-wire encoding and its feature count (default: one per
    wire; more features than wires are refused naming ``what``)."""
    chosen = resolve_wires(circuit, wires, what)
    count = len(chosen) if n_features is None else check_count(n_features, "n_features")
    if count > len(chosen):
        raise CircuitError(f"{what}: {count} features need {count} wires "
                           f"(one feature per wire), got {len(chosen)}")
    return tuple(chosen[:count]), count


def zz_feature_map(circuit: Circuit, n_features: int | None = None, reps: int = 2,
                   entanglement: str = "full", scale: float = 2.0,
                   wires: Sequence[int] | None = None, at: int | None = None) -> Circuit:
    """Append Havlíček et al.'s ZZ feature map: one feature per wire, ``reps`` repetitions.

    Feature ``j`` sits on ``wires[j]`` (``n_features`` defaults to, and may not exceed, the
    number of wires). Each repetition applies, with ``α = scale``:

    * ``H`` on every encoded wire;
    * ``RZ(α·x_j)`` on wire ``j``;
    * for each pair ``(i, j)`` of the ``entanglement`` pattern (``"full"``: every ``i < j``;
      ``"linear"``: ``(i, i+1)``; ``"circular"``: linear plus ``(n−1, 0)``):
      ``CX(i, j) · RZ(α·(π − x_i)(π − x_j)) on j · CX(i, j)``, which is
      ``exp(−i α (π − x_i)(π − x_j)/2 · Z_i Z_j)``.

    So one repetition is ``exp(−i α/2 [Σ_j x_j Z_j + Σ_(i,j) (π − x_i)(π − x_j) Z_i Z_j])
    H^{⊗n}``: exactly Qiskit's ``ZZFeatureMap`` (whose ``P(2φ)`` gates equal our ``RZ(2φ)`` up to
    a global phase) at the default ``α = 2``. The pair angle is an expression parameter (a
    product of two features), so no two features are ever summed into one angle. Group
    ``"zz_feature_map#k"``.
    """
    used, count = _feature_wires(circuit, n_features, wires, "ZZ feature map")
    gates: list[tuple] = []
    for _ in range(check_count(reps, "reps")):
        gates += [("h", (wire,)) for wire in used]
        gates += [("rz", (wire,), x(j, scale)) for j, wire in enumerate(used)]
        for i, j in _pairs(count, entanglement):
            pair = (used[i], used[j])
            product = (math.pi - x(i)) * (math.pi - x(j)) * scale
            gates += [("cx", pair), ("rz", (used[j],), product), ("cx", pair)]
    return insert_block(circuit, "zz_feature_map", gates, at)


def iqp_encoding(circuit: Circuit, n_features: int | None = None, reps: int = 1,
                 wires: Sequence[int] | None = None, at: int | None = None) -> Circuit:
    """Append the IQP encoding of Havlíček et al. as PennyLane's ``IQPEmbedding`` writes it:
    one feature per wire, ``reps`` repetitions of

    * ``H`` on every encoded wire;
    * ``RZ(x_j)`` on wire ``j``;
    * ``RZZ(x_i·x_j)`` on every pair ``i < j`` (PennyLane's ``MultiRZ``), a product of two
      features as one expression angle.

    ``n_features`` defaults to, and may not exceed, the number of wires. Group
    ``"iqp_encoding#k"``.
    """
    used, count = _feature_wires(circuit, n_features, wires, "IQP encoding")
    gates: list[tuple] = []
    for _ in range(check_count(reps, "reps")):
        gates += [("h", (wire,)) for wire in used]
        gates += [("rz", (wire,), x(j)) for j, wire in enumerate(used)]
        gates += [("rzz", (used[i], used[j]), x(i) * x(j)) for i, j in _pairs(count, "full")]
    return insert_block(circuit, "iqp_encoding", gates, at)


ENCODINGS: dict[str, Callable[..., Circuit]] = {
    "angle": angle_encoding,
    "zz": zz_feature_map,
    "iqp": iqp_encoding,
}
"""Gate-inserting encodings by name (amplitude encoding prepares states instead)."""


def amplitude_qubits(n_features: int) -> int:
    """The fewest qubits whose ``2**n`` amplitudes hold ``n_features`` values (at least 1)."""
    count = check_count(n_features, "n_features")
    return max(1, math.ceil(math.log2(count)))


def amplitude_states(X: object, n_qubits: int) -> np.ndarray:
    """Amplitude encoding: each row of ``X`` (B, F) as a normalised state (B, 2**n_qubits).

    Row ``b`` becomes ``(x_b, 0, …, 0) / ‖x_b‖``: the features fill the first ``F``
    amplitudes (wire 0 is the most significant bit of the index), the rest are zero, and the
    row is divided by its Euclidean norm — so the norm itself is not encoded and rows that
    differ only by a positive factor give the same state. Pass the result as the engine's
    ``initial_state``. Raises :class:`DatasetError` for more features than ``2**n_qubits``
    amplitudes, non-finite values or an all-zero row (which has no direction to encode).
    """
    n_qubits = check_count(n_qubits, "n_qubits")
    try:
        data = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise DatasetError("amplitude encoding: X must be numeric") from None
    if data.ndim == 1:
        data = data[None, :]
    if data.ndim != 2 or data.shape[1] == 0:
        raise DatasetError(f"amplitude encoding: X must have shape (samples, features), "
                           f"got {np.shape(X)}")
    n_features = data.shape[1]
    if n_features > 1 << n_qubits:
        raise DatasetError(f"amplitude encoding: {n_features} features need at least "
                           f"{amplitude_qubits(n_features)} qubits, the circuit has {n_qubits}")
    bad = np.argwhere(~np.isfinite(data))
    if len(bad):
        row, column = (int(i) for i in bad[0])
        raise DatasetError(f"amplitude encoding: row {row}, column {column} is "
                           f"{data[row, column]}; values must be finite")
    norms = np.linalg.norm(data, axis=1)
    zero = np.flatnonzero(norms == 0.0)
    if len(zero):
        raise DatasetError(f"amplitude encoding: row {int(zero[0])} is all zeros and has no "
                           f"direction to encode")
    states = np.zeros((len(data), 1 << n_qubits), dtype=np.complex128)
    states[:, :n_features] = data / norms[:, None]
    return states
