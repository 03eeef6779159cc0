"""The ``qmlstudio`` command: one module per subcommand (``NAME``, ``register``, ``run``).

::

    qmlstudio [--debug] [PATH ...]                    the desktop app (opening PATH)
    qmlstudio new --model NAME --data DATASET -o OUT.qmlproj [--separable] [--qubits N]
                  [--layers L] [--label COLUMN] [--task TASK] [--force]  |  new --list
    qmlstudio train PROJECT.qmlproj [--epochs N] [--seed S] [--restart] [--json] [--quiet]
                    [--noise SPEC] [--threads N]
    qmlstudio predict MODEL.qmodel DATA.csv [-o OUT.csv] [--noise SPEC] [--threads N]
    qmlstudio evaluate MODEL_OR_PROJECT DATA.csv [--noise SPEC] [--strengths 0,0.5,1,2]
                       [--label COLUMN] [-o OUT.csv] [--threads N]
    qmlstudio export PROJECT.qmlproj --to qmodel|qasm3|qasm2|pennylane|qiskit -o FILE
    qmlstudio compare PROJECT.qmlproj [--seeds N] [--folds K] [--json] [--quiet]
                      [--threads N]

``new`` writes a project with a model-family preset (``--list`` names them) on a built-in data
set or a CSV file. ``train`` shows a progress bar on stderr, saves the weights and history back
into the project (atomically; a trained project continues from its weights unless
``--restart``) and prints the final losses and metrics on stdout (with ``--json``, one JSON
object): ``train_*``, ``val_*`` when the project has a validation part, ``test_*`` when it has
a test part, and the same metrics of the classical baselines fitted on the same split
(``baselines``: by key, e.g. ``logistic_regression``, ``svm_rbf``, ``mlp``, ``random_forest``).
``predict`` writes a CSV of predictions (and class probabilities ``p_<class>``) to ``OUT.csv``
or stdout (``--noise SPEC``: under that noise model instead of the model's own). ``evaluate``
prints the accuracy-vs-noise table of a trained model, its noise model (or ``--noise``) scaled
by each strength without retraining (see :mod:`.evaluate`). ``compare`` grid-searches the
project's circuit and classical baselines on the same split and folds, prints the table and
saves the result into the project (see :mod:`.compare`).
``--threads N`` (train, predict, evaluate, compare) runs the simulator on N threads; without it
(or with ``auto``) each engine call chooses from its work and the free cores.
A problem with the arguments or a file is reported as one line on stderr with a
non-zero exit status: 2 for bad arguments, 1 for a file or data problem, 130 when interrupted.
``--debug`` (anywhere on the line) turns on verbose logging: to stderr, and in the desktop app
also to its log file.
"""

from __future__ import annotations

import argparse
import logging
import platform
import sys
from collections.abc import Sequence
from pathlib import Path

from qmlstudio._version import __version__
from qmlstudio.cli import compare, evaluate, export, new, predict, train
from qmlstudio.cli.common import CommandParser
from qmlstudio.core.errors import QMLStudioError

__all__ = ["build_parser", "main"]

COMMAND_MODULES = (new, train, predict, evaluate, export, compare)
COMMANDS = tuple(module.NAME for module in COMMAND_MODULES)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``qmlstudio`` and its subcommands."""
    parser = CommandParser(
        prog="qmlstudio", usage="qmlstudio [-h] [--version] [--debug] [PATH | COMMAND ...]",
        description="QML Studio: design, train and export parameterised quantum circuits. "
                    "Without a command it opens the desktop app (with PATH, that project).")
    parser.add_argument("--version", action="version", version=f"qmlstudio {__version__}")
    # Taken off the line by main() before parsing; declared here for --help.
    parser.add_argument("--debug", action="store_true",
                        help="verbose logging to stderr (and the desktop app's log file)")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND",
                                     parser_class=CommandParser)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


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
