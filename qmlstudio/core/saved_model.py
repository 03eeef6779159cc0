"""Everything a trained model needs for inference, as one immutable value: :class:`SavedModel`.

This is what a ``.qmodel`` file holds: the circuit, its trained weights, the readout (task,
observables, class labels, output scale and bias), the fitted preprocessing, the names of the
raw feature columns and whether the features are also amplitude-encoded into the initial
state. It is cut from a trained :class:`~qmlstudio.core.project.Project` and carries nothing of
the training itself (no data set, no optimizer, no history).

Invalid values raise :class:`ProjectError` whose message starts with the field's path
(``weights: 5 values but the circuit uses 6 weights``); the model file reader reports it as a
``ModelFileError`` at that JSON path.
"""

from __future__ import annotations

from dataclasses import dataclass

from qmlstudio.core.circuit import Circuit
from qmlstudio.core.errors import CircuitError, ProjectError
from qmlstudio.core.model_spec import ModelSpec, ReadoutParams
from qmlstudio.core.noise import NoiseModel
from qmlstudio.core.observables import parse_observable
from qmlstudio.core.preprocessing import Preprocessing
from qmlstudio.core.project_fields import (
    as_tuple,
    check_bool,
    check_floats,
    check_pairs,
    check_text,
)

__all__ = ["SavedModel"]


@dataclass(frozen=True, slots=True)
class SavedModel:
    """A trained model: circuit, weights, readout, fitted preprocessing and feature names.

    ``feature_names`` names the raw columns prediction takes, in order (so their count is the
    number of inputs). ``preprocessing.fitted`` must be set; its split settings are unused.
    ``amplitude_encoding`` means each preprocessed row is also written, normalised and
    zero-padded, into the amplitudes of the initial state. ``versions`` maps package names to
    the versions that trained the model, as sorted pairs. ``noise`` is the noise model it predicts
    under (None: ideal): the project's, which training used too unless it trained ideal
    (``training.with_noise`` false).
    """

    circuit: Circuit
    model: ModelSpec
    preprocessing: Preprocessing
    weights: tuple[float, ...]
    readout: ReadoutParams
    feature_names: tuple[str, ...]
    amplitude_encoding: bool = False
    name: str = ""
    versions: tuple[tuple[str, str], ...] = ()
    noise: NoiseModel | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if self.noise is not None and not isinstance(self.noise, NoiseModel):
            raise ProjectError(f"noise: expected a NoiseModel or None, got {self.noise!r}")
        for name, kind in (("circuit", Circuit), ("model", ModelSpec),
                           ("preprocessing", Preprocessing), ("readout", ReadoutParams)):
            if not isinstance(getattr(self, name), kind):
                raise ProjectError(f"{name}: expected a {kind.__name__}, "
                                   f"got {getattr(self, name)!r}")
        check_text(self.name, "name")
        weights = check_floats(self.weights, "weights")
        if len(weights) != self.circuit.n_weights:
            raise ProjectError(f"weights: {len(weights)} values but the circuit uses "
                               f"{self.circuit.n_weights} weights")
        set_(self, "weights", weights)
        names = as_tuple(self.feature_names, "feature_names")
        if not names:
            raise ProjectError("feature_names: a model reads at least one feature column")
        for i, name in enumerate(names):
            check_text(name, f"feature_names[{i}]")
        set_(self, "feature_names", names)
        check_bool(self.amplitude_encoding, "amplitude_encoding")
        versions = check_pairs(self.versions, "versions")
        for package, version in versions:
            check_text(version, f"versions.{package}")
        set_(self, "versions", versions)
        self._check_readout()
        self._check_inputs()

    def _check_readout(self) -> None:
        model = self.model
        for i, text in enumerate(model.observables):
            try:
                parse_observable(text, self.circuit.n_qubits)
            except CircuitError as error:
                raise ProjectError(f"model.observables[{i}]: {error}") from None
        if model.task == "classification" and not model.class_labels:
            raise ProjectError("model.class_labels: a classifier needs its class labels")
        if self.readout.is_empty:
            raise ProjectError(f"readout.scale: 0 values for {model.n_outputs} readout outputs")
        model.check_readout(self.readout)

    def _check_inputs(self) -> None:
        fitted = self.preprocessing.fitted
        if fitted is None:
            raise ProjectError("preprocessing.fitted: a saved model needs the fitted constants")
        n_in = len(self.feature_names)
        if fitted.n_inputs not in (0, n_in):
            raise ProjectError(f"preprocessing.fitted: fitted on {fitted.n_inputs} columns, "
                               f"but there are {n_in} feature names")
        n_out = self.n_encoded
        if self.circuit.n_features > n_out:
            raise ProjectError(f"circuit: reads {self.circuit.n_features} features (highest "
                               f"index used + 1), but preprocessing gives {n_out}")
        if self.amplitude_encoding and n_out > 1 << self.circuit.n_qubits:
            raise ProjectError(f"amplitude_encoding: {n_out} features do not fit in the "
                               f"{1 << self.circuit.n_qubits} amplitudes of "
                               f"{self.circuit.n_qubits} qubits")

    @property
    def n_features_in(self) -> int:
        """Number of raw feature columns prediction takes."""
        return len(self.feature_names)

    @property
    def n_encoded(self) -> int:
        """Number of features after preprocessing (what the circuit and encoding read)."""
        fitted = self.preprocessing.fitted
        return (fitted.n_outputs if fitted is not None else 0) or self.n_features_in
