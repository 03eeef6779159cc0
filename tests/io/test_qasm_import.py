"""parse_qasm / read_qasm / from_qasm: what they read, what it means (checked against Qiskit),
and what they refuse."""

import math
import textwrap

import numpy as np
import pytest
import qiskit.qasm2
import qiskit.qasm3

import qmlstudio as qs
from qmlstudio.core import Circuit, Const, Feature, Operation, QasmError, Weight, w, x
from qmlstudio.io import from_qasm, parse_qasm, read_qasm
from tests.io.qasm_helpers import qiskit_state

Q2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
Q3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'


def _q2(body: str) -> str:
    return Q2 + textwrap.dedent(body)


def _q3(body: str) -> str:
    return Q3 + textwrap.dedent(body)


def test_qasm2_program():
    circuit = from_qasm(_q2("""
        qreg q[2];
        creg c[2];
        h q[0];
        cx q[0],q[1];
        rz(-pi/4) q[1];
        u1(pi/2) q[0];
        measure q[1] -> c[0];
        measure q[0] -> c[1];
    """))
    assert circuit == Circuit(2, (
        Operation("h", (0,)),
        Operation("cx", (0, 1)),
        Operation("rz", (1,), (-math.pi / 4,)),
        Operation("p", (0,), (math.pi / 2,)),
    ), measured=(1, 0))


def test_registers_are_flattened_in_declaration_order():
    circuit = from_qasm(_q2("""
        qreg a[2];
        qreg b[1];
        qreg c[2];
        x b[0];
        cx a[1], c[0];
    """))
    assert circuit.n_qubits == 5
    assert [op.wires for op in circuit.operations] == [(2,), (1, 3)]


def test_whole_registers_broadcast():
    circuit = from_qasm(_q2("""
        qreg a[2];
        qreg b[2];
        creg c[2];
        h a;
        cx a, b;
        cx a[0], b;
        measure b -> c;
    """))
    assert [(op.gate, op.wires) for op in circuit.operations] == [
        ("h", (0,)), ("h", (1,)), ("cx", (0, 2)), ("cx", (1, 3)), ("cx", (0, 2)), ("cx", (0, 3))]
    assert circuit.measured == (2, 3)


def test_qasm3_registers_and_measure_forms():
    circuit = from_qasm(_q3("""
        qubit[2] q;
        qubit r;
        bit[2] c;
        bit d;
        h r;
        cx q[0], q[1];
        c[0] = measure q[1];
        d = measure r;
        measure q[0];
    """))
    assert circuit.n_qubits == 3
    assert [(op.gate, op.wires) for op in circuit.operations] == [("h", (2,)), ("cx", (0, 1))]
    assert circuit.measured == (1, 2, 0)


def test_barriers_are_ignored_and_measure_then_other_gates_is_fine():
    circuit = from_qasm(_q2("""
        qreg q[2];
        creg c[2];
        h q[0];
        measure q[0] -> c[0];
        barrier q;
        h q[1];
        measure q[1] -> c[1];
    """))
    assert [op.wires for op in circuit.operations] == [(0,), (1,)]
    assert circuit.measured == (0, 1)


@pytest.mark.parametrize(("expression", "value"), [
    ("pi", math.pi), ("-pi/4", -math.pi / 4), ("3*pi/4", 3 * math.pi / 4),
    ("2^3", 8.0), ("-2^2", -4.0), ("sin(pi/2) + cos(0)", 2.0), ("sqrt(2)/2", math.sqrt(2) / 2),
    ("exp(ln(3))", 3.0), ("tan(0.25)", math.tan(0.25)), ("(1+2)*(3-4)/5", -0.6),
    ("1.5e-3", 1.5e-3), (".5", 0.5), ("2.", 2.0),
])
def test_qasm2_expressions(expression, value):
    op = from_qasm(_q2(f"qreg q[1];\nrz({expression}) q[0];")).operations[0]
    assert op.params[0].value == pytest.approx(value, abs=1e-15)


@pytest.mark.parametrize(("expression", "value"), [
    ("2**3", 8.0), ("π/2", math.pi / 2), ("tau", math.tau), ("euler", math.e),
    ("arccos(0)", math.pi / 2), ("log(euler)", 1.0),
])
def test_qasm3_expressions(expression, value):
    op = from_qasm(_q3(f"qubit[1] q;\nrz({expression}) q[0];")).operations[0]
    assert op.params[0].value == pytest.approx(value, abs=1e-15)


