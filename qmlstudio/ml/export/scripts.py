"""Standalone PennyLane and Qiskit scripts of a saved model: :func:`python_script`.

A script needs only numpy and its framework (no QML Studio). It embeds the circuit as one line
per gate, the trained weights, the readout and the fitted preprocessing constants (floats
written with ``repr``, so every value is exact), and defines ``preprocess(X)``,
``expectations(X)``, ``predict(X)`` and, for a classifier, ``predict_proba(X)`` on RAW feature
columns, plus a ``__main__`` that reads a CSV of raw features and prints a CSV of predictions.

Bit order: QML Studio and PennyLane make wire 0 the most significant bit of a state index;
Qiskit makes qubit 0 the least significant. The Qiskit script maps wire ``k`` to qubit ``k``
(so its circuit draws like the canvas); Pauli expectation values on named qubits do not
depend on the convention, and the one place that does — an amplitude-encoded initial state —
is reordered by reversing the bits of each index.

A model saved with a noise model, or whose circuit holds channel operations (noise channels,
``reset``, a discarded ``measure``), runs on the framework's density-matrix simulator with the
same channels (see :mod:`qmlstudio.ml.export.noisy_scripts`).
"""

from __future__ import annotations

import math
import textwrap

from qmlstudio._version import __version__
from qmlstudio.core.circuit import Operation
from qmlstudio.core.noise import NoiseModel
from qmlstudio.core.observables import parse_observable
from qmlstudio.core.parameters import Const, Expr, Feature, Param, Weight
from qmlstudio.core.saved_model import SavedModel
from qmlstudio.ml.export.noisy_scripts import NoiseCode, noise_code

__all__ = ["FRAMEWORKS", "python_script"]

FRAMEWORKS = ("pennylane", "qiskit")

_PENNYLANE_GATES = {
    "id": "qml.Identity", "h": "qml.Hadamard", "x": "qml.PauliX", "y": "qml.PauliY",
    "z": "qml.PauliZ", "s": "qml.S", "sdg": "qml.adjoint(qml.S)", "t": "qml.T",
    "tdg": "qml.adjoint(qml.T)", "sx": "qml.SX", "sxdg": "qml.adjoint(qml.SX)",
    "rx": "qml.RX", "ry": "qml.RY", "rz": "qml.RZ", "p": "qml.PhaseShift", "u3": "qml.U3",
    "u2": "qml.U2", "cx": "qml.CNOT", "cy": "qml.CY", "cz": "qml.CZ", "ch": "qml.CH",
    "swap": "qml.SWAP", "iswap": "qml.ISWAP", "crx": "qml.CRX", "cry": "qml.CRY",
    "crz": "qml.CRZ", "cp": "qml.ControlledPhaseShift", "rxx": "qml.IsingXX",
    "ryy": "qml.IsingYY", "rzz": "qml.IsingZZ", "ccx": "qml.Toffoli", "cswap": "qml.CSWAP",
}
"""Our gates as PennyLane operations with the same matrix (``cu3`` is written with qml.ctrl)."""

_QISKIT_METHODS = {"u3": "u", "u2": "u", "cu3": "cu"}
"""QuantumCircuit methods named differently (the rest share our names); ``u2`` is written as
``u(π/2, φ, λ)`` and ``cu3`` as ``cu(θ, φ, λ, γ=0)``, both the same matrices."""

_PAULI_NAMES = {"X": "qml.PauliX", "Y": "qml.PauliY", "Z": "qml.PauliZ"}


# -- pieces of code ------------------------------------------------------------------------
def _list(values: tuple[float, ...]) -> str:
    return f"[{', '.join(repr(float(v)) for v in values)}]"


def _array(values: tuple[float, ...]) -> str:
    """``np.array([...])``, wrapped over several lines when long."""
    text = _list(values)
    if len(text) <= 80:
        return f"np.array({text})"
    rows = textwrap.wrap(text[1:-1], 92, break_on_hyphens=False)
    return "np.array([\n" + "".join(f"    {row}\n" for row in rows) + "])"


