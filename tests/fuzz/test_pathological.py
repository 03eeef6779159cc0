"""Pathological sizes: 10 MB one-line files, a 10⁶-column CSV, JSON nested 10⁵ deep, huge
numbers, exponential gate definitions, and the smallest forms of the bugs fuzzing found. Each
is loaded or refused with a QMLStudioError within a second (one valid 10 MB program, which is
real work, within :data:`VALID_10MB_LIMIT_S`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import check

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.alone  # the time bounds above: see tests/run_alone.py

MB10 = 10 * 1024 * 1024
NEST = 10**5
VALID_10MB_LIMIT_S = 8.0
"""A valid 10 MB QASM line is 1.5 million gates: 1.2–1.9 s to read on an idle 2-core machine,
3.4 s seen in CI under load; the generous bound catches a quadratic reader, not a slow day."""
QASM2 = b'OPENQASM 2.0; include "qelib1.inc"; qreg q[2];'
PROJECT_HEAD = b'{"format": "qmlstudio-project", "schema_version": '

MOONS = (Path(__file__).resolve().parents[2] / "resources" / "examples"
         / "moons.qmlproj").read_bytes()
HUGE_WEIGHT = re.sub(rb'\{"weight": \d+', b'{"weight": 5000000', MOONS, count=1)

CASES = {
    "project: 10 MB string in one line": ("project", PROJECT_HEAD + b'2, "name": "'
                                          + b"a" * MB10 + b'"}'),
    "project: 10 MB of non-JSON": ("project", b"a" * MB10),
    "project: lists nested 1e5 deep": ("project", b"[" * NEST + b"]" * NEST),
    "project: objects nested 1e5 deep": ("project", b'{"a":' * NEST + b"1" + b"}" * NEST),
    "project: 100,000-digit integer": ("project", PROJECT_HEAD + b"9" * 100_000 + b"}"),
    "project: 1e400": ("project", PROJECT_HEAD + b"1e400}"),
    "project: weight index 5e6": ("project", HUGE_WEIGHT),
    "model: 10 MB list in one line": ("model", b"[" + b"1," * (MB10 // 2) + b"1]"),
    "model: lists nested 1e5 deep": ("model", b"[" * NEST + b"]" * NEST),
    "model: 100,000-digit integer": ("model", b"9" * 100_000),
    "csv: 10 MB cell in one line": ("csv", b"a" * MB10),
    "csv: 1e6-column header only": ("csv", b",".join(b"c%d" % i for i in range(10**6))),
    "csv: 1e6 columns, two rows": ("csv", (b",".join([b"1"] * 10**6) + b"\n") * 2),
    "csv: 10 MB of numbers in one line": ("csv", b"1," * (MB10 // 2) + b"1"),
    "csv: huge numbers": ("csv", b"x,y\n" + b"1e999,0\n-1e999,1\n" * 50
                          + b"9" * 100_000 + b",1\n"),
    "qasm: 1e999 and 9**9**9 angles": ("qasm-text", QASM2 + b"rx(1e999) q[0]; rx(9**9**9) q[1];"),
    "qasm: parentheses nested 1e5 deep": ("qasm-text", QASM2 + b"rx(" + b"(" * NEST + b"1"
                                          + b")" * NEST + b") q[0];"),
    "qasm: 1e5 unary minus signs": ("qasm-text", QASM2 + b"rx(" + b"-" * NEST + b"1) q[0];"),
    "qasm: register of 10**8 qubits": ("qasm-text", b"OPENQASM 2.0; qreg q[100000000]; h q[0];"),
    "qasm: a recursive gate": ("qasm-text", QASM2 + b"gate g a { g a; } g q[0];"),
    "qasm: 5,000-digit qubit index": ("qasm-text", QASM2 + b"h q[" + b"1" * 5000 + b"];"),
    "qasm: 5,000-digit register size": ("qasm-text", b"OPENQASM 2.0; qreg q[" + b"1" * 5000
                                        + b"];"),
    "qasm: weight index 10**9": ("qasm-text", b"OPENQASM 3; input float w999999999; qubit q; "
                                 b"rx(w999999999) q;"),
    "qasm: 5,000-digit input name": ("qasm-text", b"OPENQASM 3; input float x" + b"9" * 5000
                                     + b"; qubit q; rx(x" + b"9" * 5000 + b") q;"),
    "qasm: a NUL in text that looks like a path": ("qasm-text", b"a\0b.qasm"),
    "qasm: 25,000 characters and no terminator": ("qasm-text", b"a" * 25_000),
}


@pytest.mark.parametrize("target, data", CASES.values(), ids=CASES.keys())
def test_pathological_input_is_refused_or_read_within_a_second(target, data):
    check(target, data)


@pytest.mark.parametrize("target", ["qasm-text", "qasm-file"])
def test_a_valid_10mb_one_line_program_is_read(target):
    gates = b"h q[0];" * ((MB10 - len(QASM2)) // 7)
    assert check(target, QASM2 + gates, time_limit=VALID_10MB_LIMIT_S) == "ok"


def test_exponential_gate_definitions_are_refused():
    # Each of 40 gates calls the previous one twice: 2**39 operations from 1.6 kB. In a child
    # process, because without the bound the expansion eats all memory inside one C call,
    # where no alarm gets in: only a process can be stopped safely.
    program = (QASM2 + b" gate g0 a { h a; }"
               + b"".join(b"gate g%d a { g%d a; g%d a; }" % (i, i - 1, i - 1)
                          for i in range(1, 40)) + b" g39 q[0];")
    code = ("import sys; from tests.fuzz.harness import check; "
            "print(check('qasm-text', sys.stdin.buffer.read()))")
    try:
        done = subprocess.run([sys.executable, "-c", code], input=program, cwd=ROOT,
                              timeout=20, capture_output=True, text=False)
    except subprocess.TimeoutExpired:
        pytest.fail("still running after 20 s")
    assert done.returncode == 0, done.stderr.decode()[-2000:]
