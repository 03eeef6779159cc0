"""Compile a :class:`~qmlstudio.core.Circuit` once into a flat program of arrays.

The simulator runs a *program*: a list of blocks, each of one kind

* ``DENSE1`` — all consecutive single-qubit gates on one wire, fused; at run time their 2×2
  factors are multiplied into one matrix (and, backwards, one sweep gives the gradients of
  every rotation in the block);
* ``DENSE2`` / ``DIAG2`` — consecutive two-qubit gates on the same pair of wires (diagonal
  ones — cz, crz, cp, rzz — get a kernel that only multiplies by phases);
* ``PERM`` — a run of permutation gates (x-free: cx, swap, ccx, cswap) applied as one index
  gather through a precomputed table.

Every factor is ``A + cos(f·θ) B + sin(f·θ) C`` (see :mod:`qmlstudio.core.gates`) with
``θ = scale · source + offset``, where the source is 1 (a constant), ``w[idx]`` or ``x[idx]``.
Single-qubit blocks that come first on their wire are marked *leading*: without an initial
state they are folded into a product state built in O(2**n).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from ..core import Circuit, Const, Feature, Weight, gate_spec
from ..core.gates import Factor

__all__ = ["DENSE1", "DENSE2", "DIAG2", "PERM", "Program", "ProgramArrays", "compile_program"]

DENSE1, DENSE2, DIAG2, PERM = 0, 1, 2, 3
SRC_CONST, SRC_WEIGHT, SRC_FEATURE = 0, 1, 2
DEP_CONST, DEP_WEIGHTS, DEP_FEATURES = 0, 1, 2

_SWAP_LOCAL = np.eye(4)[[0, 2, 1, 3]]


class ProgramArrays(NamedTuple):
    """The arrays the numba kernels read (a NamedTuple so numba can take it as one argument)."""

    fac_a: np.ndarray  # (F, 4, 4) complex; a 1-qubit factor uses the top-left 2×2
    fac_b: np.ndarray
    fac_c: np.ndarray
    fac_freq: np.ndarray  # (F,) float
    fac_src: np.ndarray  # (F,) int: SRC_*
    fac_idx: np.ndarray  # (F,) int: weight or feature index
    fac_scale: np.ndarray  # (F,) float
    fac_offset: np.ndarray  # (F,) float
    fac_wslot: np.ndarray  # (F,) int: position among the weight factors, or -1
    op_kind: np.ndarray  # (N,) int: DENSE1 | DENSE2 | DIAG2 | PERM
    op_t0: np.ndarray  # (N,) int: bit position of the first (more significant) wire
    op_t1: np.ndarray  # (N,) int: bit position of the second wire (two-qubit blocks)
    op_f0: np.ndarray  # (N,) int: first factor of the block
    op_f1: np.ndarray  # (N,) int: one past its last factor
    op_dep: np.ndarray  # (N,) int: DEP_*: what the block's matrix depends on
    op_lead: np.ndarray  # (N,) bool: leading single-qubit block (part of the product state)
    op_perm: np.ndarray  # (N,) int: row of the permutation tables, or -1
    op_fslot: np.ndarray  # (N,) int: position among the sample-dependent blocks, or -1
    perm_fwd: np.ndarray  # (R, 2**n) int32: new[i] = old[perm_fwd[i]]
    perm_inv: np.ndarray  # (R, 2**n) int32: the inverse gather


@dataclass(frozen=True, slots=True, eq=False)
class Program:
    """A compiled circuit: ``arrays`` for the kernels plus facts the Python side needs."""

    n_qubits: int
    n_weights: int
    n_features: int
    arrays: ProgramArrays
    max_factors: int
    weight_factors: np.ndarray = field(repr=False)  # factor indices whose source is a weight,
    # in weight-slot order (``fac_wslot``)
    shift_rules: tuple = field(repr=False, default=())  # per factor: ((coef, shift), ...) or ()

    @property
    def n_ops(self) -> int:
        """Number of blocks."""
        return len(self.arrays.op_kind)

    @property
    def n_feature_blocks(self) -> int:
        """Number of blocks whose matrix depends on the data sample."""
        return int(self.arrays.op_fslot.max(initial=-1)) + 1


@dataclass(slots=True)
class _Block:
    kind: int
    wires: tuple[int, ...]
    items: list[tuple[Factor, object, tuple]]  # (factor, bound parameter or None, shift rule)
    lead: bool = False
    table: np.ndarray | None = None  # PERM: gather table


def _local_source(n: int, wires: tuple[int, ...], matrix: np.ndarray) -> np.ndarray:
    """Gather table of one permutation gate: new[i] = old[table[i]]."""
    index = np.arange(2**n, dtype=np.int64)
    k = len(wires)
    bits = [(index >> (n - 1 - w)) & 1 for w in wires]
    local = np.zeros_like(index)
    for b in bits:
        local = (local << 1) | b
    source_local = np.argmax(matrix, axis=1)[local]  # matrix[new, old] == 1
    table = index.copy()
    for pos, w in enumerate(wires):
        shift = n - 1 - w
        bit = (source_local >> (k - 1 - pos)) & 1
        table = (table & ~(1 << shift)) | (bit << shift)
    return table


def _touches(block: _Block, wire: int) -> bool:
    return wire in block.wires


def _schedule(circuit: Circuit) -> list[_Block]:
    """Fuse single-qubit runs, merge same-pair two-qubit gates and group permutation runs."""
    n = circuit.n_qubits
    blocks: list[_Block] = []
    pending: dict[int, list] = {}
    touched = [False] * n

    def flush(wire: int) -> None:
        items = pending.pop(wire, None)
        if not items:
            return
        # Slide the block before trailing permutations that do not touch its wire (they
        # commute), so permutation runs stay unbroken and merge into one gather.
        pos = len(blocks)
        while pos and blocks[pos - 1].kind == PERM and not _touches(blocks[pos - 1], wire):
            pos -= 1
        blocks.insert(pos, _Block(DENSE1, (wire,), items, lead=not touched[wire]))
        touched[wire] = True

    for op in circuit.operations:
        spec = gate_spec(op.gate)
        items = [(f, op.params[f.param], spec.shift_rules[f.param]) if f.param is not None
                 else (f, None, ()) for f in spec.factors]
        if spec.n_wires == 1:
            pending.setdefault(op.wires[0], []).extend(items)
            continue
        for wire in op.wires:
            flush(wire)
            touched[wire] = True
        if spec.is_permutation:
            table = _local_source(n, op.wires, spec.matrix())
            if blocks and blocks[-1].kind == PERM:
                last = blocks[-1]
                last.table = last.table[table]
                last.wires = tuple(sorted(set(last.wires) | set(op.wires)))
            else:
                blocks.append(_Block(PERM, tuple(op.wires), [], table=table))
            continue
        wires = tuple(op.wires)
        if wires[0] > wires[1]:  # normalise to (lower wire, higher wire)
            items = [(_swapped(f), p, rule) for f, p, rule in items]
            wires = wires[::-1]
        kind = DIAG2 if spec.is_diagonal else DENSE2
        last = blocks[-1] if blocks else None
        if last is not None and last.kind in (DENSE2, DIAG2) and last.wires == wires:
            last.items.extend(items)
            last.kind = DIAG2 if (last.kind == DIAG2 and kind == DIAG2) else DENSE2
        else:
            blocks.append(_Block(kind, wires, items))
    for wire in sorted(pending):
        flush(wire)
    return blocks


@lru_cache(maxsize=128)
def _swapped(factor: Factor) -> Factor:
    """The factor with its two wires exchanged (S·M·S with S the swap matrix)."""
    a, b, c = (_SWAP_LOCAL @ m @ _SWAP_LOCAL for m in (factor.a, factor.b, factor.c))
    return Factor(a, b, c, factor.frequency, factor.param)


def _source(param: object) -> tuple[int, int, float, float]:
    if param is None:
        return SRC_CONST, 0, 0.0, 0.0
    if isinstance(param, Const):
        return SRC_CONST, 0, 0.0, param.value
    if isinstance(param, Weight):
        return SRC_WEIGHT, param.index, 1.0, 0.0
    assert isinstance(param, Feature)
    return SRC_FEATURE, param.index, param.scale, param.offset


def compile_program(circuit: Circuit) -> Program:
    """Compile ``circuit`` into a :class:`Program` (cached for recently used circuits)."""
    return _compile_cached(circuit)


@lru_cache(maxsize=16)
def _compile_cached(circuit: Circuit) -> Program:
    n = circuit.n_qubits
    blocks = _schedule(circuit)
    n_factors = sum(len(b.items) for b in blocks)
    fac_a = np.zeros((n_factors, 4, 4), dtype=np.complex128)
    fac_b = np.zeros_like(fac_a)
    fac_c = np.zeros_like(fac_a)
    fac_num = np.zeros((n_factors, 3))  # freq, scale, offset
    fac_int = np.zeros((n_factors, 2), dtype=np.int64)  # src, idx
    ops = np.zeros((len(blocks), 7), dtype=np.int64)  # kind, t0, t1, f0, f1, dep, perm
    lead = np.zeros(len(blocks), dtype=np.bool_)
    tables = []
    rules = []
    f = 0
    for k, block in enumerate(blocks):
        f0 = f
        dep = DEP_CONST
        for factor, param, rule in block.items:
            rules.append(rule)
            d = factor.a.shape[0]
            fac_a[f, :d, :d], fac_b[f, :d, :d], fac_c[f, :d, :d] = factor.a, factor.b, factor.c
            src, idx, scale, offset = _source(param)
            fac_num[f] = factor.frequency, scale, offset
            fac_int[f] = src, idx
            if factor.param is not None:
                dep = max(dep, {SRC_CONST: DEP_CONST, SRC_WEIGHT: DEP_WEIGHTS,
                                SRC_FEATURE: DEP_FEATURES}[src])
            f += 1
        t0 = n - 1 - block.wires[0]
        t1 = n - 1 - block.wires[1] if block.kind in (DENSE2, DIAG2) else -1
        perm = -1
        if block.kind == PERM:
            perm = len(tables)
            tables.append(block.table)
        ops[k] = block.kind, t0, t1, f0, f, dep, perm
        lead[k] = block.lead
    dim = 2**n
    fwd = np.array(tables, dtype=np.int32).reshape(len(tables), dim if tables else 0)
    inv = np.empty_like(fwd)
    for r in range(len(tables)):
        inv[r, fwd[r]] = np.arange(dim, dtype=np.int32)
    weight_factors = np.flatnonzero(fac_int[:, 0] == SRC_WEIGHT)
    wslot = np.full(n_factors, -1, dtype=np.int64)
    wslot[weight_factors] = np.arange(len(weight_factors))
    feature_blocks = (ops[:, 5] == DEP_FEATURES) & (ops[:, 0] != PERM)
    fslot = np.full(len(blocks), -1, dtype=np.int64)
    fslot[feature_blocks] = np.arange(int(feature_blocks.sum()))
    arrays = ProgramArrays(
        fac_a, fac_b, fac_c,
        np.ascontiguousarray(fac_num[:, 0]), np.ascontiguousarray(fac_int[:, 0]),
        np.ascontiguousarray(fac_int[:, 1]), np.ascontiguousarray(fac_num[:, 1]),
        np.ascontiguousarray(fac_num[:, 2]), wslot,
        *(np.ascontiguousarray(ops[:, c]) for c in range(6)),
        lead, np.ascontiguousarray(ops[:, 6]), fslot, fwd, inv,
    )
    max_factors = max((len(b.items) for b in blocks), default=1)
    return Program(n, circuit.n_weights, circuit.n_features, arrays, max(max_factors, 1),
                   weight_factors, tuple(rules))
