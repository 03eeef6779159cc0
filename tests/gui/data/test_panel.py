"""The data panel, driven as a user drives it: combos, spin boxes, Open CSV, undo.

References are computed independently of the panel: data sets with ``load_dataset`` and the
split with ``split_rows`` directly, scaled coordinates and PCA with plain numpy.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter

import numpy as np
import pytest
from numpy.testing import assert_allclose
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from qmlstudio.core.dataset_spec import DatasetSpec
from qmlstudio.core.preprocessing import Preprocessing
from qmlstudio.gui.data.controls import CsvLayoutForm
from qmlstudio.gui.data.panel import DataPanel
from qmlstudio.gui.data.scatter import MAX_PLOTTED_POINTS
from qmlstudio.gui.plot_export import EXPORT_TEXT
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.data.preprocessing import split_rows

WAIT_MS = 20_000


@pytest.fixture
def panel(qtbot, document):
    widget = DataPanel(document)
    qtbot.addWidget(widget)
    widget.resize(520, 900)
    widget.show()
    _wait_idle(qtbot, widget)
    return widget


def _wait_idle(qtbot, panel):
    qtbot.waitUntil(lambda: not panel.is_loading and panel.view is not None, timeout=WAIT_MS)


def _choose(qtbot, combo, text):
    """Pick ``text`` in a combo with the arrow keys, as a user does (emits ``activated``)."""
    target = combo.findText(text)
    assert target >= 0, f"{text!r} is not offered"
    combo.setFocus()
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


def _type(qtbot, box, text):
    """Replace a spin box's text and press Enter."""
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def _edit_and_wait(qtbot, panel, action):
    with qtbot.waitSignal(panel.view_changed, timeout=WAIT_MS):
        action()
    _wait_idle(qtbot, panel)


def _counts(panel):
    """Points drawn per (class, part), read back from the scatter items."""
    counts = Counter()
    for series in panel.scatter.series():
        counts[series.name, series.part] += series.count
    return counts


def _expected_counts(dataset, pre):
    train, validation, test = split_rows(pre, dataset.labels)
    expected = Counter()
    for part, rows in (("train", train), ("validation", validation), ("test", test)):
        for k, label in enumerate(dataset.class_labels):
            n = int((dataset.labels[rows] == k).sum())
            if n:
                expected[str(label), part] = n
    return expected


def test_moons_noise_and_size_are_one_undoable_step_each(qtbot, panel, document):
    stack = document.undo_stack
    _edit_and_wait(qtbot, panel, lambda: _choose(qtbot, panel.source, "Circles"))
    assert document.project.dataset.name == "circles"
    _edit_and_wait(qtbot, panel, lambda: _choose(qtbot, panel.source, "Moons"))
    assert stack.count() == 2 and stack.undoText() == "Change data set"

    boxes = panel.generator_form.boxes
    assert set(boxes) == {"n_samples", "noise", "seed"}
    _edit_and_wait(qtbot, panel, lambda: _type(qtbot, boxes["noise"], "0.3"))
    _edit_and_wait(qtbot, panel, lambda: _type(qtbot, boxes["n_samples"], "123"))
    assert stack.count() == 4  # typing "123" is one edit, not three
    spec = document.project.dataset
    assert spec == DatasetSpec.builtin("moons", n_samples=123, noise=0.3, seed=0)

    reference = load_dataset(spec)
    pre = document.project.preprocessing
    assert _counts(panel) == _expected_counts(reference, pre)
    assert sum(_counts(panel).values()) == 123
    assert Counter(s.name for s in panel.scatter.series() for _ in range(s.count)) == {
        "0": int((reference.labels == 0).sum()), "1": int((reference.labels == 1).sum())}
    assert panel.table_model.rowCount() == 123 and panel.table_model.columnCount() == 3

    # The plotted training points are the features min–max scaled to [0, π] on the training
    # rows: recompute that with numpy.
    train, _, _ = split_rows(pre, reference.labels)
    lo = reference.features[train].min(axis=0)
    span = reference.features[train].max(axis=0) - lo
    expected = np.sort((reference.features[train] - lo) / span * np.pi, axis=0)
    drawn = panel.scatter.points("train")
    assert_allclose(np.sort(drawn, axis=0), expected, atol=1e-12)

    # Undo brings the old size back: document, controls and plot.
    with qtbot.waitSignal(panel.view_changed, timeout=WAIT_MS):
        stack.undo()
    _wait_idle(qtbot, panel)
    assert document.project.dataset == DatasetSpec.builtin("moons", n_samples=200, noise=0.3,
                                                          seed=0)
    assert boxes["n_samples"].value() == 200
    assert sum(_counts(panel).values()) == 200


