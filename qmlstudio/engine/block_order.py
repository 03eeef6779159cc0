"""Block order: the diagonal two-qubit blocks of a circuit brought together into runs.

The compiler emits a one-wire block when a two-qubit gate first touches its wire, so an IQP
encoding's blocks come out as ``H·RZ`` on wire 0, on wire 1, ``rzz(0, 1)``, ``H·RZ`` on wire 2,
``rzz(0, 2)``, … — runs of diagonal blocks cut short by one-wire blocks they commute with.
The batch driver applies a long run of sample-dependent diagonals as one diagonal
(:mod:`.diagonal_runs`), so the order matters.

Any order that keeps, on every wire, each non-diagonal block in its place relative to every
other block on that wire gives the same circuit: diagonal matrices commute with each other, and
blocks on disjoint wires commute. :func:`diagonal_run_order` is a topological sort of that
relation that stays with one class (diagonal or not) while it can, in circuit order otherwise.
A circuit without diagonal blocks keeps its order exactly.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

__all__ = ["diagonal_run_order"]


def diagonal_run_order(wires: Sequence[Sequence[int]], diagonal: Sequence[bool]) -> list[int]:
    """A new order of blocks ``0..N-1`` (acting on ``wires[i]``, diagonal or not) in which the
    diagonal ones form runs as long as the circuit allows: the old indices in the new order.

    Block ``b`` must follow block ``a < b`` when they share a wire and are not both diagonal.
    Among the blocks free to go next it takes the first (in circuit order) of the class of
    the block it took last, starting with the non-diagonal ones, else the first of the other.
    """
    n_blocks = len(wires)
    diagonal = [bool(d) for d in diagonal]  # indexes the pair of ready heaps
    successors: list[list[int]] = [[] for _ in range(n_blocks)]
    waiting = [0] * n_blocks
    last_other: dict[int, int] = {}  # wire -> its last non-diagonal block so far
    diagonals_since: dict[int, list[int]] = {}  # wire -> its diagonal blocks since then
    for b in range(n_blocks):
        before: set[int] = set()
        for wire in wires[b]:
            if wire in last_other:
                before.add(last_other[wire])
            if diagonal[b]:
                diagonals_since.setdefault(wire, []).append(b)
            else:
                before.update(diagonals_since.pop(wire, ()))
                last_other[wire] = b
        before.discard(b)
        for a in before:
            successors[a].append(b)
        waiting[b] = len(before)
    ready: tuple[list[int], list[int]] = ([], [])  # (non-diagonal, diagonal) by circuit order
    for b in range(n_blocks):
        if not waiting[b]:
            heapq.heappush(ready[diagonal[b]], b)
    order: list[int] = []
    current = False
    while len(order) < n_blocks:
        if not ready[current]:
            current = not current
        b = heapq.heappop(ready[current])
        order.append(b)
        for s in successors[b]:
            waiting[s] -= 1
            if not waiting[s]:
                heapq.heappush(ready[diagonal[s]], s)
    return order
