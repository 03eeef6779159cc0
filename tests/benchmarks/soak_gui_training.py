"""Soak benchmark: a long training run in the real main window, offscreen.

Usage::

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/soak_gui_training.py [--epochs 2000]

Opens ``resources/examples/moons.qmlproj`` in a :class:`~qmlstudio.gui.shell.main_window.MainWindow`
(every dock live: canvas heat, plots, state view), sets the epochs, clicks Train and waits. It
samples the resident memory (``VmRSS`` of ``/proc/self/status``) every 100 epochs and prints
the peak and the growth after warm-up (the first sample): memory should stay flat. A 10 ms
timer probe records event-loop stalls. At the end the project is saved, loaded again and
compared field by field with the one in the window (it must be equal, history included).
Exit status 1 if the reload differs. This is a script, not a test (pytest does not collect it).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from qmlstudio.gui.document import ProjectDocument  # noqa: E402
from qmlstudio.gui.shell.main_window import MainWindow  # noqa: E402
from qmlstudio.io import load_project, save_project  # noqa: E402
from tests.gui.training_support import StallProbe  # noqa: E402

SAMPLE_EVERY = 100
"""Epochs between memory samples."""


def rss_mib() -> float:
    """The process's resident set size in MiB, from ``/proc/self/status``."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS in /proc/self/status (Linux only)")


def train(window: MainWindow, timeout_s: float) -> list[tuple[int, float]]:
    """Click Train, run the event loop until the run ends; ``(epoch, RSS MiB)`` samples."""
    samples: list[tuple[int, float]] = [(0, rss_mib())]
    worker = window.training_panel.worker

    def on_report(report: object) -> None:
        if report.kind == "epoch" and report.epoch % SAMPLE_EVERY == 0:
            samples.append((report.epoch, rss_mib()))

    loop = QEventLoop()
    worker.report.connect(on_report)
    worker.finished.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    window.training_panel.train_button.click()
    loop.exec()
    worker.report.disconnect(on_report)
    if worker.is_active:
        raise SystemExit(f"training still running after {timeout_s} s")
    samples.append((len(window.document.project.history.records), rss_mib()))
    return samples


def main() -> int:
    """Run the soak and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    project = load_project(ROOT / "resources" / "examples" / "moons.qmlproj")
    project = replace(project, training=replace(project.training, epochs=args.epochs,
                                                early_stopping_patience=None))
    window = MainWindow(ProjectDocument(project))
    window.show()
    QApplication.processEvents()
    probe = StallProbe(10)
    probe.start()
    start = time.perf_counter()
    samples = train(window, args.timeout)
    seconds = time.perf_counter() - start
    probe.stop()

    trained = window.document.project
    epochs = len(trained.history.records)
    rss = np.array([mib for _, mib in samples])
    after_warmup = rss[1:] if len(rss) > 2 else rss
    gaps = np.array(probe.gaps) if probe.gaps else np.zeros(1)
    print(f"epochs trained: {epochs} of {args.epochs} in {seconds:.1f} s "
          f"({epochs / seconds:.0f} epochs/s); stop reason: {trained.history.stop_reason!r}")
    print("RSS MiB by epoch: " + ", ".join(f"{e}: {m:.0f}" for e, m in samples))
    print(f"RSS: start {rss[0]:.1f} MiB, peak {rss.max():.1f} MiB, growth after warm-up "
          f"(epoch {samples[1][0]} to the end) {after_warmup[-1] - after_warmup[0]:+.1f} MiB "
          f"({(after_warmup[-1] - after_warmup[0]) * 1000 / max(1, epochs - samples[1][0]):+.2f}"
          f" MiB per 1000 epochs)")
    print(f"event loop: {len(probe.gaps)} ticks, max stall {probe.stall() * 1000:.1f} ms, "
          f"p99 gap {np.percentile(gaps, 99) * 1000:.1f} ms, "
          f"gaps > 100 ms: {int((gaps > 0.1).sum())}")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "moons-soak.qmlproj"
        save_project(trained, path)
        start = time.perf_counter()
        reloaded = load_project(path)
        load_s = time.perf_counter() - start
        same = reloaded == trained
        print(f"saved {path.stat().st_size / 1024:.0f} KiB, reloaded in {load_s * 1000:.0f} "
              f"ms: {'identical' if same else 'DIFFERENT'}")
        if not same:
            for field in trained.__dataclass_fields__:
                if getattr(trained, field) != getattr(reloaded, field):
                    print(f"  differs: {field}")
    window.document.undo_stack.setClean()
    window.close()
    del app
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
