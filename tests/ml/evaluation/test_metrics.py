"""Metrics against small cases counted by hand and against scikit-learn on random data."""

import re

import numpy as np
import pytest
from sklearn import metrics as reference

from qmlstudio.core import DatasetError
from qmlstudio.ml.evaluation.metrics import (
    accuracy,
    confusion_matrix,
    evaluate_metrics,
    f1_score,
    mean_squared_error,
    r2_score,
)

# true: 0 0 0 1 1 1 1 2
# pred: 0 1 0 1 1 0 2 2
TRUE = np.array([0, 0, 0, 1, 1, 1, 1, 2])
PRED = np.array([0, 1, 0, 1, 1, 0, 2, 2])


def test_accuracy_and_confusion_matrix():
    assert accuracy(TRUE, PRED) == pytest.approx(5 / 8)
    np.testing.assert_array_equal(confusion_matrix(TRUE, PRED), [[2, 1, 0],
                                                                 [1, 2, 1],
                                                                 [0, 0, 1]])
    assert confusion_matrix([0, 1], [1, 1], n_classes=3).shape == (3, 3)
    with pytest.raises(DatasetError, match=r"0\.\.1"):
        confusion_matrix([0, 2], [0, 0], n_classes=2)


def test_f1_binary_and_macro():
    # Binary, positive 1: TP 2, FP 1, FN 1 -> 2·2 / (2·2 + 1 + 1) = 2/3.
    t, p = np.array([1, 1, 1, 0, 0]), np.array([1, 1, 0, 1, 0])
    assert f1_score(t, p) == pytest.approx(2 / 3)
    assert f1_score(t, p, positive=0) == pytest.approx(2 * 1 / (2 * 1 + 1 + 1))
    # Macro over classes 0, 1, 2: class 0: TP 2 FP 1 FN 1 -> 4/6; class 1: TP 2 FP 1 FN 2
    # -> 4/7; class 2: TP 1 FP 1 FN 0 -> 2/3.
    assert f1_score(TRUE, PRED, "macro") == pytest.approx((4 / 6 + 4 / 7 + 2 / 3) / 3)
    assert f1_score([0, 0], [0, 0]) == 0.0  # no positives anywhere: 0 as in scikit-learn


def test_string_labels_work_for_accuracy_and_f1():
    t, p = ["a", "b", "b"], ["a", "b", "a"]
    assert accuracy(t, p) == pytest.approx(2 / 3)
    assert f1_score(t, p, positive="b") == pytest.approx(2 / 3)


def test_regression_metrics():
    y, yhat = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.5, 2.0, 2.0, 4.0])
    assert mean_squared_error(y, yhat) == pytest.approx((0.25 + 0 + 1 + 0) / 4)
    # SS_res 1.25, SS_tot 5 -> R² = 0.75.
    assert r2_score(y, yhat) == pytest.approx(0.75)
    assert r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert r2_score([2.0, 2.0], [1.0, 2.0]) == 0.0


def test_evaluate_metrics_by_task():
    assert evaluate_metrics("classification", [0, 1, 1], [0, 1, 0]) == {
        "accuracy": pytest.approx(2 / 3), "f1": pytest.approx(2 / 3)}
    assert evaluate_metrics("classification", TRUE, PRED)["f1"] == pytest.approx(
        f1_score(TRUE, PRED, "macro"))
    assert evaluate_metrics("regression", [1.0, 3.0], [1.0, 3.0]) == {"mse": 0.0, "r2": 1.0}


def test_bad_shapes():
    with pytest.raises(DatasetError, match="equal length"):
        accuracy([0, 1], [0])
    with pytest.raises(DatasetError, match="at least one"):
        accuracy([], [])
    with pytest.raises(DatasetError, match="average"):
        f1_score([0], [0], average="micro")


def test_binary_f1_refuses_a_positive_class_that_is_not_a_label():
    # The default positive=1 with text labels used to score 0 silently.
    with pytest.raises(DatasetError, match="positive class 1 is not among the labels"):
        f1_score(["a", "b", "b"], ["a", "b", "a"])
    # One label only (nothing positive anywhere) is still a defined 0, as in scikit-learn.
    assert f1_score([0, 0], [0, 0]) == 0.0