def test_user_gates_expand_with_parameters_and_groups():
    circuit = from_qasm(_q2("""
        gate twist(t) a { rz(2*t) a; ry(t/2 + pi) a; }
        gate pair(s) a, b { twist(s - 1) b; cx a, b; }
        qreg q[3];
        pair(0.5) q[2], q[0];
        twist(1) q[1];
        pair(1.5) q[0], q[1];
    """))
    ops = circuit.operations
    assert [(op.gate, op.wires, op.group) for op in ops] == [
        ("rz", (0,), "pair#0"), ("ry", (0,), "pair#0"), ("cx", (2, 0), "pair#0"),
        ("rz", (1,), "twist#0"), ("ry", (1,), "twist#0"),
        ("rz", (1,), "pair#1"), ("ry", (1,), "pair#1"), ("cx", (0, 1), "pair#1"),
    ]
    assert ops[0].params == (Const(-1.0),)
    assert ops[1].params[0].value == pytest.approx(-0.25 + math.pi)


def test_broadcast_user_gate_makes_one_group_per_application():
    circuit = from_qasm(_q2("gate hh a { h a; h a; }\nqreg q[2];\nhh q;"))
    assert [op.group for op in circuit.operations] == ["hh#0", "hh#0", "hh#1", "hh#1"]


def test_definition_of_a_library_gate_is_that_gate_only_if_exact():
    exact = from_qasm(_q2("""
        gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }
        qreg q[2];
        rzz(0.3) q[0], q[1];
    """))
    assert exact.operations == (Operation("rzz", (0, 1), (0.3,)),)
    # u1 differs from rz by a global phase: the file's own definition is honoured.
    redefined = from_qasm(_q2("gate rz(t) a { u1(t) a; }\nqreg q[1];\nrz(0.3) q[0];"))
    assert redefined.operations == (Operation("p", (0,), (0.3,), "rz#0"),)


def test_inputs_become_features_and_weights():
    circuit = from_qasm(_q3("""
        input float[64] alpha;
        input float[64] x1;
        input angle[32] w2;
        input float beta;
        qubit[1] q;
        rx(x1) q[0];
        ry(alpha) q[0];
        rz(beta) q[0];
        rx(w2) q[0];
        ry(0.5*x1 + 0.1) q[0];
        rz(-x1/4 - pi) q[0];
        rx(2 - x1) q[0];
    """))
    assert [op.params[0] for op in circuit.operations] == [
        x(1), x(2), x(3), w(2), x(1, 0.5, 0.1), x(1, -0.25, -math.pi), x(1, -1.0, 2.0)]


def test_sums_and_products_of_inputs_become_expressions():
    circuit = from_qasm(_q3("""
        input float[64] x0;
        input float[64] x1;
        input float[64] w0;
        input float[64] w1;
        qubit[2] q;
        ry(w0*x1 + w1) q[0];
        rzz((pi - x0)*(pi - x1)) q[0], q[1];
        rx(2*w0) q[1];
        rx(w1 + 1) q[1];
        rz(x0 + x1) q[0];
        rz((w0 + w1)*x0) q[1];
        rz(x0*x1/2) q[1];
    """))
    assert [op.params[0] for op in circuit.operations] == [
        w(0) * x(1) + w(1), (math.pi - x(0)) * (math.pi - x(1)), 2 * w(0), w(1) + 1,
        x(0) + x(1), w(0) * x(0) + w(1) * x(0), x(0) * x(1) * 0.5]


def test_an_expression_means_what_qiskit_means():
    text = _q3("""
        input float[64] x0;
        input float[64] x1;
        input float[64] w0;
        qubit[2] q;
        h q[0];
        h q[1];
        cp((pi - x0)*(pi - x1)) q[0], q[1];
        crx(w0*x1 - 0.5*x0*x1 + 0.25) q[1], q[0];
    """)
    xs, ws = np.array([0.3, -1.2]), np.array([0.7])
    qc = qiskit.qasm3.loads(text)
    qc = qc.assign_parameters({p: {"x0": xs[0], "x1": xs[1], "w0": ws[0]}[p.name]
                               for p in qc.parameters})
    np.testing.assert_allclose(qs.statevector(from_qasm(text), xs, ws), qiskit_state(qc),
                               atol=1e-12)


