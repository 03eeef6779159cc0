"""The noisy engine's public functions: :func:`density_expval` and :func:`density_vjp`.

With a noise model they simulate the circuit's density matrix exactly, a channel after every
gate as the model says (:mod:`.density_program`, :mod:`.density_driver`), and apply the
model's readout errors to the values exactly (:mod:`.readout`). Without one (``None`` or an
ideal model) they are :func:`~qmlstudio.engine.expval` and :func:`~qmlstudio.engine.vjp`,
unchanged; a model with readout errors only keeps the statevector engine and applies them.
A circuit holding channel operations (noise channels, ``reset``, a discarded mid-circuit
``measure``) is always simulated here, with or without a model.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qmlstudio.core import Circuit, NoiseError
from qmlstudio.core.noise import NoiseModel
from qmlstudio.engine.api import (
    Observables,
    _check_circuit,
    _cotangent,
    _features,
    _finite_array,
    _observables,
    _weights,
    expval,
    vjp,
)
from qmlstudio.engine.density_driver import check_density_size, run_density
from qmlstudio.engine.density_program import compile_density
from qmlstudio.engine.gradients import _to_weights, adjoint
from qmlstudio.engine.memory import check_memory
from qmlstudio.engine.program import compile_program
from qmlstudio.engine.readout import ReadoutMap, readout_map
from qmlstudio.engine.simulate import run_program, states_kept_for_cotangent_function
from qmlstudio.engine.threads import choose_threads, thread_cap

__all__ = ["density_expval", "density_vjp"]

Cotangent = np.ndarray | Callable[[np.ndarray], np.ndarray]


def _noise(circuit: object, noise: object) -> NoiseModel | None:
    """The model to simulate, or None for the ideal engine (a circuit with channel
    operations needs the density matrix even without a model)."""
    if noise is not None and not isinstance(noise, NoiseModel):
        raise NoiseError(f"noise must be a qmlstudio NoiseModel or None, got "
                         f"{type(noise).__name__}")
    if isinstance(circuit, Circuit) and circuit.has_channels:
        return noise if noise is not None else NoiseModel.ideal()
    return None if noise is None or noise.is_ideal else noise


class _Run:
    """One validated call: the compiled circuit (a density program when the model has
    channels), the angle table, weights and the readout map of the observables."""

    def __init__(self, circuit: Circuit, X: object, weights: object,
                 observables: Observables, noise: NoiseModel, function_cotangent: bool) -> None:
        circuit = _check_circuit(circuit)
        xs = None if X is None else _finite_array(X, "X", (1, 2))
        n_samples = len(xs) if xs is not None and xs.ndim == 2 else 1
        self.channels = bool(noise.rules) or circuit.has_channels
        if self.channels:
            check_density_size(circuit.n_qubits)
            self.dprog = compile_density(circuit, noise)
            program = self.dprog.program
        else:
            kept = (states_kept_for_cotangent_function(circuit.n_qubits, n_samples)
                    if function_cotangent else 0)
            check_memory(circuit.n_qubits, n_samples, thread_cap(), kept)
            program = compile_program(circuit)
        self.program = program
        self.table = program.angle_table(_features(program.n_features, xs, None))
        self.weights = _weights(program.n_weights, weights)
        paulis = _observables(circuit, observables)
        self.shape = (len(self.table), len(paulis[0]))
        self.readout: ReadoutMap = readout_map(noise, circuit.n_qubits, paulis)

    def threads(self) -> int:
        """The run's thread count: its work is ρ's entries × samples × steps, its tasks the
        samples (see :func:`~qmlstudio.engine.threads.choose_threads`)."""
        n_samples = len(self.table)
        return choose_threads((1 << 2 * self.program.n_qubits) * n_samples
                              * max(1, self.dprog.n_steps), n_samples)

    @property
    def n_terms(self) -> int:
        return len(self.readout.terms[0])

    def term_values(self) -> np.ndarray:
        """(B, T) exact values of the readout terms."""
        if self.channels:
            return run_density(self.dprog, self.table, self.weights, self.readout.terms, None,
                               self.threads())[0]
        return run_program(self.program, self.table, self.weights, None,
                           self.readout.terms).values

    def values(self) -> np.ndarray:
        """(B, K) values as read."""
        if not self.n_terms:
            return np.broadcast_to(self.readout.offset, self.shape).copy()
        return self.readout.values(self.term_values())

    def vjp(self, cotangent: Cotangent) -> tuple[np.ndarray, np.ndarray]:
        """Values and the weights' vector–Jacobian product (see :func:`density_vjp`)."""
        rmap = self.readout
        if not self.n_terms:
            values = self.values()
            _cotangent(cotangent(values) if callable(cotangent) else cotangent, self.shape)
            return values, np.zeros(self.program.n_weights)

        def on_terms(values: np.ndarray | None) -> np.ndarray:
            """The cotangent on the terms (``values`` are read by a cotangent function)."""
            return rmap.cotangent(_cotangent(cotangent(values) if callable(cotangent)
                                             else cotangent, self.shape))

        if not self.channels:
            cot = ((lambda values: on_terms(rmap.values(values))) if callable(cotangent)
                   else on_terms(None))
            term_values, dweights = adjoint(self.program, self.table, self.weights, None,
                                            rmap.terms, cot)
            return rmap.values(term_values), dweights
        run = (self.dprog, self.table, self.weights, rmap.terms)
        if not callable(cotangent):
            term_values, grads = run_density(*run, on_terms(None), self.threads())
            slot_grads = grads.sum(axis=0)
        elif self.n_terms == 1:
            # One term: its per-sample gradients, weighed by the cotangent afterwards, save
            # a second pass (the usual case: one observable of a classifier's loss).
            term_values, grads = run_density(*run, np.ones((self.shape[0], 1)),
                                             self.threads())
            slot_grads = on_terms(rmap.values(term_values))[:, 0] @ grads
        else:
            cot = on_terms(rmap.values(self.term_values()))
            term_values, grads = run_density(*run, cot, self.threads())
            slot_grads = grads.sum(axis=0)
        return rmap.values(term_values), _to_weights(self.program, slot_grads)