def test_preprocessing_controls_edit_the_split_and_pca(qtbot, panel, document):
    _edit_and_wait(qtbot, panel, lambda: _choose(qtbot, panel.source, "Iris"))
    assert panel.scatter.getPlotItem().getAxis("bottom").labelText == "view PC1"
    form = panel.preprocessing_form
    _edit_and_wait(qtbot, panel, lambda: _type(qtbot, form.validation_fraction, "0.2"))
    _edit_and_wait(qtbot, panel, lambda: _type(qtbot, form.pca, "2"))
    pre = document.project.preprocessing
    assert (pre.n_components, pre.validation_fraction, pre.fitted) == (2, 0.2, None)
    assert document.undo_stack.undoText() == "Change preprocessing"
    assert panel.scatter.getPlotItem().getAxis("bottom").labelText == "PC1"
    reference = load_dataset(DatasetSpec.builtin("iris"))
    assert _counts(panel) == _expected_counts(reference, pre)
    assert {part for _, part in _counts(panel)} == {"train", "validation", "test"}

    # The plotted training points: PCA fitted on the training rows, then min–max, in numpy
    # (a principal axis's sign is a convention, so either sign is accepted per axis).
    train, _, _ = split_rows(pre, reference.labels)
    X = reference.features[train]
    _, _, vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    Z = (X - X.mean(axis=0)) @ vt[:2].T
    scaled = (Z - Z.min(axis=0)) / (Z.max(axis=0) - Z.min(axis=0)) * np.pi
    drawn = panel.scatter.points("train")
    for j in range(2):
        got = np.sort(drawn[:, j])
        assert np.allclose(got, np.sort(scaled[:, j])) or \
            np.allclose(got, np.sort(np.pi - scaled[:, j]))


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _animals_csv(tmp_path, n=30):
    rng = np.random.default_rng(1)
    lines = ["length;weight;age;kind"]
    for i in range(n):
        kind = ("cat", "dog", "eel")[i % 3]
        lines.append(f"{rng.normal():.4f};{rng.normal():.4f};{i};{kind}")
    return _write(tmp_path / "animals.csv", "\n".join(lines) + "\n")


