"""What the gate palette offers and what dropping an entry on the canvas inserts.

Qt-free on purpose: the palette widget lists :data:`PALETTE_ITEMS`, drags carry an entry's key
under :data:`PALETTE_MIME`, and the canvas turns a drop into a new circuit with
:func:`insert_item` — so the insertion rules are tested without any widget.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from qmlstudio.core import Circuit, CircuitError, Operation, w
from qmlstudio.core.gates import GATES
from qmlstudio.ml.models.encodings import angle_encoding, iqp_encoding, zz_feature_map
from qmlstudio.ml.models.templates import basic_entangler, hardware_efficient, strongly_entangling

__all__ = [
    "PALETTE_ITEMS",
    "PALETTE_MIME",
    "PaletteItem",
    "decode_item",
    "encode_item",
    "insert_item",
    "item_by_key",
]

PALETTE_MIME = "application/x-qmlstudio-palette-item"
"""MIME type of a palette drag: UTF-8 JSON ``{"key": ...}``."""

_GATE_GROUPS = (
    ("Single-qubit", ("h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx", "sxdg", "id")),
    ("Rotations", ("rx", "ry", "rz", "p", "u2", "u3")),
    ("Two-qubit", ("cx", "cy", "cz", "ch", "swap", "iswap")),
    ("Parameterised two-qubit", ("crx", "cry", "crz", "cp", "cu3", "rxx", "ryy", "rzz")),
    ("Three-qubit", ("ccx", "cswap")),
)

TemplateInsert = Callable[[Circuit, int], Circuit]


@dataclass(frozen=True, slots=True)
class PaletteItem:
    """One palette entry: a gate (``template is None``) or a template inserted as a group."""

    key: str
    group: str
    label: str
    tooltip: str
    template: TemplateInsert | None = None

    @property
    def is_template(self) -> bool:
        """True for an encoding or ansatz block."""
        return self.template is not None


def _gate_items() -> list[PaletteItem]:
    items = []
    for group, names in _GATE_GROUPS:
        for name in names:
            spec = GATES[name]
            params = "" if not spec.n_params else (
                f"; {spec.n_params} parameter{'s' if spec.n_params > 1 else ''}, a new "
                f"trainable weight each when dropped")
            items.append(PaletteItem(name, group, name.upper(),
                                     f"{spec.description} — {spec.n_wires} qubit"
                                     f"{'s' if spec.n_wires > 1 else ''}{params}"))
    return items


_TEMPLATES = (
    PaletteItem("angle_encoding", "Encodings", "Angle encoding",
                "RY(xᵢ) on wire i: one input feature per qubit",
                lambda c, at: angle_encoding(c, at=at)),
    PaletteItem("zz_feature_map", "Encodings", "ZZ feature map",
                "Havlíček et al. / Qiskit ZZFeatureMap: H, RZ(2xᵢ) and ZZ couplings "
                "2(π−xᵢ)(π−xⱼ) on every pair, 2 repetitions",
                lambda c, at: zz_feature_map(c, at=at)),
    PaletteItem("iqp_encoding", "Encodings", "IQP encoding",
                "PennyLane IQPEmbedding: H, RZ(xᵢ) and RZZ(xᵢ·xⱼ) on every pair",
                lambda c, at: iqp_encoding(c, at=at)),
    PaletteItem("strongly_entangling", "Ansatz layers", "Strongly entangling layer",
                "Rot(φ, θ, ω) on every qubit, then a ring of CNOTs (3 weights per qubit)",
                lambda c, at: strongly_entangling(c, at=at)),
    PaletteItem("basic_entangler", "Ansatz layers", "Basic entangler layer",
                "RX(θ) on every qubit, then a ring of CNOTs (1 weight per qubit)",
                lambda c, at: basic_entangler(c, at=at)),
    PaletteItem("hardware_efficient", "Ansatz layers", "Hardware-efficient layer",
                "RY(θ) on every qubit, then a CZ ladder (1 weight per qubit)",
                lambda c, at: hardware_efficient(c, at=at)),
)

PALETTE_ITEMS: tuple[PaletteItem, ...] = (*_gate_items(), *_TEMPLATES)
"""Every entry, in display order (grouped by ``group``)."""

_BY_KEY = {item.key: item for item in PALETTE_ITEMS}


def item_by_key(key: str) -> PaletteItem:
    """The entry named ``key`` (raises ``KeyError`` if there is none)."""
    return _BY_KEY[key]


def encode_item(item: PaletteItem) -> bytes:
    """The drag payload of ``item``."""
    return json.dumps({"key": item.key}).encode("utf-8")


def decode_item(payload: bytes) -> PaletteItem | None:
    """The entry a drag payload names, or None if the payload is not one of ours."""
    try:
        key = json.loads(bytes(payload).decode("utf-8"))["key"]
        return _BY_KEY[key]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None


def insert_item(item: PaletteItem, circuit: Circuit, index: int, wire: int,
                group: str | None = None) -> tuple[Circuit, tuple[int, ...]]:
    """Insert ``item`` before operation ``index``, its first wire at ``wire``.

    A gate's parameters become new trainable weights; a gate wider than the wires left
    below ``wire`` is shifted up, and the circuit grows if it has too few qubits. A gate
    joins template block ``group`` if given (dropped inside its frame). A template spans
    every qubit. Returns the new circuit and the indices of the inserted operations.
    Raises :class:`~qmlstudio.core.CircuitError` if the insertion is impossible.
    """
    if not 0 <= index <= len(circuit.operations):
        raise CircuitError(f"insert position {index} is outside 0..{len(circuit.operations)}")
    if wire < 0:
        raise CircuitError(f"wire {wire} does not exist")
    if wire >= circuit.n_qubits:
        circuit = circuit.with_n_qubits(wire + 1)
    if item.template is not None:
        before = len(circuit.operations)
        new = item.template(circuit, index)
        count = len(new.operations) - before
        return new, tuple(range(index, index + count))
    spec = GATES[item.key]
    if circuit.n_qubits < spec.n_wires:
        circuit = circuit.with_n_qubits(spec.n_wires)
    first = min(wire, circuit.n_qubits - spec.n_wires)
    base = circuit.n_weights
    op = Operation(spec.name, tuple(range(first, first + spec.n_wires)),
                   tuple(w(base + k) for k in range(spec.n_params)), group)
    return circuit.inserted(index, op), (index,)