def _param(param: Param, feature: str) -> str:
    """The code of one gate parameter; ``feature`` formats ``x[j]`` for the framework."""
    if isinstance(param, Const):
        return repr(param.value)
    if isinstance(param, Weight):
        return f"w[{param.index}]"
    if isinstance(param, Expr):
        return _expression(param, feature)
    assert isinstance(param, Feature)
    text = feature.format(param.index)
    if param.scale != 1.0:
        text = f"{param.scale!r} * {text}"
    if param.offset:
        text += f" + {param.offset!r}" if param.offset > 0 else f" - {-param.offset!r}"
    return text


def _expression(expr: Expr, feature: str) -> str:
    """``c0 + c * w[k] * (s * x[j] + o) + ...``: plain arithmetic, so it works on a sample's
    numbers and on numpy columns alike."""
    terms = []
    for term in expr.terms:
        factors = [_param(f, feature) for f in term.factors]
        factors = [f"({f})" if " " in f else f for f in factors]
        if term.coefficient != 1.0:
            factors.insert(0, repr(term.coefficient))
        terms.append(" * ".join(factors))
    if expr.constant:
        terms.append(repr(expr.constant))
    return "(" + " + ".join(terms) + ")"


def _pennylane_line(op: Operation) -> str:
    params = [_param(p, "x[{}]") for p in op.params]
    wires = str(op.wires[0]) if len(op.wires) == 1 else str(list(op.wires))
    if op.gate == "cu3":
        return (f"qml.ctrl(qml.U3, control={op.wires[0]})({', '.join(params)}, "
                f"wires={op.wires[1]})")
    return f"{_PENNYLANE_GATES[op.gate]}({''.join(p + ', ' for p in params)}wires={wires})"


def _qiskit_line(op: Operation) -> str:
    params = [_param(p, "x[{}]") for p in op.params]
    if op.gate == "u2":
        params.insert(0, repr(math.pi / 2))
    elif op.gate == "cu3":
        params.append("0.0")
    arguments = ", ".join([*params, *map(str, op.wires)])
    return f"qc.{_QISKIT_METHODS.get(op.gate, op.gate)}({arguments})"


def _pennylane_observable(text: str, n_qubits: int) -> str:
    terms = parse_observable(text, n_qubits).terms
    product = " @ ".join(f"{_PAULI_NAMES[p]}({w})" for w, p in terms)
    return f"qml.expval({product or 'qml.Identity(0)'})"


def _qiskit_observable(text: str, n_qubits: int) -> str:
    terms = parse_observable(text, n_qubits).terms
    paulis = "".join(p for _, p in terms)
    wires = [w for w, _ in terms]
    return f'SparsePauliOp.from_sparse_list([("{paulis}", {wires}, 1.0)], num_qubits=N_QUBITS)'


# -- the script ----------------------------------------------------------------------------
def _docstring_text(text: str) -> str:
    """``text`` safe inside a triple-quoted docstring (no closing quotes, no escapes)."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _noise_note(saved: SavedModel, framework: str) -> str:
    """The docstring's paragraph on the noise ("" for an ideal model)."""
    if not _noisy(saved):
        return ""
    pennylane = framework == "pennylane"
    how = ("PennyLane's default.mixed device" if pennylane else
           "Qiskit Aer's density-matrix method")
    ops = ("The circuit's channel operations (noise, reset, a discarded measurement) are "
           + ("PennyLane channels where they stand" if pennylane else
              "Aer errors appended as instructions, reset Qiskit's own") + ". "
           if saved.circuit.has_channels else "")
    if _noise_model(saved).is_ideal:
        text = f"The circuit runs on {how}. {ops}"
    else:
        name = _docstring_text(" ".join(saved.noise.name.split()))
        after = ("each channel written after its gate" if pennylane else
                 "the equivalent Aer NoiseModel (noise_model())")
        text = (f"The model predicts under the noise model {name!r}: the circuit runs on "
                f"{how} with {after}. {ops}Readout errors are applied exactly to the measured "
                f"bits' probabilities (read_value).")
    return "\n\n" + textwrap.fill(text.strip(), 92, break_on_hyphens=False)


def _noise_model(saved: SavedModel) -> NoiseModel:
    """The noise model ``saved`` predicts under (the ideal one when it has none)."""
    return saved.noise if saved.noise is not None else NoiseModel.ideal()


