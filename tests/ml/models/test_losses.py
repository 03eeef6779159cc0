"""Losses: values against closed forms, gradients against central finite differences."""

import numpy as np
import pytest

from qmlstudio.core import DatasetError, ProjectError
from qmlstudio.ml.models.losses import (
    cross_entropy,
    hinge,
    loss_function,
    mse,
    probability_mse,
    softmax,
)

STEP = 1e-6


def fd_grad(loss, outputs, targets):
    """Central differences of ``loss(outputs, targets)[0]`` entry by entry."""
    grad = np.zeros_like(outputs)
    for idx in np.ndindex(outputs.shape):
        plus, minus = outputs.copy(), outputs.copy()
        plus[idx] += STEP
        minus[idx] -= STEP
        grad[idx] = (loss(plus, targets)[0] - loss(minus, targets)[0]) / (2 * STEP)
    return grad


@pytest.mark.parametrize("loss", [cross_entropy, hinge, probability_mse])
@pytest.mark.parametrize("n_classes", [2, 4])
def test_classification_gradients_match_finite_differences(loss, n_classes):
    rng = np.random.default_rng(n_classes)
    logits = rng.normal(scale=2.0, size=(7, n_classes))
    labels = rng.integers(0, n_classes, size=7)
    margins = 1 + logits - logits[np.arange(7), labels][:, None]
    assert np.min(np.abs(margins)) > 1e-3  # away from the hinge's kinks
    value, grad = loss(logits, labels)
    assert np.isscalar(value) and grad.shape == logits.shape
    np.testing.assert_allclose(grad, fd_grad(loss, logits, labels), atol=1e-8)


def test_mse_value_and_gradient():
    pred, target = np.array([1.0, 2.0, -1.0]), np.array([0.0, 2.5, 1.0])
    value, grad = mse(pred, target)
    assert value == pytest.approx((1 + 0.25 + 4) / 3)
    np.testing.assert_allclose(grad, fd_grad(mse, pred, target), atol=1e-8)


def test_binary_logits_reduce_to_the_textbook_binary_losses():
    z = np.array([-2.0, 0.3, 1.7, 0.5])
    labels = np.array([0, 1, 1, 0])
    logits = np.column_stack([np.zeros(4), z])
    t = 2 * labels - 1
    assert cross_entropy(logits, labels)[0] == pytest.approx(np.mean(np.log1p(np.exp(-t * z))))
    assert hinge(logits, labels)[0] == pytest.approx(np.mean(np.maximum(0, 1 - t * z)))
    p1 = 1 / (1 + np.exp(-z))
    assert probability_mse(logits, labels)[0] == pytest.approx(np.mean((p1 - labels) ** 2))


def test_cross_entropy_hand_value():
    logits = np.array([[1.0, 2.0, 3.0]])
    expected = np.log(np.exp(1) + np.exp(2) + np.exp(3)) - 1.0
    assert cross_entropy(logits, np.array([0]))[0] == pytest.approx(expected)


def test_softmax_helpers_are_stable_for_huge_logits():
    z = np.array([[1000.0, 0.0, -1000.0], [-1e4, -1e4, -1e4]])
    p = softmax(z)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(p[1], [1 / 3] * 3)
    value, grad = cross_entropy(z, np.array([2, 0]))
    assert value == pytest.approx((2000.0 + np.log(3)) / 2) and np.all(np.isfinite(grad))
    value, grad = cross_entropy(np.array([[0.0, -1000.0], [0.0, 1000.0]]), np.array([0, 1]))
    assert value == 0.0 and not grad.any()  # a sure and right logistic prediction


def test_softmax_agrees_with_scipy():
    from scipy import special

    rng = np.random.default_rng(5)
    rows = [rng.normal(scale=30, size=(6, 4)), rng.normal(size=5),
            np.array([[-np.inf, 0.0, 1.0], [-np.inf, -np.inf, -np.inf]])]
    with np.errstate(invalid="ignore", divide="ignore"):  # scipy's own warnings at ±inf
        for z in rows:
            np.testing.assert_allclose(softmax(z), special.softmax(z, axis=-1), rtol=1e-13)


def test_losses_by_name():
    assert loss_function("cross_entropy", "classification") is cross_entropy
    assert loss_function("mse", "classification") is probability_mse
    assert loss_function("mse", "regression") is mse
    with pytest.raises(ProjectError, match="not a regression loss"):
        loss_function("hinge", "regression")


def test_mse_refuses_shapes_that_would_broadcast():
    # (3,) against (3, 1) would silently average a 3 x 3 table of every pairing.
    with pytest.raises(DatasetError, match=r"predictions of shape \(3,\) but targets of shape"):
        mse(np.zeros(3), np.zeros((3, 1)))
    value, grad = mse([1.0, 3.0], [0.0, 0.0])  # by hand: (1 + 9) / 2, gradient 2·ŷ/2
    assert value == 5.0 and grad.tolist() == [1.0, 3.0]


def test_cross_entropy_agrees_with_scipys_log_softmax():
    from scipy import special

    rng = np.random.default_rng(3)
    for n, c in ((1, 2), (7, 3), (16, 5)):
        logits = rng.normal(scale=5.0, size=(n, c))
        labels = rng.integers(0, c, n)
        log_p = special.log_softmax(logits, axis=1)
        value, grad = cross_entropy(logits, labels)
        assert value == pytest.approx(-np.mean(log_p[np.arange(n), labels]), rel=1e-14)
        np.testing.assert_allclose(grad, (np.exp(log_p) - np.eye(c)[labels]) / n,
                                   rtol=1e-13, atol=1e-16)
