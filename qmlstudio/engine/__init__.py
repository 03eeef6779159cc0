"""The numba statevector engine: compiled circuit programs, expectation values, gradients.

The only package that imports numba; it may import ``core`` only (not ``io``: the two are
independent layers). Public entry points: :func:`statevector`,
:func:`expval` and :func:`vjp` (and :func:`bind`: a circuit and its observables compiled once
for the many calls of a training run); with a noise model, :func:`density_expval` and
:func:`density_vjp` (exact density matrices, or Monte-Carlo trajectories by
``noise_method``; :func:`trajectory_expval` / :func:`trajectory_vjp` add standard errors);
gradient methods are picked by name from
:data:`GRADIENT_METHODS`; threads: :func:`using_threads` (a choice for a block of calls),
:func:`threads_used` (what the last call ran on), :func:`check_threads` (the one check of a
thread count a user typed), :func:`thread_cap` (the most a call may use).
:func:`prepare` compiles the kernels ahead of the first result (an app calls it on a
worker thread at start; :func:`prepares_for` says which circuits they serve) and
:func:`is_prepared` says whether that is done. On a cold cache,
importing the engine starts a second process that compiles half of those kernels
(:mod:`.compile_helper`).
"""

from qmlstudio.engine import compile_helper
from qmlstudio.engine.api import BoundCircuit, bind, expval, statevector, vjp
from qmlstudio.engine.density import (
    DEFAULT_TRAJECTORIES,
    NOISE_METHODS,
    Estimate,
    GradientEstimate,
    density_expval,
    density_vjp,
    noise_method_for,
    trajectory_expval,
    trajectory_vjp,
)
from qmlstudio.engine.density_driver import MAX_DENSITY_QUBITS
from qmlstudio.engine.gradients import GRADIENT_METHODS
from qmlstudio.engine.memory import MAX_SIMULATED_QUBITS
from qmlstudio.engine.program import Program, compile_program
from qmlstudio.engine.threads import check_threads, thread_cap, threads_used, using_threads
from qmlstudio.engine.warmup import is_prepared, prepare, prepares_for

__all__ = ["DEFAULT_TRAJECTORIES", "GRADIENT_METHODS", "MAX_DENSITY_QUBITS", "MAX_SIMULATED_QUBITS",
           "NOISE_METHODS", "BoundCircuit", "Estimate", "GradientEstimate", "Program", "bind",
           "check_threads", "compile_program", "density_expval", "density_vjp", "expval",
           "is_prepared", "noise_method_for", "prepare", "prepares_for", "statevector",
           "thread_cap", "threads_used", "trajectory_expval", "trajectory_vjp", "using_threads",
           "vjp"]

compile_helper.start()  # on a cold cache: a second process compiles half the kernels
