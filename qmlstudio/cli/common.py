"""What every command shares: the one-line-error parser, integer arguments and naming the file
an error came from."""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from qmlstudio.core.errors import QMLStudioError

__all__ = ["CommandParser", "ProgressLine", "count", "naming"]


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
