"""The Model menu: replace the circuit by a model family from the literature in one click,
compare the model with classical ones, and see how the trained model holds up under noise.

Each family (see :mod:`qmlstudio.ml.models.presets`) is built for the data set the Data panel
shows — its feature count after preprocessing, its classes — with the chosen number of layers,
or as its separable variant (every two-qubit gate taken out, to see whether entanglement
helps). Applying one is a single undoable edit that also sets the readout and the weight
initialisation; the data set, preprocessing and the other training settings stay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup

from qmlstudio.core import QMLStudioError
from qmlstudio.ml.models.presets import PRESETS, preset_project
from qmlstudio.viewmodels.wording import counted

if TYPE_CHECKING:
    from qmlstudio.gui.shell.main_window import MainWindow

__all__ = ["LAYER_CHOICES", "ModelMenu"]

LAYER_CHOICES = (1, 2, 3, 4, 6, 8)
"""The layer counts the menu offers (the circuit can be edited further on the canvas)."""
_DEFAULT_LAYERS = 2
_MANY_QUBITS = 12
"""Above this many qubits a family's status message suggests PCA (training slows down
exponentially in qubits, and IQP takes one qubit per feature)."""


class ModelMenu:
    """Builds ``window``'s Model menu into its menu bar and puts its actions in ``actions``
    (keys ``model_<preset>``, ``model_separable``, ``model_layers_<n>``, ``compare`` and
    ``robustness``)."""

    def __init__(self, window: MainWindow, actions: dict[str, QAction]) -> None:
        self.window = window
        self.menu = window.menuBar().addMenu("&Model")
        self.menu.setToolTipsVisible(True)
        for number, (name, family) in enumerate(PRESETS.items(), start=1):
            action = QAction(f"&{number} {family.title}", window)
            action.setToolTip(f"{family.summary} — {family.citation}")
            action.setStatusTip(f"Replace the circuit by the {family.title.lower()}: "
                                f"{family.summary}")
            action.triggered.connect(lambda _checked=False, name=name: self.apply(name))
            actions[f"model_{name}"] = action
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.separable = QAction("&Separable variant (no entanglement)", window)
        self.separable.setCheckable(True)
        self.separable.setStatusTip("Build the families without their two-qubit gates, to "
                                    "see whether entanglement helps")
        actions["model_separable"] = self.separable
        self.menu.addAction(self.separable)
        layers_menu = self.menu.addMenu("&Layers")
        self._layers = QActionGroup(window)
        for count in LAYER_CHOICES:
            action = QAction(f"&{count}", window)
            action.setCheckable(True)
            action.setChecked(count == _DEFAULT_LAYERS)
            action.setData(count)
            self._layers.addAction(action)
            actions[f"model_layers_{count}"] = action
            layers_menu.addAction(action)
        self.menu.addSeparator()
        compare = QAction("Compare with &Classical Models…", window)
        compare.setStatusTip("Grid-search the quantum model and classical baselines on the same "
                             "split and folds, and show test scores, times and sizes side by "
                             "side")
        compare.triggered.connect(lambda _checked=False: self.compare())
        actions["compare"] = compare
        self.menu.addAction(compare)
        robustness = QAction("Noise &Robustness…", window)
        robustness.setStatusTip("Plot the trained model's test accuracy (R²) against noise "
                                "strength, without retraining")
        robustness.triggered.connect(lambda _checked=False: self.robustness())
        actions["robustness"] = robustness
        self.menu.addAction(robustness)

    @property
    def layers(self) -> int:
        """The layer count the families are built with."""
        return int(self._layers.checkedAction().data())

    def set_enabled(self, enabled: bool) -> None:
        """Allow or forbid replacing the model (forbidden while training)."""
        self.menu.setEnabled(enabled)

    def compare(self) -> None:
        """Model ▸ Compare with Classical Models: show the comparison and start a run."""
        dock = self.window.docks["comparison"]
        dock.show()
        dock.raise_()
        self.window.comparison_panel.run_comparison()

    def robustness(self) -> None:
        """Model ▸ Noise Robustness: show the robustness curve and start a sweep."""
        dock = self.window.docks["robustness"]
        dock.show()
        dock.raise_()
        self.window.robustness_panel.run_sweep()

    def apply(self, name: str) -> None:
        """Replace the project's model by family ``name`` as one undoable edit, built for
        the data set the Data panel shows; a problem is reported and changes nothing."""
        family = PRESETS[name]
        document = self.window.document
        view = self.window.data_panel.view
        if view is None or view.spec != document.project.dataset:
            self.window.show_message(f"{family.title}: the data set is still loading; try "
                                     f"again when the Data panel shows it")
            return
        separable = self.separable.isChecked()
        try:
            project = preset_project(document.project, name, layers=self.layers,
                                     separable=separable, dataset=view.dataset)
        except QMLStudioError as error:
            self.window.show_error(family.title, error)
            return
        title = f"{family.title}{' (separable)' if separable else ''}"
        document.edit(project, f"Model family: {title}")
        circuit = project.circuit
        hint = (f"; {circuit.n_qubits} qubits train slowly — reduce the features with PCA "
                f"in the Data panel" if circuit.n_qubits > _MANY_QUBITS else "")
        self.window.show_message(
            f"{title}: {counted(circuit.n_qubits, 'qubit')}, {counted(self.layers, 'layer')}, "
            f"{counted(circuit.n_weights, 'weight')}, {project.model.readout} readout"
            f"{hint}. Undo restores the previous model.")
