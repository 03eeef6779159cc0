"""``--threads`` on the commands that simulate: it reaches the engine, the numbers do not
depend on it, and a bad value is one line."""

from pathlib import Path

import numpy as np
import pytest

from qmlstudio.cli import main
from qmlstudio.core import DatasetSpec, Preprocessing, Project, TrainingConfig
from qmlstudio.engine import thread_cap, threads_used
from qmlstudio.io import load_project, save_project
from qmlstudio.ml.models.templates import build_model_circuit
from tests.test_cli import assert_one_line_error, cli

TWO = min(2, thread_cap())


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    project = Project(build_model_circuit(2, 2, layers=1), name="moons",
                      dataset=DatasetSpec.builtin("moons", n_samples=40, noise=0.1),
                      preprocessing=Preprocessing(test_fraction=0.25),
                      training=TrainingConfig(epochs=2, learning_rate=0.1, seed=3))
    path = tmp_path / "moons.qmlproj"
    save_project(project, path)
    return path


def _train(path: Path, *options: str) -> np.ndarray:
    assert main(["train", str(path), "--restart", "--quiet", *options]) == 0
    return np.array(load_project(path).weights)


def test_train_predict_and_compare_run_on_the_threads_given(project_file, capsys):
    one = _train(project_file, "--threads", "1")
    assert threads_used() == 1
    two = _train(project_file, "--threads", "2")
    assert threads_used() == TWO  # a small circuit: automatic would take one thread
    np.testing.assert_array_equal(one, two)
    _train(project_file, "--threads", "auto")
    assert threads_used() == 1

    model = project_file.with_suffix(".qmodel")
    data = project_file.with_suffix(".csv")
    data.write_text("x0,x1\n0.1,0.2\n1.5,-0.3\n")
    assert main(["export", str(project_file), "--to", "qmodel", "-o", str(model)]) == 0
    assert main(["predict", str(model), str(data), "--threads", "2"]) == 0
    assert threads_used() == TWO
    assert main(["compare", str(project_file), "--seeds", "1", "--folds", "2", "--quiet",
                 "--threads", "2"]) == 0
    assert threads_used() == TWO
    capsys.readouterr()


@pytest.mark.parametrize(("bad", "shown"), [("0", "0"), ("-1", "'-1'"), ("x", "'x'")])
def test_a_bad_thread_count_is_one_line(project_file, bad, shown):
    result = cli("train", project_file, "--threads", bad, cwd=project_file.parent)
    assert_one_line_error(result, 2, "argument --threads: the thread count must be a positive "
                                     f"integer or 'auto', got {shown}")
