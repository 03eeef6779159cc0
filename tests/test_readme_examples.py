"""Every ```python block of README.md runs, in order, as one script in a fresh process.

The README reads top to bottom like a session (later blocks reuse ``q`` and the circuit ``c``
of the Python API section), so the blocks run in one namespace, each compiled under the name
``README.md`` with its own line numbers: a failure's traceback points at the README line.
The process runs in an empty temporary folder, so files the examples write land there.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)

_RUNNER = """
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
namespace = {"__name__": "__main__"}
for match in re.finditer(sys.argv[2], text, re.DOTALL | re.MULTILINE):
    line = text.count("\\n", 0, match.start(1))
    print(f"--- README.md line {line + 1}", flush=True)
    exec(compile("\\n" * line + match.group(1), "README.md", "exec"), namespace)
print("--- all blocks ran")
"""


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, code) of every ```python block of ``text``."""
    return [(text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in _BLOCK.finditer(text)]


def test_the_readme_has_a_python_api_example():
    text = README.read_text(encoding="utf-8")
    blocks = python_blocks(text)
    api = text.index("## Python API")
    first_line = text.count("\n", 0, api) + 1
    assert any(line > first_line and "import qmlstudio as q" in code for line, code in blocks)
    for line, code in blocks:
        compile(code, f"README.md:{line}", "exec")  # a syntax slip fails here, by line


def test_every_python_block_of_the_readme_runs(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "error::DeprecationWarning"}
    env.pop("QT_QPA_PLATFORM", None)  # the API needs no Qt at all
    result = subprocess.run([sys.executable, "-c", _RUNNER, str(README), _BLOCK.pattern],
                            cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert result.stdout.rstrip().endswith("--- all blocks ran")
    assert result.stdout.count("--- README.md line") == len(
        python_blocks(README.read_text(encoding="utf-8")))
    assert "PySide6" not in result.stderr
    assert (tmp_path / "moons.qmodel").is_file()  # the examples really wrote their files
