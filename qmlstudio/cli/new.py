"""``qmlstudio new``: write a new project with a model-family preset on a data set."""

from __future__ import annotations

import argparse
import os

from qmlstudio.cli.common import count, naming
from qmlstudio.core.dataset_spec import BUILTIN_DATASETS
from qmlstudio.core.errors import ProjectError
from qmlstudio.core.model_spec import TASKS
from qmlstudio.core.wording import counted

__all__ = ["NAME", "register", "run"]

NAME = "new"


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``new`` to the ``qmlstudio`` subcommands (the preset names are checked in
    :func:`run`, so that building the parser loads no ML code)."""
    new = commands.add_parser(
        "new", prog="qmlstudio new",
        help="write a new project with a model-family preset (see --list)",
        description="Write OUT.qmlproj (atomically): the preset model on DATASET with the "
                    "default preprocessing (min-max to [0, pi], a quarter held out for testing) "
                    "and training settings; train it with 'qmlstudio train OUT.qmlproj'.")
    new.add_argument("--list", action="store_true",
                     help="list the presets with a one-line summary and exit")
    new.add_argument("--model", metavar="NAME", help="the preset (see --list)")
    new.add_argument("--separable", action="store_true",
                     help="the same circuit without its two-qubit gates (no entanglement)")
    new.add_argument("--qubits", type=count(1), metavar="N",
                     help="number of qubits (default: the preset's for the data)")
    new.add_argument("--layers", type=count(1), default=2, metavar="L",
                     help="trainable layers (default: 2)")
    new.add_argument("--data", metavar="DATASET",
                     help=f"a built-in data set ({', '.join(BUILTIN_DATASETS)}) or a CSV file")
    new.add_argument("--label", metavar="COLUMN",
                     help="the CSV's label column, by name or 0-based number (default: the last)")
    new.add_argument("--task", choices=TASKS,
                     help="classification or regression (default: what the data set holds)")
    new.add_argument("-o", "--output", metavar="OUT.qmlproj", help="the project file to write")
    new.add_argument("--force", action="store_true", help="replace OUT.qmlproj if it exists")
    new.set_defaults(run=run, parser=new)


def _list() -> int:
    from qmlstudio.ml.models.presets import PRESETS

    width = max(map(len, PRESETS))
    for name, entry in PRESETS.items():
        print(f"{name:<{width}}  {entry.summary} ({entry.citation})")
    return 0


def _dataset_spec(data: str, label: str | None):
    """The data set ``data`` names: a built-in one, or a CSV file (its label column by name,
    by number, or the last)."""
    from qmlstudio.core.dataset_spec import DatasetSpec
    from qmlstudio.io.dataset_link import csv_dataset
    from qmlstudio.ml.data.csv_files import load_csv

    if data in BUILTIN_DATASETS:
        if label is not None:
            raise ProjectError(f"--label: the built-in data set {data!r} has its own labels")
        return DatasetSpec.builtin(data)
    if not os.path.isfile(data):
        raise ProjectError(f"--data: {data!r} is neither a built-in data set "
                           f"({', '.join(BUILTIN_DATASETS)}) nor a CSV file")
    if label is None:  # the last column: after every feature column
        return csv_dataset(data, load_csv(data).n_features)
    return csv_dataset(data, int(label) if label.isdigit() else label)


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list()
    missing = [option for option, value in (("--model", args.model), ("--data", args.data),
                                            ("-o", args.output)) if value is None]
    if missing:
        args.parser.error(f"missing {', '.join(missing)} (or --list)")
    from qmlstudio.ml.models.presets import PRESETS

    if args.model not in PRESETS:
        args.parser.error(f"--model: unknown preset {args.model!r}; choose one of "
                          f"{', '.join(PRESETS)}")
    if os.path.exists(args.output) and not args.force:
        raise ProjectError(f"{args.output}: the file exists; choose another name or pass "
                           f"--force to replace it")

    from qmlstudio.core import Circuit, ModelSpec, Project, TrainingConfig
    from qmlstudio.io.project_file import save_project
    from qmlstudio.ml.data.loading import load_dataset
    from qmlstudio.ml.models.presets import preset_project
    from qmlstudio.ml.models.quantum_model import DEFAULT_LOSSES

    with naming(args.data):
        spec = _dataset_spec(args.data, args.label)
        dataset = load_dataset(spec, task=args.task)
    base = Project(Circuit(1), os.path.splitext(os.path.basename(args.output))[0], spec,
                   model=ModelSpec(dataset.task),
                   training=TrainingConfig(loss=DEFAULT_LOSSES[dataset.task]))
    project = preset_project(base, args.model, args.qubits, args.layers, args.separable,
                             dataset=dataset)
    save_project(project, args.output)
    circuit, model = project.circuit, project.model
    variant = " (separable)" if args.separable else ""
    print(f"{args.output}: {args.model}{variant} on {args.data}: "
          f"{counted(circuit.n_qubits, 'qubit')}, {counted(circuit.n_weights, 'weight')}, "
          f"readout {model.readout} of "
          f"{', '.join(model.observables)}; train it with 'qmlstudio train {args.output}'")
    return 0
