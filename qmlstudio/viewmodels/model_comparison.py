"""A saved quantum-vs-classical comparison as the table the app and the CLI show (Qt-free):
:func:`comparison_table` and :func:`verdict`.

One row per model, the quantum model first; columns: the model, its test score (mean ± sample
standard deviation over the seeds), its CV score, the best hyper-parameters (the ones chosen
most often over the seeds), the time to fit the chosen model on the training part, the time of
one seed's whole search, and its size. In each numeric column the best value is marked: the
highest score, the shortest time, the fewest trained weights (support vectors and tree nodes
count something else, so they are not ranked against weights).
"""

from __future__ import annotations

from dataclasses import dataclass

from qmlstudio.core import ComparisonResult, ModelComparison

__all__ = ["ComparisonTable", "TableRow", "comparison_table", "verdict"]

_METRIC_NAMES = {"accuracy": "accuracy", "r2": "R²"}


@dataclass(frozen=True, slots=True)
class TableRow:
    """One model's cells (texts, in the order of :attr:`ComparisonTable.headers`), which of
    them hold the column's best value, and whether it is the quantum model."""

    key: str
    quantum: bool
    cells: tuple[str, ...]
    best: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class ComparisonTable:
    """Column headers and rows of a comparison table."""

    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]


def _params_text(model: ModelComparison) -> str:
    return ", ".join(f"{name}={value}" for name, value in model.best_params) or "—"


def _size_text(model: ModelComparison) -> str:
    """The chosen models' size; its range when the seeds chose models of different sizes (a
    mean such as "107.7 weights" counts nothing a model has)."""
    sizes = [run.n_params for run in model.runs]
    low, high = min(sizes), max(sizes)
    return f"{low} {model.size_unit}" if low == high else f"{low}–{high} {model.size_unit}"


def _marks(values: list[float | None], highest: bool) -> list[bool]:
    present = [v for v in values if v is not None]
    if not present:
        return [False] * len(values)
    target = max(present) if highest else min(present)
    return [v is not None and v == target for v in values]


def comparison_table(result: ComparisonResult) -> ComparisonTable:
    """The table of ``result`` (see the module docstring)."""
    metric = _METRIC_NAMES[result.metric]
    headers = ("Model", f"Test {metric}", f"CV {metric}", "Best hyper-parameters", "Fit time",
               "Search time", "Size")
    models = result.models
    cv = [sum(run.cv_score for run in m.runs) / len(m.runs) for m in models]
    columns = [
        [False] * len(models),
        _marks([m.test_mean for m in models], highest=True),
        _marks(cv, highest=True),
        [False] * len(models),
        _marks([m.fit_seconds for m in models], highest=False),
        _marks([m.search_seconds for m in models], highest=False),
        _marks([m.n_params if m.size_unit == "weights" else None for m in models],
               highest=False),
    ]
    rows = []
    for index, (model, cv_mean) in enumerate(zip(models, cv, strict=True)):
        cells = (model.name, f"{model.test_mean:.3f} ± {model.test_spread:.3f}",
                 f"{cv_mean:.3f}", _params_text(model), f"{model.fit_seconds:.2f} s",
                 f"{model.search_seconds:.1f} s", _size_text(model))
        rows.append(TableRow(model.key, model.quantum, cells,
                             tuple(column[index] for column in columns)))
    return ComparisonTable(headers, tuple(rows))


def verdict(result: ComparisonResult) -> str:
    """One sentence: how the quantum model's test score compares with the best classical
    model's, called a tie when they are equal or the gap is within their spreads over the
    seeds."""
    quantum = result.quantum
    classical = [model for model in result.models if not model.quantum]
    if quantum is None or not classical:
        return "Nothing to compare."
    best = max(classical, key=lambda model: model.test_mean)
    metric = _METRIC_NAMES[result.metric]
    gap = quantum.test_mean - best.test_mean
    seeds = f"{len(result.seeds)} seed{'s' if len(result.seeds) != 1 else ''}"
    head = (f"Test {metric} over {seeds}: quantum model {quantum.test_mean:.3f}, best "
            f"classical model ({best.name}) {best.test_mean:.3f}")
    if gap == 0:
        return f"{head} — a tie."
    if abs(gap) <= quantum.test_spread + best.test_spread:
        return f"{head} — a tie within the spread over the seeds."
    side = "quantum model" if gap > 0 else "classical model"
    return f"{head} — the {side} is better by {abs(gap):.3f}."
