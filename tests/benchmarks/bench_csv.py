"""Benchmark: loading a 100 000 × 10 CSV file with :func:`qmlstudio.ml.data.csv_files.load_csv`.

Usage::

    python tests/benchmarks/bench_csv.py [--rows N] [--repeats N]

Writes two temporary files of ``--rows`` rows, ten float feature columns and a text label
column (3 classes): one with 6 significant digits per value (typical exports), one with the
17 digits of ``repr`` (the worst case for parsing), and prints the median wall time of
``--repeats`` loads of each (delimiter and header guessed, as when a user picks a file).
This is a script, not a test (pytest does not collect it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import numpy as np

from qmlstudio.ml.data.csv_files import load_csv


def _write(path: str, X: np.ndarray, labels: np.ndarray, number_format: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join([f"f{j}" for j in range(X.shape[1])] + ["label"]) + "\n")
        for row, label in zip(X.tolist(), labels.tolist(), strict=True):
            handle.write(",".join(format(v, number_format) for v in row) + f",{label}\n")


def main() -> None:
    """Write the files, time the loads, print one line per file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.rows, 10))
    labels = rng.choice(np.array(["setosa", "versicolor", "virginica"]), args.rows)
    with tempfile.TemporaryDirectory() as folder:
        for title, number_format in (("6 digits", ".6g"), ("17 digits", "r")):
            path = os.path.join(folder, "data.csv")
            _write(path, X, labels, number_format if number_format != "r" else "")
            times = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                dataset = load_csv(path)
                times.append(time.perf_counter() - start)
            assert dataset.features.shape == (args.rows, 10) and dataset.n_classes == 3
            size = os.path.getsize(path) / 1e6
            print(f"{args.rows} x 10 + label, {title} ({size:.1f} MB): "
                  f"median {statistics.median(times):.3f} s over {args.repeats} loads")


if __name__ == "__main__":
    main()
