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
``θ = scale · source + offset``, where the source is 1 (a constant), ``w[idx]``, ``x[idx]`` or
``w[idx] · x[col]``; the distinct ``(A, B, C)`` triples are stored once.

An :class:`~qmlstudio.core.Expr` angle ``c₀ + Σ_t c_t Π_t`` becomes one factor per term (and one
for ``c₀``): every factor of the library is a one-parameter group, ``F(a) F(b) = F(a + b)``
(rotations, controlled rotations and phases are exponentials of a fixed generator), so the gate
at the summed angle is the product of the gate at each term's angle, exactly. The kernels use
that the other way round: consecutive terms marked ``fac_join`` form one matrix at their summed
angle (a dressed circuit's input angle sums 31 terms), and each trainable term's derivative is
that matrix's derivative times the term's ``∂θ/∂w``. A term reads
``c · w[k] · g(x)`` with ``g`` a product of affine features: ``g`` is a column of the *angle
table*, the sample's features followed by the product columns the program lists
(:meth:`Program.angle_table`). The angle is linear in ``w[k]``, so the kernels' derivative of
such a factor is ``∂U/∂θ · c · g(x)`` per sample and the usual summed weight gradients are the
exact chain rule. Single-qubit blocks that come first on
their wire are marked *leading*: without an initial state they are folded into a product
state built in O(2**n). A permutation block that follows only leading blocks (the first
CNOT ladder after the encoding) is leading too: the product state is written through its
gather table and the costate at the boundary read through the inverse one, so neither
sweep moves the state for it.

The CNOT and SWAP gates that end a circuit (the entangling ladder after the last rotations)
are not simulated: they are folded into the measured observables (:meth:`Program.measured`).
Such a *linear* permutation ``|j⟩ → |π(j)⟩`` (π linear over the bits) conjugates a Pauli
string into a Pauli string, so measuring ``P`` after it is measuring ``π†Pπ`` before it —
one gather of the state (and one of the costate) less per sample. Toffoli and Fredkin gates
are not linear and stay in the program; a program compiled for the final state
(``fold_tail=False``) folds nothing.

Qiskit's ``CX · RZ(θ) · CX`` is compiled as the ``RZZ(θ)`` it equals (:mod:`.gate_rewrites`),
and commuting blocks are reordered so that two-qubit diagonals form runs (:mod:`.block_order`),
a run of sample-dependent ones the batch driver applies as one diagonal (:mod:`.diagonal_runs`).

The compiler describes each factor and each block by a named row whose field names are the
:class:`ProgramArrays` fields they fill (:mod:`.program_arrays`); the kernels then read one
flat array per field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from qmlstudio.core import Circuit, Const, Expr, Feature, Param, Weight, gate_spec
from qmlstudio.core.gates import Factor
from qmlstudio.engine.block_order import diagonal_run_order
from qmlstudio.engine.gate_rewrites import zz_rotations
from qmlstudio.engine.layer_runs import layer_runs
from qmlstudio.engine.product_columns import ProductColumns
from qmlstudio.engine.program_arrays import (
    _NO_SWAPS,
    SWAP_CONTROL,
    SWAP_SELECT,
    SWAP_VALUE,
    SWAP_XOR,
    BlockRow,
    FactorRow,
    ProgramArrays,
    SwapMasks,
    _columns,
)
from qmlstudio.engine.tail_permutation import conjugated_paulis, tail_images

__all__ = ["DENSE1", "DENSE2", "DIAG2", "PERM", "SWAPS", "SWAP_CONTROL", "SWAP_SELECT",
           "SWAP_VALUE", "SWAP_XOR", "BlockRow", "FactorRow", "Program", "ProgramArrays",
           "SwapMasks", "compile_program"]

DENSE1, DENSE2, DIAG2, PERM, SWAPS = 0, 1, 2, 3, 4
"""Block kinds. The kinds below ``PERM`` carry a matrix; ``PERM`` and ``SWAPS`` only move
amplitudes."""
SRC_CONST, SRC_WEIGHT, SRC_FEATURE, SRC_WEIGHT_X = 0, 1, 2, 3
"""What a factor's angle reads: nothing (a constant), a weight, a data feature (a column of
the angle table) or a weight times a column of the angle table (a term of an Expr)."""
DEP_CONST, DEP_WEIGHTS, DEP_FEATURES = 0, 1, 2
"""What a block's matrix depends on (the most variable of its factors' sources)."""

_DEPENDENCY = {SRC_CONST: DEP_CONST, SRC_WEIGHT: DEP_WEIGHTS, SRC_FEATURE: DEP_FEATURES,
               SRC_WEIGHT_X: DEP_FEATURES}

PERM_TABLE_BUDGET = 64 << 20
"""Bytes of gather tables a program may hold; further permutation runs use in-place swaps."""

_SWAP_LOCAL = np.eye(4)[[0, 2, 1, 3]]


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
    products: tuple[tuple[Feature, ...], ...] = ()  # product columns after the n_features
    tail_images: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))
    """The folded trailing permutation π on the basis bits: ``tail_images[k] = π(1 << k)``
    (empty when nothing is folded)."""
    tail_preimages: np.ndarray = field(repr=False,
                                       default_factory=lambda: np.zeros(0, np.int64))
    """``tail_preimages[k] = π⁻¹(1 << k)``."""
    lead_tables: tuple[np.ndarray, np.ndarray] = field(init=False, repr=False)
    """(forward, inverse) gather tables of the leading permutation block (see the module
    docstring), or two empty tables."""
    n_feature_blocks: int = field(init=False, repr=False)
    """Number of blocks whose matrix depends on the data sample."""
    weight_index: np.ndarray = field(init=False, repr=False)
    """The weight each weight factor reads (by weight slot)."""
    weight_scale: np.ndarray = field(init=False, repr=False)
    """The scale of each weight factor's angle (by weight slot)."""
    layer_runs: np.ndarray = field(init=False, repr=False)
    """(N,) int: the number of the *layer* each block belongs to, -1 for none. A layer is a
    run of two or more consecutive DENSE1 blocks, none of them leading or reading features
    (a circuit's rotation layer): the batch driver may keep the state before it for the
    backward pass (see :mod:`.batch_driver`)."""
    n_layers: int = field(init=False, repr=False)
    """Number of layers in :attr:`layer_runs`."""
    initial_layer_runs: np.ndarray = field(init=False, repr=False)
    """:attr:`layer_runs` for a run from initial states (amplitude encoding, an encoded
    opening's states), where the leading blocks are simulated, not folded into a product
    state: they may form layers too — the first of which the backward pass need not undo."""
    n_initial_layers: int = field(init=False, repr=False)
    """Number of layers in :attr:`initial_layer_runs`."""
    product_columns: ProductColumns = field(init=False, repr=False)
    """:attr:`products` as arrays, for :meth:`angle_table`."""

    def __post_init__(self) -> None:
        # Facts the Python side reads at every call, found once here: a small circuit's
        # call costs little more than finding them.
        prog = self.arrays
        lead_perm = np.flatnonzero(prog.op_lead & (prog.op_kind == PERM))
        if len(lead_perm):
            row = prog.op_perm[lead_perm[0]]
            tables = (prog.perm_fwd[row], prog.perm_inv[row])
        else:
            tables = (np.zeros(0, np.int32), np.zeros(0, np.int32))
        object.__setattr__(self, "lead_tables", tables)
        object.__setattr__(self, "n_feature_blocks", int(prog.op_fslot.max(initial=-1)) + 1)
        object.__setattr__(self, "weight_index", prog.fac_idx[self.weight_factors])
        object.__setattr__(self, "weight_scale", prog.fac_scale[self.weight_factors])
        shared_rotations = (prog.op_kind == DENSE1) & (prog.op_fslot < 0)
        for runs_name, count_name, members in (
                ("layer_runs", "n_layers", shared_rotations & ~prog.op_lead),
                ("initial_layer_runs", "n_initial_layers", shared_rotations)):
            runs = layer_runs(members, prog.op_t0)
            object.__setattr__(self, runs_name, runs)
            object.__setattr__(self, count_name, int(runs.max(initial=-1)) + 1)
        object.__setattr__(self, "product_columns", ProductColumns(self.products))

    def layers_from(self, initial: bool) -> tuple[np.ndarray, int]:
        """The layer of each block and the number of layers of a run from initial states
        (``initial``) or from the product state: :attr:`initial_layer_runs` or
        :attr:`layer_runs`."""
        if initial:
            return self.initial_layer_runs, self.n_initial_layers
        return self.layer_runs, self.n_layers

    def angle_table(self, x: np.ndarray) -> np.ndarray:
        """The (B, n_features + len(products)) table the kernels read angles from: the
        features ``x`` followed by one column per product of affine features (``x`` itself,
        without a copy, when the circuit has no Expr products)."""
        if not self.products:
            return x
        return self.product_columns.table(x)

    def weight_columns(self, table: np.ndarray) -> np.ndarray:
        """(B, slots): ``∂θ/∂(scale·w)`` of each weight factor per sample — its angle-table
        column for a ``w·g(x)`` factor, 1 for a plain weight (the parameter-shift chain rule)."""
        fac = self.weight_factors
        prog = self.arrays
        reads_x = prog.fac_src[fac] == SRC_WEIGHT_X
        out = np.ones((len(table), len(fac)))
        out[:, reads_x] = table[:, prog.fac_col[fac][reads_x]]
        return out

    def measured(self, paulis: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
        """The encoded Pauli strings ``(flip, zmask, phase)`` (see :mod:`.measure`) to measure
        on the program's final state so as to get the circuit's values: ``π†Pπ`` for the
        folded tail ``π``.

        With ``(Pψ)_i = i^phase (−1)^{|j ∧ zmask|} ψ_j``, ``j = i ⊕ flip``, and π linear,
        ``(π†Pπψ)_i = (Pπψ)_{π(i)}`` has ``flip' = π⁻¹(flip)``, the same phase, and the sign
        ``|π(j) ∧ zmask|`` = ``|j ∧ zmask'|`` with bit ``k`` of ``zmask'`` the parity of
        ``π(1 << k) ∧ zmask``.
        """
        if not len(self.tail_images):
            return paulis
        return conjugated_paulis(paulis, self.tail_images, self.tail_preimages)

    @property
    def n_ops(self) -> int:
        """Number of blocks."""
        return len(self.arrays.op_kind)


class _Item(NamedTuple):
    """One factor of a block with the parameter bound to it."""

    factor: Factor
    param: Param | None  # None for a constant factor
    rule: tuple  # parameter-shift rule ((coefficient, shift), ...), () for a constant factor


class _Gate(NamedTuple):
    """One permutation gate of a block."""

    name: str
    wires: tuple[int, ...]


@dataclass(slots=True)
class _Block:
    """A block while the compiler builds it. Matrix blocks (kinds below PERM) have factors
    and an empty permutation; PERM and SWAPS blocks have permutation gates and no factors."""

    kind: int
    wires: tuple[int, ...]
    items: list[_Item] = field(default_factory=list)
    lead: bool = False
    gates: list[_Gate] = field(default_factory=list)  # the permutation, gate by gate
    table: int = -1  # PERM: row of the gather tables


@lru_cache(maxsize=4096)
def _gate_table(n: int, gate: _Gate) -> np.ndarray:
    """Gather table of one permutation gate: new[i] = old[table[i]]."""
    matrix = gate_spec(gate.name).matrix()
    index = np.arange(2**n, dtype=np.int64)
    k = len(gate.wires)
    local = np.zeros_like(index)
    for w in gate.wires:
        local = (local << 1) | ((index >> (n - 1 - w)) & 1)
    source_local = np.argmax(matrix, axis=1)[local]  # matrix[new, old] == 1
    table = index.copy()
    for pos, w in enumerate(gate.wires):
        shift = n - 1 - w
        table = (table & ~(1 << shift)) | (((source_local >> (k - 1 - pos)) & 1) << shift)
    table.flags.writeable = False
    return table


def _swap_masks(n: int, gate: _Gate) -> SwapMasks:
    """Swap amplitude i with i ^ xor for every i whose control bits are all set and whose
    selected bits equal ``value``."""
    bit = [1 << (n - 1 - w) for w in gate.wires]
    if gate.name in ("cx", "ccx"):  # flip the target where the controls are set
        controls, target = bit[:-1], bit[-1]
        return SwapMasks(control=sum(controls), xor=target, select=target, value=0)
    if gate.name in ("swap", "cswap"):  # exchange two bits where the controls are set
        controls, a, b = bit[:-2], bit[-2], bit[-1]
        return SwapMasks(control=sum(controls), xor=a | b, select=a | b, value=a)
    raise AssertionError(f"no in-place form for permutation gate {gate.name}")


@lru_cache(maxsize=128)
def _swapped(factor: Factor) -> Factor:
    """The factor with its two wires exchanged (S·M·S with S the swap matrix)."""
    a, b, c = (_SWAP_LOCAL @ m @ _SWAP_LOCAL for m in (factor.a, factor.b, factor.c))
    return Factor(a, b, c, factor.frequency, factor.param)


def _schedule(circuit: Circuit) -> list[_Block]:
    """Fuse single-qubit runs, merge same-pair two-qubit gates and group permutation runs."""
    n = circuit.n_qubits
    blocks: list[_Block] = []
    pending: dict[int, list[_Item]] = {}
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
        blocks.insert(pos, _Block(kind=DENSE1, wires=(wire,), items=items,
                                  lead=not touched[wire]))
        touched[wire] = True

    for op in zz_rotations(circuit.operations):
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
                last = _Block(kind=PERM, wires=())
                blocks.append(last)
            last.gates.append(_Gate(name=spec.name, wires=op.wires))
            last.wires = tuple(sorted(set(last.wires) | set(op.wires)))
            continue
        items = _items(spec, op.params)
        wires = op.wires
        if wires[0] > wires[1]:  # normalise to (lower wire, higher wire)
            items = [item._replace(factor=_swapped(item.factor)) for item in items]
            wires = wires[::-1]
        kind = DIAG2 if spec.is_diagonal else DENSE2
        if last is not None and last.kind in (DENSE2, DIAG2) and last.wires == wires:
            last.items.extend(items)
            last.kind = DIAG2 if (last.kind == DIAG2 and kind == DIAG2) else DENSE2
        else:
            blocks.append(_Block(kind=kind, wires=wires, items=items))
    for wire in sorted(pending):
        flush(wire)
    return blocks


def _items(spec, params) -> list[_Item]:
    return [_Item(factor=f, param=params[f.param], rule=spec.shift_rules[f.param])
            if f.param is not None else _Item(factor=f, param=None, rule=())
            for f in spec.factors]


class _Columns:
    """Columns of the angle table for feature products: a plain feature ``x_j`` is column
    ``j``; every other product gets a column after the ``n_features`` data columns."""

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features
        self.products: dict[tuple[Feature, ...], int] = {}

    def column(self, features: tuple[Feature, ...]) -> int:
        if len(features) == 1 and features[0] == Feature(features[0].index):
            return features[0].index
        return self.products.setdefault(features, self.n_features + len(self.products))


def _expr_rows(kind: int, factor: Factor, expr: Expr, columns: _Columns) -> list[FactorRow]:
    """One row per term of ``expr`` (and one for its constant): see the module docstring."""
    base = {"fac_kind": kind, "fac_freq": factor.frequency}
    rows = []
    if expr.constant:
        rows.append(FactorRow(**base, fac_src=SRC_CONST, fac_idx=0, fac_scale=0.0,
                              fac_offset=expr.constant))
    for term in expr.terms:
        weight, features = term.weight, term.features
        c = term.coefficient
        if weight is None and len(features) == 1:  # c·(s·x + o): a plain feature factor
            f = features[0]
            rows.append(FactorRow(**base, fac_src=SRC_FEATURE, fac_idx=f.index,
                                  fac_scale=c * f.scale, fac_offset=c * f.offset))
        elif weight is None:
            rows.append(FactorRow(**base, fac_src=SRC_FEATURE, fac_idx=columns.column(features),
                                  fac_scale=c, fac_offset=0.0))
        elif not features:
            rows.append(FactorRow(**base, fac_src=SRC_WEIGHT, fac_idx=weight.index, fac_scale=c,
                                  fac_offset=0.0))
        else:
            rows.append(FactorRow(**base, fac_src=SRC_WEIGHT_X, fac_idx=weight.index,
                                  fac_scale=c, fac_offset=0.0, fac_col=columns.column(features)))
    # The terms share one matrix at run time: the kernels sum their angles.
    return rows[:1] + [row._replace(fac_join=True) for row in rows[1:]]


def _factor_rows(kind: int, factor: Factor, param: Param | None,
                 columns: _Columns) -> list[FactorRow]:
    """The rows of one gate factor whose matrices are row ``kind`` of kind_a/b/c."""
    if isinstance(param, Expr):
        return _expr_rows(kind, factor, param, columns)
    return [_factor_row(kind, factor, param)]


def _factor_row(kind: int, factor: Factor, param: Param | None) -> FactorRow:
    """The row of one factor with a plain (or no) parameter."""
    if isinstance(param, Weight):
        return FactorRow(fac_kind=kind, fac_freq=factor.frequency, fac_src=SRC_WEIGHT,
                         fac_idx=param.index, fac_scale=1.0, fac_offset=0.0)
    if isinstance(param, Feature):
        return FactorRow(fac_kind=kind, fac_freq=factor.frequency, fac_src=SRC_FEATURE,
                         fac_idx=param.index, fac_scale=param.scale, fac_offset=param.offset)
    # A constant factor (param None) or a Const angle: θ = offset.
    offset = param.value if isinstance(param, Const) else 0.0
    return FactorRow(fac_kind=kind, fac_freq=factor.frequency, fac_src=SRC_CONST, fac_idx=0,
                     fac_scale=0.0, fac_offset=offset)


def compile_program(circuit: Circuit, fold_tail: bool = True) -> Program:
    """Compile ``circuit`` into a :class:`Program` (cached for recently used circuits).

    ``fold_tail`` folds the trailing CNOT/SWAP gates into the observables (see the module
    docstring); without it the program's final state is the circuit's.
    """
    return _compile_cached(circuit, fold_tail)


_LINEAR_PERMUTATIONS = ("cx", "swap")
"""Permutation gates that act linearly on the basis bits (Toffoli and Fredkin do not)."""


def _split_tail(blocks: list[_Block]) -> list[_Gate]:
    """Remove the linear permutation gates that end the program; return them in circuit
    order (the schedule leaves at most one PERM block at the end: consecutive permutation
    gates merge and single-qubit blocks slide before permutations they commute with)."""
    tail: list[_Gate] = []
    if not blocks or blocks[-1].kind != PERM:
        return tail
    gates = blocks[-1].gates
    while gates and gates[-1].name in _LINEAR_PERMUTATIONS:
        tail.insert(0, gates.pop())
    if not gates:
        blocks.pop()
    else:
        blocks[-1].wires = tuple(sorted({w for gate in gates for w in gate.wires}))
    return tail


def _expand_permutations(n: int, blocks: list[_Block]) -> tuple[list[_Block], list[np.ndarray]]:
    """Give every PERM run a gather table while the budget lasts; otherwise (and for lone
    gates) one SWAPS block per gate. Returns the final block list and the tables."""
    out: list[_Block] = []
    tables: list[np.ndarray] = []
    table_bytes = 8 * 2**n  # forward and inverse int32 tables
    for block in blocks:
        if block.kind != PERM:
            out.append(block)
        elif len(block.gates) > 1 and (len(tables) + 1) * table_bytes <= PERM_TABLE_BUDGET:
            table = _gate_table(n, block.gates[0])
            for gate in block.gates[1:]:
                table = table[_gate_table(n, gate)]
            block.table = len(tables)
            out.append(block)
            tables.append(table)
        else:
            out.extend(_Block(kind=SWAPS, wires=gate.wires, gates=[gate]) for gate in block.gates)
    return out, tables


def _block_row(n: int, block: _Block, f0: int, f1: int, dep: int) -> BlockRow:
    """The row of one block whose factors are rows ``f0..f1`` of the factor arrays."""
    two_wire = block.kind in (DENSE2, DIAG2)
    return BlockRow(
        op_kind=block.kind,
        op_t0=n - 1 - block.wires[0] if block.kind != PERM else -1,
        op_t1=n - 1 - block.wires[1] if two_wire else -1,
        op_f0=f0, op_f1=f1, op_dep=dep, op_lead=block.lead, op_perm=block.table,
        op_swap=_swap_masks(n, block.gates[0]) if block.kind == SWAPS else _NO_SWAPS,
    )


def _slots(selected: np.ndarray) -> np.ndarray:
    """Position of each selected entry among the selected ones, -1 for the others."""
    slots = np.full(len(selected), -1, dtype=np.int64)
    slots[selected] = np.arange(int(selected.sum()))
    return slots


def assemble_blocks(n: int, n_features: int, blocks: list[_Block], tables: list,
                    block_row, rules: list | None = None):
    """The flat arrays of ``blocks`` (what the ideal and the density compilers share): each
    gate factor a row (``rules``, if given, receives each row's parameter-shift rule), each
    block a row made by ``block_row(block, f0, f1, dependency)``, the distinct factor matrices
    and the permutation ``tables`` with their inverses. Returns ``(arrays, factor rows, block
    rows, the angle table's product columns, which factor rows are weights)``."""
    kinds: dict[int, int] = {}  # id of a Factor -> its row of kind_a/b/c
    kind_mats: list[Factor] = []
    factor_rows: list[FactorRow] = []
    block_rows: list[BlockRow] = []
    columns = _Columns(n_features)
    for block in blocks:
        f0 = len(factor_rows)
        dep = DEP_CONST
        for item in block.items:
            kind = kinds.get(id(item.factor))
            if kind is None:
                kind = kinds[id(item.factor)] = len(kind_mats)
                kind_mats.append(item.factor)
            for row in _factor_rows(kind, item.factor, item.param, columns):
                factor_rows.append(row)
                if rules is not None:
                    rules.append(item.rule)  # a term's factor shifts like the gate's angle
                dep = max(dep, _DEPENDENCY[row.fac_src])
        block_rows.append(block_row(block, f0, len(factor_rows), dep))
    kind_a = np.zeros((max(1, len(kind_mats)), 4, 4), dtype=np.complex128)
    kind_b, kind_c = np.zeros_like(kind_a), np.zeros_like(kind_a)
    for kind, factor in enumerate(kind_mats):
        d = factor.a.shape[0]  # 2 or 4: a single-qubit factor fills the top-left 2×2
        kind_a[kind, :d, :d] = factor.a
        kind_b[kind, :d, :d] = factor.b
        kind_c[kind, :d, :d] = factor.c
    factor_columns = _columns(factor_rows, FactorRow)
    block_columns = _columns(block_rows, BlockRow)
    is_weight = np.isin(factor_columns["fac_src"], (SRC_WEIGHT, SRC_WEIGHT_X))
    dim = 2**n
    perm_fwd = np.array(tables, dtype=np.int32).reshape(len(tables), dim if tables else 0)
    perm_inv = np.empty_like(perm_fwd)
    for r in range(len(tables)):
        perm_inv[r, perm_fwd[r]] = np.arange(dim, dtype=np.int32)
    arrays = ProgramArrays(
        kind_a=kind_a, kind_b=kind_b, kind_c=kind_c,
        **factor_columns, fac_wslot=_slots(is_weight),
        **block_columns, op_fslot=_slots(block_columns["op_dep"] == DEP_FEATURES),
        perm_fwd=perm_fwd, perm_inv=perm_inv,
    )
    return arrays, factor_rows, block_rows, tuple(columns.products), is_weight


@lru_cache(maxsize=16)
def _compile_cached(circuit: Circuit, fold_tail: bool) -> Program:
    n = circuit.n_qubits
    scheduled = _schedule(circuit)
    images, preimages = tail_images(n, _split_tail(scheduled) if fold_tail else [])
    order = diagonal_run_order([block.wires for block in scheduled],
                               [block.kind == DIAG2 for block in scheduled])
    blocks, tables = _expand_permutations(n, [scheduled[i] for i in order])
    first = next((i for i, block in enumerate(blocks) if not block.lead), None)
    if first is not None and blocks[first].kind == PERM:  # a gather table: fused (see above)
        blocks[first].lead = True
    rules: list[tuple] = []
    assembled = assemble_blocks(n, circuit.n_features, blocks, tables,
                                lambda block, f0, f1, dep: _block_row(n, block, f0, f1, dep),
                                rules)
    arrays, _, block_rows, products, is_weight = assembled
    return Program(
        n_qubits=n, n_weights=circuit.n_weights, n_features=circuit.n_features,
        arrays=arrays, max_factors=max([1, *(r.op_f1 - r.op_f0 for r in block_rows)]),
        weight_factors=np.flatnonzero(is_weight), shift_rules=tuple(rules),
        products=products, tail_images=images, tail_preimages=preimages,
    )
