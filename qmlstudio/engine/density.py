"""The noisy engine's public functions: :func:`density_expval`, :func:`density_vjp` and, with
standard errors, :func:`trajectory_expval` and :func:`trajectory_vjp`.

With a noise model they simulate the circuit with a channel after every gate as the model
says, by one of :data:`NOISE_METHODS` (``noise_method``):

* ``"density"`` — the exact density matrix (:mod:`.density_program`, :mod:`.density_driver`),
  up to :data:`~.density_driver.MAX_DENSITY_QUBITS` qubits;
* ``"trajectories"`` — Monte-Carlo trajectories of state vectors (:mod:`.trajectories`),
  seeded, every value an average with a standard error, gradients from the same trajectories;
* ``"auto"`` (default) — the density matrix up to its size limit, trajectories above it.

The model's readout errors apply to the values exactly (:mod:`.readout`). Without a model
(``None`` or an ideal one) they are :func:`~qmlstudio.engine.expval` and
:func:`~qmlstudio.engine.vjp`, unchanged; a model with readout errors only keeps the
statevector engine and applies them. A circuit holding channel operations (noise channels,
``reset``, a discarded mid-circuit ``measure``) is always simulated here, with or without a
model.

**Shots** (``shots=N``): each value is the mean of N measured ±1 outcomes of its Pauli string
on the noisy state, read through the confusion matrices. A shot measures the string's qubits
(turned to the Z basis) and the readout flips each bit independently given the true bits, so
one read outcome is ±1 with mean exactly the read value of :mod:`.readout`; N independent
shots are therefore ``2·Binomial(N, (1 + v)/2) − N`` over N — the same distribution as drawing
N bit strings from the state's diagonal and flipping them, without listing 2ⁿ probabilities.
Each observable is estimated from its own shots (as in :mod:`.shots`).

**Parameter shift** (``method="parameter-shift"``) is the hardware-faithful gradient: the
channels after a gate do not depend on its weight, and the map ``θ → U(θ) ρ U(θ)†`` of a
rotation is a trigonometric polynomial of degree one whatever ρ is, so the gate library's shift
rules hold exactly through any channels; with shots every shifted evaluation carries its own
shot noise. It runs on the exact density matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import NamedTuple

import numpy as np

from qmlstudio.core import Circuit, CircuitError, NoiseError
from qmlstudio.core.noise import NoiseModel
from qmlstudio.core.training_config import DEFAULT_TRAJECTORIES, MAX_TRAJECTORIES, NOISE_METHODS
from qmlstudio.engine.api import (
    Observables,
    _check_circuit,
    _cotangent,
    _features,
    _finite_array,
    _observables,
    _rng,
    _shot_count,
    _weights,
    expval,
    vjp,
)
from qmlstudio.engine.density_driver import (
    MAX_DENSITY_QUBITS,
    check_density_size,
    final_scale,
    run_density,
)
from qmlstudio.engine.density_program import compile_density
from qmlstudio.engine.gradients import GRADIENT_METHODS, _to_weights, adjoint, shift_rule
from qmlstudio.engine.memory import check_memory
from qmlstudio.engine.program import compile_program
from qmlstudio.engine.readout import ReadoutMap, readout_map
from qmlstudio.engine.shots import sample_expectations
from qmlstudio.engine.simulate import run_program, states_kept_for_gradients
from qmlstudio.engine.threads import choose_threads, thread_cap
from qmlstudio.engine.trajectories import TrajectorySampler

__all__ = ["DEFAULT_TRAJECTORIES", "MAX_TRAJECTORIES", "NOISE_METHODS", "Estimate",
           "GradientEstimate", "density_expval", "density_vjp", "noise_method_for",
           "trajectory_expval", "trajectory_vjp"]

Cotangent = np.ndarray | Callable[[np.ndarray], np.ndarray]


class Estimate(NamedTuple):
    """Values (B, K) and their standard errors (zeros where the values are exact)."""

    values: np.ndarray
    stderr: np.ndarray


class GradientEstimate(NamedTuple):
    """Values and their standard errors (B, K); the vjp and its standard error (weights,)."""

    values: np.ndarray
    stderr: np.ndarray
    dweights: np.ndarray
    dweights_stderr: np.ndarray


def noise_method_for(n_qubits: int, noise_method: str = "auto") -> str:
    """``"density"`` or ``"trajectories"``: what ``noise_method`` runs for ``n_qubits`` (auto:
    the density matrix up to :data:`~.density_driver.MAX_DENSITY_QUBITS` qubits)."""
    _check_simulation(noise_method, DEFAULT_TRAJECTORIES)
    if noise_method == "auto":
        return "density" if n_qubits <= MAX_DENSITY_QUBITS else "trajectories"
    return noise_method


def _check_simulation(noise_method: object, trajectories: object) -> int:
    """Check the ``noise_method`` name and the ``trajectories`` count; the count."""
    if not isinstance(noise_method, str) or noise_method not in NOISE_METHODS:
        raise CircuitError(f"noise_method: unknown {noise_method!r}; choose one of "
                           f"{', '.join(NOISE_METHODS)}")
    if (isinstance(trajectories, bool) or not isinstance(trajectories, int | np.integer)
            or not 1 <= trajectories <= MAX_TRAJECTORIES):
        raise CircuitError(f"trajectories must be an integer from 1 to {MAX_TRAJECTORIES:,}, "
                           f"got {trajectories!r}")
    return int(trajectories)


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
    channels, with a trajectory sampler when they run as trajectories), the angle table,
    weights, the readout map of the observables and the call's random generator.
    ``cotangent`` is a vjp's (an array or a function; None for values): the memory check
    counts the final states its gradient keeps."""

    def __init__(self, circuit: Circuit, X: object, weights: object,
                 observables: Observables, noise: NoiseModel, cotangent: object,
                 noise_method: str, trajectories: object, seed: object) -> None:
        circuit = _check_circuit(circuit)
        n_traj = _check_simulation(noise_method, trajectories)
        method = noise_method_for(circuit.n_qubits, noise_method)
        self.seed = seed
        xs = None if X is None else _finite_array(X, "X", (1, 2))
        n_samples = len(xs) if xs is not None and xs.ndim == 2 else 1
        self.channels = bool(noise.rules) or circuit.has_channels
        self.sampler: TrajectorySampler | None = None
        if self.channels:
            if method == "density":
                check_density_size(circuit.n_qubits)
            self.dprog = compile_density(circuit, noise)
            program = self.dprog.program
        else:
            kept = (states_kept_for_gradients(circuit.n_qubits, n_samples, callable(cotangent))
                    if cotangent is not None else 0)
            check_memory(circuit.n_qubits, n_samples, thread_cap(), kept)
            program = compile_program(circuit)
        self.program = program
        self.table = program.angle_table(_features(program.n_features, xs, None))
        self.weights = _weights(program.n_weights, weights)
        paulis = _observables(circuit, observables)
        self.shape = (len(self.table), len(paulis[0]))
        self.readout: ReadoutMap = readout_map(noise, circuit.n_qubits, paulis)
        if self.channels and method == "trajectories":
            self.sampler = TrajectorySampler(
                self.dprog, self.table, self.weights, self.readout,
                final_scale(self.dprog, self.readout.terms[0] | self.readout.terms[1]),
                n_traj, self.rng)

    @cached_property
    def rng(self) -> np.random.Generator:
        """The call's generator, made when shots or trajectories first need it (seeding one
        from the operating system costs more than a small exact run)."""
        return _rng(self.seed)

    def threads(self) -> int:
        """The run's thread count: its work is ρ's entries × samples × steps, its tasks the
        samples (see :func:`~qmlstudio.engine.threads.choose_threads`)."""
        n_samples = len(self.table)
        return choose_threads((1 << 2 * self.program.n_qubits) * n_samples
                              * max(1, self.dprog.n_steps), n_samples)

    @property
    def n_terms(self) -> int:
        return len(self.readout.terms[0])

    def term_values(self, shift_factor: int = -1, shift: float = 0.0) -> np.ndarray:
        """(B, T) exact values of the readout terms (one factor's angle moved by ``shift``)."""
        if self.channels:
            return run_density(self.dprog, self.table, self.weights, self.readout.terms, None,
                               self.threads(), shift_factor, shift)[0]
        return run_program(self.program, self.table, self.weights, None, self.readout.terms,
                           shift_factor=shift_factor, shift=shift).values

    def estimate(self, interrupt: Callable[[], bool] | None = None) -> Estimate:
        """(B, K) values as read, with their standard errors (trajectories ask ``interrupt``
        between groups of samples)."""
        if not self.n_terms:
            values = np.broadcast_to(self.readout.offset, self.shape).copy()
            return Estimate(values, np.zeros(self.shape))
        if self.sampler is not None:
            return Estimate(*self.sampler.values(interrupt))
        return Estimate(self.readout.values(self.term_values()), np.zeros(self.shape))

    def shift_vjp(self, cotangent: Cotangent, shots: int | None,
                  interrupt: Callable[[], bool] | None) -> tuple[np.ndarray, np.ndarray]:
        """Values and vjp by the parameter-shift rule (shot noise on every evaluation)."""
        if self.sampler is not None:
            raise CircuitError("parameter-shift gradients under noise run on the exact density "
                               "matrix; use noise_method='density' (trajectories give their "
                               "own gradients with method='adjoint')")

        def evaluate(shift_factor: int, shift: float) -> np.ndarray:
            values = (self.readout.values(self.term_values(shift_factor, shift))
                      if self.n_terms else np.broadcast_to(self.readout.offset, self.shape))
            return values if shots is None else sample_expectations(values, shots, self.rng)

        cot = ((lambda values: _cotangent(cotangent(values), self.shape))
               if callable(cotangent) else _cotangent(cotangent, self.shape))
        return shift_rule(self.program, self.table, evaluate, cot, interrupt)

    def vjp(self, cotangent: Cotangent,
            interrupt: Callable[[], bool] | None = None) -> GradientEstimate:
        """Values and the weights' vector–Jacobian product (see :func:`density_vjp`), with
        standard errors (zeros when exact); trajectories ask ``interrupt`` between groups of
        samples."""
        rmap = self.readout
        if not self.n_terms:
            values = self.estimate().values
            _cotangent(cotangent(values) if callable(cotangent) else cotangent, self.shape)
            zeros = np.zeros(self.program.n_weights)
            return GradientEstimate(values, np.zeros(self.shape), zeros, zeros)

        def on_terms(values: np.ndarray | None) -> np.ndarray:
            """The cotangent on the terms (``values`` are read by a cotangent function)."""
            return rmap.cotangent(_cotangent(cotangent(values) if callable(cotangent)
                                             else cotangent, self.shape))

        if self.sampler is not None:
            return GradientEstimate(*self.sampler.vjp(on_terms, callable(cotangent), interrupt))
        exact = np.zeros(self.shape), np.zeros(self.program.n_weights)
        if not self.channels:
            cot = ((lambda values: on_terms(rmap.values(values))) if callable(cotangent)
                   else on_terms(None))
            term_values, dweights = adjoint(self.program, self.table, self.weights, None,
                                            rmap.terms, cot)
            return GradientEstimate(rmap.values(term_values), exact[0], dweights, exact[1])
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
        return GradientEstimate(rmap.values(term_values), exact[0],
                                _to_weights(self.program, slot_grads), exact[1])


