"""The frozen app's entry script (packaging/qmlstudio_main.py), run as the app runs it: the
``qmlstudio`` command, and the engine's compile helper when the app starts itself as one
(``qmlstudio/engine/compile_helper.py``)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qmlstudio.engine import _jit, compile_helper

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "packaging" / "qmlstudio_main.py"


def _environment(cache: Path) -> dict[str, str]:
    """This environment on the numba cache ``cache``, starting no helper of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env.update(NUMBA_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    env[compile_helper.NO_HELPER_VARIABLE] = "1"  # as the app sets it for its child
    return env


def test_the_entry_script_is_the_qmlstudio_command(tmp_path):
    result = subprocess.run([sys.executable, str(ENTRY), "--version"], cwd=tmp_path,
                            env=_environment(tmp_path), capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("qmlstudio ")


def test_the_entry_script_runs_no_code_but_the_compile_helpers(tmp_path):
    marker = tmp_path / "ran"
    result = subprocess.run(
        [sys.executable, str(ENTRY), "-c", f"open({str(marker)!r}, 'w').close()"],
        cwd=tmp_path, env=_environment(tmp_path), capture_output=True, text=True,
        timeout=120, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == "qmlstudio: -c is the compile helper's own option"
    assert not marker.exists()


@pytest.mark.alone  # compiles the backward half on a cold cache: see tests/run_alone.py
def test_the_entry_script_compiles_as_the_helper_into_the_cache(tmp_path):
    ready = tmp_path / _jit.CACHE_DIR.name / compile_helper.READY.name
    errors = tmp_path / "stderr.txt"  # a file, not a pipe nobody reads while it runs
    with errors.open("w") as stderr:
        child = subprocess.Popen(
            [sys.executable, str(ENTRY), "-c", compile_helper.CHILD_CODE], cwd=tmp_path,
            env=_environment(tmp_path), stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + 300
        while not ready.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ready.exists(), errors.read_text()[-3000:] or "no ready file within 300 s"
        cached = {p.name.split("-")[0] for p in ready.parent.rglob("*.nbi")}
        assert {"compile_helper._backward_kernels",
                "batch_driver.run_backward__serial"} <= cached
    finally:  # it would go on to the training steps (tens of seconds of CPU)
        child.kill()
        child.wait(30)
