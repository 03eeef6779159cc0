"""The live training plots, fed with the reports of a real (short) training run on moons: the
curves hold exactly the epochs' values, the gradient-norm warning follows its rule, the
decision boundary and confusion matrix show what the model predicts (checked against
independent predictions), the baseline sits beside the model's metrics, and plots export to
valid PNG and SVG files."""

import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from qmlstudio.core import (
    DatasetSpec,
    EpochRecord,
    ModelSpec,
    Preprocessing,
    Project,
    QMLStudioError,
    TrainingConfig,
    TrainingHistory,
    Weight,
)
from qmlstudio.gui.figure_grid import MIN_FIGURE_HEIGHT, MIN_FIGURE_WIDTH
from qmlstudio.gui.plot_export import EXPORT_TEXT
from qmlstudio.ml.data.preprocessing import split_rows
from qmlstudio.ml.evaluation.baselines import baseline_metrics
from qmlstudio.ml.evaluation.decision_boundary import decision_boundary
from qmlstudio.ml.evaluation.metrics import confusion_matrix
from qmlstudio.ml.export.trained_model import TrainedModel
from qmlstudio.ml.models.templates import build_model_circuit
from qmlstudio.ml.training.report import TrainingReport
from qmlstudio.ml.training.trainer import Trainer
from tests.gui.dialogs import answer_next_dialog, choose_file


def _moons_project(epochs=4) -> Project:
    circuit = build_model_circuit(2, 2, layers=2, reuploading=True)
    return Project(circuit, dataset=DatasetSpec.builtin("moons", n_samples=80, noise=0.1,
                                                        seed=3),
                   preprocessing=Preprocessing(test_fraction=0.25, validation_fraction=0.2),
                   training=TrainingConfig(epochs=epochs, learning_rate=0.1, batch_size=16))


@pytest.fixture(scope="module")
def moons_run():
    """A finished trainer and every report it returned."""
    trainer = Trainer(_moons_project())
    reports = list(trainer)
    return trainer, reports


@pytest.fixture
def plots(qtbot):
    from qmlstudio.gui.training.plots import TrainingPlots

    widget = TrainingPlots()
    qtbot.addWidget(widget)
    widget.resize(1000, 760)
    widget.show()
    return widget


def _report(kind, epoch, **fields):
    empty = np.zeros(0)
    return TrainingReport(kind, epoch, 1, 0.5, 10, empty, empty, 0.0, **fields)


def _wait_for_results(qtbot, plots, project, data):
    with qtbot.waitSignal(plots.results_shown, timeout=20000):
        plots.on_finished(project, data)


def test_curves_hold_the_epoch_reports_values(plots, moons_run):
    trainer, reports = moons_run
    for report in reports:
        plots.on_report(report)
    epochs = [r for r in reports if r.kind == "epoch"]
    assert [r.epoch for r in epochs] == [1, 2, 3, 4]
    for name in ("train_loss", "val_loss", "test_loss", "train_accuracy", "val_accuracy",
                 "test_accuracy"):
        x, y = plots.curve(name)
        np.testing.assert_array_equal(x, [1, 2, 3, 4])
        np.testing.assert_array_equal(y, [r.values()[name] for r in epochs])
    # The per-epoch gradient norm is the mean of the steps' norms, as the trainer records it.
    x, y = plots.curve("grad_norm")
    np.testing.assert_array_equal(x, [1, 2, 3, 4])
    np.testing.assert_allclose(y, trainer.history.series("grad_norm"), rtol=1e-12)
    steps = [r.grad_norm for r in reports if r.kind == "step" and r.epoch == 2]
    assert y[1] == pytest.approx(np.mean(steps), rel=1e-12)
    assert plots.metric_name == "accuracy" and plots.curve("test_r2")[0].size == 0
    assert plots.vanishing_warning() == ""  # moons gradients are far from vanishing


def test_live_gradient_point_and_history_replay(plots, moons_run):
    trainer, reports = moons_run
    first_steps = [r for r in reports if r.kind == "step" and r.epoch == 1]
    for report in first_steps[:2]:
        plots.on_report(report)
    x, y = plots.curve("grad_norm")  # the running mean of the epoch so far
    assert list(x) == [1] and y[0] == pytest.approx(
        np.mean([r.grad_norm for r in first_steps[:2]]))
    assert plots.curve("train_loss")[0].size == 0  # no epoch closed yet
    plots.set_history(trainer.history)
    for name in ("train_loss", "test_accuracy", "grad_norm"):
        x, y = plots.curve(name)
        np.testing.assert_array_equal(x, [r.epoch for r in trainer.history.records])
        np.testing.assert_array_equal(y, trainer.history.series(name))
    plots.clear()
    assert all(plots.curve(n)[0].size == 0 for n in ("train_loss", "grad_norm"))


