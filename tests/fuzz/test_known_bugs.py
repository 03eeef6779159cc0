"""Bugs the fuzzing found in code this package does not own, each as the smallest failing
input. They are ``xfail(strict=True)``: when a fix lands the test passes, pytest reports
XPASS as a failure, and the marker must go (the test then guards the fix)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .harness import check

ROOT = Path(__file__).resolve().parents[2]


def test_qasm_text_with_a_nul_that_looks_like_a_path():
    check("qasm-text", b"a\0b.qasm")


@pytest.mark.xfail(strict=True, reason="qasm_reader calls int() on any run of digits; past "
                   "4,300 digits Python raises a bare ValueError (int max str digits)")
@pytest.mark.parametrize("program", [
    b"OPENQASM 2.0; qreg q[2]; h q[" + b"1" * 5000 + b"];",
    b"OPENQASM 2.0; qreg q[" + b"1" * 5000 + b"];",
], ids=["operand index", "register size"])
def test_qasm_numbers_with_thousands_of_digits(program):
    check("qasm-text", program)


def test_qasm_text_without_a_terminator_is_refused_quickly():
    check("qasm-text", b"a" * 25_000)


@pytest.mark.xfail(strict=True, reason="table.table_dataset converts every feature column "
                   "one by one (~3 us each) before looking at the label: a 1e6-column row "
                   "takes ~3 s, a 10 MB '1,1,1,...' line ~28 s")
def test_csv_with_a_million_columns_is_refused_quickly():
    row = b",".join([b"1"] * 10**6)
    check("csv", row + b"\n" + row + b"\n")


@pytest.mark.xfail(strict=True, reason="qasm_reader expands user gates inline with no bound: "
                   "40 lines defining each gate as two calls of the previous one ask for 2**39 "
                   "operations (hangs, then runs out of memory; 2**20 already takes 6.6 s)")
def test_qasm_exponential_gate_expansion_is_refused():
    # In a child process: the expansion can sit in one C call (no alarm gets in) and eat all
    # memory, so only a process that can be killed is safe.
    program = (b'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; gate g0 a { h a; }'
               + b"".join(b"gate g%d a { g%d a; g%d a; }" % (i, i - 1, i - 1)
                          for i in range(1, 40)) + b" g39 q[0];")
    code = ("import sys; from tests.fuzz.harness import check; "
            "check('qasm-text', sys.stdin.buffer.read())")
    try:
        subprocess.run([sys.executable, "-c", code], input=program, cwd=ROOT, timeout=8,
                       check=True, capture_output=True)
    except subprocess.TimeoutExpired:
        pytest.fail("still running after 8 s")
