"""The trainer: learning that broken gradients cannot fake, bit-for-bit reproducibility, the
iterator protocol (pause by leaving the loop) and cancel, early stopping with the best weights
restored, divergence, resuming a trained project, and errors raised before any step."""

import itertools
import time
from dataclasses import replace

import numpy as np
import pytest

from qmlstudio.core import (
    Circuit,
    DatasetError,
    DatasetSpec,
    ModelSpec,
    Preprocessing,
    Project,
    ProjectError,
    TrainingConfig,
    w,
    x,
)
from qmlstudio.core.noise import NoiseModel
from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.data.generators import make_moons
from qmlstudio.ml.data.preprocessing import apply_preprocessing
from qmlstudio.ml.models.templates import build_model_circuit, init_weights, project_weights
from qmlstudio.ml.training.report import TrainingReport
from qmlstudio.ml.training.trainer import Trainer, train

MOONS = {"n_samples": 120, "noise": 0.1, "seed": 3}


def moons_project(**training) -> Project:
    """A 2-qubit re-uploading classifier on 120 moons points, half of them held out."""
    circuit = build_model_circuit(2, 2, layers=3, reuploading=True)
    config = {"epochs": 10, "learning_rate": 0.1, **training}
    return Project(circuit, dataset=DatasetSpec.builtin("moons", **MOONS),
                   preprocessing=Preprocessing(test_fraction=0.5),
                   training=TrainingConfig(**config))


def sine_project(**training) -> Project:
    circuit = build_model_circuit(1, 1, layers=3, reuploading=True)
    return Project(circuit, dataset=DatasetSpec.builtin("sine", n_samples=60),
                   model=ModelSpec(task="regression"),
                   training=TrainingConfig(loss="mse", **{"epochs": 4, **training}))


def run(trainer: Trainer) -> list[TrainingReport]:
    return list(trainer)


def majority_rate(labels: np.ndarray) -> float:
    return float(np.max(np.bincount(labels)) / len(labels))


# -- learning --------------------------------------------------------------------------------
def test_learns_moons_far_above_the_majority_rate():
    trainer = Trainer(moons_project())
    data = trainer.data
    initial = data.model.loss_value(data.X_train, data.y_train,
                                    init_weights(data.project.circuit.n_weights, seed=0), None)
    done = run(trainer)[-1]
    assert done.kind == "done" and done.stop_reason == "completed"
    assert done.metrics["test_accuracy"] >= majority_rate(data.y_test) + 0.2
    assert done.train_loss < 0.5 * initial  # the gradient descended


def test_shuffled_labels_stay_near_chance():
    moons = make_moons(**MOONS)
    shuffled = np.random.default_rng(1).permutation(moons.labels)
    trainer = Trainer(moons_project(), dataset=Dataset(moons.features, shuffled,
                                                       class_labels=(0, 1)))
    done = run(trainer)[-1]
    assert done.metrics["test_accuracy"] <= majority_rate(trainer.data.y_test) + 0.15


def test_regression_learns_a_sine():
    done = run(Trainer(sine_project(epochs=15, learning_rate=0.1)))[-1]
    assert done.metrics["test_r2"] > 0.8


# -- reproducibility -------------------------------------------------------------------------
def test_same_seed_same_run_bit_for_bit_and_another_seed_differs():
    a = train(moons_project(epochs=3))
    b = train(moons_project(epochs=3))
    assert a.weights == b.weights and a.readout == b.readout and a.history == b.history
    c = train(moons_project(epochs=3), seed=5)
    assert c.weights != a.weights
    assert c.training.seed == 5


@pytest.mark.parametrize("training", [
    {"optimizer": "spsa", "learning_rate": 0.2},
    {"optimizer": "sgd", "gradient_method": "parameter-shift", "shots": 200},
])
def test_spsa_and_shots_are_seeded_too(training):
    a = train(moons_project(epochs=1, **training))
    assert a.weights == train(moons_project(epochs=1, **training)).weights
    assert all(r.get("train_loss") is not None for r in a.history.records)