def test_inputs_pass_through_user_gates():
    circuit = from_qasm(_q3("""
        input float[64] x0;
        input float[64] w0;
        gate enc(a, b) q { ry(2*a + 1) q; rz(b) q; }
        qubit[1] q;
        enc(x0, w0) q[0];
    """))
    assert [op.params for op in circuit.operations] == [(Feature(0, 2.0, 1.0),), (Weight(0),)]


def test_a_path_or_a_file_name_is_read(tmp_path):
    path = tmp_path / "bell.qasm"
    path.write_text(_q2("qreg q[2];\nh q[0];\ncx q[0], q[1];\n"), encoding="utf-8")
    assert from_qasm(path) == from_qasm(str(path)) == from_qasm(path.read_text())
    with pytest.raises(QasmError, match=r"missing\.qasm"):
        from_qasm(str(tmp_path / "missing.qasm"))
    path.write_text(Q2 + "qreg q[1];\ndelay q[0];\n", encoding="utf-8")
    with pytest.raises(QasmError, match=r"bell\.qasm: line 4: timing"):
        from_qasm(path)


_EXTRA = [("u0(2) q[0]", 1), ("csx q[1], q[0]", 2), ("cu(0.3, 0.5, 0.7, 0.9) q[1], q[0]", 2),
          ("rccx q[2], q[0], q[1]", 3), ("rc3x q[3], q[1], q[0], q[2]", 4),
          ("c3x q[1], q[3], q[0], q[2]", 4), ("c3sqrtx q[2], q[0], q[3], q[1]", 4),
          ("c4x q[4], q[1], q[3], q[0], q[2]", 5)]


@pytest.mark.parametrize(("call", "n"), _EXTRA)
def test_qelib1_gates_outside_the_library_match_qiskit(call, n):
    """Qiskit maps these to its library gates (CUGate, C4XGate...): independent matrices."""
    prep = "".join(f"u3({0.4 + k}, {0.3 * k}, {0.2 - k}) q[{k}];\n" for k in range(n))
    text = _q2(f"qreg q[{n}];\n{prep}{call};\n")
    want = qiskit_state(qiskit.qasm2.loads(
        text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS))
    np.testing.assert_allclose(qs.statevector(from_qasm(text)), want, atol=1e-12)


_QASM2_NAMES = ["id", "h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx(0.3)",
                "ry(0.3)", "rz(0.3)", "p(0.3)", "u1(0.3)", "u2(0.3, 0.5)", "u3(0.3, 0.5, 0.7)",
                "u(0.3, 0.5, 0.7)", "U(0.3, 0.5, 0.7)", "cx", "CX", "cy", "cz", "ch", "swap",
                "crx(0.3)", "cry(0.3)", "crz(0.3)", "cp(0.3)", "cu1(0.3)", "cu3(0.3, 0.5, 0.7)",
                "rxx(0.3)", "rzz(0.3)", "ccx", "cswap"]
_QASM3_NAMES = ["phase(0.3)", "cphase(0.3)", "cu(0.3, 0.5, 0.7, 0.9)", "u2(0.3, 0.5)", "id",
                "sx", "U(0.3, 0.5, 0.7)"]


def _standard_call_text(call: str, header: str, qubits: str) -> str:
    name = call.split("(")[0]
    n = {"cswap": 3, "ccx": 3}.get(name, 2 if name[0] in "cCsr" and name not in (
        "s", "sdg", "sx", "sxdg", "rx", "ry", "rz") else 1)
    wires = ", ".join(f"q[{k}]" for k in (2, 0, 1)[:n])
    prep = "".join(f"u3({0.4 + k}, {0.3 * k}, {0.2 - k}) q[{k}];\n" for k in range(3))
    return f"{header}{qubits}\n{prep}{call} {wires};\n"


