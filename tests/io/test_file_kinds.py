"""Telling files apart by their content."""

from __future__ import annotations

import pytest

from qmlstudio.core import Circuit, Project
from qmlstudio.io import to_qasm
from qmlstudio.io.file_kinds import file_kind, wrong_kind
from qmlstudio.io.project_file import project_text


@pytest.mark.parametrize(("data", "kind"), [
    (to_qasm(Circuit(2).add("h", 0)).encode(), "openqasm"),
    (b"\xef\xbb\xbf// a comment first\n\nOPENQASM 2.0;\nqreg q[1];\n", "openqasm"),
    (project_text(Project(Circuit(1))).encode(), "project"),
    (b'{\n  "format": "qmlstudio-model",\n  "schema_version": 1\n}', "model"),
    (b"a,b,label\n1,2,x\n", "csv"),
    (b"a;b\n1;2\n", "csv"),
    (b"a\tb\n1\t2\n", "csv"),
    (b'{"format": "something-else"}', None),
    (b"just some words\nand more\n", None),
    (b"", None),
    (b"\x00\x01binary,\n", None),
])
def test_file_kind(data, kind):
    assert file_kind(data) == kind


def test_wrong_kind_names_the_file_what_it_is_and_what_to_do():
    qasm = to_qasm(Circuit(1).add("x", 0)).encode()
    assert wrong_kind("c.qasm", qasm, "project").startswith(
        "c.qasm: an OpenQASM circuit, not a QML Studio project; create a project with "
        "'qmlstudio new --model NAME --data DATASET -o OUT.qmlproj'")
    assert wrong_kind("p.qmlproj", project_text(Project(Circuit(1))).encode(), "project") is None
    assert wrong_kind("d.csv", b"a,b\n1,2\n", "csv") is None
    assert wrong_kind("d.csv", b"a,b\n1,2\n", "model").endswith(
        "the model comes first: 'qmlstudio predict MODEL.qmodel d.csv'")
    assert wrong_kind("weird.txt", b"hello\n", "project") is None  # unknown: the parser speaks
