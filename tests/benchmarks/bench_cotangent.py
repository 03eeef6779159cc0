"""Benchmark: ``vjp`` with a fixed cotangent against ``vjp`` with a cotangent function.

Usage::

    python tests/benchmarks/bench_cotangent.py [--workloads W1,W2,W3] [--repeats N]
                                               [--baseline DIR] [--threads N]

A training step hands the engine a cotangent FUNCTION (the loss gradient of the values, see
``ml/models/quantum_model.py``); a fixed cotangent is the same vjp with the array known in
advance. Both need one forward and one backward sweep per sample, so the function path should
cost little more (issue 17: at most 1.15×). On every standard workload this script times both
calls, interleaved, ``--repeats`` times after one warm-up each, and prints the medians and
their ratio. With ``--baseline DIR`` (another checkout of QML Studio, e.g. ``git worktree add
--detach DIR <commit>``) that code is timed in the same rounds, so old and new are compared on
the same machine load; the script then also prints, per workload, the function path's new/old
ratio of the minima and of the medians beside issue 17's target (item 3: W1 ≤ 0.45, W2 ≤ 0.55,
W3 ≤ 0.85 of the engine before the issue; the minimum is the figure least disturbed by other
jobs). ``--threads N`` sets ``NUMBA_NUM_THREADS`` for every timed process: on a
machine that other jobs keep busy, one thread gives much steadier timings than threads that
wait for each other at every parallel region.

Each code tree runs in its own worker process (this file with ``--worker``), which times one
call per request; the main process only sends requests in turn, so every timing is taken the
same way. The workers also report loss and gradient, and the script checks that all agree.

This is a script, not a test (pytest does not collect it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from tree_worker import TreeWorker  # noqa: E402
from workloads import WORKLOADS, make_data, mse_loss, weight_index  # noqa: E402

MODES = ("fixed", "function")
TARGET_RATIO = 1.15
"""Issue 17: the function path costs at most this multiple of the fixed one."""
LIMIT_TARGETS = {"W1": 0.45, "W2": 0.55, "W3": 0.85}
"""Issue 17 item 3: the function path at most this fraction of the baseline's."""
AGREEMENT = 1e-10
"""Largest allowed difference between the trees' (and modes') losses and gradients."""


# --- the worker: one code tree, one call per request ------------------------------------------
def _circuit(q, wl):
    n = wl.n_qubits
    ops = [q.Operation("ry", (j,), (q.x(j),)) for j in range(n)]
    for layer in range(wl.n_layers):
        for i in range(n):
            for r, gate in enumerate(("rz", "ry", "rz")):
                ops.append(q.Operation(gate, (i,), (q.w(weight_index(n, layer, i, r)),)))
        ops.extend(q.Operation("cx", (i, (i + 1) % n)) for i in range(n))
    return q.Circuit(n, tuple(ops))


def _calls(q, name):
    """The two prepared calls on workload ``name``: fixed and function cotangent."""
    wl = WORKLOADS[name]
    X, y, weights = make_data(wl)
    circuit = _circuit(q, wl)

    def loss_gradient(values):
        return 2.0 * (values - y[:, None]) / len(y)

    fixed = loss_gradient(q.expval(circuit, X, weights, ["Z0"]))
    return {"fixed": lambda: q.vjp(circuit, X, weights, ["Z0"], fixed),
            "function": lambda: q.vjp(circuit, X, weights, ["Z0"], loss_gradient)}, y


def worker() -> int:
    """Answer requests ``<workload> <mode>`` on stdin with one JSON line each."""
    import qmlstudio as q

    prepared = {}
    for line in sys.stdin:
        name, mode = line.split()
        if name not in prepared:
            prepared[name] = _calls(q, name)
        calls, y = prepared[name]
        t0 = time.perf_counter()
        values, grad = calls[mode]()
        elapsed = time.perf_counter() - t0
        print(json.dumps({"seconds": elapsed, "loss": mse_loss(values, y),
                          "grad": np.asarray(grad).tolist()}), flush=True)
    return 0


