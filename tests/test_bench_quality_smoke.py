"""The quality benchmark (``tests/benchmarks/bench_quality.py``, not collected) still runs.

Its quick path (Iris, the re-uploading preset, one seed, two epochs) runs as a real process with
our side and the classical baselines; the PennyLane side is left out (``--no-pennylane``): it
needs JAX and its compilation alone takes longer than this test may.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "benchmarks" / "bench_quality.py"


def run_bench(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_quick_run_trains_our_preset_and_the_baselines_on_iris():
    result = run_bench("--quick", "--no-pennylane", "--json")
    assert result.returncode == 0, result.stderr
    assert "PennyLane side skipped (--no-pennylane)" in result.stderr
    report = json.loads(result.stdout)
    assert report["pennylane"] is False
    assert report["settings"]["epochs"] == 2
    (case,) = report["cases"]
    assert (case["dataset"], case["preset"], case["separable"]) == ("iris", "reuploading", False)
    assert case["n_qubits"] == 2 and case["note"] == ""
    assert len(case["ours_accuracy"]) == 1 and 0.0 <= case["ours_accuracy"][0] <= 1.0
    assert case["pennylane_accuracy"] == []
    baselines = report["baselines"]["iris"]
    assert set(baselines) == {"logistic_regression", "svm_rbf", "mlp", "random_forest"}
    # Iris is easy for the classical models: a broken split or label order would show here.
    assert min(values[0] for values in baselines.values()) > 0.85


def test_an_unknown_preset_is_named():
    result = run_bench("--presets", "nonsense", "--no-pennylane")
    assert result.returncode != 0
    assert "unknown preset nonsense" in result.stderr
    assert "reuploading" in result.stderr


def test_a_case_the_preset_refuses_is_listed_with_its_reason():
    # IQP encodes one feature per qubit: 10 features do not fit on 4 qubits.
    result = run_bench("--datasets", "synthetic_q4", "--presets", "iqp", "--variants",
                       "entangled", "--seeds", "1", "--no-pennylane")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines()
               if line.startswith("| synthetic_q4 | iqp |"))
    assert "refused:" in row and "10" in row and "4" in row
