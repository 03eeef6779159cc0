"""Compile a :class:`~qmlstudio.core.Circuit` once into a flat program of arrays.

The simulator runs a *program*: a list of blocks, each of one kind

* ``DENSE1`` — all consecutive single-qubit gates on one wire, fused; at run time their 2×2
  factors are multiplied into one matrix (and, backwards, one sweep gives the gradients of
  every rotation in the block);
* ``DENSE2`` / ``DIAG2`` — consecutive two-qubit gates on the same pair of wires (diagonal
  ones — cz, crz, cp, rzz — get a kernel that only multiplies by phases);
* ``PERM`` — a run of multi-qubit permutation gates (cx, swap, ccx, cswap) applied as one
  index gather through a precomputed table;
* ``SWAPS`` — one permutation gate applied in place as pair swaps (a lone gate, or when the
  tables would take too much memory).

Every factor is ``A + cos(f·θ) B + sin(f·θ) C`` (see :mod:`qmlstudio.core.gates`) with
``θ = scale · source + offset``, where the source is 1 (a constant), ``w[idx]`` or ``x[idx]``;
the distinct ``(A, B, C)`` triples are stored once. Single-qubit blocks that come first on
their wire are marked *leading*: without an initial state they are folded into a product
state built in O(2**n).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from qmlstudio.core import Circuit, Const, Feature, Weight, gate_spec
from qmlstudio.core.gates import Factor

__all__ = ["DENSE1", "DENSE2", "DIAG2", "PERM", "SWAPS", "Program", "ProgramArrays",
           "compile_program"]

DENSE1, DENSE2, DIAG2, PERM, SWAPS = 0, 1, 2, 3, 4
SRC_CONST, SRC_WEIGHT, SRC_FEATURE = 0, 1, 2
DEP_CONST, DEP_WEIGHTS, DEP_FEATURES = 0, 1, 2

PERM_TABLE_BUDGET = 64 << 20
"""Bytes of gather tables a program may hold; further permutation runs use in-place swaps."""

_SWAP_LOCAL = np.eye(4)[[0, 2, 1, 3]]


class ProgramArrays(NamedTuple):
    """The arrays the numba kernels read (a NamedTuple so numba can take it as one argument)."""

    kind_a: np.ndarray  # (K, 4, 4) complex: distinct factor matrices (1-qubit: top-left 2×2)
    kind_b: np.ndarray
    kind_c: np.ndarray
    fac_kind: np.ndarray  # (F,) int: row of kind_a/b/c
    fac_freq: np.ndarray  # (F,) float
    fac_src: np.ndarray  # (F,) int: SRC_*
    fac_idx: np.ndarray  # (F,) int: weight or feature index
    fac_scale: np.ndarray  # (F,) float
    fac_offset: np.ndarray  # (F,) float
    fac_wslot: np.ndarray  # (F,) int: position among the weight factors, or -1
    op_kind: np.ndarray  # (N,) int: DENSE1 | DENSE2 | DIAG2 | PERM | SWAPS
    op_t0: np.ndarray  # (N,) int: bit position of the first (more significant) wire
    op_t1: np.ndarray  # (N,) int: bit position of the second wire (two-qubit blocks)
    op_f0: np.ndarray  # (N,) int: first factor of the block
    op_f1: np.ndarray  # (N,) int: one past its last factor
    op_dep: np.ndarray  # (N,) int: DEP_*: what the block's matrix depends on
    op_lead: np.ndarray  # (N,) bool: leading single-qubit block (part of the product state)
    op_perm: np.ndarray  # (N,) int: row of the permutation tables, or -1
    op_fslot: np.ndarray  # (N,) int: position among the sample-dependent blocks, or -1
    op_masks: np.ndarray  # (N, 4) int: SWAPS: control mask, xor mask, select mask, value
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
    weight_factors: np.ndarray = field(repr=False)  # weight factors in weight-slot order
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
    items: list = field(default_factory=list)  # (factor, bound parameter or None, shift rule)
    lead: bool = False
    gates: list = field(default_factory=list)  # PERM: (gate name, wires) in order


@lru_cache(maxsize=4096)
def _gate_table(n: int, name: str, wires: tuple[int, ...]) -> np.ndarray:
    """Gather table of one permutation gate: new[i] = old[table[i]]."""
    matrix = gate_spec(name).matrix()
    index = np.arange(2**n, dtype=np.int64)
    k = len(wires)
    local = np.zeros_like(index)
    for w in wires:
        local = (local << 1) | ((index >> (n - 1 - w)) & 1)
    source_local = np.argmax(matrix, axis=1)[local]  # matrix[new, old] == 1
    table = index.copy()
    for pos, w in enumerate(wires):
        shift = n - 1 - w
        table = (table & ~(1 << shift)) | (((source_local >> (k - 1 - pos)) & 1) << shift)
    table.flags.writeable = False
    return table


def _swap_masks(n: int, name: str, wires: tuple[int, ...]) -> tuple[int, int, int, int]:
    """In-place form of a permutation gate: swap amplitude i with i ^ xor for every i whose
    control bits are all set and whose selected bits equal ``value``."""
    bit = [1 << (n - 1 - w) for w in wires]
    if name in ("cx", "ccx"):  # flip the target where the controls are set
        controls, target = bit[:-1], bit[-1]
        return sum(controls), target, target, 0
    if name in ("swap", "cswap"):  # exchange two bits where the controls are set
        controls, a, b = bit[:-2], bit[-2], bit[-1]
        return sum(controls), a | b, a | b, a
    raise AssertionError(f"no in-place form for permutation gate {name}")


@lru_cache(maxsize=128)
def _swapped(factor: Factor) -> Factor:
    """The factor with its two wires exchanged (S·M·S with S the swap matrix)."""
    a, b, c = (_SWAP_LOCAL @ m @ _SWAP_LOCAL for m in (factor.a, factor.b, factor.c))
    return Factor(a, b, c, factor.frequency, factor.param)


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
        while pos and blocks[pos - 1].kind == PERM and wire not in blocks[pos - 1].wires:
            pos -= 1
        blocks.insert(pos, _Block(DENSE1, (wire,), items, lead=not touched[wire]))
        touched[wire] = True

    for op in circuit.operations:
        spec = gate_spec(op.gate)
        if spec.n_wires == 1:
            pending.setdefault(op.wires[0], []).extend(_items(spec, op.params))
            continue
        for wire in op.wires:
            flush(wire)
            touched[wire] = True
        last = blocks[-1] if blocks else None
        if spec.is_permutation:
            if last is None or last.kind != PERM:
                last = _Block(PERM, ())
                blocks.append(last)
            last.gates.append((spec.name, op.wires))
            last.wires = tuple(sorted(set(last.wires) | set(op.wires)))
            continue
        items = _items(spec, op.params)
        wires = op.wires
        if wires[0] > wires[1]:  # normalise to (lower wire, higher wire)
            items = [(_swapped(f), p, rule) for f, p, rule in items]
            wires = wires[::-1]
        kind = DIAG2 if spec.is_diagonal else DENSE2
        if last is not None and last.kind in (DENSE2, DIAG2) and last.wires == wires:
            last.items.extend(items)
            last.kind = DIAG2 if (last.kind == DIAG2 and kind == DIAG2) else DENSE2
        else:
            blocks.append(_Block(kind, wires, items))
    for wire in sorted(pending):
        flush(wire)
    return blocks


def _items(spec, params) -> list:
    return [(f, params[f.param], spec.shift_rules[f.param]) if f.param is not None
            else (f, None, ()) for f in spec.factors]


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


def _expand_permutations(n: int, blocks: list[_Block]) -> tuple[list, list[np.ndarray]]:
    """Give every PERM run a gather table while the budget lasts; otherwise (and for lone
    gates) one SWAPS block per gate. Returns the final block list and the tables."""
    out: list = []
    tables: list[np.ndarray] = []
    table_bytes = 8 * 2**n  # forward and inverse int32 tables
    for block in blocks:
        if block.kind != PERM:
            out.append(block)
        elif len(block.gates) > 1 and (len(tables) + 1) * table_bytes <= PERM_TABLE_BUDGET:
            table = _gate_table(n, *block.gates[0])
            for gate in block.gates[1:]:
                table = table[_gate_table(n, *gate)]
            out.append((block, len(tables)))
            tables.append(table)
        else:
            out.extend(_Block(SWAPS, wires, gates=[(name, wires)]) for name, wires in block.gates)
    return out, tables


@lru_cache(maxsize=16)
def _compile_cached(circuit: Circuit) -> Program:
    n = circuit.n_qubits
    blocks, tables = _expand_permutations(n, _schedule(circuit))
    kinds: dict[int, int] = {}
    kind_mats: list[tuple[np.ndarray, ...]] = []
    fac_rows: list[tuple] = []
    rules: list[tuple] = []
    op_rows: list[tuple] = []
    masks = np.zeros((len(blocks), 4), dtype=np.int64)
    for k, entry in enumerate(blocks):
        block, perm = entry if isinstance(entry, tuple) else (entry, -1)
        f0 = len(fac_rows)
        dep = DEP_CONST
        for factor, param, rule in block.items:
            if id(factor) not in kinds:
                kinds[id(factor)] = len(kind_mats)
                kind_mats.append((factor.a, factor.b, factor.c))
            src, idx, scale, offset = _source(param)
            fac_rows.append((kinds[id(factor)], factor.frequency, src, idx, scale, offset))
            rules.append(rule)
            if factor.param is not None:
                dep = max(dep, (DEP_CONST, DEP_WEIGHTS, DEP_FEATURES)[src])
        if block.kind == SWAPS:
            masks[k] = _swap_masks(n, *block.gates[0])
        two_wire = block.kind in (DENSE2, DIAG2)
        t0 = n - 1 - block.wires[0] if block.kind != PERM else -1
        t1 = n - 1 - block.wires[1] if two_wire else -1
        op_rows.append((block.kind, t0, t1, f0, len(fac_rows), dep, block.lead, perm))
    kind_a = np.zeros((max(1, len(kind_mats)), 4, 4), dtype=np.complex128)
    kind_b, kind_c = np.zeros_like(kind_a), np.zeros_like(kind_a)
    for row, (a, b, c) in enumerate(kind_mats):
        d = a.shape[0]
        kind_a[row, :d, :d], kind_b[row, :d, :d], kind_c[row, :d, :d] = a, b, c
    fac = np.array(fac_rows, dtype=float).reshape(len(fac_rows), 6)
    ops = np.array(op_rows, dtype=np.int64).reshape(len(op_rows), 8)
    fac_src = fac[:, 2].astype(np.int64)
    weight_factors = np.flatnonzero(fac_src == SRC_WEIGHT)
    wslot = np.full(len(fac_rows), -1, dtype=np.int64)
    wslot[weight_factors] = np.arange(len(weight_factors))
    feature_blocks = ops[:, 5] == DEP_FEATURES
    fslot = np.full(len(op_rows), -1, dtype=np.int64)
    fslot[feature_blocks] = np.arange(int(feature_blocks.sum()))
    dim = 2**n
    fwd = np.array(tables, dtype=np.int32).reshape(len(tables), dim if tables else 0)
    inv = np.empty_like(fwd)
    for r in range(len(tables)):
        inv[r, fwd[r]] = np.arange(dim, dtype=np.int32)
    column = np.ascontiguousarray
    arrays = ProgramArrays(
        kind_a, kind_b, kind_c, column(fac[:, 0].astype(np.int64)), column(fac[:, 1]),
        fac_src, column(fac[:, 3].astype(np.int64)), column(fac[:, 4]), column(fac[:, 5]),
        wslot, *(column(ops[:, c]) for c in range(6)), column(ops[:, 6].astype(np.bool_)),
        column(ops[:, 7]), fslot, masks, fwd, inv,
    )
    max_factors = max((len(b[0].items if isinstance(b, tuple) else b.items) for b in blocks),
                      default=1)
    return Program(n, circuit.n_weights, circuit.n_features, arrays, max(max_factors, 1),
                   weight_factors, tuple(rules))
