"""Projects shared by the project-file tests (also imported by the kill-mid-save child)."""

import math

from qmlstudio.core import (
    Circuit,
    ComparisonResult,
    DatasetSpec,
    EpochRecord,
    FittedPreprocessing,
    ModelComparison,
    ModelSpec,
    Preprocessing,
    Project,
    ReadoutParams,
    SeedRun,
    TrainingConfig,
    TrainingHistory,
    w,
    x,
)


def sample_circuit() -> Circuit:
    """Four qubits: angle encoding, one trainable layer, a ring of CNOTs."""
    circuit = Circuit(4)
    for q in range(4):
        circuit = circuit.add("ry", q, x(q, scale=0.5, offset=0.1) if q else x(0))
    for q in range(4):
        circuit = circuit.add("u3", q, w(3 * q), w(3 * q + 1), 0.25)
        circuit = circuit.add("rz", q, w(3 * q + 2))
    for q in range(4):
        circuit = circuit.add("cx", [q, (q + 1) % 4])
    return circuit.with_measured([0, 1])


def sample_project(**changes) -> Project:
    """A trained-looking project that fills every section of the file."""
    circuit = sample_circuit()
    history = TrainingHistory(
        tuple(EpochRecord.of(e, train_loss=1.0 / e, test_accuracy=0.5 + e / 10,
                             grad_norm=math.nan if e == 3 else 0.1 * e) for e in (1, 2, 3)),
        stop_reason="early stopping: no improvement in 2 epochs",
    )
    fields = {
        "name": "Embedded XOR",
        "dataset": DatasetSpec.embedded(
            ("a", "b", "label"),
            ((0.0, 0.0, "even"), (0.0, 1.0, "odd"), (1.0, 0.0, "odd"), (1.0, 1.0, "even")),
            "label", feature_columns=("a", "b"), name="xor table"),
        "preprocessing": Preprocessing(fitted=FittedPreprocessing((0.0, 0.0), (1.0, 1.0)),
                                       validation_fraction=0.2),
        "model": ModelSpec(observables=("Z0", "Z1"), class_labels=("even", "odd")),
        "training": TrainingConfig(epochs=3, early_stopping_patience=2, seed=7),
        "weights": tuple(0.1 * k - 0.55 for k in range(circuit.n_weights)),
        "readout": ReadoutParams((1.5, 1.25), (0.0, -0.125)),
        "history": history,
        "versions": {"qmlstudio": "0.1.0", "numpy": "2.0.0", "numba": "0.60.0"},
    }
    fields.update(changes)
    return Project(circuit, **fields)


def big_project(tag: str, n_ops: int = 4000) -> Project:
    """A project of a few megabytes whose weights all equal a value derived from ``tag``."""
    circuit = Circuit(8, tuple(Circuit(8).add("rz", k % 8, w(k)).operations[0]
                               for k in range(n_ops)))
    value = 0.25 if tag == "A" else -0.75
    rows = tuple((float(r), float(r % 7), r % 2) for r in range(30_000))
    dataset = DatasetSpec.embedded(("f0", "f1", "y"), rows, "y")
    return Project(circuit, name=f"project {tag}", weights=(value,) * n_ops, dataset=dataset)


def sample_comparison(fingerprint: str = "abc123") -> ComparisonResult:
    """A quantum model and two baselines over two seeds."""
    def runs(base, params, unit_size):
        return (SeedRun(0, base, base - 0.02, params, 0.25, 3.5, unit_size),
                SeedRun(1, base + 0.05, base - 0.01, params, 0.5, 4.0, unit_size))
    return ComparisonResult("accuracy", 5, (0, 1), fingerprint, (
        ModelComparison("quantum", "Quantum model", True, "weights",
                        runs(0.85, {"learning_rate": 0.1}, 26)),
        ModelComparison("mlp", "MLP", False, "weights",
                        runs(0.9, {"alpha": 0.01, "hidden_layer_sizes": "(16,)"}, 81)),
        ModelComparison("random_forest", "Random forest", False, "tree nodes",
                        runs(0.95, {"max_depth": "None", "min_samples_leaf": 5}, 900)),
    ))
