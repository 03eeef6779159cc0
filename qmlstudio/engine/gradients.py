"""Gradient methods. All share one signature and are picked by name.

``method(program, x, weights, init, paulis, cotangent, shots, rng, interrupt)
-> (values, dweights)``
returns the values (B, K) and the vector–Jacobian product
``dweights[k] = Σ_b Σ_j cotangent[b, j] · ∂values[b, j]/∂w[k]``. The cotangent is an array,
or a function of the values that returns one (a loss gradient, so one call does it all).

* ``adjoint`` (default): exact, one forward and one backward sweep per sample, a few states of
  memory (see :mod:`.simulate`). Shots are refused: there is no measurement to sample.
* ``parameter-shift``: what hardware can do — for every weight factor, re-evaluate the batch
  with its angle shifted, ``∂f/∂θ = Σ c · f(θ + s)`` (two- or four-term rules from the gate
  library). With shots, every evaluation carries its own shot noise.

``interrupt`` (a function returning True to stop, or None) is polled by methods that make
many engine calls — between parameter-shift evaluations — so a long gradient can be
abandoned mid-way with :class:`~qmlstudio.core.Interrupted`; the adjoint method is one call.

A weight read by a factor with scale ``a`` (θ = a·w + b) gets ``a · ∂f/∂θ``, and by a factor
``θ = a·w·g(x)`` (a term of an Expr) ``a · Σ_b g(x_b) ∂f_b/∂θ``; shared weights sum over their
factors.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qmlstudio.core import CircuitError, Interrupted
from qmlstudio.engine.program import Program
from qmlstudio.engine.shots import sample_expectations
from qmlstudio.engine.simulate import run_program

__all__ = ["GRADIENT_METHODS", "adjoint", "parameter_shift", "shift_rule"]


def _to_weights(program: Program, slot_grads: np.ndarray) -> np.ndarray:
    """Sum the gradients of the weight factors (by weight slot) into gradients of the weights."""
    return np.bincount(program.weight_index, weights=program.weight_scale * slot_grads,
                       minlength=program.n_weights).astype(float)


def adjoint(program, x, weights, init, paulis, cotangent, shots=None, rng=None,
            interrupt=None):
    """Exact vjp by adjoint differentiation."""
    if shots is not None:
        raise CircuitError(
            "the adjoint method computes exact gradients and cannot use shots; "
            "use method='parameter-shift' with shots"
        )
    result = run_program(program, x, weights, init, paulis, cotangent)
    return result.values, _to_weights(program, result.slot_grads)


def parameter_shift(program, x, weights, init, paulis, cotangent, shots=None, rng=None,
                    interrupt=None):
    """vjp by the parameter-shift rule (with shot noise when ``shots`` is given)."""

    def evaluate(shift_factor: int = -1, shift: float = 0.0) -> np.ndarray:
        values = run_program(program, x, weights, init, paulis, None,
                             shift_factor=shift_factor, shift=shift).values
        return values if shots is None else sample_expectations(values, shots, rng)

    return shift_rule(program, x, evaluate, cotangent, interrupt)


def shift_rule(program: Program, x: np.ndarray,
               evaluate: Callable[[int, float], np.ndarray], cotangent, interrupt=None,
               ) -> tuple[np.ndarray, np.ndarray]:
    """Values and vjp from ``evaluate(shift_factor, shift) -> values`` (the batch's values with
    one factor's angle moved; ``(-1, 0.0)``: unshifted), any simulator's."""
    values = evaluate(-1, 0.0)
    if callable(cotangent):
        cotangent = cotangent(values)
    slot_grads = np.zeros(len(program.weight_factors))
    # The shift gives ∂f/∂θ per sample; a factor θ = scale·w·g(x) weighs each sample by g(x).
    chain = program.weight_columns(x)
    for slot, f in enumerate(program.weight_factors):
        for coef, shift in program.shift_rules[f]:
            if interrupt is not None and interrupt():
                raise Interrupted(f"parameter-shift gradient stopped after {slot} of "
                                  f"{len(program.weight_factors)} weight factors")
            per_sample = np.sum(cotangent * evaluate(int(f), shift), axis=1)
            slot_grads[slot] += coef * float(per_sample @ chain[:, slot])
    return values, _to_weights(program, slot_grads)


GRADIENT_METHODS: dict[str, Callable] = {
    "adjoint": adjoint,
    "parameter-shift": parameter_shift,
}
"""Gradient methods by name."""
