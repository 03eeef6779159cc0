"""Runs of two-qubit diagonal blocks without weights, applied as one diagonal per sample.

An IQP encoding or a ZZ feature map puts a ``rzz`` on every pair of wires: on 10 qubits, 45
``DIAG2`` blocks per repetition whose phases depend on the sample. One at a time, each is a
sweep over the sample's state forwards and one over its state and costate backwards: on the
10-qubit IQP preset they took 90 % of a training step. Such a block has no weight, so it has
no gradient to take: a run of them is only the product of their diagonals, ``D``, applied
forwards and undone (``conj(D)``) backwards.

``D`` is built in O(2**n) per sample, with no transcendental function: index ``i`` splits
into its high bits ``j`` and its low ``h = n // 2`` bits ``m``. A block on two high wires
multiplies a table over ``j``, one on two low wires a table over ``m``; a block with one
wire on each side is, for a fixed ``j``, a one-wire diagonal on its low wire. So for each
``j`` the row ``D[j, ·]`` is a product state over the low wires (built by doubling, two
multiplications per entry) times the two tables: about four complex multiplications per
amplitude, where the run's blocks one at a time took one per block (45 here) forwards and two
per block backwards.
"""

from __future__ import annotations

from qmlstudio.engine._jit import kernel
from qmlstudio.engine.block_steps import has_weights
from qmlstudio.engine.program import DIAG2

__all__ = ["MIN_RUN", "multiply_diagonal_run", "run_end", "run_start"]

MIN_RUN = 4
"""Shorter runs are applied block by block: building ``D`` costs about four sweeps."""


@kernel
def _free_diagonal(prog, op):
    """Whether block ``op`` is a two-qubit diagonal without weights."""
    return prog.op_kind[op] == DIAG2 and not has_weights(prog, op)


@kernel
def run_end(prog, op, end):
    """One past the last block of the run of free diagonal blocks that starts at ``op``
    (at most ``end``; ``op`` itself when block ``op`` is not one)."""
    stop = op
    while stop < end and _free_diagonal(prog, stop):
        stop += 1
    return stop


@kernel
def run_start(prog, op, start):
    """The first block of the run of free diagonal blocks that ends at ``op`` (at least
    ``start``; ``op + 1`` when block ``op`` is not one)."""
    first = op + 1
    while first > start and _free_diagonal(prog, first - 1):
        first -= 1
    return first


@kernel
def _diagonal_tables(prog, first, stop, u_blocks, n, hi_tab, lo_tab, cross):
    """Fill the run's factors: ``hi_tab[j]`` and ``lo_tab[m]`` from its blocks on two high and
    two low wires, ``cross[j, b, s]`` the factor of low bit ``b`` being ``s`` for high bits
    ``j`` (blocks with a wire on each side)."""
    h = n // 2
    for j in range(hi_tab.shape[0]):
        hi_tab[j] = 1.0
        for b in range(h):
            cross[j, b, 0] = 1.0
            cross[j, b, 1] = 1.0
    for m in range(lo_tab.shape[0]):
        lo_tab[m] = 1.0
    for op in range(first, stop):
        u = u_blocks[prog.op_fslot[op]]
        # diagonal entry 2·bit(t0) + bit(t1), with t0 > t1 (the compiler orders the wires)
        t0, t1 = prog.op_t0[op], prog.op_t1[op]
        if t1 >= h:
            for j in range(hi_tab.shape[0]):
                k = 2 * ((j >> (t0 - h)) & 1) + ((j >> (t1 - h)) & 1)
                hi_tab[j] *= u[k, k]
        elif t0 < h:
            for m in range(lo_tab.shape[0]):
                k = 2 * ((m >> t0) & 1) + ((m >> t1) & 1)
                lo_tab[m] *= u[k, k]
        else:  # a wire on each side: a one-wire diagonal on t1 for each j
            for j in range(hi_tab.shape[0]):
                k = 2 * ((j >> (t0 - h)) & 1)
                cross[j, t1, 0] *= u[k, k]
                cross[j, t1, 1] *= u[k + 1, k + 1]


@kernel
def multiply_diagonal_run(prog, first, stop, u_blocks, n, planes, pairs, conjugate, hi_tab,
                          lo_tab, cross, row_re, row_im):
    """Multiply the first ``pairs`` plane pairs (re, im) of ``planes`` by the product of the
    diagonals of blocks ``first..stop`` (conjugated with ``conjugate``: undoing them). Four
    planes, as :func:`.kernels.apply_diag2` and :func:`.kernels.undo_diag2` pass them: ψ
    twice (one pair) forwards, ψ and λ (two pairs) backwards.

    ``u_blocks`` holds the sample's feature-block matrices (by feature slot); ``hi_tab``
    (2**(n - n//2)), ``lo_tab`` (2**(n//2)) and ``cross`` (2**(n - n//2), n//2, 2) are
    complex scratch, ``row_re``/``row_im`` (2**(n//2)) real scratch: a row kept as two
    planes, so that its loops vectorise.
    """
    h = n // 2
    _diagonal_tables(prog, first, stop, u_blocks, n, hi_tab, lo_tab, cross)
    sign = -1.0 if conjugate else 1.0
    n_lo = lo_tab.shape[0]
    for j in range(hi_tab.shape[0]):
        row_re[0] = hi_tab[j].real
        row_im[0] = sign * hi_tab[j].imag
        size = 1
        for b in range(h):  # the product state over the low wires, by doubling
            c0r, c1r = cross[j, b, 0].real, cross[j, b, 1].real
            c0i, c1i = sign * cross[j, b, 0].imag, sign * cross[j, b, 1].imag
            for m in range(size):
                ar, ai = row_re[m], row_im[m]
                row_re[m + size] = ar * c1r - ai * c1i
                row_im[m + size] = ar * c1i + ai * c1r
                row_re[m] = ar * c0r - ai * c0i
                row_im[m] = ar * c0i + ai * c0r
            size <<= 1
        for m in range(n_lo):
            ar, ai = row_re[m], row_im[m]
            br, bi = lo_tab[m].real, sign * lo_tab[m].imag
            row_re[m] = ar * br - ai * bi
            row_im[m] = ar * bi + ai * br
        base = j * n_lo
        for plane in range(0, 2 * pairs, 2):
            xr = planes[plane][base:base + n_lo]
            xi = planes[plane + 1][base:base + n_lo]
            for m in range(n_lo):
                ar, ai = xr[m], xi[m]
                xr[m] = row_re[m] * ar - row_im[m] * ai
                xi[m] = row_re[m] * ai + row_im[m] * ar
