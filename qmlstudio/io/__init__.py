"""Reading and writing what a project is made of, without Qt: OpenQASM 2/3 import and export.

``from_qasm(text_or_path) -> Circuit`` and ``to_qasm(circuit, version=3, weights=None) -> str``;
both raise :class:`~qmlstudio.core.QasmError` naming the line and the construct.
"""

from .qasm_export import to_qasm
from .qasm_import import from_qasm

__all__ = ["from_qasm", "to_qasm"]
