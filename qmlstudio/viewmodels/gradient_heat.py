"""How strongly each gate is being trained: :func:`gradient_heat`, for the canvas overlay.

A step report carries ``|∂L/∂w_k|`` per circuit weight. The heat of an operation is the sum of
these magnitudes over the weights its parameters read (a gate with two weights, such as
``U(θ₁, θ₂, c)``, adds both; an expression ``θ₀·x₁ + θ₂`` counts θ₀ and θ₂; a weight read twice
by one gate counts once). A weight shared by several gates is one number for all of them — the
report holds the gradient of the shared weight, which already sums the contributions of every
gate using it — so each of those gates shows that whole value. Gates without weights get 0.
"""

from __future__ import annotations

import numpy as np

from qmlstudio.core import Circuit, Expr, Param, Weight
from qmlstudio.ml.training.report import TrainingReport

__all__ = ["gradient_heat"]


def gradient_heat(report: TrainingReport, circuit: Circuit) -> np.ndarray | None:
    """Per-operation ``|∂L/∂θ|`` of ``circuit`` (one value per operation, in order), or None
    when ``report`` carries no per-weight gradients (epoch and done reports) or they do not
    belong to this circuit (it has been edited since: fewer weights than it uses)."""
    magnitudes = report.grad_magnitudes
    if len(magnitudes) == 0 or len(magnitudes) < circuit.n_weights:
        return None
    heat = np.zeros(len(circuit.operations))
    for i, op in enumerate(circuit.operations):
        indices = {k for p in op.params for k in _weight_indices(p)}
        heat[i] = sum(float(magnitudes[k]) for k in indices)
    return heat


def _weight_indices(param: Param) -> tuple[int, ...]:
    if isinstance(param, Weight):
        return (param.index,)
    if isinstance(param, Expr):
        return tuple(weight.index for weight in param.weights)
    return ()
