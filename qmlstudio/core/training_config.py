"""How a model is trained (:class:`TrainingConfig`) and what training recorded
(:class:`TrainingHistory`)."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from qmlstudio.core.errors import ProjectError
from qmlstudio.core.project_fields import (
    as_tuple,
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_text,
)

__all__ = [
    "DEFAULT_TRAJECTORIES",
    "EARLY_STOPPING_METRICS",
    "GRADIENT_METHODS",
    "LOSSES",
    "MAX_TRAJECTORIES",
    "NOISE_METHODS",
    "OPTIMIZERS",
    "WEIGHT_INITS",
    "EpochRecord",
    "TrainingConfig",
    "TrainingHistory",
]

OPTIMIZERS = ("adam", "sgd", "spsa")
LOSSES = ("cross_entropy", "mse", "hinge")
GRADIENT_METHODS = ("adjoint", "parameter-shift")
WEIGHT_INITS = ("uniform", "small")
EARLY_STOPPING_METRICS = ("loss", "accuracy", "f1", "mse", "r2")
NOISE_METHODS = ("auto", "density", "trajectories")
"""How a noisy circuit is simulated: ``"density"`` (the exact density matrix),
``"trajectories"`` (Monte-Carlo trajectories), ``"auto"`` (the density matrix up to its size
limit, trajectories above it); see :mod:`qmlstudio.engine.density`."""
DEFAULT_TRAJECTORIES = 1000
"""Trajectories per sample unless told (standard errors of a few per cent of the range)."""
MAX_TRAJECTORIES = 10**7
"""Most trajectories per sample."""
"""Metrics early stopping may watch: on the validation part when there is one, else on the
training part (never on the test part, whose metrics must stay unbiased)."""


@dataclass(frozen=True, slots=True)
class TrainingConfig:
    """Optimizer, loss and schedule of a training run.

    ``momentum`` is used by ``"sgd"``, ``spsa_perturbation`` (the finite step ``c``) by
    ``"spsa"``. ``shots=None`` trains on exact expectation values; an integer estimates them
    from that many samples. ``early_stopping_patience=None`` disables early stopping; otherwise
    training stops after that many epochs without improving ``early_stopping_metric``
    (measured on the validation part, or the training part without one; see
    :data:`EARLY_STOPPING_METRICS`) and ends on the best weights. Under a noise model the
    circuit runs as ``noise_method`` says (:data:`NOISE_METHODS`), with ``trajectories`` per
    sample when it runs trajectories. ``with_noise`` false trains (and measures the epochs) on
    the ideal simulator although the project has a noise model, so that an ideal-trained and a
    noise-trained model can be compared under the same noise; the circuit's own channel
    operations apply either way (they are part of the circuit).
    """

    optimizer: str = "adam"
    loss: str = "cross_entropy"
    learning_rate: float = 0.05
    epochs: int = 30
    batch_size: int = 16
    seed: int = 0
    weight_init: str = "uniform"
    gradient_method: str = "adjoint"
    shots: int | None = None
    momentum: float = 0.9
    spsa_perturbation: float = 0.1
    early_stopping_patience: int | None = None
    early_stopping_metric: str = "loss"
    noise_method: str = "auto"
    trajectories: int = DEFAULT_TRAJECTORIES
    with_noise: bool = True

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        check_choice(self.optimizer, "optimizer", OPTIMIZERS)
        check_choice(self.loss, "loss", LOSSES)
        set_(self, "learning_rate",
             check_float(self.learning_rate, "learning_rate", minimum=0.0, open_min=True))
        check_int(self.epochs, "epochs", minimum=1)
        check_int(self.batch_size, "batch_size", minimum=1)
        check_int(self.seed, "seed", minimum=0)
        check_choice(self.weight_init, "weight_init", WEIGHT_INITS)
        check_choice(self.gradient_method, "gradient_method", GRADIENT_METHODS)
        if self.shots is not None:
            check_int(self.shots, "shots", minimum=1)
        set_(self, "momentum",
             check_float(self.momentum, "momentum", minimum=0.0, maximum=1.0, open_max=True))
        set_(self, "spsa_perturbation", check_float(
            self.spsa_perturbation, "spsa_perturbation", minimum=0.0, open_min=True))
        if self.early_stopping_patience is not None:
            check_int(self.early_stopping_patience, "early_stopping_patience", minimum=1)
        check_choice(self.early_stopping_metric, "early_stopping_metric", EARLY_STOPPING_METRICS)
        check_choice(self.noise_method, "noise_method", NOISE_METHODS)
        check_int(self.trajectories, "trajectories", minimum=1, maximum=MAX_TRAJECTORIES)
        check_bool(self.with_noise, "with_noise")


@dataclass(frozen=True, slots=True)
class EpochRecord:
    """What one epoch measured: ``values`` holds ``(name, value)`` pairs sorted by name.

    Names are free (``"train_loss"``, ``"val_loss"``, ``"test_accuracy"``, ``"grad_norm"``...).
    A value that could not be computed, or was not finite, is recorded as ``None``.
    """

    epoch: int
    values: tuple[tuple[str, float | None], ...] = ()

    def __post_init__(self) -> None:
        check_int(self.epoch, "epoch", minimum=0)
        items = self.values.items() if isinstance(self.values, Mapping) else self.values
        pairs: dict[str, float | None] = {}
        for item in as_tuple(items, "values"):
            if not isinstance(item, tuple | list) or len(item) != 2:
                raise ProjectError(f"values: expected (name, value) pairs, got {item!r}")
            name, value = item
            check_text(name, "values: a name", allow_empty=False)
            if name == "epoch" or name in pairs:
                raise ProjectError(f"{name}: repeated or reserved metric name")
            if value is not None:
                value = check_float(value, name)
            pairs[sys.intern(str(name))] = value  # one string per name, not per epoch
        object.__setattr__(self, "values", tuple(sorted(pairs.items())))

    @classmethod
    def of(cls, epoch: int, **values: float | None) -> EpochRecord:
        """A record from keyword values; non-finite numbers become ``None``."""
        return cls(epoch, tuple((k, _finite_or_none(v)) for k, v in values.items()))

    def get(self, name: str, default: float | None = None) -> float | None:
        """The value recorded under ``name``, or ``default``."""
        return dict(self.values).get(name, default)


def _finite_or_none(value: float | None) -> float | None:
    # A diverged step (NaN or inf loss) is history worth keeping, just not as a number.
    return None if isinstance(value, float) and not math.isfinite(value) else value


@dataclass(frozen=True, slots=True, weakref_slot=True)  # a window tracks it weakly
class TrainingHistory:
    """Per-epoch records in increasing epoch order, and why training stopped (if it did)."""

    records: tuple[EpochRecord, ...] = ()
    stop_reason: str = ""

    def __post_init__(self) -> None:
        records = as_tuple(self.records, "records")
        previous = -1
        for i, record in enumerate(records):
            if not isinstance(record, EpochRecord):
                raise ProjectError(f"records[{i}]: expected an EpochRecord, got {record!r}")
            if record.epoch <= previous:
                raise ProjectError(f"records[{i}].epoch: epochs must increase, got "
                                   f"{record.epoch} after {previous}")
            previous = record.epoch
        object.__setattr__(self, "records", records)
        check_text(self.stop_reason, "stop_reason")

    def with_record(self, record: EpochRecord) -> TrainingHistory:
        """A copy with ``record`` appended."""
        return TrainingHistory((*self.records, record), self.stop_reason)

    def series(self, name: str) -> tuple[float | None, ...]:
        """The values of ``name`` epoch by epoch (``None`` where not recorded)."""
        return tuple(record.get(name) for record in self.records)