def test_a_class_absent_from_the_evaluated_part():
    # Three classes, class 2 absent from this part and never predicted: the macro F1 averages
    # over the classes present (0 and 1), as scikit-learn's default does.
    # class 0: TP 1, FP 1, FN 1 -> 2/4; class 1: TP 1, FP 1, FN 1 -> 2/4.
    values = evaluate_metrics("classification", [0, 0, 1, 1], [0, 1, 1, 0], n_classes=3)
    assert values == {"accuracy": 0.5, "f1": pytest.approx(0.5)}
    # Two classes, class 1 absent and never predicted: binary F1 of class 1 is 0.
    assert evaluate_metrics("classification", [0, 0], [0, 0], n_classes=2)["f1"] == 0.0
    np.testing.assert_array_equal(confusion_matrix([0, 0, 1], [0, 1, 1], n_classes=3),
                                  [[1, 1, 0], [0, 1, 0], [0, 0, 0]])


def test_non_numeric_input_is_a_dataset_error():
    with pytest.raises(DatasetError, match="expected numbers"):
        mean_squared_error(["a"], ["b"])
    with pytest.raises(DatasetError, match="expected numbers"):
        confusion_matrix(["a"], ["b"])
    with pytest.raises(DatasetError, match="class indices must be integers"):
        confusion_matrix([0.5, 1.0], [0.0, 1.0])  # used to be truncated to class 0
    with pytest.raises(DatasetError, match="task must be one of"):
        evaluate_metrics("clustering", [0], [0])


def test_agree_with_scikit_learn_on_random_data():
    rng = np.random.default_rng(11)
    for n_classes in (2, 3, 5):
        t, p = rng.integers(0, n_classes, 40), rng.integers(0, n_classes, 40)
        assert accuracy(t, p) == reference.accuracy_score(t, p)
        np.testing.assert_array_equal(confusion_matrix(t, p, n_classes),
                                      reference.confusion_matrix(t, p))
        assert f1_score(t, p, "macro") == pytest.approx(reference.f1_score(t, p, average="macro"))
    t, p = rng.integers(0, 2, 40), rng.integers(0, 2, 40)
    assert f1_score(t, p) == pytest.approx(reference.f1_score(t, p))
    y, yhat = rng.normal(size=30), rng.normal(size=30)
    assert mean_squared_error(y, yhat) == pytest.approx(reference.mean_squared_error(y, yhat))
    assert r2_score(y, yhat) == pytest.approx(reference.r2_score(y, yhat))


@pytest.mark.parametrize("seed", range(6))
def test_agree_with_scikit_learn_on_small_and_lopsided_parts(seed):
    # Few samples and many classes, so classes go missing from one side or both (the undefined
    # F1 of scikit-learn's zero_division=0), and text labels.
    rng = np.random.default_rng(seed)
    n, n_classes = int(rng.integers(1, 12)), int(rng.integers(2, 7))
    t, p = rng.integers(0, n_classes, n), rng.integers(0, n_classes, n)
    assert accuracy(t, p) == pytest.approx(reference.accuracy_score(t, p))
    assert f1_score(t, p, "macro") == pytest.approx(
        reference.f1_score(t, p, average="macro", zero_division=0.0))
    np.testing.assert_array_equal(confusion_matrix(t, p, n_classes),
                                  reference.confusion_matrix(t, p, labels=range(n_classes)))
    words = np.array(["cat", "dog"])[rng.integers(0, 2, n)], np.array(["cat", "dog"])[
        rng.integers(0, 2, n)]
    assert f1_score(*words, positive="dog") == pytest.approx(
        reference.f1_score(*words, pos_label="dog", labels=["cat", "dog"], zero_division=0.0))
    y, yhat = rng.normal(size=n + 1), rng.normal(size=n + 1)
    assert r2_score(y, yhat) == pytest.approx(reference.r2_score(y, yhat))


@pytest.mark.parametrize("seed", range(4))
def test_class_indices_count_as_any_labels_do_to_the_bit(seed):
    # A trainer's class indices take a numpy path; the numbers (means over labels in order
    # of appearance included) must be those of the general path, which sees objects.
    rng = np.random.default_rng(seed)
    for _ in range(200):
        n, classes = int(rng.integers(1, 30)), int(rng.integers(1, 6))
        y_true = rng.integers(0, classes, n)
        y_pred = rng.integers(0, classes + 1, n).astype(np.int32)
        for n_classes in (None, 2, classes):
            as_objects = (y_true.astype(object), y_pred.astype(object))
            try:
                expected = evaluate_metrics("classification", *as_objects, n_classes)
            except DatasetError as error:
                with pytest.raises(DatasetError, match=re.escape(str(error))):
                    evaluate_metrics("classification", y_true, y_pred, n_classes)
                continue
            assert evaluate_metrics("classification", y_true, y_pred, n_classes) == expected