# -- the step protocol -----------------------------------------------------------------------
def test_reports_follow_steps_then_epochs_then_done():
    trainer = Trainer(moons_project(epochs=2, batch_size=16))
    reports = run(trainer)
    kinds = [r.kind for r in reports]
    steps = 4  # 60 training rows in batches of 16
    assert kinds == (["step"] * steps + ["epoch"]) * 2 + ["done"]
    assert [r.step for r in reports[:steps + 1]] == [1, 2, 3, 4, 4]
    assert [r.epoch for r in reports] == [1] * 5 + [2] * 6
    progress = [r.progress for r in reports]
    assert progress == sorted(progress) and progress[-1] == 1.0
    step = reports[0]
    n = trainer.data.project.circuit.n_weights
    assert step.grad_magnitudes.shape == (n,) and np.all(step.grad_magnitudes >= 0)
    assert step.grad_norm > 0 and step.test_loss is None and not step.metrics
    assert not step.weights.flags.writeable and step.readout.shape == (2,)
    epoch = reports[steps]
    assert set(epoch.values()) == {"train_loss", "test_loss", "train_accuracy", "train_f1",
                                   "test_accuracy", "test_f1"}
    assert trainer.history.records[0].get("test_accuracy") == epoch.metrics["test_accuracy"]
    assert reports[-1].elapsed >= epoch.elapsed > 0
    with pytest.raises(StopIteration):
        next(trainer)


def test_training_starts_from_the_weights_of_the_project():
    project = moons_project(epochs=1, weight_init="small", seed=5)
    expected = init_weights(project.circuit.n_weights, "small", 5)
    np.testing.assert_array_equal(project_weights(project), expected)  # untrained: initial
    np.testing.assert_array_equal(Trainer(project).weights, expected)
    trained = train(project)
    np.testing.assert_array_equal(project_weights(trained), trained.weights)  # trained: its own
    np.testing.assert_array_equal(Trainer(trained).weights, trained.weights)
    np.testing.assert_array_equal(Trainer(trained, restart=True).weights, expected)


def test_the_trainer_is_a_conforming_iterator_and_stays_exhausted():
    trainer = Trainer(moons_project(epochs=1))
    assert iter(trainer) is trainer
    reports = list(trainer)
    assert reports[-1].kind == "done" and trainer.finished
    assert list(trainer) == []  # exhausted: every later loop is empty
    for _ in range(3):
        with pytest.raises(StopIteration):
            next(trainer)
    assert next(trainer, None) is None
    with pytest.raises(StopIteration):
        trainer.step()


def test_leaving_the_loop_pauses_and_the_next_loop_gives_the_uninterrupted_run():
    trainer = Trainer(moons_project(epochs=2))
    first = []
    for report in trainer:
        first.append(report)
        if len(first) == 3:
            break  # pause between steps
    assert len(first) == 3 and not trainer.finished
    stepped = next(trainer)  # single step while "paused"
    assert stepped.kind == "step" and stepped.step == 4
    more = list(itertools.islice(trainer, 2))  # two more units of work, then paused again
    assert [(r.kind, r.epoch, r.step) for r in more] == [("epoch", 1, 4), ("step", 2, 1)]
    rest = run(trainer)
    assert rest[-1].kind == "done" and trainer.finished
    uninterrupted = run(Trainer(moons_project(epochs=2)))
    assert len(first) + 1 + len(more) + len(rest) == len(uninterrupted)
    assert [r.kind for r in (*first, stepped, *more, *rest)] == \
        [r.kind for r in uninterrupted]
    np.testing.assert_array_equal(rest[-1].weights, uninterrupted[-1].weights)


def test_cancel_stops_between_steps_and_keeps_the_weights():
    trainer = Trainer(moons_project(epochs=5))
    reports = [next(trainer) for _ in range(3)]
    trainer.cancel()
    assert trainer.result_project().history.stop_reason == "cancelled"
    done = next(trainer)
    assert done.kind == "done" and done.stop_reason == "cancelled"
    np.testing.assert_array_equal(done.weights, reports[-1].weights)
    with pytest.raises(StopIteration):
        next(trainer)
    project = trainer.result_project()
    assert project.history.stop_reason == "cancelled" and not project.history.records
    assert np.array_equal(project.weights, reports[-1].weights)



@pytest.mark.parametrize("noise_method", ["density", "trajectories"])
def test_a_cancelled_run_measures_its_weights_unless_it_runs_trajectories(noise_method):
    project = replace(moons_project(epochs=2, noise_method=noise_method, trajectories=8),
                      noise=NoiseModel.uniform_depolarizing(0.05))
    trainer = Trainer(project)
    next(trainer)
    assert trainer.measured_at_end  # still running
    trainer.cancel()
    done = next(trainer)
    assert done.stop_reason == "cancelled"
    # Measuring would run every trajectory of every row again: the wait Stop avoids.
    measured = noise_method == "density"
    assert trainer.measured_at_end is measured
    assert (done.train_loss is not None, bool(done.metrics)) == (measured, measured)

