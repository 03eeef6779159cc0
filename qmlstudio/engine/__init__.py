"""The numba statevector engine: compiled circuit programs, expectation values, gradients.

The only package that imports numba; it may import ``core`` only (not ``io``: the two are
independent layers). Public entry points: :func:`statevector`,
:func:`expval` and :func:`vjp`; with a noise model, :func:`density_expval` and
:func:`density_vjp` (exact density matrices); gradient methods are picked by name from
:data:`GRADIENT_METHODS`.
"""

from qmlstudio.engine.api import expval, statevector, vjp
from qmlstudio.engine.density import density_expval, density_vjp
from qmlstudio.engine.density_driver import MAX_DENSITY_QUBITS
from qmlstudio.engine.gradients import GRADIENT_METHODS
from qmlstudio.engine.memory import MAX_SIMULATED_QUBITS
from qmlstudio.engine.program import Program, compile_program

__all__ = ["GRADIENT_METHODS", "MAX_DENSITY_QUBITS", "MAX_SIMULATED_QUBITS", "Program",
           "compile_program", "density_expval", "density_vjp", "expval", "statevector", "vjp"]
