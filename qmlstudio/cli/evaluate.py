"""``qmlstudio evaluate``: how a trained model's accuracy (or R²) holds up as noise grows,
without retraining (see :mod:`qmlstudio.ml.evaluation.robustness`)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from qmlstudio.cli.common import naming, noise_option, read_noise_spec, simulating

if TYPE_CHECKING:
    from qmlstudio.ml.evaluation.robustness import NoiseRobustness
    from qmlstudio.ml.export.trained_model import TrainedModel

__all__ = ["NAME", "register", "run"]

NAME = "evaluate"
DEFAULT_STRENGTHS = "0,0.5,1,2"
"""``--strengths`` when not given (the ML layer's default, kept here so that building the
parser does not import the ML layer; a test keeps the two equal)."""


def _strengths(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        values = ()
    if not values or any(not 0 <= value < float("inf") for value in values):
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers of at least 0 "
                                         f"(e.g. {DEFAULT_STRENGTHS}), got {text!r}")
    return values


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``evaluate`` to the ``qmlstudio`` subcommands."""
    evaluate = commands.add_parser(
        "evaluate", prog="qmlstudio evaluate",
        help="score a trained model under a range of noise strengths",
        description="Score the trained model (a .qmodel file or a trained project) on the rows "
                    "of DATA.csv under the noise model scaled by each strength (0: ideal, 1: "
                    "the model itself, 2: every channel and readout error twice as strong) "
                    "and print the accuracy and F1 (classifier) or R² and MSE (regressor) of "
                    "each. The trained weights are not changed. DATA.csv holds the model's "
                    "feature columns (named in a header row; without one, the features in the "
                    "model's order) and a label column. Limits: exact density-matrix "
                    "simulation (memory grows as 16^qubits: up to about 14 qubits); a general "
                    "Kraus channel has no strength to scale; amplitude-encoded models evaluate "
                    "ideal only.")
    evaluate.add_argument("model", metavar="MODEL_OR_PROJECT")
    evaluate.add_argument("data", metavar="DATA.csv")
    noise_option(evaluate, "the noise model to scale (default: the one the model was trained "
                           "under; depolarizing without a P makes the strengths depolarizing "
                           "probabilities)")
    evaluate.add_argument("--strengths", type=_strengths, default=_strengths(DEFAULT_STRENGTHS),
                          metavar="S,S,...",
                          help=f"noise strengths, comma-separated (default: {DEFAULT_STRENGTHS})")
    evaluate.add_argument("--label", metavar="COLUMN",
                          help="the label column of DATA.csv (default: a project's label "
                               "column, else the last column)")
    evaluate.add_argument("-o", "--output", metavar="OUT.csv",
                          help="also write the table as CSV (atomically)")
    simulating(evaluate, run)


def _trained_model(path: str) -> tuple[TrainedModel, object]:
    """The model in ``path`` (a .qmodel file or a trained project) and the label column its
    data set names (None: not known)."""
    from qmlstudio.core.errors import ModelFileError
    from qmlstudio.io.file_kinds import file_kind
    from qmlstudio.io.project_file import MAX_PROJECT_BYTES, load_project
    from qmlstudio.io.regular_file import read_regular_file
    from qmlstudio.ml.export.model_file import load_model
    from qmlstudio.ml.export.trained_model import TrainedModel

    data = read_regular_file(path, ModelFileError, "a model or project file", MAX_PROJECT_BYTES)
    if file_kind(data) != "project":
        return load_model(path), None
    project = load_project(path)
    with naming(path):
        return TrainedModel.from_project(project), project.dataset.label_column


def _labelled_rows(model: TrainedModel, path: str, label: object) -> tuple[object, object]:
    """Raw features and targets (original labels, or values) of the CSV at ``path``."""
    from qmlstudio.ml.data.csv_files import read_csv_table
    from qmlstudio.ml.data.table import table_dataset

    table = read_csv_table(path)[0]
    names = model.feature_names if table.header is not None else ()
    data = table_dataset(table, label, names, task=model.task)
    if model.is_classifier:
        return data.features, [data.class_labels[k] for k in data.labels]
    return data.features, data.labels


def _table_text(table: NoiseRobustness) -> str:
    names = {"accuracy": "accuracy", "f1": "F1", "r2": "R²", "mse": "MSE"}
    lines = ["  ".join([f"{'strength':>8}", *(f"{names[m]:>8}" for m in table.metrics),
                        "noise model"])]
    for strength, name, values in zip(table.strengths, table.noise_names, table.values,
                                      strict=True):
        lines.append("  ".join([f"{strength:>8g}", *(f"{v:>8.4f}" for v in values), name]))
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from qmlstudio.core.errors import NoiseError
    from qmlstudio.io.atomic import atomic_write
    from qmlstudio.ml.evaluation.robustness import noise_robustness
    from qmlstudio.ml.export.result_tables import robustness_csv

    model, label = _trained_model(args.model)
    noise = (args.noise if args.noise in (None, "depolarizing")
             else read_noise_spec(args.noise))
    if noise is None and model.saved.noise is None:
        raise NoiseError(f"{args.model}: the model was trained without noise; give the noise "
                         f"to scale with --noise SPEC, or sweep a depolarizing p with --noise "
                         f"depolarizing --strengths 0,0.01,0.05")
    features, targets = _labelled_rows(model, args.data, args.label if args.label is not None
                                       else label)
    with naming(args.model, args.data):
        table = noise_robustness(model, features, targets, noise, args.strengths)
    sys.stdout.write(_table_text(table))
    if args.output is not None:
        atomic_write(args.output, robustness_csv(table))
        print(f"{args.output}: {len(table.strengths)} rows", file=sys.stderr)
    return 0
