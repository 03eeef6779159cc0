"""Is my quantum model better than a classical one? :class:`ComparisonPanel` shows and runs
the comparison of :func:`~qmlstudio.ml.evaluation.comparison.compare_models`.

It shows the project's saved comparison (the table of
:func:`~qmlstudio.viewmodels.model_comparison.comparison_table`: the quantum row highlighted,
the best value of each column in bold green, and the verdict above it), says when the circuit,
data or settings have changed since (the result is then out of date), and runs a new one in
the background (:class:`~qmlstudio.gui.training.compare_worker.ComparisonWorker`) with a
progress bar and *Cancel*. A finished run is stored in the project as one undoable edit, so
the document is marked modified and the result is saved with it.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qmlstudio.core import Project
from qmlstudio.core.wording import counted
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.theme.themes import active_theme, set_tone
from qmlstudio.gui.training.compare_worker import ComparisonWorker
from qmlstudio.ml.evaluation.comparison import (
    DEFAULT_FOLDS,
    DEFAULT_SEEDS,
    comparison_is_current,
)
from qmlstudio.viewmodels.model_comparison import comparison_table, verdict

__all__ = ["ComparisonPanel"]

_EDIT_TEXT = "Compare with classical models"


class ComparisonPanel(QWidget):
    """The saved comparison of ``document``'s project, and running a new one."""

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.worker = ComparisonWorker(self)
        self.verdict_label = QLabel(wordWrap=True)
        self.stale_label = QLabel(
            "Out of date: the circuit, data or settings changed since this comparison. "
            "Run it again to compare the model you have now.", wordWrap=True)
        set_tone(self.stale_label, "strong_warning")
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)  # five models fit a dock
        self.table.setMinimumHeight(3 * rows.defaultSectionSize())  # the window's height
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.seeds = QSpinBox(minimum=1, maximum=20, value=DEFAULT_SEEDS)
        self.seeds.setToolTip("Everything is repeated with this many seeds (folds, initial "
                              "weights, seeded models); scores are mean ± spread over them.")
        self.folds = QSpinBox(minimum=2, maximum=20, value=DEFAULT_FOLDS)
        self.folds.setToolTip("Cross-validation folds of each model's hyper-parameter search "
                              "(the same folds for every model).")
        self.run_button = QPushButton("&Run Comparison")
        self.run_button.setToolTip("Grid-search the quantum model and classical baselines on "
                                   "the project's split and the same folds, then test each")
        self.cancel_button = QPushButton("Cancel")
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m fits")
        self.message = QLabel(wordWrap=True)
        self._current: tuple[tuple, bool] | None = None  # (parts checked, current?)

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Seeds:"))
        controls.addWidget(self.seeds)
        controls.addWidget(QLabel("Folds:"))
        controls.addWidget(self.folds)
        controls.addWidget(self.run_button)
        controls.addWidget(self.cancel_button)
        controls.addWidget(self.progress, 1)
        controls.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.stale_label)
        layout.addWidget(self.table, 1)

        self.run_button.clicked.connect(self.run_comparison)
        self.cancel_button.clicked.connect(self.worker.cancel)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.failed.connect(self._on_failed)
        self.worker.active_changed.connect(self._on_active_changed)
        document.project_changed.connect(self._on_project_changed)
        self._on_active_changed(False)
        self._on_project_changed(document.project)

    # -- what the user sees ------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        """True while a comparison runs."""
        return self.worker.is_active

    def cells(self) -> list[list[str]]:
        """The table's texts as shown, row by row (the header row first)."""
        headers = [self.table.horizontalHeaderItem(c).text()
                   for c in range(self.table.columnCount())]
        return [headers, *([self.table.item(r, c).text() for c in range(self.table.columnCount())]
                           for r in range(self.table.rowCount()))]

    # -- running -----------------------------------------------------------------------------
    def run_comparison(self) -> None:
        """Start a comparison of the document's project (no-op while one runs)."""
        if self.is_running:
            return
        path = self._document.path
        self.progress.setRange(0, 0)  # busy until the first fit reports the total
        self._show_message("Preparing the data…")
        self.worker.start(self._document.project, None if path is None else path.parent,
                          seeds=self.seeds.value(), folds=self.folds.value())

    def shutdown(self) -> None:
        """Cancel a running comparison (for closing the window)."""
        self.worker.shutdown()

    def _on_progress(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self._show_message(f"Fitting {what}…")

    def _on_finished(self, result: object) -> None:
        project = self._document.project
        self._document.edit(replace(project, comparison=result), _EDIT_TEXT)
        self._show_message(f"Compared {counted(len(result.models), 'model')} over "
                           f"{counted(len(result.seeds), 'seed')} with "
                           f"{counted(result.folds, 'fold')}; saved with the project.")

    def _on_cancelled(self) -> None:
        self._show_message("Cancelled; the saved comparison is unchanged.")

    def _on_failed(self, message: str, _details: str) -> None:
        self._show_message(f"The comparison failed: {message}", error=True)

    def _on_active_changed(self, active: bool) -> None:
        self.run_button.setEnabled(not active)
        self.seeds.setEnabled(not active)
        self.folds.setEnabled(not active)
        self.cancel_button.setEnabled(active)
        self.progress.setVisible(active)
        if not active:
            self.progress.reset()

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        set_tone(self.message, "error" if error else None)

    # -- the saved result --------------------------------------------------------------------
    def _is_current(self, project: Project) -> bool:
        """Whether the saved comparison describes ``project``; the digest reads the whole
        data set, so it is only recomputed when a part it covers was replaced."""
        parts = (project.comparison, project.circuit, project.dataset, project.preprocessing,
                 project.model, project.training)
        if self._current is None or any(a is not b for a, b in zip(parts, self._current[0],
                                                                     strict=True)):
            self._current = (parts, comparison_is_current(project))
        return self._current[1]

    def _on_project_changed(self, project: Project) -> None:
        if not self.is_running:  # the last run's outcome; the stale line speaks for the result
            self._show_message("")
        result = project.comparison
        self.stale_label.setVisible(result is not None and not self._is_current(project))
        if result is None:
            self.verdict_label.setText("No comparison yet. Run one to see whether the quantum "
                                       "model beats classical models on the same data.")
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            return
        self.verdict_label.setText(verdict(result))
        table = comparison_table(result)
        self.table.setColumnCount(len(table.headers))
        self.table.setHorizontalHeaderLabels(list(table.headers))
        self.table.horizontalHeader().setSectionResizeMode(
            table.headers.index("Best hyper-parameters"), QHeaderView.ResizeMode.Stretch)
        self.table.setRowCount(len(table.rows))
        bold = QFont(self.font())
        bold.setBold(True)
        theme = active_theme()  # the quantum row's tint and the best values' ink
        for r, row in enumerate(table.rows):
            for c, (text, best) in enumerate(zip(row.cells, row.best, strict=True)):
                item = QTableWidgetItem(text)
                if row.quantum:
                    item.setBackground(QBrush(QColor(theme.quantum_row)))
                if best:
                    item.setFont(bold)
                    item.setForeground(QBrush(QColor(theme.best_value)))
                    item.setToolTip("The best value in this column")
                self.table.setItem(r, c, item)
