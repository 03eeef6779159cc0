"""Benchmark: the training targets of the QML issue, each trained from the command line.

Usage::

    python tests/benchmarks/bench_training.py [--examples | --built] [--seeds N]

Targets (held-out accuracy / R², on a 2-core machine):

* moons (200 points, noise 0.1): ≥ 90 % test accuracy, ``qmlstudio train`` in under 20 s wall
  clock including start-up;
* Iris: ≥ 90 %; XOR with data re-uploading: ≥ 95 %; sine regression: R² ≥ 0.9.

Each project is written to a temporary folder and trained with
``python -m qmlstudio train PROJECT --json --restart``; the script prints the metric, the epochs
run and the wall time of the whole process, and exits non-zero if a target is missed. By default
it trains the example projects in ``resources/examples/`` when they are there and otherwise the
projects built below (``--built`` forces those, ``--examples`` requires the examples).
``--seeds N`` trains every project with training seeds 0..N-1 to show the targets do not
depend on a lucky seed. ``--cold-cache`` gives the engine an empty numba cache folder, so the
first run includes compiling the engine (what the very first run after installing costs).
This is a script, not a test (pytest does not collect it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from qmlstudio.core import DatasetSpec, ModelSpec, Preprocessing, Project, TrainingConfig
from qmlstudio.io import save_project
from qmlstudio.ml.models.templates import build_model_circuit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"
PI = 3.141592653589793


def moons() -> Project:
    """2 features re-uploaded before each of 3 strongly entangling layers on 2 qubits."""
    circuit = build_model_circuit(2, 2, layers=3, reuploading=True)
    return Project(circuit, name="Moons",
                   dataset=DatasetSpec.builtin("moons", n_samples=200, noise=0.1),
                   training=TrainingConfig(learning_rate=0.1, epochs=30))


def iris() -> Project:
    """4 measurements on 4 qubits, 3 strongly entangling layers, one <Z> per class."""
    circuit = build_model_circuit(4, 4, layers=3)
    return Project(circuit, name="Iris", dataset=DatasetSpec.builtin("iris"),
                   model=ModelSpec(observables=("Z0", "Z1", "Z2")),
                   training=TrainingConfig(learning_rate=0.1, epochs=40, weight_init="small"))


def xor() -> Project:
    """XOR (400 points) by re-uploading 2 features (RX) before each of 4 layers on 2 qubits."""
    circuit = build_model_circuit(2, 2, layers=4, reuploading=True,
                                  encoding_options={"rotation": "rx"})
    return Project(circuit, name="XOR", dataset=DatasetSpec.builtin("xor", n_samples=400),
                   training=TrainingConfig(learning_rate=0.05, epochs=60, weight_init="small"))


def sine() -> Project:
    """1 feature re-uploaded before each of 4 layers on 1 qubit, output scale·<Z0> + bias."""
    circuit = build_model_circuit(1, 1, layers=4, reuploading=True)
    return Project(circuit, name="Sine", dataset=DatasetSpec.builtin("sine", n_samples=200),
                   preprocessing=Preprocessing(scale_range=(-PI, PI)),
                   model=ModelSpec(task="regression"),
                   training=TrainingConfig(loss="mse", learning_rate=0.05, epochs=40))


BUILT: dict[str, Callable[[], Project]] = {"moons": moons, "iris": iris, "xor_reuploading": xor,
                                          "sine_regression": sine}
"""Example stem → builder of the project this script trains when the example is missing."""
TARGETS = {"moons": ("test_accuracy", 0.90), "iris": ("test_accuracy", 0.90),
           "xor_reuploading": ("test_accuracy", 0.95), "sine_regression": ("test_r2", 0.90)}
MOONS_SECONDS = 20.0


def _train(path: Path, seed: int | None, cache: str | None) -> tuple[dict, float]:
    command = [sys.executable, "-m", "qmlstudio", "train", str(path), "--json", "--restart",
               "--quiet"]
    if seed is not None:
        command += ["--seed", str(seed)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if cache is not None:
        env["NUMBA_CACHE_DIR"] = cache
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"{path.name}: {result.stderr.strip()}")
    return json.loads(result.stdout), seconds


def main() -> int:
    """Train every project, print one line each, return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--examples", action="store_true", help="train resources/examples/")
    source.add_argument("--built", action="store_true", help="train the projects built here")
    parser.add_argument("--seeds", type=int, default=0, help="also train with seeds 0..N-1")
    parser.add_argument("--cold-cache", action="store_true",
                        help="start from an empty numba cache (includes compiling the engine)")
    args = parser.parse_args()
    missed = 0
    with tempfile.TemporaryDirectory() as folder:
        cache = os.path.join(folder, "numba-cache") if args.cold_cache else None
        for stem, build in BUILT.items():
            example = EXAMPLES / f"{stem}.qmlproj"
            path = Path(folder) / f"{stem}.qmlproj"
            if example.is_file() and not args.built:
                shutil.copy(example, path)
                origin = "example"
            elif args.examples:
                raise SystemExit(f"{example} does not exist")
            else:
                save_project(build(), path)
                origin = "built"
            metric, target = TARGETS[stem]
            for seed in [None, *range(args.seeds)]:
                summary, seconds = _train(path, seed, cache)
                value = summary[metric]
                ok = value >= target and (stem != "moons" or seconds < MOONS_SECONDS)
                missed += not ok
                print(f"{stem:<16} {origin:<8} seed {'-' if seed is None else seed:>2}  "
                      f"{metric} {value:.3f} (target {target:.2f})  {summary['epoch']:>3} epochs"
                      f"  {seconds:5.1f} s wall  {'ok' if ok else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
