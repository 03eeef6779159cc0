"""The engine's code prefers the widest vectors, the user's numba code keeps numba's choice
(engine/_vector_width.py): checked on the compiled functions of a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import llvmlite.binding as ll

from qmlstudio.engine import compile_helper
from qmlstudio.engine._vector_width import VECTOR_WIDTH_ATTRIBUTE

REPO = Path(__file__).resolve().parents[2]

# Defined in ``-c`` code, so numba caches neither function: both compile in the process.
_PROBE = """
import json
import llvmlite.binding as ll
import numba
import numpy as np
from qmlstudio.engine._jit import python_kernel

def axpy(a, x, y):
    for i in range(x.shape[0]):
        y[i] += a * x[i]

engine = python_kernel(axpy)
user = numba.njit(axpy)
out = {}
for name, dispatcher in (("engine", engine), ("user", user)):
    y = np.zeros(100)
    dispatcher(2.0, np.arange(100.0), y)
    assert y[99] == 198.0
    (ir,) = dispatcher.inspect_llvm().values()
    (asm,) = dispatcher.inspect_asm().values()
    attributes = [b" ".join(f.attributes).decode()
                  for f in ll.parse_assembly(ir).functions
                  if not f.is_declaration and "axpy" in f.name]
    out[name] = {"attributes": attributes, "zmm": "zmm" in asm}
print(json.dumps(out))
"""


def test_engine_functions_prefer_wide_vectors_and_user_functions_do_not(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
               NUMBA_CACHE_DIR=str(tmp_path), **{compile_helper.NO_HELPER_VARIABLE: "1"})
    result = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout)
    assert out["engine"]["attributes"]  # the loop's function, and its wrappers
    assert all(VECTOR_WIDTH_ATTRIBUTE in a for a in out["engine"]["attributes"])
    assert out["user"]["attributes"]
    assert not any(VECTOR_WIDTH_ATTRIBUTE in a for a in out["user"]["attributes"])
    ll.initialize_native_target()
    if "+avx512f" in ll.get_host_cpu_features().flatten().split(","):
        # numba's tuning for this processor would use 256-bit (ymm) registers only
        assert out["engine"]["zmm"] and not out["user"]["zmm"]
