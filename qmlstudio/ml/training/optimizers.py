"""Optimizers: Adam, SGD with momentum and SPSA behind one interface, picked by name.

``optimizer.step(params, grad_or_loss_fn) -> new params``. The gradient optimizers
(``needs_gradient`` true) take the gradient array at ``params``; SPSA takes a function
``params -> loss`` and estimates the gradient from two evaluations along a seeded random
direction. A trainer therefore does::

    if optimizer.needs_gradient:
        loss, grad = ...                                   # one engine vjp call
        params = optimizer.step(params, grad)
    else:
        params = optimizer.step(params, loss_of)           # two forward passes

``state_dict()`` returns the optimizer's running state (moment estimates, step count, random
generator state) as JSON-compatible values and ``load_state_dict`` restores it, so a paused and
resumed run continues exactly as an uninterrupted one.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from qmlstudio.core import ProjectError, TrainingConfig
from qmlstudio.core.wording import counted
from qmlstudio.engine.readout_loss import adam_update, momentum_update

__all__ = ["OPTIMIZERS", "SGD", "SPSA", "Adam", "Optimizer", "make_optimizer",
           "optimizer_from_config"]


def _vector(value: object, what: str) -> np.ndarray:
    """``value`` as a contiguous 1-D float array (not copied when it is one: the optimizers
    compute new arrays from it)."""
    if callable(value):
        raise TypeError(f"{what} must be an array, got a function")
    array = np.ascontiguousarray(value, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{what} must be a vector, got shape {array.shape}")
    return array


def _params_and_gradient(params: object, grad: object) -> tuple[np.ndarray, np.ndarray]:
    """Both as vectors of one length (the compiled updates read them side by side)."""
    params, grad = _vector(params, "params"), _vector(grad, "the gradient")
    if grad.shape != params.shape:
        raise ValueError(f"the gradient has {counted(len(grad), 'entry', 'entries')} for "
                         f"{counted(len(params), 'parameter')}")
    return params, grad


class Optimizer(ABC):
    """Common interface: ``step``, ``state_dict``/``load_state_dict``, the step count and
    ``last_gradient_norm`` (the Euclidean norm of the gradient, or estimate, of the last
    step)."""

    name: ClassVar[str]
    needs_gradient: ClassVar[bool] = True

    def __init__(self, learning_rate: float) -> None:
        valid = isinstance(learning_rate, int | float) and not isinstance(learning_rate, bool)
        if not (valid and math.isfinite(learning_rate) and learning_rate > 0):
            raise ProjectError(f"training.learning_rate: must be a positive number, "
                               f"got {learning_rate!r}")
        self.learning_rate = float(learning_rate)
        self.steps = 0
        self.last_gradient_norm = math.nan

    @abstractmethod
    def step(self, params: np.ndarray, grad_or_loss_fn: object) -> np.ndarray:
        """New parameters after one update from ``params`` (which are left unchanged)."""

    def state_dict(self) -> dict:
        """The running state as JSON-compatible values."""
        return {"name": self.name, "steps": self.steps, **self._state()}

    def load_state_dict(self, state: dict) -> None:
        """Restore a state returned by :meth:`state_dict` (of an optimizer of the same kind)."""
        if state.get("name") != self.name:
            raise ProjectError(f"optimizer state: saved by {state.get('name')!r}, cannot "
                               f"restore into {self.name!r}")
        self.steps = int(state["steps"])
        self._load(state)

    def compiled_update(self, params: np.ndarray) -> tuple | None:
        """The arguments of the engine's compiled update
        (:func:`~qmlstudio.engine.training_epoch.run_steps`) that continue this optimizer
        from its state, its moments created for ``params`` if it has none: ``(adam?,
        learning rate, β₁, β₂, ε, momentum, first moment, second moment)``, the moments
        updated in place. None: this optimizer has no compiled update (SPSA). A caller that
        runs it adds the steps done to :attr:`steps`."""
        return None

    @abstractmethod
    def _state(self) -> dict: ...

    @abstractmethod
    def _load(self, state: dict) -> None: ...

    @staticmethod
    def _moment(current: np.ndarray | None, params: np.ndarray) -> np.ndarray:
        """A zero-initialised running moment shaped like ``params``."""
        if current is None:
            return np.zeros_like(params)
        if current.shape != params.shape:
            raise ProjectError(f"optimizer state holds {counted(current.size, 'parameter')} but "
                               f"{params.size} were given; start a new optimizer")
        return current


def _array_or_none(values: object) -> np.ndarray | None:
    """A new array (the optimizers update their moments in place) or None."""
    return None if values is None else np.array(values, dtype=float)


def _list_or_none(values: np.ndarray | None) -> list[float] | None:
    return None if values is None else values.tolist()


class Adam(Optimizer):
    """Adam (Kingma & Ba): ``m ← β₁m + (1−β₁)g``, ``v ← β₂v + (1−β₂)g²``,
    ``θ ← θ − lr · m̂ / (√v̂ + ε)`` with ``m̂ = m/(1−β₁ᵗ)``, ``v̂ = v/(1−β₂ᵗ)``."""

    name = "adam"

    def __init__(self, learning_rate: float = 0.05, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        super().__init__(learning_rate)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m: np.ndarray | None = None
        self.v: np.ndarray | None = None

    def step(self, params: np.ndarray, grad_or_loss_fn: object) -> np.ndarray:
        """One Adam update with the gradient ``grad_or_loss_fn`` at ``params`` (the engine's
        compiled :func:`~qmlstudio.engine.readout_loss.adam_update`)."""
        params, grad = _params_and_gradient(params, grad_or_loss_fn)
        self.m = self._moment(self.m, params)
        self.v = self._moment(self.v, params)
        self.steps += 1
        new = np.empty_like(params)
        self.last_gradient_norm = math.sqrt(adam_update(
            params, grad, self.m, self.v, self.steps, self.learning_rate, self.beta1,
            self.beta2, self.eps, new))
        return new

    def compiled_update(self, params: np.ndarray) -> tuple:
        """See :meth:`Optimizer.compiled_update`."""
        self.m, self.v = self._moment(self.m, params), self._moment(self.v, params)
        return (True, self.learning_rate, self.beta1, self.beta2, self.eps, 0.0, self.m,
                self.v)

    def _state(self) -> dict:
        return {"m": _list_or_none(self.m), "v": _list_or_none(self.v)}

    def _load(self, state: dict) -> None:
        self.m, self.v = _array_or_none(state["m"]), _array_or_none(state["v"])


class SGD(Optimizer):
    """Gradient descent with (heavy-ball) momentum: ``u ← μu + g``, ``θ ← θ − lr·u``.

    ``momentum=0`` is plain gradient descent.
    """

    name = "sgd"

    def __init__(self, learning_rate: float = 0.05, momentum: float = 0.9) -> None:
        super().__init__(learning_rate)
        if not 0.0 <= momentum < 1.0:
            raise ProjectError(f"training.momentum: must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.velocity: np.ndarray | None = None

    def step(self, params: np.ndarray, grad_or_loss_fn: object) -> np.ndarray:
        """One momentum update with the gradient ``grad_or_loss_fn`` at ``params`` (the
        engine's compiled :func:`~qmlstudio.engine.readout_loss.momentum_update`)."""
        params, grad = _params_and_gradient(params, grad_or_loss_fn)
        self.velocity = self._moment(self.velocity, params)
        self.steps += 1
        new = np.empty_like(params)
        self.last_gradient_norm = math.sqrt(momentum_update(
            params, grad, self.velocity, self.learning_rate, self.momentum, new))
        return new

    def compiled_update(self, params: np.ndarray) -> tuple:
        """See :meth:`Optimizer.compiled_update` (the second moment is not read)."""
        self.velocity = self._moment(self.velocity, params)
        return (False, self.learning_rate, 0.0, 0.0, 0.0, self.momentum, self.velocity,
                self.velocity)

    def _state(self) -> dict:
        return {"velocity": _list_or_none(self.velocity)}

    def _load(self, state: dict) -> None:
        self.velocity = _array_or_none(state["velocity"])


class SPSA(Optimizer):
    """Simultaneous perturbation stochastic approximation (Spall), gradient-free.

    Step ``k`` (from 0) draws ``Δ ∈ {−1, +1}^p`` from the seeded generator, evaluates
    ``L± = L(θ ± c_k Δ)`` and updates ``θ ← θ − a_k · (L₊ − L₋)/(2c_k) · Δ`` with
    ``a_k = lr / (k + 1 + A)^α`` and ``c_k = c / (k + 1)^γ`` (Spall's ``α = 0.602``,
    ``γ = 0.101``; ``A = stability``). Two loss evaluations per step whatever the number of
    parameters; they are kept in ``last_losses`` (check them for NaN/inf) and the gradient
    estimate in ``last_gradient``.
    """

    name = "spsa"
    needs_gradient = False

    def __init__(self, learning_rate: float = 0.05, perturbation: float = 0.1,
                 seed: int | Sequence[int] = 0, alpha: float = 0.602, gamma: float = 0.101,
                 stability: float = 0.0) -> None:
        super().__init__(learning_rate)
        if not (math.isfinite(perturbation) and perturbation > 0):
            raise ProjectError(f"training.spsa_perturbation: must be positive, "
                               f"got {perturbation!r}")
        self.perturbation, self.alpha, self.gamma = float(perturbation), alpha, gamma
        self.stability = stability
        self.rng = np.random.default_rng(seed)
        self.last_losses: tuple[float, float] | None = None
        self.last_gradient: np.ndarray | None = None

    def step(self, params: np.ndarray, grad_or_loss_fn: object) -> np.ndarray:
        """One SPSA update; ``grad_or_loss_fn`` is the function ``params -> loss``."""
        if not callable(grad_or_loss_fn):
            raise TypeError("SPSA needs a function params -> loss, not a gradient")
        params = _vector(params, "params")
        k = self.steps
        a_k = self.learning_rate / (k + 1 + self.stability) ** self.alpha
        c_k = self.perturbation / (k + 1) ** self.gamma
        delta = self.rng.integers(0, 2, size=params.shape) * 2.0 - 1.0
        plus = float(grad_or_loss_fn(params + c_k * delta))
        minus = float(grad_or_loss_fn(params - c_k * delta))
        self.last_losses = (plus, minus)
        self.last_gradient = (plus - minus) / (2 * c_k) * delta
        self.last_gradient_norm = math.sqrt(self.last_gradient.dot(self.last_gradient))
        self.steps += 1
        return params - a_k * self.last_gradient

    def _state(self) -> dict:
        return {"rng": self.rng.bit_generator.state}

    def _load(self, state: dict) -> None:
        self.rng.bit_generator.state = state["rng"]


OPTIMIZERS: dict[str, type[Optimizer]] = {"adam": Adam, "sgd": SGD, "spsa": SPSA}
"""Optimizer classes by their :class:`~qmlstudio.core.TrainingConfig` names."""

_SPSA_STREAM = 0x5350_5341  # "SPSA"
"""SPSA's directions are drawn from the stream seeded with ``(seed, _SPSA_STREAM)``: the plain
``seed`` also seeds the initial weights (:func:`~qmlstudio.ml.models.templates.init_weights`), and
the
same stream would make every direction a function of the starting point."""


def make_optimizer(name: str, learning_rate: float, momentum: float = 0.9,
                   perturbation: float = 0.1, seed: int | Sequence[int] = 0) -> Optimizer:
    """The optimizer called ``name``; ``momentum`` is used by SGD, ``perturbation`` (SPSA's
    ``c``) and ``seed`` by SPSA."""
    if name not in OPTIMIZERS:
        raise ProjectError(f"training.optimizer: unknown {name!r}; choose one of "
                           f"{', '.join(OPTIMIZERS)}")
    options = {"sgd": (momentum,), "spsa": (perturbation, seed)}.get(name, ())
    return OPTIMIZERS[name](learning_rate, *options)


def optimizer_from_config(config: TrainingConfig) -> Optimizer:
    """The optimizer a :class:`~qmlstudio.core.TrainingConfig` asks for; SPSA is seeded from
    ``config.seed`` on a stream of its own (independent of the initial weights)."""
    return make_optimizer(config.optimizer, config.learning_rate, config.momentum,
                          config.spsa_perturbation, (config.seed, _SPSA_STREAM))
