"""Expression parameters (Expr): building them, their limits, labels and what a circuit counts."""

import dataclasses
import math
import re

import numpy as np
import pytest

from qmlstudio.core import Circuit, CircuitError, Const, Expr, Feature, Term, Weight, w, x
from qmlstudio.core.parameters import MAX_EXPR_TERMS


def test_trainable_scaling_and_offset_from_operators():
    angle = w(0) * x(1) + w(2)
    assert angle == Expr(0.0, (Term(1.0, (Weight(0), Feature(1))), Term(1.0, (Weight(2),))))
    assert angle.weights == (Weight(0), Weight(2))
    assert angle.features == (Feature(1),)


def test_havlicek_product_from_operators():
    angle = (math.pi - x(0)) * (math.pi - x(1))
    pi_minus = [Feature(0, -1.0, math.pi), Feature(1, -1.0, math.pi)]
    assert angle == Expr(0.0, (Term(1.0, tuple(pi_minus)),))
    assert angle.value([0.3, 1.1], []) == pytest.approx((math.pi - 0.3) * (math.pi - 1.1))


def test_operators_keep_plain_kinds_plain():
    # Affine in one feature stays a Feature, a lone weight a Weight, numbers a Const: circuits
    # and files that never multiply two parameters see no Expr at all.
    assert 2 * x(0) + 1 == Feature(0, 2.0, 1.0)
    assert math.pi - x(3) == Feature(3, -1.0, math.pi)
    assert x(0) * 0.5 - 0.25 == Feature(0, 0.5, -0.25)
    assert Const(1.0) + 2 == Const(3.0)
    assert w(1) + 0 == w(1)
    assert w(1) * 0 == Const(0.0) and (w(0) + 1) * x(1) == w(0) * x(1) + x(1)  # no zero terms
    assert -w(3) == Expr(0.0, (Term(-1.0, (Weight(3),)),))
    assert w(0) - 0.5 == Expr(-0.5, (Term(1.0, (Weight(0),)),))


def test_products_distribute_and_values_match_the_algebra():
    angle = (0.5 * w(1) + x(2)) * (x(0) - 2) + 3
    rng = np.random.default_rng(0)
    xs, ws = rng.normal(size=3), rng.normal(size=2)
    expected = (0.5 * ws[1] + xs[2]) * (xs[0] - 2) + 3
    assert angle.value(xs, ws) == pytest.approx(expected)
    assert all(len(term.factors) <= 2 for term in angle.terms)


def test_limits_are_refused_with_the_reason():
    with pytest.raises(CircuitError, match="at most one weight"):
        w(0) * w(1)
    with pytest.raises(CircuitError, match="at most 3 factors"):
        x(0) * x(1) * x(2) * x(3)
    with pytest.raises(CircuitError, match="at most one weight"):
        Term(1.0, (Weight(0), Weight(0)))
    with pytest.raises(CircuitError, match="must not be 0"):
        Term(0.0, (Weight(0),))
    with pytest.raises(CircuitError, match="non-empty"):
        Term(1.0, ())
    with pytest.raises(CircuitError, match="weights and features"):
        Term(1.0, (Const(1.0),))
    with pytest.raises(CircuitError, match="Term values"):
        Expr(0.0, ((1.0, (Weight(0),)),))
    with pytest.raises(CircuitError, match="finite"):
        Expr(float("nan"))
    with pytest.raises(CircuitError, match=f"at most {MAX_EXPR_TERMS} terms"):
        sum((w(k) for k in range(MAX_EXPR_TERMS + 1)), Const(0.0))


@pytest.mark.parametrize(("constant", "terms", "plain"), [
    (0.25, (), "Const(value=0.25)"),
    (0.0, (Term(1.0, (Weight(2),)),), "Weight(index=2)"),
    (1.0, (Term(2.0, (Feature(1, 0.5, 0.25),)),), "Feature(index=1, scale=1.0, offset=1.5)"),
])
def test_an_expression_that_is_a_plain_kind_is_refused(constant, terms, plain):
    # One value, one form: files and OpenQASM text then read back to the identical value.
    with pytest.raises(CircuitError, match=re.escape(f"use {plain} instead")):
        Expr(constant, terms)


def test_a_lone_feature_term_keeps_its_coefficient_in_the_feature():
    assert Term(-2.0, (Feature(0, 0.5, 1.0),)) == Term(1.0, (Feature(0, -1.0, -2.0),))
    assert Expr(0.5, (Term(3.0, (Feature(1),)), Term(1.0, (Weight(0),)))).terms[0] == \
        Term(1.0, (Feature(1, 3.0, 0.0),))


def test_other_operands_are_not_swallowed():
    with pytest.raises(TypeError):
        w(0) * "2"
    with pytest.raises(TypeError):
        x(0) + None


def test_expressions_are_frozen_and_hashable():
    angle = w(0) * x(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        angle.constant = 1.0
    assert hash(angle) == hash(w(0) * x(1))
    assert -(-w(0) * x(1)) == w(0) * x(1)  # -0.0 constants compare equal too


@pytest.mark.parametrize(("angle", "label"), [
    (w(0) * x(1) + w(2), "θ₀·x₁ + θ₂"),
    ((math.pi - x(0)) * (math.pi - x(1)), "(π − x₀)(π − x₁)"),
    (0.5 * w(1) * x(0) - 2 * x(1) * x(2) + 1, "0.5·θ₁·x₀ − 2·x₁·x₂ + 1"),
    (-w(3), "−θ₃"),
    (w(0) * (0.5 * x(2) + 1), "θ₀(0.5·x₂ + 1)"),
    (Expr(0.25, (Term(1.0, (Weight(0),)),)), "θ₀ + 0.25"),
])
def test_labels(angle, label):
    assert angle.label == label


def test_circuit_counts_indices_inside_expressions():
    c = Circuit(2).add("ry", 0, w(4) * x(6) + w(1)).add("rz", 1, x(0) * x(2))
    assert (c.n_weights, c.n_features) == (5, 7)
    assert Circuit(1).add("rx", 0, x(2) * x(0) + 1.0).n_weights == 0