def density_expval(circuit: Circuit, X: object, weights: object,
                   observables: Observables = ("Z0",),
                   noise: NoiseModel | None = None) -> np.ndarray:
    """Expectation values (B, K) of Pauli-string ``observables`` for every sample of ``X``
    under ``noise``: exact (density matrix), with the model's readout errors applied.

    ``noise`` None or ideal and no channel operation in the circuit:
    :func:`~qmlstudio.engine.expval`. Raises
    :class:`~qmlstudio.core.NoiseError` when a channel does not fit a gate and
    :class:`~qmlstudio.core.CircuitError` when the density matrices cannot fit in memory.
    """
    model = _noise(circuit, noise)
    if model is None:
        return expval(circuit, X, weights, observables)
    return _Run(circuit, X, weights, observables, model, False).values()


def density_vjp(circuit: Circuit, X: object, weights: object, observables: Observables,
                noise: NoiseModel | None, cotangent: Cotangent) -> tuple[np.ndarray, np.ndarray]:
    """Values (B, K) and ``Σ_bk cotangent[b,k] ∂values[b,k]/∂w`` under ``noise``, exactly.

    ``cotangent`` is a (B, K) array or a function ``values -> (B, K) array`` (∂loss/∂values),
    as for :func:`~qmlstudio.engine.vjp`. The gradient is a reverse pass through the dual
    channels (see :mod:`.density_driver`). ``noise`` None or ideal: the statevector ``vjp``.
    """
    model = _noise(circuit, noise)
    if model is None:
        return vjp(circuit, X, weights, observables, cotangent)
    return _Run(circuit, X, weights, observables, model, callable(cotangent)).vjp(cotangent)
