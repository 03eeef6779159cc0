"""Gate parameters: constants, trainable weights and affine data features."""

import dataclasses

import pytest

from qmlstudio.core import CircuitError, Const, Feature, Weight, w, x


def test_constructors():
    assert w(3) == Weight(3)
    assert x(2) == Feature(2, 1.0, 0.0)
    assert x(1, scale=0.5, offset=-0.25) == Feature(1, 0.5, -0.25)
    assert w(3) != w(4)
    assert hash(x(1, 2.0)) == hash(Feature(1, 2.0, 0.0))


def test_parameters_are_frozen():
    p = x(0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.scale = 2.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        w(0).index = 1


@pytest.mark.parametrize("bad", [-1, 1.5, "0", None, True])
def test_bad_indices(bad):
    with pytest.raises(CircuitError, match="index"):
        w(bad)
    with pytest.raises(CircuitError, match="index"):
        x(bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_numbers_are_refused(bad):
    with pytest.raises(CircuitError, match="finite"):
        x(0, scale=bad)
    with pytest.raises(CircuitError, match="finite"):
        x(0, offset=bad)
    with pytest.raises(CircuitError, match="finite"):
        Const(bad)


def test_labels_for_the_canvas():
    assert w(3).label == "θ₃"
    assert x(0).label == "x₀"
    assert "x₁₂" in x(12, 0.5, 0.1).label
