"""Diagram files (PNG, SVG) and the big-circuit case."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QImage

from qmlstudio.core import Circuit, CircuitError, Project, w, x
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.canvas import export_png, export_svg
from qmlstudio.io import from_qasm
from tests.corpus import corpus_path
from tests.gui.canvas_support import show_view


def _circuit(layers: int = 1) -> Circuit:
    circuit = Circuit(3).add("ry", 0, x(0)).add("rz", 2, w(3)).add("rx", 1, 0.5)
    for _ in range(layers):
        circuit = circuit.add("cx", (0, 1)).add("ry", 1, w(0))
    return circuit.with_measured([0])


def test_svg_holds_every_gate_label_as_text(tmp_path, qtbot):
    path = tmp_path / "circuit.svg"
    export_svg(_circuit(), path)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    # Qt writes one <text> per font run: a θ from a fallback font is its own element.
    text = "".join("".join(node.itertext()).strip() for node in root.iter()
                   if node.tag.endswith("text"))
    for label in ("RY(x₀)", "RZ(θ₃)", "RX(0.5)", "RY(θ₀)", "q0", "q2"):
        assert label in text


def test_png_size_follows_the_circuit(tmp_path, qtbot):
    short, long = tmp_path / "short.png", tmp_path / "long.png"
    export_png(_circuit(1), short, scale=1.0)
    export_png(_circuit(20), long, scale=1.0)
    assert short.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    small, big = QImage(str(short)), QImage(str(long))
    assert 250 < small.width() < 800 and 200 < small.height() < 400
    assert big.height() == small.height()
    assert big.width() > small.width() + 19 * 40  # about one column per added gate


def test_png_from_a_view_keeps_collapsed_groups_and_refuses_huge_images(tmp_path, qtbot):
    from qmlstudio.ml.models.templates import strongly_entangling

    document = ProjectDocument(Project(strongly_entangling(Circuit(3), layers=4)))
    view = show_view(qtbot, document)
    export_png(view, tmp_path / "expanded.png", scale=1.0)
    for group in {op.group for op in document.circuit.operations}:
        view.toggle_group(group)
    export_png(view, tmp_path / "collapsed.png", scale=1.0)
    assert (QImage(str(tmp_path / "collapsed.png")).width()
            < QImage(str(tmp_path / "expanded.png")).width() / 2)
    with pytest.raises(CircuitError, match="export it as SVG"):
        export_png(Circuit(1).add("h", 0).add("h", 0).add("h", 0), tmp_path / "x.png",
                   scale=300.0)


def test_the_187k_gate_circuit_opens_and_scrolls(qtbot):
    circuit = from_qasm(corpus_path("large", "hhl_n10_unitary.qasm"))
    document = ProjectDocument(Project(circuit))
    start = time.perf_counter()
    view = show_view(qtbot, document, 1200, 700)
    view.viewport().grab()
    assert time.perf_counter() - start < 20  # ~0.3 s here
    assert view.circuit_layout.n_columns > 100_000
    bar = view.horizontalScrollBar()
    bar.setValue(bar.maximum() // 2)
    start = time.perf_counter()
    view.viewport().grab()
    assert time.perf_counter() - start < 2
    # The gates now on screen are the ones drawn: one in the middle is where it should be.
    middle = view.circuit_layout.ops_in_columns(*view.circuit_layout.columns_between(
        view.mapToScene(600, 0).x(), view.mapToScene(601, 0).x()))
    assert middle.size and 0 <= view.gate_rect(int(middle[0])).center().x() <= 1200