@pytest.mark.parametrize("call", _QASM2_NAMES)
def test_standard_qasm2_names_mean_what_qiskit_means(call):
    text = _standard_call_text(call, Q2, "qreg q[3];")
    want = qiskit_state(qiskit.qasm2.loads(
        text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS))
    circuit = from_qasm(text)
    assert all(op.group is None for op in circuit.operations) or call.startswith("cu(")
    np.testing.assert_allclose(qs.statevector(circuit), want, atol=1e-12)


@pytest.mark.parametrize("call", _QASM3_NAMES)
def test_standard_qasm3_names_mean_what_qiskit_means(call):
    text = _standard_call_text(call, Q3, "qubit[3] q;")
    want = qiskit_state(qiskit.qasm3.loads(text))
    np.testing.assert_allclose(qs.statevector(from_qasm(text)), want, atol=1e-12)


_REFUSALS = [
    (_q3("qubit[64] q;\nbit c;\nc = measure q[0];\nreset q[0];\nif (c) x q[1];"), 7,
     "the condition reads c[0] after its qubit changed, which needs a record qubit to keep "
     "the result; with it the circuit would have 65 qubits, at most 64"),
    (_q3("qubit[1] q;\nbit c;\nc = measure q[0];\nif (c) { x q[0]; }"), 6,
     "x acts on the qubit whose result steers it"),
    (_q3("qubit[2] q;\nbit c;\nc = measure q[0];\nif (c) reset q[1];"), 6,
     "a reset steered by a measurement result is not supported"),
    (_q3("qubit[3] q;\nbit[2] c;\nc[0] = measure q[0];\nc[1] = measure q[1];\n"
         "if (c == 3) h q[2];"), 7, "h steered by 2 measurement result(s) has no library"),
    (_q3("qubit[2] q;\nbit c;\nif (c > 0) x q[1];"), 5, "the condition 'c > 0' is not supported"),
    (_q3("qubit[2] q;\nbit c;\nif (d == 1) x q[1];"), 5, "bit register 'd' is not declared"),
    (_q3("qubit[2] q;\nbit c;\nif (c == 1) { x q[1];"), 5, "'if' has no closing"),
    (_q3("qubit[2] q;\nbit c;\nif (c) x q[1];\nelse if (c) { x q[0]; }"), 6,
     "'else if' is not supported"),
    (_q3("qubit[2] q;\nbit c;\nx q[1];\nelse { x q[0]; }"), 6, "'else' without an 'if'"),
    (_q3("qubit[2] q;\nbit c;\nif (c) { x q[1]; }\nelse { x q[0]; else x q[1]; }"), 6,
     "classical control ('else')"),
    (_q3("const int[32] n = 1.5 * x;\nqubit[1] q;"), 3, "unknown name 'x'"),
    (_q3("qubit[2] q;\nfor int i in [0:1] { h q[i]; }"), 4, "'for' loop"),
    (_q3("qubit[1] q;\nbit c;\nwhile (c) { h q[0]; }"), 5, "'while' loop"),
    (_q3("def f(qubit a) { h a; }\nqubit[1] q;"), 3, "subroutine ('def')"),
    (_q3("qubit[2] q;\nctrl @ x q[0], q[1];"), 4, "gate modifier ('ctrl @')"),
    (_q3("qubit[1] q;\ninv @ s q[0];"), 4, "gate modifier ('inv @')"),
    (_q3("qubit[1] q;\ngphase(0.5);"), 4, "global phase"),
    (_q3("qubit[1] q;\nint[32] i = 3;"), 4, "classical variable ('int')"),
    (_q3("qubit[1] q;\nbit c;\nc = 1;"), 5, "classical assignment"),
    (_q3("qubit[1] q;\ndelay[100ns] q[0];"), 4, "timing ('delay')"),
    (_q3("qubit[1] q;\nbox { h q[0]; }"), 4, "'box'"),
    (_q3("input int[32] n;\nqubit[1] q;"), 3, "input of type 'int'"),
    (_q2("opaque magic a;\nqreg q[1];\nmagic q[0];"), 5, "opaque gate 'magic'"),
    (_q2("gate g a { reset a; }\nqreg q[1];"), 3, "'reset' is not supported inside gate 'g'"),
    (_q2("gate g a { measure a; }\nqreg q[1];"), 3, "'measure' is not supported inside"),
    (_q2("gate g a { h b; }\nqreg q[1];"), 3, "must name distinct qubits"),
    (_q2("gate g(t) a { rz(s) a; }\nqreg q[1];"), 3, "undefined name(s) s"),
    (_q2("gate g a { h a; }\ngate g a { x a; }"), 4, "already defined"),
    (_q2("gate g a {\n  h a;\n"), 3, "no closing"),
    (_q2("qreg q[1];\nfoo q[0];"), 4, "unknown gate or statement 'foo'"),
    (_q2("qreg q[1];\nh r[0];"), 4, "register 'r' is not declared"),
    (_q2("qreg q[1];\ncreg c[1];\nmeasure q[0] -> d[0];"), 5, "register 'd' is not declared"),
    (_q2("qreg q[2];\nh q[2];"), 4, "q[2] is out of range"),
    (_q2("qreg q[2];\nrx q[0];"), 4, "takes 1 parameter(s), got 0"),
    (_q2("qreg q[2];\ncx q[0];"), 4, "acts on 2 qubit(s), got 1"),
    (_q2("qreg q[2];\ncx q[0], q[0];"), 4, "duplicate wires"),
    (_q2("qreg q[2];\nqreg r[3];\ncx q, r;"), 5, "different sizes"),
    (_q2("qreg q[2];\ncreg c[1];\nmeasure q -> c;"), 5, "2 qubit(s) into 1 bit(s)"),
    (_q2("qreg q[1];\nqreg q[2];"), 4, "'q' is already declared"),
    (_q2("qreg q[1];\nh q[0]"), 4, "does not end with ';'"),
    (_q2("qreg q[1];\nrz(1/0) q[0];"), 4, "no finite real value"),
    (_q2("qreg q[1];\nrz(foo) q[0];"), 4, "unknown name 'foo'"),
    (_q2("qreg q[1];\nrz(bar(1)) q[0];"), 4, "unknown function 'bar'"),
    (_q2("qreg q[1];\nrz(1 +) q[0];"), 4, "'1 +' ends too early"),
    (_q2("qreg q[1];\nrz(1 2) q[0];"), 4, "unexpected '2'"),
    (_q2("qreg q[1];\nrz(1 # 2) q[0];"), 4, "unexpected '#'"),
    (_q3("qubit[1] q;\nrz(2^3) q[0];"), 4, "unexpected '^'"),
    (_q2("qreg q[70];"), 3, "at most 64"),
    ('OPENQASM 2.0;\ninclude "mylib.inc";', 2, "only qelib1.inc and stdgates.inc"),
    ("OPENQASM 4.0;", 1, "unsupported version"),
    (_q2("OPENQASM 2.0;"), 3, "must be the first statement"),
    (_q3("qubit[1] q;\nh $0;"), 4, "cannot read the qubit operand '$0'"),
    (_q3("qubit[1] q;\n$0;"), 4, "physical qubits"),
    (_q3("input float[64] w0;\ninput float[64] w1;\nqubit[1] q;\nrz(w0*w1) q[0];"), 6,
     "at most one weight"),
    (_q3("input float x0;\nqubit[1] q;\nrz(x0*x0*x0*x0) q[0];"), 5, "at most 3 factors"),
    (_q3("input float x0;\nqubit[1] q;\nrz(sin(x0)) q[0];"), 5, "sum of products"),
    (_q3("input float x0;\nqubit[1] q;\nrz(1/x0) q[0];"), 5, "sum of products"),
    (_q3("input float x0;\ninput float x1;\nqubit[1] q;\nrz(x0*x1/x1) q[0];"), 6,
     "sum of products"),
    (_q3("input float x0;\nqubit[1] q;\nrz(x0^2) q[0];"), 5, "unexpected '^'"),
    (_q3("input float x0;\nqubit[1] q;\nrz(x0**2) q[0];"), 5, "sum of products"),
]


