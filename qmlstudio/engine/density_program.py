"""Compile a circuit and a noise model into a flat list of density-matrix *steps*.

A step is one of

* ``GATE`` — a block of the gate program (:class:`~qmlstudio.engine.program.Program`): one
  multi-qubit gate, or a run of single-qubit gates on one wire fused into one 2×2 unitary,
  optionally followed by a one-qubit depolarizing channel on that wire (in the same sweep);
* ``PERM`` — a multi-qubit permutation gate (cx, swap, ccx, cswap), applied to both indices
  of ρ as one gather through the program's table, with a one-qubit depolarizing channel that
  was waiting on one of its wires mixed in as it reads;
* ``DEPOL1`` / ``DEPOL2`` — a depolarizing channel on one or two wires in closed form,
  ``ρ → f ρ + (1 − f) Tr_w(ρ) ⊗ I/d`` with ``f = 1 − p`` (mix with the partial trace);
* ``SUPER1`` / ``SUPER2`` — any other channel, through its superoperator on the d×d block.

The gate blocks reuse the ideal engine's compiled form, so a gate's matrix for a sample's angles
(expressions included) and its derivatives come from the same code
(:func:`~qmlstudio.engine.block_matrices.block_matrices`); only the schedule differs, because a
channel follows every gate. Fusion is exact where it is legal: a one-qubit depolarizing channel
commutes with every one-qubit unitary on its wire (it is unitarily covariant) and two of them
compose into one (``f = f₁ f₂``), so the gates of a single-qubit run and the depolarizing
channels between them become one unitary followed by one channel. Any other channel, and every
multi-qubit gate, ends the run on its wires. Gates on other wires commute with a pending run, so
runs stay open across them (as in the ideal compiler). Depolarizing channels still waiting at the
end of the circuit are not simulated at all: ``Tr(P · D_w(ρ)) = f_w Tr(P ρ)`` when the Pauli
string ``P`` acts on wire ``w`` (and ``Tr(P ρ)`` when it does not), so they scale the values
(:attr:`DensityProgram.final_shrink`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from qmlstudio.core import Circuit, gate_spec
from qmlstudio.core.noise import Channel, NoiseModel
from qmlstudio.engine.program import (
    _NO_SWAPS,
    DENSE1,
    DENSE2,
    PERM,
    BlockRow,
    Program,
    _Gate,
    _gate_table,
    _Item,
    _items,
    assemble_blocks,
)

__all__ = ["DEPOL1", "DEPOL2", "GATE", "PERM_STEP", "SUPER1", "SUPER2", "DensityProgram",
           "DensitySteps", "compile_density"]

GATE, PERM_STEP, DEPOL1, DEPOL2, SUPER1, SUPER2 = range(6)
"""Step kinds (see the module docstring)."""


class DensitySteps(NamedTuple):
    """The arrays the density kernels read, one entry per step (a NamedTuple for numba)."""

    kind: np.ndarray  # (S,) int: GATE ... SUPER2
    op: np.ndarray  # (S,) int: GATE / PERM_STEP: block of the gate program, else -1
    t0: np.ndarray  # (S,) int: bit of the first wire; PERM_STEP: of the wire depolarized first
    #                 (-1: none)
    t1: np.ndarray  # (S,) int: bit of the second wire, or -1
    shrink: np.ndarray  # (S,) float: f = 1 − p of the step's depolarizing channel (1: none)
    mask: np.ndarray  # (S,) int: PERM_STEP: where the gather sends bit t0 (see permute), else 0
    sup: np.ndarray  # (S,) int: SUPER*: row of the superoperator tables, else -1
    superop: np.ndarray  # (R, 16, 16) complex: superoperators (a 1-qubit one in the top-left 4×4)
    dual: np.ndarray  # (R, 16, 16) complex: their duals (Heisenberg picture), S^H


@dataclass(frozen=True, slots=True, eq=False)
class DensityProgram:
    """A compiled noisy circuit: the gate ``program`` (its blocks are the gates the steps
    name) and the ``steps``."""

    program: Program
    steps: DensitySteps
    trainable: np.ndarray = field(repr=False)  # (blocks,) bool: the block has weight factors
    final_shrink: np.ndarray = field(repr=False)  # (wires,) f of the channel left at the end
    channels: tuple[Channel, ...] = ()  # the channel of each superoperator row

    @property
    def n_steps(self) -> int:
        """Number of steps."""
        return len(self.steps.kind)


class _Block(NamedTuple):
    kind: int  # DENSE1 | DENSE2 | PERM
    wires: tuple[int, ...]
    items: tuple[_Item, ...] = ()
    table: int = -1


class _Step(NamedTuple):
    kind: int
    op: int = -1
    wires: tuple[int, ...] = ()
    shrink: float = 1.0
    sup: int = -1
    mask: int = 0


class _Scheduler:
    """Builds blocks and steps, keeping each wire's open single-qubit run (see the module
    docstring)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.blocks: list[_Block] = []
        self.steps: list[_Step] = []
        self.tables: list[np.ndarray] = []
        self.channels: list[Channel] = []
        self.pending: dict[int, tuple[list[_Item], float]] = {}

    def gate1(self, wire: int, items: list[_Item]) -> None:
        run, shrink = self.pending.get(wire, ([], 1.0))
        self.pending[wire] = (run + items, shrink)

    def depolarize1(self, wire: int, p: float) -> None:
        run, shrink = self.pending.get(wire, ([], 1.0))
        self.pending[wire] = (run, shrink * (1.0 - p))

    def flush(self, wires: tuple[int, ...]) -> None:
        for wire in wires:
            run, shrink = self.pending.pop(wire, ([], 1.0))
            if run:
                self.blocks.append(_Block(DENSE1, (wire,), tuple(run)))
                self.steps.append(_Step(GATE, len(self.blocks) - 1, (wire,), shrink))
            elif shrink != 1.0:
                self.steps.append(_Step(DEPOL1, wires=(wire,), shrink=shrink))

    def gate(self, name: str, wires: tuple[int, ...], params: tuple) -> None:
        spec = gate_spec(name)
        if spec.is_permutation:
            table = _gate_table(self.n, _Gate(spec.name, wires))
            # One wire's waiting depolarizing channel (no gates before it) rides on the gather
            # when the permutation moves its bit to a fixed mask (cx, swap: linear maps).
            mixed, mask = None, 0
            for wire in wires:
                if wire in self.pending and not self.pending[wire][0]:
                    mask = _moved_bit(table, 1 << (self.n - 1 - wire))
                    if mask:
                        mixed = wire
                        break
            shrink = self.pending.pop(mixed)[1] if mixed is not None else 1.0
            self.flush(wires)
            self.tables.append(table)
            self.blocks.append(_Block(PERM, wires, table=len(self.tables) - 1))
            self.steps.append(_Step(PERM_STEP, len(self.blocks) - 1,
                                    (mixed,) if mixed is not None else (), shrink, mask=mask))
        else:
            self.flush(wires)
            self.blocks.append(_Block(DENSE2, wires, tuple(_items(spec, params))))
            self.steps.append(_Step(GATE, len(self.blocks) - 1, wires))

    def channel(self, channel: Channel, wires: tuple[int, ...]) -> None:
        if channel.is_identity:
            return
        if channel.kind == "depolarizing" and channel.n_qubits == 1:
            self.depolarize1(wires[0], channel.params[0])
            return
        self.flush(wires)
        if channel.kind == "depolarizing":
            self.steps.append(_Step(DEPOL2, wires=wires, shrink=1.0 - channel.params[0]))
        else:
            self.channels.append(channel)
            self.steps.append(_Step(SUPER1 if channel.n_qubits == 1 else SUPER2, wires=wires,
                                    sup=len(self.channels) - 1))


