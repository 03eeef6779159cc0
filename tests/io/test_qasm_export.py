"""to_qasm: exact QASM 3 round trips (template groups included), and output that Qiskit's
loaders and the reference OpenQASM 3 parser read."""

import math
from pathlib import Path

import numpy as np
import openqasm3
import pytest
import qiskit.qasm2
import qiskit.qasm3
from hypothesis import given, settings
from hypothesis import strategies as st

import qmlstudio as qs
from qmlstudio.core import (
    GATES,
    Circuit,
    Const,
    Expr,
    Feature,
    Operation,
    QasmError,
    Term,
    Weight,
    w,
    x,
)
from qmlstudio.io import from_qasm, load_project, parse_qasm, to_qasm
from qmlstudio.io.qasm_gates import (
    ORIGINAL_QELIB1,
    QASM2_DEFINITIONS,
    QASM2_NAMES,
    QASM3_DEFINITIONS,
    STDGATES,
)
from tests.io.qasm_helpers import qiskit_state
from tests.reference.random_circuits import random_circuit

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "resources" / "examples")
                  .glob("*.qmlproj"))


def test_qasm3_text():
    circuit = (Circuit(2).add("ry", 0, x(0)).add("ry", 1, x(1, 0.5, -0.1)).add("rzz", [0, 1], w(0))
               .add("rz", 1, w(0)).add("cx", [0, 1]).add("p", 0, 1e-5).with_measured([1]))
    assert to_qasm(circuit) == """\
OPENQASM 3.0;
include "stdgates.inc";
input float[64] x0;
input float[64] x1;
input float[64] w0;
gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }
qubit[2] q;
ry(x0) q[0];
ry(0.5*x1 - 0.1) q[1];
rzz(w0) q[0], q[1];
rz(w0) q[1];
cx q[0], q[1];
p(1.0e-05) q[0];
bit[1] c;
c[0] = measure q[1];
"""


def test_qasm2_text_binds_values():
    circuit = Circuit(2).add("ry", 0, x(0, 2.0)).add("cp", [0, 1], w(0)).add("swap", [0, 1])
    assert to_qasm(circuit, 2, weights=[0.25], x=[0.5]) == """\
OPENQASM 2.0;
include "qelib1.inc";
gate swap a, b { cx a, b; cx b, a; cx a, b; }
qreg q[2];
ry(1.0) q[0];
cu1(0.25) q[0], q[1];
swap q[0], q[1];
"""


def test_qasm3_expressions_text():
    circuit = (Circuit(2).add("ry", 0, w(0) * x(1) + w(2))
               .add("rzz", [0, 1], (math.pi - x(0)) * (math.pi - x(1)))
               .add("rx", 1, -(x(0) * x(1)) * 0.5 - w(1) + 0.25))
    lines = to_qasm(circuit).splitlines()
    assert lines[-3:] == ["ry(w0*x1 + w2) q[0];", "rzz((pi - x0)*(pi - x1)) q[0], q[1];",
                          "rx(x0*x1*-0.5 - w1 + 0.25) q[1];"]
    assert from_qasm("\n".join(lines)) == circuit