def test_open_csv_with_string_labels_and_choose_columns(qtbot, panel, document, tmp_path):
    path = _animals_csv(tmp_path)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    dialog = panel.findChild(QFileDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.selectFile(str(path))
    _edit_and_wait(qtbot, panel, dialog.accept)
    assert document.undo_stack.count() == 1
    spec = document.project.dataset
    assert (spec.kind, spec.delimiter, spec.header) == ("csv", ";", True)
    assert spec.label_column == "kind" and spec.feature_columns == ("length", "weight", "age")
    assert spec.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert panel.source.currentText() == "CSV: animals.csv"

    model, lines = panel.table_model, path.read_text().splitlines()
    assert (model.rowCount(), model.columnCount()) == (30, 4)
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert header == ["length", "weight", "age", "kind (label)"]
    for row in (0, 17, 29):
        cells = [model.data(model.index(row, c)) for c in range(4)]
        assert cells == lines[row + 1].split(";")
        assert model.headerData(row, Qt.Orientation.Vertical) == str(row + 2)  # file line
    assert model.data(model.index(3, 3), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(3, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert {s.name for s in panel.scatter.series()} == {"cat", "dog", "eel"}
    assert panel.view.axis_names == ("view PC1", "view PC2")  # three features

    # Untick "age" in the feature list with the keyboard.
    features = panel.roles_form.feature_list
    features.setFocus()
    features.setCurrentRow(2)
    _edit_and_wait(qtbot, panel, lambda: qtbot.keyClick(features, Qt.Key.Key_Space))
    assert document.project.dataset.feature_columns == ("length", "weight")
    assert " · 2 features → 2 after preprocessing · " in panel.summary()
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ForegroundRole) is not None  # unused
    assert panel.view.axis_names == ("length", "weight")

    # Make "age" the label: it leaves the features; its 30 distinct integers are more than
    # are inferred as classes, so it is read as a regression target.
    _edit_and_wait(qtbot, panel, lambda: _choose(qtbot, panel.roles_form.label_combo, "age"))
    spec = document.project.dataset
    assert spec.label_column == "age" and spec.feature_columns == ("length", "weight")
    assert panel.view.dataset.task == "regression"
    assert "choose a regression model" in panel.summary()
    assert sum(s.count for s in panel.scatter.series()) == 30

    with qtbot.waitSignal(panel.view_changed, timeout=WAIT_MS):
        document.undo_stack.undo()
    _wait_idle(qtbot, panel)
    assert document.project.dataset.label_column == "kind"
    assert panel.roles_form.label_combo.currentText() == "kind"

    # Untick "weight" too: one feature is counted in the singular.
    features.setCurrentRow(1)
    _edit_and_wait(qtbot, panel, lambda: qtbot.keyClick(features, Qt.Key.Key_Space))
    assert document.project.dataset.feature_columns == ("length",)
    assert "30 rows · 1 feature → 1 after preprocessing · 3 classes · " in panel.summary()


@pytest.mark.parametrize(("text", "expected"), [
    # No column is usable as a feature (one would be: see the next test).
    ("a,b,label\n1,2,x\n3,4,y\nabc,7,x\n5,,y\n", ['row 4', 'column "a"', '"abc" is not a number']),
    ("a,b,label\n1,2,x\n,4,y\n5,,x\n", ['row 3', 'column "a"', "missing value"]),
    ("a,b,label\n1,2,x\n3,4,x\n", ['column "label"', "at least two classes"]),
    ("   \n\n", ["bad.csv", "empty"]),
    ("a,b,label\n1,2,x\n3,4\n", ["row 3", "2 values", "3 columns"]),
])
def test_bad_csv_shows_the_problem_and_keeps_the_old_data(qtbot, panel, document, tmp_path,
                                                          text, expected):
    before, steps = document.project, document.undo_stack.count()
    old_view = panel.view
    path = _write(tmp_path / "bad.csv", text)
    with qtbot.waitSignal(panel.failed, timeout=WAIT_MS) as failed:
        assert panel.open_csv(path)
    message = failed.args[0]
    for part in expected:
        assert part in message
    assert panel.message() == message and "Traceback" not in message
    assert document.project == before and document.undo_stack.count() == steps
    assert panel.view is old_view and panel.table_model.rowCount() == 200
    assert sum(s.count for s in panel.scatter.series()) == 200
    assert panel.source.currentText() == "Moons"


def test_a_csv_with_unusable_columns_opens_without_them_and_says_why(qtbot, panel, document,
                                                                    tmp_path):
    path = _write(tmp_path / "gaps.csv", "id,a,b,label\nk1,1,2,x\nk2,3,,y\nk3,5,6,x\nk4,7,8,y\n")
    _edit_and_wait(qtbot, panel, lambda: panel.open_csv(path))
    assert document.project.dataset.feature_columns == ("a",)
    summary = panel.summary()
    assert 'left out of the features: gaps.csv, row 2, column "id": "k1" is not a number' \
        in summary
    assert 'left out of the features: gaps.csv, row 3, column "b": missing value' in summary
    assert panel.message() == ""
    # Ticking "b" back shows its problem and keeps the data as it was.
    steps, project = document.undo_stack.count(), document.project
    features = panel.roles_form.feature_list
    features.setFocus()
    features.setCurrentRow(2)
    with qtbot.waitSignal(panel.failed, timeout=WAIT_MS) as failed:
        qtbot.keyClick(features, Qt.Key.Key_Space)
    assert 'row 3, column "b": missing value' in failed.args[0]
    assert document.project == project and document.undo_stack.count() == steps


def test_a_wrong_layout_guess_is_corrected_in_the_form(qtbot, panel, document, tmp_path):
    # Every cell is a number, so no header is guessed, though the first row names the columns.
    rows = "".join(f"{i},{2 * i},{i % 2}\n" for i in range(20))
    path = _write(tmp_path / "numbers.csv", "10,20,30\n" + rows)
    _edit_and_wait(qtbot, panel, lambda: panel.open_csv(path))
    assert document.project.dataset.header is False and panel.view.n_rows == 21
    form = panel.layout_form
    assert form.isVisible() and form.delimiter_combo.currentText() == "Comma"
    assert not form.header_check.isChecked()

    form.header_check.setFocus()
    _edit_and_wait(qtbot, panel, lambda: qtbot.keyClick(form.header_check, Qt.Key.Key_Space))
    spec = document.project.dataset
    assert spec.header is True and spec.label_column == "30"
    assert spec.feature_columns == ("10", "20") and panel.view.n_rows == 20
    model = panel.table_model
    assert model.headerData(0, Qt.Orientation.Horizontal) == "10"
    assert model.headerData(0, Qt.Orientation.Vertical) == "2"  # file line of the first row

    # A delimiter that does not split the rows: the problem shows, nothing changes.
    steps, project = document.undo_stack.count(), document.project
    with qtbot.waitSignal(panel.failed, timeout=WAIT_MS) as failed:
        _choose(qtbot, form.delimiter_combo, "Semicolon")
    assert "no feature columns" in failed.args[0]
    assert document.project == project and document.undo_stack.count() == steps
    assert form.delimiter_combo.currentText() == "Comma"

    with qtbot.waitSignal(panel.view_changed, timeout=WAIT_MS):
        document.undo_stack.undo()
    _wait_idle(qtbot, panel)
    assert document.project.dataset.header is False and not form.header_check.isChecked()


def test_the_layout_form_shows_a_delimiter_it_does_not_list(qtbot):
    form = CsvLayoutForm()
    qtbot.addWidget(form)
    form.show_layout(":", True)  # a project file may name any one character
    assert form.delimiter_combo.currentData() == ":"
    with qtbot.waitSignal(form.edited) as edited:
        form.header_check.click()
    assert edited.args == [":", False]


def test_a_missing_file_is_refused_at_once(panel, document, tmp_path):
    assert not panel.open_csv(tmp_path / "nowhere.csv")
    assert "nowhere.csv" in panel.message()
    assert document.undo_stack.count() == 0


@pytest.mark.alone  # a time bound: see tests/run_alone.py
def test_100k_row_csv_loads_in_the_background_and_previews_fast(qtbot, panel, document,
                                                                tmp_path):
    n = 100_000
    rng = np.random.default_rng(7)
    X = rng.normal(size=(n, 3))
    labels = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    lines = ["f0,f1,f2,answer"] + [f"{a:.6f},{b:.6f},{c:.6f},{y}"
                                   for (a, b, c), y in zip(X, labels, strict=True)]
    path = _write(tmp_path / "big.csv", "\n".join(lines) + "\n")

    started = time.perf_counter()
    with qtbot.waitSignal(panel.view_changed, timeout=60_000):
        panel.open_csv(path)
        returned = time.perf_counter() - started  # the GUI thread did not read the file
    loaded = time.perf_counter() - started
    assert returned < 0.2, returned
    model = panel.table_model
    started = time.perf_counter()
    assert model.rowCount() == n and model.columnCount() == 4
    rows = rng.integers(0, n, 2000)
    texts = [model.data(model.index(int(r), c)) for r in rows for c in range(4)]
    last = [model.data(model.index(n - 1, c)) for c in range(4)]
    answered = time.perf_counter() - started
    assert answered < 0.5, answered  # measured ~0.02 s for 8000 cells
    assert texts[:4] == lines[int(rows[0]) + 1].split(",")
    assert last == lines[-1].split(",")
    assert sum(s.count for s in panel.scatter.series()) == MAX_PLOTTED_POINTS
    assert "showing 20,000 of 100,000 rows" in panel.summary()
    print(f"\n100k-row CSV: open_csv returned in {returned * 1e3:.1f} ms, loaded and drawn in "
          f"{loaded:.2f} s; 8000 preview cells in {answered * 1e3:.1f} ms")


def test_a_csv_project_whose_file_broke_shows_the_message(qtbot, document, tmp_path):
    from dataclasses import replace

    from qmlstudio.io.dataset_link import csv_dataset

    path = _animals_csv(tmp_path)
    spec = csv_dataset(path, "kind")
    path.write_text(path.read_text() + "1;2;3;cat\n")  # changed since it was chosen
    document.edit(replace(document.project, dataset=spec,
                          preprocessing=Preprocessing(test_fraction=0.5)), "Load")
    panel = DataPanel(document)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.message() != "", timeout=WAIT_MS)
    assert "has changed since it was chosen" in panel.message()
    assert panel.view is None and panel.table_model.rowCount() == 0
    assert panel.preprocessing_form.test_fraction.value() == 0.5


def test_messages_leave_when_the_project_changes(qtbot, panel, document, tmp_path):
    """A refused CSV's message and the "model is set up for …" note describe the project as
    it was: the next change of the project clears or rewrites them."""
    from dataclasses import replace

    from qmlstudio.core.model_spec import ModelSpec

    path = _write(tmp_path / "empty.csv", "a,b,label\n")
    with qtbot.waitSignal(panel.failed, timeout=WAIT_MS):
        assert panel.open_csv(path)
    assert panel.message() != ""
    document.edit_circuit(document.circuit.add("h", 0), "Add H")
    assert panel.message() == ""

    project = document.project
    document.edit(replace(project, model=ModelSpec(task="regression"),
                          training=replace(project.training, loss="mse")), "Regressor")
    assert "the model is set up for regression" in panel.summary()
    document.undo_stack.undo()
    assert "set up for" not in panel.summary()


def test_the_scatter_legend_can_be_hidden_from_the_plots_menu(panel):
    scatter = panel.scatter
    legend = scatter.getPlotItem().legend
    assert legend.isVisible() and len(legend.items) == len(scatter.series())
    menu = scatter.scene().contextMenu  # the entries every right-click menu of the plot adds
    assert [action.text() for action in menu] == [EXPORT_TEXT, "Show &Legend"]
    menu[1].trigger()
    assert not legend.isVisible()
    menu[1].trigger()
    assert legend.isVisible()