# --- the main process -----------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workloads", default="W1,W2,W3", help="comma list of W1, W2, W3")
    ap.add_argument("--repeats", type=int, default=15, help="timed rounds after one warm-up")
    ap.add_argument("--baseline", type=Path, help="another QML Studio checkout to time too")
    ap.add_argument("--threads", type=int, help="NUMBA_NUM_THREADS for the timed processes")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return worker()
    names = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    unknown = [w for w in names if w not in WORKLOADS]
    if unknown:
        ap.error(f"unknown workload(s) {unknown}; choose from {list(WORKLOADS)}")
    threads = {} if args.threads is None else {"NUMBA_NUM_THREADS": str(args.threads)}
    workers = [TreeWorker("this tree", REPO, Path(__file__), threads)]
    if args.baseline is not None:
        workers.append(TreeWorker("baseline", args.baseline.resolve(), Path(__file__), threads))
    threads = "numba's default" if args.threads is None else str(args.threads)
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}; "
          f"threads: {threads}; {args.repeats} interleaved rounds per workload, medians in "
          "ms\n")
    header = "| workload | fixed | function | function / fixed |"
    if len(workers) > 1:
        header += " baseline fixed | baseline function | baseline ratio | function new / old |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    verdicts = []
    limits = []
    try:
        for name in names:
            times = {(w.label, m): [] for w in workers for m in MODES}
            answers = {(w.label, m): w.call(name, m) for w in workers for m in MODES}  # warm-up
            for _ in range(args.repeats):
                for w in workers:
                    for m in MODES:
                        times[w.label, m].append(w.call(name, m)["seconds"])
            med = {key: statistics.median(v) * 1e3 for key, v in times.items()}
            ratio = med["this tree", "function"] / med["this tree", "fixed"]
            row = (f"| {name} | {med['this tree', 'fixed']:.2f} | "
                   f"{med['this tree', 'function']:.2f} | {ratio:.3f} |")
            if len(workers) > 1:
                old_ratio = med["baseline", "function"] / med["baseline", "fixed"]
                row += (f" {med['baseline', 'fixed']:.2f} | {med['baseline', 'function']:.2f} | "
                        f"{old_ratio:.3f} | "
                        f"{med['this tree', 'function'] / med['baseline', 'function']:.3f} |")
            print(row, flush=True)
            if len(workers) > 1:
                limits.append(_limit_row(name, times))
            verdicts.append(f"{name}: function / fixed {ratio:.3f} "
                            f"({'meets' if ratio <= TARGET_RATIO else 'MISSES'} ≤ "
                            f"{TARGET_RATIO})")
            verdicts.append(_agreement(name, answers))
    finally:
        for w in workers:
            w.close()
    if limits:
        print("\nfunction path, this tree vs baseline (ms; ratio of the minima, of the medians)\n")
        print("| workload | new min | old min | new/old (min) | new/old (median) | target | met |")
        print("|---|---|---|---|---|---|---|")
        print("\n".join(limits))
    print()
    print("\n".join(f"- {v}" for v in verdicts))
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


def _limit_row(name: str, times: dict) -> str:
    """A row of the function path's new/old table with issue 17's target for ``name``."""
    new, old = times["this tree", "function"], times["baseline", "function"]
    by_min = min(new) / min(old)
    by_median = statistics.median(new) / statistics.median(old)
    target = LIMIT_TARGETS[name]
    return (f"| {name} | {min(new) * 1e3:.2f} | {min(old) * 1e3:.2f} | {by_min:.3f} | "
            f"{by_median:.3f} | ≤ {target} | {'yes' if by_min <= target else 'NO'} |")


def _agreement(name: str, answers: dict) -> str:
    """Whether every tree and mode gave the same loss and gradient."""
    ref, *others = answers.values()
    worst = max((max(abs(a["loss"] - ref["loss"]),
                     float(np.max(np.abs(np.subtract(a["grad"], ref["grad"])))))
                 for a in others), default=0.0)
    flag = "agree" if worst <= AGREEMENT else "MISMATCH"
    return f"{name}: losses and gradients of all runs {flag} (largest difference {worst:.1e})"


if __name__ == "__main__":
    sys.exit(main())