def test_expressions_are_bound_like_the_other_parameters():
    circuit = Circuit(2).add("ry", 0, w(0) * x(1) + w(1)).add("crz", [0, 1], x(0) * x(1))
    xs, ws = np.array([0.5, -2.0]), np.array([1.5, 0.25])
    text = to_qasm(circuit, 2, weights=ws, x=xs)
    assert "ry(-2.75) q[0];" in text and "crz(-1.0) q[0], q[1];" in text
    partly = to_qasm(circuit, weights=ws)
    assert "ry(1.5*x1 + 0.25) q[0];" in partly
    for bound in (text, partly):
        np.testing.assert_allclose(qs.statevector(from_qasm(bound), None if bound is text else xs,
                                                  None),
                                   qs.statevector(circuit, xs, ws), atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_qasm3_expressions_load_in_qiskit_with_inputs_bound(seed):
    rng = np.random.default_rng(seed)
    circuit = random_circuit(rng, 3, 20, n_weights=3, n_features=3, kinds="cwxe")
    weights, xs = rng.uniform(-2, 2, circuit.n_weights), rng.uniform(-2, 2, circuit.n_features)
    text = to_qasm(circuit)
    assert from_qasm(text) == circuit
    qc = qiskit.qasm3.loads(text)
    values = {"x": xs, "w": weights}
    qc = qc.assign_parameters({p: values[p.name[0]][int(p.name[1:])] for p in qc.parameters})
    np.testing.assert_allclose(qiskit_state(qc), qs.statevector(circuit, xs, weights),
                               atol=1e-9)


def test_qasm3_with_bound_weights_has_no_weight_inputs():
    circuit = Circuit(1).add("rx", 0, w(1)).add("ry", 0, x(0))
    text = to_qasm(circuit, weights=[0.5, -1.5])
    assert "input float[64] w" not in text and "rx(-1.5) q[0];" in text
    assert from_qasm(text) == Circuit(1).add("rx", 0, -1.5).add("ry", 0, x(0))


@pytest.mark.parametrize("name", sorted(GATES))
def test_every_gate_is_standard_or_defined_exactly(name):
    """Every library gate is written so strict loaders know it, and reads back as itself."""
    assert (QASM2_NAMES.get(name, name) in ORIGINAL_QELIB1) != (name in QASM2_DEFINITIONS)
    assert (name in STDGATES) != (name in QASM3_DEFINITIONS)
    spec = GATES[name]
    op = Operation(name, tuple(range(spec.n_wires)), tuple(0.1 * k + 0.3 for k in
                                                            range(spec.n_params)))
    circuit = Circuit(3, (op,))
    assert from_qasm(to_qasm(circuit)) == circuit
    assert from_qasm(to_qasm(circuit, 2)) == circuit


# -- round trips and Qiskit on random circuits ----------------------------------------------
_finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def _params(draw):
    kind = draw(st.sampled_from("cwxe"))
    if kind == "c":
        return Const(draw(_finite))
    if kind == "w":
        return Weight(draw(st.integers(0, 3)))
    if kind == "e":
        return draw(_exprs())
    scale = draw(st.one_of(st.just(1.0), st.just(-1.0), _finite))
    offset = draw(st.one_of(st.just(0.0), _finite))
    return Feature(draw(st.integers(0, 3)), scale, offset)


# Group ids as templates make them, and any text at all (quotes, line breaks, "//", "/*",
# lone surrogates): each must come back as it was.
_groups = st.one_of(st.none(), st.sampled_from(["angle_encoding#0", "strongly_entangling#1"]),
                    st.text())


@st.composite
def _exprs(draw):
    """Expressions of every shape (signs, π offsets, lone and multiplied factors), never a
    plain kind."""
    numbers = st.one_of(st.sampled_from([1.0, -1.0, 0.5, math.pi]), st.floats(-1e6, 1e6))
    terms = []
    while not terms or (len(terms) == 1 and len(terms[0].factors) == 1):
        factors = [Feature(draw(st.integers(0, 3)), draw(numbers),
                           draw(st.one_of(st.just(0.0), numbers)))
                   for _ in range(draw(st.integers(0, 2)))]
        if draw(st.booleans()) or not factors:
            factors.append(Weight(draw(st.integers(0, 3))))
        terms.append(Term(draw(numbers.filter(bool)), tuple(draw(st.permutations(factors)))))
    return Expr(draw(st.one_of(st.just(0.0), numbers)), tuple(terms))


@st.composite
def _circuits(draw):
    n = draw(st.integers(1, 4))
    names = [g for g in sorted(GATES) if GATES[g].n_wires <= n]
    ops = []
    for _ in range(draw(st.integers(0, 12))):
        spec = GATES[draw(st.sampled_from(names))]
        wires = draw(st.permutations(range(n)))[: spec.n_wires]
        ops.append(Operation(spec.name, tuple(wires),
                             tuple(draw(_params()) for _ in range(spec.n_params)),
                             draw(_groups)))
    measured = draw(st.permutations(range(n)))[: draw(st.integers(0, n))]
    return Circuit(n, tuple(ops), tuple(measured))


@settings(max_examples=150, deadline=None)
@given(_circuits())
def test_qasm3_round_trip_is_exact(circuit):
    assert from_qasm(to_qasm(circuit)) == circuit


def test_the_drawn_circuits_have_groups():
    """The round-trip property above is only worth something if groups are drawn."""
    groups = set()

    @settings(max_examples=60, deadline=None)
    @given(_circuits())
    def collect(circuit):
        groups.update(op.group for op in circuit.operations)

    collect()
    assert None in groups and len(groups) > 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_bundled_example_round_trips_identically_and_loads_elsewhere(path):
    circuit = load_project(path).circuit
    assert any(op.group for op in circuit.operations), "the examples are built from templates"
    text = to_qasm(circuit)
    assert parse_qasm(text) == circuit
    # Other tools ignore our annotations: Qiskit reads the same gates, the reference parser
    # sees one annotation per grouped gate.
    assert qiskit.qasm3.loads(text).size() == len(circuit.operations)
    program = openqasm3.parse(text)
    annotated = [s for s in program.statements if s.annotations]
    assert len(annotated) == sum(op.group is not None for op in circuit.operations)
    assert EXAMPLES and len(EXAMPLES) == 4


def test_group_annotations_in_the_text():
    circuit = Circuit(2, (Operation("h", (0,), (), "bell#0"),
                          Operation("cx", (0, 1), (), "bell#0"),
                          Operation("x", (1,)),
                          Operation("z", (0,), (), 'a "//" b')))
    text = to_qasm(circuit)
    assert text.endswith("""\
qubit[2] q;
@qmlstudio.group "bell#0"
h q[0];
@qmlstudio.group "bell#0"
cx q[0], q[1];
x q[1];
@qmlstudio.group "a \\"\\/\\/\\" b"
z q[0];
""")
    assert parse_qasm(text) == circuit


def test_qasm2_loses_groups_by_nature():
    circuit = Circuit(2, (Operation("h", (0,), (), "bell#0"),
                          Operation("cx", (0, 1), (), "bell#0")))
    text = to_qasm(circuit, 2)
    assert "group" not in text
    assert parse_qasm(text) == Circuit(2).add("h", 0).add("cx", [0, 1])


def _bounded(p):
    """``p`` with every number reduced to a few units (floats drawn reach 1e308)."""
    if isinstance(p, Const):
        return Const(np.remainder(p.value, 7.0))
    if isinstance(p, Feature):
        return Feature(p.index, np.remainder(p.scale, 3.0), np.remainder(p.offset, 3.0))
    if isinstance(p, Expr):
        return Expr(np.remainder(p.constant, 3.0), tuple(
            Term(np.remainder(t.coefficient, 3.0) or 1.0, tuple(_bounded(f) for f in t.factors))
            for t in p.terms))
    return p


@settings(max_examples=40, deadline=None)
@given(_circuits(), st.integers(0, 2**32 - 1))
def test_qasm2_round_trip_keeps_the_state(circuit, seed):
    rng = np.random.default_rng(seed)
    weights = rng.uniform(-3, 3, circuit.n_weights)
    xs = rng.uniform(-3, 3, circuit.n_features)
    # hypothesis floats reach 1e308: keep angles the simulator can take (bound, then finite).
    bounded = Circuit(circuit.n_qubits, tuple(
        Operation(op.gate, op.wires, tuple(_bounded(p) for p in op.params))
        for op in circuit.operations), circuit.measured)
    text = to_qasm(bounded, 2, weights=weights, x=xs)
    back = from_qasm(text)
    assert back.measured == bounded.measured and back.n_weights == back.n_features == 0
    np.testing.assert_allclose(qs.statevector(back), qs.statevector(bounded, xs, weights),
                               atol=1e-9)


def _random_cases(count):
    rng = np.random.default_rng(20_240_611)
    for _ in range(count):
        circuit = random_circuit(rng, 4, 50)
        yield circuit, rng.uniform(-2, 2, circuit.n_weights), rng.uniform(-2, 2,
                                                                          circuit.n_features)


@pytest.mark.parametrize(("circuit", "weights", "xs"), list(_random_cases(4)))
def test_qasm2_output_loads_in_qiskit_with_default_settings(circuit, weights, xs):
    text = to_qasm(circuit.with_measured([2, 0]), 2, weights=weights, x=xs)
    want = qs.statevector(circuit, xs, weights)
    np.testing.assert_allclose(qiskit_state(qiskit.qasm2.loads(text)), want, atol=1e-9)
    legacy = qiskit.qasm2.loads(text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    np.testing.assert_allclose(qiskit_state(legacy), want, atol=1e-9)


def _grouped(circuit, size=5):
    """``circuit`` with its operations in groups of ``size`` (every third group ungrouped)."""
    def group(i):
        return None if i // size % 3 == 2 else f"block#{i // size}"

    return Circuit(circuit.n_qubits, tuple(Operation(op.gate, op.wires, op.params, group(i))
                                           for i, op in enumerate(circuit.operations)),
                   circuit.measured)


@pytest.mark.parametrize(("circuit", "weights", "xs"), list(_random_cases(3)))
def test_qasm3_output_loads_in_qiskit_with_inputs_bound(circuit, weights, xs):
    qc = qiskit.qasm3.loads(to_qasm(_grouped(circuit).with_measured([1])))
    values = {"x": xs, "w": weights}
    qc = qc.assign_parameters({p: values[p.name[0]][int(p.name[1:])] for p in qc.parameters})
    np.testing.assert_allclose(qiskit_state(qc), qs.statevector(circuit, xs, weights),
                               atol=1e-9)


# -- refusals -------------------------------------------------------------------------------
def test_qasm2_needs_weights_and_features_bound():
    circuit = Circuit(1).add("rx", 0, w(0)).add("ry", 0, x(1))
    with pytest.raises(QasmError, match=r"OpenQASM 2 has no inputs.*1 trainable weight"):
        to_qasm(circuit, 2)
    with pytest.raises(QasmError, match=r"OpenQASM 2 has no inputs.*2 data feature"):
        to_qasm(circuit, 2, weights=[0.1])
    assert "ry(0.7) q[0];" in to_qasm(circuit, 2, weights=[0.1], x=[0.0, 0.7])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"weights": [1.0, 2.0]}, "needs 1 weight value .* got shape \\(2,\\)"),
    ({"weights": [[1.0]]}, "got shape \\(1, 1\\)"),
    ({"weights": [np.nan]}, "must be finite"),
    ({"weights": ["a"]}, "must be numbers"),
    ({"x": [1.0]}, "2 feature values"),
    ({"version": 4}, "version must be 2 or 3"),
])
def test_bad_arguments(kwargs, message):
    circuit = Circuit(1).add("rx", 0, w(0)).add("ry", 0, x(1))
    with pytest.raises(QasmError, match=message):
        to_qasm(circuit, **kwargs)


def test_only_circuits():
    with pytest.raises(QasmError, match=r"needs a qmlstudio\.Circuit"):
        to_qasm("h q[0];")
