"""Shots mode: estimates converge at 1/sqrt(N), are seeded, and ignore the thread count."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import Circuit, w, x
from tests.reference.dense import dense_expval

REPO = Path(__file__).resolve().parents[2]
OBS = ["Z0", "X1", "Y2", "Z0 Z2", "X0 Y1"]


def _circuit() -> Circuit:
    return (Circuit(3).add("ry", 0, w(0)).add("rx", 1, x(0)).add("cx", [0, 2])
            .add("u3", 2, w(1), 0.3, x(1, 0.5)).add("crz", [1, 0], w(2)).add("h", 1))


WS = np.array([1.1, -0.7, 0.4])
X1 = np.array([[0.6, -1.3]])


def test_exact_when_shots_is_none():
    c = _circuit()
    np.testing.assert_allclose(qs.expval(c, X1, WS, OBS, shots=None, seed=3),
                               dense_expval(c, X1, WS, OBS), atol=1e-12)


def test_estimates_are_averages_of_plus_minus_one_outcomes():
    c = _circuit()
    n_shots = 101
    est = qs.expval(c, np.tile(X1, (8, 1)), WS, OBS, shots=n_shots, seed=4)
    counts = est * n_shots
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)
    assert np.all(np.abs(est) <= 1.0)
    # (n_plus - n_minus) has the parity of N
    assert np.all(np.round(counts).astype(int) % 2 == n_shots % 2)


def test_error_shrinks_as_one_over_sqrt_shots():
    c = _circuit()
    exact = dense_expval(c, X1, WS, OBS)[0]
    assert np.all(1 - exact**2 > 0.05), "choose observables with some variance"
    repeats = 400
    X = np.tile(X1, (repeats, 1))  # identical samples: each row is an independent estimate
    stds = {}
    for n_shots, seed in ((256, 10), (4096, 11)):
        est = qs.expval(c, X, WS, OBS, shots=n_shots, seed=seed)
        assert est.shape == (repeats, len(OBS))
        theory = np.sqrt((1 - exact**2) / n_shots)
        std = est.std(axis=0, ddof=1)
        bias = est.mean(axis=0) - exact
        assert np.all(np.abs(bias) < 5 * theory / np.sqrt(repeats)), (n_shots, bias, theory)
        np.testing.assert_allclose(std / theory, 1.0, atol=0.25, err_msg=f"N={n_shots}")
        stds[n_shots] = std
    ratio = stds[256] / stds[4096]
    assert np.all((ratio > 3.0) & (ratio < 5.3)), ratio


def test_same_seed_same_numbers_other_seed_other_numbers():
    c = _circuit()
    X = np.tile(X1, (16, 1))
    a = qs.expval(c, X, WS, OBS, shots=500, seed=123)
    b = qs.expval(c, X, WS, OBS, shots=500, seed=123)
    other = qs.expval(c, X, WS, OBS, shots=500, seed=124)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, other)
    # identical samples in one call must get independent draws, not copies
    assert len({tuple(row) for row in a}) > 1


def test_parameter_shift_with_shots_is_close_to_exact():
    c = _circuit()
    rng = np.random.default_rng(30)
    X = np.array([[0.6, -1.3], [0.2, 0.9]])
    obs = ["Z0", "X1 Z2"]
    cot = rng.normal(size=(2, 2))
    exact_values, exact_grad = qs.vjp(c, X, WS, obs, cot)
    values, grad = qs.vjp(c, X, WS, obs, cot, method="parameter-shift", shots=200_000, seed=5)
    assert grad.shape == (3,)
    np.testing.assert_allclose(values, exact_values, atol=0.02)
    np.testing.assert_allclose(grad, exact_grad, atol=0.03)
    again = qs.vjp(c, X, WS, obs, cot, method="parameter-shift", shots=200_000, seed=5)
    np.testing.assert_array_equal(again[0], values)
    np.testing.assert_array_equal(again[1], grad)
    small = qs.vjp(c, X, WS, obs, cot, method="parameter-shift", shots=100, seed=5)[1]
    assert not np.allclose(small, exact_grad, atol=1e-6)  # really sampled


def _large_circuit() -> Circuit:
    c = Circuit(15)
    for q in range(15):
        c = c.add("ry", q, w(q % 3)).add("cx", [q, (q + 1) % 15])
    return c.add("rx", 4, x(0)).add("h", 9)


# The same computation run here and in a child process with one numba thread.
_WORKLOAD = """
import json, sys
import numpy as np
import qmlstudio as qs
from tests.engine.test_shots import _circuit, _large_circuit, OBS, WS, X1

def workload():
    out = {}
    X = np.tile(X1, (64, 1)) + np.linspace(0, 1, 64)[:, None]
    out["small"] = qs.expval(_circuit(), X, WS, OBS, shots=333, seed=7).tolist()
    cot = np.linspace(-1, 1, 64 * 2).reshape(64, 2)
    out["ps"] = qs.vjp(_circuit(), X, WS, ["Z0", "Y2"], cot, method="parameter-shift",
                       shots=50, seed=8)[1].tolist()
    out["large"] = qs.expval(_large_circuit(), np.array([[0.3], [1.4]]), WS,
                             ["Z0", "X9", "Z3 Z4"], shots=1000, seed=9).tolist()
    # Exact numbers too: shot estimates are drawn from them, so they must not depend on the
    # thread count either (no reduction whose order follows the threads).
    values, grad = qs.vjp(_circuit(), X, WS, ["Z0", "Y2"], cot)
    out["exact values"], out["exact grad"] = values.tolist(), grad.tolist()
    values, grad = qs.vjp(_large_circuit(), np.array([[0.3]]), WS, ["Z0", "X9"],
                          np.array([[1.0, -0.5]]))
    out["large exact values"], out["large exact grad"] = values.tolist(), grad.tolist()
    return out
"""


def _workload():
    namespace = {}
    exec(_WORKLOAD, namespace)
    return namespace["workload"]()


@pytest.mark.parametrize("threads", ["1"])
def test_same_numbers_whatever_the_thread_count(threads):
    here = _workload()
    env = dict(os.environ, NUMBA_NUM_THREADS=threads)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    script = _WORKLOAD + "\nprint(json.dumps(workload()))\n"
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    for key in here:
        np.testing.assert_array_equal(np.array(child[key]), np.array(here[key]), err_msg=key)
