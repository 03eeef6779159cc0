"""The data panel's forms: generator parameters, a CSV file's layout, column roles and
preprocessing.

Each form shows values it is given (``show_*``, which never emits) and emits ``edited`` with
the user's new value; the panel turns that into one undoable document edit. Spin boxes do not
track the keyboard, so typing ``500`` is one edit, not three.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from qmlstudio.core.preprocessing import SCALINGS, Preprocessing
from qmlstudio.ml.data.generators import generator_defaults

__all__ = ["ColumnRolesForm", "CsvLayoutForm", "GeneratorForm", "PreprocessingForm"]

_MAX_SEED = 2**31 - 1
# Ranges per generator parameter: (minimum, maximum, step). The generators check the rest.
_RANGES = {
    "n_samples": (4, 1_000_000, 50),
    "noise": (0.0, 10.0, 0.05),
    "seed": (0, _MAX_SEED, 1),
    "factor": (0.01, 0.99, 0.05),
    "n_classes": (2, 10, 1),
    "n_features": (1, 64, 1),
    "turns": (0.1, 10.0, 0.25),
}
_LABELS = {"n_samples": "Samples", "noise": "Noise", "seed": "Seed", "factor": "Inner radius",
           "n_classes": "Classes", "n_features": "Features", "turns": "Turns"}
_SCALING_TEXT = {"minmax": "Min–max to [0, π]", "standard": "Standardise (mean 0, sd 1)",
                 "none": "None"}


def _spin(value: int | float, low: float, high: float, step: float) -> QSpinBox | QDoubleSpinBox:
    box: QSpinBox | QDoubleSpinBox
    if isinstance(value, int):
        box = QSpinBox(minimum=int(low), maximum=int(high), singleStep=int(step))
    else:
        box = QDoubleSpinBox(minimum=low, maximum=high, singleStep=step, decimals=3)
    box.setKeyboardTracking(False)
    box.setValue(value)
    return box


class GeneratorForm(QWidget):
    """The parameters of one data set generator (noise, samples, seed, ...).

    ``edited(dict)`` carries every parameter's value after a change.
    """

    edited = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._name = ""
        self.boxes: dict[str, QSpinBox | QDoubleSpinBox] = {}

    def show_params(self, name: str, params: dict[str, int | float]) -> None:
        """Show generator ``name`` with ``params`` (defaults for those missing)."""
        values = {**generator_defaults(name), **params}
        if name != self._name:
            self._rebuild(name, values)
        for key, box in self.boxes.items():
            with QSignalBlocker(box):
                box.setValue(values[key])

    def params(self) -> dict[str, int | float]:
        """The values shown."""
        return {key: box.value() for key, box in self.boxes.items()}

    def _rebuild(self, name: str, values: dict[str, int | float]) -> None:
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._name, self.boxes = name, {}
        for key, value in values.items():
            low, high, step = _RANGES.get(key, (0, 1e6, 1))
            box = _spin(value, low, high, step)
            box.setObjectName(key)
            box.valueChanged.connect(lambda *_: self.edited.emit(self.params()))
            self.boxes[key] = box
            self._layout.addRow(_LABELS.get(key, key), box)


_DELIMITER_TEXT = {",": "Comma", ";": "Semicolon", "\t": "Tab", "|": "Vertical bar",
                   " ": "Space"}


class CsvLayoutForm(QWidget):
    """How a CSV file is read: its delimiter and whether its first row names the columns
    (both guessed when a file is opened; a wrong guess is corrected here).

    ``edited(str, bool)`` carries the delimiter and the header choice.
    """

    edited = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delimiter_combo = QComboBox(toolTip="The character between the cells of a row")
        for delimiter, text in _DELIMITER_TEXT.items():
            self.delimiter_combo.addItem(text, delimiter)
        self.header_check = QCheckBox("First row names the columns")
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow("Delimiter", self.delimiter_combo)
        layout.addRow(self.header_check)
        self.delimiter_combo.activated.connect(self._emit)
        self.header_check.toggled.connect(self._emit)

    def show_layout(self, delimiter: str, header: bool) -> None:
        """Show ``delimiter`` and ``header`` (without emitting)."""
        with QSignalBlocker(self.delimiter_combo), QSignalBlocker(self.header_check):
            if self.delimiter_combo.findData(delimiter) < 0:  # a project may name any one
                self.delimiter_combo.addItem(repr(delimiter), delimiter)
            self.delimiter_combo.setCurrentIndex(self.delimiter_combo.findData(delimiter))
            self.header_check.setChecked(header)

    def _emit(self, *_args: object) -> None:
        self.edited.emit(self.delimiter_combo.currentData(), self.header_check.isChecked())


class ColumnRolesForm(QWidget):
    """Which column is the label (a combo) and which are features (a checkable list).

    ``edited(int, tuple)`` carries the label's position and the checked feature positions.
    """

    edited = Signal(int, tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label_combo = QComboBox(toolTip="The column the model learns to predict")
        self.feature_list = QListWidget(toolTip="The columns the circuit reads (x0, x1, ...)")
        self.feature_list.setMaximumHeight(120)
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow("Label column", self.label_combo)
        layout.addRow("Feature columns", self.feature_list)
        self.label_combo.activated.connect(self._on_label_chosen)
        self.feature_list.itemChanged.connect(self._on_feature_toggled)

    def show_roles(self, columns: Sequence[str], label: int, features: Sequence[int]) -> None:
        """Show the columns with the label and feature roles (by position)."""
        with QSignalBlocker(self.label_combo), QSignalBlocker(self.feature_list):
            if [self.label_combo.itemText(i) for i in range(self.label_combo.count())] \
                    != list(columns):
                self.label_combo.clear()
                self.label_combo.addItems(list(columns))
                self.feature_list.clear()
                for name in columns:
                    item = QListWidgetItem(name)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    self.feature_list.addItem(item)
            self.label_combo.setCurrentIndex(label)
            chosen = set(features)
            for i in range(self.feature_list.count()):
                item = self.feature_list.item(i)
                item.setCheckState(Qt.CheckState.Checked if i in chosen
                                   else Qt.CheckState.Unchecked)
                # The label cannot also be a feature.
                flags = item.flags()
                if i == label:
                    flags &= ~Qt.ItemFlag.ItemIsEnabled
                else:
                    flags |= Qt.ItemFlag.ItemIsEnabled
                item.setFlags(flags)

    def features(self) -> tuple[int, ...]:
        """Positions of the checked feature columns."""
        return tuple(i for i in range(self.feature_list.count())
                     if self.feature_list.item(i).checkState() == Qt.CheckState.Checked)

    def _on_label_chosen(self, label: int) -> None:
        self.edited.emit(label, tuple(i for i in self.features() if i != label))

    def _on_feature_toggled(self, _item: QListWidgetItem) -> None:
        self.edited.emit(self.label_combo.currentIndex(), self.features())


class PreprocessingForm(QWidget):
    """Scaling, PCA size (0 = off), test and validation fractions, split seed, stratify.

    ``edited(object)`` carries the new (unfitted) :class:`Preprocessing`, built on the one
    last shown so options without a control here (the scale range) are kept.
    """

    edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown = Preprocessing()
        self.scaling = QComboBox(toolTip="How each feature is scaled before the circuit "
                                         "reads it (fitted on the training rows only)")
        for name in SCALINGS:
            self.scaling.addItem(_SCALING_TEXT.get(name, name), name)
        self.pca = QSpinBox(minimum=0, maximum=64, specialValueText="off",
                            toolTip="Reduce the features to this many principal components")
        self.test_fraction = QDoubleSpinBox(minimum=0.0, maximum=0.9, singleStep=0.05,
                                            decimals=3, toolTip="Share of all rows held out "
                                            "for testing (training never sees them)")
        self.validation_fraction = QDoubleSpinBox(
            minimum=0.0, maximum=0.9, singleStep=0.05, decimals=3,
            toolTip="Share of the remaining rows used to watch for overfitting")
        self.split_seed = QSpinBox(minimum=0, maximum=_MAX_SEED,
                                   toolTip="Seed of the random train/test split")
        self.stratify = QCheckBox("Keep class proportions in every part")
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow("Scaling", self.scaling)
        layout.addRow("PCA components", self.pca)
        layout.addRow("Test fraction", self.test_fraction)
        layout.addRow("Validation fraction", self.validation_fraction)
        layout.addRow("Split seed", self.split_seed)
        layout.addRow(self.stratify)  # across both columns: the form fits a narrow dock
        for box in (self.pca, self.test_fraction, self.validation_fraction, self.split_seed):
            box.setKeyboardTracking(False)
            box.valueChanged.connect(self._emit)
        self.scaling.activated.connect(self._emit)
        self.stratify.toggled.connect(self._emit)

    def show_preprocessing(self, pre: Preprocessing, n_features: int) -> None:
        """Show ``pre``; the PCA size is limited to the data's ``n_features``."""
        self._shown = pre
        widgets = (self.scaling, self.pca, self.test_fraction, self.validation_fraction,
                   self.split_seed, self.stratify)
        blockers = [QSignalBlocker(w) for w in widgets]
        self.scaling.setCurrentIndex(max(0, self.scaling.findData(pre.scaling)))
        self.pca.setMaximum(max(1, n_features))
        self.pca.setValue(pre.n_components or 0)
        self.test_fraction.setValue(pre.test_fraction)
        self.validation_fraction.setValue(pre.validation_fraction)
        self.split_seed.setValue(pre.split_seed)
        self.stratify.setChecked(pre.stratify)
        del blockers

    def preprocessing(self) -> Preprocessing:
        """The preprocessing the controls describe (unfitted)."""
        return Preprocessing(
            scaling=self.scaling.currentData(), scale_range=self._shown.scale_range,
            n_components=self.pca.value() or None, test_fraction=self.test_fraction.value(),
            split_seed=self.split_seed.value(), stratify=self.stratify.isChecked(),
            validation_fraction=self.validation_fraction.value())

    def _emit(self, *_args: object) -> None:
        self.edited.emit(self.preprocessing())
