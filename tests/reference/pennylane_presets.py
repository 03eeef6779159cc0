"""PennyLane as an independent oracle for the four model-family presets.

Written from the presets' spec (``/work/prompts/presets_spec.md`` of issue 16) and the papers,
never from QML Studio's code, so the preset tests and the quality benchmark compare against it:

* ``reuploading`` — data re-uploading classifier with trainable input scaling (Pérez-Salinas
  et al. 2020, Quantum 4, 226; laid out as in XanaduAI/qml-benchmarks);
* ``circuit_centric`` — amplitude encoding, then strongly entangling layers (Schuld, Bocharov,
  Svore, Wiebe 2020, Phys. Rev. A 101, 032308);
* ``iqp`` — IQP embedding (two repetitions), then strongly entangling layers (Havlíček et al.
  2019, Nature 567, 209);
* ``dressed`` — dressed quantum circuit (Mari et al. 2020, Quantum 4, 340): a trained linear
  layer from the features into RY angles after a Hadamard layer, then basic entangler layers
  of RY (the paper's tanh left out).

Each ``separable`` variant is the same circuit and weights without any two-qubit gate (CZ,
CNOT and the IQP embedding's ZZ pair terms).

The QNode body only indexes the flat weight vector and multiplies and adds, so it runs with any
PennyLane interface (autograd here, JAX in a benchmark: pass ``jax.numpy`` arrays and
``interface="jax"``). Wire 0 is the most significant bit in PennyLane as in QML Studio.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pennylane as qml
from pennylane import numpy as pnp

__all__ = ["PRESET_NAMES", "default_observables", "default_qubits", "preset_expvals",
           "preset_jacobian", "preset_qnode", "weight_count"]

PRESET_NAMES = ("reuploading", "circuit_centric", "iqp", "dressed")
IQP_REPEATS = 2


def default_qubits(name: str, n_features: int) -> int:
    """The spec's default number of qubits of preset ``name`` for ``n_features`` features."""
    if name == "reuploading":
        return math.ceil(n_features / 3)
    if name == "circuit_centric":
        return max(1, math.ceil(math.log2(n_features)))
    if name == "iqp":
        return n_features
    if name == "dressed":
        return min(n_features, 4)
    raise ValueError(f"unknown preset {name!r}")


def weight_count(name: str, n_qubits: int, layers: int, n_features: int) -> int:
    """The number of circuit weights the spec gives (the same with and without ``separable``)."""
    if name == "reuploading":
        return (layers + 1) * (n_features + 3 * n_qubits)
    if name in ("circuit_centric", "iqp"):
        return 3 * layers * n_qubits
    if name == "dressed":
        return n_qubits * (n_features + 1) + layers * n_qubits
    raise ValueError(f"unknown preset {name!r}")


def default_observables(name: str, n_qubits: int) -> tuple[str, ...]:
    """What the preset's default binary readout reads, as Pauli-Z texts (``"Z0 Z1"``)."""
    if name in ("reuploading", "circuit_centric"):
        return ("Z0",)
    if name == "iqp":
        return ("Z0 Z1",) if n_qubits > 1 else ("Z0",)
    return tuple(f"Z{i}" for i in range(n_qubits))


def _observable(text: str):
    factors = [qml.PauliZ(int(part[1:])) for part in text.split()]
    return factors[0] if len(factors) == 1 else qml.prod(*factors)


def _rot_slots(wire: int, angles: Sequence) -> None:
    """RZ, RY, RZ (qml.Rot's time order) for the slots that have an angle (None: no gate)."""
    for gate, angle in zip((qml.RZ, qml.RY, qml.RZ), angles, strict=False):
        if angle is not None:
            gate(angle, wires=wire)


def _reuploading(weights, x, n: int, layers: int, separable: bool) -> None:
    n_features = len(x)
    if 3 * n < n_features:
        raise ValueError(f"{n_features} features need at least {math.ceil(n_features / 3)} "
                         f"qubits")
    k = 0
    for layer in range(layers + 1):
        final = layer == layers
        for i in range(n):
            slots = [j for j in range(3 * i, 3 * i + 3) if j < n_features]
            scaled = [(1 + weights[k + s]) * x[j] for s, j in enumerate(slots)]
            k += len(slots)
            trio = [weights[k], weights[k + 1], weights[k + 2]]
            k += 3
            if final:
                angles = [scaled[s] + trio[s] if s < len(scaled) else trio[s] for s in range(3)]
                _rot_slots(i, angles)
            else:
                _rot_slots(i, scaled + [None] * (3 - len(scaled)))
                qml.Rot(*trio, wires=i)
        if not final and not separable and n > 1:
            start = layer % 2  # "double" on even layers, "double_odd" on odd ones
            for a in range(start, n - 1, 2):
                qml.CZ(wires=[a, a + 1])


