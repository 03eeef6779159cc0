"""The result of comparing the project's quantum model with classical ones:
:class:`ComparisonResult`, saved in the project.

A comparison runs, on one train/test split and one set of cross-validation folds per seed, a
hyper-parameter search for each model, then scores the best one on the test part (see
:mod:`qmlstudio.ml.evaluation.comparison`). The value keeps every seed's run of every model
(:class:`SeedRun`); the summaries a table shows (mean and spread over seeds, the most frequent
best hyper-parameters) are properties computed from them, so each fact is stored once.

``fingerprint`` identifies what was compared (circuit, data set, preprocessing, model and
training settings); a project whose fingerprint differs shows the result as out of date.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from qmlstudio.core.errors import ProjectError
from qmlstudio.core.project_fields import (
    Scalar,
    as_tuple,
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_pairs,
    check_text,
)

__all__ = ["COMPARISON_METRICS", "ComparisonResult", "ModelComparison", "SeedRun"]

COMPARISON_METRICS = ("accuracy", "r2")
"""What the test score is: accuracy for a classifier, R² for a regressor."""


@dataclass(frozen=True, slots=True)
class SeedRun:
    """One model's search with one seed.

    ``test_score`` is the refitted best model's score on the test part, ``cv_score`` its mean
    score over the folds; ``best_params`` the chosen hyper-parameters as sorted ``(name,
    value)`` pairs (values that are no JSON scalar, such as layer sizes, as their text);
    ``fit_seconds`` the wall time of refitting the best model on the whole training part and
    ``search_seconds`` that of the whole search; ``n_params`` the fitted model's size in its
    model's ``size_unit``.
    """

    seed: int
    test_score: float
    cv_score: float
    best_params: tuple[tuple[str, Scalar], ...] = ()
    fit_seconds: float = 0.0
    search_seconds: float = 0.0
    n_params: int = 0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        check_int(self.seed, "seed", minimum=0)
        set_(self, "test_score", check_float(self.test_score, "test_score"))
        set_(self, "cv_score", check_float(self.cv_score, "cv_score"))
        set_(self, "best_params", check_pairs(self.best_params, "best_params"))
        set_(self, "fit_seconds", check_float(self.fit_seconds, "fit_seconds", minimum=0.0))
        set_(self, "search_seconds",
             check_float(self.search_seconds, "search_seconds", minimum=0.0))
        check_int(self.n_params, "n_params", minimum=0)


@dataclass(frozen=True, slots=True)
class ModelComparison:
    """Every seed's run of one model: ``key`` (``"quantum"`` or a baseline's key), the
    ``name`` shown, whether it is the ``quantum`` model, and what its ``n_params`` count
    (``size_unit``: ``"weights"``, ``"support vectors"``, ``"tree nodes"``)."""

    key: str
    name: str
    quantum: bool
    size_unit: str
    runs: tuple[SeedRun, ...]

    def __post_init__(self) -> None:
        check_text(self.key, "key", allow_empty=False)
        check_text(self.name, "name")
        check_bool(self.quantum, "quantum")
        check_text(self.size_unit, "size_unit")
        runs = as_tuple(self.runs, "runs")
        if not runs:
            raise ProjectError("runs: a compared model needs at least one run")
        for i, run in enumerate(runs):
            if not isinstance(run, SeedRun):
                raise ProjectError(f"runs[{i}]: expected a SeedRun, got {run!r}")
        object.__setattr__(self, "runs", runs)

    @property
    def test_mean(self) -> float:
        """Mean test score over the seeds."""
        return math.fsum(run.test_score for run in self.runs) / len(self.runs)

    @property
    def test_spread(self) -> float:
        """Sample standard deviation of the test score over the seeds (0 for one seed)."""
        if len(self.runs) < 2:
            return 0.0
        mean = self.test_mean
        squares = math.fsum((run.test_score - mean) ** 2 for run in self.runs)
        return math.sqrt(squares / (len(self.runs) - 1))

    @property
    def fit_seconds(self) -> float:
        """Mean wall time of fitting the chosen model on the training part."""
        return math.fsum(run.fit_seconds for run in self.runs) / len(self.runs)

    @property
    def search_seconds(self) -> float:
        """Mean wall time of one seed's whole search (every candidate on every fold)."""
        return math.fsum(run.search_seconds for run in self.runs) / len(self.runs)

    @property
    def n_params(self) -> float:
        """Mean size of the chosen models (in ``size_unit``)."""
        return sum(run.n_params for run in self.runs) / len(self.runs)

    @property
    def best_params(self) -> tuple[tuple[str, Scalar], ...]:
        """The best hyper-parameters chosen most often over the seeds (the first seed's on a
        tie)."""
        return Counter(run.best_params for run in self.runs).most_common(1)[0][0]


@dataclass(frozen=True, slots=True)
class ComparisonResult:
    """A whole comparison: the ``metric`` scored, the number of ``folds``, the ``seeds``, the
    ``fingerprint`` of what was compared and each model's runs (the quantum model first)."""

    metric: str
    folds: int
    seeds: tuple[int, ...]
    fingerprint: str
    models: tuple[ModelComparison, ...]

    def __post_init__(self) -> None:
        check_choice(self.metric, "metric", COMPARISON_METRICS)
        check_int(self.folds, "folds", minimum=2)
        seeds = tuple(check_int(seed, f"seeds[{i}]", minimum=0)
                      for i, seed in enumerate(as_tuple(self.seeds, "seeds")))
        if not seeds or len(set(seeds)) != len(seeds):
            raise ProjectError(f"seeds: expected distinct seeds, got {list(seeds)}")
        object.__setattr__(self, "seeds", seeds)
        check_text(self.fingerprint, "fingerprint")
        models = as_tuple(self.models, "models")
        keys = set()
        for i, model in enumerate(models):
            if not isinstance(model, ModelComparison):
                raise ProjectError(f"models[{i}]: expected a ModelComparison, got {model!r}")
            if model.key in keys:
                raise ProjectError(f"models[{i}].key: {model.key!r} appears twice")
            keys.add(model.key)
            run_seeds = tuple(run.seed for run in model.runs)
            if run_seeds != seeds:
                raise ProjectError(f"models[{i}].runs: seeds {list(run_seeds)} differ from the "
                                   f"comparison's {list(seeds)}")
        object.__setattr__(self, "models", models)

    @property
    def quantum(self) -> ModelComparison | None:
        """The quantum model's results (None if it was not compared)."""
        return next((model for model in self.models if model.quantum), None)
