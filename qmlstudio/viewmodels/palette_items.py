"""What the gate palette offers and what dropping an entry on the canvas inserts.

Gates, templates and, in the "Noise" group, the channel operations of
:data:`~qmlstudio.core.channel_ops.CHANNEL_OPS` (a noise channel, reset, a mid-circuit
measurement): a dropped gate's parameters become new trainable weights, a dropped channel's
its default constants (:attr:`PaletteItem.params`, named in the tooltip; the Inspector edits
them).

Qt-free on purpose: the palette widget lists :data:`PALETTE_ITEMS`, drags carry an entry's key
under :data:`PALETTE_MIME`, and the canvas turns a drop into a new circuit with
:func:`insert_item` — so the insertion rules are tested without any widget.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from qmlstudio.core import Circuit, CircuitError, Operation, operation_spec, w
from qmlstudio.core.channel_ops import CHANNEL_OPS
from qmlstudio.core.gates import GATES
from qmlstudio.ml.models.encodings import angle_encoding, iqp_encoding, zz_feature_map
from qmlstudio.ml.models.templates import basic_entangler, hardware_efficient, strongly_entangling

__all__ = [
    "NOISE_GROUP",
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

NOISE_GROUP = "Noise"
"""The palette group of the channel operations."""

_CHANNEL_ENTRIES = (
    # (operation, row text, short box text, default constants, a note on them)
    ("depolarizing", "Depolarizing", "DEP", (0.01,), ""),
    ("depolarizing2", "Two-qubit depolarizing", "DEP2", (0.01,), ""),
    ("bit_flip", "Bit flip", "BF", (0.01,), ""),
    ("phase_flip", "Phase flip", "PF", (0.01,), ""),
    ("bit_phase_flip", "Bit-phase flip", "BPF", (0.01,), ""),
    ("pauli", "Pauli", "PAULI", (0.01, 0.01, 0.01), ""),
    ("amplitude_damping", "Amplitude damping", "AD", (0.01,), ""),
    ("phase_damping", "Phase damping", "PD", (0.01,), ""),
    ("thermal_relaxation", "Thermal relaxation", "T1T2", (100_000.0, 80_000.0, 35.0, 0.0),
     " — times in ns: a qubit with T1 = 100 µs, T2 = 80 µs during one 35 ns gate"),
    ("reset", "Reset", "RST", (), ""),
    ("measure", "Mid-circuit measurement", "M", (), ""),
)

TemplateInsert = Callable[[Circuit, int], Circuit]


@dataclass(frozen=True, slots=True)
class PaletteItem:
    """One palette entry: a gate or a channel operation (``template is None``; a channel
    inserted with the constants ``params``, a gate with new weights), or a template
    inserted as a group. ``icon_text`` is what the palette's small box shows (the label
    when empty)."""

    key: str
    group: str
    label: str
    tooltip: str
    template: TemplateInsert | None = None
    params: tuple[float, ...] = ()
    icon_text: str = ""

    @property
    def is_template(self) -> bool:
        """True for an encoding or ansatz block."""
        return self.template is not None

    @property
    def is_channel(self) -> bool:
        """True for a channel operation (noise, reset, mid-circuit measurement)."""
        return self.key in CHANNEL_OPS

    @property
    def n_wires(self) -> int | None:
        """The wires a gate or channel acts on (None for a template: every qubit)."""
        return None if self.is_template else operation_spec(self.key).n_wires


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


def _channel_items() -> list[PaletteItem]:
    items = []
    for name, label, icon, defaults, note in _CHANNEL_ENTRIES:
        spec = CHANNEL_OPS[name]
        what = spec.description.replace("Noise channel:", f"{label}:")
        values = ", ".join(f"{p} = {v:g}" for p, v in zip(spec.param_names, defaults,
                                                            strict=True))
        params = f"; dropped with {values} (edit in the Inspector){note}" if values else ""
        items.append(PaletteItem(name, NOISE_GROUP, label,
                                 f"{what} — {spec.n_wires} qubit"
                                 f"{'s' if spec.n_wires > 1 else ''}{params}",
                                 params=defaults, icon_text=icon))
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

PALETTE_ITEMS: tuple[PaletteItem, ...] = (*_gate_items(), *_TEMPLATES, *_channel_items())
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

    A gate's parameters become new trainable weights, a channel's its default constants;
    a gate or channel wider than the wires left
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
    spec = operation_spec(item.key)
    if circuit.n_qubits < spec.n_wires:
        circuit = circuit.with_n_qubits(spec.n_wires)
    first = min(wire, circuit.n_qubits - spec.n_wires)
    base = circuit.n_weights
    params = item.params if item.is_channel else tuple(w(base + k)
                                                      for k in range(spec.n_params))
    op = Operation(spec.name, tuple(range(first, first + spec.n_wires)), params, group)
    return circuit.inserted(index, op), (index,)
