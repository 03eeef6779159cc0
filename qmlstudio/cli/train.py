"""``qmlstudio train``: train a project and save the weights and history back into it."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO

from qmlstudio.cli.common import (
    ProgressLine,
    count,
    naming,
    noise_option,
    prepare_simulator,
    read_noise_spec,
    simulating,
)
from qmlstudio.core.feature_merges import feature_merges, merge_summary
from qmlstudio.core.training_config import NOISE_METHODS
from qmlstudio.io.project_file import load_project, save_project

if TYPE_CHECKING:
    from qmlstudio.ml.training.report import TrainingReport

__all__ = ["NAME", "register", "run"]

NAME = "train"
PROGRESS_VALUES = ("train_loss", "val_loss", "val_accuracy", "val_r2", "test_loss",
                   "test_accuracy", "test_r2")
"""What the progress line shows, when measured."""


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``train`` to the ``qmlstudio`` subcommands."""
    train = commands.add_parser(
        "train", prog="qmlstudio train",
        help="train a project and save the weights and history into it",
        description="Train PROJECT.qmlproj and save the trained weights, fitted preprocessing "
                    "and history back into it (atomically). A trained project continues from "
                    "its weights.")
    train.add_argument("project", metavar="PROJECT.qmlproj")
    train.add_argument("--epochs", type=count(1), metavar="N",
                       help="epochs to train (default: the project's setting)")
    train.add_argument("--seed", type=count(0), metavar="S",
                       help="random seed (default: the project's; stored in the project)")
    train.add_argument("--restart", action="store_true",
                       help="start from fresh weights and discard the history")
    train.add_argument("--json", action="store_true",
                       help="print the final metrics as one JSON object")
    train.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    noise_option(train, "train under this noise model and store it in the project (default: "
                        "the project's)")
    train.add_argument("--noise-method", choices=NOISE_METHODS,
                       help="how a noisy circuit is simulated: density (exact density matrix), "
                            "trajectories (Monte-Carlo, --trajectories per sample) or auto "
                            "(density up to its size limit); stored in the project (default: "
                            "the project's)")
    train.add_argument("--trajectories", type=count(1), metavar="N",
                       help="Monte-Carlo trajectories per sample (stored in the project; "
                            "default: the project's)")
    mode = train.add_mutually_exclusive_group()
    mode.add_argument("--ideal", dest="with_noise", action="store_false", default=None,
                      help="train on the ideal simulator although the project has a noise "
                           "model (stored in the project; default: the project's choice)")
    mode.add_argument("--with-noise", dest="with_noise", action="store_true", default=None,
                      help="train under the project's noise model (stored in the project)")
    simulating(train, run)


class _Progress:
    """A one-line progress bar on ``stream``: redrawn in place on a terminal, otherwise
    printed as a new line at most once a second (and for the last epoch)."""

    WIDTH = 24

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.line = ProgressLine(stream, enabled, interval=1.0)
        self.unshown: TrainingReport | None = None  # the last epoch report skipped
        self.first: TrainingReport | None = None  # the time left is measured from here

    def update(self, report: TrainingReport) -> None:
        """Show ``report`` if it is time; when training ends, the last epoch is always shown
        (also when early stopping ends it before the planned last epoch)."""
        if not self.line.enabled:
            return
        if self.first is None:
            self.first = report
        if report.kind == "done":
            if self.unshown is not None:
                self._show(self.unshown)
            return
        last = report.kind == "epoch" and report.epoch == report.last_epoch
        if (not last and not self.line.due()) or (not self.line.live and report.kind != "epoch"):
            if report.kind == "epoch":
                self.unshown = report
            return
        self._show(report)

    def _show(self, report: TrainingReport) -> None:
        self.unshown = None
        self.line.show(_progress_line(report, self.WIDTH, self.first))

    def close(self) -> None:
        """End the live line."""
        self.line.close()


def _progress_line(report: TrainingReport, width: int, first: TrainingReport) -> str:
    """The line for ``report``, its time left measured from ``first`` (the run's first
    report; see :meth:`~qmlstudio.ml.training.report.TrainingReport.seconds_left`)."""
    filled = round(report.progress * width)
    bar = "#" * filled + "-" * (width - filled)
    parts = [f"epoch {report.epoch}/{report.last_epoch} [{bar}] {report.progress:4.0%}"]
    values = report.values()
    for name in PROGRESS_VALUES:
        if values.get(name) is not None:
            parts.append(f"{name} {values[name]:.4f}")
    left = report.seconds_left(first)
    if left is not None:
        parts.append(f"ETA {left:.0f}s")
    return "  ".join(parts)


def run(args: argparse.Namespace) -> int:
    from qmlstudio.engine import prepares_for
    from qmlstudio.ml.evaluation.baselines import BASELINES, baseline_metrics, load_baselines
    from qmlstudio.ml.training.trainer import Trainer

    # scikit-learn now, not for the baselines at the end: on a cold cache this second (1–1.5
    # s) passes while the compile helper compiles the gradient pass, off the critical path
    load_baselines()
    project = load_project(args.project)
    if args.noise is not None:
        noise = read_noise_spec(args.noise)
        project = replace(project, noise=None if noise.is_ideal else noise)
    simulation = {key: value for key, value in (("noise_method", args.noise_method),
                                                 ("trajectories", args.trajectories),
                                                 ("with_noise", args.with_noise))
                  if value is not None}
    if simulation:
        project = replace(project, training=replace(project.training, **simulation))
    merges = feature_merges(project.circuit)
    if merges:
        print(f"qmlstudio: warning: {merge_summary(merges)}", file=sys.stderr)
    progress = _Progress(sys.stderr, not args.quiet)
    with naming(args.project):
        trainer = Trainer(project, epochs=args.epochs, seed=args.seed, restart=args.restart)
        if not trainer.model.noisy and prepares_for(trainer.model.circuit.n_qubits):
            prepare_simulator(progress.line)
        try:
            for report in trainer:
                progress.update(report)
        finally:
            progress.close()
    save_project(trainer.result_project(), args.project)
    baselines = baseline_metrics(trainer.data)
    summary = {"epoch": report.epoch, "stop_reason": report.stop_reason,
               "seconds": round(report.elapsed, 3), **report.values(), "baselines": baselines}
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"{args.project}: {report.stop_reason} (epoch {report.epoch}, "
          f"{report.elapsed:.1f} s); saved")
    for name, value in report.values().items():
        print(f"  {name:<16} {'-' if value is None else f'{value:.4f}'}")
    names = BASELINES[trainer.data.model.spec.task]
    print("classical baselines on the same split:")
    for key, metrics in baselines.items():
        scores = "  ".join(f"{name} {value:.4f}" for name, value in metrics.items())
        print(f"  {names[key][0]:<20} {scores}")
    return 0