def _noisy(saved: SavedModel) -> bool:
    """True when ``saved`` predicts on the density-matrix simulator: under a noise model (not
    the ideal one) or with channel operations in its circuit."""
    return saved.circuit.has_channels or not _noise_model(saved).is_ideal


def _docstring(saved: SavedModel, framework: str, module: str) -> str:
    title = _docstring_text(" ".join(saved.name.split()) or "Model")
    label = {"pennylane": "PennyLane", "qiskit": "Qiskit"}[framework]
    columns = _docstring_text(", ".join(saved.feature_names))
    what = "predict(X), predict_proba(X)" if saved.model.task == "classification" else "predict(X)"
    order = ("Wire k of QML Studio is Qiskit qubit k. QML Studio makes wire 0 the most "
             "significant bit\nof a state index, Qiskit the least significant: Pauli "
             "expectation values do not depend on\nthis, and amplitude_state() reverses the "
             "bits of an amplitude-encoded state."
             if framework == "qiskit" else
             "Wire 0 is the most significant bit of a state index, in PennyLane as in QML "
             "Studio.")
    needs = f"numpy and {framework}" + (" with qiskit-aer" if framework == "qiskit" and
                                         _noisy(saved) else "")
    return f'''"""{title}: a trained QML Studio model as a standalone {label} script.

Written by QML Studio {__version__}; needs only {needs}. As a module::

    from {module} import {what.replace("(X)", "")}
    {what.split(",")[0]}   # X: rows of the raw feature columns {columns}

From the command line, with a comma-separated file of raw features (a header row naming the
features picks the columns; without one the first {saved.n_features_in} columns are used in order)::

    python {module}.py FEATURES.csv > predictions.csv

{order}{_noise_note(saved, framework)}
"""'''


def _constants(saved: SavedModel) -> list[str]:
    pre, fitted = saved.preprocessing, saved.preprocessing.fitted
    classes = ", ".join(repr(c) for c in saved.model.class_labels)
    mixed = len({type(c) for c in saved.model.class_labels}) > 1
    lines = [f"FEATURE_NAMES = {list(saved.feature_names)!r}"]
    if saved.model.task == "classification":
        lines.append(f"CLASSES = np.array([{classes}]{', dtype=object' if mixed else ''})")
    lines += ["", "# Preprocessing fitted on the training data (see preprocess())."
              if fitted.pca_components or fitted.center else
              "# No preprocessing: the raw features are the circuit's inputs."]
    if fitted.pca_components:
        lines += [f"PCA_MEAN = {_array(fitted.pca_mean)}",
                  f"PCA_COMPONENTS = np.array([{', '.join(map(_list, fitted.pca_components))}])"]
    if fitted.center:
        lines += [f"CENTER = {_array(fitted.center)}", f"WIDTH = {_array(fitted.width)}"]
        if pre.scaling == "minmax":
            lines.append(f"SCALE_RANGE = ({pre.scale_range[0]!r}, {pre.scale_range[1]!r})")
    lines += [""]
    readout = saved.readout
    if readout.weights:
        rows = [readout.weights[i:i + len(saved.model.observables)]
                for i in range(0, len(readout.weights), len(saved.model.observables))]
        lines += ["# The trained circuit weights, and the readout's linear layer:",
                  "# outputs = <O> @ READOUT_WEIGHTS.T + READOUT_BIAS.",
                  f"N_QUBITS = {saved.circuit.n_qubits}", f"WEIGHTS = {_array(saved.weights)}",
                  "READOUT_WEIGHTS = np.array([", *[f"    {_list(row)}," for row in rows], "])"]
    else:  # a diagonal layer: one scale per observable
        lines += ["# The trained circuit weights, and an output scale and bias per observable.",
                  f"N_QUBITS = {saved.circuit.n_qubits}", f"WEIGHTS = {_array(saved.weights)}",
                  f"READOUT_WEIGHTS = np.diag({_array(readout.scale)})"]
    lines.append(f"READOUT_BIAS = {_array(readout.bias)}")
    return lines


