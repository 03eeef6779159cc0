"""Dynamic OpenQASM programs: ``reset``, mid-circuit ``measure``, gates steered by results
(``if``, QASM 2 and 3 forms) and ``const`` import as exact channels, and simulate to Qiskit
Aer's density matrix within 1e-10 (tests/reference/dynamic_oracle.py: Qiskit's parser, Aer's
reset, results copied onto ancillas, Qiskit's own controlled gates). What cannot be honoured is
refused by line in tests/io/test_qasm_import.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import qiskit.qasm2
import qiskit.qasm3

from qmlstudio.core import Circuit
from qmlstudio.io import from_qasm, parse_qasm, read_qasm, to_qasm
from tests.io.qasm_helpers import assert_density_matches
from tests.reference.dynamic_oracle import aer_dynamic_density_matrix

EXAMPLES = Path(__file__).parent / "data" / "openqasm3"

STEERED_QASM2 = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[5];
creg a[1];
creg b[2];
creg never[2];
h q[0];
ry(0.7) q[1];
cx q[0], q[1];
u3(0.3, 0.4, 0.5) q[2];
h q[3];
ry(1.1) q[4];
measure q[0] -> a[0];
measure q[1] -> b[0];
if(a==1) x q[2];
if(a==0) u3(0.1, 0.2, 0.3) q[3];
if(a==1) u2(0.4, 0.5) q[4];
if(a==1) s q[2];
if(a==0) tdg q[3];
if(a==1) sx q[4];
if(a==1) y q[2];
if(a==1) rz(0.9) q[3];
if(a==0) u1(0.6) q[4];
if(b==1) cx q[2], q[3];
if(b==1) swap q[3], q[4];
if(b==2) x q[3];
if(never==0) h q[4];
measure q[2] -> never[0];
measure q[3] -> never[1];
if(never==1) x q[4];
if(never==3) z q[4];
if(never==2) x q[0];
reset q[1];
h q[1];
rx(0.4) q[0];
measure q[0] -> a[0];
measure q[4] -> b[1];
"""

STEERED_QASM3 = """OPENQASM 3.0;
include "stdgates.inc";
const float[64] theta = pi / 8;
const int[32] two = 2;
qubit[3] q;
bit[2] c;
bit d;
reset q;
h q[0];
rx(two * theta) q[1];
cx q[0], q[1];
c[0] = measure q[0];
if (c[0]) {
    h q[2];
    rz(theta) q[2];
}
c[1] = measure q[1];
if (c[1] == false) ry(0.3) q[2];
if (c == 3) { x q[2]; }
if (c == 1) { ry(0.8) q[2]; }
d = measure q[2];
"""


def _aer(text: str, version: int):
    if version == 2:
        return aer_dynamic_density_matrix(qiskit.qasm2.loads(
            text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS))
    # Qiskit's OpenQASM 3 importer takes 'bit == true', not the 'bit == 1' of the examples,
    # no cast and no 'const': the constants are written in (in parentheses) for it.
    text = re.sub(r"\b(c\d)\s*==\s*1\b", r"\1 == true", text)
    text = re.sub(r"\bu?int\[\d+\]\((\w+)\)", r"\1", text)  # nor the cast int[4](c)
    constants = re.findall(r"const \w+(?:\[\d+\])? (\w+) = ([^;]+);", text)
    text = re.sub(r"const [^;]+;", "", text)
    for name, value in constants:
        text = re.sub(rf"\b{name}\b", f"({value})", text)
    return aer_dynamic_density_matrix(qiskit.qasm3.loads(text))


@pytest.mark.parametrize(("text", "version"), [(STEERED_QASM2, 2), (STEERED_QASM3, 3)],
                         ids=["qasm2", "qasm3"])
def test_steered_programs_equal_aer(text, version):
    circuit = parse_qasm(text)
    assert circuit.has_channels
    assert_density_matches(circuit, _aer(text, version))


@pytest.mark.parametrize("name", ["teleport.qasm", "inverseqft1.qasm", "inverseqft2.qasm"])
def test_openqasm3_specification_examples_equal_aer(name):
    path = EXAMPLES / name
    circuit = read_qasm(path)
    assert circuit.has_channels and circuit.measured == (circuit.n_qubits - 1,)
    assert_density_matches(circuit, _aer(path.read_text(encoding="utf-8"), 3))


def test_how_measurements_and_resets_are_read():
    circuit = from_qasm(STEERED_QASM3)
    # The leading 'reset q;' is the identity on |0⟩: dropped. The measured qubits that steer a
    # gate stay as mid-circuit measurements; the last measurement of q[2] is final.
    assert [op.gate for op in circuit.operations if op.is_channel] == ["measure", "measure"]
    assert circuit.measured == (2,)
    # A steered x on one result is cx from the measured qubit; 'a == 0' flips it around.
    two = parse_qasm('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg a[1];\n'
                     'h q[0];\nmeasure q[0] -> a[0];\nif(a==0) x q[1];')
    assert two == (Circuit(2).add("h", 0).add("measure", 0).add("x", 0).add("cx", (0, 1))
                   .add("x", 0))
    # A program whose only dynamic parts are a leading reset and final measurements is ideal.
    ideal = from_qasm("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\n"
                      "reset q;\nh q[0];\ncx q[0], q[1];\nc = measure q;")
    assert not ideal.has_channels and ideal.measured == (0, 1)


def test_an_imported_dynamic_program_exports_and_reads_back():
    circuit = parse_qasm(STEERED_QASM2)
    for version in (2, 3):
        assert parse_qasm(to_qasm(circuit, version)) == circuit
