"""What the Noise panel shows: which preset a noise model is, and its numbers as table rows.

:func:`noise_choice` tells the panel which choice a project's model is (ideal, uniform
depolarizing, thermal relaxation, a bundled device, or a custom model: opened from a file or
edited). :func:`gate_rows` lists every parameter of every channel that follows a gate, one row
each, with the channel's error rate (1 − its average gate fidelity); :func:`readout_rows` the
readout errors per qubit. A row knows its *place* in the model, so :func:`with_value` returns the
model with that one number changed, checked as the model checks every value (a refused value
raises :class:`~qmlstudio.core.errors.NoiseError` naming the row).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache

from qmlstudio.core.errors import NoiseError
from qmlstudio.core.noise import CHANNEL_KINDS, Channel, NoiseModel, NoiseRule, ReadoutError
from qmlstudio.io.noise_file import BUNDLED_DEVICES, bundled_device_noise

__all__ = ["EDITED", "GATE_HEADERS", "HEADER_TIPS", "READOUT_HEADERS", "NoiseChoice", "NoiseRow",
           "channel_summary", "device_noise", "gate_rows", "noise_choice", "parse_value",
           "readout_rows", "with_value"]

GATE_HEADERS = ("Gate", "Channel", "Value", "Error")
"""Columns of :func:`gate_rows`; ``Value`` (column 2) is the editable one."""
READOUT_HEADERS = ("Qubit", "Error", "Value")
"""Columns of :func:`readout_rows`; ``Value`` (column 2) is the editable one."""
HEADER_TIPS = {
    "Value": "Double-click to type a new value (one undoable edit)",
    "Error": "The channel's error rate: 1 − its average gate fidelity",
    "Channel": "The channel's parameter (and the qubit it acts on)",
}
"""What the table columns mean (their header tooltips)."""
EDITED = " (edited)"
"""Appended once to the name of a model whose numbers were edited in the table."""

_PARAM_LABELS = {"t1": "T1", "t2": "T2", "time": "gate time", "excited_population":
                 "excited pop.", "gamma": "γ", "lambda": "λ"}
_READOUT_FIELDS = (("p1_given_0", "reads 1 for 0"), ("p0_given_1", "reads 0 for 1"))


@dataclass(frozen=True, slots=True)
class NoiseChoice:
    """Which choice of the panel a model is: ``kind`` one of ``"ideal"``, ``"depolarizing"``
    (``values`` = ``(p, readout)``), ``"thermal"`` (``(T1, T2, time_1q, time_2q)``),
    ``"device"`` (``device`` a key of :data:`BUNDLED_DEVICES`) or ``"custom"``."""

    kind: str
    values: tuple[float, ...] = ()
    device: str = ""


@dataclass(frozen=True, slots=True)
class NoiseRow:
    """One table row: the texts of its ``cells``, the editable ``value`` (None: nothing to
    edit, such as a noiseless gate) and its ``place`` in the model (for :func:`with_value`):
    ``("rule", rule, channel, parameter)`` or ``("readout", qubit or None, field)``."""

    cells: tuple[str, ...]
    value: float | None
    place: tuple

    @property
    def label(self) -> str:
        """The row in words, for messages: ``"sx on 0, depolarizing p"``."""
        return f"{self.cells[0]}, {self.cells[1]}"


@cache
def device_noise(name: str) -> NoiseModel:
    """The model of a bundled device (read once per session: the panel compares with it)."""
    return bundled_device_noise(name)


def noise_choice(model: NoiseModel | None) -> NoiseChoice:
    """The panel's choice that gives ``model`` (None or no noise: ideal)."""
    if model is None or model.is_ideal:
        return NoiseChoice("ideal")
    rule = model.rules[0] if model.rules else None
    channel = rule.channels[0][0] if rule is not None and rule.channels else None
    if channel is not None and channel.kind == "depolarizing":
        readout = model.default_readout.p1_given_0 if model.default_readout else 0.0
        if model == NoiseModel.uniform_depolarizing(channel.params[0], readout):
            return NoiseChoice("depolarizing", (channel.params[0], readout))
    if channel is not None and channel.kind == "thermal_relaxation" and len(model.rules) == 3:
        t1, t2, time_1q = channel.params[:3]
        time_2q = model.rules[1].channels[0][0].params[2] if model.rules[1].channels else 0.0
        try:
            if model == NoiseModel.thermal(t1, t2, time_1q, time_2q):
                return NoiseChoice("thermal", (t1, t2, time_1q, time_2q))
        except NoiseError:
            pass
    for name in BUNDLED_DEVICES:
        if model == device_noise(name):
            return NoiseChoice("device", device=name)
    return NoiseChoice("custom")


def _gate_text(rule: NoiseRule) -> str:
    gates = ", ".join(rule.gates) if rule.gates else (
        f"any {rule.n_wires}-qubit gate" if rule.n_wires else "any gate")
    if rule.qubits is not None:
        return f"{gates} on {', '.join(map(str, rule.qubits))}"
    return gates


