"""A :class:`~qmlstudio.core.project.Project` as a JSON document, and back.

:func:`encode_project` builds the document with keys in a fixed, designed order (identity
first, then circuit, data, model, training setup, trained state); :func:`decode_project` checks
every field of a current-schema document and reports the first problem as a ``ProjectError``
naming the JSON path. Reading the file, the format header and schema migration live in
:mod:`qmlstudio.io.project_file`.
"""

from __future__ import annotations

from qmlstudio._version import __version__
from qmlstudio.core.dataset_spec import DatasetSpec
from qmlstudio.core.model_spec import ModelSpec, ReadoutParams
from qmlstudio.core.preprocessing import FittedPreprocessing, Preprocessing
from qmlstudio.core.project import Project
from qmlstudio.core.training_config import EpochRecord, TrainingConfig, TrainingHistory
from qmlstudio.io.circuit_codec import decode_circuit, encode_circuit
from qmlstudio.io.comparison_codec import decode_comparison, encode_comparison
from qmlstudio.io.dataset_link import resolved_path, stored_path
from qmlstudio.io.document_reader import DocumentReader, describe
from qmlstudio.io.json_text import Inline
from qmlstudio.io.noise_codec import decode_noise, encode_noise

__all__ = ["FORMAT", "PROJECT_KEYS", "SCHEMA_VERSION", "decode_project", "encode_project"]

FORMAT = "qmlstudio-project"
SCHEMA_VERSION = 7
"""Schema 2 added ``preprocessing.validation_fraction``, schema 3 expression parameters,
schema 4 the saved quantum-vs-classical ``comparison``, schema 5 the ``noise`` model, schema 6
the noisy simulation settings and channel operations, schema 7 ``training.with_noise`` (see
:mod:`.project_migrations`)."""
PROJECT_KEYS = ("format", "schema_version", "qmlstudio", "name", "circuit", "dataset",
                "preprocessing", "model", "training", "weights", "readout", "history",
                "versions", "comparison", "noise")
"""Top-level keys in the order they are written."""

_TRAINING_KEYS = ("optimizer", "loss", "learning_rate", "epochs", "batch_size", "seed",
                  "weight_init", "gradient_method", "shots", "momentum", "spsa_perturbation",
                  "early_stopping_patience", "early_stopping_metric", "noise_method",
                  "trajectories", "with_noise")
_DATASET_KEYS = {
    "builtin": ("kind", "name", "params"),
    "csv": ("kind", "name", "path", "sha256", "delimiter", "header", "label_column",
            "feature_columns"),
    "embedded": ("kind", "name", "columns", "label_column", "feature_columns", "rows"),
}


# -- encoding ------------------------------------------------------------------------------
def _encode_dataset(spec: DatasetSpec, project_dir: str) -> dict:
    if spec.kind == "builtin":
        return {"kind": "builtin", "name": spec.name, "params": Inline(dict(spec.params))}
    item: dict[str, object] = {"kind": spec.kind, "name": spec.name}
    if spec.kind == "csv":
        item |= {"path": stored_path(spec.path, project_dir), "sha256": spec.sha256,
                 "delimiter": spec.delimiter, "header": spec.header}
    else:
        item["columns"] = Inline(list(spec.columns))
    item |= {"label_column": spec.label_column,
             "feature_columns": Inline(list(spec.feature_columns))}
    if spec.kind == "embedded":
        item["rows"] = [Inline(list(row)) for row in spec.rows]
    return item


def _encode_preprocessing(pre: Preprocessing) -> dict:
    fitted = None
    if pre.fitted is not None:
        fitted = {"center": Inline(list(pre.fitted.center)),
                  "width": Inline(list(pre.fitted.width)),
                  "pca_mean": Inline(list(pre.fitted.pca_mean)),
                  "pca_components": [Inline(list(row)) for row in pre.fitted.pca_components]}
    return {"scaling": pre.scaling, "scale_range": Inline(list(pre.scale_range)),
            "n_components": pre.n_components, "test_fraction": pre.test_fraction,
            "validation_fraction": pre.validation_fraction, "split_seed": pre.split_seed,
            "stratify": pre.stratify, "fitted": fitted}


