"""A device's noise model from its calibration data, as Qiskit Aer builds it.

The calibration is the JSON of Qiskit's fake backends' ``props_*.json`` (IBM's backend
properties): per qubit ``T1``, ``T2``, ``readout_error``, ``prob_meas0_prep1``,
``prob_meas1_prep0`` (each ``{"name", "value", "unit"}``), per gate ``{"gate", "qubits",
"parameters": [gate_error, gate_length]}``. :func:`device_noise_model` turns it into the model
``qiskit_aer.noise.NoiseModel.from_backend`` makes at temperature 0:

* after every calibrated gate on its qubits, a depolarizing channel whose strength makes the
  gate's total average infidelity equal its ``gate_error`` (none when thermal relaxation alone
  already exceeds it), then thermal relaxation of each of its qubits for the gate's length;
* T2 capped at 2·T1 (a physical bound some calibrations break), each cap written in the
  model's ``notes``;
* a readout error per qubit from ``prob_meas1_prep0`` / ``prob_meas0_prep1`` (or the symmetric
  ``readout_error`` when those are missing).

Gates the device does not calibrate take the noise of its one- and two-qubit native gates
(``sx``; ``cx``, ``ecr`` or ``cz``) as stand-ins; a two-qubit gate between qubits the device
does not couple has no calibration and adds no noise (a device would need SWAPs).
"""

from __future__ import annotations

import math

from qmlstudio.core.errors import NoiseError
from qmlstudio.core.noise.channels import Channel
from qmlstudio.core.noise.noise_model import NoiseModel, NoiseRule, ReadoutError

__all__ = ["device_noise_model"]

_TO_NS = {"": 1.0, "ns": 1.0, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "ps": 1e-3}
_STAND_INS = {1: ("sx", "u2", "u3"), 2: ("cx", "ecr", "cz")}


