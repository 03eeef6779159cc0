"""The noise of a saved model in a standalone script: :func:`noise_code`.

A model saved with a noise model, or whose circuit holds channel operations
(:data:`~qmlstudio.core.channel_ops.CHANNEL_OPS`: noise channels, ``reset``, a discarded
``measure``), predicts with the exact density-matrix simulator; its scripts do the same in their
framework, with the circuit's channel operations where they stand, the same channels after the
same gates (the ones :meth:`NoiseModel.channels_after
<qmlstudio.core.noise.NoiseModel.channels_after>` gives each gate of the circuit; none after a
channel operation, as in the engine) and the same readout errors:

* PennyLane: the ``default.mixed`` device, each channel written after its gate as PennyLane's
  operation of the same map (``DepolarizingChannel`` with ``p_PL = 3p/4``, ``BitFlip``,
  ``PhaseFlip``, ``PauliError("Y")``, ``AmplitudeDamping``, ``PhaseDamping``,
  ``ThermalRelaxationError``) or else ``QubitChannel``: the two-qubit depolarizing channel's
  Pauli Kraus operators from ``depolarizing_2q(p)``, our Kraus operators for ``pauli``,
  ``kraus`` and damping with γ = 1;
* Qiskit: an Aer ``NoiseModel`` holding, for each gate of the circuit (by its instruction name
  and qubits), one ``QuantumError`` composed of Aer's errors of the same channels, and each
  qubit's ``ReadoutError``; Aer's ``density_matrix`` method runs the circuits. A channel
  operation of the circuit is the same Aer error appended as an instruction
  (``QuantumError.to_instruction()``), ``reset`` Qiskit's own ``reset``. Gates that
  method cannot run (``ch``, ``crx``, ``iswap``...) run as their matrix, labelled with their
  name so the noise model still finds them.

A channel operation is written as the channel of its kind above: ``reset`` is amplitude
damping with γ = 1, a discarded ``measure`` phase damping with λ = 1 (full dephasing in Z).
PennyLane's damping operations are not exact at γ = 1 (a square root of 1 - γ + 1e-14 leaves
coherences of 1e-7): there both are ``QubitChannel`` s of our Kraus operators.

Readout errors act on measured bits, and the scripts compute exact values, not samples: each
observable's qubits are turned to its eigenbasis, the probabilities of their bits go through
each qubit's confusion matrix, and the value is the mean parity — the same numbers QML Studio's
engine gives. (Aer applies the noise model's readout errors only to ``measure``, so they are
also in the model for sampling with shots.)

Every channel kind can be written. Two gates that Qiskit names alike (``u2`` and ``u3`` are
both ``u``) on the same qubits with different noise cannot share an Aer noise model entry: the
Qiskit export is refused with a message naming them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qmlstudio.core.circuit import Circuit, Operation
from qmlstudio.core.errors import ModelFileError
from qmlstudio.core.noise import Channel, NoiseModel
from qmlstudio.core.observables import parse_observable

__all__ = ["NoiseCode", "noise_code"]

_PENNYLANE_CHANNELS = {"bit_flip": "qml.BitFlip", "phase_flip": "qml.PhaseFlip",
                       "amplitude_damping": "qml.AmplitudeDamping",
                       "phase_damping": "qml.PhaseDamping"}
"""One-parameter channels PennyLane names (the same Kraus operators as ours)."""

_DAMPING = ("amplitude_damping", "phase_damping")
"""PennyLane writes these with K0 = diag(1, sqrt(1 - γ + 1e-14)): at γ = 1 (``reset``, a
discarded ``measure``) a coherence of 1e-7 would survive, so that case is written as our Kraus
operators instead."""

_PAULI_LETTERS = {"bit_flip": "X", "phase_flip": "Z", "bit_phase_flip": "Y"}

_AER_IMPORTS = ("NoiseModel", "ReadoutError", "amplitude_damping_error",
                "depolarizing_error", "kraus_error", "pauli_error", "phase_damping_error",
                "thermal_relaxation_error")

_READ_VALUE = '''def read_value(probabilities, qubits):
    """<P> as read out: the probabilities (..., 2**m) of P's m qubits' bits in P's eigenbasis
    (the first qubit the most significant bit) passed through each qubit's readout confusion
    READOUT[q] (rows: true bit, columns: bit read), then the mean of the parity (-1)**bits."""
    p = np.asarray(probabilities, dtype=float)
    p = p.reshape(p.shape[:-1] + (2,) * len(qubits))
    first = p.ndim - len(qubits)
    for k, qubit in enumerate(qubits):
        p = np.moveaxis(np.tensordot(p, READOUT.get(qubit, NO_ERROR), axes=([first + k], [0])),
                        -1, first + k)
    for _ in qubits:
        p = p @ np.array([1.0, -1.0])
    return p'''

_DEPOLARIZING_2Q = '''def depolarizing_2q(p):
    """Kraus operators of the two-qubit depolarizing channel (1 - p) rho + p I/4 (Aer's
    convention; PennyLane has no two-qubit depolarizing operation)."""
    paulis = [np.eye(2), np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]),
              np.diag([1.0, -1.0])]
    weights = [1 - 15 * p / 16] + [p / 16] * 15
    return [np.sqrt(w) * np.kron(a, b)
            for w, (a, b) in zip(weights, [(a, b) for a in paulis for b in paulis])]'''

_GATE_ERROR = '''def gate_error(n_qubits, errors):
    """One Aer error on a gate's n_qubits qubits: (error, positions among the gate's qubits)
    in order. A matrix's first qubit is Qiskit's least significant, hence reversed positions."""
    total = pauli_error([("I" * n_qubits, 1.0)])
    for error, positions in errors:
        total = total.compose(error, qargs=positions[::-1])
    return total'''

_FOR_AER = '''AER_GATES = set(AerSimulator(method="density_matrix").configuration().basis_gates)


def for_aer(qc):
    """qc with each gate Aer's density-matrix method cannot run as its matrix, labelled with
    the gate's name (the noise model finds gates by name or label)."""
    out = QuantumCircuit(qc.num_qubits)
    for instruction in qc.data:
        operation, qubits = instruction.operation, instruction.qubits
        if operation.name in AER_GATES:
            out.append(operation, qubits)
        else:
            out.unitary(Operator(operation), qubits, label=operation.name)
    return out'''


@dataclass
class NoiseCode:
    """The pieces of a noisy script: its imports, constants (readout confusions, Kraus
    operators), the lines written after each circuit operation (PennyLane), the lines of the
    circuit's channel operations and the functions that build the noise model and read values
    out."""

    imports: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    after: list[list[str]] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    channel_ops: list[str | None] = field(default_factory=list)
    """The line of each circuit operation that is a channel operation; None for a gate (the
    script writer writes gates)."""


class _KrausTable:
    """The Kraus operator sets a script writes out, each once: ``KRAUS[i]``."""

    def __init__(self) -> None:
        self.channels: list[Channel] = []

    def name(self, channel: Channel) -> str:
        if channel not in self.channels:
            self.channels.append(channel)
        return f"KRAUS[{self.channels.index(channel)}]"

    def lines(self) -> list[str]:
        if not self.channels:
            return []
        out = ["# Kraus operators of the channels written as matrices (first wire the most "
               "significant bit).", "KRAUS = ["]
        for channel in self.channels:  # a list of matrices: what Aer's kraus_error takes
            ops = channel.kraus_operators()
            real = not ops.imag.any()
            out.append(f"    [  # {channel.kind}")
            out += [f"        np.array({(op.real if real else op).tolist()!r}),"
                    for op in ops]
            out.append("    ],")
        return [*out, "]"]


def _pennylane_channel(channel: Channel, wires: tuple[int, ...], kraus: _KrausTable) -> str:
    kind, params = channel.kind, channel.params
    wire = str(wires[0]) if len(wires) == 1 else str(list(wires))
    if kind == "depolarizing" and channel.n_qubits == 1:
        return f"qml.DepolarizingChannel({0.75 * params[0]!r}, wires={wire})  # p = {params[0]!r}"
    if kind in _PENNYLANE_CHANNELS and not (kind in _DAMPING and params[0] == 1.0):
        return f"{_PENNYLANE_CHANNELS[kind]}({params[0]!r}, wires={wire})"
    if kind == "bit_phase_flip":
        return f'qml.PauliError("Y", {params[0]!r}, wires={wire})'
    if kind == "thermal_relaxation":
        t1, t2, time, excited = params
        return (f"qml.ThermalRelaxationError({excited!r}, {t1!r}, {t2!r}, {time!r}, "
                f"wires={wire})")
    if kind == "depolarizing":  # two qubits: PennyLane has no operation for it
        return f"qml.QubitChannel(depolarizing_2q({params[0]!r}), wires={list(wires)})"
    return f"qml.QubitChannel({kraus.name(channel)}, wires={list(wires)})"


def _aer_error(channel: Channel, kraus: _KrausTable) -> str:
    kind, params = channel.kind, channel.params
    if kind == "depolarizing":
        return f"depolarizing_error({params[0]!r}, {channel.n_qubits})"
    if kind in _PAULI_LETTERS:
        return f'pauli_error([("{_PAULI_LETTERS[kind]}", {params[0]!r}), ("I", {1 - params[0]!r})])'
    if kind == "pauli":
        rest = max(0.0, 1 - sum(params))
        return ("pauli_error([" + ", ".join(f'("{letter}", {p!r})' for letter, p in
                                            zip("XYZ", params, strict=True))
                + f', ("I", {rest!r})])')
    if kind == "amplitude_damping":
        return f"amplitude_damping_error({params[0]!r})"
    if kind == "phase_damping":
        return f"phase_damping_error({params[0]!r})"
    if kind == "thermal_relaxation":
        return "thermal_relaxation_error({!r}, {!r}, {!r}, {!r})".format(*params)
    return f"kraus_error({kraus.name(channel)})"


def _channel_op_line(op: Operation, framework: str, kraus: _KrausTable) -> str:
    """The script line of the circuit's channel operation ``op``."""
    note = {"reset": "  # reset", "measure": "  # measure, result discarded"}.get(op.gate, "")
    if framework == "pennylane":
        return _pennylane_channel(op.channel(), op.wires, kraus) + note
    if op.gate == "reset":
        return f"qc.reset({op.wires[0]})"
    # An error's matrix has its first qubit least significant in Qiskit: wires reversed.
    return (f"qc.append({_aer_error(op.channel(), kraus)}.to_instruction(), "
            f"{list(op.wires[::-1])}){note}")


def _observables(circuit: Circuit, observables: tuple[str, ...]) -> list[str]:
    """``(letters, qubits)`` of each readout observable (first qubit first)."""
    out = []
    for text in observables:
        terms = parse_observable(text, circuit.n_qubits).terms
        out.append(f'    ("{"".join(p for _, p in terms)}", {[w for w, _ in terms]}),  # {text}')
    return ["# Each readout observable as (Pauli letters, qubits).", "OBSERVABLE_TERMS = [",
            *out, "]"]


def _readout(noise: NoiseModel, n_qubits: int) -> list[str]:
    rows = []
    for qubit in range(n_qubits):
        error = noise.readout_error(qubit)
        if error is not None:
            rows.append(f"    {qubit}: np.array({[list(row) for row in error.matrix]!r}),")
    return ["# Readout confusion per qubit: rows the true bit, columns the bit read (a qubit not",
            "# listed reads perfectly).", "NO_ERROR = np.eye(2)", "READOUT = {", *rows, "}"]


def _aer_noise_model(circuit: Circuit, noise: NoiseModel, names: list[str],
                     kraus: _KrausTable) -> str:
    """The ``noise_model()`` function: one entry per (instruction name, qubits) of the circuit."""
    entries: dict[tuple[str, tuple[int, ...]], tuple[str, list]] = {}
    for op, name in zip(circuit.operations, names, strict=True):
        if op.is_channel:  # the engine adds no noise after a channel operation
            continue
        placed = noise.channels_after(op.gate, op.wires)
        key = (name, op.wires)
        if key in entries and entries[key][1] != placed:
            raise ModelFileError(f"the Qiskit script cannot give {entries[key][0]} and "
                                 f"{op.gate} on qubits {list(op.wires)} different noise: Qiskit "
                                 f"names both '{name}' (the PennyLane script can)")
        entries.setdefault(key, (op.gate, placed))
    lines = ['def noise_model():',
             '    """The Aer NoiseModel: after each gate of the circuit (by its instruction '
             'name, or\n    label, and qubits) the channels QML Studio adds, in order, and the '
             'readout errors."""',
             "    model = NoiseModel()"]
    for (name, wires), (_, placed) in entries.items():
        if not placed:
            continue
        lines.append(f"    model.add_quantum_error(gate_error({len(wires)}, [")
        lines += [f"        ({_aer_error(channel, kraus)}, {[wires.index(w) for w in on]}),"
                  for channel, on in placed]
        lines.append(f'    ]), "{name}", {list(wires)})')
    lines += ["    for qubit, confusion in READOUT.items():",
              "        model.add_readout_error(ReadoutError(confusion), [qubit])",
              "    return model"]
    return "\n".join(lines)


def noise_code(circuit: Circuit, observables: tuple[str, ...], noise: NoiseModel,
               framework: str, qiskit_names: list[str] | None = None) -> NoiseCode:
    """The noise code of a ``framework`` script of ``circuit`` read out by ``observables``
    under ``noise`` (the ideal model when only the circuit's channel operations add noise; see
    the module docstring); ``qiskit_names``: the Qiskit instruction name of each operation
    (needed for ``"qiskit"``)."""
    kraus = _KrausTable()
    code = NoiseCode(channel_ops=[_channel_op_line(op, framework, kraus) if op.is_channel
                                  else None for op in circuit.operations])
    if framework == "pennylane":
        code.after = [[] if op.is_channel else  # no noise after a channel operation
                      [_pennylane_channel(channel, on, kraus)
                       for channel, on in noise.channels_after(op.gate, op.wires)]
                      for op in circuit.operations]
        written = [*filter(None, code.channel_ops), *(line for group in code.after
                                                      for line in group)]
        if any("depolarizing_2q(" in line for line in written):
            code.functions.append(_DEPOLARIZING_2Q)
    else:
        code.imports = ["from qiskit.quantum_info import DensityMatrix, Operator",
                        "from qiskit_aer import AerSimulator",
                        "from qiskit_aer.noise import (",
                        *(f"    {name}," for name in _AER_IMPORTS), ")"]
        code.functions = [_GATE_ERROR, _aer_noise_model(circuit, noise, qiskit_names or [],
                                                         kraus), _FOR_AER]
    name = " ".join(noise.name.split())  # free text: a line break would end the comment
    code.constants = [f"# The noise model the model predicts under: {name}." if not
                      noise.is_ideal else "# No noise model: only the circuit's channel "
                      "operations add noise.",
                      *_readout(noise, circuit.n_qubits), *kraus.lines(),
                      *_observables(circuit, observables)]
    code.functions.append(_READ_VALUE)
    return code
