"""The ``qmlstudio`` command.

::

    qmlstudio [--debug] [PATH ...]                    the desktop app (opening PATH)
    qmlstudio train PROJECT.qmlproj [--epochs N] [--seed S] [--restart] [--json] [--quiet]
    qmlstudio predict MODEL.qmodel DATA.csv [-o OUT.csv]
    qmlstudio export PROJECT.qmlproj --to qmodel|qasm3|qasm2|pennylane|qiskit -o FILE

``train`` shows a progress bar on stderr, saves the weights and history back into the project
(atomically; a trained project continues from its weights unless ``--restart``) and prints the
final losses and metrics on stdout (with ``--json``, one JSON object): ``train_*``, ``val_*``
when the project has a validation part, ``test_*`` when it has a test part, and the same
metrics of the classical baselines fitted on the same split (``baselines``: by key, e.g.
``logistic_regression``, ``svm_rbf``, ``mlp``, ``random_forest``). ``predict`` writes
a CSV of predictions (and class probabilities ``p_<class>``) to ``OUT.csv`` or stdout. A
problem with the arguments or a file is reported as one line on stderr with a non-zero exit
status: 2 for bad arguments, 1 for a file or data problem, 130 when interrupted. ``--debug``
(anywhere on the line) turns on verbose logging: to stderr, and in the desktop app also to its
log file.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qmlstudio._version import __version__
from qmlstudio.core.errors import QMLStudioError
from qmlstudio.core.feature_merges import feature_merges, merge_summary
from qmlstudio.io.project_file import load_project, save_project

if TYPE_CHECKING:
    from qmlstudio.ml.training.report import TrainingReport

__all__ = ["build_parser", "main"]

COMMANDS = ("train", "predict", "export")
EXPORT_FORMATS = ("qmodel", "qasm3", "qasm2", "pennylane", "qiskit")
"""The exporter's formats, repeated so that building the parser does not import the ML layer
(and numba); a test keeps the two lists equal."""
PROGRESS_VALUES = ("train_loss", "val_loss", "val_accuracy", "val_r2", "test_loss",
                   "test_accuracy", "test_r2")
"""What the progress line shows, when measured."""


@contextmanager
def _naming(path: str, *named: str) -> Iterator[None]:
    """Prefix ``path`` to a :class:`QMLStudioError` whose message names no file of ``path``
    and ``named`` yet (the ML layer names only the field: which project is the caller's)."""
    try:
        yield
    except QMLStudioError as error:
        message = str(error)
        if message.startswith(tuple(f"{name}:" for name in (path, *named))):
            raise
        raise type(error)(f"{path}: {message}") from None


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block) with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _count(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected an integer of at least {minimum}, "
                                         f"got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``qmlstudio`` and its subcommands."""
    parser = _Parser(
        prog="qmlstudio", usage="qmlstudio [-h] [--version] [--debug] [PATH | COMMAND ...]",
        description="QML Studio: design, train and export parameterised quantum circuits. "
                    "Without a command it opens the desktop app (with PATH, that project).")
    parser.add_argument("--version", action="version", version=f"qmlstudio {__version__}")
    # Taken off the line by main() before parsing; declared here for --help.
    parser.add_argument("--debug", action="store_true",
                        help="verbose logging to stderr (and the desktop app's log file)")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND",
                                     parser_class=_Parser)
    train = commands.add_parser(
        "train", prog="qmlstudio train",
        help="train a project and save the weights and history into it",
        description="Train PROJECT.qmlproj and save the trained weights, fitted preprocessing "
                    "and history back into it (atomically). A trained project continues from "
                    "its weights.")
    train.add_argument("project", metavar="PROJECT.qmlproj")
    train.add_argument("--epochs", type=lambda t: _count(t, 1), metavar="N",
                       help="epochs to train (default: the project's setting)")
    train.add_argument("--seed", type=lambda t: _count(t, 0), metavar="S",
                       help="random seed (default: the project's; stored in the project)")
    train.add_argument("--restart", action="store_true",
                       help="start from fresh weights and discard the history")
    train.add_argument("--json", action="store_true",
                       help="print the final metrics as one JSON object")
    train.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    train.set_defaults(run=_train)
    predict = commands.add_parser(
        "predict", prog="qmlstudio predict",
        help="predict with a .qmodel file on a CSV of features",
        description="Write a CSV of predictions (and class probabilities p_<class>) for the "
                    "rows of DATA.csv, whose header names the model's feature columns (or "
                    "which has exactly those columns, in order, without a header).")
    predict.add_argument("model", metavar="MODEL.qmodel")
    predict.add_argument("data", metavar="DATA.csv")
    predict.add_argument("-o", "--output", metavar="OUT.csv", help="default: stdout")
    predict.set_defaults(run=_predict)
    export = commands.add_parser(
        "export", prog="qmlstudio export",
        help="export a trained project as a model, OpenQASM or a Python script",
        description="Export the trained PROJECT.qmlproj.")
    export.add_argument("project", metavar="PROJECT.qmlproj")
    export.add_argument("--to", required=True, choices=EXPORT_FORMATS, metavar="FORMAT",
                        help=f"one of {', '.join(EXPORT_FORMATS)}")
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.set_defaults(run=_export)
    return parser


