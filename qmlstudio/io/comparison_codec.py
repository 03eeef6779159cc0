"""A :class:`~qmlstudio.core.ComparisonResult` as the project file's ``comparison`` member,
and back.

Each model is one object, each of its seed runs one line::

    "comparison": {"metric": "accuracy", "folds": 5, "seeds": [0, 1, 2], "fingerprint": "…",
      "models": [{"key": "quantum", "name": "…", "quantum": true, "size_unit": "weights",
                  "runs": [{"seed": 0, "test_score": 0.86, "cv_score": 0.84,
                            "best_params": {"learning_rate": 0.1}, "fit_seconds": 0.41,
                            "search_seconds": 6.2, "n_params": 26}, …]}, …]}

A project without a comparison writes ``null``.
"""

from __future__ import annotations

from qmlstudio.core.comparison import ComparisonResult, ModelComparison, SeedRun
from qmlstudio.io.document_reader import DocumentReader
from qmlstudio.io.json_text import Inline

__all__ = ["decode_comparison", "encode_comparison"]

_KEYS = ("metric", "folds", "seeds", "fingerprint", "models")
_MODEL_KEYS = ("key", "name", "quantum", "size_unit", "runs")
_RUN_KEYS = ("seed", "test_score", "cv_score", "best_params", "fit_seconds", "search_seconds",
             "n_params")


def encode_comparison(result: ComparisonResult | None) -> dict | None:
    """The JSON form of ``result`` (None for none)."""
    if result is None:
        return None
    models = [{"key": model.key, "name": model.name, "quantum": model.quantum,
               "size_unit": model.size_unit,
               "runs": [Inline({"seed": run.seed, "test_score": run.test_score,
                                "cv_score": run.cv_score, "best_params": dict(run.best_params),
                                "fit_seconds": run.fit_seconds,
                                "search_seconds": run.search_seconds,
                                "n_params": run.n_params}) for run in model.runs]}
              for model in result.models]
    return {"metric": result.metric, "folds": result.folds, "seeds": Inline(list(result.seeds)),
            "fingerprint": result.fingerprint, "models": models}


def _decode_run(reader: DocumentReader) -> SeedRun:
    reader.object(_RUN_KEYS)
    params = reader.section("best_params", default={})
    values = {
        "seed": reader.integer("seed", minimum=0),
        "test_score": reader.number("test_score"),
        "cv_score": reader.number("cv_score"),
        "best_params": tuple((key, params.child(key, value).as_scalar())
                             for key, value in params.value.items()),
        "fit_seconds": reader.number("fit_seconds", 0.0),
        "search_seconds": reader.number("search_seconds", 0.0),
        "n_params": reader.integer("n_params", 0, minimum=0),
    }
    with reader.converting():
        return SeedRun(**values)


def _decode_model(reader: DocumentReader) -> ModelComparison:
    reader.object(_MODEL_KEYS)
    values = {
        "key": reader.text("key"),
        "name": reader.text("name", ""),
        "quantum": reader.boolean("quantum", False),
        "size_unit": reader.text("size_unit", ""),
        "runs": tuple(_decode_run(item) for item in reader.field("runs").items()),
    }
    with reader.converting():
        return ModelComparison(**values)


def decode_comparison(reader: DocumentReader) -> ComparisonResult | None:
    """The comparison at ``reader`` (None for ``null``); problems are reported at their JSON
    path."""
    if reader.is_null:
        return None
    reader.object(_KEYS)
    values = {
        "metric": reader.text("metric"),
        "folds": reader.integer("folds"),
        "seeds": tuple(item.as_int() for item in reader.field("seeds").items()),
        "fingerprint": reader.text("fingerprint", ""),
        "models": tuple(_decode_model(item) for item in reader.field("models").items()),
    }
    with reader.converting():
        return ComparisonResult(**values)
