"""A :class:`~qmlstudio.core.noise.NoiseModel` as JSON, and back.

The model is one object; each rule lists its channels, each channel its kind, parameters,
qubit count and the wire positions it takes (``[]``: see ``core.noise.noise_model``)::

    {"name": "uniform depolarizing p = 0.01",
     "rules": [{"gates": [], "qubits": null, "n_wires": null,
                "channels": [{"kind": "depolarizing", "params": [0.01], "n_qubits": 1,
                              "on": []}]}],
     "readout": [{"qubit": 0, "p1_given_0": 0.0158, "p0_given_1": 0.0548}],
     "default_readout": null, "stand_ins": {"1": "sx", "2": "cx"}, "notes": []}

A ``kraus`` channel writes ``"matrices"``: a list of matrices whose entries are
``[real, imaginary]`` pairs. Every error names the JSON path, and nothing is half-read.
"""

from __future__ import annotations

from qmlstudio.core.errors import NoiseError
from qmlstudio.core.noise import Channel, NoiseModel, NoiseRule, ReadoutError
from qmlstudio.io.document_reader import DocumentReader
from qmlstudio.io.json_text import Inline

__all__ = ["decode_noise", "encode_noise"]

_KEYS = ("name", "rules", "readout", "default_readout", "stand_ins", "notes")
_RULE_KEYS = ("gates", "qubits", "n_wires", "channels")
_CHANNEL_KEYS = ("kind", "params", "n_qubits", "on", "matrices")
_READOUT_KEYS = ("qubit", "p1_given_0", "p0_given_1")


def _encode_channel(channel: Channel, positions: tuple[int, ...]) -> Inline | dict:
    out = {"kind": channel.kind, "params": list(channel.params), "n_qubits": channel.n_qubits,
           "on": list(positions)}
    if channel.kind != "kraus":
        return Inline(out)
    out["matrices"] = [[Inline([[value.real, value.imag] for value in row]) for row in matrix]
                       for matrix in channel.matrices]
    return out


def _encode_readout(error: ReadoutError) -> dict:
    return {"p1_given_0": error.p1_given_0, "p0_given_1": error.p0_given_1}


def encode_noise(model: NoiseModel | None) -> dict | None:
    """The JSON form of ``model`` (None, the ideal case, stays None)."""
    if model is None:
        return None
    rules = [{"gates": Inline(list(rule.gates)),
              "qubits": None if rule.qubits is None else Inline(list(rule.qubits)),
              "n_wires": rule.n_wires,
              "channels": [_encode_channel(c, p) for c, p in rule.channels]}
             for rule in model.rules]
    return {"name": model.name, "rules": rules,
            "readout": [Inline({"qubit": q, **_encode_readout(e)}) for q, e in model.readout],
            "default_readout": None if model.default_readout is None
            else Inline(_encode_readout(model.default_readout)),
            "stand_ins": {str(arity): gate for arity, gate in model.stand_ins},
            "notes": list(model.notes)}


def _complex(reader: DocumentReader) -> complex:
    parts = reader.as_floats()
    if len(parts) != 2:
        reader.fail(f"expected [real, imaginary], got {len(parts)} number(s)")
    return complex(*parts)


def _decode_channel(reader: DocumentReader) -> tuple[Channel, tuple[int, ...]]:
    reader.object(_CHANNEL_KEYS)
    kind = reader.text("kind")
    params = reader.floats("params", [])
    n_qubits = reader.integer("n_qubits", 1, minimum=1)
    positions = tuple(item.as_int(minimum=0) for item in reader.field("on", []).items())
    matrices = tuple(tuple(tuple(_complex(entry) for entry in row.items())
                           for row in matrix.items())
                     for matrix in reader.field("matrices", []).items())
    try:
        return Channel(kind, params, n_qubits, matrices), positions
    except NoiseError as error:
        reader.fail(str(error))


def _decode_readout(reader: DocumentReader, keys: tuple[str, ...]) -> ReadoutError:
    reader.object(keys)
    try:
        return ReadoutError(reader.number("p1_given_0"), reader.number("p0_given_1"))
    except NoiseError as error:
        reader.fail(str(error))


def _decode_rule(reader: DocumentReader) -> NoiseRule:
    reader.object(_RULE_KEYS)
    gates = tuple(item.as_str() for item in reader.field("gates", []).items())
    qubits_reader = reader.field("qubits", None)
    qubits = None if qubits_reader.is_null else tuple(
        item.as_int(minimum=0) for item in qubits_reader.items())
    n_wires = reader.optional_integer("n_wires", minimum=1)
    channels = tuple(_decode_channel(item) for item in reader.field("channels").items())
    try:
        return NoiseRule(channels, gates, qubits, n_wires)
    except NoiseError as error:
        reader.fail(str(error))


def decode_noise(reader: DocumentReader) -> NoiseModel | None:
    """The noise model at ``reader`` (``null``: None)."""
    if reader.is_null:
        return None
    reader.object(_KEYS)
    rules = tuple(_decode_rule(item) for item in reader.field("rules", []).items())
    readout = []
    for item in reader.field("readout", []).items():
        readout.append((item.integer("qubit", minimum=0),
                        _decode_readout(item, _READOUT_KEYS)))
    default = reader.field("default_readout", None)
    stand_ins_reader = reader.section("stand_ins", default={})
    stand_ins = []
    for key, value in stand_ins_reader.value.items():
        child = stand_ins_reader.child(key, value)
        if not key.isdigit() or int(key) < 1:
            child.fail("expected a gate arity (1, 2, …) as the key")
        stand_ins.append((int(key), child.as_str()))
    notes = tuple(item.as_str() for item in reader.field("notes", []).items())
    try:
        return NoiseModel(rules, tuple(readout),
                          None if default.is_null else _decode_readout(default, _READOUT_KEYS[1:]),
                          tuple(stand_ins), reader.text("name", ""), notes)
    except NoiseError as error:
        reader.fail(str(error))
