"""Training a project, Qt-free: :class:`Trainer` and :func:`train`.

A trainer is an iterator of reports. Each ``next(trainer)`` (or :meth:`Trainer.step`, the same
call) does one unit of work and returns a
:class:`~qmlstudio.ml.training.report.TrainingReport`: one optimizer step on one mini-batch (a
``"step"`` report), the evaluation closing an epoch (``"epoch"``), and finally a ``"done"``
report with the final metrics and the ``stop_reason``; after that it raises ``StopIteration``,
and keeps raising it, as Python's iterator protocol requires (``iter(trainer)`` is the trainer
itself). So ``for report in trainer`` trains to the end, ``list(trainer)`` collects every
report (:meth:`Trainer.next_epoch` leaves the step reports out: the same training, for a caller
that reads only the epochs), and pausing is simply leaving the loop: ``break`` (or
``itertools.islice``) stops between steps and a new ``for`` loop carries on where the last one
stopped, with the same result as an uninterrupted run. :meth:`Trainer.cancel` makes the next
step the done report, with ``stop_reason`` ``"cancelled"``; the flag is checked between steps,
inside a parameter-shift gradient and, for a model that runs Monte-Carlo trajectories, between
groups of trajectories of a step or an epoch's evaluation, so another thread may call it and a
long step ends early (the interrupted step or epoch is not counted). A cancelled trajectory
run's done report measures nothing (its losses are None, its metrics empty): measuring would
run every trajectory of every row again, the wait Stop is for avoiding. The trainer is not
thread-safe otherwise: step it from one thread at a time.

Exact models trained by Adam or SGD with adjoint gradients run each epoch's steps in one
compiled call (:mod:`qmlstudio.engine.training_epoch`) once that call is cached (a
background process compiles it after a first launch), and the trainer then hands out the
epoch's step reports one by one: the same reports, weights and stops, to the bit, as steps
taken here one at a time (so a cancel, a pause or a divergence lands on the same step); a
small circuit's step costs about a tenth.

The run is reproducible: the weights are initialised from ``training.seed`` (unless the project
holds trained weights to resume from), epoch ``e`` visits the training rows in the order of a
generator seeded with ``(seed, e)``, and shot noise and SPSA draw from seeded generators too; the
same project and seed give the same weights bit for bit.

Each epoch is measured on the whole training part and on the validation and test parts when
the project has them (losses and the metrics of
:func:`~qmlstudio.ml.evaluation.metrics.evaluate_metrics`,
as ``train_*``, ``val_*`` and ``test_*``) and recorded in the history, with the mean
gradient norm (``grad_norm``) and mini-batch loss (``batch_loss``) of its steps. A trainer
made with ``measure_every_epoch=False`` (an estimator's fit) measures, before the run's last
epoch, only the part early stopping judges by, if any: a forward pass over the training
part costs about a quarter of a small model's fit. Decisions are taken on
the validation part, never on the test part, so the reported test metrics stay an unbiased
estimate: the best weights by ``training.early_stopping_metric`` on the validation part are
kept, and with ``early_stopping_patience`` set, training stops after that many epochs without
improvement and, whether it stopped early or ran all its epochs, ends on the best weights.
Without a validation part (``preprocessing.validation_fraction`` 0) the same rule watches the
metric on the training part — early stopping then means "stop once training no longer
improves" — and the stop reason names the metric watched (``train_loss``). A loss, gradient or
update that is not finite stops training with a ``stop_reason`` naming the epoch and step, on
the last weights whose loss was finite.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from qmlstudio.core import (
    Interrupted,
    Project,
    ProjectError,
    ReadoutParams,
    TrainingHistory,
    software_versions,
)
from qmlstudio.core.project_fields import check_int
from qmlstudio.core.training_config import EpochRecord
from qmlstudio.core.wording import counted
from qmlstudio.engine import bind
from qmlstudio.engine.training_epoch import (
    DIVERGED_GRADIENT,
    DIVERGED_LOSS,
    CompiledSteps,
    compiled_training_ready,
)
from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.evaluation.metrics import GREATER_IS_BETTER, TASK_METRICS, evaluate_metrics
from qmlstudio.ml.models.templates import project_weights
from qmlstudio.ml.training.optimizers import optimizer_from_config
from qmlstudio.ml.training.prepared_data import TrainingData, prepare_training_data
from qmlstudio.ml.training.report import TrainingReport, frozen_copy

__all__ = ["Trainer", "train"]

_TRAIN_STEP_NOISE = 1
_MEASURE_NOISE = {"train": 2, "val": 3, "test": 4}
"""Shot-noise streams (see :meth:`Trainer._rng`): one per use, so that measuring the training,
validation and test parts never reuses the draws of another part or of a training step."""


def _finite(value: np.ndarray) -> bool:
    return bool(np.isfinite(value).all())


class Trainer:
    """Trains ``project`` step by step (see the module docstring).

    ``epochs`` (default ``training.epochs``) is the number of epochs this run adds; ``seed``
    replaces ``training.seed`` (and is stored in the result). A trained project resumes from its
    weights, readout, fitted preprocessing and history, unless ``restart`` is true.
    ``project_dir`` resolves a relative CSV path; ``dataset`` replaces the project's data set
    reference. ``measure_every_epoch=False`` measures only what decisions need until the last
    epoch (see the module docstring). Problems with the project or its data raise a
    :class:`~qmlstudio.core.QMLStudioError` here, before any step.

    Public attributes: ``data`` (the prepared
    :class:`~qmlstudio.ml.training.prepared_data.TrainingData`), ``model`` (its
    :class:`~qmlstudio.ml.models.quantum_model.QuantumModel`), ``last_epoch`` (the epoch this run
    ends
    with, counting on from a resumed history) and ``watched`` (the history name of the value
    best weights and early stopping judge by, e.g. ``"val_loss"``).
    """

    def __init__(self, project: Project, *, epochs: int | None = None, seed: int | None = None,
                 project_dir: str | os.PathLike | None = None, dataset: Dataset | None = None,
                 restart: bool = False, measure_every_epoch: bool = True) -> None:
        if not isinstance(project, Project):
            raise ProjectError(f"expected a Project, got {type(project).__name__}")
        config = project.training if seed is None else replace(project.training, seed=seed)
        epochs = config.epochs if epochs is None else check_int(epochs, "epochs", minimum=1)
        if config.shots is not None and config.gradient_method == "adjoint" \
                and config.optimizer != "spsa":
            raise ProjectError("training.gradient_method: training with shots needs "
                               "'parameter-shift' (the adjoint method needs exact states)")
        task = project.model.task
        measured = ("loss", *TASK_METRICS[task])
        if config.early_stopping_metric not in measured:
            raise ProjectError(f"training.early_stopping_metric: "
                               f"{config.early_stopping_metric!r} is not measured for a {task} "
                               f"model; choose one of {', '.join(measured)}")
        project = replace(project, training=config)
        if restart or not project.is_trained:
            project = replace(project, weights=(), readout=ReadoutParams(),
                              history=TrainingHistory(),
                              preprocessing=replace(project.preprocessing, fitted=None))
        self.data: TrainingData = prepare_training_data(project, project_dir, dataset)
        self.model = self.data.model
        project = self.data.project
        # Every part checked once: steps and evaluations read rows of these, unchecked again.
        self._parts = tuple((name, self.model.inputs(X, y)) for name, X, y in self.data.parts())
        self._train_inputs = dict(self._parts)["train"]
        self._random = self.model.is_random
        self._seed, self._batch_size = config.seed, config.batch_size
        self._n_weights = project.circuit.n_weights
        weights = project_weights(project)
        readout = self.model.readout_vector(project.readout)
        self._fixed_readout = None if project.model.train_readout else readout
        self._params = (weights if self._fixed_readout is not None
                        else np.concatenate((weights, readout)))
        self._good = self._params
        self._optimizer = optimizer_from_config(config)
        self._history = replace(project.history, stop_reason="")
        records = project.history.records
        self._first_epoch = records[-1].epoch + 1 if records else 1
        self.last_epoch = self._first_epoch + epochs - 1
        self._steps_per_epoch = math.ceil(len(self.data.y_train) / self._batch_size)
        self._total_steps = epochs * self._steps_per_epoch
        metric = config.early_stopping_metric
        self.watched = ("val_" if self.data.has_validation else "train_") + metric
        self._greater = GREATER_IS_BETTER[metric]
        self._patience = config.early_stopping_patience
        self._best: tuple[float, int, np.ndarray] | None = None
        self._since_best = 0
        self._epoch, self._step, self._steps_done = self._first_epoch, 0, 0
        self._order = self._epoch_order()
        self._grad_norms: list[float] = []
        self._batch_losses: list[float] = []
        self._measure_every_epoch = bool(measure_every_epoch)
        self._elapsed, self._started = 0.0, time.perf_counter()
        self._cancel_requested = self._finished = False
        self._stop_reason = ""
        self._measured: tuple[np.ndarray, int, int, dict[str, float | None]] | None = None
        self._compiled = self._compiled_steps()
        self._replay: tuple = ()  # what the compiled steps ran last, from step _replay_first
        self._replay_first = 0
        self._last_step: tuple[float, float, np.ndarray] = (math.nan, math.nan, np.zeros(0))

    # -- control -------------------------------------------------------------------------------
    def cancel(self) -> None:
        """Stop at the next step: it returns the done report with ``stop_reason`` "cancelled"."""
        self._cancel_requested = True

    @property
    def finished(self) -> bool:
        """True once the done report has been returned."""
        return self._finished

    @property
    def stop_reason(self) -> str:
        """Why training stopped ("" while it runs)."""
        return self._history.stop_reason

    @property
    def measured_at_end(self) -> bool:
        """False when the done report measures nothing: a cancelled run of Monte-Carlo
        trajectories (see the module docstring); per-epoch extras are not worth computing
        then either."""
        return not (self.stop_reason == "cancelled" and self.model.noise_engine == "trajectories")

    @property
    def history(self) -> TrainingHistory:
        """The epoch records so far, the resumed project's included."""
        return self._history

    @property
    def best_epoch(self) -> int | None:
        """The epoch with the best watched metric so far (None before the first epoch)."""
        return None if self._best is None else self._best[1]

    @property
    def weights(self) -> np.ndarray:
        """The current circuit weights (a copy)."""
        return self._params[: self._n_weights].copy()

    @property
    def readout(self) -> np.ndarray:
        """The current readout vector, scales (or linear weights) then biases (a copy)."""
        return self._weights_and_readout(self._params)[1].copy()

    def restore_best(self) -> int | None:
        """Go back to the best weights seen so far; returns their epoch (None: no epoch yet)."""
        if self._best is None:
            return None
        self._params = self._best[2].copy()
        return self._best[1]

    def __iter__(self) -> Trainer:
        """The trainer itself: a loop continues from the last step done."""
        return self

    def __next__(self) -> TrainingReport:
        """The next report (see :meth:`step`)."""
        return self.step()

    def step(self) -> TrainingReport:
        """Do the next unit of work and report it; ``StopIteration`` once finished, on every
        call after the done report."""
        report = self._advance(skip=False)
        return report if report is not None else self._step_report()

    def next_epoch(self) -> TrainingReport:
        """Train to the next epoch report (or the done report, should training stop first)
        and return it; ``StopIteration`` once finished. The steps between are those
        :meth:`step` takes, to the bit, without their reports: what an estimator's fit reads.
        Compiled steps are taken an epoch (or a large epoch's part) at a time, so a
        :meth:`cancel` from another thread lands between those calls."""
        while (report := self._advance(skip=True)) is None:
            pass
        return report

    def _advance(self, skip: bool) -> TrainingReport | None:
        """The next unit of work: its report, or None after a training step (whose report
        :meth:`_step_report` builds). ``skip``: take the rest of the compiled steps in hand
        at once, as their reports are not wanted."""
        if self._finished:
            raise StopIteration
        self._started = time.perf_counter()
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked
                if self._cancel_requested:
                    return self._finish("cancelled")
                if self._stop_reason:
                    return self._finish(self._stop_reason)
                try:
                    if self._step == self._steps_per_epoch and not self._epoch_closed():
                        return self._end_epoch()
                    return self._train_step(skip)
                except Interrupted:  # cancel() in a parameter-shift gradient or trajectories
                    return self._finish("cancelled")
        finally:
            self._elapsed += time.perf_counter() - self._started
            self._started = time.perf_counter()

    # -- the work ------------------------------------------------------------------------------
    def _epoch_order(self) -> np.ndarray:
        return np.random.default_rng([self._seed, self._epoch]).permutation(
            len(self.data.y_train))

    def _rng(self, purpose: int) -> np.random.Generator | None:
        """A generator for shot noise and trajectories, seeded by the run's position (None
        when the model's values are exact)."""
        if not self._random:
            return None
        return np.random.default_rng([self._seed, self._epoch, self._step, purpose])

    def _weights_and_readout(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self._fixed_readout is not None:
            return params, self._fixed_readout
        return params[: self._n_weights], params[self._n_weights:]

    def _train_step(self, skip: bool) -> TrainingReport | None:
        """One optimizer step (None: done, see :meth:`_step_report`), or the done report of
        a divergence."""
        if self._epoch_closed():
            self._epoch, self._step, self._grad_norms = self._epoch + 1, 0, []
            self._batch_losses = []
            self._order = self._epoch_order()
        if self._compiled is not None:
            return self._replayed_step(skip)
        start = self._step * self._batch_size
        batch = self._train_inputs.rows(self._order[start:start + self._batch_size])
        self._step += 1
        params, optimizer, model = self._params, self._optimizer, self.model
        if optimizer.needs_gradient:
            loss, dweights, dreadout = model.batch_loss_and_grad(
                batch, *self._weights_and_readout(params), seed=self._rng(_TRAIN_STEP_NOISE),
                interrupt=self._interrupt)
            grad = (dweights if self._fixed_readout is not None
                    else np.concatenate((dweights, dreadout)))
            if math.isfinite(loss):
                self._good = params
            else:
                return self._diverged(f"the loss is {loss}")
            if not _finite(grad):
                return self._diverged("the gradient is not finite")
            new = optimizer.step(params, grad)
        else:
            rng = self._rng(_TRAIN_STEP_NOISE)
            new = optimizer.step(params, lambda p: model.batch_evaluate(
                batch, *self._weights_and_readout(p), seed=rng)[1])
            loss, grad = float(np.mean(optimizer.last_losses)), optimizer.last_gradient
            if not math.isfinite(loss):
                return self._diverged(f"the loss is {loss}")
            self._good = params
        if not _finite(new):
            return self._diverged("the update gave weights that are not finite")
        self._params = new
        self._steps_done += 1
        norm = optimizer.last_gradient_norm
        self._grad_norms.append(norm)
        self._batch_losses.append(float(loss))
        self._last_step = (float(loss), norm, np.abs(grad[: self._n_weights]))
        return None

    def _step_report(self) -> TrainingReport:
        """The report of the step just taken."""
        loss, norm, magnitudes = self._last_step
        return self._report("step", train_loss=loss, grad_norm=norm,
                            grad_magnitudes=frozen_copy(magnitudes))

    def _compiled_steps(self) -> CompiledSteps | None:
        """The compiled steps (:mod:`qmlstudio.engine.training_epoch`) when this run may take
        them: exact values, adjoint gradients, an optimizer with a compiled update, and the
        steps cached; None: the steps run here, one by one."""
        model, optimizer = self.model, self._optimizer
        if not (model.shots is None and not model.noisy and model.method == "adjoint"
                and optimizer.compiled_update(self._params) is not None
                and compiled_training_ready()):
            return None
        inputs = self._train_inputs
        steps = CompiledSteps(bind(inputs.circuit, model.spec.observables), inputs.features,
                              inputs.init, inputs.targets, self._batch_size,
                              self._weights_and_readout(self._params)[1], model.n_outputs,
                              model.is_linear, model.output_kind, model.loss_code,
                              self._fixed_readout is None)
        return steps if steps.available else None

    def _replayed_step(self, skip: bool) -> TrainingReport | None:
        """The next step of those the compiled steps ran (an epoch, or a large epoch's part,
        at a time), with the same weights and stop as a step through Python; ``skip``: every
        step they ran up to the last before a stop, at once."""
        k = self._step
        if k == 0 or k >= self._replay_first + len(self._replay[2]):
            optimizer, params = self._optimizer, self._params.copy()
            self._replay = self._compiled.run(self._order, k, params,
                                              *optimizer.compiled_update(params),
                                              optimizer.steps)
            self._replay_first = k
            optimizer.steps += self._replay[0]
        done, why, losses, norms, magnitudes, history = self._replay
        i = k - self._replay_first
        if i < done:
            last = done - 1 if skip else i
            self._good = history[last - 1].copy() if last > i else self._params
            self._params = history[last].copy()
            self._step += last - i + 1
            self._steps_done += last - i + 1
            self._grad_norms.extend(norms[i:last + 1].tolist())
            self._batch_losses.extend(losses[i:last + 1].tolist())
            self._last_step = (float(losses[last]), float(norms[last]), magnitudes[last])
            return None
        self._step += 1
        if why == DIVERGED_LOSS:
            return self._diverged(f"the loss is {losses[i]}")
        self._good = self._params  # its loss was finite
        return self._diverged("the gradient is not finite" if why == DIVERGED_GRADIENT
                              else "the update gave weights that are not finite")

    def _epoch_closed(self) -> bool:
        records = self._history.records
        return bool(records) and records[-1].epoch == self._epoch

    def _diverged(self, what: str) -> TrainingReport:
        self._params = self._good
        reason = (f"diverged at epoch {self._epoch}, step {self._step}: {what}; kept the last "
                  f"weights with a finite loss (try a smaller learning rate)")
        return self._finish(reason)

    def _interrupt(self) -> bool:
        return self._cancel_requested

    def _measure(self, parts: tuple[str, ...] | None = None,
                 interruptible: bool = True) -> dict[str, float | None]:
        """Losses and metrics of the current weights on the data's ``parts`` (None: every
        part; trajectories stop with :class:`~qmlstudio.core.Interrupted` on :meth:`cancel`
        if ``interruptible``).

        The done report of a run that ran to its end measures the same weights at the same
        position as the epoch report before it (so with the same shot-noise draws): those
        values are taken again rather than computed twice."""
        last = self._measured
        if parts is None and last is not None and last[0] is self._params \
                and last[1:3] == (self._epoch, self._step):
            return dict(last[3])
        model = self.model
        weights, readout = self._weights_and_readout(self._params)
        values: dict[str, float | None] = {}
        interrupt = self._interrupt if interruptible else None
        for part, inputs in self._parts:
            if parts is not None and part not in parts:
                continue
            outputs, loss = model.batch_evaluate(inputs, weights, readout,
                                                 seed=self._rng(_MEASURE_NOISE[part]),
                                                 interrupt=interrupt)
            y = inputs.targets
            values[f"{part}_loss"] = loss if math.isfinite(loss) else None
            predicted = np.argmax(outputs, axis=1) if model.is_classifier else outputs
            if _finite(predicted):
                metrics = evaluate_metrics(model.spec.task, y, predicted, model.n_classes)
                values.update((f"{part}_{name}", value) for name, value in metrics.items())
        if parts is None:
            self._measured = (self._params, self._epoch, self._step, values)
        return dict(values)

    def _deciding_parts(self) -> tuple[str, ...]:
        """The parts an epoch measures without ``measure_every_epoch``: those early stopping
        judges by (the validation part, else the training part if it stops early at all)."""
        if self.data.has_validation:
            return ("val",)
        return ("train",) if self._patience is not None else ()

    def _end_epoch(self) -> TrainingReport:
        every = self._measure_every_epoch or self._epoch == self.last_epoch
        values = self._measure(None if every else self._deciding_parts())
        if values.get("train_loss", 0.0) is None:
            return self._diverged("the loss over the training part is not finite")
        self._track_best(values.get(self.watched))
        reason = ""
        if self._patience is not None and self._since_best >= self._patience:
            reason = (f"early stopping: {self.watched} did not improve for "
                      f"{counted(self._patience, 'epoch')}")
        elif self._epoch == self.last_epoch:
            reason = "completed"
        if reason and not every:  # the run's last record measures every part
            values = self._measure()
            if values["train_loss"] is None:
                return self._diverged("the loss over the training part is not finite")
        norms, losses = self._grad_norms, self._batch_losses
        record = EpochRecord.of(self._epoch, **values,
                                grad_norm=float(np.mean(norms)) if norms else None,
                                batch_loss=float(np.mean(losses)) if losses else None)
        self._history = self._history.with_record(record)
        if reason and self._patience is not None:
            # With early stopping on, a run always ends on its best weights.
            reason += "; " + _restored_text(self.restore_best())
        self._stop_reason = reason
        return self._report("epoch", **_split_values(values))

    def _track_best(self, value: float | None) -> None:
        if value is None:
            self._since_best += 1
            return
        best = self._best
        if best is None or (value > best[0] if self._greater else value < best[0]):
            self._best = (value, self._epoch, self._params.copy())
            self._since_best = 0
        else:
            self._since_best += 1

    def _finish(self, reason: str) -> TrainingReport:
        self._finished = True
        self._history = replace(self._history, stop_reason=reason)
        values = self._measure(interruptible=False) if self.measured_at_end else {}
        return self._report("done", stop_reason=reason, **_split_values(values))

    def _report(self, kind: str, **fields: object) -> TrainingReport:
        weights, readout = self._weights_and_readout(self._params)
        elapsed = self._elapsed + time.perf_counter() - self._started
        progress = 1.0 if kind == "done" else self._steps_done / self._total_steps
        return TrainingReport(kind, self._epoch, self._step, progress, self.last_epoch,
                              frozen_copy(weights), frozen_copy(readout), elapsed, **fields)

    # -- result --------------------------------------------------------------------------------
    def result_project(self) -> Project:
        """The project with the current weights, readout, fitted preprocessing, class labels,
        history (stop reason "cancelled" if a cancel is pending) and software versions."""
        weights, readout = self._weights_and_readout(self._params)
        history = self._history
        if not self._finished and self._cancel_requested:
            history = replace(history, stop_reason="cancelled")
        return replace(self.data.project, weights=tuple(weights.tolist()),
                       readout=self.model.readout_params(readout), history=history,
                       versions=tuple(sorted(software_versions().items())))


_LOSSES = ("train_loss", "val_loss", "test_loss")


def _restored_text(epoch: int | None) -> str:
    """How a stop reason says which weights :meth:`Trainer.restore_best` went back to."""
    return "no epoch to restore" if epoch is None else f"restored the best weights (epoch {epoch})"


def _split_values(values: dict[str, float | None]) -> dict[str, object]:
    """Report fields from measured values: the losses apart, the rest as metrics."""
    metrics = {k: v for k, v in values.items() if k not in _LOSSES and v is not None}
    return {**{name: values.get(name) for name in _LOSSES}, "metrics": metrics}


def train(project: Project, epochs: int | None = None, seed: int | None = None,
          on_report: Callable[[TrainingReport], object] | None = None, *,
          project_dir: str | os.PathLike | None = None, restart: bool = False) -> Project:
    """Train ``project`` to the end and return the trained project.

    Runs a :class:`Trainer` (same arguments) and calls ``on_report`` with every report. A
    trained project continues from its weights unless ``restart`` is true.
    """
    trainer = Trainer(project, epochs=epochs, seed=seed, project_dir=project_dir,
                      restart=restart)
    while not trainer.finished:
        report = trainer.step() if on_report is not None else trainer.next_epoch()
        if on_report is not None:
            on_report(report)
    return trainer.result_project()
