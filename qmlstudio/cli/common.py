"""What every command shares: the one-line-error parser, integer arguments and naming the file
an error came from."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from qmlstudio.core.errors import QMLStudioError

__all__ = ["CommandParser", "count", "naming"]


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
