"""Exporting a trained project: :func:`export_project`.

Formats (``fmt``):

* ``"qmodel"`` — a ``.qmodel`` file for :func:`~qmlstudio.ml.export.model_file.load_model`;
* ``"qasm3"`` — the trained circuit as OpenQASM 3 with the weights written as numbers and the
  data features kept as inputs ``input float[64] x0;`` ... A comment block after the header
  says what the program does not: the inputs are the *preprocessed* features (with the
  constants), the observables read and how their values become predictions;
* ``"qasm2"`` — the same as OpenQASM 2.0, which has no inputs: a circuit that reads data
  features needs one sample to bind (``sample=``, a row of RAW features, preprocessed here);
  without it the export is refused with a message pointing to QASM 3. This is what a QASM 2
  device runs: one bound circuit per sample;
* ``"pennylane"`` / ``"qiskit"`` — a standalone Python script (see
  :mod:`qmlstudio.ml.export.scripts`); a model with a noise model (the project's, whether it
  trained with it or ideal) simulates under the same noise model there, and a circuit's channel
  operations (noise channels, ``reset``, a discarded ``measure``) are the same channels where
  they stand (PennyLane ``default.mixed``, Qiskit Aer's density-matrix method; see
  :mod:`qmlstudio.ml.export.noisy_scripts`).

OpenQASM cannot express an amplitude-encoded initial state: for such a model the program is
the trained circuit only, and its comment block says the state must be prepared first. It has
no noise instruction either: the QASM writer refuses a circuit holding noise channels (it
writes ``reset`` and a discarded ``measure``), and a project noise model is not in the program.
Every file is written atomically. Problems raise :class:`~qmlstudio.core.ModelFileError`
(or :class:`~qmlstudio.core.QasmError` from the QASM writer), naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from qmlstudio._version import __version__
from qmlstudio.core.errors import ModelFileError
from qmlstudio.core.project import Project
from qmlstudio.core.saved_model import SavedModel
from qmlstudio.core.wording import counted
from qmlstudio.io.atomic import atomic_write
from qmlstudio.io.qasm_export import to_qasm
from qmlstudio.ml.export.model_file import save_model
from qmlstudio.ml.export.scripts import python_script
from qmlstudio.ml.export.trained_model import TrainedModel, saved_model_of

__all__ = ["EXPORT_FORMATS", "export_project", "model_qasm"]

EXPORT_FORMATS = ("qmodel", "qasm3", "qasm2", "pennylane", "qiskit")


def _comment_block(saved: SavedModel, bound: bool) -> list[str]:
    pre, fitted, model = saved.preprocessing, saved.preprocessing.fitted, saved.model
    title = f"{saved.name}: a" if saved.name else "A"
    lines = [f"{title} trained QML Studio {__version__} {model.task} model; weights bound."]
    if saved.amplitude_encoding:
        lines.append("The initial state is NOT |0...0>: prepare the amplitude-encoded "
                     "preprocessed features")
        lines.append("(zero-padded, normalised; wire 0 is the most significant bit) first.")
    if bound:
        lines.append("Data features bound to one sample (preprocessed as below).")
    elif saved.circuit.n_features:
        lines.append("Inputs x0, x1, ... are the PREPROCESSED features of one sample.")
    lines.append(f"Raw features: {', '.join(saved.feature_names)}.")
    if fitted.pca_components:
        lines.append(f"PCA first: z = (raw - {list(fitted.pca_mean)}) @ C.T, "
                     f"C = {[list(row) for row in fitted.pca_components]}")
    if fitted.center:
        scaling = ("standardised" if pre.scaling == "standard" else
                   f"min-max to {list(pre.scale_range)}: lo*(1-u) + hi*u")
        z = "z" if fitted.pca_components else "raw"
        lines.append(f"Scaling ({scaling}): u = ({z} - {list(fitted.center)}) / "
                     f"{list(fitted.width)}")
    readout = saved.readout
    if readout.weights:
        k = len(model.observables)
        rows = [list(readout.weights[i:i + k]) for i in range(0, len(readout.weights), k)]
        lines.append(f"Readout: observables {list(model.observables)}; output k = "
                     f"sum_j W[k][j] * <O_j> + {list(readout.bias)}[k], W = {rows}.")
    else:
        lines.append(f"Readout: observables {list(model.observables)}; output k = "
                     f"{list(readout.scale)}[k] * <O_k> + {list(readout.bias)}[k].")
    if model.task == "classification":
        rule = ("logits (0, output 0)" if model.n_outputs == 1 else "logits = outputs")
        lines.append(f"Classes {list(model.class_labels)}: softmax of {rule}.")
    else:
        lines.append("Prediction: output 0.")
    # Names are free text: a line break would end the comment and start QASM code.
    return ["// " + "".join(c if c.isprintable() else " " for c in line) for line in lines]


def model_qasm(saved: SavedModel, version: int = 3, sample: object = None) -> str:
    """The trained circuit of ``saved`` as OpenQASM ``version`` text with its comment block.

    ``sample`` (one row of raw features) binds the data features; QASM 2 needs it when the
    circuit reads features.
    """
    circuit = saved.circuit
    x = None
    if sample is not None:
        x = TrainedModel(saved).preprocess([sample])[0][: circuit.n_features]
    elif version == 2 and circuit.n_features:
        raise ModelFileError(
            f"OpenQASM 2 has no inputs, and this model's circuit reads "
            f"{counted(circuit.n_features, 'data feature')}: export OpenQASM 3 (features "
            f"become 'input float[64] x0;' ...), "
            f"or bind one sample in Python with qmlstudio.ml.export.formats.export_project("
            f"project, 'qasm2', path, sample=raw_row)")
    text = to_qasm(circuit, version, weights=saved.weights, x=x)
    header, _, body = text.partition("\n")
    include, _, body = body.partition("\n")
    comments = "\n".join(_comment_block(saved, x is not None))
    return f"{header}\n{include}\n{comments}\n{body}"


def export_project(project: Project, fmt: str, path: str | os.PathLike,
                   sample: object = None) -> None:
    """Write the trained ``project`` to ``path`` in format ``fmt`` (see the module docstring).

    ``sample`` (a row of raw features) binds the data features of a QASM export. Raises
    :class:`ModelFileError` for an unknown format, an untrained project or a file that cannot
    be written.
    """
    if fmt not in EXPORT_FORMATS:
        raise ModelFileError(f"unknown export format {fmt!r}; choose one of "
                             f"{', '.join(EXPORT_FORMATS)}")
    if sample is not None and fmt not in ("qasm3", "qasm2"):
        raise ModelFileError(f"sample= binds the features of a QASM export, not of {fmt!r}")
    path = os.fspath(path)
    if fmt == "qmodel":
        save_model(project, path)
        return
    saved = saved_model_of(project)
    if fmt in ("qasm3", "qasm2"):
        atomic_write(path, model_qasm(saved, int(fmt[-1]), sample), ModelFileError)
        return
    module = Path(path).stem if Path(path).stem.isidentifier() else "model"
    atomic_write(path, python_script(saved, fmt, module), ModelFileError)
