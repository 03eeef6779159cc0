"""``qmlstudio predict``: predictions of a saved model for the rows of a CSV file."""

from __future__ import annotations

import argparse
import sys

from qmlstudio.cli.common import noise_option, read_noise_spec, simulating

__all__ = ["NAME", "register", "run"]

NAME = "predict"


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``predict`` to the ``qmlstudio`` subcommands."""
    predict = commands.add_parser(
        "predict", prog="qmlstudio predict",
        help="predict with a .qmodel file on a CSV of features",
        description="Write a CSV of predictions (and class probabilities p_<class>) for the "
                    "rows of DATA.csv, whose header names the model's feature columns (or "
                    "which has exactly those columns, in order, without a header).")
    predict.add_argument("model", metavar="MODEL.qmodel")
    predict.add_argument("data", metavar="DATA.csv")
    predict.add_argument("-o", "--output", metavar="OUT.csv", help="default: stdout")
    noise_option(predict, "predict under this noise model instead of the one saved with the "
                          "model (the weights stay; ideal: the noiseless simulator)")
    simulating(predict, run)


def run(args: argparse.Namespace) -> int:
    from qmlstudio.io.atomic import atomic_write
    from qmlstudio.ml.export.model_file import load_model
    from qmlstudio.ml.export.result_tables import predictions_for_file

    model = load_model(args.model)
    if args.noise is not None:
        model = model.with_noise(read_noise_spec(args.noise))
    text, count = predictions_for_file(model, args.data)
    if args.output is None:
        sys.stdout.write(text)
    else:
        atomic_write(args.output, text)
        print(f"{args.output}: {count} predictions", file=sys.stderr)
    return 0
