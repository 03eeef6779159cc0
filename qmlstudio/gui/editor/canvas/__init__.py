"""The circuit canvas: :class:`CircuitView` shows and edits a document's circuit.

Modules: ``circuit_layout`` (Qt-free columns and geometry), ``circuit_painter`` (drawing),
``circuit_item`` (the one scene item), ``circuit_edits`` (Qt-free edits), ``clipboard``,
``context_menu``, ``view`` and ``diagram_export`` (PNG/SVG files).
"""

from qmlstudio.gui.editor.canvas.clipboard import OPERATIONS_MIME
from qmlstudio.gui.editor.canvas.diagram_export import export_png, export_svg
from qmlstudio.gui.editor.canvas.view import CircuitView

__all__ = ["OPERATIONS_MIME", "CircuitView", "export_png", "export_svg"]
