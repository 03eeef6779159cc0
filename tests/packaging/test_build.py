"""The PyInstaller build, run for real: only with ``QMLSTUDIO_TEST_BUILD=1`` (it takes a minute
or two and needs the ``package`` extra), so the everyday test run stays fast.

    QMLSTUDIO_TEST_BUILD=1 python -m pytest -s -n 0 tests/packaging/test_build.py

Builds with packaging/build.sh into a temporary folder using the running environment as it is,
then runs the frozen app: ``--version``, a headless training run on a bundled example (which
needs the bundled data set and compiles the engine into a fresh numba cache, then loads it),
and the desktop app on Qt's offscreen platform for a few seconds.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import qmlstudio
from qmlstudio.engine import compile_helper, training_epoch

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.environ.get("QMLSTUDIO_TEST_BUILD") != "1",
                                reason="set QMLSTUDIO_TEST_BUILD=1 to build the frozen app")


def run(command: list, **options) -> subprocess.CompletedProcess:
    """Run ``command``, echo what it printed (the closing note quotes it), return the result."""
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, **options)
    print(f"$ {' '.join(map(str, command))}   [{time.perf_counter() - started:.1f} s, "
          f"exit {result.returncode}]\n{result.stdout}{result.stderr}", end="")
    return result


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Path:
    """The frozen executable, built once for this module."""
    pytest.importorskip("PyInstaller", reason="install the package extra: pip install '.[package]'")
    where = tmp_path_factory.mktemp("build")
    env = {**os.environ, "VENV": str(Path(sys.executable).parent.parent),
           "DIST": str(where / "dist"), "WORK": str(where / "work")}
    result = run(["bash", str(ROOT / "packaging" / "build.sh"), "--no-install"], env=env,
                 timeout=1200)
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip().splitlines()[-1])
    assert folder == where / "dist" / "qmlstudio"
    return folder / "qmlstudio"


@pytest.fixture
def user_dirs(tmp_path) -> dict[str, str]:
    """An environment whose settings and caches start empty, inside ``tmp_path``."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("NUMBA_CACHE_DIR", None)
    return env


def test_frozen_app_prints_its_version(app, user_dirs):
    result = run([str(app), "--version"], env=user_dirs, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"qmlstudio {qmlstudio.__version__}"


def test_frozen_app_trains_a_bundled_example_and_reuses_its_numba_cache(app, user_dirs,
                                                                         tmp_path):
    project = tmp_path / "iris.qmlproj"  # iris reads the bundled iris.csv
    shutil.copy(ROOT / "resources" / "examples" / project.name, project)
    command = [str(app), "train", str(project), "--epochs", "1", "--restart", "--quiet"]
    first = run(command, env=user_dirs, timeout=600)
    assert first.returncode == 0 and "train_accuracy" in first.stdout
    cached = list((tmp_path / "cache" / "qmlstudio").rglob("*.nbi"))
    assert cached, "the frozen engine wrote no numba cache"
    # the app started itself as its compile helper (engine/compile_helper.py), which goes on
    # to compile the training steps once the run is over
    (folder,) = (tmp_path / "cache" / "qmlstudio").glob("engine-*")
    ready = [folder / compile_helper.READY.name, folder / training_epoch.TRAINING_READY.name]
    waiting = time.monotonic()
    while not all(f.exists() for f in ready) and time.monotonic() - waiting < 600:
        time.sleep(1)
    print(f"helper's ready files after {time.monotonic() - waiting:.0f} s: "
          f"{[f.name for f in ready if f.exists()]}")
    assert all(f.exists() for f in ready)
    started = time.perf_counter()
    second = run(command, env=user_dirs, timeout=600)
    assert second.returncode == 0
    metrics = [result.stdout.splitlines()[1:] for result in (first, second)]
    assert metrics[0] == metrics[1]  # same seed, same result (line 0 holds the time)
    assert time.perf_counter() - started < 10, "the second run compiled again"


def test_frozen_desktop_app_opens_a_window(app, user_dirs, tmp_path):
    process = subprocess.Popen([str(app)], env=user_dirs, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(8)  # first launch: the window opens the moons example from the bundle
    still_running = process.poll() is None
    process.terminate()
    out, err = process.communicate(timeout=30)
    print(f"desktop app after 8 s: {'running' if still_running else 'exited'}\n{out}{err}",
          end="")
    assert still_running, err
    assert "Traceback" not in err and "Error" not in err
    settings = (tmp_path / "config" / "QML Studio" / "qmlstudio.conf").read_text()
    assert "first_run_done=true" in settings
