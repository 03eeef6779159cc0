"""What the compiler folds away is still exact: values against Qiskit and the dense reference,
gradients against finite differences.

* the trailing CNOT/SWAP gates, folded into the observables (``Program.measured``);
* the first permutation after the leading single-qubit blocks, fused into the product state
  (written through its gather table; the costate read back through the inverse);
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import Circuit, w, x
from qmlstudio.engine import compile_program
from qmlstudio.engine.program import PERM, SWAPS
from tests.reference.dense import dense_expval
from tests.reference.qiskit_oracle import qiskit_expval, qiskit_statevector
from tests.reference.random_circuits import random_circuit, random_observables, random_states

REPO = Path(__file__).resolve().parents[2]
ATOL = 1e-10
FD_STEP = 1e-6
OBSERVABLES = ["Z0", "X0", "Y1", "Z0 Z1", "X0 Y2", "Y0 Y1 X2", "Z1 X2 Y3", "X0 X1 X2 X3"]


def _fd_vjp(expected, ws, cot):
    """Σ cot · ∂values/∂w by central differences of ``expected(weights) -> (B, K)``."""
    out = np.zeros(len(ws))
    for k in range(len(ws)):
        step = np.zeros(len(ws))
        step[k] = FD_STEP
        out[k] = np.sum(cot * (expected(ws + step) - expected(ws - step))) / (2 * FD_STEP)
    return out


def _ladder(n, n_layers, features=True, ring=True):
    """The standard workload's circuit (RY(x) encoding, RZ RY RZ layers, each followed by a
    CNOT ladder — a ring with ``ring``), ending in a CNOT ladder."""
    c = Circuit(n)
    for q in range(n):
        c = c.add("ry", q, x(q) if features else w(0))
    k = 0
    for _ in range(n_layers):
        for q in range(n):
            for gate in ("rz", "ry", "rz"):
                c = c.add(gate, q, w(k))
                k += 1
        for q in range(n if ring else n - 1):
            c = c.add("cx", [q, (q + 1) % n])
    return c


def _check(circuit, X, ws, obs, init=None, oracle=dense_expval, fd=True):
    """Values equal the oracle's; the adjoint vjp (fixed and function cotangent) equals the
    finite differences of the oracle."""
    rng = np.random.default_rng(7)
    expected = oracle(circuit, X, ws, obs, init)
    np.testing.assert_allclose(qs.expval(circuit, X, ws, obs, initial_state=init), expected,
                               atol=ATOL)
    cot = rng.normal(size=expected.shape)
    values, grad = qs.vjp(circuit, X, ws, obs, cot, initial_state=init)
    np.testing.assert_allclose(values, expected, atol=ATOL)
    _, grad_fn = qs.vjp(circuit, X, ws, obs, lambda v: cot, initial_state=init)
    np.testing.assert_array_equal(grad_fn, grad)
    if fd:
        reference = _fd_vjp(lambda v: oracle(circuit, X, v, obs, init), ws, cot)
        np.testing.assert_allclose(grad, reference, atol=1e-6)


def test_trailing_ladder_is_folded_into_the_observables():
    program = compile_program(_ladder(4, 2))
    assert program.arrays.op_kind[-1] < PERM  # the last ladder is not simulated
    assert len(program.tail_images) == 4
    unfolded = compile_program(_ladder(4, 2), fold_tail=False)
    assert unfolded.arrays.op_kind[-1] == PERM and not len(unfolded.tail_images)


@pytest.mark.parametrize("ring", [True, False])
def test_folded_ladder_with_multi_qubit_paulis(ring):
    rng = np.random.default_rng(1 if ring else 2)
    circuit = _ladder(4, 2, ring=ring)
    X, ws = rng.uniform(0, np.pi, size=(11, 4)), rng.uniform(-3, 3, size=circuit.n_weights)
    _check(circuit, X, ws, OBSERVABLES)
    _check(circuit, X, ws, OBSERVABLES, init=random_states(rng, 4, 11), oracle=qiskit_expval,
           fd=False)


def test_swaps_and_cnots_after_a_toffoli():
    """Only the linear gates after the last Toffoli/Fredkin are folded."""
    c = (_ladder(4, 1).add("ccx", [0, 1, 2]).add("swap", [0, 3]).add("cx", [2, 1])
         .add("swap", [1, 2]).add("cx", [3, 0]))
    program = compile_program(c)
    assert len(program.tail_images) == 4
    kinds = program.arrays.op_kind
    assert kinds[-1] in (PERM, SWAPS)  # the Toffoli stays
    rng = np.random.default_rng(3)
    X, ws = rng.uniform(0, np.pi, size=(5, 4)), rng.normal(size=c.n_weights)
    _check(c, X, ws, OBSERVABLES)


@pytest.mark.parametrize("seed", range(6))
def test_random_circuits_ending_in_permutations(seed):
    rng = np.random.default_rng(900 + seed)
    n = 2 + seed % 4
    body = random_circuit(rng, n, 25, n_weights=3, n_features=2)
    ops = list(body.operations)
    for _ in range(2 + seed):
        a, b = (int(q) for q in rng.choice(n, size=2, replace=False))
        ops.append(qs.Operation(str(rng.choice(["cx", "swap"])), (a, b)))
    circuit = Circuit(n, tuple(ops))
    obs = random_observables(rng, n, 6)
    X, ws = rng.uniform(-2, 2, size=(9, 2)), rng.uniform(-3, 3, size=3)
    _check(circuit, X, ws, obs, init=random_states(rng, n, 9) if seed % 2 else None)


def test_statevector_keeps_the_trailing_gates():
    c = _ladder(3, 1)
    rng = np.random.default_rng(4)
    xs, ws = rng.uniform(0, np.pi, size=3), rng.normal(size=c.n_weights)
    state = qs.statevector(c, xs, ws)
    np.testing.assert_allclose(state, qiskit_statevector(c, xs, ws), atol=ATOL)


def test_large_state_driver_with_fused_ladders():
    """15 qubits: one sample at a time over amplitude chunks; the first ladder is part of the
    product state, the last one folded into the observables."""
    n = 15
    c = _ladder(n, 2)
    assert compile_program(c).lead_tables[0].size and len(compile_program(c).tail_images)
    obs = ["Z0", "X3 Y14", "Z7 Z8 Z0", "Y5 X6"]
    rng = np.random.default_rng(5)
    X = rng.uniform(0, np.pi, size=(2, n))
    ws = rng.normal(size=c.n_weights)
    _check(c, X, ws, obs, oracle=qiskit_expval, fd=False)
    # Gradient of a few weights by finite differences of Qiskit's values.
    cot = rng.normal(size=(2, len(obs)))
    _, grad = qs.vjp(c, X, ws, obs, cot)
    for k in (0, 17, c.n_weights - 1):
        step = np.zeros(len(ws))
        step[k] = FD_STEP
        fd = np.sum(cot * (qiskit_expval(c, X, ws + step, obs)
                           - qiskit_expval(c, X, ws - step, obs))) / (2 * FD_STEP)
        assert grad[k] == pytest.approx(fd, abs=1e-6)


def test_first_ladder_is_part_of_the_product_state():
    program = compile_program(_ladder(4, 3))
    prog = program.arrays
    first_perm = int(np.flatnonzero(prog.op_kind == PERM)[0])
    assert prog.op_lead[:first_perm + 1].all()  # the leading blocks and the first ladder
    assert not prog.op_lead[first_perm + 1:].any()
    forward, inverse = program.lead_tables
    np.testing.assert_array_equal(inverse[forward], np.arange(16))


@pytest.mark.parametrize("case", ["toffoli", "starts with cx", "lead after", "initial states"])
def test_leading_permutation_cases(case):
    """A non-linear first permutation, a circuit that starts with it, a leading rotation on
    a wire the permutation leaves alone (it commutes), and initial states (then the
    permutation is applied as a block)."""
    n = 4
    c = Circuit(n).add("ry", 0, x(0)).add("rx", 1, w(0)).add("h", 2)
    if case == "starts with cx":
        c = Circuit(n)
    c = c.add("cx", [0, 1])
    c = c.add("ccx", [1, 2, 0]) if case == "toffoli" else c.add("swap", [1, 2])
    c = c.add("cx", [2, 1])
    if case == "lead after":
        c = c.add("ry", 3, x(1, 0.5, 0.1)).add("rz", 3, w(1))
    c = (c.add("rz", 0, w(2)).add("ry", 1, x(0)).add("cx", [1, 3]).add("rx", 2, w(3))
         .add("crz", [3, 0], w(1)).add("cx", [0, 2]))
    assert compile_program(c).lead_tables[0].size
    rng = np.random.default_rng(8)
    X = rng.uniform(-2, 2, size=(6, c.n_features))
    ws = rng.uniform(-3, 3, size=c.n_weights)
    init = random_states(rng, n, 6) if case == "initial states" else None
    _check(c, X, ws, OBSERVABLES, init=init)
    xs = X[0]
    np.testing.assert_allclose(qs.statevector(c, xs, ws, initial_state=None if init is None
                                              else init[0]),
                               qiskit_statevector(c, xs, ws, None if init is None else init[0]),
                               atol=ATOL)


_THREADS_SCRIPT = """
import sys
import numpy as np
import qmlstudio as qs
from tests.engine.test_fusion import _ladder
out = []
for n, batch in ((6, 37), (15, 2)):  # the batch driver (a partial last chunk), the large one
    c = _ladder(n, 3)
    rng = np.random.default_rng(n)
    X = rng.uniform(0, np.pi, size=(batch, n))
    ws = rng.normal(size=c.n_weights)
    values, grad = qs.vjp(c, X, ws, ["Z0", "X1 Y2"], lambda v: v - 0.5)
    out += [values.ravel(), grad]
np.save(sys.argv[1], np.concatenate(out))
"""


def test_fused_programs_give_identical_results_whatever_the_thread_count(tmp_path):
    results = []
    for threads in (1, 2):
        path = tmp_path / f"threads{threads}.npy"
        env = dict(os.environ, NUMBA_NUM_THREADS=str(threads),
                   PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
        subprocess.run([sys.executable, "-c", _THREADS_SCRIPT, str(path)], cwd=REPO, env=env,
                       check=True, timeout=600)
        results.append(np.load(path))
    np.testing.assert_array_equal(results[0], results[1])
