"""Write a :class:`~qmlstudio.core.Circuit` as OpenQASM 3 or 2.0: :func:`to_qasm`.

OpenQASM 3 (the default) keeps the circuit's parameters symbolic: data features are
``input float[64] x0;`` ... and an affine map is an expression (``0.5*x0 + 0.1``); weights are
``input float[64] w0;`` ... (so a weight shared by several gates stays shared) unless values
are given. An :class:`~qmlstudio.core.Expr` is written term by term, each term's factors
first and its coefficient last (``ry(w0*x1 + w2)``, ``rz((pi - x0)*(pi - x1))``,
``rx(x0*x1*0.5 - w3)``), the form that evaluates back to the same terms. Reading the text
back with :func:`~qmlstudio.io.from_qasm` gives the identical circuit (constants are written
with ``repr``, so every float survives).

OpenQASM 2.0 has no inputs, so every parameter must be a number: weights must be given, and a
circuit that reads data features needs the sample ``x`` to bind (one circuit per sample is
what a QASM 2 device runs). Gates outside the original ``qelib1.inc`` get an exact ``gate``
definition, so strict loaders (``qiskit.qasm2.loads`` with default settings) accept the file.

Both versions write the gates flat. OpenQASM 3 keeps each operation's group id (the template
block it belongs to) in an annotation on the line before it, ``@qmlstudio.group "<id>"`` (the
id as a JSON string): annotations are OpenQASM 3's place for tool-specific data, so Qiskit and
the reference parser load the file and ignore them, and :func:`~qmlstudio.io.from_qasm` reads
them back. OpenQASM 2.0 has no annotations, so its output loses the groups (a comment would
be read by nothing; the gates and their order are all a QASM 2 consumer needs). Measured wires
become ``measure`` statements at the end, in ``measured`` order.

Dynamic-circuit operations are written natively: ``reset q[k];``, and a mid-circuit
``measure`` whose result is discarded as ``mid[i] = measure q[k];`` (QASM 2: ``measure q[k]
-> mid[i];``) into a register ``mid`` that nothing reads. A noise channel operation is refused
(a :class:`QasmError` naming it): OpenQASM has no noise instruction, and a pragma or annotation
would be ignored by every other tool, which would then simulate a different, noiseless circuit
from the same text. Only for a person reading the text (the app's code view), ``noise_comments``
writes each one in its place as a comment line :data:`NOISE_COMMENT` ``bit_flip(0.05) q[1];``
that every reader skips, :func:`from_qasm` included.
"""

from __future__ import annotations

import json
import math

import numpy as np

from qmlstudio.core import Circuit, Const, Expr, Feature, QasmError, Weight
from qmlstudio.core.channel_ops import CHANNEL_OPS
from qmlstudio.core.parameters import Param
from qmlstudio.core.wording import counted
from qmlstudio.io.qasm_gates import QASM2_DEFINITIONS, QASM2_NAMES, QASM3_DEFINITIONS
from qmlstudio.io.qasm_syntax import GROUP_ANNOTATION

__all__ = ["NOISE_COMMENT", "param_text", "to_qasm"]

NOISE_COMMENT = "// noise:"
"""How a line that ``to_qasm(..., noise_comments=True)`` writes for a noise channel starts."""


def _number(value: float) -> str:
    """``repr`` (exact round trip), with a decimal point as QASM 2 reals require."""
    text = repr(float(value))
    mantissa, exp_mark, exponent = text.partition("e")
    if exp_mark and "." not in mantissa:
        text = f"{mantissa}.0e{exponent}"
    return text


def _affine(name: str, scale: float, offset: float) -> str:
    if scale == -1.0 and offset == math.pi:  # Havlícek's feature map: π − x
        return f"pi - {name}"
    if scale == 1.0:
        text = name
    elif scale == -1.0:
        text = f"-{name}"
    else:
        text = f"{_number(scale)}*{name}"
    if offset > 0:
        text += f" + {_number(offset)}"
    elif offset < 0:
        text += f" - {_number(-offset)}"
    return text


