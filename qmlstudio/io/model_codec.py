"""``.qmodel`` files: a :class:`~qmlstudio.core.saved_model.SavedModel` as UTF-8 JSON, and back.

A model file is JSON like a project file (no pickle; reading it runs no code)::

    {
      "format": "qmlstudio-model",
      "schema_version": 2,
      "qmlstudio": "0.1.0",
      "name": "Moons",
      "task": "classification",
      "feature_names": ["x0", "x1"],
      "class_labels": [0, 1],
      "preprocessing": {"scaling": "minmax", "scale_range": [0.0, 3.14159...],
                        "center": [...], "width": [...], "pca_mean": [], "pca_components": []},
      "amplitude_encoding": false,
      "readout": {"kind": "expval", "observables": ["Z0"], "scale": [...], "bias": [...]},
      "circuit": {"n_qubits": 4, "measured": [], "operations": [...]},
      "weights": [...],
      "versions": {"numba": "0.61.0", "numpy": "2.2.0", "qmlstudio": "0.1.0"}
    }

A ``"linear"`` readout also has ``"weights"`` (its matrix, row by row; see
:func:`~qmlstudio.io.project_codec.encode_readout`). The circuit is written by
:mod:`qmlstudio.io.circuit_codec`, exactly as in a project. Loading
checks every field and raises one :class:`ModelFileError` naming the file, the JSON path of the
bad field and what is wrong (``model.qmodel: weights[3]: must be a finite number, got nan``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from qmlstudio._version import __version__
from qmlstudio.core.errors import ModelFileError, ProjectError
from qmlstudio.core.model_spec import ModelSpec, ReadoutParams
from qmlstudio.core.preprocessing import SCALINGS, FittedPreprocessing, Preprocessing
from qmlstudio.core.saved_model import SavedModel
from qmlstudio.io.atomic import remove_stale_temp_files
from qmlstudio.io.circuit_codec import decode_circuit, encode_circuit
from qmlstudio.io.document_reader import DocumentReader, describe, read_header
from qmlstudio.io.file_kinds import wrong_kind
from qmlstudio.io.json_text import Inline, dumps_document, parse_document
from qmlstudio.io.noise_codec import decode_noise, encode_noise
from qmlstudio.io.project_codec import encode_readout
from qmlstudio.io.regular_file import read_regular_file

__all__ = ["FORMAT", "MAX_MODEL_BYTES", "SCHEMA_VERSION", "decode_model", "encode_model",
           "model_text", "read_model"]

FORMAT = "qmlstudio-model"
SCHEMA_VERSION = 4
"""Schema 2 may hold expression parameters (as project schema 3), schema 3 the ``noise`` model
the model predicts under (as project schema 5), schema 4 channel operations in the circuit (as
project schema 6); older files read as they are (an ideal model whose circuit format only
gained a parameter kind or operation)."""
OLDEST_SCHEMA = 1
MAX_MODEL_BYTES = 1 << 30
"""Files larger than this are refused before reading (a wrongly chosen file, not a model)."""

_KEYS = ("format", "schema_version", "qmlstudio", "name", "task", "feature_names",
         "class_labels", "preprocessing", "amplitude_encoding", "readout", "circuit", "weights",
         "versions", "noise")
_PREPROCESSING_KEYS = ("scaling", "scale_range", "center", "width", "pca_mean",
                       "pca_components")
_READOUT_KEYS = ("kind", "observables", "scale", "bias", "weights")


# -- encoding ------------------------------------------------------------------------------
def encode_model(saved: SavedModel) -> dict:
    """The JSON document of ``saved`` (keys in a fixed order, the circuit near the end)."""
    pre, fitted = saved.preprocessing, saved.preprocessing.fitted
    model = saved.model
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "qmlstudio": __version__,
        "name": saved.name,
        "task": model.task,
        "feature_names": Inline(list(saved.feature_names)),
        "class_labels": Inline(list(model.class_labels)),
        "preprocessing": {
            "scaling": pre.scaling,
            "scale_range": Inline(list(pre.scale_range)),
            "center": Inline(list(fitted.center)),
            "width": Inline(list(fitted.width)),
            "pca_mean": Inline(list(fitted.pca_mean)),
            "pca_components": [Inline(list(row)) for row in fitted.pca_components],
        },
        "amplitude_encoding": saved.amplitude_encoding,
        "readout": {"kind": model.readout, "observables": Inline(list(model.observables)),
                    **encode_readout(saved.readout)},
        "circuit": encode_circuit(saved.circuit),
        "weights": Inline(list(saved.weights)),
        "versions": dict(saved.versions),
        "noise": encode_noise(saved.noise),
    }


def model_text(saved: SavedModel) -> str:
    """The file text of ``saved``; raises :class:`ModelFileError` if it cannot be JSON."""
    if not isinstance(saved, SavedModel):
        raise ModelFileError(f"expected a SavedModel, got {type(saved).__name__}")
    try:
        return dumps_document(encode_model(saved))
    except (TypeError, ValueError) as error:  # e.g. an operation group that is not text
        raise ModelFileError(f"the model cannot be written as JSON: {error}") from None


# -- decoding ------------------------------------------------------------------------------
def _label(reader: DocumentReader) -> int | str:
    value = reader.value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        reader.fail(f"expected an integer or text class label, got {describe(value)}")
    return reader.as_str()


@contextmanager
def _renamed(reader: DocumentReader, *renames: tuple[str, str]) -> Iterator[None]:
    """Like ``reader.converting()``, with core field names mapped to this file's JSON paths."""
    with reader.converting():
        try:
            yield
        except ProjectError as error:
            message = str(error)
            for old, new in renames:
                if message.startswith(old):
                    message = new + message[len(old):]
                    break
            raise ProjectError(message) from None


