"""The program's flat arrays: what the numba kernels read, and the named rows that fill them.

:func:`.program.compile_program` describes each factor and each block of a circuit by a named
row (:class:`FactorRow`, :class:`BlockRow`) whose field names are the :class:`ProgramArrays`
fields they fill; :func:`_columns` turns a list of rows into one contiguous array per field.
"""

from __future__ import annotations

from typing import NamedTuple, get_type_hints

import numpy as np

__all__ = ["SWAP_CONTROL", "SWAP_SELECT", "SWAP_VALUE", "SWAP_XOR", "BlockRow", "FactorRow",
           "ProgramArrays", "SwapMasks"]


class ProgramArrays(NamedTuple):
    """The arrays the numba kernels read (a NamedTuple so numba can take it as one argument)."""

    kind_a: np.ndarray  # (K, 4, 4) complex: distinct factor matrices (1-qubit: top-left 2×2)
    kind_b: np.ndarray
    kind_c: np.ndarray
    fac_kind: np.ndarray  # (F,) int: row of kind_a/b/c
    fac_freq: np.ndarray  # (F,) float
    fac_src: np.ndarray  # (F,) int: SRC_*
    fac_idx: np.ndarray  # (F,) int: weight index, or feature column for SRC_FEATURE
    fac_scale: np.ndarray  # (F,) float
    fac_offset: np.ndarray  # (F,) float
    fac_col: np.ndarray  # (F,) int: SRC_WEIGHT_X: column of the angle table, else 0
    fac_wslot: np.ndarray  # (F,) int: position among the weight factors, or -1
    fac_join: np.ndarray  # (F,) bool: the factor's angle adds to the previous factor's (a
    # further term of the same Expr angle, see .program): one matrix for both
    op_kind: np.ndarray  # (N,) int: DENSE1 | DENSE2 | DIAG2 | PERM | SWAPS
    op_t0: np.ndarray  # (N,) int: bit position of the first (more significant) wire
    op_t1: np.ndarray  # (N,) int: bit position of the second wire (two-qubit blocks)
    op_f0: np.ndarray  # (N,) int: first factor of the block
    op_f1: np.ndarray  # (N,) int: one past its last factor
    op_dep: np.ndarray  # (N,) int: DEP_*: what the block's matrix depends on
    op_lead: np.ndarray  # (N,) bool: leading block (part of the product state): DENSE1, or
    # the PERM right after the leading single-qubit blocks
    op_perm: np.ndarray  # (N,) int: row of the permutation tables, or -1
    op_fslot: np.ndarray  # (N,) int: position among the sample-dependent blocks, or -1
    op_swap: np.ndarray  # (N, 4) int: SWAPS: the SwapMasks, columns SWAP_CONTROL...SWAP_VALUE
    perm_fwd: np.ndarray  # (R, 2**n) int32: new[i] = old[perm_fwd[i]]
    perm_inv: np.ndarray  # (R, 2**n) int32: the inverse gather


class SwapMasks(NamedTuple):
    """In-place form of a permutation gate (see :func:`.kernels.swap_pairs`): swap amplitude
    ``i`` with ``i ^ xor`` where the ``control`` bits are all set and ``i & select == value``.
    One row of ``op_swap``: the kernels read its columns by the ``SWAP_*`` indices (one (N, 4)
    array rather than four keeps the program a few arrays shorter to pass between kernels)."""

    control: int
    xor: int
    select: int
    value: int


SWAP_CONTROL, SWAP_XOR, SWAP_SELECT, SWAP_VALUE = (SwapMasks._fields.index(name) for name in
                                                   ("control", "xor", "select", "value"))
_NO_SWAPS = SwapMasks(control=0, xor=0, select=0, value=0)


class FactorRow(NamedTuple):
    """One factor of the program: its entry in each ``fac_*`` array of :class:`ProgramArrays`."""

    fac_kind: int
    fac_freq: float
    fac_src: int
    fac_idx: int
    fac_scale: float
    fac_offset: float
    fac_col: int = 0
    fac_join: bool = False


class BlockRow(NamedTuple):
    """One block of the program: its entry in the ``op_*`` arrays that the compiler fills
    directly (``op_fslot`` is derived from ``op_dep`` afterwards)."""

    op_kind: int
    op_t0: int
    op_t1: int
    op_f0: int
    op_f1: int
    op_dep: int
    op_lead: bool
    op_perm: int
    op_swap: SwapMasks


_NUMPY_TYPES = {int: (np.int64,), float: (np.float64,), bool: (np.bool_,),
                SwapMasks: (np.int64, (len(SwapMasks._fields),))}


def _row_dtype(row: type[NamedTuple]) -> np.dtype:
    """Structured dtype with one named column per field of ``row``, typed as annotated."""
    return np.dtype([(name, *_NUMPY_TYPES[kind]) for name, kind in get_type_hints(row).items()])


_ROW_DTYPES = {FactorRow: _row_dtype(FactorRow), BlockRow: _row_dtype(BlockRow)}


def _columns(rows: list, row: type[NamedTuple]) -> dict[str, np.ndarray]:
    """The named rows as one contiguous array per field, keyed by the field's name."""
    table = np.array(rows, dtype=_ROW_DTYPES[row])
    return {name: np.ascontiguousarray(table[name]) for name in row._fields}
