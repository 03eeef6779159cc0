"""Benchmark: a new user's first run, cold and warm, of this code and of an old checkout.

Usage::

    git worktree add --detach /tmp/old c64399e     # the code before issue 17
    python tests/benchmarks/bench_first_run.py --old /tmp/old [--new DIR ...] [--rounds N]

Each run is the command a new user types (README): ``qmlstudio train moons.qmlproj
--restart`` on the tree's own ``resources/examples/moons.qmlproj`` (copied to a scratch
folder), as a fresh process with ``PYTHONPATH`` pointing at the tree — nothing installed.
*Cold* means an empty ``NUMBA_CACHE_DIR``: the engine keeps its compiled kernels only below
that folder (``engine/_jit.py``), so every kernel compiles. *Warm* is the same command again
on the cache the cold run filled, once the cold run's compile helper (which goes on compiling
the training steps in the background) has finished. Python's own bytecode caches are left as
they are: a user's install has them.

Old and new alternate within each round (cold old, cold new, warm old, warm new), so both see
the same machine load; the table shows each one's minimum over the rounds and the ratio
new/old beside issue 17's targets (cold ≤ 10 s, and ≤ 0.5× the old cold time). ``--new`` may
be given several times (e.g. this branch and its merge with another). The numbers
are seconds of the whole process (start-up, data, compiling, 30 epochs, the classical
baselines, saving): wall clock, and the CPU time it used (user + system), which a busy machine
inflates less.

This is a script, not a test (pytest does not collect it).
"""

from __future__ import annotations

import argparse
import os
import resource
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _train(tree: Path, cache: Path, scratch: Path) -> tuple[float, float]:
    """Seconds of wall time and of CPU time (user + system) for one ``qmlstudio train`` of
    ``tree``'s moons example."""
    project = scratch / "moons.qmlproj"
    shutil.copy(tree / "resources" / "examples" / "moons.qmlproj", project)
    start, cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run([sys.executable, "-m", "qmlstudio", "train", str(project),
                             "--restart", "-q"], cwd=scratch, env=_environment(tree, cache),
                            capture_output=True, text=True, check=False)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if result.returncode != 0:
        sys.exit(f"{tree}: qmlstudio train failed:\n{result.stderr[-3000:]}")
    return seconds, cpu


def _wait_for_helpers(limit_s: float = 300.0) -> float:
    """Wait until no compile helper (``qmlstudio.engine.compile_helper``) runs, so the next
    run neither competes with one nor finds a cache it fills meanwhile; returns the seconds
    waited. A cold run ends while its helper may still compile the training steps in the
    background."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        found = subprocess.run(["pgrep", "-f", "qmlstudio.engine.compile_helper"],
                               capture_output=True, check=False)
        if found.returncode != 0:
            break
        time.sleep(0.2)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    """Time the rounds and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True,
                        help="a checkout of the old code (e.g. a worktree of c64399e)")
    parser.add_argument("--new", type=Path, action="append",
                        help="a checkout of the new code (default: this one; repeatable)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds (default 2)")
    args = parser.parse_args(argv)
    news = [path.resolve() for path in args.new or [REPO]]
    trees = {"old": args.old.resolve()} | {
        f"new{i + 1}" if len(news) > 1 else "new": path for i, path in enumerate(news)}
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-first-run-") as folder:
        for r in range(args.rounds):
            caches = {name: Path(folder) / f"cache-{name}-{r}" for name in trees}
            for kind in ("cold", "warm"):  # warm runs on the cache its cold run filled
                for name, tree in trees.items():
                    scratch = Path(folder) / f"run-{name}-{r}-{kind}"
                    scratch.mkdir()
                    seconds, cpu = _train(tree, caches[name], scratch)
                    times.setdefault((name, kind), []).append((seconds, cpu))
                    waited = _wait_for_helpers()
                    print(f"round {r + 1} {name} {kind}: {seconds:.1f} s wall, {cpu:.1f} s CPU "
                          f"(load {os.getloadavg()[0]:.1f}); its helper ran {waited:.1f} s "
                          f"longer", file=sys.stderr)
    best = {key: min(wall for wall, _ in values) for key, values in times.items()}
    best_cpu = {key: min(cpu for _, cpu in values) for key, values in times.items()}
    print(f"\nqmlstudio train moons.qmlproj --restart, wall seconds, minimum of {args.rounds} "
          f"interleaved round(s); load average now {os.getloadavg()[0]:.1f}\n")
    print("| code | cold cache | warm cache | cold CPU | warm CPU |")
    print("|---|---|---|---|---|")
    for name in trees:
        print(f"| {name} ({trees[name].name}) | {best[name, 'cold']:.1f} | "
              f"{best[name, 'warm']:.1f} | {best_cpu[name, 'cold']:.1f} | "
              f"{best_cpu[name, 'warm']:.1f} |")
    print()
    for name in list(trees)[1:]:
        print(f"{name} cold / old cold = {best[name, 'cold'] / best['old', 'cold']:.2f} wall, "
              f"{best_cpu[name, 'cold'] / best_cpu['old', 'cold']:.2f} CPU (target ≤ "
              f"{RATIO_TARGET}); {name} cold {best[name, 'cold']:.1f} s (target ≤ "
              f"{COLD_TARGET_S:.0f} s on a quiet machine)")


if __name__ == "__main__":
    main()
