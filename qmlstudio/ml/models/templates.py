"""Ansatz templates, data re-uploading, a whole-model circuit builder, weight initialisation
and the weights a project runs with.

Every template returns a new circuit with ordinary gates inserted as one group (``"<name>#k"``)
and trainable weights numbered from the circuit's current ``n_weights`` on, so templates stack
without clashing. Layer ``l``, wire position ``i`` and rotation ``k`` read weight
``base + (l·n + i)·r + k`` (``r`` rotations per wire), the flattening of PennyLane's
``(layers, wires, r)`` weight arrays.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import numpy as np

from qmlstudio.core import Circuit, CircuitError, Project, ProjectError, w
from qmlstudio.core.training_config import WEIGHT_INITS
from qmlstudio.core.wording import counted
from qmlstudio.ml.models.blocks import check_count, check_rotation, insert_block, resolve_wires
from qmlstudio.ml.models.encodings import (
    ENCODINGS,
    ROTATIONS_PER_WIRE,
    amplitude_qubits,
    angle_blocks,
    angle_encoding,
)

__all__ = [
    "ANSATZE",
    "basic_entangler",
    "build_model_circuit",
    "data_reuploading",
    "hardware_efficient",
    "init_weights",
    "project_weights",
    "strongly_entangling",
]

Template = Callable[[Circuit], Circuit]


def strongly_entangling(circuit: Circuit, layers: int = 1, wires: Sequence[int] | None = None,
                        ranges: Sequence[int] | None = None, at: int | None = None) -> Circuit:
    """PennyLane's ``StronglyEntanglingLayers``: per layer ``Rot`` on every wire, then a CNOT ring.

    ``Rot(φ, θ, ω)`` is ``RZ(φ)``, ``RY(θ)``, ``RZ(ω)`` in that order (3 weights per wire per
    layer). The ring of layer ``l`` is ``CNOT(wires[i], wires[(i + r_l) mod n])`` for
    ``i = 0..n−1`` with range ``r_l = ranges[l]``, by default ``(l mod (n−1)) + 1``; a single
    wire gets no CNOTs. Group ``"strongly_entangling#k"``.
    """
    chosen = resolve_wires(circuit, wires, "strongly entangling layers")
    layers, n = check_count(layers, "layers"), len(chosen)
    if ranges is None:
        ranges = [(layer % (n - 1)) + 1 if n > 1 else 0 for layer in range(layers)]
    ranges = list(ranges)
    if len(ranges) != layers:
        raise CircuitError(f"strongly entangling layers: {len(ranges)} ranges for {layers} layers")
    for r in ranges:
        if n > 1 and (isinstance(r, bool) or not isinstance(r, int) or not 1 <= r < n):
            raise CircuitError(f"strongly entangling layers: range {r!r} must be 1..{n - 1}")
    base, gates = circuit.n_weights, []
    for layer, r in enumerate(ranges):
        for i, wire in enumerate(chosen):
            k = base + 3 * (layer * n + i)
            gates += [("rz", (wire,), w(k)), ("ry", (wire,), w(k + 1)),
                      ("rz", (wire,), w(k + 2))]
        if n > 1:
            gates += [("cx", (chosen[i], chosen[(i + r) % n])) for i in range(n)]
    return insert_block(circuit, "strongly_entangling", gates, at)


def basic_entangler(circuit: Circuit, layers: int = 1, rotation: str = "rx",
                    wires: Sequence[int] | None = None, at: int | None = None) -> Circuit:
    """PennyLane's ``BasicEntanglerLayers``: per layer one ``rotation`` per wire, then CNOTs.

    The CNOTs are ``CNOT(wires[i], wires[(i+1) mod n])`` for every ``i`` (a ring); two wires
    get the single ``CNOT(wires[0], wires[1])`` and one wire none, as in PennyLane. One weight
    per wire per layer. Group ``"basic_entangler#k"``.
    """
    chosen = resolve_wires(circuit, wires, "basic entangler layers")
    layers, n = check_count(layers, "layers"), len(chosen)
    gate = check_rotation(rotation, "basic entangler layers")
    ring = [(chosen[0], chosen[1])] if n == 2 else \
        [(chosen[i], chosen[(i + 1) % n]) for i in range(n)] if n > 2 else []
    base, gates = circuit.n_weights, []
    for layer in range(layers):
        gates += [(gate, (wire,), w(base + layer * n + i)) for i, wire in enumerate(chosen)]
        gates += [("cx", pair) for pair in ring]
    return insert_block(circuit, "basic_entangler", gates, at)


def hardware_efficient(circuit: Circuit, layers: int = 1, wires: Sequence[int] | None = None,
                       at: int | None = None) -> Circuit:
    """Hardware-efficient ansatz: per layer ``RY`` on every wire, then a CZ ladder.

    The ladder is ``CZ(wires[i], wires[i+1])`` for ``i = 0..n−2`` (nearest neighbours, no
    wrap-around). One weight per wire per layer. Group ``"hardware_efficient#k"``.
    """
    chosen = resolve_wires(circuit, wires, "hardware-efficient ansatz")
    layers, n = check_count(layers, "layers"), len(chosen)
    base, gates = circuit.n_weights, []
    for layer in range(layers):
        gates += [("ry", (wire,), w(base + layer * n + i)) for i, wire in enumerate(chosen)]
        gates += [("cz", (chosen[i], chosen[i + 1])) for i in range(n - 1)]
    return insert_block(circuit, "hardware_efficient", gates, at)


ANSATZE: dict[str, Callable[..., Circuit]] = {
    "strongly_entangling": strongly_entangling,
    "basic_entangler": basic_entangler,
    "hardware_efficient": hardware_efficient,
}
"""Ansatz templates by name."""


def data_reuploading(circuit: Circuit, encoding: Template | Sequence[Template],
                     ansatz: Template, layers: int) -> Circuit:
    """Data re-uploading: ``layers`` times, an encoding then one ``ansatz`` block.

    ``encoding`` and ``ansatz`` map a circuit to a circuit with their block appended (configure
    them with ``functools.partial``, e.g. ``partial(angle_encoding, rotation="rx")`` and
    ``partial(strongly_entangling, layers=1)``). Each repetition is its own group, and every
    ansatz block gets fresh weights. One ``encoding`` reads the same features each time; a
    sequence of them takes turns (layer ``l`` uses ``encoding[l mod len(encoding)]``), which is
    how features too many for one block are spread over the layers.
    """
    encodings = [encoding] if callable(encoding) else list(encoding)
    if not encodings:
        raise CircuitError("data re-uploading: give at least one encoding")
    for layer in range(check_count(layers, "layers")):
        circuit = ansatz(encodings[layer % len(encodings)](circuit))
    return circuit


def build_model_circuit(n_qubits: int | None, n_features: int, encoding: str = "angle",
                        ansatz: str = "strongly_entangling", layers: int = 2,
                        reuploading: bool = False,
                        encoding_options: Mapping[str, object] | None = None,
                        ansatz_options: Mapping[str, object] | None = None) -> Circuit:
    """A whole model circuit: an encoding, then ``layers`` ansatz layers.

    ``encoding`` is ``"angle"``, ``"zz"``, ``"iqp"`` or ``"amplitude"`` (no gates: prepare the
    initial states with :func:`~qmlstudio.ml.models.encodings.amplitude_states`); ``ansatz`` is
    a key of :data:`ANSATZE`. Without ``reuploading`` the circuit is one encoding block and one
    ansatz block of ``layers`` layers; with it, the encoding is repeated before each
    single-layer ansatz block (not possible with amplitude encoding). ``n_qubits=None`` picks
    the number of features (``amplitude_qubits(n_features)`` for amplitude encoding). The
    options are passed to the encoding and ansatz functions (e.g. ``{"rotation": "rx"}``).

    Angle encoding holds up to three features per wire (see
    :func:`~qmlstudio.ml.models.encodings.angle_encoding`). More features are split into
    :func:`~qmlstudio.ml.models.encodings.angle_blocks` that the re-uploading layers take in
    turn (block ``l mod blocks`` in layer ``l``); a :class:`CircuitError` says so when there
    is no re-uploading or fewer layers than blocks.
    """
    n_features = check_count(n_features, "n_features")
    layers = check_count(layers, "layers")
    if encoding != "amplitude" and encoding not in ENCODINGS:
        raise CircuitError(f"unknown encoding {encoding!r}; choose one of "
                           f"{', '.join([*ENCODINGS, 'amplitude'])}")
    if ansatz not in ANSATZE:
        raise CircuitError(f"unknown ansatz {ansatz!r}; choose one of {', '.join(ANSATZE)}")
    if n_qubits is None:
        n_qubits = amplitude_qubits(n_features) if encoding == "amplitude" else n_features
    circuit = Circuit(n_qubits)
    add_layers = ANSATZE[ansatz]
    options = dict(ansatz_options or {})
    if encoding == "amplitude":
        if reuploading:
            raise CircuitError("data re-uploading needs a gate encoding; amplitude encoding "
                               "prepares the state once")
        if n_features > 1 << n_qubits:
            raise CircuitError(f"amplitude encoding of {n_features} features needs "
                               f"{amplitude_qubits(n_features)} qubits, got {n_qubits}")
        return add_layers(circuit, layers=layers, **options)

    encodings = _encoding_blocks(encoding, n_qubits, n_features, dict(encoding_options or {}),
                                 layers if reuploading else 1)
    if reuploading:
        return data_reuploading(circuit, encodings,
                                lambda c: add_layers(c, layers=1, **options), layers)
    return add_layers(encodings[0](circuit), layers=layers, **options)


def _encoding_blocks(encoding: str, n_qubits: int, n_features: int, options: dict,
                     uploads: int) -> list[Template]:
    """The encoding block(s) of a model circuit: one for all features, or, for angle encoding
    of more features than a block holds, one per :func:`angle_blocks` part (refused if the
    model has fewer than ``uploads`` places to put them)."""
    if encoding != "angle":
        return [partial(ENCODINGS[encoding], n_features=n_features, **options)]
    wires = options.get("wires")
    blocks = angle_blocks(n_features, n_qubits if wires is None else len(wires))
    if len(blocks) > uploads:
        raise CircuitError(
            f"angle encoding: {n_features} features need {len(blocks)} encoding blocks of at "
            f"most {ROTATIONS_PER_WIRE} features per qubit on {counted(n_qubits, 'qubit')}, "
            f"but the model "
            f"encodes {'once' if uploads == 1 else f'{uploads} times'}; use data re-uploading "
            f"with at least {len(blocks)} layers, or at least "
            f"{math.ceil(n_features / ROTATIONS_PER_WIRE)} qubits")
    return [partial(angle_encoding, n_features=len(block), first_feature=block.start, **options)
            for block in blocks]


def init_weights(n: int, scheme: str = "uniform", seed: int | None = None) -> np.ndarray:
    """``n`` initial weights from a generator seeded with ``seed``.

    ``"uniform"``: uniform in ``[0, 2π)`` (every angle equally likely); ``"small"``: normal
    with mean 0 and standard deviation 0.1 (the circuit starts near the identity, which keeps
    gradients from vanishing in deep circuits).
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise CircuitError(f"the number of weights must be a non-negative integer, got {n!r}")
    if scheme not in WEIGHT_INITS:
        raise ProjectError(f"weight_init: unknown scheme {scheme!r}; choose one of "
                           f"{', '.join(WEIGHT_INITS)}")
    rng = np.random.default_rng(seed)
    if scheme == "uniform":
        return rng.uniform(0.0, 2 * math.pi, int(n))
    return rng.normal(0.0, 0.1, int(n))


def project_weights(project: Project) -> np.ndarray:
    """The circuit weights ``project`` runs with: its trained weights, or, untrained, the
    initial weights its training settings draw (``training.weight_init`` seeded with
    ``training.seed``) — the very weights training would start from."""
    if project.is_trained:
        return np.array(project.weights, dtype=float)
    training = project.training
    return init_weights(project.circuit.n_weights, training.weight_init, training.seed)
