"""Edits with bad indices or arguments fail clearly; numpy integers work; pickling is safe."""

import pickle
import subprocess
import sys

import numpy as np
import pytest

from qmlstudio.core import Circuit, CircuitError, Operation, w, x


def _circuit() -> Circuit:
    return Circuit(2).add("ry", [0], x(0)).add("rz", [1], w(0)).add("cx", [0, 1])


@pytest.mark.parametrize("edit", [
    lambda c: c.replaced(99, Operation("h", (0,))),
    lambda c: c.replaced(-1, Operation("h", (0,))),
    lambda c: c.inserted(-1, Operation("h", (0,))),
    lambda c: c.inserted("a", Operation("h", (0,))),
    lambda c: c.without([-1]),
    lambda c: c.without([3]),
])
def test_indices_outside_the_circuit_are_refused_not_wrapped(edit):
    with pytest.raises(CircuitError, match="outside"):
        edit(_circuit())


@pytest.mark.parametrize("build", [
    lambda: _circuit().add("h", None),
    lambda: Operation("rx", (0,), None),
    lambda: Circuit(2, None),
    lambda: Circuit(2, (), 1),
    lambda: Operation("h", "0"),
])
def test_non_sequences_are_circuit_errors(build):
    with pytest.raises(CircuitError, match="must be a sequence"):
        build()


def test_numpy_integer_wires_become_plain_ints():
    op = _circuit().add("cx", np.array([1, 0])).operations[-1]
    assert op.wires == (1, 0)
    assert all(type(wire) is int for wire in op.wires)


def test_an_unpickled_circuit_hashes_like_a_fresh_one_in_another_process(tmp_path):
    circuit = _circuit()
    hash(circuit)  # fill the cache before pickling
    path = tmp_path / "c.pkl"
    path.write_bytes(pickle.dumps(circuit))
    code = (
        "import pickle, sys\n"
        "from qmlstudio.core import Circuit, w, x\n"
        f"c2 = pickle.loads(open({str(path)!r}, 'rb').read())\n"
        "c = Circuit(2).add('ry', [0], x(0)).add('rz', [1], w(0)).add('cx', [0, 1])\n"
        "sys.exit(0 if (c == c2 and hash(c) == hash(c2) and c2 in {c}) else 1)\n"
    )
    env = {"PYTHONHASHSEED": "123", "PATH": ""}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
