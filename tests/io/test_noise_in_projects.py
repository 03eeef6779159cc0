"""A project's noise model in the project file: round trip, old files open as ideal, bad values
named at their JSON path and nothing half-loaded."""

import json
from dataclasses import replace

import pytest

from qmlstudio.core import ProjectError
from qmlstudio.core.noise import NoiseModel
from qmlstudio.io import load_project, project_text, save_project
from qmlstudio.io.noise_file import bundled_device_noise
from tests.io.project_helpers import sample_project


@pytest.mark.parametrize("noise", [NoiseModel.uniform_depolarizing(0.01, readout=0.02),
                                   NoiseModel.thermal(100.0, 80.0, 35.0, 300.0)],
                         ids=["depolarizing", "thermal"])
def test_a_noise_model_round_trips_through_the_project_file(tmp_path, noise):
    project = replace(sample_project(), noise=noise)
    path = tmp_path / "noisy.qmlproj"
    save_project(project, path)
    loaded = load_project(path)
    assert loaded == project and loaded.noise == noise
    assert project_text(loaded) == path.read_text(encoding="utf-8")


def test_a_device_model_round_trips_and_an_ideal_project_writes_null(tmp_path):
    project = replace(sample_project(), noise=bundled_device_noise("manila"))
    path = tmp_path / "device.qmlproj"
    save_project(project, path)
    assert load_project(path).noise == project.noise
    assert json.loads(project_text(sample_project()))["noise"] is None


def test_a_schema_4_file_opens_as_ideal(tmp_path):
    document = json.loads(project_text(sample_project()))
    del document["noise"]
    document["schema_version"] = 4
    path = tmp_path / "v4.qmlproj"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert load_project(path).noise is None


def test_a_bad_channel_is_named_and_the_old_file_stays(tmp_path):
    project = replace(sample_project(), noise=NoiseModel.uniform_depolarizing(0.01))
    path = tmp_path / "bad.qmlproj"
    save_project(project, path)
    document = json.loads(path.read_text())
    document["noise"]["rules"][0]["channels"][0]["params"] = [2.5]
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(Exception, match=r"noise.rules\[0\].channels\[0\]: depolarizing p: must "
                                        r"lie in \[0, 1.33333\], got 2.5") as caught:
        load_project(path)
    assert isinstance(caught.value, ProjectError)
    with pytest.raises(ProjectError, match="noise: expected a NoiseModel or None"):
        replace(sample_project(), noise="depolarizing")