def test_vanishing_gradient_warning_follows_its_rule(plots):
    from qmlstudio.gui.training.plots import VANISHING_EPOCHS, VANISHING_THRESHOLD

    tiny = VANISHING_THRESHOLD / 50
    for epoch in range(1, VANISHING_EPOCHS):
        for _ in range(3):
            plots.on_report(_report("step", epoch, grad_norm=tiny, train_loss=0.69))
        plots.on_report(_report("epoch", epoch, train_loss=0.69))
        assert plots.vanishing_warning() == ""  # not yet "several" epochs
    plots.on_report(_report("step", VANISHING_EPOCHS, grad_norm=tiny))
    assert plots.vanishing_warning() == ""  # an epoch in progress does not count
    plots.on_report(_report("epoch", VANISHING_EPOCHS, train_loss=0.69))
    text = plots.vanishing_warning()
    assert "Vanishing gradients" in text and "barren plateau" in text
    assert plots.warning_label.isVisible()
    # One healthy epoch later the warning goes away.
    plots.on_report(_report("step", VANISHING_EPOCHS + 1, grad_norm=0.3))
    plots.on_report(_report("epoch", VANISHING_EPOCHS + 1, train_loss=0.5))
    assert plots.vanishing_warning() == "" and not plots.warning_label.isVisible()
    # Normal norms, however many epochs, never warn.
    plots.clear()
    for epoch in range(1, 3 * VANISHING_EPOCHS):
        plots.on_report(_report("step", epoch, grad_norm=VANISHING_THRESHOLD * 5))
        plots.on_report(_report("epoch", epoch, train_loss=0.4))
    assert plots.vanishing_warning() == ""


@pytest.mark.alone  # a time bound: see tests/run_alone.py
def test_a_stream_of_reports_redraws_each_plot_at_most_ten_times_a_second(plots, qtbot):
    from qmlstudio.gui.training.plots import REDRAW_SECONDS

    curves = [view.getPlotItem().listDataItems()[0]
              for view in (plots.loss_plot, plots.metric_plot, plots.gradient_plot)]
    redraws = Counter()
    for curve in curves:
        curve.sigPlotChanged.connect(lambda item: redraws.update([item]))
    start = time.monotonic()
    for epoch in range(1, 61):  # ~60 epochs a second, each with a step report
        plots.on_report(_report("step", epoch, grad_norm=0.1))
        plots.on_report(_report("epoch", epoch, train_loss=1 / epoch,
                                metrics={"train_accuracy": epoch / 60}))
        qtbot.wait(15)
    periods = (time.monotonic() - start) / REDRAW_SECONDS
    for curve in curves:
        assert 2 <= redraws[curve] <= periods + 2, (curve, redraws[curve], periods)
    # The last epoch reaches every curve within a period, without anything asking for it.
    qtbot.wait(round(REDRAW_SECONDS * 1000) + 100)
    for curve in curves:
        assert curve.xData is not None and curve.xData[-1] == 60, curve


def test_boundary_image_matches_the_grid(plots, moons_run):
    trainer, _ = moons_run
    assert not plots.boundary_plot.isVisible()  # nothing to show yet
    boundary = decision_boundary(trainer, resolution=40)
    plots.on_boundary(boundary)
    image = plots.boundary_plot.image()
    assert image.shape == (40, 40, 4) and image.dtype == np.uint8
    assert plots.boundary_plot.isVisible()
    assert plots.boundary_plot.point_count() == len(trainer.data.y_train)
    # Class 0 cells are tinted blue (Tableau blue #1f77b4), class 1 cells orange (#ff7f0e).
    blue = image[boundary.values == 0][:, :3].astype(int)
    orange = image[boundary.values == 1][:, :3].astype(int)
    assert np.all(blue[:, 2] > blue[:, 0]) and np.all(orange[:, 0] > orange[:, 2])
    plots.on_boundary(None)  # a model without a boundary sends None: nothing changes
    assert plots.boundary_plot.boundary is boundary


def test_redrawing_the_boundary_every_epoch_does_not_grow_the_symbol_cache(plots, moons_run):
    # pyqtgraph keeps a drawn symbol per brush object: fresh brushes each epoch made that cache
    # (and the process) grow for as long as training ran.
    trainer, _ = moons_run
    boundary = decision_boundary(trainer, resolution=8)
    sizes = []
    for epoch in range(1, 31):
        plots.boundary_plot.show_boundary(replace(boundary, epoch=epoch))
        plots.boundary_plot.grab()  # symbols are cached when painted
        sizes.append(sum(len(item.fragmentAtlas) for item in plots.boundary_plot.items()
                         if hasattr(item, "fragmentAtlas")))
    assert sizes[0] > 0 and sizes[-1] == sizes[0]


