"""The code view's OpenQASM 3 text: the circuit with its noise said, not silently dropped.

OpenQASM has no noise instruction, so a file refuses noise channels (see
:mod:`qmlstudio.io.qasm_export`). The code view is read by a person, so :func:`view_text`
writes each noise channel operation in its place as a comment line, ``// noise:
bit_flip(0.05) q[1];``, and a project noise model as a header comment naming the model and
saying that its channels follow each gate. :func:`read_view_text` reads such a text back —
the statements with :func:`~qmlstudio.io.from_qasm`, and each ``// noise:`` line as the
channel operation it names, where it stands — so that Apply keeps the channels: the round trip
``view_text`` → ``read_view_text`` gives back the circuit.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import replace

from qmlstudio.core import Circuit, Const, Operation, QasmError
from qmlstudio.core.channel_ops import CHANNEL_OPS
from qmlstudio.core.noise import NoiseModel
from qmlstudio.io import from_qasm, to_qasm
from qmlstudio.io.qasm_export import NOISE_COMMENT

__all__ = ["read_view_text", "view_text"]

_NOISE_LINE = re.compile(rf"^[ \t]*{re.escape(NOISE_COMMENT)}[ \t]*(?P<name>\w+)"
                         r"(?:\((?P<params>[^)]*)\))?[ \t]+(?P<wires>[^;]*?)[ \t]*;?[ \t]*$")
_WIRES = re.compile(r"q\[(\d+)\](?:\s*,\s*q\[(\d+)\])*\Z")
_EXAMPLE = f"{NOISE_COMMENT} bit_flip(0.05) q[1];"


def _comment(text: str) -> list[str]:
    """``text`` as ``//`` comment lines of at most 92 characters."""
    return [f"// {line}" for line in textwrap.wrap(text, 89)]


def _model_header(noise: NoiseModel) -> list[str]:
    readout = (", and readout errors apply to each measurement"
               if noise.readout or noise.default_readout is not None else "")
    return _comment(f"Noise model: {noise.name} (the Noise panel). It is applied after each "
                    f"gate: the channels its table lists follow the gates they name{readout}. "
                    f"OpenQASM has no noise instruction, so the statements below are the ideal "
                    f"circuit.")


def view_text(circuit: Circuit, noise: NoiseModel | None = None) -> str:
    """``circuit`` as OpenQASM 3 for a reader: noise channel operations as ``// noise:``
    comment lines in their places, and ``noise`` (unless ideal) named in a header comment."""
    lines = [] if noise is None or noise.is_ideal else _model_header(noise)
    text = to_qasm(circuit, noise_comments=True)
    if f"\n{NOISE_COMMENT} " in text:
        lines += _comment(f"A '{NOISE_COMMENT}' line is a noise channel of the circuit: Apply "
                          f"keeps it; an exported OpenQASM file cannot hold it.")
    return "\n".join([*lines, text])


def _channel(match: re.Match[str], line: int) -> Operation:
    """The channel operation a ``// noise:`` line names (a QasmError naming the line)."""
    name, params, wires = match["name"], match["params"], match["wires"]
    if name not in CHANNEL_OPS:
        raise QasmError(f"line {line}: {name!r} is no noise channel; known: "
                        f"{', '.join(CHANNEL_OPS)}")
    if not _WIRES.match(wires):
        raise QasmError(f"line {line}: expected the wires as q[0], q[1], ..., got {wires!r}")
    values = []
    for text in params.split(",") if params else ():
        try:
            values.append(float(text))
        except ValueError:
            raise QasmError(f"line {line}: {text.strip()!r} is not a number") from None
    try:
        return Operation(name, tuple(int(k) for k in re.findall(r"\d+", wires)), tuple(values))
    except ValueError as error:  # QMLStudioError is one: a bad value or wire count
        raise QasmError(f"line {line}: {error}") from None


def _stand_in(number: int, op: Operation) -> tuple[str, float]:
    """A statement that holds the place of channel ``op`` while the text is read, and its
    marking angle: an RZ (RZZ on two wires) by an angle no circuit uses (about −10³⁰⁰)."""
    angle = -(1.0 + number * 1e-9) * 1e300
    gate = "rz" if len(op.wires) == 1 else "rzz"
    return f"{gate}({angle!r}) {', '.join(f'q[{w}]' for w in op.wires)};", angle


def read_view_text(text: str) -> Circuit:
    """The circuit a code view text describes, its ``// noise:`` lines included (see the
    module docstring). Raises :class:`~qmlstudio.core.QasmError` naming the line of a
    problem, a line that starts ``// noise:`` but does not read as a channel included (as a
    plain comment the channel would vanish without a word).

    Each ``// noise:`` line is read as a stand-in gate on the channel's wires (one line for
    one, so error lines keep their numbers), then replaced by the channel: the reader then
    places it exactly where it stands, and sees the wire in use there as the channel does (a
    measurement before it stays a mid-circuit one).
    """
    lines = text.split("\n")
    channels: dict[float, Operation] = {}
    for k, line in enumerate(lines):
        if not line.lstrip().startswith(NOISE_COMMENT):
            continue
        match = _NOISE_LINE.match(line)
        if match is None:  # a mistyped noise line must not vanish as a comment
            raise QasmError(f"line {k + 1}: cannot read this noise line; write it as "
                            f"{_EXAMPLE!r}")
        op = _channel(match, k + 1)
        lines[k], angle = _stand_in(len(channels), op)
        channels[angle] = op
    # The newline keeps from_qasm from taking a one-line text for a file name.
    circuit = from_qasm("\n".join(lines) + "\n")
    if not channels:
        return circuit
    ops = tuple(_restored(op, channels) for op in circuit.operations)
    return replace(circuit, operations=ops)


def _restored(op: Operation, channels: dict[float, Operation]) -> Operation:
    """The channel a stand-in gate holds the place of; any other operation as it is."""
    if op.gate in ("rz", "rzz") and isinstance(op.params[0], Const):
        channel = channels.get(op.params[0].value)
        if channel is not None:
            return replace(channel, group=op.group)
    return op
