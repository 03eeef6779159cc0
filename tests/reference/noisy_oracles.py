"""Independent references for noisy circuits: Qiskit Aer's density-matrix simulator and
PennyLane's ``default.mixed`` (with autograd backprop for gradients).

Both build the circuit gate by gate with the channels our :class:`NoiseModel` places after
each gate (which rules place which channels is checked against Aer in ``tests/core/noise``);
each channel is rebuilt from its kind and parameters with the reference's own error function,
so the maths of the channels and of their placement on wires is theirs.
"""

from __future__ import annotations

import math

import numpy as np
import pennylane as qml
from pennylane import numpy as pnp
from qiskit import QuantumCircuit
from qiskit.circuit.library import UnitaryGate
from qiskit.quantum_info import Operator
from qiskit_aer import AerSimulator
from qiskit_aer import noise as aer

from qmlstudio.core import Circuit, Const, Expr, Feature, Weight
from qmlstudio.core.noise import Channel, NoiseModel

from .dense import ALIASES, pauli_operator, resolve_params
from .qiskit_oracle import qiskit_gate

__all__ = ["aer_density_matrix", "pennylane_expval", "rho_from_paulis"]


def _aer_error(channel: Channel):
    kind, p = channel.kind, channel.params
    if kind == "depolarizing":
        return aer.depolarizing_error(p[0], channel.n_qubits)
    if kind in ("bit_flip", "phase_flip", "bit_phase_flip"):
        letter = {"bit_flip": "X", "phase_flip": "Z", "bit_phase_flip": "Y"}[kind]
        return aer.pauli_error([(letter, p[0]), ("I", 1 - p[0])])
    if kind == "pauli":
        return aer.pauli_error([("X", p[0]), ("Y", p[1]), ("Z", p[2]), ("I", 1 - sum(p))])
    if kind == "amplitude_damping":
        return aer.amplitude_damping_error(p[0])
    if kind == "phase_damping":
        return aer.phase_damping_error(p[0])
    if kind == "thermal_relaxation":
        return aer.thermal_relaxation_error(*p)
    return aer.kraus_error(list(channel.kraus_operators()))


def aer_density_matrix(circuit: Circuit, x, weights, noise: NoiseModel) -> np.ndarray:
    """The final density matrix from Aer's ``density_matrix`` method, in our index order
    (wire k is Qiskit qubit n−1−k, so the arrays compare directly). Channel operations of the
    circuit become Aer's errors (``reset`` Aer's own reset instruction)."""
    n = circuit.n_qubits
    qc = QuantumCircuit(n)
    for op in circuit.operations:
        if op.gate == "reset":  # Aer's own reset, not the channel it is built from
            qc.reset(n - 1 - op.wires[0])
            continue
        if op.is_channel:  # a channel operation: the reference's error for its channel
            qc.append(_aer_error(op.channel()).to_instruction(),
                      [n - 1 - q for q in op.wires[::-1]])
            continue
        # Aer lacks a few library gates (iswap): hand it Qiskit's matrix of each gate.
        gate = UnitaryGate(Operator(qiskit_gate(op.gate, resolve_params(op.params, x, weights))))
        qc.append(gate, [n - 1 - q for q in op.wires])
        for channel, wires in noise.channels_after(op.gate, op.wires):
            # Qiskit's first qarg is the operator's least significant bit: list wires reversed.
            qc.append(_aer_error(channel).to_instruction(), [n - 1 - q for q in wires[::-1]])
    qc.save_density_matrix()
    result = AerSimulator(method="density_matrix").run(qc, optimization_level=0).result()
    return np.asarray(result.data()["density_matrix"])


def rho_from_paulis(values: np.ndarray, labels: list[str], n: int) -> np.ndarray:
    """ρ = Σ_P ⟨P⟩ P / 2ⁿ from the expectation values of all 4ⁿ Pauli strings."""
    return sum(v * pauli_operator(label, n) for v, label in zip(values, labels,
                                                                strict=True)) / 2 ** n