def test_confusion_matrix_and_baseline_after_training(qtbot, plots, moons_run):
    trainer, reports = moons_run
    project = trainer.result_project()
    assert not plots.confusion_plot.isVisible()
    _wait_for_results(qtbot, plots, project, trainer.data)
    matrix = plots.confusion_plot.matrix()
    data = trainer.data
    assert matrix.sum() == len(data.y_test) == 20
    # Independent predictions: raw test rows through the saved model (its own preprocessing).
    _, _, test_rows = split_rows(project.preprocessing, data.dataset.labels)
    model = TrainedModel.from_project(project)
    predicted = model.predict(data.dataset.features[test_rows])
    indices = np.array([list(model.classes_).index(label) for label in predicted])
    np.testing.assert_array_equal(matrix, confusion_matrix(data.y_test, indices, 2))
    assert plots.confusion_plot.cell_texts() == [str(v) for v in matrix.ravel()]
    assert plots.confusion_plot.isVisible()
    # The table puts the model's metrics (those of the done report) beside the baselines'.
    done = reports[-1]
    values = plots.comparison_table.values()
    assert values["test_accuracy"][0] == pytest.approx(done.metrics["test_accuracy"])
    assert values["test_f1"][0] == pytest.approx(done.metrics["test_f1"])
    baselines = baseline_metrics(data)
    table = plots.comparison_table
    assert table.verticalHeaderItem(0).text() == "test accuracy"
    assert _header_names(table) == ["Quantum model", "Logistic regression", "RBF SVM", "MLP",
                                     "Random forest"]
    _assert_headers_unclipped(table)
    for column, metrics in enumerate(baselines.values(), start=1):
        assert values["test_accuracy"][column] == metrics["test_accuracy"]
        assert table.item(0, column).text() == f"{metrics['test_accuracy']:.3f}"
    # The curves now hold the project's stored history.
    np.testing.assert_array_equal(plots.curve("val_loss")[1],
                                  project.history.series("val_loss"))


def _header_names(table) -> list[str]:
    """The column names as the user reads them (two-word names wrap onto two lines)."""
    return [table.horizontalHeaderItem(c).text().replace("\n", " ")
            for c in range(table.columnCount())]


def _assert_headers_unclipped(table, width: int = 600) -> None:
    """At a laptop dock's width, every header line fits its column."""
    table.resize(width, 200)
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    for column in range(table.columnCount()):
        for line in table.horizontalHeaderItem(column).text().split("\n"):
            assert metrics.horizontalAdvance(line) < header.sectionSize(column), line


def test_results_without_the_run_data_and_for_a_regressor(qtbot, plots):
    circuit = build_model_circuit(2, 2, layers=1)
    project = Project(circuit, dataset=DatasetSpec.builtin("moons", n_samples=40),
                      preprocessing=Preprocessing(test_fraction=0.0),
                      training=TrainingConfig(epochs=1))
    trainer = Trainer(project)
    list(trainer)
    _wait_for_results(qtbot, plots, trainer.result_project(), None)
    # No test part: the confusion matrix counts the training rows, and says so.
    assert plots.confusion_plot.matrix().sum() == len(trainer.data.y_train)
    assert "training part" in plots.confusion_plot.getPlotItem().titleLabel.text
    assert set(plots.comparison_table.values()) == {"train_accuracy", "train_f1"}

    plots.clear()
    sine = Project(build_model_circuit(1, 1, layers=2, reuploading=True),
                   dataset=DatasetSpec.builtin("sine", n_samples=40),
                   preprocessing=Preprocessing(test_fraction=0.25),
                   model=ModelSpec(task="regression"),
                   training=TrainingConfig(loss="mse", epochs=2, batch_size=10))
    trainer = Trainer(sine)
    for report in trainer:
        plots.on_report(report)
    assert plots.metric_name == "r2"
    np.testing.assert_array_equal(plots.curve("test_r2")[1],
                                  trainer.history.series("test_r2"))
    _wait_for_results(qtbot, plots, trainer.result_project(), trainer.data)
    assert plots.results.confusion is None and not plots.confusion_plot.isVisible()
    table = plots.comparison_table
    assert _header_names(table) == ["Quantum model", "Linear regression", "RBF SVR", "MLP",
                                     "Random forest"]
    _assert_headers_unclipped(table)
    assert set(plots.comparison_table.values()) == {"test_mse", "test_r2", "train_mse",
                                                    "train_r2"}