def _preprocess(saved: SavedModel) -> list[str]:
    pre, fitted = saved.preprocessing, saved.preprocessing.fitted
    body = ['    """Raw feature rows (B, F) -> the circuit\'s inputs, exactly as in training."""',
            "    Z = np.asarray(X, dtype=float)",
            "    if Z.ndim != 2 or Z.shape[1] != len(FEATURE_NAMES):",
            '        raise ValueError(f"X must have shape (samples, {len(FEATURE_NAMES)}), "',
            '                         f"got {Z.shape}")']
    if fitted.pca_components:
        body.append("    Z = (Z - PCA_MEAN) @ PCA_COMPONENTS.T  # PCA")
    if fitted.center:
        body.append("    U = (Z - CENTER) / WIDTH")
        body.append("    Z = U  # standardised" if pre.scaling == "standard" else
                    "    Z = SCALE_RANGE[0] * (1.0 - U) + SCALE_RANGE[1] * U  # min-max")
    return ["def preprocess(X):", *body, "    return Z"]


_AMPLITUDES = '''def amplitude_state(z):
    """Amplitude encoding: the features z, zero-padded and normalised, as a state."""
    norm = np.linalg.norm(z)
    if norm == 0.0:
        raise ValueError("amplitude encoding: an all-zero row has no direction to encode")
    state = np.zeros(2 ** N_QUBITS, dtype=complex)
    state[: len(z)] = z / norm
    return state{reorder}'''

_QISKIT_REORDER = '''.reshape((2,) * N_QUBITS).transpose().reshape(-1)  # bits reversed'''


def _pennylane_circuit(saved: SavedModel) -> list[str]:
    circuit = saved.circuit
    observables = ", ".join(_pennylane_observable(o, circuit.n_qubits)
                            for o in saved.model.observables)
    head = ["DEVICE = qml.device(\"default.qubit\", wires=N_QUBITS)", "", "",
            "@qml.qnode(DEVICE)"]
    if saved.amplitude_encoding:
        head += ["def circuit(x, states, w):",
                 '    """Expectation values of the readout observables; x[j] holds feature j of '
                 'every\n    sample and states their amplitude-encoded states (one batch), w the '
                 'weights."""',
                 "    qml.StatePrep(states, wires=range(N_QUBITS))"]
        call = "circuit(Z.T, np.array([amplitude_state(z) for z in Z]), WEIGHTS)"
    else:
        head += ["def circuit(x, w):",
                 '    """Expectation values of the readout observables; x[j] holds feature j of '
                 'every\n    sample (one batch), w the weights."""']
        call = "circuit(Z.T, WEIGHTS)"
    body = [f"    {_pennylane_line(op)}" for op in circuit.operations]
    return [*head, *body, f"    return [{observables}]", "", "",
            "def expectations(X):",
            '    """<O_k> of every readout observable for raw feature rows X: shape (B, K)."""',
            "    Z = preprocess(X)",
            f"    values = {call}",
            "    return np.column_stack([np.broadcast_to(np.asarray(v, dtype=float), (len(Z),))",
            "                            for v in values])"]


def _noisy_pennylane_circuit(saved: SavedModel, code: NoiseCode) -> list[str]:
    """The circuit on default.mixed with its channel operations and the channels after its
    gates (no amplitude encoding: a noisy model never has it)."""
    body = []
    for op, own, after in zip(saved.circuit.operations, code.channel_ops, code.after,
                              strict=True):
        body += [f"    {own or _pennylane_line(op)}", *(f"    {line}" for line in after)]
    return ["DEVICE = qml.device(\"default.mixed\", wires=N_QUBITS)",
            'PAULIS = {"X": qml.PauliX, "Y": qml.PauliY, "Z": qml.PauliZ}', "", "",
            "@qml.qnode(DEVICE)",
            "def circuit(x, w):",
            '    """The probabilities of each readout observable\'s qubits in its eigenbasis '
            '(see\n    read_value); x[j] holds feature j of every sample (one batch), w the '
            'weights."""',
            *body,
            "    return [qml.probs(op=qml.prod(*[PAULIS[p](q) for p, q in zip(letters, qubits)]))",
            "            for letters, qubits in OBSERVABLE_TERMS if qubits]", "", "",
            "def expectations(X):",
            '    """<O_k> of every readout observable for raw feature rows X, read out through '
            'the\n    readout errors: shape (B, K)."""',
            "    Z = preprocess(X)",
            "    probabilities = iter(circuit(Z.T, WEIGHTS))",
            "    values = [read_value(next(probabilities), qubits) if qubits else 1.0",
            "              for _, qubits in OBSERVABLE_TERMS]",
            "    return np.column_stack([np.broadcast_to(np.asarray(v, dtype=float), (len(Z),))",
            "                            for v in values])"]


