"""The compiled training steps (:mod:`qmlstudio.engine.training_epoch`): a trainer that runs
its epochs in compiled code trains bit for bit as one that steps through Python — every
readout, loss, optimizer and encoding kind, divergence, cancel and pause — and a process that
starts with them cached takes that path."""

import itertools
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from qmlstudio.core import ModelSpec, Project
from qmlstudio.engine import thread_cap, training_epoch, using_threads
from qmlstudio.engine.training_epoch import TRAINING_READY, CompiledSteps, prepare_training
from qmlstudio.ml import QNNClassifier
from qmlstudio.ml.data.bundled import load_bundled
from qmlstudio.ml.training import trainer as trainer_module
from qmlstudio.ml.training.trainer import Trainer
from tests.ml.training.test_trainer import moons_project, sine_project


@pytest.fixture(scope="module", autouse=True)
def compiled():
    """The compiled steps, compiled (or loaded) once for the module."""
    prepare_training()


def trained(project: Project, compiled: bool, monkeypatch, **options) -> Trainer:
    """A trainer run to its end on the compiled path or on the Python path."""
    monkeypatch.setattr(trainer_module, "compiled_training_ready", lambda: compiled)
    trainer = Trainer(project, **options)
    assert (trainer._compiled is not None) is compiled
    trainer.reports = list(trainer)
    return trainer


def assert_same_run(a: Trainer, b: Trainer) -> None:
    assert [r.kind for r in a.reports] == [r.kind for r in b.reports]
    for x, y in zip(a.reports, b.reports, strict=True):
        np.testing.assert_array_equal(x.weights, y.weights)
        np.testing.assert_array_equal(x.readout, y.readout)
        assert (x.train_loss, x.grad_norm, x.stop_reason) == (y.train_loss, y.grad_norm,
                                                              y.stop_reason)
        np.testing.assert_array_equal(x.grad_magnitudes, y.grad_magnitudes)
    assert a.history == b.history


CASES = {
    "binary cross-entropy, Adam": lambda: moons_project(epochs=2),
    "binary probability MSE, SGD": lambda: moons_project(epochs=2, loss="mse",
                                                         optimizer="sgd"),
    "binary hinge, fixed readout": lambda: replace(
        moons_project(epochs=2, loss="hinge"),
        model=ModelSpec(train_readout=False)),
    "regression MSE": lambda: sine_project(epochs=2),
    "a last batch of fewer rows": lambda: moons_project(epochs=2, batch_size=7),
}


@pytest.mark.parametrize("case", CASES)
def test_the_compiled_steps_train_bit_for_bit_as_the_python_steps(case, monkeypatch):
    project = CASES[case]()
    assert_same_run(trained(project, True, monkeypatch), trained(project, False, monkeypatch))


def test_the_steps_on_two_threads_train_bit_for_bit_as_the_python_steps(monkeypatch):
    if thread_cap() < 2:
        pytest.skip("one CPU: no second thread to share a batch's chunks")
    calls = []
    parallel = training_epoch.run_steps_parallel

    def counted(*args):
        calls.append(1)
        return parallel(*args)

    monkeypatch.setattr(training_epoch, "run_steps_parallel", counted)
    project = moons_project(epochs=2)  # batches of 16 rows: two chunks, one per thread
    with using_threads(2):
        two = trained(project, True, monkeypatch)
    assert len(calls) == 2  # an epoch per call
    assert_same_run(two, trained(project, False, monkeypatch))


def fitted_both_ways(monkeypatch, **options) -> list[QNNClassifier]:
    """An estimator fitted on Iris on the compiled path, then on the Python path."""
    iris = load_bundled("iris")
    epochs_run = []
    real_run = CompiledSteps.run

    def counted(self, *args):
        epochs_run.append(1)
        return real_run(self, *args)

    monkeypatch.setattr(CompiledSteps, "run", counted)
    fitted = []
    for compiled in (True, False):
        monkeypatch.setattr(trainer_module, "compiled_training_ready", lambda c=compiled: c)
        model = QNNClassifier(epochs=2, random_state=0, **options)
        fitted.append(model.fit(iris.features, iris.labels))
        assert len(epochs_run) == 2  # the compiled fit's two epochs; the Python fit adds none
    return fitted


