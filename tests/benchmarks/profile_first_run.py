"""Profile: what a new user's first ``qmlstudio train`` compiles, kernel by kernel.

Usage::

    python tests/benchmarks/profile_first_run.py [--tree DIR] [--top N]

Runs the moons example's ``qmlstudio train --restart`` of the tree (default: this one) in a
fresh process on an empty ``NUMBA_CACHE_DIR`` (without the compile helper process of
``engine/compile_helper.py``, so one process compiles everything) and lists every function
numba compiled: how often (a second signature is a second compile), the CPU seconds of its
compile including the functions it compiled on the way (numba compiles a callee while typing
its caller), and the part of that spent inside LLVM on its own module (which links in,
optimises again and emits every callee below it); then the CPU seconds per compiler pass
over all functions. Times are CPU time of the compiling thread (``time.thread_time``), which
other jobs on the machine disturb much less than wall time. :mod:`bench_first_run` times the
whole command against the code before issue 17.

This is a script, not a test (pytest does not collect it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_CHILD = r"""
import shutil, sys, tempfile, time
from pathlib import Path
from numba.core import event

clock = time.thread_time
stack = []  # open events: [kind, name, start, time in nested events]
compiles, llvm, passes = {}, {}, {}


class Timer(event.Listener):
    def __init__(self, kind):
        self.kind = kind

    def on_start(self, ev):
        name = (ev.data["dispatcher"].py_func.__qualname__ if self.kind == "compile"
                else ev.data["name"].split(" [")[0] if self.kind == "pass" else "llvm")
        stack.append([self.kind, name, clock(), 0.0])

    def on_end(self, ev):
        kind, name, start, nested = stack.pop()
        total = clock() - start
        if stack:
            stack[-1][3] += total
        if kind == "compile":
            count, seconds = compiles.get(name, (0, 0.0))
            compiles[name] = (count + 1, seconds + total)
        elif kind == "pass":
            passes[name] = passes.get(name, 0.0) + total - nested
        else:  # LLVM time, charged to the innermost function being compiled
            owner = next((s[1] for s in reversed(stack) if s[0] == "compile"), "?")
            llvm[owner] = llvm.get(owner, 0.0) + total - nested
            passes["(inside LLVM)"] = passes.get("(inside LLVM)", 0.0) + total - nested


for kind, name in (("compile", "numba:compile"), ("pass", "numba:run_pass"),
                   ("llvm", "numba:llvm_lock")):
    event.register(name, Timer(kind))
start = clock()
from qmlstudio.cli import main  # noqa: E402

imported = clock()
project = Path(tempfile.mkdtemp()) / "moons.qmlproj"
shutil.copy(Path(sys.argv[1]) / "resources" / "examples" / "moons.qmlproj", project)
main(["train", str(project), "--restart", "-q"])
done = clock()
top = int(sys.argv[2])
print(f"CPU seconds: import {imported - start:.2f}, train {done - imported:.2f} "
      f"(compiles {len(compiles)} functions, {sum(n for n, _ in compiles.values())} times; "
      f"inside LLVM {sum(llvm.values()):.2f})")
print("| function | compiles | CPU s incl. callees | of it LLVM on its module |")
print("|---|---|---|---|")
for name, (count, seconds) in sorted(compiles.items(), key=lambda kv: -kv[1][1])[:top]:
    print(f"| {name} | {count} | {seconds:.2f} | {llvm.get(name, 0.0):.2f} |")
print("\n| compiler pass (all functions) | CPU s |\n|---|---|")
for name, seconds in sorted(passes.items(), key=lambda kv: -kv[1])[:8]:
    print(f"| {name} | {seconds:.2f} |")
"""


def main(argv: list[str] | None = None) -> None:
    """Run the profiled first training and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=REPO, help="the checkout to profile")
    parser.add_argument("--top", type=int, default=25, help="functions to list (default 25)")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    with tempfile.TemporaryDirectory(prefix="profile-first-run-") as cache:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
        # one process compiles everything (no compile helper): the cost per kernel
        env.update(PYTHONPATH=str(tree), NUMBA_CACHE_DIR=cache, QMLSTUDIO_NO_COMPILE_HELPER="1")
        result = subprocess.run([sys.executable, "-c", _CHILD, str(tree), str(args.top)],
                                cwd=cache, env=env, capture_output=True, text=True,
                                check=False)
    if result.returncode != 0:
        sys.exit(f"{tree}: the profiled run failed:\n{result.stderr[-3000:]}")
    print(result.stdout[result.stdout.index("CPU seconds"):])


if __name__ == "__main__":
    main()
