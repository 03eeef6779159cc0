"""The training worker: a real Trainer on the real engine in a background thread."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import numpy as np
import pytest

from qmlstudio.core import DatasetSpec
from qmlstudio.gui.threads import kept_threads
from qmlstudio.gui.training.worker import MAX_STEP_REPORTS_PER_SECOND, TrainingWorker
from qmlstudio.ml.training.trainer import Trainer, train
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, moons_project

LONG_RUN = 5000
"""Epochs of a run that a test pauses or stops long before its end."""


@pytest.fixture
def worker(qtbot):
    worker = TrainingWorker()
    reports = []
    worker.report.connect(reports.append)
    worker.reports = reports  # what the GUI thread received, in order
    yield worker
    assert worker.shutdown(5000)


def run_to_end(qtbot, worker, project, timeout=FIRST_RUN_TIMEOUT_MS, **kwargs):
    with qtbot.waitSignal(worker.finished, timeout=timeout) as blocker:
        worker.start(project, **kwargs)
    return blocker.args[0]


def test_trains_in_the_background_like_the_headless_trainer(qtbot, worker):
    states = []
    worker.state_changed.connect(states.append)
    project = moons_project()
    trained = run_to_end(qtbot, worker, project)
    # Same seed, same run: the worker's result is the headless trainer's, bit for bit.
    reference = train(project)
    assert trained.weights == reference.weights
    assert trained.history.records == reference.history.records
    assert reference.history.records[-1].get("test_accuracy") >= 0.85
    kinds = [r.kind for r in worker.reports]
    assert kinds.count("epoch") == 10 and kinds[-1] == "done" and kinds.count("done") == 1
    assert [r.epoch for r in worker.reports if r.kind == "epoch"] == list(range(1, 11))
    assert worker.steps_done == 50  # 10 epochs of 70 rows in batches of 16
    assert states == ["running", "stopped"] and not worker.is_active


def test_step_reports_are_throttled_but_epochs_all_arrive(qtbot, worker):
    # Batches of 2: 35 fast steps per epoch, far more than 30 per second.
    project = moons_project(epochs=30, batch_size=2)
    started = time.perf_counter()
    run_to_end(qtbot, worker, project)
    seconds = time.perf_counter() - started
    steps = [r for r in worker.reports if r.kind == "step"]
    assert worker.steps_done == 30 * 35
    assert len(steps) <= MAX_STEP_REPORTS_PER_SECOND * seconds + 2
    assert len(steps) < worker.steps_done / 3, "the throttle let most step reports through"
    assert [r.epoch for r in worker.reports if r.kind == "epoch"] == list(range(1, 31))


def test_pause_holds_step_once_does_one_step_resume_finishes(qtbot, worker):
    project = moons_project(epochs=3)
    worker.start(project, paused=True)
    assert worker.state == "paused"
    qtbot.wait(300)
    assert worker.reports == [], "a paused run must not train"
    with qtbot.waitSignal(worker.report, timeout=FIRST_RUN_TIMEOUT_MS):
        worker.step_once()
    with qtbot.waitSignal(worker.report):
        worker.step_once()
    qtbot.wait(200)
    assert [(r.kind, r.epoch, r.step) for r in worker.reports] == [("step", 1, 1),
                                                                  ("step", 1, 2)]
    # The weights are those of two optimizer steps of the headless trainer.
    trainer = Trainer(project)
    trainer.step(), trainer.step()
    np.testing.assert_array_equal(worker.reports[-1].weights, trainer.weights)
    with qtbot.waitSignal(worker.finished) as blocker:
        worker.resume()
    assert blocker.args[0].weights == train(project).weights  # pausing changed nothing


def test_step_once_across_an_epoch_end_delivers_the_epoch_then_one_step(qtbot, worker):
    worker.start(moons_project(epochs=2), paused=True)
    for _ in range(5):  # the 5 steps of epoch 1
        with qtbot.waitSignal(worker.report, timeout=FIRST_RUN_TIMEOUT_MS):
            worker.step_once()
    with qtbot.waitSignals([worker.report, worker.report]):
        worker.step_once()
    qtbot.wait(100)
    assert [(r.kind, r.epoch, r.step) for r in worker.reports[-2:]] == [("epoch", 1, 5),
                                                                       ("step", 2, 1)]
    assert len(worker.reports) == 7


@pytest.mark.alone  # a time bound: see tests/run_alone.py
def test_stop_takes_effect_quickly_and_brings_the_partial_result(qtbot, worker):
    project = moons_project(epochs=LONG_RUN)
    with qtbot.waitSignal(worker.report, timeout=FIRST_RUN_TIMEOUT_MS,
                          check_params_cb=lambda r: r.kind == "epoch" and r.epoch >= 2):
        worker.start(project)
    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:
        stopped_at = time.perf_counter()
        worker.stop()
        assert worker.state == "stopping"
    latency = time.perf_counter() - stopped_at
    assert latency < 0.5, f"Stop took {latency:.3f} s"
    trained = blocker.args[0]
    assert trained.history.stop_reason == "cancelled"
    assert 2 <= len(trained.history.records) < LONG_RUN
    assert worker.reports[-1].kind == "done" and worker.state == "stopped"


def test_an_exception_in_the_trainer_is_reported_not_raised(qtbot, worker, monkeypatch):
    def broken(self, skip):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(Trainer, "_train_step", broken)
    finished = []
    worker.finished.connect(finished.append)
    with qtbot.waitSignal(worker.failed, timeout=FIRST_RUN_TIMEOUT_MS) as blocker:
        worker.start(moons_project())
    message, details = blocker.args
    assert message == "RuntimeError: injected failure"
    assert "Traceback" in details and "in broken" in details
    assert worker.state == "stopped" and not finished


def test_a_bad_project_fails_with_the_trainers_message(qtbot, worker, tmp_path):
    missing = tmp_path / "gone.csv"
    spec = DatasetSpec(kind="csv", name="gone", path=str(missing), sha256="0" * 64,
                       label_column="label")
    with qtbot.waitSignal(worker.failed, timeout=10_000) as blocker:
        worker.start(replace(moons_project(), dataset=spec))
    assert "gone.csv" in blocker.args[0] and not blocker.args[0].startswith("DatasetError")


def test_extra_per_epoch_runs_in_the_worker_thread_after_each_epoch(qtbot, worker):
    gui_thread = threading.get_ident()
    seen_threads = set()

    def hook(trainer):
        seen_threads.add(threading.get_ident())
        return trainer.weights

    worker.extra_per_epoch = hook
    extras = []
    worker.epoch_extra.connect(extras.append)
    run_to_end(qtbot, worker, moons_project(epochs=4))
    assert gui_thread not in seen_threads and len(seen_threads) == 1
    assert len(extras) == 5  # 4 epochs and the done report
    ends = [r for r in worker.reports if r.kind != "step"]
    for extra, report in zip(extras, ends, strict=True):
        np.testing.assert_array_equal(extra, report.weights)


def test_a_failing_hook_is_reported_once_and_training_carries_on(qtbot, worker):
    def hook(trainer):
        raise ValueError("no grid today")

    worker.extra_per_epoch = hook
    problems = []
    worker.extra_failed.connect(lambda message, details: problems.append(message))
    trained = run_to_end(qtbot, worker, moons_project(epochs=3))
    assert problems == ["ValueError: no grid today"]
    assert len(trained.history.records) == 3


@pytest.mark.alone  # a time bound: see tests/run_alone.py
def test_shutdown_during_training_ends_the_thread_and_drops_the_result(qtbot, worker):
    finished = []
    worker.finished.connect(finished.append)
    with qtbot.waitSignal(worker.report, timeout=FIRST_RUN_TIMEOUT_MS):
        worker.start(moons_project(epochs=LONG_RUN))
    started = time.perf_counter()
    assert worker.shutdown(2000)
    assert time.perf_counter() - started < 0.5
    assert worker.state == "stopped" and not worker.is_active
    qtbot.wait(100)
    assert not finished
    # The worker is reusable after a shutdown.
    assert len(run_to_end(qtbot, worker, moons_project(epochs=2)).history.records) == 2


def test_start_while_active_is_refused(qtbot, worker):
    worker.start(moons_project(epochs=LONG_RUN), paused=True)
    with pytest.raises(RuntimeError, match="active"):
        worker.start(moons_project())


def test_deleting_a_training_worker_stops_its_thread(qtbot):
    worker = TrainingWorker()
    before = set(kept_threads())
    with qtbot.waitSignal(worker.report, timeout=FIRST_RUN_TIMEOUT_MS):
        worker.start(moons_project(epochs=LONG_RUN))
    running = [t for t in kept_threads() if t not in before and t.isRunning()]
    assert len(running) == 1  # the thread keeper holds the run's thread
    worker.deleteLater()  # e.g. its window went away without calling shutdown()
    qtbot.waitUntil(lambda: not running[0].isRunning(), timeout=2000)