# -- the validation part, best weights and early stopping ------------------------------------
def with_validation(project: Project, fraction: float = 0.3) -> Project:
    return replace(project, preprocessing=replace(project.preprocessing,
                                                  validation_fraction=fraction))


def test_the_validation_part_comes_from_the_training_rows_only():
    moons = make_moons(**MOONS)
    plain = Trainer(moons_project()).data
    data = Trainer(with_validation(moons_project())).data

    def rows(X):  # rows are told apart by their features (120 distinct points)
        return {tuple(row) for row in X.tolist()}

    # The test part is the same rows with or without a validation part, ...
    assert len(data.y_test) == 60
    raw_of = {tuple(apply_preprocessing(data.project.preprocessing, [r])[0].tolist()): tuple(r)
              for r in moons.features.tolist()}
    raw_plain = {tuple(apply_preprocessing(plain.project.preprocessing, [r])[0].tolist()):
                 tuple(r) for r in moons.features.tolist()}
    test_rows = {raw_of[r] for r in rows(data.X_test)}
    assert test_rows == {raw_plain[r] for r in rows(plain.X_test)}
    # ... the validation part is round(30 % of 30) = 9 of each class's 30 other rows, ...
    assert np.bincount(data.y_val).tolist() == [9, 9]
    assert np.bincount(data.y_train).tolist() == [21, 21]
    train_rows, val_rows = ({raw_of[r] for r in rows(X)} for X in (data.X_train, data.X_val))
    assert not train_rows & val_rows and train_rows | val_rows == \
        {raw_plain[r] for r in rows(plain.X_train)}
    # ... and the scaling is fitted on the remaining training rows alone.
    raw_train = np.array(sorted(train_rows))
    fitted = data.project.preprocessing.fitted
    np.testing.assert_array_equal(fitted.center, raw_train.min(axis=0))
    np.testing.assert_allclose(fitted.width, np.ptp(raw_train, axis=0), rtol=1e-15)


def test_epochs_report_and_record_the_validation_part():
    trainer = Trainer(with_validation(moons_project(epochs=2)))
    reports = run(trainer)
    epoch = next(r for r in reports if r.kind == "epoch")
    assert set(epoch.values()) == {"train_loss", "val_loss", "test_loss", "train_accuracy",
                                   "train_f1", "val_accuracy", "val_f1", "test_accuracy",
                                   "test_f1"}
    record = trainer.history.records[0]
    assert record.get("val_loss") == epoch.val_loss and record.get("val_accuracy") == \
        epoch.metrics["val_accuracy"]
    # The validation loss is the model's loss on exactly the validation rows.
    data = trainer.data
    weights, readout = reports[-1].weights, reports[-1].readout
    assert reports[-1].val_loss == pytest.approx(
        data.model.loss_value(data.X_val, data.y_val, weights, readout), abs=1e-12)
    assert trainer.watched == "val_loss"