def _qiskit_circuit(saved: SavedModel) -> list[str]:
    circuit = saved.circuit
    observables = [_qiskit_observable(o, circuit.n_qubits) for o in saved.model.observables]
    start = ("Statevector(amplitude_state(z)).evolve(build_circuit(z, WEIGHTS))"
             if saved.amplitude_encoding else "Statevector(build_circuit(z, WEIGHTS))")
    return ["OBSERVABLES = [", *[f"    {o}," for o in observables], "]", "", "",
            *_build_circuit(saved), "", "",
            "def expectations(X):",
            '    """<O_k> of every readout observable for raw feature rows X: shape (B, K)."""',
            "    rows = []",
            "    for z in preprocess(X):",
            f"        state = {start}",
            "        rows.append([state.expectation_value(op).real for op in OBSERVABLES])",
            "    return np.array(rows, dtype=float).reshape(-1, len(OBSERVABLES))"]


def _build_circuit(saved: SavedModel, code: NoiseCode | None = None) -> list[str]:
    """``build_circuit``; ``code`` writes the circuit's channel operations (a noisy script)."""
    lines = code.channel_ops if code is not None else [None] * len(saved.circuit.operations)
    return ["def build_circuit(x, w):",
            '    """The circuit for one sample x (preprocessed features) and weights w."""',
            "    qc = QuantumCircuit(N_QUBITS)",
            *[f"    {line or _qiskit_line(op)}"
              for op, line in zip(saved.circuit.operations, lines, strict=True)],
            "    return qc"]


_NOISY_QISKIT_EXPECTATIONS = '''def eigenbasis(letters, qubits):
    """A circuit turning the Pauli string (letters on qubits) to the Z basis."""
    qc = QuantumCircuit(N_QUBITS)
    for letter, qubit in zip(letters, qubits):
        if letter == "Y":
            qc.sdg(qubit)
        if letter in "XY":
            qc.h(qubit)
    return qc


def expectations(X):
    """<O_k> of every readout observable for raw feature rows X, read out through the readout
    errors: shape (B, K). One Aer density-matrix run of all the samples' circuits."""
    circuits = []
    for z in preprocess(X):
        qc = for_aer(build_circuit(z, WEIGHTS))
        qc.save_density_matrix()
        circuits.append(qc)
    simulator = AerSimulator(method="density_matrix", noise_model=noise_model())
    result = simulator.run(circuits).result()
    turns = [eigenbasis(letters, qubits) for letters, qubits in OBSERVABLE_TERMS]
    rows = []
    for k in range(len(circuits)):
        rho = DensityMatrix(result.data(k)["density_matrix"])
        # probabilities() lists its first qubit as the least significant bit: reversed.
        rows.append([read_value(rho.evolve(turn).probabilities(qubits[::-1]), qubits)
                     for turn, (_, qubits) in zip(turns, OBSERVABLE_TERMS)])
    return np.array(rows, dtype=float).reshape(-1, len(OBSERVABLE_TERMS))'''


_CLASSIFIER = '''def predict_proba(X):
    """Class probabilities (B, len(CLASSES)) for raw feature rows X; columns follow CLASSES."""
    z = expectations(X) @ READOUT_WEIGHTS.T + READOUT_BIAS
    if z.shape[1] == 1:  # one output for two classes: logits (0, z)
        z = np.column_stack([np.zeros(len(z)), z[:, 0]])
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def predict(X):
    """The most probable class label for each raw feature row of X."""
    return CLASSES[np.argmax(predict_proba(X), axis=1)]'''

