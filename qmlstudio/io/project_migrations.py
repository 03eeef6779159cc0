"""Upgrading project documents written by older QML Studio versions.

Each schema change adds one function that turns a version ``n`` document into a version
``n + 1`` document; :func:`migrate` chains them up to the current schema, so a file from any
older version opens. Migrations work on the parsed JSON before it is validated, so they must
accept malformed documents without failing (the decoder reports what is still wrong, at the
field's current JSON path).

Schema history:

* 0 — pre-release files: ``circuit.qubits`` held the qubit count, and the trained readout
  lived inside the model as ``model.output_scale`` / ``model.output_bias``.
* 1 — ``circuit.n_qubits``; readout parameters in their own top-level ``readout`` object,
  apart from the circuit weights.
* 2 — ``preprocessing.validation_fraction``: a validation part split off the training rows,
  which early stopping and best-weight restore watch instead of the test part. A schema 1
  file had no validation part, so its documents get ``0.0`` (the test split is unchanged).
  The version was bumped, rather than the field just defaulted, so that a QML Studio that
  reads schema 1 refuses a newer file with "please update" instead of an unknown field.
* 3 — a gate parameter may be an expression ``{"constant": c, "terms": [...]}`` (see
  :mod:`qmlstudio.io.circuit_codec`). Older files hold none, so they load unchanged; the
  version was bumped so that a QML Studio reading schema 2 refuses a file that may hold one
  with "please update" rather than "expected a number" at some parameter.
* 4 — ``comparison``: the last quantum-vs-classical comparison (or ``null``). Older files have
  none, so they load unchanged; bumped so that an older QML Studio refuses a file holding one
  with "please update" rather than "unknown field".
* 5 — ``noise``: the noise model the circuit trains and is evaluated under (or ``null``, an
  ideal quantum computer). Older files have none and open as ideal.
* 6 — ``training.noise_method`` and ``training.trajectories`` (how a noisy circuit is
  simulated), and noise channels, ``reset`` and a discarded ``measure`` as circuit operations.
  Older files have none (they simulate by ``auto`` with 1000 trajectories); bumped so that an
  older QML Studio refuses a file that may hold them with "please update" rather than "unknown
  field" or "unknown gate".
* 7 — ``training.with_noise``: false trains on the ideal simulator although the project has a
  noise model. Older files have none and train under their noise model, as they did; bumped so
  that an older QML Studio refuses a file that may hold it with "please update" rather than
  "unknown field".
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["MIGRATIONS", "migrate"]


def _v0_to_v1(document: dict) -> dict:
    document = dict(document)
    circuit = document.get("circuit")
    if isinstance(circuit, dict) and "qubits" in circuit and "n_qubits" not in circuit:
        circuit = dict(circuit)
        circuit["n_qubits"] = circuit.pop("qubits")
        document["circuit"] = circuit
    model = document.get("model")
    if (isinstance(model, dict) and "readout" not in document
            and ("output_scale" in model or "output_bias" in model)):
        model = dict(model)
        document["readout"] = {"scale": model.pop("output_scale", []),
                               "bias": model.pop("output_bias", [])}
        document["model"] = model
    return document


def _v1_to_v2(document: dict) -> dict:
    document = dict(document)
    preprocessing = document.get("preprocessing")
    if isinstance(preprocessing, dict) and "validation_fraction" not in preprocessing:
        document["preprocessing"] = {**preprocessing, "validation_fraction": 0.0}
    return document


def _v2_to_v3(document: dict) -> dict:
    return document  # only a new parameter kind: every schema 2 document is a schema 3 one


def _v3_to_v4(document: dict) -> dict:
    return document  # only a new optional member: every schema 3 document is a schema 4 one


def _v4_to_v5(document: dict) -> dict:
    return document  # only a new optional member: every schema 4 document is a schema 5 one


def _v5_to_v6(document: dict) -> dict:
    return document  # only new optional members and operations: schema 5 documents are schema 6


def _v6_to_v7(document: dict) -> dict:
    return document  # only a new optional member: every schema 6 document is a schema 7 one


MIGRATIONS: dict[int, Callable[[dict], dict]] = {0: _v0_to_v1, 1: _v1_to_v2, 2: _v2_to_v3,
                                                 3: _v3_to_v4, 4: _v4_to_v5, 5: _v5_to_v6,
                                                 6: _v6_to_v7}
"""``MIGRATIONS[n]`` upgrades a schema ``n`` document to schema ``n + 1``."""


def migrate(document: dict, version: int, target: int) -> dict:
    """``document`` (schema ``version``) upgraded to schema ``target``."""
    for step in range(version, target):
        document = MIGRATIONS[step](document)
    document["schema_version"] = target
    return document