def _decode_preprocessing(reader: DocumentReader) -> Preprocessing:
    reader.object(_PREPROCESSING_KEYS)
    scaling = reader.text("scaling", choices=SCALINGS)
    scale_range = reader.floats("scale_range", list(Preprocessing().scale_range))
    components = tuple(row.as_floats() for row in reader.field("pca_components", []).items())
    with reader.converting():
        fitted = FittedPreprocessing(reader.floats("center", []), reader.floats("width", []),
                                     reader.floats("pca_mean", []), components)
    with _renamed(reader, ("fitted.", "")):
        return Preprocessing(scaling, scale_range, len(components) or None, fitted=fitted)


def _decode_spec(reader: DocumentReader, task: str) -> ModelSpec:
    """The task (top level), class labels (top level) and readout kind and observables."""
    labels = tuple(_label(item) for item in reader.field("class_labels", []).items())
    readout = reader.section("readout", _READOUT_KEYS)
    kind = readout.text("kind", "expval")
    observables = tuple(item.as_str() for item in readout.field("observables").items())
    with _renamed(reader, ("readout", "readout.kind"), ("observables", "readout.observables")):
        return ModelSpec(task, kind, observables, labels)


def decode_model(reader: DocumentReader) -> SavedModel:
    """The model in a current-schema document (every field checked, errors at their path)."""
    reader.object(_KEYS)
    reader.text("qmlstudio", "")  # informative only, but a hand edit must still be text
    name = reader.text("name", "")
    task = reader.text("task", choices=("classification", "regression"))
    names = tuple(item.as_str() for item in reader.field("feature_names").items())
    preprocessing = _decode_preprocessing(reader.section("preprocessing"))
    amplitude = reader.boolean("amplitude_encoding", False)
    model = _decode_spec(reader, task)
    readout_reader = reader.section("readout")
    scale, bias = readout_reader.floats("scale"), readout_reader.floats("bias")
    matrix = readout_reader.floats("weights", [])
    with readout_reader.converting():
        readout = ReadoutParams(scale, bias, matrix)
    circuit = decode_circuit(reader.section("circuit"))
    weights = reader.floats("weights")
    versions_reader = reader.section("versions", default={})
    versions = tuple((key, versions_reader.child(key, value).as_str())
                     for key, value in versions_reader.value.items())
    with _renamed(reader, ("model.observables", "readout.observables"),
                  ("model.class_labels", "class_labels"),
                  ("preprocessing.fitted", "preprocessing")):
        return SavedModel(circuit, model, preprocessing, weights, readout, names, amplitude,
                          name, versions, decode_noise(reader.field("noise", None)))


# -- files ---------------------------------------------------------------------------------
def read_model(path: str | os.PathLike) -> SavedModel:
    """The model in the file at ``path``; one :class:`ModelFileError` if it cannot be used
    (a folder, pipe or device is refused without being opened). Temporary files that killed
    saves of this file left beside it are deleted."""
    path = os.fspath(path)
    data = read_regular_file(path, ModelFileError, "a model file", MAX_MODEL_BYTES)
    remove_stale_temp_files(path)
    other = wrong_kind(path, data, "model")
    if other is not None:
        raise ModelFileError(other)
    try:
        document = parse_document(data)
    except ValueError as error:
        raise ModelFileError(f"{path}: {error}") from None
    reader = DocumentReader(document, source=path, error=ModelFileError)
    read_header(reader, FORMAT, "model", SCHEMA_VERSION, OLDEST_SCHEMA, __version__)
    return decode_model(reader)
