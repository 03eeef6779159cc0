"""The engine's code uses the processor's widest vectors (512 bits where it has AVX-512).

LLVM's tuning for Intel server processors prefers 256-bit vectors even where 512-bit ones
exist (wide vectors lower the clock of some older models), and numba compiles for that
tuning. The engine's sweeps are multiply-adds on long contiguous runs, and measured on this
machine (Xeon, Emerald Rapids; one thread) 512-bit vectors make them faster: twelve
rotations over a 2**15-amplitude chunk took 170 µs at 256 bits and 149 µs at 512 (123 µs in
pairs, :func:`.kernels.rotate_two`); the same engine code compiled for 256 and for 512 bits
took 61.2 and 51.4 ms for a W2 loss + gradient, 5.1 and 4.2 ms for W1 (minimum of 7, two
runs of ``tests/benchmarks/bench_cotangent.py``). On a processor without AVX-512 the
setting changes nothing.

Only the engine's code gets it: while an engine kernel compiles (numba's compiler lock
held, so no other code compiles meanwhile), numba's codegen makes its code libraries as
:class:`WideLibrary`, which marks every function it defines with LLVM's per-function
``"prefer-vector-width"="512"`` attribute; the user's own numba functions keep numba's
settings. The attribute goes on the outlined loop bodies of parallel drivers too (their
libraries are made during the driver's compile), and on the few helpers numba itself
compiles meanwhile and shares with later code (reference counting: no loops to widen).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from numba.core.codegen import JITCodeLibrary

__all__ = ["VECTOR_WIDTH_ATTRIBUTE", "WideLibrary", "wide_libraries"]

VECTOR_WIDTH_ATTRIBUTE = '"prefer-vector-width"="512"'
"""LLVM's function attribute for the vector width its vectorisers aim at."""


class WideLibrary(JITCodeLibrary):
    """numba's code library, whose functions prefer 512-bit vectors (see above)."""

    def add_ir_module(self, ir_module) -> None:
        """numba's ``add_ir_module``, after marking each function ``ir_module`` defines."""
        for function in ir_module.functions:
            if function.blocks:
                # llvmlite's attribute set accepts only the attributes it knows by name, and
                # writes each member into the IR as it is: the set's own add, not its check
                set.add(function.attributes, VECTOR_WIDTH_ATTRIBUTE)
        super().add_ir_module(ir_module)


@contextmanager
def wide_libraries(codegen) -> Iterator[None]:
    """While this runs, ``codegen`` (numba's, for the CPU) makes :class:`WideLibrary` code
    libraries. Call it with numba's compiler lock held."""
    before = codegen.__dict__.get("_library_class")
    codegen._library_class = WideLibrary
    try:
        yield
    finally:
        if before is None:
            del codegen._library_class
        else:
            codegen._library_class = before
