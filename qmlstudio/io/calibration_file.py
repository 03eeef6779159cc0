"""Device calibration files (the JSON of Qiskit's fake backends' ``props_*.json``) as noise
models: :func:`read_device_noise`, and the calibrations QML Studio ships
(:data:`BUNDLED_DEVICES`, :func:`bundled_device_noise`).

The file is read as every user file is (a regular file only, a size limit, UTF-8 JSON with line
and column in the message); ``core.noise.device`` turns the document into the model and names
the JSON path of any bad value. Nothing is half-applied: a file either gives a whole model or
raises :class:`~qmlstudio.core.errors.NoiseError`.
"""

from __future__ import annotations

import os

from qmlstudio._resources import resource_path
from qmlstudio.core.errors import NoiseError
from qmlstudio.core.noise import NoiseModel, device_noise_model
from qmlstudio.io.json_text import parse_document
from qmlstudio.io.regular_file import read_regular_file

__all__ = ["BUNDLED_DEVICES", "MAX_CALIBRATION_BYTES", "bundled_device_noise",
           "read_device_noise"]

MAX_CALIBRATION_BYTES = 64 * 1024 * 1024
"""Larger files are refused before reading (IBM's largest, 156 qubits, is under 1 MB)."""

BUNDLED_DEVICES = {
    "manila": ("props_manila.json", "a 5-qubit device (IBM Manila, a line of 5 qubits)"),
    "lagos": ("props_lagos.json", "a 7-qubit device (IBM Lagos, an H of 7 qubits)"),
}
"""The shipped calibrations: name -> (file in ``resources/devices``, description)."""


def read_device_noise(path: str | os.PathLike) -> NoiseModel:
    """The noise model of the device whose calibration JSON is at ``path``."""
    name = os.fspath(path)
    data = read_regular_file(path, NoiseError, "a calibration file", MAX_CALIBRATION_BYTES)
    try:
        document = parse_document(data)
    except ValueError as error:
        raise NoiseError(f"{name}: {error}") from None
    return device_noise_model(document, name)


def bundled_device_noise(name: str) -> NoiseModel:
    """The noise model of a shipped device calibration (a key of :data:`BUNDLED_DEVICES`)."""
    if name not in BUNDLED_DEVICES:
        raise NoiseError(f"unknown device {name!r}; the bundled ones are "
                         f"{', '.join(BUNDLED_DEVICES)}")
    return read_device_noise(resource_path("devices", BUNDLED_DEVICES[name][0]))
