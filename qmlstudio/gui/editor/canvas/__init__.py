"""The circuit canvas: :class:`CircuitView` shows and edits a document's circuit.

Modules: ``circuit_painter`` (drawing), ``circuit_item`` (the one scene item), ``clipboard``,
``context_menu``, ``view`` and ``diagram_export`` (PNG/SVG files). The Qt-free columns,
geometry and edits are :mod:`qmlstudio.viewmodels.canvas_layout` and
:mod:`qmlstudio.viewmodels.circuit_edits`. May import ``gui.document``, ``gui.theme`` and anything
below ``gui``.
"""

from qmlstudio.gui.editor.canvas.clipboard import OPERATIONS_MIME
from qmlstudio.gui.editor.canvas.diagram_export import export_png, export_svg
from qmlstudio.gui.editor.canvas.view import CircuitView

__all__ = ["OPERATIONS_MIME", "CircuitView", "export_png", "export_svg"]
