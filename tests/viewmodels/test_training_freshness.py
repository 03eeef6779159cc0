"""Which edits make training results describe an earlier setup."""

from __future__ import annotations

from dataclasses import replace

from qmlstudio.core import Circuit, DatasetSpec, Project, w, x
from qmlstudio.core.model_spec import ModelSpec
from qmlstudio.core.noise import NoiseModel
from qmlstudio.viewmodels.training_freshness import same_setup, stale_reason


def _project() -> Project:
    circuit = Circuit(2).add("ry", 0, x(0)).add("ry", 1, x(1)).add("ry", 0, w(0))
    return Project(circuit, dataset=DatasetSpec.builtin("moons"), weights=(0.3,))


def test_the_same_setup_is_current_whatever_the_training_settings():
    project = _project()
    other_settings = replace(project, training=replace(project.training, epochs=7),
                             name="renamed")
    assert stale_reason(project, other_settings) == ""
    assert same_setup(project, other_settings)


def test_each_changed_part_is_named():
    project = _project()
    edited = project.with_circuit(project.circuit.add("h", 1))
    new_data = replace(project, dataset=DatasetSpec.builtin("circles"))
    scaled = replace(project, preprocessing=replace(project.preprocessing, scaling="none"))
    assert stale_reason(project, edited) == "trained on an earlier circuit"
    assert stale_reason(project, new_data) == "trained on an earlier data set"
    assert stale_reason(project, scaled) == "trained on an earlier data set"
    both = replace(edited, dataset=DatasetSpec.builtin("circles"))
    assert stale_reason(project, both) == "trained on an earlier circuit and data set"
    all_three = replace(both, model=ModelSpec(observables=("Z1",)))
    assert stale_reason(project, all_three) == ("trained on an earlier circuit, data set and "
                                                "model")
    assert not same_setup(project, edited)


def test_a_new_noise_model_is_named():
    project = _project()
    noisy = replace(project, noise=NoiseModel.uniform_depolarizing(0.01))
    assert stale_reason(project, noisy) == "trained on an earlier noise model"
    assert stale_reason(noisy, replace(noisy, noise=NoiseModel.uniform_depolarizing(0.02))) == (
        "trained on an earlier noise model")
    assert same_setup(noisy, replace(noisy, name="renamed"))


def test_switching_between_ideal_and_noisy_training_is_named():
    noisy = replace(_project(), noise=NoiseModel.uniform_depolarizing(0.01))
    ideal = replace(noisy, training=replace(noisy.training, with_noise=False))
    assert stale_reason(noisy, ideal) == ("trained on an earlier training mode (ideal or with "
                                          "noise)")
    # Without a noise model both modes train the same ideal circuit.
    assert same_setup(_project(), replace(ideal, noise=None))