def test_a_data_set_that_cannot_load_is_reported(qtbot, plots, tmp_path, moons_run):
    trainer, _ = moons_run
    project = trainer.result_project()
    missing = replace(project, dataset=DatasetSpec.csv(str(tmp_path / "gone.csv"), "0" * 64,
                                                       "label"))
    with qtbot.waitSignal(plots.results_failed, timeout=20000) as blocker:
        plots.on_finished(missing, None)
    assert "gone.csv" in blocker.args[0]
    assert "gone.csv" in plots.status_label.text() and plots.status_label.isVisible()


def test_exports_write_valid_png_and_svg(qtbot, plots, moons_run, tmp_path):
    trainer, reports = moons_run
    for report in reports:
        plots.on_report(report)
    plots.on_boundary(decision_boundary(trainer, resolution=24))
    _wait_for_results(qtbot, plots, trainer.result_project(), trainer.data)
    png, svg = tmp_path / "plots.png", tmp_path / "plots.svg"
    plots.export_plots(png)
    plots.export_plots(svg)
    image = QImage(str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (image.width(), image.height()) == (plots.width(), plots.height())
    root = ElementTree.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert "Confusion matrix" in svg.read_text(encoding="utf-8")  # text stays text
    for name in ("loss", "gradient", "boundary", "confusion"):
        plots.export_plot(name, tmp_path / f"{name}.png")
        plots.export_plot(name, tmp_path / f"{name}.svg")
        assert not QImage(str(tmp_path / f"{name}.png")).isNull()
        assert ElementTree.parse(tmp_path / f"{name}.svg").getroot().tag.endswith("svg")
    assert "<image" in (tmp_path / "boundary.svg").read_text(encoding="utf-8")
    with pytest.raises(QMLStudioError, match=r"\.png or \.svg"):
        plots.export_plots(tmp_path / "plots.pdf")
    with pytest.raises(QMLStudioError, match="no plot named"):
        plots.export_plot("bloch", tmp_path / "x.png")


def test_gradient_heat_sums_each_gates_weights(moons_run):
    from qmlstudio.viewmodels.gradient_heat import gradient_heat

    trainer, reports = moons_run
    circuit = trainer.data.project.circuit
    step = next(r for r in reports if r.kind == "step")
    heat = gradient_heat(step, circuit)
    assert heat.shape == (len(circuit.operations),)
    for op, value in zip(circuit.operations, heat, strict=True):
        indices = [p.index for p in op.params if isinstance(p, Weight)]
        assert value == pytest.approx(sum(step.grad_magnitudes[k] for k in indices))
    assert heat.sum() > 0 and np.any(heat == 0)  # encoding gates have no weights
    epoch = next(r for r in reports if r.kind == "epoch")
    assert gradient_heat(epoch, circuit) is None


def test_regression_boundary_uses_the_colour_map(plots):
    from qmlstudio.ml.evaluation.decision_boundary import DecisionBoundary

    values = np.repeat(np.linspace(-1, 1, 12)[:, None], 10, axis=1)  # rising with the row
    points = np.random.default_rng(0).uniform(0, 1, (30, 2))
    boundary = DecisionBoundary("regression", 0, (0.0, 1.0), (0.0, 2.0), values, None,
                                points, points[:, 0] - 0.5)
    plots.on_boundary(boundary)
    image = plots.boundary_plot.image()
    assert image.shape == (12, 10, 4) and plots.boundary_plot.point_count() == 30
    # Viridis runs from dark purple (low) to yellow (high): the top row is the brightest.
    assert image[-1, 0, :3].astype(int).sum() > image[0, 0, :3].astype(int).sum() + 200
    np.testing.assert_array_equal(image[:, 0], image[:, -1])  # constant along each row


# -- reading at a glance -----------------------------------------------------------------------
def _history(epochs: int, parts: tuple[str, ...]) -> TrainingHistory:
    records = [EpochRecord.of(epoch, grad_norm=0.5 / epoch,
                              **{f"{part}_{metric}": 1.0 / epoch
                                 for part in parts for metric in ("loss", "accuracy")})
               for epoch in range(1, epochs + 1)]
    return TrainingHistory(tuple(records))


def _tick_texts(plot, side: str) -> list[str]:
    """The tick labels pyqtgraph draws on ``side`` of ``plot`` at its current size."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        return [text for *_, text in plot.getPlotItem().getAxis(side).generateDrawSpecs(
            painter)[2]]
    finally:
        painter.end()


def test_legends_list_only_the_parts_there_are_above_the_data(plots):
    plots.set_history(_history(3, ("train", "test")))  # no validation part
    for plot in (plots.loss_plot, plots.metric_plot):
        title = plot.getPlotItem().titleLabel.text
        assert "training" in title and "test" in title and "validation" not in title
        assert plot.getPlotItem().legend is None  # no legend box over the curves
    plots.set_history(_history(3, ("train", "val", "test")))
    assert "validation" in plots.loss_plot.getPlotItem().titleLabel.text
    plots.clear()
    assert plots.loss_plot.getPlotItem().titleLabel.text == "Loss"


def test_epochs_are_ticked_at_whole_numbers_without_overlap(plots, qtbot):
    plots.set_history(_history(3, ("train",)))
    for plot in (plots.loss_plot, plots.metric_plot, plots.gradient_plot):
        # Once laid out and auto-ranged (a paint away): one tick per epoch, none between.
        qtbot.waitUntil(lambda plot=plot: _tick_texts(plot, "bottom") == ["1", "2", "3"])
    plots.set_history(_history(200, ("train",)))
    qtbot.waitUntil(lambda: "200" in _tick_texts(plots.loss_plot, "bottom"))
    texts = _tick_texts(plots.loss_plot, "bottom")
    assert 3 <= len(texts) <= 12 and all(text.isdigit() for text in texts)


def test_figures_fill_one_grid_when_tall_and_tabs_when_short(qtbot, plots, moons_run):
    trainer, _reports = moons_run
    plots.on_boundary(decision_boundary(trainer, resolution=12))
    _wait_for_results(qtbot, plots, trainer.result_project(), trainer.data)
    figures = (plots.loss_plot, plots.metric_plot, plots.boundary_plot, plots.gradient_plot,
               plots.confusion_plot, plots.comparison_table)
    grid = plots.figures
    assert grid.count() == 1 and all(figure.isVisible() for figure in figures)
    plots.resize(1000, 260)  # a laptop's plots dock: one row per tab
    qtbot.waitUntil(lambda: grid.count() == 2)
    assert [grid.tabText(i) for i in range(2)] == ["Loss · Accuracy · Boundary",
                                                    "Gradient · Confusion · Baselines"]
    for page in range(2):
        qtbot.mouseClick(grid.tabBar(), Qt.MouseButton.LeftButton,
                         pos=grid.tabBar().tabRect(page).center())
        shown = figures[3 * page:3 * page + 3]
        assert all(f.isVisible() and f.height() >= MIN_FIGURE_HEIGHT for f in shown)
        assert not any(f.isVisible() for f in figures if f not in shown)


def test_a_table_wider_than_a_plot_moves_to_a_row_of_its_own_and_shares_its_width(
        qtbot, plots, moons_run):
    trainer, _reports = moons_run
    plots.on_boundary(decision_boundary(trainer, resolution=12))
    _wait_for_results(qtbot, plots, trainer.result_project(), trainer.data)
    table, grid = plots.comparison_table, plots.figures
    plots.resize(2 * MIN_FIGURE_WIDTH + table.minimumWidth() - 20, 260)  # two plots + table
    qtbot.waitUntil(lambda: grid.count() == 3)  # do not fit one row
    assert [grid.tabText(i) for i in range(3)] == ["Loss · Accuracy · Boundary",
                                                    "Gradient · Confusion", "Baselines"]
    qtbot.mouseClick(grid.tabBar(), Qt.MouseButton.LeftButton,
                     pos=grid.tabBar().tabRect(2).center())
    assert table.isVisible() and table.parentWidget().rect().contains(table.geometry())
    assert not table.horizontalScrollBar().isVisible()
    header = table.horizontalHeader()
    extra = [header.sectionSize(c) - max(table.sizeHintForColumn(c), header.sectionSizeHint(c))
             for c in range(table.columnCount())]
    assert min(extra) > 0 and max(extra) - min(extra) <= 1  # the spare width shared evenly


def test_a_plots_own_menu_exports_it(qtbot, plots, moons_run, tmp_path):
    plots.set_history(moons_run[0].history)
    action = plots.loss_plot.scene().contextMenu[0]  # what the right-click menu offers
    assert action.text() == EXPORT_TEXT
    for name in ("loss.png", "loss.svg"):
        answer_next_dialog(choose_file(str(tmp_path / name)))
        action.trigger()  # the file dialog is modal: written once it returns
        assert (tmp_path / name).exists()
    image = QImage(str(tmp_path / "loss.png"))
    assert (image.width(), image.height()) == (2 * plots.loss_plot.width(),
                                               2 * plots.loss_plot.height())
    assert "Loss" in (tmp_path / "loss.svg").read_text(encoding="utf-8")
