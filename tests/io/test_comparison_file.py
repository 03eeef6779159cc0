"""A saved comparison in the project file: round trip, JSON form, old files, bad values."""

import json

import pytest

from qmlstudio.core import ProjectError
from qmlstudio.io import load_project, project_text, save_project
from qmlstudio.io.project_codec import SCHEMA_VERSION
from tests.io.project_helpers import sample_comparison, sample_project


def test_a_comparison_round_trips_through_the_file(tmp_path):
    project = sample_project(comparison=sample_comparison())
    path = tmp_path / "compared.qmlproj"
    save_project(project, path)
    loaded = load_project(path)
    assert loaded == project
    assert loaded.comparison.models[2].best_params == (("max_depth", "None"),
                                                       ("min_samples_leaf", 5))
    assert project_text(loaded) == path.read_text(encoding="utf-8")


def test_the_json_form_has_one_line_per_seed_run():
    document = json.loads(project_text(sample_project(comparison=sample_comparison())))
    assert document["schema_version"] == SCHEMA_VERSION >= 4
    assert list(document)[-2:] == ["comparison", "noise"]
    comparison = document["comparison"]
    assert list(comparison) == ["metric", "folds", "seeds", "fingerprint", "models"]
    assert comparison["models"][0]["runs"][1] == {
        "seed": 1, "test_score": 0.9, "cv_score": 0.84,
        "best_params": {"learning_rate": 0.1}, "fit_seconds": 0.5, "search_seconds": 4.0,
        "n_params": 26}
    text = project_text(sample_project(comparison=sample_comparison()))
    assert '{"seed": 0, "test_score": 0.85' in text  # a run is one line


def test_a_project_without_one_writes_null():
    assert json.loads(project_text(sample_project()))["comparison"] is None


def test_a_schema_3_file_opens_without_a_comparison(tmp_path):
    project = sample_project()
    document = json.loads(project_text(project))
    del document["comparison"], document["noise"]
    document["schema_version"] = 3
    path = tmp_path / "v3.qmlproj"
    path.write_text(json.dumps(document), encoding="utf-8")
    loaded = load_project(path)
    assert loaded == project and loaded.comparison is None
    save_project(loaded, path)
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


@pytest.mark.parametrize(("edit", "message"), [
    (lambda c: c.update(metric="f1"),
     "comparison.metric: must be one of 'accuracy', 'r2', got 'f1'"),
    (lambda c: c["models"][1]["runs"][0].update(test_score="high"),
     r"comparison.models\[1\].runs\[0\].test_score: expected a number, got the text 'high'"),
    (lambda c: c["models"][1]["runs"].pop(),
     r"comparison.models\[1\].runs: seeds \[0\] differ from the comparison's \[0, 1\]"),
    (lambda c: c["models"][2].update(key="mlp"),
     r"comparison.models\[2\].key: 'mlp' appears twice"),
    (lambda c: c["models"][0]["runs"][0]["best_params"].update(layers=[1, 2]),
     r"comparison.models\[0\].runs\[0\].best_params.layers: expected a number, true/false or "
     r"text, got a list"),
    (lambda c: c.update(colour="red"), r"comparison.colour: unknown field"),
])
def test_a_bad_comparison_is_reported_at_its_json_path(tmp_path, edit, message):
    document = json.loads(project_text(sample_project(comparison=sample_comparison())))
    edit(document["comparison"])
    path = tmp_path / "bad.qmlproj"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ProjectError, match=message):
        load_project(path)


def test_the_summaries_of_a_model():
    mlp = sample_comparison().models[1]
    assert mlp.test_mean == pytest.approx(0.925)
    assert mlp.test_spread == pytest.approx(0.05 / 2 ** 0.5)
    assert mlp.fit_seconds == pytest.approx(0.375) and mlp.search_seconds == pytest.approx(3.75)
    assert mlp.n_params == 81
    assert mlp.best_params == (("alpha", 0.01), ("hidden_layer_sizes", "(16,)"))
    assert sample_comparison().quantum.name == "Quantum model"
