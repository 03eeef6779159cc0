"""``qmlstudio train --noise``: the command trains a real project under a noise model (by
trajectories when asked) and stores the model in the project; a bad noise word is one line
naming it."""

import json
from dataclasses import replace

from qmlstudio.cli import main
from qmlstudio.core import DatasetSpec, Preprocessing, Project, TrainingConfig
from qmlstudio.io import load_project, save_project
from qmlstudio.io.noise_file import bundled_device_noise
from qmlstudio.ml.models.templates import build_model_circuit
from qmlstudio.ml.training.trainer import train
from tests.test_cli import assert_one_line_error, cli


def _project(tmp_path):
    project = Project(build_model_circuit(2, 2, layers=1), name="moons",
                      dataset=DatasetSpec.builtin("moons", n_samples=40, noise=0.1),
                      preprocessing=Preprocessing(test_fraction=0.25),
                      training=TrainingConfig(epochs=2, learning_rate=0.1))
    path = tmp_path / "moons.qmlproj"
    save_project(project, path)
    return path


def test_train_under_a_device_model_stores_it_and_ideal_removes_it(tmp_path):
    path = _project(tmp_path)
    result = cli("train", path, "--noise", "device:manila", "--noise-method", "trajectories",
                 "--trajectories", "20", "--json", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["epoch"] == 2
    trained = load_project(path)
    assert trained.noise == bundled_device_noise("manila") and trained.is_trained
    assert (trained.training.noise_method, trained.training.trajectories) == ("trajectories", 20)
    result = cli("train", path, "--noise", "ideal", "--restart", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert load_project(path).noise is None


def test_a_bad_noise_word_is_one_line_and_the_project_is_unchanged(tmp_path):
    path = _project(tmp_path)
    before = path.read_bytes()
    assert_one_line_error(cli("train", path, "--noise", "depolarizing:7", cwd=tmp_path), 1,
                          "depolarizing p: must lie in [0, 1.33333]")
    assert_one_line_error(cli("train", path, "--noise", "nowhere.json", cwd=tmp_path), 1,
                          "noise 'nowhere.json': no such file")
    assert path.read_bytes() == before


def test_the_projects_ideal_choice_trains_ideal_and_with_noise_switches_back(tmp_path, capsys):
    path = _project(tmp_path)
    noise = bundled_device_noise("manila")
    noisy = replace(load_project(path), noise=noise)
    ideal = replace(noisy, training=replace(noisy.training, with_noise=False))
    save_project(ideal, path)
    assert main(["train", str(path), "-q"]) == 0  # in-process: no second interpreter
    trained = load_project(path)
    # The weights of the ideal simulator: those of the same project without a noise model.
    assert trained.weights == train(replace(noisy, noise=None)).weights
    assert trained.noise == noise and not trained.training.with_noise
    assert main(["train", str(path), "--with-noise", "--restart", "-q"]) == 0
    trained = load_project(path)
    assert trained.training.with_noise and trained.weights == train(noisy).weights
    capsys.readouterr()
