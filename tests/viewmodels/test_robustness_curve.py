"""What the Robustness view sweeps for a project, and which edits make its curve out of date
(the curve itself is checked against independent evaluations in
``tests/gui/training/test_robustness_panel.py`` and ``tests/ml/evaluation``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qmlstudio.core import Circuit, DatasetSpec, Project, ReadoutParams, w, x
from qmlstudio.core.noise import NoiseModel
from qmlstudio.viewmodels.robustness_curve import (
    SCALE_MAX,
    TRAINED_LABELS,
    curve_stale_reason,
    robustness_sweep,
    training_mode,
)

NOISE = NoiseModel.thermal(50.0, 70.0, 0.1, 0.4)


def _project(**changes: object) -> Project:
    circuit = Circuit(2).add("ry", 0, x(0)).add("ry", 1, x(1)).add("ry", 0, w(0))
    return replace(Project(circuit, dataset=DatasetSpec.builtin("moons"), weights=(0.3,)),
                   **changes)


def test_a_noisy_project_scales_its_model_and_an_ideal_one_sweeps_depolarizing_p():
    noisy = robustness_sweep(_project(noise=NOISE), max_p=0.5, points=5)
    assert noisy.noise is NOISE  # max_p is for ideal projects only
    assert noisy.strengths == pytest.approx((0.0, 0.5, 1.0, 1.5, SCALE_MAX))
    assert noisy.axis == f"noise strength (× {NOISE.name})"
    for ideal in (_project(), _project(noise=NoiseModel.ideal())):
        sweep = robustness_sweep(ideal, max_p=0.2, points=3)
        assert sweep.noise == "depolarizing" and sweep.strengths == (0.0, 0.1, 0.2)


def test_each_change_that_the_curve_depends_on_is_named():
    project = _project()
    assert curve_stale_reason(project, replace(project, name="renamed")) == ""
    assert curve_stale_reason(project, project.with_circuit(project.circuit.add("h", 1))) == \
        "the circuit changed"
    assert curve_stale_reason(project, replace(project, weights=(0.4,))) == \
        "the weights changed"
    assert curve_stale_reason(project, replace(project, readout=ReadoutParams((2.0,), (0.1,)))) \
        == "the weights changed"
    assert curve_stale_reason(project, replace(project, noise=NOISE,
                                               dataset=DatasetSpec.builtin("circles"))) == \
        "the data set and noise model changed"


def test_the_other_training_modes_curve_is_stale_only_when_the_setup_changes():
    noisy = _project(noise=NOISE)
    ideal = replace(noisy, training=replace(noisy.training, with_noise=False), weights=(0.9,))
    assert [TRAINED_LABELS[training_mode(p)] for p in (ideal, noisy, _project())] == [
        "trained ideal", "trained with noise", "trained ideal"]
    # The ideal-trained curve beside noise-trained weights: other weights, by design.
    assert curve_stale_reason(ideal, noisy, same_mode=False) == ""
    assert curve_stale_reason(ideal, noisy) == ("the training mode (ideal or with noise) and "
                                                "weights changed")
    edited = noisy.with_circuit(noisy.circuit.add("h", 1))
    assert curve_stale_reason(ideal, edited, same_mode=False) == "the circuit changed"
