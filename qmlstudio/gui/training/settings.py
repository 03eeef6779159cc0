"""The training settings form: model readout, loss, optimizer, schedule, gradient, shots, and
whether training runs ideal or under the project's noise model.

It shows the document's :class:`~qmlstudio.core.ModelSpec` and
:class:`~qmlstudio.core.TrainingConfig` and edits them, nothing more: every committed change is
one undoable ``"Change training settings"`` edit, after which the document's signal refreshes
the fields (so undo shows the restored values). A value the project refuses (an observable on a
wire the circuit lacks, a loss the task cannot use) shows a red note and changes nothing.

The readout is chosen with its observables: Pauli strings (``"Z0, Z1"``; ``"Z0 Z1"`` is a
parity) or qubit numbers (``"0, 2"``: ⟨Z0⟩ and ⟨Z2⟩, or their product for a parity readout), and
"All qubits" reads every qubit. Choosing a readout that the current observables do not fit
(a regressor's ``"expval"`` after a linear layer over four qubits) sets the readout's default
observables in the same edit, and a trained readout that no longer fits is reset with it.

Two settings depend on each other, and the form keeps them consistent in the same edit rather
than letting Train fail later: training with shots needs the parameter-shift gradient (the
adjoint method needs exact states), so choosing a number of shots switches to parameter-shift,
and choosing adjoint switches back to analytic expectation values (SPSA needs no gradient and
takes either).

The *Simulator* choice, "Ideal" or "With noise model" (``training.with_noise``), only means
something when the project has a noise model (chosen in the Noise panel); without one it shows
"Ideal", disabled, and its tooltip says why.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qmlstudio.core import ModelSpec, Project, QMLStudioError, ReadoutParams, TrainingConfig
from qmlstudio.core.model_spec import READOUTS, default_observables, qubit_observables
from qmlstudio.core.training_config import GRADIENT_METHODS, LOSSES, OPTIMIZERS
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.theme.themes import set_tone

__all__ = ["EDIT_TEXT", "NO_NOISE_MODEL_TIP", "SIMULATORS", "TrainingSettings"]

EDIT_TEXT = "Change training settings"
"""The undo text of every settings edit."""
ANALYTIC = "analytic"
"""What the shots box shows at 0: exact expectation values."""
SIMULATORS = ("Ideal", "With noise model")
"""The Simulator choice's items: ``training.with_noise`` false, true."""
NO_NOISE_MODEL_TIP = ("The project has no noise model, so training is ideal. Choose one in the "
                      "Noise panel to train with it.")
_SIMULATOR_TIP = ("Ideal: train on the ideal simulator (the noise model still applies to the "
                  "robustness sweep and exports).\nWith noise model: train under the project's "
                  "noise model ({name}).")
_MAX_INT = 2**31 - 1


