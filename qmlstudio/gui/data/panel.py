"""The data set panel: :class:`DataPanel`.

Choose the project's data — a built-in set with its generator controls, or a CSV file (Open
CSV…, or :meth:`DataPanel.open_csv` when a file is dropped on the window) with its label and
feature columns — and its preprocessing (scaling, PCA size, test and validation fractions,
split seed); see the rows in a preview table and the points in a scatter plot.

Every change is proposed first: the data is loaded, split and preprocessed on the window's
compute thread (:class:`~qmlstudio.gui.compute_runner.ComputeRunner`, latest wins), and only
if that works does the panel make ONE undoable edit of the document (``Change data set`` or
``Change preprocessing``). A problem — a non-numeric cell, a missing value, an empty file, a
single class, PCA larger than the data — is shown as a red message naming the file, row and
column; the document, and the data shown, stay as they were. The panel keeps no project of
its own: it shows whatever the document holds, so undo brings the old choices back.

Changing the data or the preprocessing drops the fitted preprocessing constants, since they
belong to the old data; training fits them again (trained weights are kept as a warm start).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qmlstudio.core import Project, QMLStudioError
from qmlstudio.core.dataset_spec import BUILTIN_DATASETS, DatasetSpec
from qmlstudio.core.preprocessing import Preprocessing
from qmlstudio.gui.compute_runner import ComputeRunner
from qmlstudio.gui.data.controls import (
    ColumnRolesForm,
    CsvLayoutForm,
    GeneratorForm,
    PreprocessingForm,
)
from qmlstudio.gui.data.scatter import DataScatter
from qmlstudio.gui.data.table_model import DataTableModel
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.figure_grid import MIN_FIGURE_HEIGHT
from qmlstudio.gui.theme.themes import set_tone
from qmlstudio.ml.data.generators import GENERATORS, generator_defaults
from qmlstudio.viewmodels.data_view import (
    DataView,
    build_data_view,
    column_refs,
    csv_path,
    open_csv_view,
    unfitted,
)
from qmlstudio.viewmodels.wording import counted

__all__ = ["DataPanel"]

_TITLES = {"xor": "XOR", "sine": "Sine (regression)", "breast_cancer": "Breast cancer",
           "iris": "Iris", "wine": "Wine"}
_FILE_ITEM = "file"  # the combo entry standing for the project's CSV or embedded table


class DataPanel(QWidget):
    """The project's data set, its preprocessing, a preview table and a scatter plot.

    ``runner`` is the window's compute thread (a private one is made if None). Signals:
    ``view_changed`` after new data is shown; ``failed(str)`` after a problem is shown.
    """

    view_changed = Signal()
    failed = Signal(str)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None,
                 runner: ComputeRunner | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._runner = runner if runner is not None else ComputeRunner(self)
        self._channel = self._runner.channel(f"data-panel-{id(self):x}", parent=self)
        self._view: DataView | None = None
        self._pending_edit: str | None = None  # the edit the latest job proposes, if any

        self.source = QComboBox(toolTip="A built-in data set, or the project's CSV file")
        for name in BUILTIN_DATASETS:
            self.source.addItem(_TITLES.get(name, name.capitalize()), name)
        self.open_button = QPushButton("Open CSV…", toolTip="Use a CSV file as the data set")
        self.generator_form = GeneratorForm()
        self.layout_form = CsvLayoutForm()
        self.roles_form = ColumnRolesForm()
        self.preprocessing_form = PreprocessingForm()
        self._message = QLabel(wordWrap=True, visible=False)
        set_tone(self._message, "error")
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._summary = QLabel(wordWrap=True)
        self._status = QLabel()
        self.table_model = DataTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setAlternatingRowColors(True)
        # Fixed row heights: the view never measures 100k rows to lay them out.
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setSectionResizeMode(
            self.table.verticalHeader().ResizeMode.Fixed)
        self.scatter = DataScatter()
        self._build_layout()

        self.source.activated.connect(self._on_source_chosen)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.generator_form.edited.connect(self._on_params_edited)
        self.layout_form.edited.connect(self._on_layout_edited)
        self.roles_form.edited.connect(self._on_roles_edited)
        self.preprocessing_form.edited.connect(self._on_preprocessing_edited)
        self._channel.finished.connect(self._on_finished)
        self._channel.failed.connect(self._on_failed)
        self._channel.busy_changed.connect(self._on_busy_changed)
        document.project_changed.connect(self._on_project_changed)
        self._on_project_changed(document.project)

    def _build_layout(self) -> None:
        # The button under the list, not beside it: the panel then fits a narrow dock.
        top = QGridLayout()
        top.addWidget(QLabel("Data set"), 0, 0)
        top.addWidget(self.source, 0, 1)
        top.addWidget(self.open_button, 1, 1, Qt.AlignmentFlag.AlignLeft)
        top.setColumnStretch(1, 1)
        self._generator_box = QGroupBox("Generator")
        QVBoxLayout(self._generator_box).addWidget(self.generator_form)
        self._roles_box = QGroupBox("Columns")
        roles = QVBoxLayout(self._roles_box)
        roles.addWidget(self.layout_form)
        roles.addWidget(self.roles_form)
        pre_box = QGroupBox("Preprocessing and split")
        QVBoxLayout(pre_box).addWidget(self.preprocessing_form)
        controls = QWidget()
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self._message)
        column.addWidget(self._generator_box)
        column.addWidget(self._roles_box)
        column.addWidget(pre_box)
        column.addWidget(self._summary)
        column.addWidget(self._status)
        column.addStretch(1)
        self.tabs = QTabWidget()
        self.scatter.setMinimumHeight(MIN_FIGURE_HEIGHT)  # the forms above scroll instead
        self.tabs.addTab(self.scatter, "Scatter")
        self.tabs.addTab(self.table, "Table")
        scroll = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)
        scroll.setWidget(controls)  # a short dock scrolls the forms instead of squashing them
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(scroll)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)  # neither the forms nor the plot to a sliver
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # -- what the window and tests read ----------------------------------------------------
    @property
    def view(self) -> DataView | None:
        """The data shown (None before the first load, or if the project's data fails)."""
        return self._view

    @property
    def is_loading(self) -> bool:
        """True while data is being loaded or prepared in the background."""
        return self._channel.is_busy

    def message(self) -> str:
        """The problem shown in red ("" if none)."""
        return self._message.text() if not self._message.isHidden() else ""

    def summary(self) -> str:
        """The line describing the data shown (rows, features, classes, split)."""
        return self._summary.text()

    # -- actions ---------------------------------------------------------------------------
    def open_csv(self, path: str | os.PathLike) -> bool:
        """Use the CSV file at ``path`` as the data set (label: the last column; features:
        the columns before it whose cells are all numbers; the summary names any left out).
        Loading runs in the background; the document is edited once it has worked
        (``view_changed``), else the problem is shown (``failed``).

        Returns False (and shows why) if ``path`` is not a file.
        """
        path = os.fspath(path)
        if not os.path.isfile(path):
            self._show_message(f"{path}: not a data file (not found or not a regular file)")
            return False
        pre = unfitted(self._document.project.preprocessing)
        self._submit(lambda: open_csv_view(path, pre), "Change data set")
        return True

    # -- proposals: compute in the background, edit the document when it works -------------
    def _project_dir(self) -> str | None:
        path = self._document.path
        return str(path.parent) if path is not None else None

    def _submit(self, job, edit_text: str | None) -> None:
        self._pending_edit = edit_text
        self._channel.submit(lambda: (job(), edit_text))

    def _propose(self, spec: DatasetSpec, pre: Preprocessing, text: str) -> None:
        previous, project_dir = self._view, self._project_dir()
        adjust = spec != self._document.project.dataset
        self._submit(lambda: build_data_view(spec, pre, project_dir, previous, adjust=adjust),
                     text)

    def _on_finished(self, result: tuple[DataView, str | None]) -> None:
        view, edit_text = result
        self._show_view(view)
        if edit_text is not None:
            project = self._document.project
            pre = view.preprocessing
            if view.spec != project.dataset or pre != unfitted(project.preprocessing):
                self._document.edit(replace(project, dataset=view.spec, preprocessing=pre),
                                    edit_text)
        self.view_changed.emit()

    def _on_failed(self, error: object) -> None:
        if not isinstance(error, QMLStudioError | OSError):
            # A bug, not a data problem: still a message, never a crash of the window.
            error = f"unexpected error: {type(error).__name__}: {error}"
        if self._pending_edit is None:
            # The document's own data fails (a CSV gone since): show none rather than stale.
            self._view = None
            self.table_model.set_view(None)
            self.scatter.show_view(None)
            self._summary.clear()
        self._show_message(str(error))
        self._show_controls(self._document.project)  # the controls return to the document
        self.failed.emit(str(error))

    def _on_busy_changed(self, busy: bool) -> None:
        self._status.setText("Loading…" if busy else "")

    # -- user edits ------------------------------------------------------------------------
    def _on_source_chosen(self, index: int) -> None:
        name = self.source.itemData(index)
        project = self._document.project
        if name == _FILE_ITEM or (project.dataset.kind == "builtin"
                                  and project.dataset.name == name):
            return
        spec = DatasetSpec.builtin(name, **_generator_params(name))
        self._propose(spec, unfitted(project.preprocessing), "Change data set")

    def _on_open_clicked(self) -> None:
        start = str(Path(self._document.project.dataset.path).parent) \
            if self._document.project.dataset.kind == "csv" else self._project_dir() or ""
        # Not the static getOpenFileName: no nested event loop, the window keeps painting.
        dialog = QFileDialog(self, "Open a CSV data set", start,
                             "CSV files (*.csv *.tsv *.txt);;All files (*)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.open_csv)
        dialog.open()

    def _on_params_edited(self, params: dict) -> None:
        project = self._document.project
        if project.dataset.kind != "builtin":
            return
        spec = DatasetSpec.builtin(project.dataset.name, **params)
        self._propose(spec, unfitted(project.preprocessing), "Change data set")

    def _on_layout_edited(self, delimiter: str, header: bool) -> None:
        """Read the project's CSV file again with another layout (roles back to defaults: the
        columns themselves change)."""
        spec, project_dir = self._document.project.dataset, self._project_dir()
        if spec.kind != "csv" or (delimiter, header) == (spec.delimiter, spec.header):
            return
        path = csv_path(spec, project_dir)
        pre = unfitted(self._document.project.preprocessing)

        def job() -> DataView:
            view = open_csv_view(path, pre, delimiter, header, spec.sha256)
            return replace(view, spec=replace(view.spec, name=spec.name))

        self._submit(job, "Change data set")

    def _on_roles_edited(self, label: int, features: tuple) -> None:
        view, project = self._view, self._document.project
        if view is None or view.table is None or view.spec != project.dataset:
            return
        if not features:
            # An empty list would mean "every column but the label" in the project.
            self._show_message("Choose at least one feature column.")
            self._show_controls(project)
            return
        refs = column_refs(view.table, (label, *features))
        spec = replace(project.dataset, label_column=refs[0], feature_columns=refs[1:])
        self._propose(spec, unfitted(project.preprocessing), "Change data set")

    def _on_preprocessing_edited(self, pre: Preprocessing) -> None:
        project = self._document.project
        self._propose(project.dataset, pre, "Change preprocessing")

    # -- showing the document --------------------------------------------------------------
    def _on_project_changed(self, project: Project) -> None:
        self._show_controls(project)
        # A message about an earlier proposal or data set is no longer the project's news.
        self._message.setVisible(False)
        view = self._view
        if view is not None and view.spec == project.dataset \
                and view.preprocessing == unfitted(project.preprocessing):
            self._summary.setText(self._describe(view))  # its notes read the model too
            return
        # Undo, redo, a loaded project: show its data (no edit).
        spec, pre = project.dataset, unfitted(project.preprocessing)
        previous, project_dir = view, self._project_dir()
        self._submit(lambda: build_data_view(spec, pre, project_dir, previous), None)

    def _show_controls(self, project: Project) -> None:
        spec = project.dataset
        with QSignalBlocker(self.source):
            index = self.source.findData(_FILE_ITEM)
            if spec.kind == "builtin":
                if index >= 0:
                    self.source.removeItem(index)
                self.source.setCurrentIndex(self.source.findData(spec.name))
            else:
                title = (f"CSV: {Path(spec.path).name}" if spec.kind == "csv"
                         else f"Embedded table {spec.name}".strip())
                if index < 0:
                    self.source.addItem(title, _FILE_ITEM)
                    index = self.source.count() - 1
                self.source.setItemText(index, title)
                self.source.setCurrentIndex(index)
        generated = spec.kind == "builtin" and spec.name in GENERATORS
        self._generator_box.setVisible(generated)
        if generated:
            self.generator_form.show_params(spec.name, spec.params_dict)
        view = self._view
        shows_roles = spec.kind != "builtin" and view is not None and view.spec == spec
        self._roles_box.setVisible(shows_roles)
        if shows_roles:
            self.layout_form.setVisible(spec.kind == "csv")
            if spec.kind == "csv":
                self.layout_form.show_layout(spec.delimiter, spec.header)
            self.roles_form.show_roles(view.columns, view.label_index, view.feature_indices)
        n_features = view.dataset.n_features if view is not None else 64
        self.preprocessing_form.show_preprocessing(unfitted(project.preprocessing), n_features)

    def _show_view(self, view: DataView) -> None:
        self._view = view
        self._message.clear()
        self._message.setVisible(False)
        self.table_model.set_view(view)
        self.scatter.show_view(view)
        self._summary.setText(self._describe(view))
        self._show_controls(self._document.project)

    def _show_message(self, text: str) -> None:
        self._message.setText(text)
        self._message.setVisible(True)

    def _describe(self, view: DataView) -> str:
        data = view.dataset
        train, validation, test = view.part_counts()
        kind = (counted(data.n_classes, "class", "classes") if data.task == "classification"
                else "regression target")
        text = (f"{counted(view.n_rows, 'row')} · {counted(data.n_features, 'feature')} → "
                f"{view.n_inputs} after preprocessing · {kind} · train {train:,} / validation "
                f"{validation:,} / test {test:,}")
        notes = list(view.notes)
        model = self._document.project.model
        if data.task != model.task:
            notes.append(f"the model is set up for {model.task}; choose a {data.task} model "
                         f"before training")
        if self.scatter.note():
            notes.append(self.scatter.note())
        return text + "".join(f"\n• {note}" for note in notes)


def _generator_params(name: str) -> dict:
    """Every parameter of generator ``name`` at its default (stored explicitly, so the
    project reproduces the data even if a default changes); bundled sets take none."""
    return generator_defaults(name) if name in GENERATORS else {}
