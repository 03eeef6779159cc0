"""``qmlstudio export``: a trained project as a model file, OpenQASM or a Python script."""

from __future__ import annotations

import argparse
import sys

from qmlstudio.cli.common import naming
from qmlstudio.io.project_file import load_project

__all__ = ["EXPORT_FORMATS", "NAME", "register", "run"]

NAME = "export"
EXPORT_FORMATS = ("qmodel", "qasm3", "qasm2", "pennylane", "qiskit")
"""The exporter's formats, repeated so that building the parser does not import the ML layer
(and numba); a test keeps the two lists equal."""


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``export`` to the ``qmlstudio`` subcommands."""
    export = commands.add_parser(
        "export", prog="qmlstudio export",
        help="export a trained project as a model, OpenQASM or a Python script",
        description="Export the trained PROJECT.qmlproj as: qmodel (a model file for "
                    "'qmlstudio predict' and Python); qasm3 (the circuit with its trained "
                    "weights, the data features as 'input float[64] x0;' ...); qasm2 (the "
                    "same in OpenQASM 2.0, which has no inputs, so only for circuits that read "
                    "no data features); pennylane or qiskit (a Python script that rebuilds "
                    "the model and reproduces its predictions).")
    export.add_argument("project", metavar="PROJECT.qmlproj")
    export.add_argument("--to", required=True, choices=EXPORT_FORMATS, metavar="FORMAT",
                        help=f"one of {', '.join(EXPORT_FORMATS)}")
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qmlstudio.ml.export.formats import export_project

    project = load_project(args.project)
    with naming(args.project, args.output):
        export_project(project, args.to, args.output)
    print(f"{args.output}: exported {args.project} as {args.to}", file=sys.stderr)
    return 0
