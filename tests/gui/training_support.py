"""Shared by the training GUI tests and benchmark: small moons projects and a stall probe."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from qmlstudio.core import DatasetSpec, Preprocessing, Project, TrainingConfig
from qmlstudio.ml.models.templates import build_model_circuit

MOONS = {"n_samples": 100, "noise": 0.1, "seed": 2}
"""100 moons points; 70 train, 30 test: 5 steps per epoch with batches of 16."""
FIRST_RUN_TIMEOUT_MS = 180_000
"""The first training of a session may compile the engine on a cold numba cache."""


def moons_project(**training: object) -> Project:
    """A 2-qubit re-uploading classifier on :data:`MOONS` (test accuracy 0.43 untrained,
    0.93 after the default 10 epochs)."""
    circuit = build_model_circuit(2, 2, layers=3, reuploading=True)
    config = {"epochs": 10, "learning_rate": 0.1, "batch_size": 16, "seed": 0, **training}
    return Project(circuit, name="Moons", dataset=DatasetSpec.builtin("moons", **MOONS),
                   preprocessing=Preprocessing(test_fraction=0.3),
                   training=TrainingConfig(**config))


class StallProbe:
    """Measures how long the GUI thread's event loop goes without running a timer.

    A ``interval_ms`` timer records the time between its timeouts; a gap much longer than the
    interval means the event loop was blocked (by work on the GUI thread or the GIL).
    """

    def __init__(self, interval_ms: int = 10) -> None:
        self.interval = interval_ms / 1000
        self.gaps: list[float] = []
        self._last: float | None = None
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timeout)

    def start(self) -> None:
        """Start (again) with no gaps recorded."""
        self.gaps.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        """Stop recording."""
        self._timer.stop()

    def _on_timeout(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    @property
    def max_gap(self) -> float:
        """The longest gap in seconds (0 before any timeout)."""
        return max(self.gaps, default=0.0)

    def stall(self) -> float:
        """The worst stall: the longest gap beyond the timer interval, in seconds."""
        return max(0.0, self.max_gap - self.interval)
