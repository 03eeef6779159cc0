"""Inner kernels keep IR only, in memory and in the cache (engine/_inner_code.py): callers
link it in, compiled in this process or loaded from the cache in another."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np

import qmlstudio as qs
from qmlstudio.engine import compile_helper
from qmlstudio.engine._inner_code import InnerLibrary
from qmlstudio.engine._jit import kernel

REPO = Path(__file__).resolve().parents[2]

_CIRCUIT = """
import json, sys
import numba
import numpy as np
import qmlstudio as qs
from numba.core import event
from qmlstudio.engine import block_steps

compiled = []

class Compiled(event.Listener):
    def on_start(self, ev):
        pass

    def on_end(self, ev):
        compiled.append(ev.data["dispatcher"].py_func.__qualname__)

circuit = (qs.Circuit(3).add("ry", 0, qs.x(0)).add("ry", 1, qs.w(2)).add("cx", [0, 1])
           .add("rz", 1, qs.w(0)).add("cz", [1, 2]).add("rx", 2, qs.w(1)))
with event.install_listener("numba:compile", Compiled()):
    values, grad = qs.vjp(circuit, np.array([[0.3], [1.1], [2.0]]),
                          np.array([0.4, -0.7, 0.2]), ["Z1", "X2"],
                          lambda v: np.ones_like(v))
libraries = {type(o.library).__name__ for o in block_steps.apply_block.overloads.values()}
print(json.dumps({"values": values.tolist(), "grad": grad.tolist(), "compiled": compiled,
                  "libraries": sorted(libraries)}))
"""


def _run(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
               NUMBA_CACHE_DIR=str(cache), NUMBA_NUM_THREADS="1",
               **{compile_helper.NO_HELPER_VARIABLE: "1"})
    result = subprocess.run([sys.executable, "-c", _CIRCUIT], env=env, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@kernel
def _double(out):
    for i in range(out.shape[0]):
        out[i] *= 2.0


@numba.njit  # not cached: it compiles, and so links its callee in, in every test run
def _quadruple(out):
    _double(out)
    _double(out)


def test_an_inner_kernel_has_a_library_of_ir_only_that_callers_link_in():
    out = np.arange(3.0)
    _quadruple(out)
    np.testing.assert_array_equal(out, [0.0, 4.0, 8.0])
    (library,) = {o.library for o in _double.overloads.values()}  # compiled or from cache
    assert isinstance(library, InnerLibrary)
    assert library.get_pointer_to_function(library.name) == 0


def test_a_driver_compiled_against_cached_inner_kernels_computes_the_same(tmp_path):
    cold = _run(tmp_path)
    assert "apply_block" in cold["compiled"] and cold["libraries"] == ["InnerLibrary"]
    # The drivers go from the cache; the inner kernels stay there, as IR.
    drivers = list(tmp_path.rglob("batch_driver.run_*__serial-*"))
    assert len(drivers) >= 4  # index and data of the forward and of the backward driver
    for path in drivers:
        path.unlink()
    relinked = _run(tmp_path)
    assert {"run_forward__serial", "run_backward__serial"} <= set(relinked["compiled"])
    assert "apply_block" not in relinked["compiled"]  # loaded, from its cached IR
    assert relinked["libraries"] == ["InnerLibrary"]
    assert relinked["values"] == cold["values"] and relinked["grad"] == cold["grad"]
    # and both agree with this process's kernels (compiled or loaded here)
    circuit = (qs.Circuit(3).add("ry", 0, qs.x(0)).add("ry", 1, qs.w(2)).add("cx", [0, 1])
               .add("rz", 1, qs.w(0)).add("cz", [1, 2]).add("rx", 2, qs.w(1)))
    values, grad = qs.vjp(circuit, np.array([[0.3], [1.1], [2.0]]),
                          np.array([0.4, -0.7, 0.2]), ["Z1", "X2"], lambda v: np.ones_like(v))
    np.testing.assert_allclose(cold["values"], values, atol=1e-14)
    np.testing.assert_allclose(cold["grad"], grad, atol=1e-14)
