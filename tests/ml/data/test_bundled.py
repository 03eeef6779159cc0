"""The bundled real data sets: shapes, classes, licence, and found after a real install."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qmlstudio._resources import resource_path
from qmlstudio.core import DatasetError, DatasetSpec
from qmlstudio.ml.data.bundled import BUNDLED_DATASETS, bundled_path
from qmlstudio.ml.data.loading import load_dataset

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(("name", "shape", "classes", "counts", "first_feature"), [
    ("iris", (150, 4), ("setosa", "versicolor", "virginica"), [50, 50, 50], "sepal_length"),
    ("wine", (178, 13), (1, 2, 3), [59, 71, 48], "alcohol"),
    ("breast_cancer", (569, 30), ("benign", "malignant"), [357, 212], "mean_radius"),
])
def test_bundled_sets_load_with_their_shapes_and_classes(name, shape, classes, counts,
                                                         first_feature):
    dataset = load_dataset(DatasetSpec.builtin(name))
    assert dataset.features.shape == shape
    assert dataset.task == "classification"
    assert dataset.class_labels == classes
    assert np.bincount(dataset.labels).tolist() == counts
    assert dataset.feature_names[0] == first_feature
    assert dataset.name == name


def test_iris_values_are_fishers():
    iris = load_dataset(DatasetSpec.builtin("iris"))
    np.testing.assert_array_equal(iris.features[0], [5.1, 3.5, 1.4, 0.2])
    # Sample 35 (1-based) as in Fisher's paper; the UCI file has 4.9,3.1,1.5,0.1 here.
    np.testing.assert_array_equal(iris.features[34], [4.9, 3.1, 1.5, 0.2])
    assert iris.features.sum() == pytest.approx(2078.7)


def test_licence_names_source_licence_and_citations():
    text = (ROOT / "resources" / "datasets" / "LICENSE.md").read_text(encoding="utf-8")
    assert "UCI Machine Learning Repository" in text
    assert "CC BY 4.0" in text
    for doi in ("10.24432/C56C76", "10.24432/C5PC7J", "10.24432/C5DW2B"):
        assert doi in text
    for name in BUNDLED_DATASETS:
        assert f"`{bundled_path(name).name}`" in text


def test_bundled_sets_take_no_parameters_and_check_task_and_width():
    with pytest.raises(DatasetError, match="iris: a bundled data set takes no parameters, "
                                           "got seed"):
        load_dataset(DatasetSpec.builtin("iris", seed=1))
    with pytest.raises(DatasetError, match="iris: a classification data set cannot train a "
                                           "regression model"):
        load_dataset(DatasetSpec.builtin("iris"), task="regression")
    with pytest.raises(DatasetError, match="sine: a regression data set cannot train a "
                                           "classification model"):
        load_dataset(DatasetSpec.builtin("sine"), task="classification")
    with pytest.raises(DatasetError, match="breast_cancer: 30 features, but the circuit can "
                                           "encode at most 8; reduce them with PCA"):
        load_dataset(DatasetSpec.builtin("breast_cancer"), max_features=8)
    assert load_dataset(DatasetSpec.builtin("iris"), max_features=4).n_features == 4


def test_installed_package_finds_the_data_sets(tmp_path):
    """``pip install`` (not editable) of a copy of the sources into a prefix: the installed
    code, run away from the checkout, loads Iris from the installed data files."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(ROOT / "resources", source / "resources")
    shutil.copytree(ROOT / "qmlstudio", source / "qmlstudio",
                    ignore=shutil.ignore_patterns("__pycache__"))
    prefix = tmp_path / "prefix"
    install = subprocess.run(
        # --ignore-installed: without it pip would uninstall the running environment's
        # qmlstudio (the developer's editable install) before installing into the prefix.
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--ignore-installed",
         "--prefix", str(prefix), str(source)], capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    site = next(prefix.glob("lib/python*/site-packages"))
    script = ("import qmlstudio.ml.data.bundled as b; import qmlstudio;"
              "print(qmlstudio.__file__); print(b.bundled_path('iris'));"
              "print(b.load_bundled('iris').features.shape)")
    env = os.environ | {"PYTHONPATH": str(site)}
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    package, path, shape = run.stdout.splitlines()
    assert Path(package).resolve().is_relative_to(site.resolve())
    assert Path(path).resolve() == (prefix / "share/qmlstudio/datasets/iris.csv").resolve()
    assert shape == "(150, 4)"


def test_a_missing_resource_names_where_it_was_looked_for():
    with pytest.raises(FileNotFoundError, match=r"datasets/nope.csv is not installed "
                                                r"\(looked in: .*resources"):
        resource_path("datasets", "nope.csv")