_PL_GATES = {
    "id": qml.Identity, "h": qml.Hadamard, "x": qml.PauliX, "y": qml.PauliY, "z": qml.PauliZ,
    "s": qml.S, "sdg": lambda wires: qml.adjoint(qml.S(wires)), "t": qml.T,
    "tdg": lambda wires: qml.adjoint(qml.T(wires)), "sx": qml.SX,
    "sxdg": lambda wires: qml.adjoint(qml.SX(wires)), "rx": qml.RX, "ry": qml.RY,
    "rz": qml.RZ, "p": qml.PhaseShift, "u3": qml.U3, "u2": qml.U2, "cx": qml.CNOT,
    "cy": qml.CY, "cz": qml.CZ, "ch": qml.CH, "swap": qml.SWAP, "iswap": qml.ISWAP,
    "crx": qml.CRX, "cry": qml.CRY, "crz": qml.CRZ, "cp": qml.ControlledPhaseShift,
    "cu3": lambda t, f, lam, wires: qml.ctrl(qml.U3(t, f, lam, wires=wires[1]), wires[0]),
    "rxx": qml.IsingXX, "ryy": qml.IsingYY, "rzz": qml.IsingZZ, "ccx": qml.Toffoli,
    "cswap": qml.CSWAP,
}


def _pl_channel(channel: Channel, wires) -> None:
    kind, p = channel.kind, channel.params
    if kind == "depolarizing" and channel.n_qubits == 1:
        qml.DepolarizingChannel(3 * p[0] / 4, wires=wires)  # PennyLane's p is 3/4 of ours
    elif kind == "bit_flip":
        qml.BitFlip(p[0], wires=wires)
    elif kind == "phase_flip":
        qml.PhaseFlip(p[0], wires=wires)
    elif kind == "amplitude_damping":
        qml.AmplitudeDamping(p[0], wires=wires)
    elif kind == "phase_damping":
        qml.PhaseDamping(p[0], wires=wires)
    elif kind == "thermal_relaxation":
        t1, t2, time, excited = p
        qml.ThermalRelaxationError(excited, t1, t2, time, wires=wires)
    else:
        qml.QubitChannel(list(channel.kraus_operators()), wires=wires)


def _angle(param, x, weights):
    """The parameter's value, differentiable in ``weights`` (autograd)."""
    if isinstance(param, Const):
        return param.value
    if isinstance(param, Weight):
        return weights[param.index]
    if isinstance(param, Feature):
        return param.scale * float(x[param.index]) + param.offset
    if isinstance(param, Expr):
        return param.constant + sum(t.coefficient * math.prod(_angle(f, x, weights)
                                                              for f in t.factors)
                                    for t in param.terms)
    raise TypeError(param)


def pennylane_expval(circuit: Circuit, X, weights, observables: list[str], noise: NoiseModel,
                     cotangent=None):
    """``(values (B, K), Σ cotangent·∂values/∂w or None)`` from ``default.mixed`` with
    autograd backprop."""
    n = circuit.n_qubits
    device = qml.device("default.mixed", wires=n)
    ops = [qml.Hermitian(pauli_operator(o, n), wires=range(n)) for o in observables]

    @qml.qnode(device, diff_method="backprop", interface="autograd")
    def run(ws, xb):
        for op in circuit.operations:
            name = ALIASES.get(op.gate, op.gate)
            _PL_GATES[name](*[_angle(p, xb, ws) for p in op.params], wires=list(op.wires))
            for channel, wires in noise.channels_after(name, op.wires):
                _pl_channel(channel, list(wires))
        return [qml.expval(o) for o in ops]

    def values(ws):
        return pnp.stack([pnp.stack(run(ws, xb)) for xb in X])

    ws = pnp.array(np.asarray(weights, dtype=float), requires_grad=True)
    out = np.asarray(values(ws))
    if cotangent is None:
        return out, None
    grad = qml.grad(lambda v: pnp.sum(values(v) * cotangent))(ws)
    return out, np.asarray(grad)
