"""Noise models in files and in a word: :func:`read_noise` (a QML Studio noise-model file or a
device calibration), :func:`write_noise_file`, the calibrations QML Studio ships
(:data:`BUNDLED_DEVICES`, :func:`bundled_device_noise`) and :func:`noise_from_spec`, the
command line's ``--noise`` argument.

Two kinds of JSON file hold noise, told apart by their content:

* a noise-model file QML Studio writes, ``{"format": "qmlstudio-noise", "schema_version": 1,
  "qmlstudio": "…", "model": {…}}`` (the model as in :mod:`.noise_codec`);
* a device calibration, the JSON of Qiskit's fake backends' ``props_*.json`` (``"qubits"`` and
  ``"gates"``), turned into a model by :func:`qmlstudio.core.noise.device_noise_model`.

Files are read as every user file is (a regular file only, a size limit, UTF-8 JSON with line and
column in the message); every error names the file and the JSON path, and nothing is
half-applied: a file gives a whole model or raises :class:`~qmlstudio.core.errors.NoiseError`.
"""

from __future__ import annotations

import os

from qmlstudio._resources import resource_path
from qmlstudio._version import __version__
from qmlstudio.core.errors import NoiseError
from qmlstudio.core.noise import NoiseModel, device_noise_model
from qmlstudio.io.atomic import atomic_write
from qmlstudio.io.document_reader import DocumentReader, read_header
from qmlstudio.io.json_text import dumps_document, parse_document
from qmlstudio.io.noise_codec import decode_noise, encode_noise
from qmlstudio.io.regular_file import read_regular_file

__all__ = ["BUNDLED_DEVICES", "MAX_NOISE_BYTES", "NOISE_FORMAT", "NOISE_SPECS",
           "bundled_device_noise", "noise_from_spec", "read_noise", "write_noise_file"]

NOISE_FORMAT = "qmlstudio-noise"
_SCHEMA = 1
MAX_NOISE_BYTES = 64 * 1024 * 1024
"""Larger files are refused before reading (IBM's largest calibration, 156 qubits, is < 1 MB)."""

BUNDLED_DEVICES = {
    "manila": ("props_manila.json", "a 5-qubit device (IBM Manila, a line of 5 qubits)"),
    "lagos": ("props_lagos.json", "a 7-qubit device (IBM Lagos, an H of 7 qubits)"),
}
"""The shipped calibrations: name -> (file in ``resources/devices``, description)."""

NOISE_SPECS = ("ideal", "depolarizing:P", "thermal:T1,T2,GATE_1Q,GATE_2Q", "device:NAME",
               "FILE.json")
"""The forms :func:`noise_from_spec` reads (for help texts)."""


def read_noise(path: str | os.PathLike) -> NoiseModel:
    """The noise model in ``path``: a noise-model file or a device calibration."""
    name = os.fspath(path)
    data = read_regular_file(path, NoiseError, "a noise model or calibration file",
                             MAX_NOISE_BYTES)
    try:
        document = parse_document(data)
    except ValueError as error:
        raise NoiseError(f"{name}: {error}") from None
    if isinstance(document, dict) and "format" in document:
        reader = DocumentReader(document, source=name, error=NoiseError)
        read_header(reader, NOISE_FORMAT, "noise model", _SCHEMA, _SCHEMA, __version__)
        reader.object(("format", "schema_version", "qmlstudio", "model"))
        model = decode_noise(reader.field("model"))
        return model if model is not None else NoiseModel.ideal()
    if isinstance(document, dict) and "qubits" in document and "gates" in document:
        return device_noise_model(document, name)
    raise NoiseError(f"{name}: neither a QML Studio noise model (no \"format\" field) nor a "
                     f"device calibration (no \"qubits\" and \"gates\")")


def write_noise_file(path: str | os.PathLike, model: NoiseModel) -> None:
    """Save ``model`` as a noise-model file (atomically: an old file stays whole on failure)."""
    document = {"format": NOISE_FORMAT, "schema_version": _SCHEMA, "qmlstudio": __version__,
                "model": encode_noise(model)}
    atomic_write(path, dumps_document(document))


def bundled_device_noise(name: str) -> NoiseModel:
    """The noise model of a shipped device calibration (a key of :data:`BUNDLED_DEVICES`)."""
    if name not in BUNDLED_DEVICES:
        raise NoiseError(f"unknown device {name!r}; the bundled ones are "
                         f"{', '.join(BUNDLED_DEVICES)}")
    return read_noise(resource_path("devices", BUNDLED_DEVICES[name][0]))


def _numbers(text: str, count: int, spec: str) -> list[float]:
    parts = text.split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) != count:
        raise NoiseError(f"noise {spec!r}: expected {count} number(s) after the colon, got "
                         f"{text!r}")
    return values


def noise_from_spec(spec: str) -> NoiseModel:
    """A noise model from a word (see :data:`NOISE_SPECS`): ``ideal``; ``depolarizing:0.01``;
    ``thermal:T1,T2,GATE_1Q,GATE_2Q`` (one time unit for all); ``device:manila`` (a bundled
    calibration); otherwise the path of a noise-model or calibration file."""
    kind, colon, rest = spec.partition(":")
    if spec == "ideal":
        return NoiseModel.ideal()
    if colon and kind == "depolarizing":
        return NoiseModel.uniform_depolarizing(*_numbers(rest, 1, spec))
    if colon and kind == "thermal":
        return NoiseModel.thermal(*_numbers(rest, 4, spec))
    if colon and kind == "device":
        return bundled_device_noise(rest)
    if not os.path.exists(spec):
        raise NoiseError(f"noise {spec!r}: no such file; give ideal, depolarizing:P, "
                         f"thermal:T1,T2,GATE_1Q,GATE_2Q, device:NAME "
                         f"({', '.join(BUNDLED_DEVICES)}) or a JSON file")
    return read_noise(spec)
