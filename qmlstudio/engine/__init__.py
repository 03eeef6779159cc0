"""The numba statevector engine: compiled circuit programs, expectation values, gradients.

The only package that imports numba. Public entry points: :func:`statevector`,
:func:`expval` and :func:`vjp`; gradient methods are picked by name from
:data:`GRADIENT_METHODS`.
"""

from .api import expval, statevector, vjp
from .gradients import GRADIENT_METHODS
from .memory import MAX_SIMULATED_QUBITS
from .program import Program, compile_program

__all__ = ["GRADIENT_METHODS", "MAX_SIMULATED_QUBITS", "Program", "compile_program", "expval",
           "statevector", "vjp"]
