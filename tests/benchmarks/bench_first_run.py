"""Benchmark: a new user's first run, cold and warm, of this code and of an old checkout.

Usage::

    git worktree add --detach /tmp/old c64399e     # the code before issue 17
    python tests/benchmarks/bench_first_run.py --old /tmp/old [--rounds N]

Each run is the command a new user types (README): ``qmlstudio train moons.qmlproj
--restart`` on the tree's own ``resources/examples/moons.qmlproj`` (copied to a scratch
folder), as a fresh process with ``PYTHONPATH`` pointing at the tree — nothing installed.
*Cold* means an empty ``NUMBA_CACHE_DIR``: the engine keeps its compiled kernels only below
that folder (``engine/_jit.py``), so every kernel compiles. *Warm* is the same command again
on the cache the cold run filled. Python's own bytecode caches are left as they are: a user's
install has them.

Old and new alternate within each round (cold old, cold new, warm old, warm new), so both see
the same machine load; the table shows each one's minimum over the rounds and the ratio
new/old, beside issue 17's targets (cold ≤ 10 s, and ≤ 0.5× the old cold time). The numbers
are wall-clock seconds of the whole process: start-up, data, compiling, 30 epochs, the
classical baselines, saving.

This is a script, not a test (pytest does not collect it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COLD_TARGET_S = 10.0
RATIO_TARGET = 0.5


def _environment(tree: Path, cache: Path) -> dict[str, str]:
    """This environment without NUMBA_* settings, running ``tree`` on cache ``cache``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env.update(PYTHONPATH=str(tree), NUMBA_CACHE_DIR=str(cache))
    return env


def _train(tree: Path, cache: Path, scratch: Path) -> float:
    """Seconds of wall time for one ``qmlstudio train`` of ``tree``'s moons example."""
    project = scratch / "moons.qmlproj"
    shutil.copy(tree / "resources" / "examples" / "moons.qmlproj", project)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "qmlstudio", "train", str(project),
                             "--restart", "-q"], cwd=scratch, env=_environment(tree, cache),
                            capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{tree}: qmlstudio train failed:\n{result.stderr[-3000:]}")
    return seconds


def main(argv: list[str] | None = None) -> None:
    """Time the rounds and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True,
                        help="a checkout of the old code (e.g. a worktree of c64399e)")
    parser.add_argument("--new", type=Path, default=REPO, help="this checkout (default)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds (default 2)")
    args = parser.parse_args(argv)
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-first-run-") as folder:
        for r in range(args.rounds):
            caches = {name: Path(folder) / f"cache-{name}-{r}" for name in trees}
            for kind in ("cold", "warm"):  # warm runs on the cache its cold run filled
                for name, tree in trees.items():
                    scratch = Path(folder) / f"run-{name}-{r}-{kind}"
                    scratch.mkdir()
                    seconds = _train(tree, caches[name], scratch)
                    times.setdefault((name, kind), []).append(seconds)
                    print(f"round {r + 1} {name} {kind}: {seconds:.1f} s", file=sys.stderr)
    best = {key: min(values) for key, values in times.items()}
    ratio = best["new", "cold"] / best["old", "cold"]
    print(f"\nqmlstudio train moons.qmlproj --restart, wall seconds, minimum of {args.rounds} "
          f"interleaved round(s); load average now {os.getloadavg()[0]:.1f}\n")
    print("| code | cold cache | warm cache |")
    print("|---|---|---|")
    for name in trees:
        print(f"| {name} ({trees[name].name}) | {best[name, 'cold']:.1f} | "
              f"{best[name, 'warm']:.1f} |")
    print(f"\nnew cold / old cold = {ratio:.2f} (target ≤ {RATIO_TARGET}); new cold "
          f"{best['new', 'cold']:.1f} s (target ≤ {COLD_TARGET_S:.0f} s on a quiet machine)")


if __name__ == "__main__":
    main()
