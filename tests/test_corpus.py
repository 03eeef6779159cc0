"""The rule for the OpenQASM corpus: missing means skipped on a developer machine, failed in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import corpus_path, corpus_root, in_ci


@pytest.mark.parametrize(("value", "expected"), [
    ("true", True), ("1", True), ("True", True), ("yes", True),
    ("", False), ("0", False), ("false", False), ("FALSE", False), ("no", False),
])
def test_the_ci_variable_decides(value, expected):
    assert in_ci({"CI": value}) is expected


def test_no_ci_variable_is_a_developer_machine():
    assert not in_ci({})


def test_a_missing_corpus_fails_in_ci(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"missing: .*nowhere.* CI must run"):
        corpus_path("nowhere", "x.qasm", root=tmp_path)


def test_a_missing_corpus_is_skipped_on_a_developer_machine(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"missing: .*nowhere"):
        corpus_path("nowhere", root=tmp_path)


def test_a_present_corpus_is_returned_in_and_out_of_ci(tmp_path, monkeypatch):
    (tmp_path / "large").mkdir()
    (tmp_path / "large" / "a.qasm").write_text("OPENQASM 2.0;\n")
    for value in ("true", ""):
        monkeypatch.setenv("CI", value)
        assert corpus_path("large", "a.qasm", root=tmp_path) == tmp_path / "large" / "a.qasm"


def test_the_corpus_is_looked_for_beside_the_repository_unless_told(tmp_path):
    repository = Path(__file__).resolve().parent.parent  # the folder holding pyproject.toml
    assert (repository / "pyproject.toml").is_file()
    assert corpus_root({}) == repository.parent / "shared" / "qasm"
    assert corpus_root({"QMLSTUDIO_QASM_CORPUS": ""}) == corpus_root({})
    assert corpus_root({"QMLSTUDIO_QASM_CORPUS": str(tmp_path)}) == tmp_path


def test_the_variable_is_where_tests_look(tmp_path, monkeypatch):
    (tmp_path / "large").mkdir()
    (tmp_path / "large" / "a.qasm").write_text("OPENQASM 2.0;\n")
    monkeypatch.setenv("QMLSTUDIO_QASM_CORPUS", str(tmp_path))
    assert corpus_path("large", "a.qasm") == tmp_path / "large" / "a.qasm"