def _wires_text(rule: NoiseRule, channel: Channel, positions: tuple[int, ...]) -> str:
    """Where the channel acts, when not on all of the gate's wires."""
    if not positions:
        return "" if rule.qubits is not None or channel.n_qubits > 1 else " (each wire)"
    if rule.qubits is not None:
        return f" (q{', q'.join(str(rule.qubits[p]) for p in positions)})"
    return f" (wire {', '.join(str(p + 1) for p in positions)})"


def _percent(error: float) -> str:
    return f"{100 * error:.3g} %"


def _number(value: float) -> str:
    return f"{value:.6g}"


def channel_summary(channel: Channel) -> str:
    """One line for ``channel`` as the tables name its parts: ``"depolarizing p = 0.0004
    (error 0.0389 %)"``, ``"thermal relaxation T1 = 1.3e+05, T2 = 1e+05, gate time = 35.6,
    excited pop. = 0 (error 0.0194 %)"``."""
    names = CHANNEL_KINDS[channel.kind].param_names
    values = ", ".join(f"{_PARAM_LABELS.get(name, name)} = {value:.3g}"
                       for name, value in zip(names, channel.params, strict=True))
    error = _percent(1.0 - channel.average_fidelity())
    return f"{channel.kind.replace('_', ' ')} {values or 'matrices'} (error {error})"


def gate_rows(model: NoiseModel | None) -> tuple[NoiseRow, ...]:
    """One row per parameter of each channel after each gate (see the module docstring)."""
    rows = []
    for r, rule in enumerate(() if model is None else model.rules):
        gate = _gate_text(rule)
        if not rule.channels:
            rows.append(NoiseRow((gate, "none (noiseless)", "", ""), None, ()))
        for c, (channel, positions) in enumerate(rule.channels):
            kind = channel.kind.replace("_", " ")
            where = _wires_text(rule, channel, positions)
            error = _percent(1.0 - channel.average_fidelity())
            names = CHANNEL_KINDS[channel.kind].param_names
            if not names:  # a kraus channel: matrices, nothing to type
                rows.append(NoiseRow((gate, f"{kind}{where}", "matrices", error), None, ()))
            for k, (name, value) in enumerate(zip(names, channel.params, strict=True)):
                label = _PARAM_LABELS.get(name, name)
                text = f"{label}{where}" if channel.kind == "thermal_relaxation" else \
                    f"{kind} {label}{where}"
                rows.append(NoiseRow((gate, text, _number(value), error), value,
                                     ("rule", r, c, k)))
    return tuple(rows)


def readout_rows(model: NoiseModel | None) -> tuple[NoiseRow, ...]:
    """Two rows per qubit with a readout error (and for "every other qubit" when the model has
    a default one)."""
    if model is None:
        return ()
    errors = [(q, f"q{q}", error) for q, error in model.readout]
    if model.default_readout is not None:
        errors.append((None, "every qubit" if not errors else "other qubits",
                       model.default_readout))
    return tuple(NoiseRow((qubit_text, words, _number(getattr(error, name))),
                          getattr(error, name), ("readout", qubit, name))
                 for qubit, qubit_text, error in errors for name, words in _READOUT_FIELDS)


def parse_value(text: str, row: NoiseRow) -> float:
    """The number typed into ``row``'s value cell (a :class:`NoiseError` naming the row if it
    is not a finite number)."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise NoiseError(f"{row.label}: {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise NoiseError(f"{row.label}: must be finite, got {text.strip()!r}")
    return value


def with_value(model: NoiseModel, row: NoiseRow, value: float) -> NoiseModel:
    """``model`` with ``row``'s number set to ``value`` and the name marked as edited; a value
    the channel or readout error refuses raises :class:`NoiseError` naming the row."""
    if row.value is None:
        raise NoiseError(f"{row.label}: nothing to edit")
    try:
        if row.place[0] == "rule":
            changed = _with_param(model, *row.place[1:], value)
        else:
            changed = _with_readout(model, *row.place[1:], value)
    except NoiseError as error:
        raise NoiseError(f"{row.label}: {error}") from None
    return replace(changed, name=model.name if model.name.endswith(EDITED)
                   else model.name + EDITED)


def _with_param(model: NoiseModel, r: int, c: int, k: int, value: float) -> NoiseModel:
    rule = model.rules[r]
    channel, positions = rule.channels[c]
    params = (*channel.params[:k], value, *channel.params[k + 1:])
    new_channel = Channel(channel.kind, params, channel.n_qubits)
    channels = (*rule.channels[:c], (new_channel, positions), *rule.channels[c + 1:])
    rules = (*model.rules[:r], replace(rule, channels=channels), *model.rules[r + 1:])
    return replace(model, rules=rules)


def _with_readout(model: NoiseModel, qubit: int | None, field: str,
                  value: float) -> NoiseModel:
    old = model.readout_error(qubit) if qubit is not None else model.default_readout
    values = {name: getattr(old, name) for name, _ in _READOUT_FIELDS} | {field: value}
    error = ReadoutError(**values)
    if qubit is None:
        return replace(model, default_readout=error)
    return replace(model, readout=tuple((q, error if q == qubit else e)
                                        for q, e in model.readout))
