"""Canvas timings: open the 187k-gate circuit, scroll it, and edit a 16-qubit × 300-gate one.

Run: ``QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_canvas.py``. Prints

(a) time from building the CircuitView over ../shared/qasm/large/hhl_n10_unitary.qasm to its
    first paint (``viewport().grab()``), after the QASM import (timed separately);
(b) paint times while scrolling it right by one screen width at a time (and once zoomed out);
(c) one edit (delete a gate through the document) + relayout + repaint of a 16-qubit circuit
    with 300 gates, the median of 50.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # this checkout's qmlstudio and tests.corpus
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from qmlstudio.core import Circuit, Project, w  # noqa: E402
from qmlstudio.gui.document import ProjectDocument  # noqa: E402
from qmlstudio.gui.editor.canvas import CircuitView  # noqa: E402
from qmlstudio.io import from_qasm  # noqa: E402
from tests.corpus import corpus_root  # noqa: E402

LARGE = corpus_root() / "large" / "hhl_n10_unitary.qasm"


def _view(app: QApplication, circuit: Circuit) -> tuple[CircuitView, ProjectDocument]:
    document = ProjectDocument(Project(circuit))
    view = CircuitView(document)
    view.resize(1400, 800)
    view.show()
    app.processEvents()
    return view, document


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench_large(app: QApplication) -> None:
    start = time.perf_counter()
    circuit = from_qasm(LARGE.read_text())
    print(f"(a) QASM import: {len(circuit.operations)} gates "
          f"in {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    view, _document = _view(app, circuit)
    view.viewport().grab()
    print(f"(a) CircuitView to first paint: {time.perf_counter() - start:.2f} s "
          f"({view.circuit_layout.n_columns} columns)")
    bar = view.horizontalScrollBar()
    times = []
    for _ in range(100):
        bar.setValue(bar.value() + view.viewport().width())
        start = time.perf_counter()
        view.viewport().grab()
        times.append(time.perf_counter() - start)
    print(f"(b) scroll by one screen, paint: median {_ms(statistics.median(times))}, "
          f"max {_ms(max(times))} over {len(times)} steps")
    for _ in range(6):
        view.zoom_out()
    start = time.perf_counter()
    view.viewport().grab()
    print(f"(b) zoomed out to {view.zoom:.0%}, paint: {_ms(time.perf_counter() - start)}")


def bench_edit(app: QApplication) -> None:
    circuit = Circuit(16)
    for k in range(300):
        wire = k % 16
        circuit = (circuit.add("ry", wire, w(k)) if k % 3 else
                   circuit.add("cx", (wire, (wire + 1) % 16)))
    view, document = _view(app, circuit)
    view.viewport().grab()
    times = []
    for k in range(50):
        start = time.perf_counter()
        document.edit_circuit(document.circuit.without([150 - k]), "Delete")
        app.processEvents()
        view.viewport().grab()
        times.append(time.perf_counter() - start)
    print(f"(c) 16 qubits × 300 gates, one edit + relayout + repaint: median "
          f"{_ms(statistics.median(times))}, max {_ms(max(times))}")


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    if LARGE.exists():
        bench_large(app)
    else:
        print(f"(a, b) skipped: {LARGE} is missing")
    bench_edit(app)


if __name__ == "__main__":
    main()
