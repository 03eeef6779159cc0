"""A benchmark's worker process that runs another checkout of QML Studio: :class:`TreeWorker`.

``bench_cotangent.py`` and ``bench_threads.py`` time old and new code in the same rounds: each
tree runs in its own process (the script itself, started with ``--worker``, with ``PYTHONPATH``
on that tree), which answers one JSON line per request line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


class TreeWorker:
    """The worker process of ``script`` running the code of ``tree`` (``env``: extra
    environment variables)."""

    def __init__(self, label: str, tree: Path, script: Path,
                 env: dict[str, str] | None = None) -> None:
        self.label = label
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(tree), *filter(None, [os.environ.get("PYTHONPATH")])]), **(env or {}))
        self.proc = subprocess.Popen([sys.executable, str(script), "--worker"],
                                     cwd=str(tree), env=environment, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def call(self, name: str, mode: str) -> dict:
        """Send the request ``name mode`` and return the worker's answer."""
        self.proc.stdin.write(f"{name} {mode}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.label} worker stopped (see its error above)")
        return json.loads(line)

    def close(self) -> None:
        """End the worker (it stops at the end of its input)."""
        self.proc.stdin.close()
        self.proc.wait()
