"""What a training step reports: :class:`TrainingReport`.

A :class:`~qmlstudio.ml.training.trainer.Trainer` returns one report per unit of work, of one of
:data:`REPORT_KINDS`: ``"step"`` after an optimizer step on one mini-batch, ``"epoch"`` after the
evaluation that closes an epoch, and ``"done"`` once, last, with the final metrics and the reason
training stopped. Reports are values: their arrays are read-only snapshots, so a GUI can keep
them (for plots and the gradient heat overlay) while training goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

__all__ = ["REPORT_KINDS", "TrainingReport", "frozen_copy"]

REPORT_KINDS = ("step", "epoch", "done")
_EMPTY = np.zeros(0)
_EMPTY.setflags(write=False)


def frozen_copy(array: np.ndarray) -> np.ndarray:
    """A read-only float copy of ``array`` (a snapshot no one can change)."""
    copy = np.array(array, dtype=float)
    copy.setflags(write=False)
    return copy


@dataclass(frozen=True, slots=True, eq=False)
class TrainingReport:
    """What one unit of training did.

    ``epoch`` and ``step`` (1-based, within the epoch) say where training is; ``progress`` is
    the fraction of this run's steps done (0..1) and ``last_epoch`` the epoch it ends with.
    ``train_loss`` is the mini-batch loss on a step report and the whole training part's loss
    on epoch and done reports, which also carry ``val_loss`` and ``test_loss`` (None without
    a validation or test part) and ``metrics`` (``"train_accuracy"``, ``"val_f1"``,
    ``"test_r2"``...). ``grad_norm`` and
    ``grad_magnitudes`` (``|∂L/∂w|`` per circuit weight; the norm also counts the readout
    gradient; estimates for SPSA) belong to step reports. ``weights`` and ``readout`` (scales
    or linear-layer weights, then biases) are read-only snapshots; ``elapsed`` counts the
    seconds spent training (not paused). ``stop_reason`` is set on the done report.
    """

    kind: str
    epoch: int
    step: int
    progress: float
    last_epoch: int
    weights: np.ndarray
    readout: np.ndarray
    elapsed: float
    train_loss: float | None = None
    val_loss: float | None = None
    test_loss: float | None = None
    metrics: Mapping[str, float] = field(default_factory=dict)
    grad_norm: float | None = None
    grad_magnitudes: np.ndarray = field(default_factory=lambda: _EMPTY)
    stop_reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "metrics", MappingProxyType(dict(self.metrics)))

    def values(self) -> dict[str, float | None]:
        """Losses and metrics in one flat dict (``"train_loss"``, ``"val_loss"``,
        ``"test_accuracy"``...); the loss of a part that does not exist is left out."""
        found: dict[str, float | None] = {"train_loss": self.train_loss}
        for name, value in (("val_loss", self.val_loss), ("test_loss", self.test_loss)):
            if value is not None:
                found[name] = value
        return {**found, **self.metrics}

    def seconds_left(self, first: TrainingReport) -> float | None:
        """The seconds this run still needs, extrapolated from the steps between ``first``
        (the run's first report) and this one — not from the run's start: its first step
        may have compiled the simulator. None without a step since ``first``, or when done."""
        if not first.progress < self.progress < 1:
            return None
        return ((self.elapsed - first.elapsed) * (1 - self.progress)
                / (self.progress - first.progress))
