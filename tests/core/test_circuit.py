"""Circuit and Operation are immutable, validated values."""

import dataclasses
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmlstudio.core import MAX_QUBITS, Circuit, CircuitError, Const, Operation, w, x


def _example() -> Circuit:
    return (Circuit(3).add("h", 0).add("cx", [0, 1]).add("ry", 2, w(1))
            .add("rx", 1, x(0, scale=2.0, offset=0.5)))


def test_circuit_is_frozen():
    c = _example()
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.n_qubits = 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.operations = ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.operations[0].wires = (1,)
    assert isinstance(c.operations, tuple)
    assert isinstance(c.operations[0].wires, tuple)
    assert isinstance(c.operations[2].params, tuple)


def test_constructor_copies_lists_into_tuples():
    ops = [Operation("h", [0]), Operation("cx", [0, 1])]
    measured = [0, 1]
    c = Circuit(2, ops, measured)
    ops.append(Operation("x", [1]))
    measured.append(2)
    assert len(c.operations) == 2
    assert c.measured == (0, 1)
    assert c.operations[1].wires == (0, 1)


def test_add_returns_new_circuit_and_leaves_old_unchanged():
    c0 = Circuit(2)
    c1 = c0.add("h", 0)
    c2 = c1.add("cx", [0, 1])
    assert c0.operations == ()
    assert len(c1.operations) == 1
    assert [op.gate for op in c2.operations] == ["h", "cx"]
    assert c1 != c2
    assert c2.operations[1].wires == (0, 1)


def test_add_accepts_int_or_sequence_wires():
    assert Circuit(2).add("h", 1) == Circuit(2).add("h", [1]) == Circuit(2).add("h", (1,))


def test_numbers_become_constants():
    c = Circuit(1).add("rx", 0, 1).add("rz", 0, np.float64(0.25))
    assert c.operations[0].params == (Const(1.0),)
    assert c.operations[1].params == (Const(0.25),)
    assert c == Circuit(1).add("rx", 0, Const(1.0)).add("rz", 0, 0.25)


def test_n_weights_and_n_features_are_highest_index_plus_one():
    c = Circuit(2)
    assert (c.n_weights, c.n_features) == (0, 0)
    c = c.add("rx", 0, w(3)).add("ry", 1, w(3)).add("rz", 0, x(1)).add("rx", 1, 0.5)
    assert (c.n_weights, c.n_features) == (4, 2)
    c = c.add("u3", 0, w(0), x(4, 0.5), 1.0)
    assert (c.n_weights, c.n_features) == (4, 5)


def test_depth_counts_layers_of_operations_sharing_wires():
    assert Circuit(3).depth == 0
    # h(0) | cx(0,1) | ry(2) runs beside both | rx(1) after cx -> layers: h, cx, rx
    assert _example().depth == 3
    # ccx(0,1,2) waits for everything; x(2) before it, z(0) after it
    c = Circuit(3).add("x", 2).add("ccx", [0, 1, 2]).add("z", 0).add("z", 1)
    assert c.depth == 3


@pytest.mark.parametrize(("alias", "canonical", "wires", "n_params"),
                         [("cnot", "cx", [0, 1], 0), ("u", "u3", [0], 3),
                          ("u1", "p", [1], 1), ("cu1", "cp", [1, 0], 1)])
def test_aliases_are_canonicalised(alias, canonical, wires, n_params):
    params = [0.1 * (k + 1) for k in range(n_params)]
    a = Circuit(2).add(alias, wires, *params)
    b = Circuit(2).add(canonical, wires, *params)
    assert a.operations[0].gate == canonical
    assert a == b
    assert hash(a) == hash(b)


def test_equal_circuits_are_equal_and_hash_alike():
    a, b = _example(), _example()
    assert a == b and a is not b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert a != a.add("x", 0)
    assert a != Circuit(4, a.operations)
    assert a != Circuit(3, a.operations, measured=(0,))
    assert Circuit(1).add("rx", 0, w(0)) != Circuit(1).add("rx", 0, w(1))
    assert Circuit(1).add("rx", 0, x(0)) != Circuit(1).add("rx", 0, x(0, scale=2.0))


def test_operation_group_is_kept_and_compared():
    op = Operation("h", (0,), group="layer-1")
    assert op.group == "layer-1"
    assert op != Operation("h", (0,))