@pytest.mark.parametrize(("text", "line", "keyword"), _REFUSALS,
                         ids=[r[2] for r in _REFUSALS])
def test_refusals_name_line_and_construct(text, line, keyword):
    with pytest.raises(QasmError) as info:
        from_qasm(text)
    message = str(info.value)
    assert message.startswith(f"line {line}: ") and keyword in message, message


def test_parse_qasm_takes_text_and_read_qasm_a_path(tmp_path, monkeypatch):
    """The unambiguous pair: a program text is never taken for a file name, nor a path
    for a program, whatever files happen to exist."""
    program = _q2("qreg q[1];\nh q[0];\n")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "h.qasm").write_text(program, encoding="utf-8")
    assert read_qasm("h.qasm") == read_qasm(tmp_path / "h.qasm") == Circuit(1).add("h", 0)
    assert from_qasm("h.qasm") == read_qasm("h.qasm")  # the documented guess still works
    with pytest.raises(QasmError, match=r"^line 1: statement 'h\.qasm' does not end"):
        parse_qasm("h.qasm")
    (tmp_path / "qubit[1] q").write_text("not QASM", encoding="utf-8")
    with pytest.raises(QasmError, match=r"^line 1: statement 'qubit\[1\] q' does not end"):
        parse_qasm("qubit[1] q")  # text, even though a file of that name exists
    with pytest.raises(QasmError, match=r"needs OpenQASM text, got PosixPath|needs OpenQASM "
                                        r"text, got WindowsPath"):
        parse_qasm(tmp_path / "h.qasm")
    with pytest.raises(QasmError, match="needs a path, got int"):
        read_qasm(3)
    with pytest.raises(QasmError, match=r"nope\.qasm: file not found"):
        read_qasm(tmp_path / "nope.qasm")


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "latin.qasm"
    path.write_bytes(_q2("qreg q[1];\n// caf\xe9\nh q[0];\n").encode("latin-1"))
    with pytest.raises(QasmError, match=r"latin\.qasm: not UTF-8 text \(byte \d+"):
        read_qasm(path)


