"""Preparing the simulator ahead of the first result (qmlstudio.engine.prepare), and the
kernels compiled without a Python wrapper refusing a Python call instead of crashing."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numba.core.dispatcher import Dispatcher

from qmlstudio import engine
from qmlstudio.core import Circuit, QMLStudioError, w, x
from qmlstudio.engine import compile_helper
from qmlstudio.engine.block_steps import apply_block
from qmlstudio.engine.measure import expectation
from qmlstudio.engine.warmup import kernels_to_prepare

REPO = Path(__file__).resolve().parents[2]


def test_the_kernels_to_prepare_are_the_batch_drivers_call_graph():
    kernels = kernels_to_prepare()
    assert all(isinstance(k, Dispatcher) for k in kernels)
    assert all(k.py_func.__module__.startswith("qmlstudio.engine.") for k in kernels)
    names = {k.py_func.__name__ for k in kernels}
    # the block matrices, a block step the driver calls, a kernel further down
    assert {"block_matrices", "apply_block", "apply_dense1"} <= names
    assert "_apply_run_chunked" not in names  # the large-state driver compiles when needed


def test_prepare_reports_progress_and_then_the_engine_is_prepared():
    reports = []
    engine.prepare(lambda done, total: reports.append((done, total)))
    assert engine.is_prepared()
    if reports:  # empty if another test prepared this process already
        totals = {total for _, total in reports}
        assert totals == {len({k.py_func.__code__ for k in kernels_to_prepare()})}
        dones = [done for done, _ in reports]
        assert dones == sorted(dones) and dones[0] == 0 and dones[-1] == reports[-1][1]
    engine.prepare(lambda done, total: pytest.fail("prepared twice"))  # no second warm-up


def test_prepare_also_loads_a_training_steps_readout_and_adam_kernels():
    # in a fresh process: in this one another test may have called them already
    probe = ("from qmlstudio import engine\n"
             "from qmlstudio.engine import readout_loss as r\n"
             "before = [len(k.signatures) for k in (r.readout_cotangent, r.adam_update)]\n"
             "engine.prepare()\n"
             "print(before, [len(k.signatures) for k in (r.readout_cotangent, r.adam_update)])")
    env = {**os.environ, compile_helper.NO_HELPER_VARIABLE: "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split("\n")[0] == "[0, 0] [1, 1]"


def test_results_after_prepare_match_a_dense_reference():
    engine.prepare()
    circuit = Circuit(1).add("ry", 0, x(0)).add("rz", 0, w(0))
    state = engine.statevector(circuit, [0.7], [0.3])
    expected = np.array([np.cos(0.35) * np.exp(-0.15j), np.sin(0.35) * np.exp(0.15j)])
    np.testing.assert_allclose(state, expected, atol=1e-12)


@pytest.mark.parametrize("kernel", [apply_block, expectation], ids=lambda k: k.py_func.__name__)
def test_a_kernel_called_from_python_raises_instead_of_crashing(kernel):
    with pytest.raises(QMLStudioError, match=f"kernel {kernel.py_func.__name__} runs only"):
        kernel(np.ones(4) / 2, np.zeros(4), 0, 1, 0, 0, 4)

