"""The ``alone`` marker (tests/run_alone.py) in a real pytest-xdist run of two workers: the
other tests run side by side, a marked test runs while no other test runs."""

import itertools
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_RECORDING = '''
import itertools
import os
import time

import pytest


@pytest.fixture(autouse=True)
def _recorded(request):
    """Append "name start end" (monotonic seconds) to the run's log."""
    start = time.monotonic()
    yield
    line = f"{request.node.name} {start} {time.monotonic()}\\n"
    with open(os.environ["ALONE_LOG"], "a") as log:
        log.write(line)
'''

_SUITE = {
    "conftest.py": 'pytest_plugins = ("tests.run_alone",)\n' + _RECORDING,
    "test_a.py": "import time\n\nimport pytest\n\n\n"
                 "def test_a_first():\n    time.sleep(0.3)\n\n\n"
                 "@pytest.mark.alone\ndef test_a_alone():\n    time.sleep(0.3)\n\n\n"
                 "def test_a_last():\n    time.sleep(0.3)\n",
    "test_b.py": "import time\n\nimport pytest\n\n\n"
                 "@pytest.mark.parametrize('k', range(8))\n"
                 "def test_b(k):\n    time.sleep(0.2)\n",
}


def _overlap(one: tuple[float, float], other: tuple[float, float]) -> bool:
    return one[0] < other[1] and other[0] < one[1]


def test_a_marked_test_runs_alone_and_the_others_in_parallel(tmp_path):
    for name, text in _SUITE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    log = tmp_path / "log.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ALONE_LOG": str(log)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                             "-n", "2", "--dist", "loadfile", str(tmp_path)], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "11 passed" in result.stdout
    spans = {name: (float(start), float(end)) for name, start, end in
             (line.split() for line in log.read_text().splitlines())}
    alone = spans.pop("test_a_alone")
    assert not any(_overlap(alone, span) for span in spans.values()), (alone, spans)
    others = sorted(spans.values())
    assert any(_overlap(one, other) for one, other in itertools.pairwise(others)), \
        "the workers never ran two tests at once, so nothing was tested"