def density_expval(circuit: Circuit, X: object, weights: object,
                   observables: Observables = ("Z0",),
                   noise: NoiseModel | None = None, *, noise_method: str = "auto",
                   trajectories: int = DEFAULT_TRAJECTORIES, shots: int | None = None,
                   seed: object = None,
                   interrupt: Callable[[], bool] | None = None) -> np.ndarray:
    """Expectation values (B, K) of Pauli-string ``observables`` for every sample of ``X``
    under ``noise``, with the model's readout errors applied.

    ``noise_method`` is one of :data:`NOISE_METHODS` (``"trajectories"``: the mean of
    ``trajectories`` per sample; :func:`trajectory_expval` gives their standard errors too).
    With ``shots`` each value is estimated from that many read measurements (see the module
    docstring); ``seed`` seeds trajectories and shots; trajectories ask ``interrupt`` (a
    function returning True to stop) between groups of samples and stop with
    :class:`~qmlstudio.core.Interrupted`. ``noise`` None or ideal and no
    channel operation in the circuit: :func:`~qmlstudio.engine.expval`. Raises
    :class:`~qmlstudio.core.NoiseError` when a channel does not fit a gate and
    :class:`~qmlstudio.core.CircuitError` when the states cannot fit in memory.
    """
    model = _noise(circuit, noise)
    n_shots = _shot_count(shots)
    if model is None:
        _check_simulation(noise_method, trajectories)
        return expval(circuit, X, weights, observables, shots=n_shots, seed=seed)
    if interrupt is not None and not callable(interrupt):
        raise CircuitError(f"interrupt must be a function or None, got {interrupt!r}")
    run = _Run(circuit, X, weights, observables, model, None, noise_method, trajectories,
               seed)
    values = run.estimate(interrupt).values
    return values if n_shots is None else sample_expectations(values, n_shots, run.rng)