def _moved_bit(table: np.ndarray, bit: int) -> int:
    """The mask m with inverse(table)[table[i] ^ bit] = i ^ m for every i, or 0 if the
    permutation does not move ``bit`` to one fixed mask."""
    inverse = np.empty_like(table)
    inverse[table] = np.arange(len(table))
    moved = inverse[table ^ bit] ^ np.arange(len(table))
    return int(moved[0]) if np.all(moved == moved[0]) else 0


def compile_density(circuit: Circuit, noise: NoiseModel) -> DensityProgram:
    """Compile ``circuit`` with the channels ``noise`` puts after its gates (cached); the
    circuit's own channel operations (:data:`~qmlstudio.core.channel_ops.CHANNEL_OPS`) are
    applied where they stand.

    Raises :class:`~qmlstudio.core.errors.NoiseError` when a channel of the model does not fit
    a gate of the circuit.
    """
    return _compile_cached(circuit, noise)


@lru_cache(maxsize=16)
def _compile_cached(circuit: Circuit, noise: NoiseModel) -> DensityProgram:
    n = circuit.n_qubits
    sched = _Scheduler(n)
    for op in circuit.operations:
        if op.is_channel:  # a channel operation: applied where it stands, no noise after it
            sched.channel(op.channel(), op.wires)
            continue
        spec = gate_spec(op.gate)
        if spec.n_wires == 1:  # x too: a 2×2 matrix in a fused run costs nothing extra
            sched.gate1(op.wires[0], _items(spec, op.params))
        else:
            sched.gate(op.gate, op.wires, op.params)
        for channel, wires in noise.channels_after(spec.name, op.wires):
            sched.channel(channel, wires)
    final_shrink = np.ones(n)
    for wire, (run, shrink) in sorted(sched.pending.items()):
        if run:
            sched.flush((wire,))
        else:
            final_shrink[wire] = shrink
    program = _gate_program(circuit, sched.blocks, sched.tables)
    prog = program.arrays
    trainable = np.array([any(prog.fac_wslot[f] >= 0 for f in range(prog.op_f0[op],
                                                                      prog.op_f1[op]))
                          for op in range(program.n_ops)], dtype=bool)
    return DensityProgram(program, _step_arrays(n, sched), trainable, final_shrink,
                          tuple(sched.channels))


