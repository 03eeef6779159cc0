"""The engine's public functions: :func:`statevector`, :func:`expval` and :func:`vjp`.

They validate every argument (raising :class:`~qmlstudio.core.CircuitError` with a message
that names the problem, never a numba error), compile the circuit (cached) and run it.

Each takes ``threads``: a positive integer (used as given, capped by ``NUMBA_NUM_THREADS``
and the CPUs available), or None — the calling thread's :func:`.threads.using_threads`
choice, else automatic from the work and the free cores (see :mod:`.threads`). The numbers
are identical whatever the thread count.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from qmlstudio.core import Circuit, CircuitError, PauliString, parse_observable
from qmlstudio.core.wording import counted
from qmlstudio.engine.gradients import GRADIENT_METHODS, _to_weights
from qmlstudio.engine.measure import encode_paulis
from qmlstudio.engine.memory import check_memory
from qmlstudio.engine.program import compile_program
from qmlstudio.engine.shots import sample_expectations
from qmlstudio.engine.simulate import (
    run_measured,
    run_program,
    states_kept_for_gradients,
)
from qmlstudio.engine.threads import thread_cap, using_threads

__all__ = ["MAX_SHOTS", "BoundCircuit", "bind", "expval", "statevector", "vjp"]

MAX_SHOTS = 10**15
"""Largest shot count (numpy's binomial sampler takes 64-bit counts)."""

Observables = str | PauliString | Sequence[str | PauliString]


def _check_circuit(circuit: object) -> Circuit:
    if not isinstance(circuit, Circuit):
        raise CircuitError(f"expected a qmlstudio.Circuit, got {type(circuit).__name__}")
    return circuit


def _finite_array(value: object, what: str, ndim: tuple[int, ...]) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CircuitError(f"{what} must be numeric") from None
    if array.ndim not in ndim:
        raise CircuitError(f"{what} must have {' or '.join(map(str, ndim))} dimension(s), "
                           f"got shape {array.shape}")
    if not np.isfinite(array).all():  # then find the first bad value to name it
        bad = np.argwhere(~np.isfinite(array))
        where = ", ".join(str(int(i)) for i in bad[0])
        raise CircuitError(f"{what} contains {array[tuple(bad[0])]} at [{where}]; "
                           "values must be finite")
    return np.ascontiguousarray(array)


def _weights(n_weights: int, weights: object) -> np.ndarray:
    if weights is None:
        weights = np.zeros(0)
    array = _finite_array(weights, "weights", (1,))
    if len(array) != n_weights:
        raise CircuitError(
            f"the circuit has {counted(n_weights, 'weight')} (highest index used + 1), "
            f"got {counted(len(array), 'weight value')}"
        )
    return array


def _initial_state(circuit: Circuit, state: object) -> np.ndarray | None:
    if state is None:
        return None
    dim = 1 << circuit.n_qubits
    try:
        array = np.asarray(state, dtype=np.complex128)
    except (TypeError, ValueError):
        raise CircuitError("initial_state must be a complex array") from None
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != dim:
        raise CircuitError(
            f"initial_state must have shape ({dim},) or (n_samples, {dim}) for "
            f"{circuit.n_qubits} qubits, got {np.shape(state)}"
        )
    array = np.ascontiguousarray(array)
    parts = array.view(np.float64)  # real and imaginary parts side by side: one cheap pass
    if not np.isfinite(parts).all():
        raise CircuitError("initial_state contains NaN or infinite amplitudes")
    norms = np.sqrt(np.einsum("ij,ij->i", parts, parts))
    bad = np.flatnonzero(np.abs(norms - 1.0) > 1e-6)
    if len(bad):
        raise CircuitError(f"initial_state row {bad[0]} has norm {norms[bad[0]]:.6g}; "
                           "states must be normalised")
    return array


def _features(n_features: int, array: np.ndarray | None, init: np.ndarray | None) -> np.ndarray:
    """X as (samples, features); a 1-D X is one sample."""
    if array is None:
        if n_features:
            raise CircuitError(f"the circuit reads {counted(n_features, 'data feature')} but X "
                               f"is None")
        return np.zeros((len(init) if init is not None else 1, 0))
    if array.ndim == 1:
        array = array[None, :]
    if array.shape[1] != n_features:
        raise CircuitError(
            f"the circuit reads {counted(n_features, 'data feature')} (highest index used + 1), "
            f"but X has {counted(array.shape[1], 'column')}"
        )
    if len(array) == 0:
        raise CircuitError("X has no samples")
    if init is not None and len(init) not in (1, len(array)):
        raise CircuitError(f"initial_state has {len(init)} rows but X has {len(array)} samples")
    return np.ascontiguousarray(array)


def _observable_tuple(observables: Observables) -> tuple:
    """``observables`` as a tuple (one string or PauliString is a tuple of one)."""
    if isinstance(observables, str | PauliString):
        return (observables,)
    if not isinstance(observables, list | tuple):
        raise CircuitError(f"observables must be a Pauli string or a list of them, got "
                           f"{observables!r}")
    return tuple(observables)


def _observables(circuit: Circuit, observables: Observables) -> tuple[np.ndarray, ...]:
    items = _observable_tuple(observables)
    try:
        hash(items)
    except TypeError:  # an unhashable item: parse without the cache, which names the error
        return _encoded_observables.__wrapped__(items, circuit.n_qubits)
    return _encoded_observables(items, circuit.n_qubits)


@lru_cache(maxsize=256)
def _encoded_observables(observables: tuple, n_qubits: int) -> tuple[np.ndarray, ...]:
    """The kernels' encoding of ``observables``, cached: a training step asks for the same
    few strings every call, and parsing them costs more than a small circuit's simulation.
    The kernels only read these arrays."""
    paulis = [parse_observable(o, n_qubits) for o in observables]
    if not paulis:
        raise CircuitError("give at least one observable, e.g. 'Z0'")
    return encode_paulis(paulis, n_qubits)


def _shots(shots: object, seed: object) -> tuple[int | None, np.random.Generator | None]:
    n_shots = _shot_count(shots)
    return (None, None) if n_shots is None else (n_shots, _rng(seed))


def _shot_count(shots: object) -> int | None:
    """The checked shot count (None: exact values)."""
    if shots is None:
        return None
    if (isinstance(shots, bool) or not isinstance(shots, int | np.integer)
            or not 1 <= shots <= MAX_SHOTS):
        raise CircuitError(f"shots must be an integer from 1 to {MAX_SHOTS:,} or None, "
                           f"got {shots!r}")
    return int(shots)


def _rng(seed: object) -> np.random.Generator:
    """The generator of ``seed`` (an integer, None or a Generator used as given)."""
    try:
        return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise CircuitError(f"seed must be an integer or None, got {seed!r}") from None


def _mixed(circuit: object, what: str, refused: dict[str, object]) -> bool:
    """True if ``circuit`` holds channel operations, so the density-matrix engine simulates
    it; ``refused`` names the arguments that engine cannot honour (an error if one is set)."""
    if not isinstance(circuit, Circuit) or not circuit.has_channels:
        return False
    given = [name for name, value in refused.items() if value is not None]
    if given:
        raise CircuitError(f"{what}: the circuit holds channel operations (noise, reset or a "
                           f"mid-circuit measurement), which the exact density-matrix engine "
                           f"simulates; it takes no {' or '.join(given)}")
    return True


def _prepare(circuit, x, weights, initial_state, cotangent=None, want_states=False):
    """Validate the arguments and check memory (for the final states an adjoint vjp with
    ``cotangent`` or ``want_states`` keeps): (circuit, features (samples,
    circuit.n_features), weights, initial state)."""
    circuit = _check_circuit(circuit)
    init = _initial_state(circuit, initial_state)
    xs = None if x is None else _finite_array(x, "X", (1, 2))
    n_samples = len(xs) if xs is not None and xs.ndim == 2 else len(init) if init is not None else 1
    kept = (n_samples if want_states
            else states_kept_for_gradients(circuit.n_qubits, n_samples, callable(cotangent))
            if cotangent is not None else 0)
    check_memory(circuit.n_qubits, n_samples, thread_cap(), kept)
    xs = _features(circuit.n_features, xs, init)
    return circuit, xs, _weights(circuit.n_weights, weights), init


class BoundCircuit:
    """A circuit and its observables compiled once for many exact evaluations — the steps of a
    training run. :func:`bind` makes one (and keeps recent ones: equal circuits and
    observables share it).

    :meth:`values` and :meth:`vjp` are :func:`expval` and :func:`vjp` (exact, adjoint) for
    arguments their caller has checked, and they skip those checks: ``x`` a C-contiguous
    float array (B, circuit.n_features) of finite values, ``weights`` a float array
    (circuit.n_weights,) of finite values, ``init`` None or a C-contiguous complex array
    (1 | B, 2**n) of normalised states. Only memory is checked. Results are bit for bit
    those of :func:`expval` and :func:`vjp`, which run through here.

    ``paulis`` is the observables' encoding (see :mod:`.measure`) and ``measured`` what the
    program measures for them (:meth:`.Program.measured`, found once here: it costs more
    than a small circuit's simulation); both are shared, read only.
    """

    __slots__ = ("circuit", "measured", "n_observables", "paulis", "program")

    def __init__(self, circuit: Circuit, paulis: tuple[np.ndarray, ...]) -> None:
        self.circuit = circuit
        self.program = compile_program(circuit)
        self.paulis = paulis
        self.measured = self.program.measured(paulis)
        self.n_observables = len(paulis[0])

    def values(self, x: np.ndarray, weights: np.ndarray,
               init: np.ndarray | None = None) -> np.ndarray:
        """Expectation values (B, K) of checked arguments (see the class docstring)."""
        program = self.program
        check_memory(program.n_qubits, len(x), thread_cap(), 0)
        return run_measured(program, program.angle_table(x), weights, init,
                            self.measured).values

    def vjp(self, x: np.ndarray, weights: np.ndarray,
            cotangent: np.ndarray | Callable[[np.ndarray], np.ndarray],
            init: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Values (B, K) and the adjoint vector–Jacobian product of checked arguments (see
        the class docstring); ``cotangent`` is a finite (B, K) array or a function of the
        values returning one, unchecked too."""
        program = self.program
        kept = states_kept_for_gradients(program.n_qubits, len(x), callable(cotangent))
        check_memory(program.n_qubits, len(x), thread_cap(), kept)
        result = run_measured(program, program.angle_table(x), weights, init, self.measured,
                              cotangent)
        return result.values, _to_weights(program, result.slot_grads)


def bind(circuit: Circuit, observables: Observables = ("Z0",)) -> BoundCircuit:
    """``circuit`` and its Pauli-string ``observables`` compiled for repeated exact evaluation
    (see :class:`BoundCircuit`). Recent ones are kept, keyed by the circuit's and the
    observables' values (circuits are immutable), so a changed circuit or observable is
    compiled afresh. A circuit with channel operations is refused (it has no state vector)."""
    circuit = _check_circuit(circuit)
    if circuit.has_channels:
        raise CircuitError("bind: the circuit holds channel operations (noise, reset or a "
                           "mid-circuit measurement), which the density-matrix engine "
                           "simulates; use density_expval or density_vjp")
    items = _observable_tuple(observables)
    try:
        hash(items)
    except TypeError:  # an unhashable item: no caching (parsing it names the error)
        return BoundCircuit(circuit, _observables(circuit, items))
    key = (id(circuit), items)
    with _RECENT_LOCK:
        recent = _recent.get(key)
    if recent is not None and recent[0] is circuit:
        return recent[1]
    bound = _bound(circuit, items)
    with _RECENT_LOCK:
        _recent[key] = (circuit, bound)  # holds the circuit: its id is not reused meanwhile
        while len(_recent) > _BOUND_CACHE_SIZE:
            del _recent[next(iter(_recent))]
    return bound


_BOUND_CACHE_SIZE = 8
"""Bound circuits kept (few: each holds its program, gather tables included, beyond the
compile cache)."""
_recent: dict[tuple[int, tuple], tuple[Circuit, BoundCircuit]] = {}
"""The last bound circuits by the identity of their circuit object. The cache by value
(:func:`_bound`) compares an equal copy of a cached circuit operation by operation at every
lookup (21 µs for a 27-gate circuit, measured; a training run binds once per step, and every
fit of an estimator builds its circuit anew); a lookup here is one dict access."""
_RECENT_LOCK = threading.Lock()


@lru_cache(maxsize=_BOUND_CACHE_SIZE)
def _bound(circuit: Circuit, observables: tuple) -> BoundCircuit:
    return BoundCircuit(circuit, _encoded_observables(observables, circuit.n_qubits))


def statevector(circuit: Circuit, x: object = None, weights: object = None,
                initial_state: object = None, threads: int | None = None) -> np.ndarray:
    """The final state (2**n,) of ``circuit`` for one sample ``x`` and ``weights``.

    Wire 0 is the most significant bit of the index (Qiskit orders the other way round).
    A circuit with channel operations has no state vector (a CircuitError).
    """
    if isinstance(circuit, Circuit) and circuit.has_channels:
        raise CircuitError("statevector: the circuit holds channel operations (noise, reset or "
                           "a mid-circuit measurement), so its state is a density matrix; use "
                           "expval or density_expval")
    if x is not None:
        x = _finite_array(x, "x", (1, 2))
        if x.ndim == 2 and len(x) != 1:
            raise CircuitError("statevector simulates one sample; use expval for a batch")
    circuit, xs, w, init = _prepare(circuit, x, weights, initial_state, want_states=True)
    if init is not None and len(init) != 1:
        raise CircuitError("statevector takes one initial state of shape (2**n,)")
    program = compile_program(circuit, fold_tail=False)  # the state is the circuit's
    paulis = encode_paulis([PauliString(())], circuit.n_qubits)
    with using_threads(threads):
        return run_program(program, program.angle_table(xs), w, init, paulis,
                           want_states=True).states[0]


def expval(circuit: Circuit, X: object, weights: object, observables: Observables = ("Z0",),
           initial_state: object = None, shots: int | None = None,
           seed: int | None = None, threads: int | None = None) -> np.ndarray:
    """Expectation values (B, K) of Pauli-string ``observables`` for every sample of ``X``.

    ``initial_state`` is one state (2**n,) or one per sample (B, 2**n) (amplitude encoding).
    With ``shots`` the values are estimated from that many seeded measurements. A circuit
    with channel operations is simulated with density matrices
    (:func:`~qmlstudio.engine.density_expval`, shots included).
    """
    if _mixed(circuit, "expval", {"initial_state": initial_state}):
        from qmlstudio.engine.density import density_expval  # imports this module
        with using_threads(threads):
            return density_expval(circuit, X, weights, observables, shots=shots, seed=seed)
    circuit, xs, w, init = _prepare(circuit, X, weights, initial_state)
    n_shots, rng = _shots(shots, seed)
    bound = bind(circuit, observables)
    with using_threads(threads):
        values = bound.values(xs, w, init)
    return values if n_shots is None else sample_expectations(values, n_shots, rng)


def vjp(circuit: Circuit, X: object, weights: object, observables: Observables,
        cotangent: object, method: str = "adjoint", initial_state: object = None,
        shots: int | None = None, seed: int | None = None,
        interrupt: Callable[[], bool] | None = None,
        threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Values (B, K) and the vector–Jacobian product ``Σ_bk cotangent[b,k] ∂values[b,k]/∂w``.

    ``cotangent`` is a (B, K) array, or a function ``values -> (B, K) array`` (∂loss/∂values),
    so a loss and its gradient take one call and one forward pass. ``method`` is
    ``"adjoint"`` (exact, default) or ``"parameter-shift"`` (the only one that accepts
    ``shots``). ``interrupt()`` returning True stops a parameter-shift gradient between its
    evaluations with :class:`~qmlstudio.core.Interrupted` (a GUI's Stop button). A circuit
    with channel operations takes the density-matrix gradient
    (:func:`~qmlstudio.engine.density_vjp`, either method).
    """
    if _mixed(circuit, "vjp", {"initial_state": initial_state}):
        from qmlstudio.engine.density import density_vjp  # imports this module
        with using_threads(threads):
            return density_vjp(circuit, X, weights, observables, None, cotangent,
                               method=method, shots=shots, seed=seed, interrupt=interrupt)
    if interrupt is not None and not callable(interrupt):
        raise CircuitError(f"interrupt must be a function or None, got {interrupt!r}")
    if not isinstance(method, str) or method not in GRADIENT_METHODS:
        raise CircuitError(f"unknown gradient method {method!r}; choose one of "
                           f"{', '.join(GRADIENT_METHODS)}")
    circuit, xs, w, init = _prepare(circuit, X, weights, initial_state,
                                    cotangent if method == "adjoint" else None)
    bound = bind(circuit, observables)
    shape = (len(xs), bound.n_observables)
    n_shots, rng = _shots(shots, seed)
    if callable(cotangent):
        cot = lambda values: _cotangent(cotangent(values), shape)  # noqa: E731
    else:
        cot = _cotangent(cotangent, shape)
    with using_threads(threads):
        if method == "adjoint" and n_shots is None:
            return bound.vjp(xs, w, cot, init)
        table = bound.program.angle_table(xs)
        return GRADIENT_METHODS[method](bound.program, table, w, init, bound.paulis, cot,
                                        n_shots, rng, interrupt)


def _cotangent(value: object, shape: tuple[int, int]) -> np.ndarray:
    cot = _finite_array(value, "cotangent", (1, 2))
    if cot.ndim == 1 and shape[1] == 1:
        cot = cot[:, None]
    if cot.shape != shape:
        raise CircuitError(f"cotangent must have shape {shape} (samples, observables), "
                           f"got {cot.shape}")
    return cot
