"""Pathological sizes: 10 MB one-line files, a 10⁶-column CSV, JSON nested 10⁵ deep, huge
numbers. Each is loaded or refused with a QMLStudioError within a second (one valid 10 MB
program, which is real work, within :data:`VALID_10MB_LIMIT_S`)."""

from __future__ import annotations

import pytest

from .harness import check

MB10 = 10 * 1024 * 1024
NEST = 10**5
VALID_10MB_LIMIT_S = 3.0
"""A valid 10 MB QASM line is 1.5 million gates: ~1.2 s to read here, so a looser limit."""
QASM2 = b'OPENQASM 2.0; include "qelib1.inc"; qreg q[2];'
PROJECT_HEAD = b'{"format": "qmlstudio-project", "schema_version": '

CASES = {
    "project: 10 MB string in one line": ("project", PROJECT_HEAD + b'2, "name": "'
                                          + b"a" * MB10 + b'"}'),
    "project: 10 MB of non-JSON": ("project", b"a" * MB10),
    "project: lists nested 1e5 deep": ("project", b"[" * NEST + b"]" * NEST),
    "project: objects nested 1e5 deep": ("project", b'{"a":' * NEST + b"1" + b"}" * NEST),
    "project: 100,000-digit integer": ("project", PROJECT_HEAD + b"9" * 100_000 + b"}"),
    "project: 1e400": ("project", PROJECT_HEAD + b"1e400}"),
    "model: 10 MB list in one line": ("model", b"[" + b"1," * (MB10 // 2) + b"1]"),
    "model: lists nested 1e5 deep": ("model", b"[" * NEST + b"]" * NEST),
    "model: 100,000-digit integer": ("model", b"9" * 100_000),
    "csv: 10 MB cell in one line": ("csv", b"a" * MB10),
    "csv: 1e6-column header only": ("csv", b",".join(b"c%d" % i for i in range(10**6))),
    "csv: huge numbers": ("csv", b"x,y\n" + b"1e999,0\n-1e999,1\n" * 50
                          + b"9" * 100_000 + b",1\n"),
    "qasm: 1e999 and 9**9**9 angles": ("qasm-text", QASM2 + b"rx(1e999) q[0]; rx(9**9**9) q[1];"),
    "qasm: parentheses nested 1e5 deep": ("qasm-text", QASM2 + b"rx(" + b"(" * NEST + b"1"
                                          + b")" * NEST + b") q[0];"),
    "qasm: 1e5 unary minus signs": ("qasm-text", QASM2 + b"rx(" + b"-" * NEST + b"1) q[0];"),
    "qasm: register of 10**8 qubits": ("qasm-text", b"OPENQASM 2.0; qreg q[100000000]; h q[0];"),
    "qasm: a recursive gate": ("qasm-text", QASM2 + b"gate g a { g a; } g q[0];"),
}


@pytest.mark.parametrize("target, data", CASES.values(), ids=CASES.keys())
def test_pathological_input_is_refused_or_read_within_a_second(target, data):
    check(target, data)


@pytest.mark.parametrize("target", ["qasm-text", "qasm-file"])
def test_a_valid_10mb_one_line_program_is_read(target):
    gates = b"h q[0];" * ((MB10 - len(QASM2)) // 7)
    assert check(target, QASM2 + gates, time_limit=VALID_10MB_LIMIT_S) == "ok"
