"""Rotation layers: the runs of blocks whose input state the batch driver may keep.

A *layer* is a run of two or more consecutive blocks that may be kept together (the program
says which: sample-independent, non-leading one-wire blocks, see
:attr:`.program.Program.layer_runs`), on distinct wires, so that each one's reduced matrix can
be taken from the states after the whole layer (see :mod:`.batch_driver`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["layer_runs"]


def layer_runs(members: np.ndarray, wires: np.ndarray) -> np.ndarray:
    """(N,) int: the layer of each block, -1 for none. ``members[op]`` says whether block
    ``op`` may be in a layer, ``wires[op]`` which wire it acts on. A repeated wire ends a
    layer (the schedule never makes one: it puts a block touching a wire between two
    one-wire blocks on it)."""
    runs = np.full(len(members), -1, dtype=np.int64)
    layers: list[list[int]] = [[]]
    for op in range(len(members)):
        if not members[op] or any(wires[o] == wires[op] for o in layers[-1]):
            layers.append([])
        if members[op]:
            layers[-1].append(op)
    for number, layer in enumerate(layer for layer in layers if len(layer) >= 2):
        runs[layer] = number
    return runs
