"""The canvas's gradient tint without Qt: which weights each gate's heat sums."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmlstudio.core import Circuit, w, x
from qmlstudio.ml.training.report import TrainingReport
from qmlstudio.viewmodels.gradient_heat import gradient_heat


def _step(magnitudes) -> TrainingReport:
    return TrainingReport("step", 1, 1, 0.5, 1, np.zeros(len(magnitudes)), np.zeros(0), 0.0,
                          grad_magnitudes=np.asarray(magnitudes, float))


def test_heat_sums_plain_and_expression_weights_once_each():
    circuit = (Circuit(2)
               .add("ry", 0, x(0))                              # no weight
               .add("u3", 1, w(0), w(1), math.pi / 4)           # two plain weights
               .add("ry", 0, w(2) * x(1) + w(3))                # an expression with two
               .add("rz", 1, w(2) * x(0) + w(2) * x(1))         # the same weight twice
               .add("rzz", [0, 1], (math.pi - x(0)) * (math.pi - x(1))))  # features only
    heat = gradient_heat(_step([0.5, 0.25, 2.0, 4.0]), circuit)
    assert heat == pytest.approx([0.0, 0.75, 6.0, 2.0, 0.0])


def test_no_heat_without_step_gradients_or_for_an_edited_circuit():
    circuit = Circuit(1).add("ry", 0, w(1) * x(0))
    assert gradient_heat(_step([]), circuit) is None
    assert gradient_heat(_step([1.0]), circuit) is None  # reads w1: the report is older
