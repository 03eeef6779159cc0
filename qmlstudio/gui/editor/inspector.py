"""The inspector: the selected operation's gate, wires, group and parameter bindings.

It shows the document and edits it, nothing more: every change (a wire, a parameter's
binding, a trained weight's value) is one undoable :meth:`ProjectDocument.edit`, after which
the document's signals refresh the fields, so undo and redo show the restored values.
Invalid input (duplicate wires, an expression that is not a number) shows a red message and
leaves the document unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qmlstudio.core import (
    Circuit,
    CircuitError,
    Operation,
    Param,
    Project,
    ProjectError,
    Weight,
    operation_spec,
)
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.parameter_editor import ParameterEditor
from qmlstudio.gui.theme.themes import set_tone

__all__ = ["Inspector", "wire_roles"]

NO_SELECTION = "Select a gate to inspect it"
"""The note shown when nothing is selected."""


def wire_roles(gate: str, n_wires: int) -> tuple[str, ...]:
    """Labels of a gate's wires: ``("Control", "Target")`` for ``cx``, ``("Wire",)`` for
    ``ry``, ``("Wire 1", "Wire 2")`` for ``swap``."""
    controls = operation_spec(gate).n_controls
    if not controls:
        return ("Wire",) if n_wires == 1 else tuple(f"Wire {k + 1}" for k in range(n_wires))
    targets = n_wires - controls

    def numbered(name: str, count: int) -> list[str]:
        return [name] if count == 1 else [f"{name} {k + 1}" for k in range(count)]

    return (*numbered("Control", controls), *numbered("Target", targets))


def _bold(label: QLabel) -> QLabel:
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class _OperationFields(QWidget):
    """The wire spin boxes and parameter editors for one gate type (rebuilt when it changes)."""

    def __init__(self, gate: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        spec = operation_spec(gate)
        self.gate = gate
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.wires: list[QSpinBox] = []
        for role in wire_roles(gate, spec.n_wires):
            box = QSpinBox()
            box.setKeyboardTracking(False)  # one edit per committed value, not per keystroke
            form.addRow(role, box)
            self.wires.append(box)
        self.group = QLabel()
        self.group.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Group", self.group)
        layout.addLayout(form)
        self.wire_error = QLabel()
        set_tone(self.wire_error, "error")
        self.wire_error.setWordWrap(True)
        self.wire_error.hide()
        layout.addWidget(self.wire_error)
        self.parameters = [ParameterEditor(f"Parameter {name}") for name in spec.param_names]
        for editor in self.parameters:
            layout.addWidget(editor)


class Inspector(QWidget):
    """Shows and edits the one selected operation of ``document``.

    Public widgets (for the main window's layout and for tests): ``note`` (shown when not
    exactly one operation is selected), ``title``, ``description``, ``wire_spin_boxes``,
    ``wire_error``, ``group_label``, ``parameter_editors``.
    """

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._index: int | None = None
        self._fields: _OperationFields | None = None

        self.note = QLabel(NO_SELECTION)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.title = _bold(QLabel())
        self.description = QLabel()
        self.description.setWordWrap(True)

        self._details = QWidget()
        self._details_layout = QVBoxLayout(self._details)
        self._details_layout.setContentsMargins(0, 0, 0, 0)
        self._details_layout.addWidget(self.title)
        self._details_layout.addWidget(self.description)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)  # the dock's margin is around the scroll
        body_layout.addWidget(self.note)
        body_layout.addWidget(self._details)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)

        document.project_changed.connect(self._on_project_changed)
        document.selection_changed.connect(self._on_selection_changed)
        self._refresh()

    # -- what is shown ---------------------------------------------------------------------
    @property
    def operation_index(self) -> int | None:
        """Index of the operation shown, or None when the note is shown instead."""
        return self._index

    @property
    def wire_spin_boxes(self) -> list[QSpinBox]:
        """One spin box per wire of the shown operation (controls first)."""
        return self._fields.wires if self._fields else []

    @property
    def wire_error(self) -> QLabel | None:
        """The red message under the wires (None when no operation is shown)."""
        return self._fields.wire_error if self._fields else None

    @property
    def group_label(self) -> QLabel | None:
        """The read-only group of the shown operation."""
        return self._fields.group if self._fields else None

    @property
    def parameter_editors(self) -> list[ParameterEditor]:
        """One editor per parameter of the shown operation."""
        return self._fields.parameters if self._fields else []

    # -- document signals --------------------------------------------------------------------
    def _on_project_changed(self, _project: Project) -> None:
        self._refresh()

    def _on_selection_changed(self, _selection: tuple) -> None:
        self._refresh()

    def _refresh(self) -> None:
        selection = self.document.selection
        operations = self.document.circuit.operations
        if len(selection) != 1 or selection[0] >= len(operations):
            self._index = None
            self.note.setText(f"{len(selection)} operations selected" if len(selection) > 1
                              else NO_SELECTION)
            self.note.show()
            self._details.hide()
            return
        self._index = selection[0]
        op = operations[self._index]
        self.note.hide()
        self._details.show()
        if self._fields is None or self._fields.gate != op.gate:
            self._rebuild(op.gate)
        self._show(op)

    def _rebuild(self, gate: str) -> None:
        """New fields for a different gate type; same-type refreshes update them in place,
        so the field being typed in keeps its focus."""
        if self._fields is not None:
            self._fields.hide()
            self._fields.deleteLater()
        self._fields = _OperationFields(gate)
        self._details_layout.addWidget(self._fields)
        self._fields.show()  # a layout shows new children only on the next event loop pass
        for position, box in enumerate(self._fields.wires):
            box.valueChanged.connect(lambda _value, p=position: self._on_wire_edited(p))
        for position, editor in enumerate(self._fields.parameters):
            editor.param_edited.connect(
                lambda param, p=position: self._on_param_edited(p, param))
            editor.weight_value_edited.connect(self._on_weight_value_edited)

    def _show(self, op: Operation) -> None:
        assert self._fields is not None and self._index is not None
        project, circuit = self.document.project, self.document.circuit
        spec = operation_spec(op.gate)
        self.title.setText(op.label)
        self.description.setText(f"{spec.description}\nOperation {self._index + 1} of "
                                 f"{len(circuit.operations)}")
        for box, wire in zip(self._fields.wires, op.wires, strict=True):
            with QSignalBlocker(box):
                box.setRange(0, circuit.n_qubits - 1)
                box.setValue(wire)
        self._show_wire_error("")
        self._fields.group.setText(op.group or "none (a single gate)")
        for editor, param in zip(self._fields.parameters, op.params, strict=True):
            shared, value = (), None
            if isinstance(param, Weight):
                shared = _other_users(circuit, self._index, param.index)
                if project.weights:
                    value = project.weights[param.index]
            editor.show_param(param, n_weights=circuit.n_weights, shared_with=shared,
                              weight_value=value, weight_init=project.training.weight_init)

    def _show_wire_error(self, message: str) -> None:
        assert self._fields is not None
        self._fields.wire_error.setText(message)
        self._fields.wire_error.setVisible(bool(message))

    # -- edits -------------------------------------------------------------------------------
    def _current(self) -> Operation:
        assert self._index is not None
        return self.document.circuit.operations[self._index]

    def _replace_operation(self, op: Operation, text: str) -> None:
        index = self._index
        assert index is not None
        circuit = self.document.circuit.replaced(index, op)
        # Keep the edited operation selected, so the inspector stays on it.
        self.document.edit_circuit(circuit, text, selection=(index,))

    def _on_wire_edited(self, position: int) -> None:
        assert self._fields is not None
        op = self._current()
        wires = tuple(box.value() for box in self._fields.wires)
        roles = wire_roles(op.gate, len(wires))
        taken = wires.index(wires[position])
        if taken != position:
            self._show_wire_error(f"{roles[position]}: wire {wires[position]} is already the "
                                  f"{roles[taken].lower()}; a gate's wires must all differ.")
            return
        try:
            new = Operation(op.gate, wires, op.params, op.group)
        except CircuitError as error:
            self._show_wire_error(str(error))
            return
        self._show_wire_error("")
        self._replace_operation(new, f"Change {op.gate.upper()} wires")

    def _on_param_edited(self, position: int, param: Param) -> None:
        op = self._current()
        params = (*op.params[:position], param, *op.params[position + 1:])
        try:
            new = Operation(op.gate, op.wires, params, op.group)
        except CircuitError as error:
            self.parameter_editors[position].show_error(str(error))
            return
        self._replace_operation(new, f"Change {op.gate.upper()} parameter")

    def _on_weight_value_edited(self, index: int, value: float) -> None:
        project = self.document.project
        weights = list(project.weights)
        weights[index] = value
        try:
            new = replace(project, weights=tuple(weights))
        except ProjectError as error:
            for editor in self.parameter_editors:
                editor.show_error(str(error))
            return
        self.document.edit(new, f"Change weight {Weight(index).label}")


def _other_users(circuit: Circuit, index: int, weight: int) -> tuple[str, ...]:
    """Labels (``#3 RY(θ₁)``) of the operations other than ``index`` that read ``weight``."""
    return tuple(f"#{k + 1} {op.label}" for k, op in enumerate(circuit.operations)
                 if k != index and Weight(weight) in op.params)
