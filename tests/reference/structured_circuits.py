"""Small circuits aimed at the engine's compile-time passes.

Fusion of single-qubit runs, two-qubit blocks on the same pair in both orientations, diagonal
runs, permutation runs (also trailing ones, which may be folded into the observable) and the
product state for the leading layer of single-qubit gates. Each is a ``(label, circuit)``.
"""

from qmlstudio.core import Circuit, w, x

__all__ = ["STRUCTURED"]


def _structured_circuits():
    yield "fused single-qubit run", (
        Circuit(3).add("rx", 1, x(0)).add("ry", 1, w(0)).add("rz", 1, 0.3).add("h", 1)
        .add("u3", 1, w(1), x(1, 2.0, -0.5), w(0)).add("p", 1, w(2)).add("sx", 1)
        .add("t", 1).add("sdg", 1).add("u2", 1, x(0), 0.4).add("y", 1).add("sxdg", 1))
    yield "same pair, both orientations", (
        Circuit(3).add("h", 0).add("ry", 1, w(0)).add("cx", [0, 1]).add("crx", [1, 0], w(1))
        .add("rzz", [1, 0], x(0)).add("cu3", [1, 0], w(2), w(0), x(1)).add("ch", [0, 1])
        .add("iswap", [1, 0]).add("cy", [1, 0]).add("ryy", [0, 1], 0.7).add("rxx", [1, 0], w(1)))
    yield "diagonal run, mixed orientation", (
        Circuit(3).add("h", 0).add("h", 1).add("h", 2).add("cz", [0, 2]).add("crz", [2, 0], w(0))
        .add("cp", [0, 2], x(0)).add("rzz", [2, 0], w(1)).add("crz", [0, 2], x(1, -1.0, 1.0))
        .add("cp", [2, 0], 0.9).add("rz", 2, w(2)).add("rx", 0, 0.2))
    yield "permutation run", (
        Circuit(4).add("ry", 0, w(0)).add("rx", 1, x(0)).add("h", 2).add("ry", 3, w(1))
        .add("cx", [0, 1]).add("swap", [1, 3]).add("ccx", [3, 0, 2]).add("cswap", [2, 3, 1])
        .add("cx", [2, 0]).add("x", 1).add("cx", [1, 2]).add("swap", [0, 2]))
    yield "trailing permutations", (
        Circuit(3).add("u3", 0, w(0), w(1), w(2)).add("ry", 1, x(0)).add("cx", [0, 1])
        .add("swap", [0, 2]).add("ccx", [2, 1, 0]).add("x", 2))
    yield "partial leading layer", (
        Circuit(4).add("ry", 0, x(0)).add("rx", 0, w(0)).add("h", 2).add("cx", [2, 1])
        .add("rz", 1, w(1)).add("ry", 3, x(1, 0.5)).add("cz", [0, 3]).add("rx", 1, w(2)))
    yield "only a leading layer", (
        Circuit(4).add("ry", 0, x(0)).add("rx", 1, w(0)).add("u3", 2, w(1), x(1), 0.3)
        .add("h", 3).add("rz", 3, w(2)))
    yield "gates interleaved across wires", (
        Circuit(3).add("rx", 0, w(0)).add("ry", 1, w(1)).add("rx", 0, w(2)).add("cx", [0, 2])
        .add("ry", 1, x(0)).add("rz", 0, x(1)).add("cx", [1, 0]).add("ry", 1, w(0)))


    yield "rotations between permutations on the same wires", (
        Circuit(3).add("h", 0).add("cx", [0, 1]).add("ry", 1, w(0)).add("cx", [0, 1])
        .add("swap", [1, 2]).add("rz", 2, x(0)).add("cswap", [0, 1, 2]).add("rx", 1, w(1))
        .add("x", 1).add("ccx", [1, 2, 0]).add("ry", 0, x(1, -0.5, 0.25)))
    yield "same pair interrupted by a one-qubit gate", (
        Circuit(2).add("ry", 0, x(0)).add("crx", [0, 1], w(0)).add("rx", 0, w(1))
        .add("crx", [0, 1], w(0)).add("ry", 1, x(1)).add("rzz", [1, 0], w(2))
        .add("ch", [1, 0]).add("cp", [0, 1], w(1)))
    yield "three-qubit gates over all wires", (
        Circuit(4).add("h", 3).add("ry", 1, w(0)).add("rx", 0, x(0)).add("ccx", [3, 1, 0])
        .add("cswap", [0, 3, 2]).add("cry", [2, 3], x(1)).add("ccx", [0, 2, 1])
        .add("u3", 2, w(1), w(2), x(0)))


STRUCTURED = list(_structured_circuits())
