"""Expression parameters in project files: the JSON form, round trips, schema 3 and clear
errors at the JSON path of a bad expression."""

import dataclasses
import json
import math

import pytest

from qmlstudio.core import ProjectError, w, x
from qmlstudio.io.project_codec import SCHEMA_VERSION
from qmlstudio.io.project_file import load_project, project_text, save_project
from tests.io.project_helpers import sample_circuit, sample_project

REUPLOAD = w(11) * x(1) + w(0)
HAVLICEK = (math.pi - x(0)) * (math.pi - x(2))


def _expr_project():
    circuit = sample_circuit().add("ry", 1, REUPLOAD).add("rzz", [0, 2], HAVLICEK)
    return dataclasses.replace(sample_project(), circuit=circuit)


def test_expressions_round_trip_byte_identical(tmp_path):
    project = _expr_project()
    path = tmp_path / "expr.qmlproj"
    save_project(project, path)
    loaded = load_project(path)
    assert loaded == project
    assert loaded.circuit.operations[-2].params == (REUPLOAD,)
    assert project_text(loaded) == path.read_text(encoding="utf-8")


def test_the_json_form_of_an_expression(tmp_path):
    document = json.loads(project_text(_expr_project()))
    assert document["schema_version"] == SCHEMA_VERSION >= 3
    ops = document["circuit"]["operations"]
    assert ops[-2]["params"] == [{"constant": 0.0, "terms": [
        {"coefficient": 1.0, "factors": [{"weight": 11},
                                         {"feature": 1, "scale": 1.0, "offset": 0.0}]},
        {"coefficient": 1.0, "factors": [{"weight": 0}]}]}]
    assert ops[-1]["params"][0]["terms"][0]["factors"][0] == {
        "feature": 0, "scale": -1.0, "offset": math.pi}


def test_a_schema_2_file_opens_unchanged(tmp_path):
    project = sample_project()
    document = json.loads(project_text(project))
    document["schema_version"] = 2
    path = tmp_path / "v2.qmlproj"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert load_project(path) == project


def test_hand_written_expressions_take_defaults(tmp_path):
    document = json.loads(project_text(_expr_project()))
    document["circuit"]["operations"][-2]["params"] = [
        {"terms": [{"factors": [{"weight": 3}, {"feature": 1}]}]}]
    path = tmp_path / "hand.qmlproj"
    path.write_text(json.dumps(document), encoding="utf-8")
    project = load_project(path)
    assert project.circuit.operations[-2].params == (w(3) * x(1),)


BAD = [
    ({"constant": 0, "terms": [{"coefficient": 1, "factors": [{"weight": 0}, {"weight": 1}]}]},
     "params[0].terms[0]: a term may hold at most one weight"),
    ({"terms": [{"factors": [{"feature": 0}] * 4}]},
     "params[0].terms[0]: a term may multiply at most 3 factors"),
    ({"terms": [{"factors": [0.5]}]},
     'params[0].terms[0].factors[0]: expected {"weight": k} or {"feature": j'),
    ({"terms": [{"factors": []}]}, "params[0].terms[0]: a term needs a non-empty"),
    ({"terms": [{"factors": [{"weight": -1}]}]},
     "params[0].terms[0].factors[0].weight: must be at least 0"),
    ({"terms": "w0*x1"}, "params[0].terms: expected a list, got the text"),
    ({"constant": "pi", "terms": []}, "params[0].constant: expected a number"),
    ({"terms": [], "scale": 2}, "params[0].scale: unknown field"),
    ({"terms": [{"coefficient": math.inf, "factors": [{"weight": 0}]}]},
     "params[0].terms[0].coefficient"),
]


@pytest.mark.parametrize(("param", "expected"), BAD, ids=[e for _, e in BAD])
def test_a_bad_expression_is_named_at_its_json_path(tmp_path, param, expected):
    document = json.loads(project_text(_expr_project()))
    document["circuit"]["operations"][-2]["params"] = [param]
    path = tmp_path / "bad.qmlproj"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        load_project(path)
    n_ops = len(document["circuit"]["operations"])
    assert f"circuit.operations[{n_ops - 2}].{expected}" in str(caught.value)

