"""``qmlstudio compare``: is the project's quantum model better than classical ones?

Runs :func:`~qmlstudio.ml.evaluation.comparison.compare_models` (a grid search for the
project's circuit and each classical baseline on the same split and folds, over several
seeds), prints the table and a one-sentence verdict (with ``--json``, one JSON object) and
saves the result into the project (atomically), where the app shows it too.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import TextIO

from qmlstudio.cli.common import ProgressLine, count, naming, simulating
from qmlstudio.io.project_file import load_project, save_project

__all__ = ["NAME", "register", "run"]

NAME = "compare"


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``compare`` to the ``qmlstudio`` subcommands."""
    compare = commands.add_parser(
        "compare", prog="qmlstudio compare",
        help="compare the quantum model with classical ones and save the result",
        description="Run, on the project's train/test split and the same seeded "
                    "cross-validation folds, a grid search for the project's circuit (its "
                    "learning rate halved and doubled) and for classical baselines (logistic "
                    "regression, RBF SVM, MLP, random forest; their regressors for targets); "
                    "print each model's test score (mean ± spread over the seeds), best "
                    "hyper-parameters, fit time and size, and save the result into "
                    "PROJECT.qmlproj (atomically).")
    compare.add_argument("project", metavar="PROJECT.qmlproj")
    compare.add_argument("--seeds", type=count(1), default=None, metavar="N",
                         help="seeds to repeat everything with (default: 3)")
    compare.add_argument("--folds", type=count(2), default=None, metavar="K",
                         help="cross-validation folds (default: 5)")
    compare.add_argument("--json", action="store_true",
                         help="print the result as one JSON object")
    compare.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    simulating(compare, run)


class _Progress:
    """Fits done so far on ``stream``: redrawn in place on a terminal, otherwise a new line at
    most every five seconds (and the last one)."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.line = ProgressLine(stream, enabled, interval=5.0)

    def __call__(self, done: int, total: int, what: str) -> None:
        if done < total and not self.line.due():
            return
        self.line.show(f"fit {done}/{total} ({done / total:.0%})  {what}")
        if done == total:
            self.line.close()


def _summary(result) -> dict:
    from qmlstudio.viewmodels.model_comparison import verdict

    models = [{"key": m.key, "name": m.name, "quantum": m.quantum, "test_mean": m.test_mean,
               "test_spread": m.test_spread, "best_params": dict(m.best_params),
               "fit_seconds": m.fit_seconds, "search_seconds": m.search_seconds,
               "n_params": m.n_params, "size_unit": m.size_unit,
               "test_scores": [run.test_score for run in m.runs]} for m in result.models]
    return {"metric": result.metric, "folds": result.folds, "seeds": list(result.seeds),
            "models": models, "verdict": verdict(result)}


def _print_table(result) -> None:
    from qmlstudio.viewmodels.model_comparison import comparison_table, verdict

    table = comparison_table(result)
    lines = [table.headers, *(row.cells for row in table.rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(table.headers))]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
              .rstrip())
    print(verdict(result))


def run(args: argparse.Namespace) -> int:
    from qmlstudio.ml.evaluation.comparison import DEFAULT_FOLDS, DEFAULT_SEEDS, compare_models

    project = load_project(args.project)
    progress = _Progress(sys.stderr, not args.quiet)
    with naming(args.project):
        result = compare_models(project, seeds=args.seeds or DEFAULT_SEEDS,
                                folds=args.folds or DEFAULT_FOLDS, progress=progress)
    save_project(replace(project, comparison=result), args.project)
    if args.json:
        print(json.dumps(_summary(result)))
    else:
        _print_table(result)
        print(f"{args.project}: comparison saved", file=sys.stderr)
    return 0