def encode_readout(readout: ReadoutParams) -> dict:
    """The trained readout as JSON members (project and model files): ``scale`` and ``bias``,
    and ``weights`` only for a linear readout, so files of the other readouts stay as they
    were (an absent ``weights`` reads as none)."""
    members = {"scale": Inline(list(readout.scale)), "bias": Inline(list(readout.bias))}
    if readout.weights:
        members["weights"] = Inline(list(readout.weights))
    return members


def _encode_model(model: ModelSpec) -> dict:
    return {"task": model.task, "readout": model.readout,
            "observables": Inline(list(model.observables)),
            "class_labels": Inline(list(model.class_labels)),
            "train_readout": model.train_readout}


def _encode_history(history: TrainingHistory) -> dict:
    records = [Inline({"epoch": r.epoch} | dict(r.values)) for r in history.records]
    return {"stop_reason": history.stop_reason, "records": records}


def encode_project(project: Project, project_dir: str) -> dict:
    """The JSON document of ``project``; a CSV path is stored relative to ``project_dir``
    when the CSV lies in it or below it."""
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "qmlstudio": __version__,
        "name": project.name,
        "circuit": encode_circuit(project.circuit),
        "dataset": _encode_dataset(project.dataset, project_dir),
        "preprocessing": _encode_preprocessing(project.preprocessing),
        "model": _encode_model(project.model),
        "training": {key: getattr(project.training, key) for key in _TRAINING_KEYS},
        "weights": list(project.weights),
        "readout": encode_readout(project.readout),
        "history": _encode_history(project.history),
        "versions": dict(project.versions),
        "comparison": encode_comparison(project.comparison),
        "noise": encode_noise(project.noise),
    }


# -- decoding ------------------------------------------------------------------------------
def _column(reader: DocumentReader) -> int | str:
    if isinstance(reader.value, str):
        return reader.as_str()
    if isinstance(reader.value, int) and not isinstance(reader.value, bool):
        return reader.as_int(minimum=0)
    reader.fail(f"expected a column name or a 0-based column number, got {describe(reader.value)}")


def _decode_dataset(reader: DocumentReader, project_dir: str) -> DatasetSpec:
    kind = reader.text("kind", "builtin", choices=_DATASET_KEYS)
    reader.object(_DATASET_KEYS[kind])
    default_name = DatasetSpec().name if kind == "builtin" else ""
    fields: dict[str, object] = {"kind": kind, "name": reader.text("name", default_name)}
    if kind == "builtin":
        params = reader.section("params", default={})
        fields["params"] = tuple((key, params.child(key, value).as_scalar())
                                 for key, value in params.value.items())
    else:
        fields["label_column"] = _column(reader.field("label_column"))
        fields["feature_columns"] = tuple(
            _column(item) for item in reader.field("feature_columns", []).items())
    if kind == "csv":
        fields |= {"path": resolved_path(reader.text("path"), project_dir),
                   "sha256": reader.text("sha256"), "delimiter": reader.text("delimiter", ","),
                   "header": reader.boolean("header", True)}
    elif kind == "embedded":
        fields["columns"] = tuple(item.as_str() for item in reader.field("columns").items())
        fields["rows"] = tuple(tuple(cell.as_scalar() for cell in row.items())
                               for row in reader.field("rows").items())
    with reader.converting():
        return DatasetSpec(**fields)


def _decode_fitted(reader: DocumentReader) -> FittedPreprocessing | None:
    if reader.is_null:
        return None
    reader.object(("center", "width", "pca_mean", "pca_components"))
    center, width = reader.floats("center", []), reader.floats("width", [])
    pca_mean = reader.floats("pca_mean", [])
    components = tuple(row.as_floats() for row in reader.field("pca_components", []).items())
    with reader.converting():
        return FittedPreprocessing(center, width, pca_mean, components)