def test_a_file_with_old_mac_line_ends_keeps_its_line_numbers(tmp_path):
    path = tmp_path / "cr.qasm"
    path.write_bytes(_q2("qreg q[1];\ndelay q[0];\n").replace("\n", "\r").encode())
    with pytest.raises(QasmError, match=r"cr\.qasm: line 4: timing"):
        read_qasm(path)


# -- template groups as annotations ---------------------------------------------------------
def test_group_annotations_set_the_group_of_the_next_statement():
    circuit = parse_qasm(_q3("""
        qubit[2] q;
        @qmlstudio.group "layer#0"
        h q;
        @other.tool something else
        @qmlstudio.group "layer#1"
        // a comment between the annotation and its statement
        cx q[0], q[1];
        x q[0];
        @qmlstudio.group "unused"
        barrier q;
        y q[1];
        @qmlstudio.group "a\\/\\/b"
        z q[0];
    """))
    assert [(op.gate, op.group) for op in circuit.operations] == [
        ("h", "layer#0"), ("h", "layer#0"), ("cx", "layer#1"), ("x", None), ("y", None),
        ("z", "a//b")]


def test_group_annotations_inside_comments_do_not_count():
    circuit = parse_qasm(_q3("""
        qubit[1] q;
        /*
        @qmlstudio.group "commented"
        */
        h q[0];
        // @qmlstudio.group "also commented"
        x q[0];
    """))
    assert [op.group for op in circuit.operations] == [None, None]


def test_an_annotation_overrides_the_group_of_a_gate_definition_call():
    circuit = parse_qasm(_q3("""
        gate bell a, b { h a; cx a, b; }
        qubit[2] q;
        bell q[0], q[1];
        @qmlstudio.group "mine"
        bell q[0], q[1];
    """))
    assert [op.group for op in circuit.operations] == ["bell#0", "bell#0", "mine", "mine"]


@pytest.mark.parametrize("argument", ["", "layer", "'layer'", "3", '"a" "b"', '"open'])
def test_a_malformed_group_annotation_names_its_line(argument):
    text = _q3(f"qubit[1] q;\n@qmlstudio.group {argument}\nh q[0];\n")
    with pytest.raises(QasmError, match=r"^line 4: @qmlstudio\.group needs one group id"):
        parse_qasm(text)


def test_no_qubits_is_refused():
    with pytest.raises(QasmError, match="declares no qubits"):
        from_qasm(Q2)


def test_only_text_or_paths():
    with pytest.raises(QasmError, match="OpenQASM text or a path"):
        from_qasm(42)