def test_measured_wires_are_validated():
    assert Circuit(3, measured=(2, 0)).measured == (2, 0)
    with pytest.raises(CircuitError, match="5"):
        Circuit(3, measured=(5,))
    with pytest.raises(CircuitError):
        Circuit(3, measured=(1, 1))


@pytest.mark.parametrize("n", [0, -1, MAX_QUBITS + 1, 2.0, True, "3"])
def test_bad_qubit_count(n):
    with pytest.raises(CircuitError, match="qubit"):
        Circuit(n)


def test_bad_operations():
    with pytest.raises(CircuitError, match="wire 9"):
        Circuit(3).add("h", 9)
    with pytest.raises(CircuitError, match="wire 3"):
        Circuit(3, (Operation("cx", (0, 3)),))
    with pytest.raises(CircuitError, match="duplicate"):
        Circuit(3).add("cx", [1, 1])
    with pytest.raises(CircuitError, match="unknown gate"):
        Circuit(3).add("foo", 0)
    with pytest.raises(CircuitError):
        Circuit(3).add("h", -1)
    with pytest.raises(CircuitError, match="wire"):
        Circuit(3).add("cx", [0])
    with pytest.raises(CircuitError, match="parameter"):
        Circuit(3).add("rx", 0)
    with pytest.raises(CircuitError, match="parameter"):
        Circuit(3).add("h", 0, 0.5)
    with pytest.raises(CircuitError, match="finite"):
        Circuit(3).add("rx", 0, float("nan"))
    with pytest.raises(CircuitError):
        Circuit(3).add("rx", 0, "zero")
    with pytest.raises(CircuitError, match="Operation"):
        Circuit(3, ("h",))


def test_edits_validate_and_do_not_mutate():
    c = _example()
    before = c.operations
    assert c.without([0]).operations == before[1:]
    assert c.inserted(0, Operation("x", (2,))).operations[0] == Operation("x", (2,))
    assert c.replaced(1, Operation("cz", (0, 2))).operations[1].gate == "cz"
    assert c.operations == before
    with pytest.raises(CircuitError, match="wire 7"):
        c.inserted(0, Operation("x", (7,)))
    with pytest.raises(CircuitError, match="wire 7"):
        c.replaced(0, Operation("x", (7,)))


def test_inserting_a_non_operation_is_a_circuit_error():
    with pytest.raises(CircuitError):
        Circuit(2).inserted(0, "h")


@pytest.mark.alone  # a time bound: see tests/run_alone.py
def test_bulk_construction_is_linear():
    rng = np.random.default_rng(0)
    names = ["h", "rx", "cx", "rzz", "u3"]

    def ops(count):
        out = []
        for k in range(count):
            name = names[k % len(names)]
            if name in ("cx", "rzz"):
                a, b = rng.choice(8, size=2, replace=False)
                wires = (int(a), int(b))
            else:
                wires = (int(rng.integers(8)),)
            params = {"h": (), "cx": (), "rx": (w((k // 5) % 50),), "rzz": (x(k % 7, 0.5),),
                      "u3": (0.1, w(3), x(2))}[name]
            out.append(Operation(name, wires, params))
        return tuple(out)

    start = time.perf_counter()
    c = Circuit(8, ops(10_000))
    assert (c.n_weights, c.n_features) == (50, 7)
    c2 = c.add("h", 0)
    elapsed = time.perf_counter() - start
    assert len(c2.operations) == 10_001
    assert elapsed < 2.0, f"building a 10000-operation circuit took {elapsed:.2f} s"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["h", "x", "rx", "cx", "swap"]),
                          st.integers(0, 3), st.integers(0, 3), st.integers(0, 5)),
                max_size=20))
def test_add_chain_equals_bulk_construction(spec):
    chained = Circuit(4)
    ops = []
    for name, a, b, k in spec:
        if name in ("cx", "swap"):
            if a == b:
                continue
            wires, params = (a, b), ()
        else:
            wires, params = (a,), ((w(k),) if name == "rx" else ())
        chained = chained.add(name, wires, *params)
        ops.append(Operation(name, wires, params))
    bulk = Circuit(4, ops)
    assert chained == bulk
    expected_weights = 1 + max((k for n, _, _, k in spec if n == "rx"), default=-1)
    assert bulk.n_weights == expected_weights