def _strongly_entangling(weights, n: int, layers: int, separable: bool) -> None:
    if not separable:
        shaped = qml.math.reshape(weights, (layers, n, 3))
        qml.StronglyEntanglingLayers(shaped, wires=range(n))
        return
    for layer in range(layers):
        for i in range(n):
            k = 3 * (layer * n + i)
            qml.Rot(weights[k], weights[k + 1], weights[k + 2], wires=i)


def _iqp(x, n: int, separable: bool) -> None:
    n_features = len(x)
    if n_features > n:
        raise ValueError(f"IQP embedding of {n_features} features needs {n_features} qubits")
    if not separable:
        qml.IQPEmbedding(x, wires=range(n_features), n_repeats=IQP_REPEATS)
        return
    for _ in range(IQP_REPEATS):
        for j in range(n_features):
            qml.Hadamard(wires=j)
            qml.RZ(x[j], wires=j)


def _dressed(weights, x, n: int, layers: int, separable: bool) -> None:
    n_features = len(x)
    for i in range(n):
        qml.Hadamard(wires=i)
    k = 0
    for i in range(n):
        angle = weights[k + n_features]
        for j in range(n_features):
            angle = angle + weights[k + j] * x[j]
        qml.RY(angle, wires=i)
        k += n_features + 1
    rest = weights[k:]
    if not separable:
        qml.BasicEntanglerLayers(qml.math.reshape(rest, (layers, n)), wires=range(n),
                                 rotation=qml.RY)
        return
    for layer in range(layers):
        for i in range(n):
            qml.RY(rest[layer * n + i], wires=i)


def preset_qnode(name: str, separable: bool, n_qubits: int, layers: int,
                 observables: Sequence[str] | None = None, interface: str = "autograd",
                 diff_method: str = "backprop"):
    """A QNode ``f(weights, x) -> expectation values`` of preset ``name`` (one sample ``x``,
    already preprocessed; the flat ``weights`` in the spec's order). ``observables`` are
    Pauli-Z texts (``"Z0"``, ``"Z0 Z1"``); ``None`` reads the preset's default readout."""
    if name not in PRESET_NAMES:
        raise ValueError(f"unknown preset {name!r}")
    reads = tuple(observables or default_observables(name, n_qubits))

    @qml.qnode(qml.device("default.qubit", wires=n_qubits), interface=interface,
               diff_method=diff_method)
    def circuit(weights, x):
        if name == "reuploading":
            _reuploading(weights, x, n_qubits, layers, separable)
        elif name == "dressed":
            _dressed(weights, x, n_qubits, layers, separable)
        else:
            if name == "circuit_centric":
                qml.AmplitudeEmbedding(x, wires=range(n_qubits), pad_with=0.0, normalize=True)
            else:
                _iqp(x, n_qubits, separable)
            _strongly_entangling(weights, n_qubits, layers, separable)
        return [qml.expval(_observable(text)) for text in reads]

    return circuit


def preset_expvals(name: str, separable: bool, n_qubits: int, layers: int, weights, x,
                   observables: Sequence[str] | None = None):
    """The expectation values (K,) preset ``name`` reads for one sample ``x`` (see
    :func:`preset_qnode`), as a NumPy array."""
    qnode = preset_qnode(name, separable, n_qubits, layers, observables)
    values = qnode(pnp.array(weights, requires_grad=False), pnp.array(x, requires_grad=False))
    return qml.math.toarray(qml.math.stack(values))


def preset_jacobian(name: str, separable: bool, n_qubits: int, layers: int, weights, x,
                    observables: Sequence[str] | None = None,
                    diff_method: str = "backprop"):
    """d(expectation values)/d(weights), shape (K, n_weights), by PennyLane's own
    differentiation (autograd through ``diff_method``, ``"backprop"`` or
    ``"parameter-shift"``)."""
    qnode = preset_qnode(name, separable, n_qubits, layers, observables,
                         diff_method=diff_method)
    features = pnp.array(x, requires_grad=False)

    def stacked(w):
        return qml.math.stack(qnode(w, features))

    jac = qml.jacobian(stacked)(pnp.array(weights, requires_grad=True))
    return qml.math.toarray(jac)
