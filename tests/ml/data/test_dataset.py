"""The Dataset value: what it accepts, and what it refuses with the data set's name."""

import numpy as np
import pytest

from qmlstudio.core import DatasetError
from qmlstudio.ml.data.dataset import Dataset

X = np.arange(8.0).reshape(4, 2)


def test_a_dataset_holds_read_only_copies():
    features, labels = X.copy(), np.array([0, 1, 1, 0])
    dataset = Dataset(features, labels, class_labels=("no", "yes"), name="toy")
    features[0, 0] = 99.0
    assert dataset.features[0, 0] == 0.0
    assert (dataset.n_samples, dataset.n_features, dataset.n_classes) == (4, 2, 2)
    assert dataset.feature_names == ("x0", "x1")
    assert dataset.labels.dtype == np.int64
    with pytest.raises(ValueError, match="read-only"):
        dataset.labels[0] = 1
    regression = Dataset(X, [0.5, 1, 2, 3], "regression", feature_names=("a", "b"))
    assert regression.labels.dtype == np.float64 and regression.n_classes == 0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"task": "ranking"}, "toy: task must be one of classification, regression, got 'ranking'"),
    ({"features": np.zeros((0, 2))}, "toy features: Found array with 0 sample(s) "
                                     "(shape=(0, 2)) while a minimum of 1 is required."),
    ({"features": np.zeros(4)}, "toy features: Expected 2D array, got 1D array instead"),
    ({"features": np.full((4, 2), np.inf)}, "toy features: Input toy features contains "
                                            "infinity or a value too large for dtype"),
    ({"labels": [0, 1, 1]}, "toy: (3,) labels for 4 samples; expected one label per sample"),
    ({"labels": [0, 1, 2, 0]}, "toy: class indices must lie in 0..1"),
    ({"labels": [0.0, 1.0, 1.0, 0.0]}, "toy: class labels must be integer class indices, "
                                       "got float64"),
    ({"class_labels": ("a",)}, "toy: a classification data set needs at least two classes "
                               "(only 'a')"),
    ({"class_labels": ()}, "toy: a classification data set needs at least two classes "
                           "(none given)"),
    ({"class_labels": ("a", "a")}, "toy: class labels repeat: ['a', 'a']"),
    ({"feature_names": ("a",)}, "toy: 1 feature name for 2 features"),
    ({"task": "regression"}, "toy: a regression data set has no class labels"),
    ({"task": "regression", "class_labels": (), "labels": [0, 1, np.nan, 0]},
     "toy: targets contain NaN or infinite values"),
])
def test_invalid_datasets_are_refused_by_name(kwargs, message):
    fields = {"features": X, "labels": [0, 1, 1, 0], "class_labels": ("a", "b"),
              "name": "toy"} | kwargs
    with pytest.raises(DatasetError) as caught:
        Dataset(**fields)
    assert str(caught.value).startswith(message)