@pytest.mark.parametrize("options", [
    {"readout": "linear", "n_qubits": 2},  # three classes from every qubit's ⟨Z⟩
    {"readout": "linear", "loss": "hinge", "n_qubits": 2},
    {"n_qubits": 3, "reuploading": True},  # one observable (and scale) per class
    {"model": "circuit_centric", "n_qubits": 2},  # amplitude encoding
    {"model": "dressed", "n_qubits": 2},  # trained input scaling: w·x angles
])
def test_estimators_train_alike_on_both_paths(options, monkeypatch):
    compiled, python = fitted_both_ways(monkeypatch, **options)
    assert compiled.project_.weights == python.project_.weights
    assert compiled.project_.readout == python.project_.readout
    assert compiled.history_ == python.history_


def test_an_epoch_run_in_parts_trains_alike(monkeypatch):
    # A large epoch runs in several calls (a cancel waits for one): here a step per call.
    monkeypatch.setattr(training_epoch, "WORK_PER_CALL", 1)
    project = moons_project(epochs=2, batch_size=7)
    compiled = trained(project, True, monkeypatch)
    assert compiled._compiled.steps_per_call == 1
    assert_same_run(compiled, trained(project, False, monkeypatch))


def test_a_paused_compiled_run_goes_on_as_an_uninterrupted_one(monkeypatch):
    # Leaving the loop mid-epoch (its steps already run at once) and looping again.
    monkeypatch.setattr(trainer_module, "compiled_training_ready", lambda: True)
    paused = Trainer(moons_project(epochs=2))
    reports = list(itertools.islice(paused, 5)) + list(paused)
    whole = trained(moons_project(epochs=2), True, monkeypatch)
    assert len(reports) == len(whole.reports)
    for x, y in zip(reports, whole.reports, strict=True):
        assert (x.kind, x.epoch, x.step, x.train_loss) == (y.kind, y.epoch, y.step,
                                                           y.train_loss)
        np.testing.assert_array_equal(x.weights, y.weights)


def test_divergence_stops_on_the_same_weights_with_the_same_reason(monkeypatch):
    project = sine_project(learning_rate=1e200)
    a, b = trained(project, True, monkeypatch), trained(project, False, monkeypatch)
    assert a.stop_reason.startswith("diverged at epoch 1, step")
    assert_same_run(a, b)


def test_cancel_at_a_replayed_step_keeps_that_steps_weights(monkeypatch):
    monkeypatch.setattr(trainer_module, "compiled_training_ready", lambda: True)
    trainer = Trainer(moons_project(epochs=3))
    steps = [next(trainer) for _ in range(4)]  # the epoch ran at once; four replayed
    trainer.cancel()
    done = next(trainer)
    assert done.stop_reason == "cancelled"
    np.testing.assert_array_equal(done.weights, steps[-1].weights)
    monkeypatch.setattr(trainer_module, "compiled_training_ready", lambda: False)
    python = Trainer(moons_project(epochs=3))
    np.testing.assert_array_equal([next(python) for _ in range(4)][-1].weights, done.weights)


def test_a_process_started_with_the_steps_cached_takes_the_compiled_path():
    assert TRAINING_READY.exists()
    code = ("from qmlstudio.engine.training_epoch import compiled_training_ready; "
            "print(compiled_training_ready())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip() == "True"


SKIPPED_STEPS_CASES = {
    "a last batch of fewer rows": lambda: moons_project(epochs=2, batch_size=7),
    "regression MSE": lambda: sine_project(epochs=2),
    "divergence": lambda: sine_project(learning_rate=1e200),
}


@pytest.mark.parametrize("in_parts", [False, True])
@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("case", SKIPPED_STEPS_CASES)
def test_next_epoch_gives_the_epoch_reports_of_a_stepped_run(case, compiled, in_parts,
                                                             monkeypatch):
    if in_parts:  # a step per compiled call
        monkeypatch.setattr(training_epoch, "WORK_PER_CALL", 1)
    project = SKIPPED_STEPS_CASES[case]()
    stepped = trained(project, compiled, monkeypatch)
    trainer = Trainer(project)
    reports = []
    while not trainer.finished:
        reports.append(trainer.next_epoch())
    with pytest.raises(StopIteration):
        trainer.next_epoch()
    expected = [r for r in stepped.reports if r.kind != "step"]
    assert [(r.kind, r.epoch, r.step) for r in reports] == [(r.kind, r.epoch, r.step)
                                                           for r in expected]
    for x, y in zip(reports, expected, strict=True):
        np.testing.assert_array_equal(x.weights, y.weights)
        np.testing.assert_array_equal(x.readout, y.readout)
        assert (x.values(), x.stop_reason) == (y.values(), y.stop_reason)
    assert trainer.history == stepped.history  # the epochs' mean gradient norms included