def _counting_forwards(trainer: Trainer, monkeypatch) -> list[int]:
    """Count the trainer model's measurements of a data part (the real ones run)."""
    calls = [0]
    model_type = type(trainer.model)
    real = model_type.batch_evaluate

    def counted(self, *args, **kwargs):
        calls[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(model_type, "batch_evaluate", counted)
    return calls


def test_a_run_that_completes_is_measured_once_at_its_end(monkeypatch):
    # The last epoch report and the done report describe the same weights: one measurement
    # (of the three parts), and the done report still gives the model's true loss.
    trainer = Trainer(with_validation(moons_project(epochs=2)))
    calls = _counting_forwards(trainer, monkeypatch)
    reports = run(trainer)
    last_epoch, done = reports[-2], reports[-1]
    assert (last_epoch.kind, done.kind) == ("epoch", "done")
    assert calls[0] == 2 * 3  # two epochs, three parts each; none again for the done report
    assert done.values() == last_epoch.values()
    data = trainer.data
    assert done.test_loss == pytest.approx(
        data.model.loss_value(data.X_test, data.y_test, done.weights, done.readout), abs=1e-12)


def test_weights_restored_at_the_end_are_measured_again(monkeypatch):
    trainer = Trainer(with_validation(moons_project(epochs=40, learning_rate=0.4,
                                                    early_stopping_patience=2)))
    calls = _counting_forwards(trainer, monkeypatch)
    reports = run(trainer)
    epochs = sum(r.kind == "epoch" for r in reports)
    assert calls[0] == 3 * (epochs + 1)
    best = next(r for r in reports if r.kind == "epoch" and r.epoch == trainer.best_epoch)
    assert reports[-1].values() == best.values() != reports[-2].values()


def test_early_stopping_watches_validation_never_test_and_restores_the_best_weights():
    trainer = Trainer(with_validation(moons_project(epochs=40, learning_rate=0.4,
                                                    early_stopping_patience=2)))
    reports = run(trainer)
    history = trainer.history
    assert history.stop_reason.startswith("early stopping: val_loss did not improve")
    val, test = history.series("val_loss"), history.series("test_loss")
    best = int(np.argmin(val))
    assert trainer.best_epoch == history.records[best].epoch
    assert history.stop_reason.endswith(f"; restored the best weights (epoch {best + 1})")
    assert len(val) - 1 - best == 2  # stopped after exactly `patience` worse epochs
    # The test loss still fell after the best validation epoch: judging by it would not have
    # stopped here (the leak this guards against).
    assert min(test[best + 1:]) < test[best]
    best_report = next(r for r in reports if r.kind == "epoch" and r.epoch == trainer.best_epoch)
    np.testing.assert_array_equal(reports[-1].weights, best_report.weights)
    assert reports[-1].val_loss == best_report.val_loss


def test_without_a_validation_part_early_stopping_watches_the_training_part():
    trainer = Trainer(moons_project(epochs=40, learning_rate=0.4, early_stopping_patience=2))
    assert trainer.watched == "train_loss"  # the test part exists, and is not watched
    reports = run(trainer)
    history = trainer.history
    assert history.stop_reason.startswith("early stopping: train_loss did not improve")
    losses = history.series("train_loss")
    best = int(np.argmin(losses))
    assert trainer.best_epoch == history.records[best].epoch
    assert len(losses) - 1 - best == 2
    best_report = next(r for r in reports if r.kind == "epoch" and r.epoch == trainer.best_epoch)
    np.testing.assert_array_equal(reports[-1].weights, best_report.weights)


def test_a_metric_the_task_does_not_measure_is_refused():
    # A classifier measures loss, accuracy and F1: watching "mse" would never see a value and
    # stop after `patience` epochs with nothing to restore.
    with pytest.raises(ProjectError, match="'mse' is not measured for a classification"):
        Trainer(moons_project(early_stopping_patience=2, early_stopping_metric="mse"))


def test_shot_noise_of_the_parts_is_independent():
    # Four identical points, two per class: train and test hold one of each, in the same
    # class order, so with the same noise draws their losses would be bit-identical.
    circuit = build_model_circuit(1, 1, layers=1)
    dataset = Dataset(np.full((4, 1), 0.5), np.array([0, 0, 1, 1]), class_labels=(0, 1))
    project = Project(circuit, dataset=DatasetSpec.builtin("moons"),
                      preprocessing=Preprocessing(scaling="none", test_fraction=0.5),
                      training=TrainingConfig(epochs=1, shots=20, optimizer="spsa"))
    trainer = Trainer(project, dataset=dataset)
    assert trainer.data.y_train.tolist() == trainer.data.y_test.tolist() == [0, 1]
    np.testing.assert_array_equal(trainer.data.X_train, trainer.data.X_test)
    epoch = next(r for r in run(trainer) if r.kind == "epoch")
    assert epoch.train_loss != epoch.test_loss


def test_restore_best_on_demand_by_a_greater_is_better_metric():
    trainer = Trainer(moons_project(epochs=6, learning_rate=0.3,
                                    early_stopping_metric="accuracy"))
    assert trainer.restore_best() is None
    reports = run(trainer)
    accuracies = trainer.history.series("test_accuracy")
    epoch = trainer.restore_best()
    assert epoch == trainer.history.records[int(np.argmax(accuracies))].epoch
    best = next(r for r in reports if r.kind == "epoch" and r.epoch == epoch)
    np.testing.assert_array_equal(trainer.weights, best.weights)
    assert trainer.stop_reason == "completed"  # no patience: the last weights are kept


# -- divergence ------------------------------------------------------------------------------
def test_a_poisoned_learning_rate_stops_on_the_last_finite_weights():
    project = sine_project(learning_rate=1e200)  # one Adam step moves every weight by ~1e200
    trainer = Trainer(project)
    done = run(trainer)[-1]
    assert done.kind == "done"
    assert done.stop_reason.startswith("diverged at epoch 1, step 2: the loss is inf")
    initial = init_weights(project.circuit.n_weights, "uniform", seed=0)
    np.testing.assert_array_equal(done.weights, initial)
    result = trainer.result_project()
    assert "diverged" in result.history.stop_reason
    assert np.isfinite(result.weights).all()


# -- resuming --------------------------------------------------------------------------------
def test_training_resumes_from_saved_weights():
    first = train(moons_project(epochs=4))
    assert [r.epoch for r in first.history.records] == [1, 2, 3, 4]
    assert first.preprocessing.is_fitted and first.model.class_labels == (0, 1)
    resumed = train(first, epochs=3)
    records = resumed.history.records
    assert [r.epoch for r in records] == [1, 2, 3, 4, 5, 6, 7]
    assert records[:4] == first.history.records
    assert resumed.preprocessing == first.preprocessing
    losses = resumed.history.series("train_loss")
    assert losses[4] < losses[0] and losses[6] < losses[3]
    restarted = train(first, epochs=3, restart=True)
    assert len(restarted.history.records) == 3
    assert restarted.history.series("train_loss")[0] > losses[4]


def test_result_project_records_versions_and_a_seed_override():
    reports = []
    project = train(moons_project(epochs=1), seed=2, on_report=reports.append)
    assert [r.kind for r in reports[-2:]] == ["epoch", "done"]
    np.testing.assert_array_equal(reports[-1].weights, project.weights)
    assert dict(project.versions)["numpy"] == np.__version__
    assert project.training.seed == 2 and project.is_trained
    assert len(project.readout.scale) == 1


# -- errors before any step ------------------------------------------------------------------
def test_problems_are_reported_before_training():
    iris = Project(build_model_circuit(2, 2, layers=1), dataset=DatasetSpec.builtin("iris"))
    with pytest.raises(DatasetError, match="4 features, but the circuit can encode at most 2"):
        Trainer(iris)
    reduced = replace(iris, preprocessing=Preprocessing(n_components=2))
    with pytest.raises(ProjectError, match="1 observables for 3 classes"):
        Trainer(reduced)
    with pytest.raises(ProjectError, match="parameter-shift"):
        Trainer(moons_project(shots=100))
    with pytest.raises(ProjectError, match="epochs: must be at least 1"):
        Trainer(moons_project(), epochs=0)
    regression = Project(Circuit(1).add("ry", [0], x(0)), dataset=DatasetSpec.builtin("sine"))
    with pytest.raises(DatasetError, match="regression data set cannot train a classification"):
        Trainer(regression)
    # Too few columns for what the circuit reads names the data set, not PCA (none is used).
    reads_x2 = Circuit(2).add("ry", [0], x(0)).add("ry", [1], x(2)).add("rz", [0], w(0))
    with pytest.raises(ProjectError, match=r"^dataset: 2 feature columns, but the circuit "
                                           r"reads 3"):
        Trainer(Project(reads_x2, dataset=DatasetSpec.builtin("moons", n_samples=40)))
    # One column is counted in the singular ("1 feature column", not "1 feature column(s)").
    reads_x1 = Circuit(2).add("ry", [0], x(0)).add("ry", [1], x(1)).add("rz", [0], w(0))
    sine = Project(reads_x1, dataset=DatasetSpec.builtin("sine", n_samples=20),
                   model=ModelSpec("regression"), training=TrainingConfig(loss="mse"))
    with pytest.raises(ProjectError, match=r"^dataset: 1 feature column, but the circuit "
                                           r"reads 2"):
        Trainer(sine)
    trained = train(moons_project(epochs=1))
    relabelled = replace(trained, model=replace(trained.model, class_labels=("a", "b")))
    with pytest.raises(ProjectError, match="start the training afresh"):
        Trainer(relabelled)


@pytest.mark.alone  # a time bound: see tests/run_alone.py
def test_cancel_during_a_parameter_shift_step_ends_it_without_finishing_the_step():
    import threading

    # 6 qubits, 6 layers: ~100 weight factors, so a step makes ~200 engine calls
    project = replace(moons_project(epochs=2, gradient_method="parameter-shift", batch_size=30),
                      circuit=build_model_circuit(6, 2, layers=6))
    trainer = Trainer(project)
    next(trainer)  # the first step also sets the engine up (ten times a step's time)
    started = time.perf_counter()
    assert next(trainer).kind == "step"  # a whole step: the time the cancelled one must beat
    full_step = time.perf_counter() - started
    before = next(trainer)
    while before.kind != "epoch":
        before = next(trainer)
    started = time.perf_counter()
    # A quarter into the next step (a fixed delay raced it: the engine got faster).
    timer = threading.Timer(full_step / 4, trainer.cancel)
    timer.start()
    done = next(trainer)
    elapsed = time.perf_counter() - started
    timer.join()
    assert done.kind == "done" and done.stop_reason == "cancelled"
    np.testing.assert_array_equal(done.weights, before.weights)  # the step was abandoned
    assert elapsed < max(0.5, full_step)