def _spin(minimum: int, maximum: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setKeyboardTracking(False)  # one edit per committed value, not per keystroke
    return box


def _combo(items: tuple[str, ...]) -> QComboBox:
    box = QComboBox()
    box.addItems(list(items))
    return box


def _observables(text: str, readout: str) -> tuple[str, ...]:
    """The observables typed in the form: comma-separated Pauli strings, or qubit numbers
    (read as ``readout`` reads chosen qubits)."""
    items = tuple(item.strip() for item in text.split(",") if item.strip())
    if items and all(item.isdigit() for item in items):
        return qubit_observables(readout, (int(item) for item in items))
    return items


class TrainingSettings(QWidget):
    """Model and training settings of the document's project (see the module docstring).

    Public widgets (for the panel and tests): ``task``, ``readout``, ``observables``,
    ``all_qubits``, ``train_readout``, ``loss``, ``optimizer``, ``learning_rate``,
    ``batch_size``, ``epochs``, ``seed``, ``gradient``, ``shots`` (0 shows "analytic"),
    ``simulator`` (:data:`SIMULATORS`) and ``message``.
    """

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.task = QLabel()
        self.readout = _combo(READOUTS)
        self.readout.setToolTip("expval: one observable per class (one for two classes), each "
                                "with a scale and bias\nparity: products of Z, such as "
                                "'Z0 Z1'\nlinear: a trained linear layer over all observables")
        self.observables = QLineEdit()
        self.observables.setPlaceholderText("Z0, Z1 or qubits 0, 1")
        self.observables.setToolTip("Read out, comma-separated: Pauli strings ('Z0, Z1'; "
                                    "'Z0 Z1' is a parity) or qubit numbers ('0, 2': <Z0> and "
                                    "<Z2>, their product for a parity readout)")
        self.all_qubits = QPushButton("All qubits")
        self.all_qubits.setToolTip("Read every qubit: <Z> of each, or their product for a "
                                   "parity readout")
        self.train_readout = QCheckBox("Train readout weights and bias")
        self.loss = _combo(LOSSES)
        self.optimizer = _combo(OPTIMIZERS)
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setDecimals(4)
        self.learning_rate.setRange(0.0001, 10.0)
        self.learning_rate.setSingleStep(0.01)
        self.learning_rate.setKeyboardTracking(False)
        self.batch_size = _spin(1, 1_000_000)
        self.epochs = _spin(1, 1_000_000)
        self.seed = _spin(0, _MAX_INT)
        self.gradient = _combo(GRADIENT_METHODS)
        self.shots = _spin(0, 100_000_000)
        self.shots.setSpecialValueText(ANALYTIC)
        self.shots.setToolTip("Measurements per expectation value; 'analytic' uses exact values")
        self.simulator = _combo(SIMULATORS)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()

        observables = QHBoxLayout()
        observables.setContentsMargins(0, 0, 0, 0)
        observables.addWidget(self.observables, 1)
        observables.addWidget(self.all_qubits)
        observables_row = QWidget()
        observables_row.setLayout(observables)
        form = QFormLayout()
        for label, widget in (("Task", self.task), ("Readout", self.readout),
                              ("Observables", observables_row), ("", self.train_readout),
                              ("Loss", self.loss), ("Optimizer", self.optimizer),
                              ("Learning rate", self.learning_rate),
                              ("Batch size", self.batch_size), ("Epochs", self.epochs),
                              ("Seed", self.seed), ("Gradient", self.gradient),
                              ("Shots", self.shots), ("Simulator", self.simulator)):
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.message)

        self.readout.currentTextChanged.connect(self._on_readout_chosen)
        self.observables.editingFinished.connect(self._on_observables_edited)
        self.all_qubits.clicked.connect(self._on_all_qubits_clicked)
        self.train_readout.toggled.connect(self._on_train_readout_toggled)
        for combo, name in ((self.loss, "loss"), (self.optimizer, "optimizer")):
            combo.currentTextChanged.connect(
                lambda text, name=name: self._edit_training(**{name: text}))
        self.learning_rate.valueChanged.connect(
            lambda value: self._edit_training(learning_rate=float(value)))
        for box, name in ((self.batch_size, "batch_size"), (self.epochs, "epochs"),
                          (self.seed, "seed")):
            box.valueChanged.connect(lambda value, name=name: self._edit_training(**{name: value}))
        self.gradient.currentTextChanged.connect(self._on_gradient_chosen)
        self.shots.valueChanged.connect(self._on_shots_changed)
        self.simulator.currentIndexChanged.connect(
            lambda index: self._edit_training(with_noise=bool(index)))
        document.project_changed.connect(self._on_project_changed)
        self._on_project_changed(document.project)

    # -- document -> widgets -----------------------------------------------------------------
    def _on_project_changed(self, project: Project) -> None:
        self._show_message("")  # a refusal or note was about the project before this change
        model, config = project.model, project.training
        widgets = (self.readout, self.observables, self.train_readout, self.loss, self.optimizer,
                   self.learning_rate, self.batch_size, self.epochs, self.seed, self.gradient,
                   self.shots, self.simulator)
        blockers = [QSignalBlocker(widget) for widget in widgets]
        self.task.setText(model.task)
        self.readout.setCurrentText(model.readout)
        self.observables.setText(", ".join(model.observables))
        self.train_readout.setChecked(model.train_readout)
        self.loss.setCurrentText(config.loss)
        self.optimizer.setCurrentText(config.optimizer)
        self.learning_rate.setValue(config.learning_rate)
        self.batch_size.setValue(config.batch_size)
        self.epochs.setValue(config.epochs)
        self.seed.setValue(config.seed)
        self.gradient.setCurrentText(config.gradient_method)
        self.shots.setValue(config.shots or 0)
        self._show_simulator(project)
        del blockers

    def _show_simulator(self, project: Project) -> None:
        noise = project.noise
        has_model = noise is not None and not noise.is_ideal
        self.simulator.setCurrentIndex(int(project.training_noise is not None))
        self.simulator.setEnabled(has_model)
        self.simulator.setToolTip(_SIMULATOR_TIP.format(name=noise.name) if has_model
                                  else NO_NOISE_MODEL_TIP)

    # -- widgets -> document -----------------------------------------------------------------
    def _on_readout_chosen(self, readout: str) -> None:
        project = self._document.project
        model = project.model
        try:
            chosen = replace(model, readout=readout)
            note = ""
        except QMLStudioError:  # the observables do not fit: the readout's own, in one edit
            texts = default_observables(readout, model.task, len(model.class_labels),
                                        project.circuit.n_qubits)
            chosen = replace(model, readout=readout, observables=texts)
            note = f"Observables set to {', '.join(texts)} for the {readout} readout."
        self._edit(model=chosen, note=note)

    def _on_observables_edited(self) -> None:
        model = self._document.project.model
        texts = _observables(self.observables.text(), model.readout)
        if texts == model.observables:
            self._on_project_changed(self._document.project)  # "0" typed for Z0: show Z0
            return
        self._edit(model=lambda: replace(model, observables=texts))

    def _on_all_qubits_clicked(self) -> None:
        project = self._document.project
        texts = qubit_observables(project.model.readout, range(project.circuit.n_qubits))
        if texts != project.model.observables:
            self._edit(model=lambda: replace(project.model, observables=texts))

    def _on_train_readout_toggled(self, checked: bool) -> None:
        self._edit(model=replace(self._document.project.model, train_readout=checked))

    def _on_gradient_chosen(self, method: str) -> None:
        config = self._document.project.training
        changes: dict[str, object] = {"gradient_method": method}
        note = ""
        if method == "adjoint" and config.shots is not None and config.optimizer != "spsa":
            changes["shots"] = None
            note = "The adjoint gradient needs exact states: shots set to analytic."
        self._edit_training(note=note, **changes)

    def _on_shots_changed(self, value: int) -> None:
        config = self._document.project.training
        changes: dict[str, object] = {"shots": value or None}
        note = ""
        if value and config.gradient_method == "adjoint" and config.optimizer != "spsa":
            changes["gradient_method"] = "parameter-shift"
            note = "Training with shots needs the parameter-shift gradient: switched to it."
        self._edit_training(note=note, **changes)

    def _edit_training(self, note: str = "", **changes: object) -> None:
        config = self._document.project.training
        self._edit(training=lambda: replace(config, **changes), note=note)

    def _edit(self, *, model: ModelSpec | object = None, training: TrainingConfig | object = None,
              note: str = "") -> None:
        """One undoable edit of the model and/or training config (callables are built here, so
        a refused value is caught); a refused value shows why and restores the fields."""
        project = self._document.project
        try:
            model = model() if callable(model) else model
            training = training() if callable(training) else training
            model = model or project.model
            readout = project.readout
            try:
                model.check_readout(readout)
            except QMLStudioError:
                readout = ReadoutParams()
                note = " ".join(filter(None, (note, "The trained readout was reset: it does "
                                                    "not fit the new one.")))
            new = replace(project, model=model, training=training or project.training,
                          readout=readout)
        except QMLStudioError as error:
            self._on_project_changed(project)  # the fields return to the project's values
            self._show_message(str(error), error=True)
            return
        self._document.edit(new, EDIT_TEXT)
        self._show_message(note)  # after the edit: a project change clears the message

    def _show_message(self, text: str, error: bool = False) -> None:
        set_tone(self.message, "error" if error else None)
        self.message.setText(text)
        self.message.setVisible(bool(text))
