"""``qmlstudio evaluate`` (the accuracy-vs-noise table) and ``qmlstudio predict --noise`` on a
real model trained under noise: the numbers are the Python API's, bad input is one line."""

import csv
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from qmlstudio.cli import evaluate, main
from qmlstudio.core.noise import NoiseModel
from qmlstudio.io import save_project
from qmlstudio.io.model_codec import model_text
from qmlstudio.ml.estimators import QNNClassifier
from qmlstudio.ml.evaluation.robustness import DEFAULT_STRENGTHS, noise_robustness
from qmlstudio.ml.export.model_file import load_model, save_model
from tests.test_cli import cli_process

NOISE = NoiseModel.uniform_depolarizing(0.05, readout=0.02)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, Path, np.ndarray, list]:
    """A .qmodel trained under NOISE, a labelled CSV (header, label last) and its rows."""
    folder = tmp_path_factory.mktemp("evaluate")
    rng = np.random.default_rng(4)
    X = rng.uniform(-1, 1, size=(24, 2))
    labels = ["pos" if a * b > 0 else "neg" for a, b in X]
    clf = QNNClassifier(n_qubits=2, layers=1, epochs=2, random_state=3, noise=NOISE)
    project = clf.fit(X, labels).project_
    save_model(project, folder / "m.qmodel")
    save_project(project, folder / "m.qmlproj")  # its embedded data's label column is "y"
    with open(folder / "data.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x1", "x0", "y"])  # the header picks the feature columns by name
        writer.writerows([[b, a, label] for (a, b), label in zip(X, labels, strict=True)])
    return folder / "m.qmodel", folder / "data.csv", X, labels


def test_evaluate_prints_and_writes_the_api_table(files, tmp_path, capsys):
    model_path, data, X, labels = files
    out = tmp_path / "table.csv"
    assert main(["evaluate", str(model_path), str(data), "--strengths", "0,1,2.5",
                 "-o", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    expected = noise_robustness(load_model(model_path), X, labels, strengths=(0, 1, 2.5))
    assert printed[0].split() == ["strength", "accuracy", "F1", "noise", "model"]
    assert printed[1].split()[0] == "0" and printed[1].endswith("ideal")
    assert float(printed[3].split()[1]) == pytest.approx(expected.values[2][0], abs=5e-5)
    rows = list(csv.reader(out.read_text().splitlines()))
    assert rows[0] == ["strength", "accuracy", "f1", "noise"]
    assert_allclose([[float(v) for v in row[:3]] for row in rows[1:]],
                    [[s, *v] for s, v in zip(expected.strengths, expected.values, strict=True)],
                    rtol=0, atol=0)
    assert [row[3] for row in rows[1:]] == list(expected.noise_names)


def test_a_trained_project_evaluates_as_its_model(files, capsys):
    model_path, data, _, _ = files
    assert main(["evaluate", str(model_path), str(data)]) == 0
    from_model = capsys.readouterr().out
    assert main(["evaluate", str(model_path.with_suffix(".qmlproj")), str(data)]) == 0
    assert capsys.readouterr().out == from_model
    assert len(from_model.splitlines()) == 1 + len(DEFAULT_STRENGTHS)


def test_predict_under_another_noise_model(files, tmp_path, capsys):
    model_path, data, X, _ = files
    model = load_model(model_path)
    for spec, noise in (("ideal", None), ("depolarizing:0.2", NoiseModel.uniform_depolarizing(
            0.2))):
        out = tmp_path / "p.csv"
        assert main(["predict", str(model_path), str(data), "--noise", spec, "-o",
                     str(out)]) == 0
        rows = list(csv.reader(out.read_text().splitlines()))[1:]
        assert_allclose([[float(p) for p in row[1:]] for row in rows],
                        model.with_noise(noise).predict_proba(X), atol=1e-15)
    capsys.readouterr()


def test_the_default_strengths_are_the_api_defaults():
    assert evaluate._strengths(evaluate.DEFAULT_STRENGTHS) == DEFAULT_STRENGTHS


def test_a_real_process_sweeps_a_depolarizing_p(files):
    model_path, data, _, _ = files
    result = cli_process("evaluate", model_path, data, "--noise", "depolarizing",
                         "--strengths", "0,0.05", cwd=model_path.parent)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and lines[2].endswith("uniform depolarizing p = 0.05")


def _one_line_error(capsys, argv: list[str], status: int, text: str) -> None:
    """``main(argv)`` fails with ``status`` and one line on stderr holding ``text``."""
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's errors exit
        code = exit_.code
    err = capsys.readouterr().err
    assert code == status and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1 and text in err, err


def test_bad_input_is_one_line(files, capsys, tmp_path):
    model_path, data, _, _ = files
    base = ["evaluate", str(model_path), str(data)]
    _one_line_error(capsys, [*base, "--noise", "depolarizing:7"], 1,
                    "depolarizing p: must lie in [0, 1.33333]")
    _one_line_error(capsys, [*base, "--noise", "nowhere.json"], 1,
                    "noise 'nowhere.json': no such file")
    _one_line_error(capsys, [*base, "--strengths", "0,-1"], 2,
                    "argument --strengths: expected comma-separated numbers of at least 0")
    _one_line_error(capsys, [*base, "--label", "nope"], 1, "nope")
    _one_line_error(capsys, ["predict", str(model_path), str(data), "--noise", "thermal:1"], 1,
                    "noise 'thermal:1': expected 4 number(s)")
    ideal = tmp_path / "ideal.qmodel"
    ideal.write_text(model_text(load_model(model_path).with_noise(None).saved))
    _one_line_error(capsys, ["evaluate", str(ideal), str(data), "-o", str(tmp_path / "t.csv")],
                    1, "ideal.qmodel: the model was trained without noise; give the noise to "
                       "scale with --noise SPEC, or sweep a depolarizing p with --noise "
                       "depolarizing --strengths")
    assert not (tmp_path / "t.csv").exists()