def _decode_preprocessing(reader: DocumentReader) -> Preprocessing:
    reader.object(("scaling", "scale_range", "n_components", "test_fraction",
                   "validation_fraction", "split_seed", "stratify", "fitted"))
    defaults = Preprocessing()
    values = {
        "scaling": reader.text("scaling", defaults.scaling),
        "scale_range": reader.floats("scale_range", list(defaults.scale_range)),
        "n_components": reader.optional_integer("n_components"),
        "test_fraction": reader.number("test_fraction", defaults.test_fraction),
        "validation_fraction": reader.number("validation_fraction",
                                             defaults.validation_fraction),
        "split_seed": reader.integer("split_seed", defaults.split_seed),
        "stratify": reader.boolean("stratify", defaults.stratify),
        "fitted": _decode_fitted(reader.field("fitted", None)),
    }
    with reader.converting():
        return Preprocessing(**values)


def _decode_model(reader: DocumentReader) -> ModelSpec:
    reader.object(("task", "readout", "observables", "class_labels", "train_readout"))
    defaults = ModelSpec()
    labels = []
    for item in reader.field("class_labels", []).items():
        value = item.value
        labels.append(value if isinstance(value, int) and not isinstance(value, bool)
                      else item.as_str())
    values = {
        "task": reader.text("task", defaults.task),
        "readout": reader.text("readout", defaults.readout),
        "observables": tuple(item.as_str() for item in
                             reader.field("observables", list(defaults.observables)).items()),
        "class_labels": tuple(labels),
        "train_readout": reader.boolean("train_readout", defaults.train_readout),
    }
    with reader.converting():
        return ModelSpec(**values)


def _decode_training(reader: DocumentReader) -> TrainingConfig:
    reader.object(_TRAINING_KEYS)
    defaults = TrainingConfig()
    values: dict[str, object] = {}
    for key in _TRAINING_KEYS:
        default = getattr(defaults, key)
        if key in ("shots", "early_stopping_patience"):
            values[key] = reader.optional_integer(key)
        elif isinstance(default, str):
            values[key] = reader.text(key, default)
        elif isinstance(default, bool):
            values[key] = reader.boolean(key, default)
        elif isinstance(default, int):
            values[key] = reader.integer(key, default)
        else:
            values[key] = reader.number(key, default)
    with reader.converting():
        return TrainingConfig(**values)


def _decode_history(reader: DocumentReader) -> TrainingHistory:
    reader.object(("stop_reason", "records"))
    records = []
    for item in reader.field("records", []).items():
        members = item.object()
        epoch = item.integer("epoch")
        values = []
        for key, value in members.items():
            if key != "epoch":
                field = item.child(key, value)
                values.append((key, None if field.is_null else field.as_float()))
        with item.converting():
            records.append(EpochRecord(epoch, tuple(values)))
    stop_reason = reader.text("stop_reason", "")
    with reader.converting():
        return TrainingHistory(tuple(records), stop_reason)


def decode_project(reader: DocumentReader, project_dir: str) -> Project:
    """The project in a current-schema document; a relative CSV path is resolved against
    ``project_dir``. The data set's status is left ``"ok"`` (the loader checks the file)."""
    reader.object(PROJECT_KEYS)
    reader.text("qmlstudio", "")  # informative only, but a hand edit must still be text
    circuit = decode_circuit(reader.section("circuit"))
    dataset = _decode_dataset(reader.section("dataset", default={}), project_dir)
    preprocessing = _decode_preprocessing(reader.section("preprocessing", default={}))
    model = _decode_model(reader.section("model", default={}))
    training = _decode_training(reader.section("training", default={}))
    readout_reader = reader.section("readout", ("scale", "bias", "weights"), default={})
    scale, bias = readout_reader.floats("scale", []), readout_reader.floats("bias", [])
    matrix = readout_reader.floats("weights", [])
    with readout_reader.converting():
        readout = ReadoutParams(scale, bias, matrix)
    history = _decode_history(reader.section("history", default={}))
    versions_reader = reader.section("versions", default={})
    versions = tuple((key, versions_reader.child(key, value).as_str())
                     for key, value in versions_reader.value.items())
    comparison = decode_comparison(reader.field("comparison", None))
    noise = decode_noise(reader.field("noise", None))
    name, weights = reader.text("name", ""), reader.floats("weights", [])
    with reader.converting():
        return Project(circuit, name, dataset, preprocessing, model, training, weights, readout,
                       history, versions, comparison, noise)