# -- train -----------------------------------------------------------------------------------
class _Progress:
    """A one-line progress bar on ``stream``: redrawn in place on a terminal, otherwise
    printed as a new line at most once a second (and for the last epoch)."""

    WIDTH = 24

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream, self.enabled = stream, enabled
        self.live = enabled and stream.isatty()
        self.shown = 0.0
        self.unshown: TrainingReport | None = None  # the last epoch report skipped

    def update(self, report: TrainingReport) -> None:
        """Show ``report`` if it is time; when training ends, the last epoch is always shown
        (also when early stopping ends it before the planned last epoch)."""
        if not self.enabled:
            return
        if report.kind == "done":
            if self.unshown is not None:
                self._show(self.unshown)
            return
        now = time.monotonic()
        last = report.kind == "epoch" and report.epoch == report.last_epoch
        too_soon = now - self.shown < (0.1 if self.live else 1.0)
        if (not last and too_soon) or (not self.live and report.kind != "epoch"):
            if report.kind == "epoch":
                self.unshown = report
            return
        self.shown = now
        self._show(report)

    def _show(self, report: TrainingReport) -> None:
        self.unshown = None
        line = _progress_line(report, self.WIDTH)
        self.stream.write(f"\r{line}\x1b[K" if self.live else f"{line}\n")
        self.stream.flush()

    def close(self) -> None:
        """End the live line."""
        if self.live and self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _progress_line(report: TrainingReport, width: int) -> str:
    filled = round(report.progress * width)
    bar = "#" * filled + "-" * (width - filled)
    parts = [f"epoch {report.epoch}/{report.last_epoch} [{bar}] {report.progress:4.0%}"]
    values = report.values()
    for name in PROGRESS_VALUES:
        if values.get(name) is not None:
            parts.append(f"{name} {values[name]:.4f}")
    if 0 < report.progress < 1:
        remaining = report.elapsed * (1 - report.progress) / report.progress
        parts.append(f"ETA {remaining:.0f}s")
    return "  ".join(parts)


def _train(args: argparse.Namespace) -> int:
    from qmlstudio.ml.evaluation.baselines import BASELINES, baseline_metrics
    from qmlstudio.ml.training.trainer import Trainer

    project = load_project(args.project)
    merges = feature_merges(project.circuit)
    if merges:
        print(f"qmlstudio: warning: {merge_summary(merges)}", file=sys.stderr)
    progress = _Progress(sys.stderr, not args.quiet)
    with _naming(args.project):
        trainer = Trainer(project, epochs=args.epochs, seed=args.seed, restart=args.restart)
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


# -- predict and export ------------------------------------------------------------------------
def _predict(args: argparse.Namespace) -> int:
    from qmlstudio.io.atomic import atomic_write
    from qmlstudio.ml.export.model_file import load_model
    from qmlstudio.ml.export.result_tables import predictions_for_file

    text, count = predictions_for_file(load_model(args.model), args.data)
    if args.output is None:
        sys.stdout.write(text)
    else:
        atomic_write(args.output, text)
        print(f"{args.output}: {count} predictions", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    from qmlstudio.ml.export.formats import export_project

    project = load_project(args.project)
    with _naming(args.project, args.output):
        export_project(project, args.to, args.output)
    print(f"{args.output}: exported {args.project} as {args.to}", file=sys.stderr)
    return 0


# -- entry point ---------------------------------------------------------------------------------
def _fail(message: str, status: int) -> int:
    print(f"qmlstudio: error: {' '.join(message.split())}", file=sys.stderr)
    return status


def _enable_debug_logging() -> None:
    """``--debug``: every ``qmlstudio`` logger's messages to stderr."""
    log = logging.getLogger("qmlstudio")
    if not any(getattr(h, "_qmlstudio_debug", False) for h in log.handlers):  # main() again
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler._qmlstudio_debug = True
        log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.debug("debug logging on: qmlstudio %s, Python %s, %s", __version__,
              platform.python_version(), platform.platform())


def _open_app(paths: Sequence[str], debug: bool = False) -> int:
    missing = [path for path in paths if not Path(path).exists()]
    if missing:
        return _fail(f"unknown command or missing file {missing[0]!r}; commands: "
                     f"{', '.join(COMMANDS)} (see 'qmlstudio --help')", 2)
    from qmlstudio.gui.shell.app import run_app  # Qt is loaded only for the desktop app

    return run_app(paths, debug=debug)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # --debug may come before PATHs (which the parser does not know) or after a command.
    debug = "--debug" in arguments
    if debug:
        arguments.remove("--debug")
        _enable_debug_logging()
    if not arguments or (arguments[0] not in COMMANDS and not arguments[0].startswith("-")):
        return _open_app(arguments, debug)
    args = build_parser().parse_args(arguments)
    if args.command is None:
        return _open_app([], debug)
    try:
        return args.run(args)
    except QMLStudioError as error:
        return _fail(str(error), 1)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        return _fail(f"{where}{error.strerror or error}", 1)
    except KeyboardInterrupt:
        return _fail("interrupted; no file was changed", 130)


if __name__ == "__main__":
    sys.exit(main())
