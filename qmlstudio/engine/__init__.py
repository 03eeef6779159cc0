"""The numba statevector engine: compiled circuit programs, expectation values, gradients.

The only package that imports numba; it may import ``core`` only (not ``io``: the two are
independent layers). Public entry points: :func:`statevector`,
:func:`expval` and :func:`vjp`; gradient methods are picked by name from
:data:`GRADIENT_METHODS`; :func:`prepare` compiles the kernels ahead of the first result (an
app calls it on a worker thread at start) and :func:`is_prepared` says whether that is done.
"""

from qmlstudio.engine.api import expval, statevector, vjp
from qmlstudio.engine.gradients import GRADIENT_METHODS
from qmlstudio.engine.memory import MAX_SIMULATED_QUBITS
from qmlstudio.engine.program import Program, compile_program
from qmlstudio.engine.warmup import is_prepared, prepare

__all__ = ["GRADIENT_METHODS", "MAX_SIMULATED_QUBITS", "Program", "compile_program", "expval",
           "is_prepared", "prepare", "statevector", "vjp"]