class _Reader:
    """Typed access to the calibration JSON with errors that name the JSON path."""

    def __init__(self, source: str) -> None:
        self.source = f"{source}: " if source else ""

    def fail(self, path: str, what: str) -> NoiseError:
        return NoiseError(f"{self.source}{path}: {what}")

    def get(self, mapping: object, key: str, path: str, kind: type | tuple[type, ...]):
        if not isinstance(mapping, dict):
            raise self.fail(path, f"expected an object, got {type(mapping).__name__}")
        if key not in mapping:
            raise self.fail(path, f"the field {key!r} is missing")
        value = mapping[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.fail(f"{path}.{key}", f"expected {_kind_name(kind)}, got "
                                             f"{type(value).__name__}")
        return value

    def items(self, value: object, path: str) -> list:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, got {type(value).__name__}")
        return value

    def parameters(self, entries: object, path: str) -> dict[str, float]:
        """``[{"name", "value", "unit"}, ...]`` as ``{name: value in ns or plain}``."""
        out: dict[str, float] = {}
        for i, entry in enumerate(self.items(entries, path)):
            where = f"{path}[{i}]"
            name = self.get(entry, "name", where, str)
            value = self.get(entry, "value", where, (int, float))
            unit = entry.get("unit", "")
            if not isinstance(unit, str):
                raise self.fail(f"{where}.unit", "expected text")
            try:
                value = float(value)
            except OverflowError:  # an integer with hundreds of digits
                raise self.fail(f"{where}.value", "too large a number") from None
            if not math.isfinite(value):
                raise self.fail(f"{where}.value", f"must be finite, got {value}")
            if name in ("T1", "T2", "gate_length", "readout_length"):
                if unit not in _TO_NS:
                    raise self.fail(f"{where}.unit", f"unknown time unit {unit!r}")
                value = value * _TO_NS[unit]
                if value < 0 or (value == 0 and name in ("T1", "T2")):
                    raise self.fail(f"{where}.value", f"{name} must be positive")
            elif name in ("gate_error", "readout_error", "prob_meas0_prep1",
                          "prob_meas1_prep0") and not 0 <= value <= 1:
                raise self.fail(f"{where}.value", f"{name} must lie in [0, 1], got {value}")
            out[name] = float(value)
        return out


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "an integer", float: "a number", list: "a list", dict: "an object"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def device_noise_model(properties: object, source: str = "") -> NoiseModel:
    """The noise model of the device whose calibration is ``properties`` (the parsed JSON);
    ``source`` (a file name) starts every error message."""
    read = _Reader(source)
    qubit_entries = read.items(read.get(properties, "qubits", "$", list), "$.qubits")
    if not qubit_entries:
        raise read.fail("$.qubits", "the device has no qubits")
    qubits = [read.parameters(entry, f"$.qubits[{q}]") for q, entry in enumerate(qubit_entries)]
    notes: list[str] = []
    relax_times = [_relaxation(q, values, notes) for q, values in enumerate(qubits)]
    rules, names = [], set()
    for i, gate in enumerate(read.items(read.get(properties, "gates", "$", list), "$.gates")):
        where = f"$.gates[{i}]"
        name = read.get(gate, "gate", where, str)
        wires = tuple(read.items(read.get(gate, "qubits", where, list), f"{where}.qubits"))
        if not wires or any(isinstance(q, bool) or not isinstance(q, int)
                            or not 0 <= q < len(qubits) for q in wires) \
                or len(set(wires)) != len(wires):
            raise read.fail(f"{where}.qubits", f"expected distinct qubits 0..{len(qubits) - 1}, "
                                               f"got {wires}")
        values = read.parameters(gate.get("parameters", []), f"{where}.parameters")
        names.add(name)
        channels = _gate_channels(values, [relax_times[q] for q in wires])
        rules.append(NoiseRule(tuple(channels), gates=(name,), qubits=wires))
    readout = [(q, error) for q, values in enumerate(qubits)
               if (error := _readout(values)) is not None]
    stand_ins = tuple((arity, next(n for n in options if n in names))
                      for arity, options in _STAND_INS.items()
                      if any(n in names for n in options))
    label = properties.get("backend_name", "device") if isinstance(properties, dict) else ""
    date = properties.get("last_update_date", "") if isinstance(properties, dict) else ""
    name = f"{label} ({date[:10]})" if isinstance(date, str) and date else str(label)
    return NoiseModel(tuple(rules), tuple(readout), None, stand_ins, name, tuple(notes))


def _relaxation(qubit: int, values: dict[str, float], notes: list[str]):
    """``(T1, T2)`` in ns with T2 capped at 2·T1 (noted), or None without both."""
    if "T1" not in values or "T2" not in values:
        notes.append(f"qubit {qubit}: no T1/T2 in the calibration, so no thermal relaxation")
        return None
    t1, t2 = values["T1"], values["T2"]
    if t2 > 2 * t1:
        notes.append(f"qubit {qubit}: T2 = {t2 / 1e3:.4g} µs exceeds 2·T1 = {2 * t1 / 1e3:.4g} "
                     f"µs, which no physical qubit allows; capped at 2·T1 (as Qiskit Aer does)")
        t2 = 2 * t1
    return t1, t2


def _gate_channels(values: dict[str, float], relax: list) -> list:
    """Depolarizing (matching ``gate_error``), then each qubit's relaxation for the gate's
    length: ``(channel, positions)`` pairs."""
    length = values.get("gate_length")
    relaxing = [(Channel.thermal_relaxation(t1, t2, length), (position,))
                for position, times in enumerate(relax) if times is not None and length
                for t1, t2 in [times]]
    relaxing = [(channel, positions) for channel, positions in relaxing
                if not channel.is_identity]
    d = 1 << len(relax)
    # The process fidelity of a tensor product is the product of the parts'.
    process = math.prod(float(c.superoperator().trace().real) / 4 for c, _ in relaxing)
    relax_fidelity = (d * process + 1) / (d + 1)
    error = values.get("gate_error")
    channels = []
    if error is not None and error > 1 - relax_fidelity:
        error = min(error, d / (d + 1))
        strength = d * (error - (1 - relax_fidelity)) / (d * relax_fidelity - 1)
        strength = min(strength, d * d / (d * d - 1))
        channels.append((Channel.depolarizing(strength, len(relax)), ()))
    return channels + relaxing


def _readout(values: dict[str, float]) -> ReadoutError | None:
    if "prob_meas1_prep0" in values and "prob_meas0_prep1" in values:
        error = ReadoutError(values["prob_meas1_prep0"], values["prob_meas0_prep1"])
    elif "readout_error" in values:
        error = ReadoutError(values["readout_error"], values["readout_error"])
    else:
        return None
    return None if error.p1_given_0 == 0 and error.p0_given_1 == 0 else error
