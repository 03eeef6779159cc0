"""Encoding layers whose angles carry trainable weights (expression parameters).

* :func:`reuploading_layer` — one layer of the data re-uploading classifier with trainable
  input scaling (Pérez-Salinas et al. 2020): per wire, up to three features as ``RZ·RY·RZ``
  with angles ``(1 + w_k)·x_j``, then a trainable ``Rot``, then a CZ pattern; or the final
  layer, whose angles are ``(1 + w_k)·x_j + w_m``;
* :func:`linear_angle_layer` — the input layer of the dressed quantum circuit (Mari et al.
  2020): ``H`` then ``RY(Σ_j w_k·x_j + w_m)`` on every wire, a trained linear layer from the
  features into the angles.

Like every template, each call inserts one group (``"<name>#k"``) and numbers its weights from
the circuit's current ``n_weights`` on.
"""

from __future__ import annotations

from collections.abc import Sequence

from qmlstudio.core import Circuit, CircuitError, Expr, Feature, Term, Weight, x
from qmlstudio.core.parameters import MAX_EXPR_TERMS
from qmlstudio.ml.models.blocks import check_count, insert_block, resolve_wires
from qmlstudio.ml.models.encodings import ROTATIONS_PER_WIRE

__all__ = ["ROT_AXES", "linear_angle_layer", "reuploading_layer"]

ROT_AXES = ("rz", "ry", "rz")
"""PennyLane's ``Rot(a, b, c)`` in time order: ``RZ(a)``, then ``RY(b)``, then ``RZ(c)``."""


def reuploading_layer(circuit: Circuit, n_features: int, odd: bool = False, final: bool = False,
                      wires: Sequence[int] | None = None, at: int | None = None) -> Circuit:
    """One layer of the data re-uploading classifier with trainable input scaling.

    Feature ``j`` sits on ``wires[j // 3]`` in slot ``j % 3`` of a ``Rot`` (slots are
    :data:`ROT_AXES`); wires past the features get none. Per wire, in wire order, the weights
    are its features' scale weights ``w_k`` (one per feature, so ``w_k = 0`` is "unscaled")
    followed by three more:

    * an ordinary layer puts ``RZ/RY/RZ((1 + w_k)·x_j)`` for the slots that have a feature (a
      missing slot is no gate), then ``Rot(w, w, w)``; then ``CZ`` on the pairs
      ``(0, 1), (2, 3), …`` of the wires, or with ``odd`` on ``(1, 2), (3, 4), …`` (PennyLane's
      ``"double"`` and ``"double_odd"`` patterns);
    * the ``final`` layer folds the three weights in as offsets, one ``Rot`` with slot angles
      ``(1 + w_k)·x_j + w_m`` (just ``w_m`` for a slot without a feature), and has no CZ.

    So a layer has ``n_features + 3·n`` weights. More than three features per wire raise
    :class:`CircuitError`. Group ``"reuploading_layer#k"``.
    """
    chosen = resolve_wires(circuit, wires, "re-uploading layer")
    count, n = check_count(n_features, "n_features"), len(chosen)
    if count > ROTATIONS_PER_WIRE * n:
        raise CircuitError(f"re-uploading layer: {count} features need at least "
                           f"{-(-count // ROTATIONS_PER_WIRE)} wires (three per wire), got {n}")
    k, gates = circuit.n_weights, []
    for i, wire in enumerate(chosen):
        slots = range(ROTATIONS_PER_WIRE * i, min(ROTATIONS_PER_WIRE * (i + 1), count))
        scaled = [x(j) + Weight(k + s) * x(j) for s, j in enumerate(slots)]
        k += len(slots)
        trio = [Weight(k + s) for s in range(3)]
        k += 3
        if final:
            angles = [scaled[s] + trio[s] if s < len(scaled) else trio[s] for s in range(3)]
            gates += [(axis, (wire,), angle) for axis, angle in zip(ROT_AXES, angles,
                                                                    strict=True)]
        else:
            gates += [(axis, (wire,), angle) for axis, angle in zip(ROT_AXES, scaled,
                                                                    strict=False)]
            gates += [(axis, (wire,), weight) for axis, weight in zip(ROT_AXES, trio,
                                                                      strict=True)]
    if not final:
        gates += [("cz", (chosen[a], chosen[a + 1])) for a in range(int(odd), n - 1, 2)]
    return insert_block(circuit, "reuploading_layer", gates, at)


def linear_angle_layer(circuit: Circuit, n_features: int, wires: Sequence[int] | None = None,
                       at: int | None = None) -> Circuit:
    """The dressed quantum circuit's input layer: ``H`` on every wire, then on wire ``i``
    ``RY(Σ_j w_k·x_j + w_m)`` — the weights of wire ``i`` are its ``n_features`` input weights
    then its bias, wire by wire (``n·(n_features + 1)`` in all).

    Mari et al. squash the sum with ``tanh``; gate angles here are polynomials of weights and
    features, so the layer is linear (the angle's period bounds it instead). One angle sums
    ``n_features + 1`` terms, at most :data:`~qmlstudio.core.parameters.MAX_EXPR_TERMS`:
    more features raise :class:`CircuitError` (reduce them with PCA). Group
    ``"linear_angle_layer#k"``.
    """
    chosen = resolve_wires(circuit, wires, "linear angle layer")
    count = check_count(n_features, "n_features")
    if count + 1 > MAX_EXPR_TERMS:
        raise CircuitError(f"linear angle layer: {count} features make angles of {count + 1} "
                           f"terms, more than the {MAX_EXPR_TERMS} an angle may sum; reduce the "
                           f"features with PCA")
    k, gates = circuit.n_weights, [("h", (wire,)) for wire in chosen]
    for wire in chosen:
        terms = [Term(1.0, (Weight(k + j), Feature(j))) for j in range(count)]
        terms.append(Term(1.0, (Weight(k + count),)))
        gates.append(("ry", (wire,), Expr(0.0, tuple(terms))))
        k += count + 1
    return insert_block(circuit, "linear_angle_layer", gates, at)
