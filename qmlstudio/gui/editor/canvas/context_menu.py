"""The canvas's context menus: one for a gate (or a collapsed group), one for a wire.

Each action calls the view's public edit methods, so a menu choice is the same single
undoable edit as the Edit menu or a key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from qmlstudio.gui.editor.canvas.view import CircuitView

__all__ = ["build_context_menu"]


def _action(menu: QMenu, text: str, slot, enabled: bool = True) -> QAction:
    action = menu.addAction(text)
    action.triggered.connect(lambda _checked=False: slot())
    action.setEnabled(enabled)
    return action


def build_context_menu(view: CircuitView, pos: QPointF) -> QMenu:
    """The menu for scene point ``pos``: the gate's there if there is one (selecting it
    first), else the wire's."""
    layout, document = view.circuit_layout, view.document
    menu = QMenu(view)
    hit = layout.op_at(pos.x(), pos.y())
    column = layout.column_at(pos.x())
    in_column = int((layout.column == column).sum()) if column >= 0 else 0
    if hit is not None:
        if hit not in document.selection:
            document.set_selection(layout.unit_of(hit))
        _action(menu, "Delete", view.delete_selection)
        _action(menu, "Cut", view.cut)
        _action(menu, "Copy", view.copy)
        _action(menu, "Duplicate", view.duplicate)
        _action(menu, "Paste after", view.paste)
        group = layout.circuit.operations[hit].group
        if group is not None:
            menu.addSeparator()
            verb = "Expand" if view.is_collapsed(group) else "Collapse"
            _action(menu, f"{verb} group {group}", lambda: view.toggle_group(group))
        menu.addSeparator()
        _action(menu, f"Delete column {column} ({in_column} gates)",
                lambda: view.delete_column(column))
        return menu
    wire = layout.wire_at(pos.y())
    n = layout.circuit.n_qubits
    if wire < n:
        _action(menu, f"Insert qubit above q{wire}", lambda: view.insert_qubit(wire))
        _action(menu, f"Insert qubit below q{wire}", lambda: view.insert_qubit(wire + 1))
        users = sum(wire in op.wires for op in layout.circuit.operations)
        text = f"Remove qubit q{wire}" + (f" and its {users} gate{'s' * (users != 1)}"
                                          if users else "")
        _action(menu, text, lambda: view.remove_qubit(wire), enabled=n > 1)
    else:
        _action(menu, "Add qubit", lambda: view.insert_qubit(n))
    if in_column:
        _action(menu, f"Delete column {column} ({in_column} gates)",
                lambda: view.delete_column(column))
    menu.addSeparator()
    _action(menu, "Paste", view.paste)
    _action(menu, "Select all", view.select_all)
    return menu
