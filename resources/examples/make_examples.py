"""Build the example projects in this folder (run it to regenerate them)::

    python resources/examples/make_examples.py

Each example uses a built-in data set, so no CSV travels with it, and is saved untrained:
``qmlstudio train resources/examples/moons.qmlproj`` trains it (the trained weights and
history are then saved into the file). The targets they are tuned to reach on the held-out
quarter of the data, trained from the command line:

* ``moons.qmlproj`` — two interleaving half circles (200 points, noise 0.1), binary, 2 features
  on 4 qubits: ≥ 90 % test accuracy in under 20 s including start-up;
* ``iris.qmlproj`` — the Iris flowers, 3 classes from 4 measurements: ≥ 90 %;
* ``xor_reuploading.qmlproj`` — XOR of two coordinates (400 points, noise 0.1) learnt by data
  re-uploading on 2 qubits with a parity readout: ≥ 95 %;
* ``sine_regression.qmlproj`` — a noisy sine (200 points, noise 0.1), regression on 1 feature
  re-uploaded on 2 qubits: R² ≥ 0.9.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from qmlstudio.core import Circuit, DatasetSpec, ModelSpec, Preprocessing, Project, TrainingConfig
from qmlstudio.io import save_project
from qmlstudio.ml.models.encodings import angle_encoding
from qmlstudio.ml.models.templates import build_model_circuit, data_reuploading, strongly_entangling

HERE = Path(__file__).resolve().parent


def moons() -> Project:
    """Binary moons: each feature encoded on two of the 4 wires, then entangling layers."""
    circuit = angle_encoding(Circuit(4), 2, wires=[0, 1])
    circuit = angle_encoding(circuit, 2, rotation="rx", wires=[2, 3])
    circuit = strongly_entangling(circuit, layers=3)
    return Project(
        circuit, name="Moons",
        dataset=DatasetSpec.builtin("moons", n_samples=200, noise=0.1, seed=0),
        preprocessing=Preprocessing("minmax", (0.0, 3.141592653589793)),
        model=ModelSpec("classification", "expval", ("Z0",)),
        training=TrainingConfig("adam", "cross_entropy", learning_rate=0.1, epochs=30,
                                batch_size=16, seed=1, weight_init="small"),
    )


def iris() -> Project:
    """Three Iris species from four measurements: one <Z> per class on 4 qubits."""
    circuit = build_model_circuit(4, 4, ansatz="strongly_entangling", layers=3)
    return Project(
        circuit, name="Iris",
        dataset=DatasetSpec.builtin("iris"),
        preprocessing=Preprocessing("minmax", (0.0, 3.141592653589793)),
        model=ModelSpec("classification", "expval", ("Z0", "Z1", "Z2")),
        training=TrainingConfig("adam", "cross_entropy", learning_rate=0.1, epochs=40,
                                batch_size=16, seed=1, weight_init="small"),
    )


def xor_reuploading() -> Project:
    """XOR by data re-uploading on 2 qubits: the features are encoded again before the second
    entangling layer, and the parity ``<Z0 Z1>`` is read out (with one layer, no re-uploading,
    the same circuit stays at chance)."""
    circuit = data_reuploading(Circuit(2), partial(angle_encoding, n_features=2, rotation="rx"),
                               partial(strongly_entangling, layers=1), layers=2)
    return Project(
        circuit, name="XOR (data re-uploading)",
        dataset=DatasetSpec.builtin("xor", n_samples=400, noise=0.1, seed=0),
        preprocessing=Preprocessing("minmax", (0.0, 3.141592653589793)),
        model=ModelSpec("classification", "parity", ("Z0 Z1",)),
        training=TrainingConfig("adam", "cross_entropy", learning_rate=0.05, epochs=40,
                                batch_size=16, seed=1, weight_init="small"),
    )


def sine_regression() -> Project:
    """A noisy sine from one feature, re-uploaded before each of 3 layers on 2 qubits."""
    circuit = build_model_circuit(2, 1, ansatz="strongly_entangling", layers=3,
                                  reuploading=True)
    return Project(
        circuit, name="Sine regression",
        dataset=DatasetSpec.builtin("sine", n_samples=200, noise=0.1, seed=0),
        preprocessing=Preprocessing("minmax", (-3.141592653589793, 3.141592653589793)),
        model=ModelSpec("regression", "expval", ("Z0",)),
        training=TrainingConfig("adam", "mse", learning_rate=0.05, epochs=40, batch_size=16,
                                seed=1, weight_init="small", early_stopping_metric="r2"),
    )


EXAMPLES = {
    "moons": moons,
    "iris": iris,
    "xor_reuploading": xor_reuploading,
    "sine_regression": sine_regression,
}
"""File stem → builder of each example project."""


def main(folder: Path = HERE) -> None:
    """Write every example as ``<stem>.qmlproj`` into ``folder``."""
    for stem, build in EXAMPLES.items():
        path = folder / f"{stem}.qmlproj"
        save_project(build(), path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
