"""The code view's text: noise channels as ``// noise:`` lines that Apply reads back, a noise
model named in a header, while a file keeps refusing channels."""

from __future__ import annotations

import openqasm3
import pytest

from qmlstudio.core import Circuit, QasmError, w, x
from qmlstudio.core.noise import NoiseModel
from qmlstudio.io import to_qasm
from qmlstudio.io.noise_file import bundled_device_noise
from qmlstudio.viewmodels.qasm_view import read_view_text, view_text

# A mid-circuit measurement that only a channel follows on its wire stays mid-circuit.
CIRCUIT = (Circuit(3).add("ry", 0, x(0)).add("bit_flip", 0, 0.05)
           .add("depolarizing2", (1, 2), 0.01).add("cx", (0, 1)).add("reset", 2)
           .add("measure", 1).add("thermal_relaxation", 2, 100.0, 80.0, 3.0, 0.1)
           .add("rz", 0, w(0)).add("phase_flip", 1, 0.2))


def test_channels_are_comment_lines_in_place_and_read_back_to_the_same_circuit():
    text = view_text(CIRCUIT)
    assert "ry(x0) q[0];\n// noise: bit_flip(0.05) q[0];\n// noise: depolarizing2(0.01) " \
           "q[1], q[2];\ncx q[0], q[1];" in text
    assert "mid[0] = measure q[1];\n// noise: thermal_relaxation(100.0, 80.0, 3.0, 0.1) q[2];" \
           in text
    assert text.startswith("// A '// noise:' line is a noise channel of the circuit: Apply "
                           "keeps it;")
    assert read_view_text(text) == CIRCUIT
    # The reference parser skips the comments: what other tools see is the ideal circuit.
    program = openqasm3.parse(text)
    gates = [s for s in program.statements if isinstance(s, openqasm3.ast.QuantumGate)]
    assert [g.name.name for g in gates] == ["ry", "cx", "rz"]
    with pytest.raises(QasmError, match="is a noise channel"):  # a file still refuses them
        to_qasm(CIRCUIT)


def test_a_noise_model_is_named_in_a_header_and_an_ideal_one_adds_nothing():
    ideal = Circuit(2).add("h", 0).add("cx", (0, 1))
    assert view_text(ideal) == view_text(ideal, NoiseModel.ideal()) == to_qasm(ideal)
    device = bundled_device_noise("manila")
    text = view_text(ideal, device)
    header = " ".join(line.removeprefix("// ") for line in text.splitlines()[:4]
                      if line.startswith("//"))
    assert header.startswith(f"Noise model: {device.name} (the Noise panel). It is applied "
                             "after each gate")
    assert "readout errors apply to each measurement" in header
    assert "OpenQASM has no noise instruction" in header
    assert text.endswith(to_qasm(ideal)) and read_view_text(text) == ideal
    assert "readout" not in view_text(ideal, NoiseModel.uniform_depolarizing(0.01))


def test_an_edited_noise_line_is_read_and_a_bad_one_names_its_line():
    text = view_text(CIRCUIT).replace("bit_flip(0.05)", "amplitude_damping(0.3)")
    assert read_view_text(text).operations[1].gate == "amplitude_damping"
    lines = view_text(CIRCUIT).splitlines()
    k = lines.index("// noise: bit_flip(0.05) q[0];")
    for bad, reason in (("// noise: blur(0.1) q[0];", "'blur' is no noise channel"),
                        ("// noise: bit_flip(2) q[0];", "must lie in \\[0, 1\\]"),
                        ("// noise: bit_flip(0.1) 0;", "expected the wires as q\\[0\\]"),
                        ("// noise: bit_flip(0.1) q[7];", ""),
                        ("// noise: bit_flip(p) q[0];", "'p' is not a number"),
                        # Mistyped: read as a plain comment, the channel would vanish.
                        ("// noise: bit_flip(0.1)q[0];", "cannot read this noise line"),
                        ("// noise: bit_flip(0.1 q[0];", "cannot read this noise line"),
                        ("  // noise: bit_flip(0.1) q[0]; // why",
                         "cannot read this noise line")):
        edited = "\n".join([*lines[:k], bad, *lines[k + 1:]])
        with pytest.raises(QasmError, match=f"line {k + 1}.*{reason}"):
            read_view_text(edited)
