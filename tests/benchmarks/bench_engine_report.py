"""Benchmark: every figure of the README's performance section, in one run.

Usage::

    git worktree add --detach /tmp/old c64399e      # the engine before the Engine II work
    python tests/benchmarks/bench_engine_report.py --old /tmp/old [--repeats N] [--quick]

Runs, one after the other in this one invocation (so the machine's state is the same day and
hour for all of them), and prints each one's tables as it finishes:

1. ``bench_engine.py``: W1–W3 loss + gradient, ours beside the installed peers;
2. ``bench_cotangent.py --baseline OLD --threads 1``: W1–W3 with a fixed cotangent and with a
   cotangent function, new against old code, with the ratios and their targets;
3. ``bench_threads.py --baseline OLD``: W1–W3 with automatic, one and two threads at 0, 1 and
   2 busy cores; the small-call overhead; ``qmlstudio train moons`` idle, with one and two
   busy cores and forced to one thread;
4. ``bench_first_run.py --old OLD``: the cold (empty numba cache) and warm first run of the
   CLI moons training, old and new code;
5. ``bench_noise.py``: the noisy workload W4 against PennyLane ``default.mixed`` and Aer.

Each part is its own script (their docstrings say how they measure); this one only runs them in
order with the same old tree, and says how long each took. ``--quick`` passes each script its
smallest setting (a smoke run, not figures). This is a script, not a test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parts(old: str, repeats: int, quick: bool) -> list[tuple[str, list[str]]]:
    """``(title, command line)`` of every part, in the order they run."""
    rounds = ["--repeats", str(1 if quick else repeats)]
    return [
        ("W1–W3, ours and the peers", ["bench_engine.py", *rounds]),
        ("W1–W3, fixed and function cotangent, new against old (1 thread)",
         ["bench_cotangent.py", "--baseline", old, "--threads", "1", *rounds]),
        ("Threads: busy cores, small calls, the moons CLI",
         ["bench_threads.py", "--baseline", old, *rounds]),
        ("First run: cold and warm CLI moons, old and new",
         ["bench_first_run.py", "--old", old, "--rounds", "1" if quick else "2"]),
        ("Noise: W4 against the peers", ["bench_noise.py", *rounds]),
    ]


def main(argv: list[str] | None = None) -> int:
    """Run every part; 1 if one failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True, metavar="DIR",
                        help="a checkout of the engine before the Engine II work (c64399e)")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    failed = []
    for title, command in parts(args.old, args.repeats, args.quick):
        print(f"\n## {title}\n", flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(HERE / command[0]), *command[1:]],
                                check=False)
        print(f"\n({command[0]}: {time.perf_counter() - start:.0f} s, exit {result.returncode})",
              flush=True)
        if result.returncode:
            failed.append(command[0])
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
