"""``qmlstudio export``: a trained project as a model file, OpenQASM or a Python script."""

from __future__ import annotations

import argparse
import sys
import textwrap

from qmlstudio.cli.common import naming
from qmlstudio.io.project_file import load_project

__all__ = ["EXPORT_FORMATS", "FORMAT_HELP", "NAME", "register", "run"]

NAME = "export"
EXPORT_FORMATS = ("qmodel", "qasm3", "qasm2", "pennylane", "qiskit")
"""The exporter's formats, repeated so that building the parser does not import the ML layer
(and numba); a test keeps the two lists equal."""
FORMAT_HELP = {
    "qmodel": "a model file for 'qmlstudio predict' and Python",
    "qasm3": "the circuit with its trained weights, the data features as inputs "
             "('input float[64] x0;' ...) of the preprocessed sample; an amplitude-encoded "
             "model's initial state is not in the program (its comment says so)",
    "qasm2": "the same in OpenQASM 2.0, which has no inputs: refuses models whose circuit "
             "reads data features (use qasm3, or bind one sample in Python)",
    "pennylane": "a Python script that rebuilds the model with PennyLane and reproduces its "
                 "predictions (running it needs pennylane installed); a model with a noise "
                 "model runs on default.mixed with the same channels after the same gates, "
                 "and the circuit's channel operations (noise, reset, measure) as channels",
    "qiskit": "the same with Qiskit (running it needs qiskit installed); a model with a noise "
              "model builds the equivalent Aer noise model and runs Aer's density-matrix "
              "method (needs qiskit-aer), the circuit's channel operations appended as Aer "
              "errors (reset as Qiskit's reset)",
}
"""What ``export --help`` says of each format, with its limits."""


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``export`` to the ``qmlstudio`` subcommands."""
    export = commands.add_parser(
        "export", prog="qmlstudio export", formatter_class=argparse.RawDescriptionHelpFormatter,
        help="export a trained project as a model, OpenQASM or a Python script",
        description="Export the trained PROJECT.qmlproj (every format needs a trained project) "
                    "as FORMAT:\n\n" + "\n".join(
                        textwrap.fill(text, 79, initial_indent=f"  {name:<10} ",
                                      subsequent_indent=" " * 13)
                        for name, text in FORMAT_HELP.items()))
    export.add_argument("project", metavar="PROJECT.qmlproj")
    export.add_argument("--to", required=True, choices=EXPORT_FORMATS, metavar="FORMAT",
                        help=f"one of {', '.join(EXPORT_FORMATS)} (limits above)")
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qmlstudio.ml.export.formats import export_project

    project = load_project(args.project)
    with naming(args.project, args.output):
        export_project(project, args.to, args.output)
    print(f"{args.output}: exported {args.project} as {args.to}", file=sys.stderr)
    return 0
