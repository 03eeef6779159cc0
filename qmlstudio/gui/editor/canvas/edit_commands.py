"""The canvas's edit commands on the document's circuit: :class:`CanvasEditCommands`.

Select all, delete, copy, cut, paste and duplicate the selection (Edit menu and shortcuts), and
the structural edits of the context menu (insert or remove a qubit, delete a column). Each is
one undoable ``document.edit_circuit``; a refused edit says why through the view's
``status_message``. Kept apart from :class:`~.view.CircuitView`, which draws the circuit and
handles the mouse, as the commands only need its document, layout and message signal.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from qmlstudio.core import CircuitError
from qmlstudio.gui.editor.canvas.clipboard import operations_from_mime, operations_to_mime
from qmlstudio.viewmodels import circuit_edits

__all__ = ["CanvasEditCommands"]


class CanvasEditCommands:
    """Edit commands of :class:`~.view.CircuitView` (mixed into it: it provides
    ``document``, ``circuit_layout`` and the ``status_message`` signal)."""

    def _selected_ops(self) -> tuple:
        return tuple(self.document.circuit.operations[i] for i in self.document.selection)

    def _describe(self, indices: tuple[int, ...]) -> str:
        if len(indices) == 1:
            return self.document.circuit.operations[indices[0]].label
        return f"{len(indices)} gates"

    def select_all(self) -> None:
        """Select every operation."""
        self.document.set_selection(range(len(self.document.circuit.operations)))

    def delete_selection(self, text: str = "Delete") -> None:
        """Delete the selected operations (one edit)."""
        selection = self.document.selection
        if not selection:
            self.status_message.emit("Nothing selected to delete")
            return
        new = self.document.circuit.without(selection)
        self.document.edit_circuit(new, f"{text} {self._describe(selection)}", ())

    def copy(self) -> bool:
        """Put the selected operations on the clipboard; False if nothing is selected."""
        ops = self._selected_ops()
        if not ops:
            self.status_message.emit("Nothing selected to copy")
            return False
        QApplication.clipboard().setMimeData(operations_to_mime(ops))
        self.status_message.emit(f"Copied {self._describe(self.document.selection)}")
        return True

    def cut(self) -> None:
        """Copy, then delete the selection (one edit)."""
        if self.copy():
            self.delete_selection("Cut")

    def paste(self) -> None:
        """Insert the clipboard's operations after the selection (or at the end)."""
        ops = operations_from_mime(QApplication.clipboard().mimeData())
        if not ops:
            self.status_message.emit("The clipboard holds no gates")
            return
        self._insert_copies(ops, "Paste")

    def duplicate(self) -> None:
        """Insert a copy of the selection right after it (same weights, as paste)."""
        ops = self._selected_ops()
        if ops:
            self._insert_copies(ops, "Duplicate")

    def _insert_copies(self, ops: tuple, text: str) -> None:
        selection = self.document.selection
        circuit = self.document.circuit
        index = selection[-1] + 1 if selection else len(circuit.operations)
        # Never split a template block: paste after the group the anchor is in.
        while 0 < index < len(circuit.operations) and circuit.operations[index].group \
                is not None and circuit.operations[index].group == \
                circuit.operations[index - 1].group:
            index += 1
        try:
            new, inserted = circuit_edits.paste_operations(circuit, ops, index)
        except CircuitError as error:
            self.status_message.emit(f"Cannot {text.lower()}: {error}")
            return
        count = len(ops)
        label = ops[0].label if count == 1 else f"{count} gates"
        self.document.edit_circuit(new, f"{text} {label}", inserted)

    # -- qubits --------------------------------------------------------------------------------
    def insert_qubit(self, at: int) -> None:
        """Insert an empty qubit at position ``at`` (one edit)."""
        try:
            new = circuit_edits.insert_qubit(self.document.circuit, at)
        except CircuitError as error:
            self.status_message.emit(f"Cannot insert a qubit: {error}")
            return
        self.document.edit_circuit(new, f"Insert qubit q{at}")

    def delete_column(self, column: int) -> None:
        """Delete every gate drawn in ``column`` (one edit, undoable); later gates slide left.

        Columns are derived from the gate order (gates pack to the left), so there is no empty
        column to insert; deleting one is the column edit that means something.
        """
        layout = self.circuit_layout
        indices = [int(i) for i in np.flatnonzero(layout.column == column)]
        if not indices:
            return
        count = f"{len(indices)} gate{'s' if len(indices) != 1 else ''}"
        self.document.edit_circuit(self.document.circuit.without(indices),
                                   f"Delete column {column} ({count})")

    def remove_qubit(self, wire: int) -> None:
        """Remove qubit ``wire`` with the gates that use it (one edit, undoable)."""
        try:
            new, removed = circuit_edits.remove_qubit(self.document.circuit, wire)
        except CircuitError as error:
            self.status_message.emit(f"Cannot remove q{wire}: {error}")
            return
        suffix = f" and {removed} gate{'s' if removed != 1 else ''}" if removed else ""
        self.document.edit_circuit(new, f"Remove qubit q{wire}{suffix}")
        if removed:
            self.status_message.emit(f"Removed q{wire}{suffix}")
