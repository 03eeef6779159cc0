"""The real-world corpus: QASMBench's small circuits and a 187k-gate HHL circuit against Qiskit.

Every file either imports and simulates to Qiskit's statevector (final measurements removed)
within 1e-9, or, for the dynamic programs (``reset``, ``if``, mid-circuit measurement), to Qiskit
Aer's density matrix within 1e-10 (:mod:`tests.reference.dynamic_oracle`; ``ipea`` and ``shor``
read results whose qubit was reset since, kept on record wires), or is refused with a
``QasmError`` naming the line and the construct — and only for what Qiskit cannot load either
(measuring a register that was never declared): 39 of the 43 files import.

Qiskit reads the files as ``QuantumCircuit.from_qasm_file`` does (its extended ``qelib1.inc``,
``LEGACY_CUSTOM_INSTRUCTIONS``): four files use ``sx``, ``swap`` or ``cswap`` without defining
them, which the strict default loader rejects and QML Studio accepts.
"""

import re
import time

import numpy as np
import pytest
import qiskit.qasm2

import qmlstudio as qs
from qmlstudio.core import QasmError
from qmlstudio.io import from_qasm, to_qasm
from tests.corpus import corpus_path
from tests.io.qasm_helpers import assert_density_matches, qiskit_state
from tests.reference.dynamic_oracle import aer_dynamic_density_matrix

# filename -> "ok", or (keyword in the refusal, line it names)
EXPECTED = {
    "adder_n10.qasm": "ok",
    "adder_n4.qasm": "ok",
    "basis_change_n3.qasm": "ok",
    "basis_test_n4.qasm": "ok",
    "basis_trotter_n4.qasm": "ok",
    "bb84_n8.qasm": "dynamic",
    "bell_n4.qasm": "ok",
    "cat_state_n4.qasm": "ok",
    "deutsch_n2.qasm": "ok",
    "dnn_n2.qasm": "ok",
    "dnn_n8.qasm": "ok",
    "error_correctiond3_n5.qasm": "ok",
    "fredkin_n3.qasm": "ok",
    "grover_n2.qasm": "ok",
    "hhl_n10.qasm": ("register 'q' is not declared", 186801),
    "hhl_n7.qasm": "ok",
    "hs4_n4.qasm": "ok",
    "inverseqft_n4.qasm": "dynamic",
    "ipea_n2.qasm": "dynamic",
    "ising_n10.qasm": "ok",
    "iswap_n2.qasm": "ok",
    "linearsolver_n3.qasm": "ok",
    "lpn_n5.qasm": "ok",
    "pea_n5.qasm": "ok",
    "qaoa_n3.qasm": "ok",
    "qaoa_n6.qasm": "ok",
    "qec_en_n5.qasm": "ok",
    "qec_sm_n5.qasm": "dynamic",
    "qft_n4.qasm": "ok",
    "qpe_n9.qasm": "ok",
    "qrng_n4.qasm": "ok",
    "quantumwalks_n2.qasm": "ok",
    "sat_n7.qasm": "ok",
    "shor_n5.qasm": "dynamic",
    "simon_n6.qasm": "ok",
    "teleportation_n3.qasm": "ok",
    "toffoli_n3.qasm": "ok",
    "variational_n4.qasm": "ok",
    "vqe_n4.qasm": "ok",
    "vqe_uccsd_n4.qasm": ("register 'q' is not declared", 225),
    "vqe_uccsd_n6.qasm": ("register 'q' is not declared", 2286),
    "vqe_uccsd_n8.qasm": ("register 'q' is not declared", 10813),
    "wstate_n3.qasm": "ok",
}

@pytest.fixture(scope="module")
def small():
    """QASMBench's small circuits (missing: skipped here, failed in CI)."""
    return corpus_path("qasmbench-small")


@pytest.fixture(scope="module")
def large():
    """The 187k-gate HHL circuit's file (missing: skipped here, failed in CI)."""
    return corpus_path("large", "hhl_n10_unitary.qasm")


def _qiskit_load(path):
    return qiskit.qasm2.load(path, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS)


def test_the_table_lists_every_corpus_file(small):
    assert sorted(p.name for p in small.glob("*.qasm")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(small, name):
    path = small / name
    expected = EXPECTED[name]
    if expected == "ok":
        circuit = from_qasm(path)
        want = qiskit_state(_qiskit_load(path))
        np.testing.assert_allclose(qs.statevector(circuit), want, atol=1e-9, rtol=0)
        return
    if expected == "dynamic":
        circuit = from_qasm(path)
        assert circuit.has_channels
        assert_density_matches(circuit, aer_dynamic_density_matrix(_qiskit_load(path)))
        return
    keyword, line = expected
    with pytest.raises(QasmError) as info:
        from_qasm(path)
    message = str(info.value)
    assert keyword in message and f"line {line}:" in message and name in message, message
    # A refusal is allowed only where Qiskit refuses too (a broken file).
    with pytest.raises(qiskit.qasm2.QASM2ParseError, match=rf"{re.escape(name)}:{line},"):
        _qiskit_load(path)


def test_the_table_counts_39_imports():
    assert sum(expected in ("ok", "dynamic") for expected in EXPECTED.values()) == 39


def test_results_kept_past_a_reset_are_on_record_wires(small):
    # shor_n5 reads c[0] and c[1] after q[4], which measured them, was reset: each is copied
    # onto a record wire after the five declared qubits, by a cx in a group that names it.
    shor = from_qasm(small / "shor_n5.qasm")
    assert shor.n_qubits == 7
    records = [(op.gate, op.wires, op.group) for op in shor.operations
               if op.group and op.group.startswith("record")]
    assert records == [("cx", (4, 5), "record c[0]#0"), ("cx", (4, 6), "record c[1]#1")]


def test_final_measurements_are_recorded_in_order(small):
    assert from_qasm(small / "bell_n4.qasm").measured == (2, 3, 0, 1)
    adder = from_qasm(small / "adder_n10.qasm")  # measure b[0..3], cout[0]: wires 5..9
    assert adder.measured == (5, 6, 7, 8, 9)


def test_user_gates_are_expanded_as_groups(small):
    adder = from_qasm(small / "adder_n10.qasm")
    groups = [op.group for op in adder.operations if op.group]
    assert groups[:3] == ["majority#0"] * 3
    assert sorted(set(groups)) == [f"majority#{k}" for k in range(4)] + [
        f"unmaj#{k}" for k in range(4)]


@pytest.fixture(scope="module")
def large_import(large):
    """The large file imported once (about 5 s) for both tests, with the seconds it took."""
    start = time.perf_counter()
    circuit = from_qasm(large)
    return circuit, time.perf_counter() - start


def test_large_file_imports_fast_and_simulates_like_qiskit(large, large_import):
    circuit, elapsed = large_import
    print(f"\nfrom_qasm({large.name}): {len(circuit.operations)} gates in {elapsed:.2f} s")
    assert circuit.n_qubits == 10 and len(circuit.operations) > 180_000
    assert elapsed < 15, f"import took {elapsed:.1f} s (budget 5 s on the reference machine)"
    want = qiskit_state(qiskit.qasm2.load(large), aer=True)
    np.testing.assert_allclose(qs.statevector(circuit), want, atol=1e-9, rtol=0)


def test_large_file_round_trips_through_qasm3(large_import):
    circuit, _ = large_import
    assert from_qasm(to_qasm(circuit)) == circuit
