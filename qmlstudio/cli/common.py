"""What every command shares: the one-line-error parser, integer arguments, naming the file
an error came from, the ``--threads`` option of the commands that simulate, the ``--noise``
option of those that simulate under noise, and a progress line (which also says when a first
run prepares the simulator)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from qmlstudio.core.errors import QMLStudioError
from qmlstudio.core.noise import NoiseModel
from qmlstudio.io.noise_file import BUNDLED_DEVICES, noise_from_spec

__all__ = ["CommandParser", "ProgressLine", "count", "naming", "noise_option", "prepare_simulator",
           "read_noise_spec", "simulating"]

PREPARING_SHOWN_AFTER_S = 1.0
"""How long :func:`prepare_simulator` works before its line says so: loading the kernels from
the cache takes well under this; compiling them (a first run) takes seconds."""

NOISE_SPEC_HELP = ("ideal, depolarizing:P (after every gate on each wire), "
                   "thermal:T1,T2,GATE_1Q,GATE_2Q (one time unit), device:NAME (bundled: "
                   f"{', '.join(BUNDLED_DEVICES)}), or a noise-model or device-calibration "
                   "JSON file")
"""What every ``--noise SPEC`` accepts (see :func:`~qmlstudio.io.noise_file.noise_from_spec`)."""


@contextmanager
def naming(path: str, *named: str) -> Iterator[None]:
    """Prefix ``path`` to a :class:`QMLStudioError` whose message names no file of ``path``
    and ``named`` yet (the ML layer names only the field: which project is the caller's)."""
    try:
        yield
    except QMLStudioError as error:
        message = str(error)
        if message.startswith(tuple(f"{name}:" for name in (path, *named))):
            raise
        raise type(error)(f"{path}: {message}") from None


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block) with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def count(minimum: int):
    """An argparse ``type`` accepting integers of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer of at least {minimum}, "
                                             f"got {text!r}")
        return value

    return parse


def noise_option(parser: argparse.ArgumentParser, what: str) -> None:
    """Give a command the ``--noise SPEC`` option; ``what`` says what the command does with
    the noise model (the accepted forms follow)."""
    parser.add_argument("--noise", metavar="SPEC", help=f"{what}: {NOISE_SPEC_HELP}")


def read_noise_spec(spec: str) -> NoiseModel:
    """The noise model a ``--noise`` argument names, its notes (a T2 capped at 2·T1...)
    printed on stderr as warnings."""
    noise = noise_from_spec(spec)
    for note in noise.notes:
        print(f"qmlstudio: warning: {note}", file=sys.stderr)
    return noise


def _threads(text: str) -> int | None:
    from qmlstudio.engine import check_threads  # loads numba: only when the option is given

    try:
        return check_threads(text, "the thread count")
    except QMLStudioError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def simulating(parser: argparse.ArgumentParser,
               run: Callable[[argparse.Namespace], int]) -> None:
    """Give a command that simulates the ``--threads`` option and ``run`` as its action,
    with every engine call of the run on that many threads (see
    :func:`qmlstudio.engine.using_threads`)."""
    parser.add_argument("--threads", type=_threads, default=None, metavar="N",
                        help="simulator threads: a positive integer, or auto (the default: "
                             "chosen per call from the circuit's work and the cores other "
                             "programs leave free; NUMBA_NUM_THREADS caps both)")

    def run_on_threads(args: argparse.Namespace) -> int:
        from qmlstudio.engine import using_threads

        with using_threads(args.threads):
            return run(args)

    parser.set_defaults(run=run_on_threads)


class ProgressLine:
    """One progress line on ``stream``: redrawn in place on a terminal (at most every 0.1 s),
    otherwise printed as a new line at most every ``interval`` seconds; nothing when not
    ``enabled``."""

    def __init__(self, stream: TextIO, enabled: bool, interval: float) -> None:
        self.stream, self.enabled = stream, enabled
        self.live = enabled and stream.isatty()
        self.interval = 0.1 if self.live else interval
        self.shown = 0.0

    def due(self) -> bool:
        """True if a new line would be shown now."""
        return self.enabled and time.monotonic() - self.shown >= self.interval

    def show(self, line: str) -> None:
        """Show ``line`` now."""
        if not self.enabled:
            return
        self.shown = time.monotonic()
        self.stream.write(f"\r{line}\x1b[K" if self.live else f"{line}\n")
        self.stream.flush()

    def close(self) -> None:
        """End the live line."""
        if self.live and self.shown:
            self.stream.write("\n")
            self.stream.flush()


def prepare_simulator(line: ProgressLine) -> None:
    """Compile (or load from the cache) the simulator's kernels before a run's first result
    (:func:`qmlstudio.engine.prepare`). Once that has taken :data:`PREPARING_SHOWN_AFTER_S`
    — the first run of a fresh install compiles them — ``line`` says so, with the kernels done
    so far, so that the run's own progress (and its time left) starts after it."""
    from qmlstudio.engine import prepare

    start = time.monotonic()

    def progress(done: int, total: int) -> None:
        if time.monotonic() - start >= PREPARING_SHOWN_AFTER_S and line.due():
            line.show(f"preparing the simulator (first run only): {done}/{total} kernels")

    prepare(progress)
