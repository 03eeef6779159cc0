"""Importing and running the engine configures numba for the engine only.

Each test runs a fresh process (numba picks its threading layer once per process): it
imports qmlstudio, computes one vjp, and reports what changed. The environment must be
exactly as before (child processes inherit it), numba's config as numba read it, and the
engine must still run on its threading layer with its own cache folder, or on the user's.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import platformdirs

REPO = Path(__file__).resolve().parents[2]

_CHILD = """
import json, os, sys
import numba
before = dict(os.environ)
config_before = {name: getattr(numba.config, name)
                 for name in ("THREADING_LAYER", "THREADING_LAYER_PRIORITY", "CACHE_DIR")}

import numpy as np
import qmlstudio as qs
if sys.argv[1] == "vjp":  # the whole engine: compile, run the parallel batch driver, gradients
    from qmlstudio.engine.batch_driver import run_backward, run_forward
    from qmlstudio.engine.block_matrices import constant_block_matrices

    circuit = (qs.Circuit(3).add("ry", 0, qs.w(0)).add("rx", 1, qs.x(0)).add("cx", [0, 2])
               .add("crz", [1, 0], qs.w(1)).add("h", 1))
    values, grad = qs.vjp(circuit, np.array([[0.3], [-0.8]]), np.array([0.4, 1.2]), ["Z0"],
                          np.ones((2, 1)), threads=2)  # a small circuit: 2 threads if asked
    assert np.all(np.isfinite(grad))
    kernels = (run_forward.parallel, run_backward.parallel, constant_block_matrices)
    layer = numba.threading_layer()
else:  # one small serial kernel: quick to compile into an empty cache
    from qmlstudio.engine.measure import expectation

    # Kernels run only inside compiled code (they have no Python wrapper): call it from one.
    call = numba.njit(lambda: expectation(np.ones(4) / 2, np.zeros(4), 0, 1, 0, 0, 4))
    assert call() == 0.0
    kernels = (expectation,)
    layer = None
print(json.dumps({
    "environ_unchanged": dict(os.environ) == before,
    "environ_diff": sorted(set(os.environ.items()) ^ set(before.items())),
    "config_unchanged": config_before == {name: getattr(numba.config, name)
                                          for name in config_before},
    "layer": layer,
    "cache_paths": sorted({k.stats.cache_path for k in kernels}),
    "cache_hits": sum(sum(k.stats.cache_hits.values()) for k in kernels),
    "cache_misses": sum(sum(k.stats.cache_misses.values()) for k in kernels),
}))
"""


def _env(**numba_vars: str) -> dict[str, str]:
    """This process's environment without NUMBA_* variables, plus ``numba_vars``; the
    compile helper off (test_compile_helper.py tests it), so an empty cache is filled by the
    child process only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["QMLSTUDIO_NO_COMPILE_HELPER"] = "1"
    return {**env, **numba_vars}


def _run(env: dict[str, str], work: str = "vjp") -> dict:
    """Run the child script doing ``work`` ("vjp" or "kernel"); its report."""
    proc = subprocess.run([sys.executable, "-c", _CHILD, work], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _omp_loads() -> bool:
    """Whether numba's OpenMP layer can load here (else the engine falls back to workqueue)."""
    try:
        import numba.np.ufunc.omppool  # noqa: F401
    except ImportError:
        return False
    return True


def test_without_user_settings_the_engine_picks_its_layer_and_cache_and_changes_nothing():
    first = _run(_env())
    assert first["environ_unchanged"], first["environ_diff"]
    assert first["config_unchanged"]
    assert first["layer"] == ("omp" if _omp_loads() else "workqueue")
    (path,) = first["cache_paths"]
    assert Path(path).parent.parent == Path(platformdirs.user_cache_dir("qmlstudio"))
    assert Path(path).parent.name.startswith("engine-")
    second = _run(_env())  # the first process filled the cache, if it was not yet
    assert second["cache_misses"] == 0
    assert second["cache_hits"] > 0
    assert second["environ_unchanged"], second["environ_diff"]


def test_the_users_threading_layer_and_cache_parent_are_honoured():
    # The default cache folder as an explicit parent keeps this test's cache warm; the
    # layer differs from the engine's choice, so following it shows it was honoured.
    parent = platformdirs.user_cache_dir("qmlstudio")
    report = _run(_env(NUMBA_THREADING_LAYER="workqueue", NUMBA_CACHE_DIR=parent))
    assert report["environ_unchanged"], report["environ_diff"]
    assert report["config_unchanged"]
    assert report["layer"] == "workqueue"
    (path,) = report["cache_paths"]
    assert Path(path).parent.parent == Path(parent)


def test_a_users_layer_priority_is_honoured():
    report = _run(_env(NUMBA_THREADING_LAYER_PRIORITY="workqueue omp tbb"))
    assert report["environ_unchanged"], report["environ_diff"]
    assert report["layer"] == "workqueue"


def test_an_empty_cache_parent_is_filled_once_then_read(tmp_path):
    env = _env(NUMBA_CACHE_DIR=str(tmp_path))
    first = _run(env, "kernel")
    assert first["environ_unchanged"], first["environ_diff"]
    assert (first["cache_hits"], first["cache_misses"]) == (0, 1)
    (folder,) = sorted(tmp_path.glob("engine-*"))
    (path,) = first["cache_paths"]
    assert Path(path).parent == folder
    assert any(folder.rglob("*.nbi")) and any(folder.rglob("*.nbc"))
    second = _run(env, "kernel")
    assert (second["cache_hits"], second["cache_misses"]) == (1, 0)
    assert sorted(tmp_path.glob("engine-*")) == [folder]
