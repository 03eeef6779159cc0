"""Benchmark: training from the GUI — event-loop stall, reporting cost and Stop latency.

Usage::

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_gui_training.py [--repeats N]
        [--only TEXT]

For each project below it trains

* *headless*: a plain ``for report in Trainer(project)`` loop on the main thread, no Qt;
* *GUI*: a :class:`~qmlstudio.gui.training.panel.TrainingPanel` on a shown (offscreen) window,
  Train clicked, the run in the worker thread with throttled reports updating the panel, while
  a 10 ms QTimer probe records the gaps of the GUI thread's event loop;

and *worker*: a bare :class:`~qmlstudio.gui.training.worker.TrainingWorker` run (thread and
report delivery, no widgets). It prints the median wall time of each, the GUI's overhead over
headless in percent (issue 6's budget: ~10 %), the reports per second the GUI received (step
reports throttled to 30/s, every epoch report), and the event-loop stall (longest gap beyond the
10 ms interval, and the 99th percentile gap). The projects include moons under a depolarizing
noise model, trained on the exact density matrix and by Monte-Carlo trajectories (1000 per
sample). Then it measures how long Stop takes to end a run (target: 0.5 s with the adjoint
method) for the adjoint and the parameter-shift gradient, and for trajectories. The
first GUI run of each project is a warm-up (it may compile the engine on a cold numba cache)
and is not counted.
This is a script, not a test (pytest does not collect it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from qmlstudio.core import DatasetSpec, Preprocessing, Project, TrainingConfig  # noqa: E402
from qmlstudio.core.noise import NoiseModel  # noqa: E402
from qmlstudio.gui.document import ProjectDocument  # noqa: E402
from qmlstudio.gui.training.panel import TrainingPanel  # noqa: E402
from qmlstudio.gui.training.worker import TrainingWorker  # noqa: E402
from qmlstudio.io import load_project  # noqa: E402
from qmlstudio.ml.models.templates import build_model_circuit  # noqa: E402
from qmlstudio.ml.training.trainer import Trainer  # noqa: E402
from tests.gui.training_support import StallProbe  # noqa: E402


def moons_example() -> Project:
    """``resources/examples/moons.qmlproj`` (4 qubits, 200 points, batches of 16), trained
    for 200 epochs instead of 30 so that a run lasts about a second."""
    project = load_project(ROOT / "resources" / "examples" / "moons.qmlproj")
    return replace(project, training=replace(project.training, epochs=200))


def moons_small_batches() -> Project:
    """Many fast steps: 2 qubits, 200 points, batches of 2 (hundreds of steps per second, so
    the report throttle matters)."""
    circuit = build_model_circuit(2, 2, layers=3, reuploading=True)
    return Project(circuit, name="Moons, batch 2",
                   dataset=DatasetSpec.builtin("moons", n_samples=200, noise=0.1),
                   training=TrainingConfig(learning_rate=0.05, epochs=40, batch_size=2))


def cancer_8_qubits() -> Project:
    """Heavier steps, W1-sized circuit: breast cancer reduced to 8 PCA features on 8 qubits,
    4 layers, batches of 32."""
    circuit = build_model_circuit(8, 8, layers=4)
    return Project(circuit, name="Breast cancer, 8 qubits",
                   dataset=DatasetSpec.builtin("breast_cancer"),
                   preprocessing=Preprocessing("standard", n_components=8),
                   training=TrainingConfig(learning_rate=0.05, epochs=40, batch_size=32))


def moons_noisy(noise_method: str) -> Project:
    """The moons example under depolarizing noise (p = 0.02 after every gate), 10 epochs, on
    the exact density matrix or by 1000 trajectories per sample."""
    project = moons_example()
    return replace(project, noise=NoiseModel.uniform_depolarizing(0.02),
                   training=replace(project.training, epochs=10, noise_method=noise_method))


PROJECTS: dict[str, Callable[[], Project]] = {
    "moons example": moons_example,
    "moons batch 2": moons_small_batches,
    "cancer 8q": cancer_8_qubits,
    "moons noisy density": lambda: moons_noisy("density"),
    "moons noisy trajectories": lambda: moons_noisy("trajectories"),
}


def headless_seconds(project: Project) -> float:
    """Wall time of a plain trainer loop, run in a fresh thread as the GUI's worker is.

    Not on the main thread: measured here, once the main thread has run a parallel kernel,
    parallel kernels called from any other thread run ~50 % slower (GNU OpenMP then keeps a
    second thread pool), which would make every later GUI run look slow. The GUI never
    simulates on its main thread, so neither does this script.
    """
    seconds: list[float] = []

    def run() -> None:
        start = time.perf_counter()
        for _report in Trainer(project):
            pass
        seconds.append(time.perf_counter() - start)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return seconds[0]


def wait_for(signal, timeout_s: float = 600.0) -> tuple:
    """Run the event loop until ``signal`` fires; its arguments."""
    loop, got = QEventLoop(), []

    def on_signal(*args: object) -> None:
        got.append(args)
        loop.quit()

    signal.connect(on_signal)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(on_signal)
    if not got:
        raise SystemExit("timed out waiting for training")
    return got[0]


def gui_run(project: Project) -> tuple[float, StallProbe, int]:
    """Train ``project`` by clicking Train; wall time, the probe, and reports received."""
    document = ProjectDocument(project)
    panel = TrainingPanel(document)
    panel.show()
    reports = []
    panel.worker.report.connect(reports.append)
    probe = StallProbe(10)
    QApplication.processEvents()
    probe.start()
    start = time.perf_counter()
    panel.train_button.click()
    wait_for(panel.worker.finished)
    seconds = time.perf_counter() - start
    probe.stop()
    panel.shutdown()
    panel.close()
    panel.deleteLater()
    return seconds, probe, len(reports)


def worker_run(project: Project) -> float:
    """Wall time of a :class:`TrainingWorker` run with nothing but a counter on its reports:
    the cost of the thread and of delivering the reports, without widgets."""
    worker = TrainingWorker()
    received = []
    worker.report.connect(received.append)
    start = time.perf_counter()
    worker.start(project)
    wait_for(worker.finished)
    seconds = time.perf_counter() - start
    worker.shutdown()
    worker.deleteLater()
    return seconds


def stop_latency(project: Project) -> float:
    """Seconds from clicking Stop (1 s into a long run) to the result arriving."""
    document = ProjectDocument(replace(project, training=replace(project.training,
                                                                  epochs=100_000)))
    panel = TrainingPanel(document)
    panel.train_button.click()
    loop = QEventLoop()
    QTimer.singleShot(1000, loop.quit)
    loop.exec()
    start = time.perf_counter()
    panel.stop_button.click()
    wait_for(panel.worker.finished)
    seconds = time.perf_counter() - start
    panel.shutdown()
    panel.deleteLater()
    return seconds


def main() -> int:
    """Print one line per project and the Stop latencies."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per project")
    parser.add_argument("--only", default="", metavar="TEXT",
                        help="only the projects and Stop latencies whose name holds TEXT")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    print(f"{'project':24} {'steps':>6} {'headless s':>10} {'worker s':>8} {'GUI s':>8} "
          f"{'overhead':>8} {'reports/s':>9} {'max stall ms':>12} {'p99 gap ms':>10}")
    for name, build in PROJECTS.items():
        if args.only not in name:
            continue
        project = build()
        trainer = Trainer(project)
        steps = trainer._total_steps  # private, but only for the table
        gui_run(project)  # warm-up: compiles the engine on a cold cache
        headless = statistics.median(headless_seconds(project) for _ in range(args.repeats))
        worker = statistics.median(worker_run(project) for _ in range(args.repeats))
        runs = [gui_run(project) for _ in range(args.repeats)]
        gui = statistics.median(seconds for seconds, _, _ in runs)
        stall = max(probe.stall() for _, probe, _ in runs)
        gaps = np.concatenate([probe.gaps for _, probe, _ in runs])
        p99 = float(np.percentile(gaps, 99)) if len(gaps) else 0.0
        rate = max(n / seconds for seconds, _, n in runs)
        print(f"{name:24} {steps:6d} {headless:10.3f} {worker:8.3f} {gui:8.3f} "
              f"{100 * (gui / headless - 1):7.1f}% {rate:9.1f} {stall * 1000:12.1f} "
              f"{p99 * 1000:10.1f}")
    stops = {f"{method} (cancer 8q, batch 32)": replace(cancer_8_qubits(), training=replace(
        cancer_8_qubits().training, gradient_method=method))
        for method in ("adjoint", "parameter-shift")}
    stops["trajectories (moons noisy trajectories)"] = moons_noisy("trajectories")
    for name, project in stops.items():
        if args.only not in name:
            continue
        latencies = [stop_latency(project) for _ in range(args.repeats)]
        print(f"Stop latency, {name:40}: max {max(latencies) * 1000:.0f} ms, median "
              f"{statistics.median(latencies) * 1000:.0f} ms")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