_REGRESSOR = '''def predict(X):
    """The predicted value for each raw feature row of X."""
    return (expectations(X) @ READOUT_WEIGHTS.T + READOUT_BIAS)[:, 0]'''

_MAIN = '''def read_features(path):
    """Raw feature rows from a comma-separated file (see the module docstring)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    if not rows:
        raise SystemExit(f"{path}: no rows")
    columns = list(range(len(FEATURE_NAMES)))
    try:
        [float(cell) for cell in rows[0]]
    except ValueError:  # a header row: it must name every feature
        header = [cell.strip() for cell in rows.pop(0)]
        missing = [name for name in FEATURE_NAMES if name not in header]
        if missing:
            raise SystemExit(f"{path}: no column named {missing[0]!r}; the model takes "
                             f"the features {', '.join(FEATURE_NAMES)}") from None
        columns = [header.index(name) for name in FEATURE_NAMES]
    try:
        return np.array([[float(row[c]) for c in columns] for row in rows], dtype=float)
    except (IndexError, ValueError) as error:
        raise SystemExit(f"{path}: cannot read {len(columns)} numeric features per row ({error})")


def main(argv):
    """Print a CSV of predictions for the feature file named in argv."""
    if len(argv) != 1:
        raise SystemExit("usage: python " + sys.argv[0] + " FEATURES.csv")
    X = read_features(argv[0])
    writer = csv.writer(sys.stdout, lineterminator="\\n")
{body}


if __name__ == "__main__":
    main(sys.argv[1:])'''

_MAIN_CLASSIFIER = '''    writer.writerow(["prediction", *[f"p_{c}" for c in CLASSES]])
    for label, row in zip(predict(X), predict_proba(X)):
        writer.writerow([label, *[repr(float(p)) for p in row]])'''

_MAIN_REGRESSOR = '''    writer.writerow(["prediction"])
    for value in predict(X):
        writer.writerow([repr(float(value))])'''


def python_script(saved: SavedModel, framework: str, module: str = "model") -> str:
    """The text of a standalone ``framework`` (``"pennylane"`` or ``"qiskit"``) script.

    ``module`` is the script's module name, used in its usage notes. A model with a noise
    model simulates under it, and a circuit's channel operations are written as channels (see
    :mod:`qmlstudio.ml.export.noisy_scripts`).
    """
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {', '.join(FRAMEWORKS)}, got {framework!r}")
    code = None
    if _noisy(saved):
        code = noise_code(saved.circuit, saved.model.observables, _noise_model(saved), framework,
                          [_QISKIT_METHODS.get(op.gate, op.gate)
                           for op in saved.circuit.operations])
    if framework == "pennylane":
        imports = ["import pennylane as qml"]
    elif code is None:
        imports = ["from qiskit import QuantumCircuit",
                   "from qiskit.quantum_info import SparsePauliOp, Statevector"]
    else:
        imports = ["from qiskit import QuantumCircuit", *code.imports]
    classifier = saved.model.task == "classification"
    constants = _constants(saved) + (["", *code.constants] if code is not None else [])
    parts = [
        _docstring(saved, framework, module),
        "\n".join(["import csv", "import sys", "", "import numpy as np", *imports]),
        "\n".join(constants),
        "\n".join(_preprocess(saved)),
    ]
    if saved.amplitude_encoding:
        reorder = _QISKIT_REORDER if framework == "qiskit" else ""
        parts.append(_AMPLITUDES.replace("{reorder}", reorder))
    if code is None:
        parts.append("\n".join(_pennylane_circuit(saved) if framework == "pennylane"
                               else _qiskit_circuit(saved)))
    else:
        parts += code.functions
        parts.append("\n".join(_noisy_pennylane_circuit(saved, code)
                               if framework == "pennylane" else _build_circuit(saved, code)))
        if framework == "qiskit":
            parts.append(_NOISY_QISKIT_EXPECTATIONS)
    parts.append(_CLASSIFIER if classifier else _REGRESSOR)
    parts.append(_MAIN.replace("{body}", _MAIN_CLASSIFIER if classifier else _MAIN_REGRESSOR))
    head, body = "\n\n".join(parts[:3]), "\n\n\n".join(parts[3:])
    return f"{head}\n\n\n{body}\n"