def _values(values: object, count: int, what: str, hint: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise QasmError(f"{what}s must be numbers") from None
    if array.ndim != 1 or len(array) != count:
        raise QasmError(f"the circuit needs {counted(count, what)} ({hint}), got shape "
                        f"{array.shape}")
    if not np.all(np.isfinite(array)):
        raise QasmError(f"{what}s must be finite")
    return array


class _Writer:
    """Formats parameters for one version, with or without bound values."""

    def __init__(self, circuit: Circuit, version: int, weights: object, x: object) -> None:
        self.weights = None if weights is None else _values(
            weights, circuit.n_weights, "weight value", "highest weight index used + 1")
        self.x = None if x is None else _values(
            x, circuit.n_features, "feature value", "highest feature index used + 1")
        if version == 2 and circuit.n_weights and self.weights is None:
            raise QasmError(
                f"OpenQASM 2 has no inputs: the circuit has "
                f"{counted(circuit.n_weights, 'trainable weight')}; pass weights=... to write "
                "them as numbers, or write OpenQASM 3")
        if version == 2 and circuit.n_features and self.x is None:
            raise QasmError(
                f"OpenQASM 2 has no inputs: the circuit reads "
                f"{counted(circuit.n_features, 'data feature')}; pass one sample x=... to bind "
                "them, or write OpenQASM 3 "
                "(features become 'input float[64] x0;' ...)")

    def param(self, param: Param) -> str:
        if isinstance(param, Const):
            return _number(param.value)
        if isinstance(param, Weight):
            if self.weights is None:
                return f"w{param.index}"
            return _number(self.weights[param.index])
        if isinstance(param, Expr):
            return self._expr(param)
        if self.x is None:
            return _affine(f"x{param.index}", param.scale, param.offset)
        return _number(param.scale * self.x[param.index] + param.offset)

    def _factor(self, factor: Weight | Feature) -> str:
        """A factor of a product: a name, a bracketed affine map, or a bound value."""
        plain = isinstance(factor, Weight) or (factor.scale == 1.0 and not factor.offset)
        text = self.param(factor)
        return text if plain and not text.startswith("-") else f"({text})"

    def _expr(self, expr: Expr) -> str:
        if self.weights is not None and self.x is not None:
            return _number(expr.value(self.x, self.weights))
        text = ""
        for term in expr.terms:
            product = "*".join(self._factor(f) for f in term.factors)
            c = term.coefficient
            if text:  # later terms: the sign between, so "- w1" reads back as -1·w1
                text += " - " if c < 0 else " + "
                c = abs(c)
            # The coefficient last: "x0*x1*0.5" is the product times 0.5, whereas "0.5*x0*x1"
            # would read as the factor (0.5·x0) times x1.
            text += product if c == 1.0 else f"{product}*{_number(c)}"
        if expr.constant > 0:
            text += f" + {_number(expr.constant)}"
        elif expr.constant < 0:
            text += f" - {_number(-expr.constant)}"
        return text


def param_text(param: Param) -> str:
    """One gate parameter as the OpenQASM 3 expression :func:`to_qasm` writes for it
    (``pi/4``, ``w3``, ``0.5*x0 + 0.1``, ``w0*x1 + w2``, ``(pi - x0)*(pi - x1)``);
    :func:`~qmlstudio.io.qasm_import.parse_param` reads it back to the same parameter."""
    return _Writer(Circuit(1), 3, None, None).param(param)


def _is_noise(gate: str) -> bool:
    """True for a noise channel operation (``reset`` and ``measure`` are OpenQASM's own)."""
    return gate in CHANNEL_OPS and gate not in ("reset", "measure")


def _refuse_noise(circuit: Circuit) -> None:
    """A QasmError naming the first noise channel operation (see the module docstring)."""
    for position, op in enumerate(circuit.operations):
        if _is_noise(op.gate):
            raise QasmError(f"operation {position} ({op.label} on "
                            f"{', '.join(f'q[{w}]' for w in op.wires)}) is a noise channel, "
                            f"which OpenQASM cannot express; remove the channel operations, or "
                            f"give the noise as a noise model instead")


def to_qasm(circuit: Circuit, version: int = 3, weights: object = None,
            x: object = None, noise_comments: bool = False) -> str:
    """The circuit as OpenQASM ``version`` 3 or 2 text (wire ``k`` is ``q[k]``).

    ``weights`` (one value per weight index) writes weights as numbers; without it QASM 3
    declares them as inputs ``w0, w1, ...``. ``x`` (one sample's features) likewise binds the
    data features, which QASM 3 otherwise declares as inputs ``x0, x1, ...``. QASM 2 needs
    every parameter bound. Group ids are kept as annotations in QASM 3 and lost in QASM 2
    (see the module docstring). Raises :class:`~qmlstudio.core.QasmError` if values are
    missing or have the wrong length, or the circuit holds a noise channel operation
    (``reset`` and a discarded mid-circuit ``measure`` are written natively) — unless
    ``noise_comments``, which writes each channel as a :data:`NOISE_COMMENT` line for a reader
    of the text (a file must not hold them: see the module docstring).
    """
    if not isinstance(circuit, Circuit):
        raise QasmError(f"to_qasm needs a qmlstudio.Circuit, got {type(circuit).__name__}")
    if version not in (2, 3) or isinstance(version, bool):
        raise QasmError(f"version must be 2 or 3, got {version!r}")
    if not noise_comments:
        _refuse_noise(circuit)
    writer = _Writer(circuit, version, weights, x)
    used = dict.fromkeys(op.gate for op in circuit.operations)
    n_mid = sum(op.gate == "measure" for op in circuit.operations)
    if version == 2:
        lines = ["OPENQASM 2.0;", 'include "qelib1.inc";']
        lines += [QASM2_DEFINITIONS[g] for g in used if g in QASM2_DEFINITIONS]
        lines.append(f"qreg q[{circuit.n_qubits}];")
        lines += [f"creg mid[{n_mid}];"] if n_mid else []
        names = QASM2_NAMES
    else:
        lines = ["OPENQASM 3.0;", 'include "stdgates.inc";']
        if writer.x is None:
            lines += [f"input float[64] x{j};" for j in range(circuit.n_features)]
        if writer.weights is None:
            lines += [f"input float[64] w{k};" for k in range(circuit.n_weights)]
        lines += [QASM3_DEFINITIONS[g] for g in used if g in QASM3_DEFINITIONS]
        lines.append(f"qubit[{circuit.n_qubits}] q;")
        lines += [f"bit[{n_mid}] mid;"] if n_mid else []
        names = {}
    mid = 0
    for op in circuit.operations:
        if _is_noise(op.gate):
            # Only reached with noise_comments (else refused above); no group annotation,
            # which would attach to the next statement.
            params = ", ".join(writer.param(p) for p in op.params)
            wires = ", ".join(f"q[{w}]" for w in op.wires)
            lines.append(f"{NOISE_COMMENT} {op.gate}({params}) {wires};")
            continue
        if op.group is not None and version == 3:
            # "\/" is JSON for "/": an id holding "//" or "/*" must not read as a comment.
            group = json.dumps(op.group).replace("/", "\\/")
            lines.append(f"{GROUP_ANNOTATION} {group}")
        if op.gate == "measure":
            lines.append(f"measure q[{op.wires[0]}] -> mid[{mid}];" if version == 2
                         else f"mid[{mid}] = measure q[{op.wires[0]}];")
            mid += 1
            continue
        name = names.get(op.gate, op.gate)
        wires = ", ".join(f"q[{w}]" for w in op.wires)
        if op.params:
            name += f"({', '.join(writer.param(p) for p in op.params)})"
        lines.append(f"{name} {wires};")
    if circuit.measured:
        m = len(circuit.measured)
        lines.append(f"creg c[{m}];" if version == 2 else f"bit[{m}] c;")
        for i, wire in enumerate(circuit.measured):
            lines.append(f"measure q[{wire}] -> c[{i}];" if version == 2
                         else f"c[{i}] = measure q[{wire}];")
    return "\n".join(lines) + "\n"

