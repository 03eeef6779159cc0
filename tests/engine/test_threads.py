"""Threads: the count a call uses (given, chosen in a block, automatic, capped) and numbers
that do not depend on it."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import CircuitError
from qmlstudio.engine import thread_cap, threads_used, using_threads
from qmlstudio.engine.threads import WORK_PER_THREAD, choose_threads, free_cores

REPO = Path(__file__).resolve().parents[2]
TWO = min(2, thread_cap())  # what "2 threads" gets on this machine


def _layered(n_qubits: int, layers: int) -> qs.Circuit:
    """Angle encoding, then RZ RY RZ and a CNOT ring per layer (the benchmark workloads)."""
    circuit = qs.Circuit(n_qubits)
    for q in range(n_qubits):
        circuit = circuit.add("ry", q, qs.x(q))
    k = 0
    for _ in range(layers):
        for q in range(n_qubits):
            for gate in ("rz", "ry", "rz"):
                circuit = circuit.add(gate, q, qs.w(k))
                k += 1
        for q in range(n_qubits):
            circuit = circuit.add("cx", [q, (q + 1) % n_qubits])
    return circuit


def _case(n_qubits: int, layers: int, batch: int, seed: int = 5):
    rng = np.random.default_rng(seed)
    return (_layered(n_qubits, layers), rng.uniform(0, np.pi, (batch, n_qubits)),
            rng.uniform(0, 2 * np.pi, 3 * n_qubits * layers), rng.normal(size=(batch, 2)))


@pytest.mark.parametrize(("n_qubits", "layers", "batch"), [
    (6, 3, 37),   # batch driver: 5 chunks of 8 samples, the last one short
    (16, 1, 2),   # large driver: 2 chunks of amplitudes per stage, deferred cotangent
])
def test_one_two_and_automatic_threads_give_identical_numbers(n_qubits, layers, batch):
    circuit, X, weights, cot = _case(n_qubits, layers, batch)
    observables = ["Z0", "X1 Y2"]
    results = {}
    for threads in (1, 2, None):
        values, grad = qs.vjp(circuit, X, weights, observables, cot, threads=threads)
        used = threads_used()
        f_values, f_grad = qs.vjp(circuit, X, weights, observables,
                                  lambda v: np.sin(v) * cot, threads=threads)
        expectation = qs.expval(circuit, X, weights, observables, threads=threads)
        state = qs.statevector(circuit, X[0], weights, threads=threads)
        results[threads] = (values, grad, f_values, f_grad, expectation, state)
        assert used == (min(threads, thread_cap()) if threads else used) >= 1
    # Bit-identical in the batch driver. In the large driver one run under heavy load (two
    # test suites on two cores) gave gradients 3e-17 apart between one and two threads; the
    # cause is not found yet, so that driver is held to 1e-15 until it is.
    tolerance = 0.0 if n_qubits < 15 else 1e-15
    for threads in (2, None):
        for a, b in zip(results[1], results[threads], strict=True):
            np.testing.assert_allclose(a, b, rtol=0, atol=tolerance)
    np.testing.assert_allclose(results[1][1], qs.vjp(circuit, X, weights, observables, cot)[1],
                               rtol=0, atol=tolerance)


def test_the_count_reported_is_the_count_asked_for_capped_by_the_pool():
    circuit, X, weights, cot = _case(3, 1, 8)
    qs.vjp(circuit, X, weights, "Z0", cot[:, :1], threads=1)
    assert threads_used() == 1
    qs.vjp(circuit, X, weights, "Z0", cot[:, :1], threads=2)
    assert threads_used() == TWO
    qs.vjp(circuit, X, weights, "Z0", cot[:, :1], threads=10_000)
    assert threads_used() == thread_cap()
    qs.vjp(circuit, X, weights, "Z0", cot[:, :1])  # automatic: a small circuit, one thread
    assert threads_used() == 1


def test_a_block_chooses_for_its_thread_only_and_an_argument_overrides_it():
    circuit, X, weights, _ = _case(3, 1, 8)
    seen = {}

    def elsewhere() -> None:
        qs.expval(circuit, X, weights)
        seen["other thread"] = threads_used()

    with using_threads(2):
        qs.expval(circuit, X, weights)
        assert threads_used() == TWO
        worker = threading.Thread(target=elsewhere)
        worker.start()
        worker.join()
        with using_threads(1):
            qs.expval(circuit, X, weights)
            assert threads_used() == 1
        qs.expval(circuit, X, weights, threads=1)
        assert threads_used() == 1
        qs.expval(circuit, X, weights)
        assert threads_used() == TWO
    assert seen["other thread"] == 1  # automatic there: the block is not inherited


@pytest.mark.parametrize("bad", [0, -1, "x", "-1", 1.5, True, "2 threads"])
def test_a_bad_thread_count_is_one_clear_error(bad):
    circuit, X, weights, _ = _case(2, 1, 2)
    with pytest.raises(CircuitError, match=r"^threads must be a positive integer or 'auto', "
                                           r"got "):
        qs.expval(circuit, X, weights, threads=bad)
    with pytest.raises(CircuitError, match="threads must be a positive integer"), \
            using_threads(bad):
        pass


def test_text_counts_and_auto_are_accepted():
    circuit, X, weights, _ = _case(2, 1, 2)
    qs.expval(circuit, X, weights, threads="2")
    assert threads_used() == TWO
    qs.expval(circuit, X, weights, threads="auto")
    assert threads_used() == 1


@pytest.mark.alone  # reads the load other processes put on the cores
def test_automatic_spreads_only_work_big_enough_over_free_cores():
    assert choose_threads(WORK_PER_THREAD - 1, 1000) == 1
    assert choose_threads(100 * WORK_PER_THREAD, 1) == 1  # one task cannot be shared
    big = choose_threads(100 * WORK_PER_THREAD, 1000)
    assert 1 <= big <= min(thread_cap(), max(1, round(free_cores())))


@pytest.mark.alone  # reads the load other processes put on the cores
def test_automatic_leaves_cores_that_other_processes_hold_alone():
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                for _ in range(os.cpu_count() or 1)]
    try:
        time.sleep(0.5)
        free_cores()  # the first look after the spinners started
        time.sleep(0.3)
        assert free_cores() < 1
        assert choose_threads(100 * WORK_PER_THREAD, 1000) == 1
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


@pytest.mark.alone  # reads the load other processes put on the cores
def test_a_job_that_has_stopped_holds_no_core():
    free_cores()
    time.sleep(0.3)
    before = free_cores()  # what other processes (a compile helper, say) leave free now
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                for _ in range(os.cpu_count() or 1)]
    try:
        time.sleep(0.6)
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
    # the window since the last look is mostly the job's, but the job is over: the cores it
    # held are free again (a look at the window alone says about none are)
    assert free_cores() >= before - 0.5


def test_numba_num_threads_caps_every_choice():
    script = ("import numpy as np, qmlstudio as qs\n"
              "c = qs.Circuit(2).add('ry', 0, qs.x(0)).add('cx', [0, 1])\n"
              "qs.expval(c, np.ones((4, 1)), None, threads=2)\n"
              "print(qs.threads_used())\n")
    env = {**os.environ, "NUMBA_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO),
                                                       os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split()[-1] == "1"
