"""Exports of a trained project: the standalone PennyLane and Qiskit scripts reproduce the
saved model's predictions in a Python where qmlstudio cannot be imported, and the OpenQASM
programs simulate like the trained circuit."""

import ast
import csv
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import qiskit.qasm2
from numpy.testing import assert_allclose
from qiskit.quantum_info import Statevector

from qmlstudio.core import ModelFileError
from qmlstudio.engine import statevector
from qmlstudio.io import from_qasm
from qmlstudio.ml.export.formats import EXPORT_FORMATS, export_project
from qmlstudio.ml.export.model_file import load_model
from tests.ml.model_helpers import CASES, raw_samples, trained_project

RUNNER = '''
import importlib.util, json, os, runpy, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # the stub qmlstudio.py comes first
try:
    import qmlstudio  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("qmlstudio is importable: the isolation is broken")
import numpy as np
if sys.argv[1] == "main":
    sys.argv = sys.argv[2:]
    runpy.run_path(sys.argv[0], run_name="__main__")
    raise SystemExit(0)
for name in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X = np.load(os.path.join(HERE, name + ".X.npy"))
    outputs = module.predict_proba(X) if hasattr(module, "predict_proba") else module.predict(X)
    np.save(os.path.join(HERE, name + ".out.npy"), outputs)
    with open(os.path.join(HERE, name + ".labels.json"), "w") as handle:
        json.dump([str(label) for label in module.predict(X)], handle)
'''


def run_isolated(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the runner with ``python -I`` (no PYTHONPATH, no user site, no script folder on
    the path) from ``folder``, where a stub ``qmlstudio.py`` refuses to be imported."""
    (folder / "qmlstudio.py").write_text('raise ImportError("qmlstudio is blocked here")\n')
    (folder / "runner.py").write_text(RUNNER)
    result = subprocess.run([sys.executable, "-I", str(folder / "runner.py"), *args],
                            cwd=folder, capture_output=True, text=True, check=False,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every case exported as a .qmodel and both scripts, then run on fresh inputs."""
    folder = tmp_path_factory.mktemp("scripts")
    names = {"pennylane": [], "qiskit": []}
    for case in CASES:
        project = trained_project(case)
        export_project(project, "qmodel", folder / f"{case}.qmodel")
        for framework in names:
            export_project(project, framework, folder / f"{case}_{framework}.py")
            names[framework].append(f"{case}_{framework}")
    for case in CASES:  # inputs drawn only after every export
        X = raw_samples(trained_project(case), 17, seed=23)
        for framework in names:
            np.save(folder / f"{case}_{framework}.X.npy", X)
    for modules in names.values():
        run_isolated(folder, *modules)
    return folder


@pytest.mark.parametrize("framework", ["pennylane", "qiskit"])
@pytest.mark.parametrize("case", CASES)
def test_script_reproduces_the_saved_model(exported, case, framework):
    model = load_model(exported / f"{case}.qmodel")
    name = f"{case}_{framework}"
    X = np.load(exported / f"{name}.X.npy")
    outputs = np.load(exported / f"{name}.out.npy", allow_pickle=False)
    labels = json.loads((exported / f"{name}.labels.json").read_text())
    if model.is_classifier:
        assert_allclose(outputs, model.predict_proba(X), atol=1e-6, rtol=0)
        assert labels == [str(label) for label in model.predict(X)]
    else:
        assert_allclose(outputs, model.predict(X), atol=1e-6, rtol=0)


def test_script_main_prints_predictions_for_a_csv(exported):
    model = load_model(exported / "iris.qmodel")
    X = raw_samples(trained_project("iris"), 4, seed=8)
    columns = list(model.feature_names)[::-1]  # the header picks the columns by name
    with open(exported / "features.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", *columns])
        writer.writerows([[k, *row[::-1]] for k, row in enumerate(X)])
    result = run_isolated(exported, "main", "iris_qiskit.py", "features.csv")
    rows = list(csv.reader(result.stdout.splitlines()))
    assert rows[0] == ["prediction", "p_setosa", "p_versicolor", "p_virginica"]
    assert [row[0] for row in rows[1:]] == list(model.predict(X))
    assert_allclose([[float(p) for p in row[1:]] for row in rows[1:]], model.predict_proba(X),
                    atol=1e-12)


