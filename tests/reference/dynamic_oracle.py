"""An independent reference for dynamic circuits: Qiskit reads the OpenQASM program (its own
parser, gates and ``if_else`` blocks) and Qiskit Aer's ``density_matrix`` method simulates it
exactly, by the textbook deferred-measurement construction rather than QML Studio's.

Every mid-circuit measurement whose bit a later condition reads is copied (``cx``) onto a fresh
ancilla qubit that nothing touches again, which makes the measurement exact and keeps its
result even if the measured qubit changes afterwards; a steered gate becomes Qiskit's own
controlled gate on those ancillas (``Gate.control`` with the condition's control state). An
``else`` block is controlled by one more ancilla, a flag set to 1 when the condition fails (a
multi-controlled ``x`` with that control state onto it, then ``x``) and reset by the same gates
after the block, not by QML Studio's enumeration of the other values. A
measurement nobody reads is its Kraus projectors ``{|0⟩⟨0|, |1⟩⟨1|}``; ``reset`` is Aer's own;
final measurements are dropped. Aer saves the density matrix of the program's qubits (the
ancillas traced out), returned in QML Studio's index order (the first declared qubit is the
most significant bit).
"""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit, transpile
from qiskit.circuit import ClassicalRegister, Clbit, IfElseOp
from qiskit.circuit.library import XGate
from qiskit.quantum_info import Kraus
from qiskit_aer import AerSimulator

__all__ = ["aer_dynamic_density_matrix"]

_PROJECTORS = Kraus([np.diag([1.0, 0.0]), np.diag([0.0, 1.0])])


def _condition_bits(op: IfElseOp) -> list[tuple[Clbit, int]]:
    target, value = op.condition
    bits = list(target) if isinstance(target, ClassicalRegister) else [target]
    value = int(value)
    return [(bit, value >> k & 1) for k, bit in enumerate(bits)]


def _read_later(data, start: int) -> set[Clbit]:
    return {bit for item in data[start:] if isinstance(item.operation, IfElseOp)
            for bit, _ in _condition_bits(item.operation)}


def _used_later(data, start: int, qubit) -> bool:
    return any(qubit in item.qubits and item.operation.name not in ("measure", "barrier")
               for item in data[start:])


def _append_steered(out: QuantumCircuit, body: QuantumCircuit, wires: list[int],
                    controls: list[int], state: int) -> None:
    """The gates of ``body`` (on ``wires``) controlled by ``controls`` in ``state``."""
    inner = {qubit: wires[j] for j, qubit in enumerate(body.qubits)}
    for step in body.data:
        gate = step.operation
        if controls:
            gate = gate.control(len(controls), ctrl_state=state, annotated=True)
        out.append(gate, controls + [inner[q] for q in step.qubits])


def aer_dynamic_density_matrix(qc: QuantumCircuit) -> np.ndarray:
    """The density matrix of the dynamic program ``qc`` (see the module docstring)."""
    data = list(qc.data)
    n = qc.num_qubits
    index = {qubit: k for k, qubit in enumerate(qc.qubits)}
    n_copies = sum(item.operation.name == "measure" and item.clbits[0] in _read_later(data, k)
                   for k, item in enumerate(data))
    flag = n + n_copies  # the else blocks' flag, if there are any
    n_copies += any(isinstance(item.operation, IfElseOp) and len(item.operation.blocks) > 1
                    for item in data)
    out = QuantumCircuit(n + n_copies)
    copies: dict[Clbit, int] = {}
    next_ancilla = n
    for k, item in enumerate(data):
        op, wires = item.operation, [index[q] for q in item.qubits]
        if op.name == "barrier":
            continue
        if op.name == "measure":
            if item.clbits[0] in _read_later(data, k + 1):
                out.cx(wires[0], next_ancilla)
                copies[item.clbits[0]] = next_ancilla
                next_ancilla += 1
            elif _used_later(data, k + 1, item.qubits[0]):
                out.append(_PROJECTORS.to_instruction(), wires)
        elif op.name == "reset":
            out.reset(wires[0])
        elif isinstance(op, IfElseOp):
            wanted = _condition_bits(op)
            never = any(value and bit not in copies for bit, value in wanted)  # unwritten: 0
            known = [(copies[bit], value) for bit, value in wanted if bit in copies]
            controls = [wire for wire, _ in known]
            state = sum(value << j for j, (_, value) in enumerate(known))
            if not never:
                _append_steered(out, op.blocks[0], wires, controls, state)
            if len(op.blocks) > 1 and (never or controls):
                if never:
                    _append_steered(out, op.blocks[1], wires, [], 0)
                else:  # the block cannot touch the copies: the same gates reset the flag
                    fails = XGate().control(len(controls), ctrl_state=state)
                    out.append(fails, [*controls, flag])
                    out.x(flag)
                    _append_steered(out, op.blocks[1], wires, [flag], 1)
                    out.x(flag)
                    out.append(fails, [*controls, flag])
        else:
            out.append(op, wires)
    out.save_density_matrix(qubits=list(range(n)))
    simulator = AerSimulator(method="density_matrix")
    # Program-defined gates (QASMBench's "syndrome") become Aer's basis gates first.
    out = transpile(out, simulator, optimization_level=0)
    result = simulator.run(out).result()
    rho = np.asarray(result.data()["density_matrix"])
    # Qiskit's qubit 0 is the least significant bit; ours is the most significant.
    axes = list(range(n - 1, -1, -1))
    return rho.reshape((2,) * 2 * n).transpose(axes + [n + a for a in axes]).reshape(
        2 ** n, 2 ** n)
