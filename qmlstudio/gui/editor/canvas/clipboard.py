"""Operations on the clipboard: a MIME type of our own, so cut/paste works between windows.

The payload is the JSON circuit format of the project files (``io.circuit_codec``): a circuit
holding just the copied operations, on their original wire numbers. Plain text (OpenQASM 3)
goes along for other programs.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

from PySide6.QtCore import QMimeData

from qmlstudio.core import Circuit, CircuitError, Operation, QasmError, QMLStudioError
from qmlstudio.io import to_qasm
from qmlstudio.io.circuit_codec import decode_circuit, encode_circuit
from qmlstudio.io.document_reader import DocumentReader
from qmlstudio.io.json_text import dumps_document, parse_document

__all__ = ["OPERATIONS_MIME", "operations_from_mime", "operations_to_mime"]

OPERATIONS_MIME = "application/x-qmlstudio-operations"
"""MIME type of copied operations: UTF-8 JSON of a circuit (``io.circuit_codec``)."""


def operations_to_mime(ops: Sequence[Operation]) -> QMimeData:
    """Clipboard data for ``ops`` (our JSON plus OpenQASM 3 text)."""
    n_qubits = 1 + max((w for op in ops for w in op.wires), default=0)
    snippet = Circuit(n_qubits, tuple(ops))
    mime = QMimeData()
    mime.setData(OPERATIONS_MIME, dumps_document(encode_circuit(snippet)).encode("utf-8"))
    with suppress(QasmError):  # a noise channel has no OpenQASM form; our format copies it
        mime.setText(to_qasm(snippet))
    return mime


def operations_from_mime(mime: QMimeData | None) -> tuple[Operation, ...] | None:
    """The operations in clipboard data, or None if it holds none of ours (or bad data)."""
    if mime is None or not mime.hasFormat(OPERATIONS_MIME):
        return None
    try:
        value = parse_document(bytes(mime.data(OPERATIONS_MIME).data()))
        circuit = decode_circuit(DocumentReader(value, source="clipboard", error=CircuitError))
    except (ValueError, QMLStudioError):
        return None
    return circuit.operations