def test_comments_byte_order_mark_and_crlf_keep_line_numbers():
    text = "\ufeff" + _q2("""
        // a comment; with a semicolon
        /* a block
           over lines { } */
        qreg q[1];
        delay q[0];
    """).replace("\n", "\r\n")
    with pytest.raises(QasmError, match=r"^line 8: timing"):
        from_qasm(text)


def test_version_line_is_optional_in_qasm3():
    assert from_qasm("qubit[1] q;\nh q[0];") == Circuit(1).add("h", 0)


@pytest.mark.parametrize("expression", ["(" * 300 + "1" + ")" * 300, "-" * 5000 + "1"])
def test_deeply_nested_expressions_are_qasm_errors(expression):
    text = f'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nrx({expression}) q[0];'
    with pytest.raises(QasmError, match="line 4: expression nested too deeply"):
        from_qasm(text)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    import qmlstudio.io.qasm_import as qasm_import

    path = tmp_path / "huge.qasm"
    path.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nx q[0];\n')
    monkeypatch.setattr(qasm_import, "MAX_QASM_BYTES", 16)
    with pytest.raises(QasmError, match=r"huge\.qasm: the file is \d+ bytes, over the"):
        from_qasm(path)


def test_user_gate_expansion_is_bounded(monkeypatch):
    import qmlstudio.io.qasm_reader as qasm_reader

    qasm_reader.builtin_gates()  # qelib1's own definitions are read once, under the real limit
    monkeypatch.setattr(qasm_reader, "MAX_EXPANDED_GATES", 10)
    three = "gate three a { h a; x a; z a; }\n"
    message = "line {}: the program's gate definitions expand to more than 10 gates"
    # Flattening counts: each definition that calls `three` copies its 3 gates.
    copies = "".join(f"gate copy{k} a {{ three a; }}\n" for k in range(4))
    with pytest.raises(QasmError, match=message.format(8)):
        from_qasm(_q2(f"qreg q[1];\n{three}{copies}"))
    # So do calls, but not library gates written out, however many.
    calls = "three q[0];\n" * 4
    with pytest.raises(QasmError, match=message.format(8)):
        from_qasm(_q2(f"qreg q[1];\n{three}{calls}"))
    circuit = from_qasm(_q2(f"qreg q[1];\n{'h q[0];' * 50}\n{three}{calls[:-12]}"))
    assert len(circuit.operations) == 59
    # qelib1.inc gates expanded from their definitions (c3x: 31 gates) are not user gates.
    assert len(from_qasm(_q2("qreg q[4];\n" + "c3x q[0],q[1],q[2],q[3];\n" * 2)).operations) > 10


@pytest.mark.parametrize("text, message", [
    ("qreg q[1234567890];", "line 3: the number 1234567890 is too large"),
    ("qreg q[2];\nh q[1" + "0" * 5000 + "];", "line 4: the number 100000000000... is too large"),
])
def test_numbers_too_long_to_be_indices_are_refused(text, message):
    with pytest.raises(QasmError, match=message.replace(".", r"\.").replace("[", r"\[")):
        from_qasm(_q2(text))


def test_leading_zeros_are_read():
    assert from_qasm(_q2("qreg q[0002];\nh q[" + "0" * 5000 + "1];")) == Circuit(2).add("h", 1)


def test_input_indices_are_bounded_and_leading_zeros_read():
    text = "OPENQASM 3.0;\ninput float w1000000;\nqubit q;\nrx(w1000000) q;"
    with pytest.raises(QasmError, match="input 'w1000000': a weight index must be at most "
                                        "999,999"):
        from_qasm(text)
    text = "OPENQASM 3.0;\ninput float x999999;\ninput float theta;\nqubit q;\nrx(theta) q;"
    with pytest.raises(QasmError, match="input 'theta': a feature index must be at most"):
        from_qasm(text)
    text = "OPENQASM 3.0;\ninput float w" + "0" * 5000 + "2;\nqubit q;\nrx(w" + "0" * 5000 \
        + "2) q;"
    assert from_qasm(text).operations[0].params == (Weight(2),)
    with pytest.raises(qs.CircuitError, match="a feature index must be at most 999,999"):
        Feature(10**6)
