"""Dynamic OpenQASM programs: ``reset``, mid-circuit ``measure``, gates steered by results
(``if`` and ``else``, QASM 2 and 3 forms, results kept on record wires) and ``const`` import as
exact channels, and simulate to Qiskit
Aer's density matrix within 1e-10 (tests/reference/dynamic_oracle.py: Qiskit's parser, Aer's
reset, results copied onto ancillas, Qiskit's own controlled gates). What cannot be honoured is
refused by line in tests/io/test_qasm_import.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import qiskit.qasm2
import qiskit.qasm3

from qmlstudio.core import GATES, Circuit, CircuitError, Operation
from qmlstudio.engine import MAX_DENSITY_QUBITS, density_expval
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

# c[0] is read after q[0] was reset and c[1] after h on q[1]: each needs a record wire (the
# register r declared in between still comes before them); c[1] read while q[1] is only
# flipped needs none; else blocks and one-line else, on one result and on the register.
RECORDED_QASM3 = """OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[2] c;
bit d;
h q[0];
ry(0.9) q[1];
cx q[0], q[1];
u3(0.3, 0.4, 0.5) q[2];
c[0] = measure q[0];
c[1] = measure q[1];
reset q[0];
ry(0.4) q[0];
x q[1];
if (c[0]) { rx(0.7) q[2]; } else { h q[2]; }
qubit r;
ry(1.2) r;
if (c == 2) ry(0.5) q[0]; else rz(0.3) q[2];
h q[1];
if (c[1]) { cx q[2], r; }
else { ry(0.8) r; }
d = measure q[2];
if (d == false) rx(0.2) q[0]; else ry(0.6) q[0];
"""

# Two bits measured off one qubit (with an x between) are one control, or a condition that
# can never hold, whose else always runs.
ONE_WIRE_QASM3 = """OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
ry(1.1) q[0];
c[0] = measure q[0];
x q[0];
c[1] = measure q[0];
if (c == 1) ry(0.5) q[1]; else rx(0.4) q[1];
if (c == 3) h q[1]; else rz(0.3) q[1];
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


@pytest.mark.parametrize(("text", "version"), [(STEERED_QASM2, 2), (STEERED_QASM3, 3),
                                               (RECORDED_QASM3, 3), (ONE_WIRE_QASM3, 3)],
                         ids=["qasm2", "qasm3", "records-and-else", "one-wire"])
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


def test_record_wires_follow_the_declared_qubits_and_are_named():
    circuit = parse_qasm(RECORDED_QASM3)
    # q[0..2] and r are wires 0-3; the records of c[0] and c[1] are wires 4 and 5, each
    # written by a cx right after its measurement, in a group that says what it keeps.
    assert circuit.n_qubits == 6
    records = [(k, op) for k, op in enumerate(circuit.operations)
               if op.group and op.group.startswith("record")]
    assert [(op.gate, op.wires, op.group) for _, op in records] == [
        ("cx", (0, 4), "record c[0]#0"), ("cx", (1, 5), "record c[1]#1")]
    for k, op in records:
        assert circuit.operations[k - 1] == Operation("measure", (op.wires[0],))
    # After its copy a record wire is only a control (between x gates where a condition asks
    # for 0).
    copies = [op for _, op in records]
    for op in circuit.operations:
        for wire in () if op in copies else {4, 5} & set(op.wires):
            assert op.gate == "x" or op.wires.index(wire) < GATES[op.gate].n_controls, op
    assert parse_qasm(to_qasm(circuit, 3)) == circuit


def test_else_on_one_result_is_the_gate_under_the_other_value():
    text = ('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit c;\nh q[0];\n'
            'c = measure q[0];\nif (c) { x q[1]; } else { h q[1]; }')
    assert parse_qasm(text) == (Circuit(2).add("h", 0).add("measure", 0).add("cx", (0, 1))
                                .add("x", 0).add("ch", (0, 1)).add("x", 0))


def test_record_wires_count_in_the_memory_guard():
    n = MAX_DENSITY_QUBITS
    circuit = parse_qasm(f'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[{n}] q;\nbit c;\n'
                         'h q[0];\nc = measure q[0];\nreset q[0];\nif (c) x q[1];')
    assert circuit.n_qubits == n + 1
    one_matrix = 16 << 2 * (n + 1)  # complex128 entries of a (n+1)-qubit density matrix
    with pytest.raises(CircuitError, match=rf"simulation of {n + 1} qubits needs .*"
                                           rf"\({one_matrix:,} bytes\)"):
        density_expval(circuit, None, [], noise_method="density")
