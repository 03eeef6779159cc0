"""Command-line entry point: ``qmlstudio [--version] [--help]``.

Later subcommands (``train``, ``predict``, ``export``) and the desktop app hang off here.
"""

from __future__ import annotations

import argparse
import sys

from ._version import __version__

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``qmlstudio``."""
    parser = argparse.ArgumentParser(
        prog="qmlstudio",
        description="QML Studio: design, train and export parameterised quantum circuits.",
    )
    parser.add_argument("--version", action="version", version=f"qmlstudio {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    build_parser().parse_args(argv)
    print(f"qmlstudio {__version__}: the desktop app arrives in a later release; "
          "see `qmlstudio --help`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
