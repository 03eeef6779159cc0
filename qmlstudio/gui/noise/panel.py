"""The Noise panel: which noise the project's circuit runs under, and its numbers.

The model is chosen in one list — Ideal, Uniform depolarizing (``p`` on a slider with a value
field, and a readout error), Thermal relaxation (T1, T2 and the gate times, in ns) or a bundled
device (IBM Manila, IBM Lagos) — or opened from a file (Open…: a device calibration or a noise
model QML Studio wrote). Below, two tables list what the model does: each channel's parameters
after each gate with the channel's error rate, and the readout error of each qubit; a value
cell is edited in place.

Every change is one undoable ``"Change noise model"`` edit of the document's project (the
model is saved with it); the document's signal then refreshes the fields, so undo shows the
restored model. A value the model refuses (``p`` above its maximum, T2 above 2·T1, text that is
no number) shows the reason in red and changes nothing.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qmlstudio.core import Project
from qmlstudio.core.errors import NoiseError
from qmlstudio.core.noise import NoiseModel
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.noise.table_model import NoiseTableModel
from qmlstudio.gui.theme.themes import set_tone
from qmlstudio.io.noise_file import BUNDLED_DEVICES, read_noise
from qmlstudio.viewmodels.noise_table import (
    GATE_HEADERS,
    READOUT_HEADERS,
    NoiseRow,
    device_noise,
    gate_rows,
    noise_choice,
    parse_value,
    readout_rows,
    with_value,
)

__all__ = ["EDIT_TEXT", "NoisePanel"]

EDIT_TEXT = "Change noise model"
"""The undo text of every noise edit."""


def _device_label(description: str) -> str:
    """``"5-qubit device (IBM Manila)"`` from the bundled description ``"a 5-qubit device (IBM
    Manila, a line of 5 qubits)"``: what the device is first, for people who do not know the
    names."""
    what, _, detail = description.partition(" (")
    return f"{what.removeprefix('a ')} ({detail.split(',')[0].rstrip(')')})"


_CHOICES = (("Ideal", "ideal"), ("Uniform depolarizing", "depolarizing"),
            ("Thermal relaxation", "thermal"),
            *((_device_label(description), f"device:{name}")
              for name, (_file, description) in BUNDLED_DEVICES.items()),
            ("Custom (edited or opened)", "custom"))
_SLIDER_MAX_P = 0.2
"""The slider spans p from 0 to this (typical device errors are far below); the value field
takes any p the channel allows."""
_SLIDER_STEPS = 1000
_DEFAULT_THERMAL = (100_000.0, 80_000.0, 35.0, 300.0)  # T1, T2, 1- and 2-qubit gates in ns


def _number_box(maximum: float, decimals: int, step: float, suffix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(0.0, maximum)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setKeyboardTracking(False)  # one edit per committed value, not per keystroke
    return box


def _table(model: NoiseTableModel, minimum_height: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                         | QAbstractItemView.EditTrigger.EditKeyPressed
                         | QAbstractItemView.EditTrigger.AnyKeyPressed)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the longest texts
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)  # compact
    view.setMinimumHeight(minimum_height)
    return view


class NoisePanel(QWidget):
    """The document's noise model: its choice, settings and tables (see the module
    docstring).

    Public widgets (for the window and tests): ``choice``, ``open_button``, ``p_slider``,
    ``p_value``, ``readout_value``, ``t1``, ``t2``, ``time_1q``, ``time_2q``, ``description``,
    ``message``, ``gate_table``, ``readout_table`` (their models: ``gate_rows``,
    ``readout_rows``).
    """

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.choice = QComboBox()
        for text, key in _CHOICES:
            self.choice.addItem(text, key)
            if key.startswith("device:"):
                self.choice.setItemData(self.choice.count() - 1,
                                        BUNDLED_DEVICES[key.removeprefix("device:")][1],
                                        Qt.ItemDataRole.ToolTipRole)
        custom = self.choice.model()
        assert isinstance(custom, QStandardItemModel)
        # Shown when the model is one, never chosen: a custom model comes from Open… or edits.
        custom.item(self.choice.count() - 1).setEnabled(False)
        self.open_button = QPushButton("Open…")
        self.open_button.setToolTip("A device calibration (Qiskit's props_*.json) or a noise "
                                    "model file")

        self.p_slider = QSlider(Qt.Orientation.Horizontal)
        self.p_slider.setRange(0, _SLIDER_STEPS)
        self.p_slider.setTracking(False)  # one edit when let go, not one per pixel dragged
        self.p_value = _number_box(4 / 3, 4, 0.001)
        self.p_value.setToolTip("Depolarizing probability after every gate on each of its "
                                "wires (up to 4/3, the full Pauli twirl)")
        self.readout_value = _number_box(1.0, 4, 0.005)
        self.readout_value.setToolTip("Chance to read the wrong bit, on every qubit")
        self.t1 = _number_box(1e9, 1, 1000.0, " ns")
        self.t2 = _number_box(1e9, 1, 1000.0, " ns")
        self.time_1q = _number_box(1e7, 2, 5.0, " ns")
        self.time_2q = _number_box(1e7, 2, 50.0, " ns")
        self.t2.setToolTip("Dephasing time; at most 2·T1")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.gate_rows = NoiseTableModel(GATE_HEADERS, self._on_value_typed, self)
        self.readout_rows = NoiseTableModel(READOUT_HEADERS, self._on_value_typed, self)
        self.gate_table = _table(self.gate_rows, 160)
        self.readout_table = _table(self.readout_rows, 100)

        # One of these shows at a time (hidden ones take no room, unlike a stacked widget's).
        self._pages = {"depolarizing": self._depolarizing_page(),
                       "thermal": self._thermal_page(), "other": self.description}
        top = QHBoxLayout()
        top.addWidget(self.choice, 1)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        for page in self._pages.values():
            layout.addWidget(page)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Errors after gates (double-click a value to edit)"))
        layout.addWidget(self.gate_table, 3)
        layout.addWidget(QLabel("Readout errors"))
        layout.addWidget(self.readout_table, 1)

        self.choice.activated.connect(self._on_choice_activated)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.p_slider.sliderMoved.connect(self._on_slider_moved)
        self.p_slider.valueChanged.connect(
            lambda step: self._edit_depolarizing(p=step * _SLIDER_MAX_P / _SLIDER_STEPS))
        self.p_value.valueChanged.connect(lambda p: self._edit_depolarizing(p=p))
        self.readout_value.valueChanged.connect(lambda r: self._edit_depolarizing(readout=r))
        for box in (self.t1, self.t2, self.time_1q, self.time_2q):
            box.valueChanged.connect(self._on_thermal_edited)
        document.project_changed.connect(self._on_project_changed)
        self._show_model(document.project.noise)

    def _depolarizing_page(self) -> QWidget:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.p_slider, 1)
        row.addWidget(self.p_value)
        p_row = QWidget()
        p_row.setLayout(row)
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("p", p_row)
        form.addRow("Readout error", self.readout_value)
        return page

    def _thermal_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        for label, box in (("T1", self.t1), ("T2", self.t2), ("1-qubit gate", self.time_1q),
                           ("2-qubit gate", self.time_2q)):
            form.addRow(label, box)
        return page

    # -- document -> widgets -----------------------------------------------------------------
    def _on_project_changed(self, project: Project) -> None:
        self._show_message("")  # a refusal was about the model before this change
        if project.noise is not self._shown:  # other edits keep the model value itself
            self._show_model(project.noise)

    def _show_model(self, model: NoiseModel | None) -> None:
        """Fields, description and tables for ``model`` (a device's table takes ~10 ms)."""
        self._shown = model
        choice = noise_choice(model)
        key = f"device:{choice.device}" if choice.kind == "device" else choice.kind
        boxes = (self.choice, self.p_slider, self.p_value, self.readout_value, self.t1,
                 self.t2, self.time_1q, self.time_2q)
        blockers = [QSignalBlocker(box) for box in boxes]
        self.choice.setCurrentIndex(self.choice.findData(key))
        if choice.kind == "depolarizing":
            p, readout = choice.values
            self._show_p(p)
            self.readout_value.setValue(readout)
        if choice.kind == "thermal":
            for box, value in zip((self.t1, self.t2, self.time_1q, self.time_2q),
                                  choice.values, strict=True):
                box.setValue(value)
        del blockers
        shown = choice.kind if choice.kind in self._pages else "other"
        for key, page in self._pages.items():
            page.setVisible(key == shown)
        self.description.setText(_describe(model, choice.device))
        self.gate_rows.set_rows(gate_rows(model))
        self.readout_rows.set_rows(readout_rows(model))

    def _show_p(self, p: float) -> None:
        self.p_value.setValue(p)
        self.p_slider.setValue(round(min(p, _SLIDER_MAX_P) / _SLIDER_MAX_P * _SLIDER_STEPS))

    # -- widgets -> document -----------------------------------------------------------------
    def _on_choice_activated(self, index: int) -> None:
        key = self.choice.itemData(index)
        if key == "ideal":
            self._set_model(None)
        elif key == "depolarizing":
            self._set_model(lambda: NoiseModel.uniform_depolarizing(
                self.p_value.value() or 0.01, self.readout_value.value()))
        elif key == "thermal":
            self._set_model(lambda: NoiseModel.thermal(*self._thermal_values()))
        elif key.startswith("device:"):
            self._set_model(lambda: device_noise(key.removeprefix("device:")))

    def _thermal_values(self) -> tuple[float, ...]:
        values = tuple(box.value() for box in (self.t1, self.t2, self.time_1q, self.time_2q))
        return values if values[0] else _DEFAULT_THERMAL  # never set: typical values

    def _on_slider_moved(self, step: int) -> None:
        with QSignalBlocker(self.p_value):  # the field follows the drag; the edit comes on release
            self.p_value.setValue(step * _SLIDER_MAX_P / _SLIDER_STEPS)

    def _edit_depolarizing(self, **changes: float) -> None:
        values = {"p": self.p_value.value(), "readout": self.readout_value.value()} | changes
        self._set_model(lambda: NoiseModel.uniform_depolarizing(values["p"], values["readout"]))

    def _on_thermal_edited(self) -> None:
        self._set_model(lambda: NoiseModel.thermal(*self._thermal_values()))

    def _on_value_typed(self, row: NoiseRow, text: str) -> bool:
        model = self._document.project.noise
        return model is not None and self._set_model(
            lambda: with_value(model, row, parse_value(text, row)))

    def _on_open_clicked(self) -> None:
        # Not the static getOpenFileName: no nested event loop, the window keeps painting.
        dialog = QFileDialog(self, "Open a device calibration or noise model", "",
                             "JSON files (*.json);;All files (*)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.open_file)
        dialog.open()

    def open_file(self, path: str) -> bool:
        """Make the model in ``path`` (a calibration or noise-model file) the project's, as
        one edit; a file that holds none shows why and changes nothing."""
        return self._set_model(lambda: read_noise(path))

    def _set_model(self, build) -> bool:
        """One undoable edit to the model ``build`` makes (a callable, so a refused value is
        caught here; None: ideal). A refusal shows why and the fields return to the project's
        model. Returns whether the model was taken."""
        project = self._document.project
        try:
            model = build() if callable(build) else build
        except NoiseError as error:
            self._show_model(project.noise)  # the fields return to the project's values
            self._show_message(str(error))
            return False
        if model is not None and model.is_ideal:
            model = None  # one way to say "no noise", so ideal choices compare equal
        self._document.edit(replace(project, noise=model), EDIT_TEXT)
        return True

    def _show_message(self, text: str) -> None:
        set_tone(self.message, "error" if text else None)
        self.message.setText(text)
        self.message.setVisible(bool(text))


def _describe(model: NoiseModel | None, device: str) -> str:
    """What the model is, for the ideal, device and custom choices (with its notes)."""
    if model is None or model.is_ideal:
        return "An ideal quantum computer: no noise, exact results."
    text = f"{model.name}: {BUNDLED_DEVICES[device][1]}" if device else model.name
    return "\n".join((text, *model.notes))