def test_scripts_embed_no_qmlstudio_import(exported):
    for path in exported.glob("*_*.py"):
        assert "qmlstudio" not in path.read_text().replace("QML Studio", "")


# -- OpenQASM --------------------------------------------------------------------------------
def load_model_of(project, folder):
    export_project(project, "qmodel", folder / "m.qmodel")
    return load_model(folder / "m.qmodel")


def test_qasm3_is_the_trained_circuit_with_features_as_inputs(tmp_path):
    project = trained_project("all_gates")
    export_project(project, "qasm3", tmp_path / "m.qasm")
    text = (tmp_path / "m.qasm").read_text()
    assert text.startswith("OPENQASM 3.0;\ninclude \"stdgates.inc\";\n// All gates: a trained")
    assert "input float[64] x1;" in text and "input float[64] w" not in text
    circuit = from_qasm(text)
    assert circuit.n_weights == 0 and circuit.n_features == project.circuit.n_features
    model = load_model_of(project, tmp_path)
    for z in model.preprocess(raw_samples(project, 3, seed=1)):
        assert_allclose(statevector(circuit, z),
                        statevector(project.circuit, z, project.weights), atol=1e-12)


def test_qasm2_binds_one_sample_and_qiskit_reads_it(tmp_path):
    project = trained_project("all_gates")
    with pytest.raises(ModelFileError, match=r"OpenQASM 2 has no inputs.*OpenQASM 3"):
        export_project(project, "qasm2", tmp_path / "m.qasm")
    assert not (tmp_path / "m.qasm").exists()
    sample = raw_samples(project, 1, seed=4)[0]
    export_project(project, "qasm2", tmp_path / "m.qasm", sample=sample)
    text = (tmp_path / "m.qasm").read_text()
    z = load_model_of(project, tmp_path).preprocess([sample])
    ours = statevector(project.circuit, z, project.weights)
    theirs = Statevector(qiskit.qasm2.loads(text)).data
    n = project.circuit.n_qubits  # Qiskit's qubit 0 is the least significant bit: reverse
    theirs = theirs.reshape((2,) * n).transpose().reshape(-1)
    overlap = abs(np.vdot(ours, theirs))  # equal up to a global phase
    assert overlap == pytest.approx(1.0, abs=1e-9)


def test_qasm_of_an_amplitude_model_says_the_state_must_be_prepared(tmp_path):
    export_project(trained_project("amplitude"), "qasm2", tmp_path / "a.qasm")
    assert "The initial state is NOT |0...0>" in (tmp_path / "a.qasm").read_text()


def test_bad_requests_are_refused(tmp_path):
    project = trained_project("sine")
    with pytest.raises(ModelFileError, match=r"unknown export format 'onnx'.*qasm3"):
        export_project(project, "onnx", tmp_path / "m")
    with pytest.raises(ModelFileError, match="sample= binds"):
        export_project(project, "qiskit", tmp_path / "m.py", sample=[0.5])
    for fmt in EXPORT_FORMATS:
        with pytest.raises(ModelFileError, match="not been trained"):
            export_project(replace(project, weights=()), fmt, tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_odd_names_cannot_break_out_of_docstrings_or_comments(tmp_path):
    name = 'Odd """ name \\ with\nnewline // and }'
    project = replace(trained_project("sine"), name=name)
    for fmt in ("pennylane", "qiskit"):
        export_project(project, fmt, tmp_path / f"odd_{fmt}.py")
        docstring = ast.get_docstring(ast.parse((tmp_path / f"odd_{fmt}.py").read_text()))
        assert docstring.startswith('Odd """ name \\ with newline // and }: a trained')
    export_project(project, "qasm3", tmp_path / "odd.qasm")
    assert from_qasm((tmp_path / "odd.qasm").read_text()).n_features == 1


def test_script_main_refuses_a_header_without_the_features(exported):
    # It used to fall back to the first four columns (here the id and three unknown numbers)
    # and print predictions from them.
    with open(exported / "no_features.csv", "w", newline="") as handle:
        handle.write("id,a,b,c,d\n1,5.1,3.5,1.4,0.2\n")
    result = subprocess.run([sys.executable, "-I", str(exported / "runner.py"), "main",
                             "iris_pennylane.py", "no_features.csv"], cwd=exported,
                            capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode != 0 and result.stdout == ""
    assert "no_features.csv: no column named" in result.stderr
