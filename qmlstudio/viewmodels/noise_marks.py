"""Which gates of a circuit the project's noise model affects, and what the canvas says of each.

A gate is marked when :meth:`~qmlstudio.core.noise.NoiseModel.channels_after` gives it
channels — exactly the channels the noisy engine applies after it
(:mod:`qmlstudio.engine.density_program` asks the same question). A channel operation is
noise itself and takes none after it, so it is never marked; an ideal model (or none) marks
nothing. A model that does not fit a gate (a two-qubit channel after a one-qubit gate) marks
it too, with the reason, since the engine would refuse the circuit there.

The answer depends only on the gate and its wires, so it is asked once per distinct
``(gate, wires)``: marking a circuit of 100k gates costs one pass over its operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qmlstudio.core import Circuit
from qmlstudio.core.errors import NoiseError
from qmlstudio.core.noise import NoiseModel
from qmlstudio.viewmodels.noise_table import channel_summary

__all__ = ["NoiseMarks", "noise_marks"]

Key = tuple[str, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class NoiseMarks:
    """The marked operations of ``circuit`` under ``model`` (see the module docstring)."""

    circuit: Circuit
    model: NoiseModel | None
    indices: frozenset[int] = frozenset()
    _texts: dict[Key, str] = field(default_factory=dict, repr=False, compare=False)

    def tooltip(self, index: int) -> str:
        """What follows operation ``index`` under the model, one channel a line ("" when it
        is not marked)."""
        if index not in self.indices:
            return ""
        op = self.circuit.operations[index]
        return self._texts[(op.gate, op.wires)]


def _text(model: NoiseModel, gate: str, wires: tuple[int, ...]) -> str:
    """The tooltip of ``gate`` on ``wires`` ("" when no channel follows it)."""
    try:
        placed = model.channels_after(gate, wires)
    except NoiseError as error:
        return f"Noise model {model.name!r} does not fit this gate: {error}"
    if not placed:
        return ""
    lines = [f"After this gate, noise model {model.name!r} applies:"]
    lines += [f"• {', '.join(f'q{w}' for w in on)}: {channel_summary(channel)}"
              for channel, on in placed]
    return "\n".join(lines)


def noise_marks(circuit: Circuit, model: NoiseModel | None) -> NoiseMarks:
    """The gates of ``circuit`` that ``model`` adds noise after, with their tooltips."""
    if model is None or model.is_ideal:
        return NoiseMarks(circuit, model)
    texts: dict[Key, str] = {}
    marked = []
    for index, op in enumerate(circuit.operations):
        if op.is_channel:
            continue
        key = (op.gate, op.wires)  # an operation holds its gate's canonical name
        text = texts.get(key)
        if text is None:
            text = texts[key] = _text(model, *key)
        if text:
            marked.append(index)
    return NoiseMarks(circuit, model, frozenset(marked), texts)