def density_vjp(circuit: Circuit, X: object, weights: object, observables: Observables,
                noise: NoiseModel | None, cotangent: Cotangent, *, method: str = "adjoint",
                noise_method: str = "auto", trajectories: int = DEFAULT_TRAJECTORIES,
                shots: int | None = None, seed: object = None,
                interrupt: Callable[[], bool] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Values (B, K) and ``Σ_bk cotangent[b,k] ∂values[b,k]/∂w`` under ``noise``.

    ``cotangent`` is a (B, K) array or a function ``values -> (B, K) array`` (∂loss/∂values),
    as for :func:`~qmlstudio.engine.vjp`. ``method`` ``"adjoint"``: exact on the density matrix
    (a reverse pass through the dual channels, see :mod:`.density_driver`), or from the
    trajectories' own adjoint gradients (:func:`trajectory_vjp`); ``"parameter-shift"``: the
    shift rule on the density matrix, the one method that takes ``shots``. ``noise`` None or
    ideal: the statevector ``vjp``. ``interrupt`` is asked between the shift rule's
    evaluations, and between groups of samples of trajectories.
    """
    if not isinstance(method, str) or method not in GRADIENT_METHODS:
        raise CircuitError(f"unknown gradient method {method!r}; choose one of "
                           f"{', '.join(GRADIENT_METHODS)}")
    model = _noise(circuit, noise)
    n_shots = _shot_count(shots)
    if model is None:
        _check_simulation(noise_method, trajectories)
        return vjp(circuit, X, weights, observables, cotangent, method=method, shots=n_shots,
                   seed=seed, interrupt=interrupt)
    if interrupt is not None and not callable(interrupt):
        raise CircuitError(f"interrupt must be a function or None, got {interrupt!r}")
    # the shift rule's forward calls keep no final states: nothing for the memory check
    run = _Run(circuit, X, weights, observables, model,
               cotangent if method == "adjoint" else None, noise_method, trajectories, seed)
    if method == "parameter-shift":
        return run.shift_vjp(cotangent, n_shots, interrupt)
    if n_shots is not None:
        raise CircuitError("the adjoint method computes exact gradients and cannot use shots; "
                           "use method='parameter-shift' with shots")
    result = run.vjp(cotangent, interrupt)
    return result.values, result.dweights


def trajectory_expval(circuit: Circuit, X: object, weights: object,
                      observables: Observables = ("Z0",), noise: NoiseModel | None = None, *,
                      trajectories: int = DEFAULT_TRAJECTORIES, seed: object = None) -> Estimate:
    """Values (B, K) under ``noise`` from ``trajectories`` Monte-Carlo trajectories per sample,
    with their standard errors (zeros without channels: then the values are exact)."""
    model = _noise(circuit, noise) or NoiseModel.ideal()
    return _Run(circuit, X, weights, observables, model, None, "trajectories", trajectories,
                seed).estimate()


def trajectory_vjp(circuit: Circuit, X: object, weights: object, observables: Observables,
                   noise: NoiseModel | None, cotangent: Cotangent, *,
                   trajectories: int = DEFAULT_TRAJECTORIES,
                   seed: object = None) -> GradientEstimate:
    """Values and the vjp (see :func:`density_vjp`) from the same trajectories, each with its
    standard error. With a cotangent function the gradient is that of the cotangent taken at
    the estimated values."""
    model = _noise(circuit, noise) or NoiseModel.ideal()
    return _Run(circuit, X, weights, observables, model, cotangent, "trajectories",
                trajectories, seed).vjp(cotangent)
