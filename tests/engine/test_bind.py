"""``bind``: a circuit and its observables compiled once for a training run's many calls.

Its cache is keyed by value: an equal circuit shares the entry, a changed circuit or changed
observables never reuse a stale one. Its results are bit for bit those of the path that
compiles and measures the observables afresh at every call (``run_program``).
"""

import pickle

import numpy as np
import pytest

from qmlstudio.core import Circuit, CircuitError, Operation, w, x
from qmlstudio.engine import api, bind, expval, vjp
from qmlstudio.engine.api import _encoded_observables
from qmlstudio.engine.gradients import adjoint
from qmlstudio.engine.program import _compile_cached
from qmlstudio.engine.simulate import run_program
from tests.reference.random_circuits import random_circuit, random_observables, random_states

OBSERVABLES = ("Z0", "X1", "Y0 Z2", "Z0 Z1 Z2")


def _ladder(angle: float = 0.3) -> Circuit:
    """Rotations then a CNOT ladder (folded into the observables), one angle a constant."""
    return (Circuit(3).add("ry", 0, x(0)).add("rx", 1, w(0)).add("rz", 2, angle)
            .add("ry", 2, w(1)).add("cx", [0, 1]).add("cx", [1, 2]))


def _uncached(circuit: Circuit, observables, X, weights, init=None, cotangent=None):
    """Values (and the vjp) from a program compiled afresh, its observables measured at the
    call: what ran before circuits were bound."""
    program = _compile_cached.__wrapped__(circuit, True)
    paulis = _encoded_observables.__wrapped__(tuple(observables), circuit.n_qubits)
    table = program.angle_table(X)
    if cotangent is None:
        return run_program(program, table, weights, init, paulis).values
    return adjoint(program, table, weights, init, paulis, cotangent)


def test_equal_circuits_and_observables_share_one_bound_circuit():
    assert bind(_ladder(), list(OBSERVABLES)) is bind(_ladder(), OBSERVABLES)
    assert bind(_ladder(), "Z0") is bind(_ladder(), ["Z0"])


def test_a_changed_circuit_or_observable_is_bound_afresh():
    X, weights = np.array([[0.4], [1.3]]), np.array([0.7, -0.2])
    changed_observables = ("Z0", "X1", "Y0 Z2", "Z0 Z2")
    cases = [(_ladder(0.3), OBSERVABLES), (_ladder(0.5), OBSERVABLES),
             (_ladder().replaced(0, Operation("rx", (0,), (x(0),))), OBSERVABLES),
             (_ladder(0.3), changed_observables)]
    bound = [bind(circuit, observables) for circuit, observables in cases]
    assert len({id(b) for b in bound}) == len(cases)
    values = [b.values(X, weights) for b in bound]
    for (circuit, observables), v in zip(cases, values, strict=True):
        np.testing.assert_array_equal(v, _uncached(circuit, observables, X, weights))
    for v in values[1:]:
        assert not np.array_equal(v, values[0])


@pytest.mark.parametrize("seed", range(4))
def test_values_and_vjp_equal_the_uncached_path_to_the_bit(seed):
    rng = np.random.default_rng(seed)
    n = 2 + seed % 3
    circuit = random_circuit(rng, n, 14, n_weights=4, n_features=3)
    observables = random_observables(rng, n, 4)
    X = rng.uniform(-1, 1, size=(9, 3))
    weights = rng.uniform(-np.pi, np.pi, size=circuit.n_weights)
    cot = rng.normal(size=(9, 4))
    init = random_states(rng, n, 9) if seed % 2 else None
    bound = bind(circuit, observables)
    np.testing.assert_array_equal(bound.values(X, weights, init),
                                  _uncached(circuit, observables, X, weights, init))
    values, grads = bound.vjp(X, weights, lambda v: cot * v, init)
    ref_values, ref_grads = _uncached(circuit, observables, X, weights, init,
                                      lambda v: cot * v)
    np.testing.assert_array_equal(values, ref_values)
    np.testing.assert_array_equal(grads, ref_grads)
    # The public functions check their arguments and then run through the bound circuit.
    np.testing.assert_array_equal(expval(circuit, X, weights, observables, init), values)
    np.testing.assert_array_equal(
        vjp(circuit, X, weights, observables, cot, initial_state=init)[1],
        _uncached(circuit, observables, X, weights, init, cot)[1])


def test_bind_checks_what_it_is_given():
    with pytest.raises(CircuitError, match=r"expected a qmlstudio\.Circuit"):
        bind("not a circuit", "Z0")
    with pytest.raises(CircuitError, match="observables must be a Pauli string"):
        bind(_ladder(), 7)
    with pytest.raises(CircuitError):
        bind(_ladder(), ["Z5"])  # no qubit 5
    with pytest.raises(CircuitError, match="channel operations"):
        bind(_ladder().inserted(0, Operation("reset", (1,), ())), "Z0")
    # An unhashable observable is parsed without the cache, which names the error.
    with pytest.raises(CircuitError):
        bind(_ladder(), [["Z0"]])


def test_an_equal_copy_is_found_and_few_bound_circuits_are_kept():
    circuit = _ladder()
    copy = pickle.loads(pickle.dumps(circuit))
    assert copy == circuit and copy is not circuit
    first = bind(circuit, OBSERVABLES)
    assert bind(copy, OBSERVABLES) is first  # by value, then by this object's identity
    assert bind(copy, OBSERVABLES) is first
    others = [_ladder().inserted(0, Operation("ry", (0,), (0.1 * k,))) for k in range(12)]
    bound = [bind(other, OBSERVABLES) for other in others]
    assert len(api._recent) <= api._BOUND_CACHE_SIZE
    assert bind(others[-1], OBSERVABLES) is bound[-1]