def _step_arrays(n: int, sched: _Scheduler) -> DensitySteps:
    steps = sched.steps
    superop = np.zeros((max(1, len(sched.channels)), 16, 16), dtype=np.complex128)
    for row, channel in enumerate(sched.channels):
        d2 = channel.dimension ** 2
        superop[row, :d2, :d2] = channel.superoperator()
    return DensitySteps(
        kind=np.array([s.kind for s in steps], dtype=np.int64),
        op=np.array([s.op for s in steps], dtype=np.int64),
        t0=np.array([n - 1 - s.wires[0] if s.wires else -1 for s in steps], dtype=np.int64),
        t1=np.array([n - 1 - s.wires[1] if len(s.wires) > 1 else -1 for s in steps],
                    dtype=np.int64),
        shrink=np.array([s.shrink for s in steps], dtype=np.float64),
        sup=np.array([s.sup for s in steps], dtype=np.int64),
        mask=np.array([s.mask for s in steps], dtype=np.int64),
        superop=superop,
        dual=np.ascontiguousarray(superop.conj().transpose(0, 2, 1)),
    )


def _gate_program(circuit: Circuit, blocks: list[_Block], tables: list[np.ndarray]) -> Program:
    """The gate blocks in the ideal engine's compiled form: the same factor rows, so
    :func:`~qmlstudio.engine.block_matrices.block_matrices` builds their matrices."""
    n = circuit.n_qubits

    def block_row(block: _Block, f0: int, f1: int, dep: int) -> BlockRow:
        # A matrix block's wires in gate order (the kernels take any bit order, so unlike the
        # ideal compiler no factor is swapped); t1 is unused by single-qubit and PERM blocks.
        return BlockRow(op_kind=block.kind, op_t0=n - 1 - block.wires[0],
                        op_t1=n - 1 - block.wires[1] if len(block.wires) > 1 else -1,
                        op_f0=f0, op_f1=f1, op_dep=dep, op_lead=False, op_perm=block.table,
                        op_swap=_NO_SWAPS)

    rules: list[tuple] = []  # parameter shift under noise: the channels hold no weight
    arrays, _, block_rows, products, is_weight = assemble_blocks(
        n, circuit.n_features, blocks, tables, block_row, rules)
    return Program(
        n_qubits=n, n_weights=circuit.n_weights, n_features=circuit.n_features,
        arrays=arrays, max_factors=max([1, *(r.op_f1 - r.op_f0 for r in block_rows)]),
        weight_factors=np.flatnonzero(is_weight), shift_rules=tuple(rules), products=products,
    )

