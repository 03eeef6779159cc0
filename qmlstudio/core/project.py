"""A whole project as one immutable value: :class:`Project`.

A project is a circuit plus everything needed to train it and to reproduce the training: the
data set reference, preprocessing, model/readout choice, training configuration, the trained
circuit weights and readout parameters (kept apart), the training history and the versions of
the software that trained it. Like :class:`~qmlstudio.core.circuit.Circuit` it is a value: edits
return new projects (``dataclasses.replace`` or the ``with_*`` methods), so an undo command only
keeps the old and the new project.

Invalid values raise :class:`ProjectError` whose message starts with the field's path
(``weights: 5 values but the circuit uses 6 weights``); an invalid circuit raises
:class:`CircuitError` when the circuit itself is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from importlib import metadata

from qmlstudio._version import __version__
from qmlstudio.core.circuit import Circuit
from qmlstudio.core.comparison import ComparisonResult
from qmlstudio.core.dataset_spec import DatasetSpec
from qmlstudio.core.errors import CircuitError, ProjectError
from qmlstudio.core.model_spec import ModelSpec, ReadoutParams
from qmlstudio.core.noise import NoiseModel
from qmlstudio.core.observables import parse_observable
from qmlstudio.core.preprocessing import Preprocessing
from qmlstudio.core.project_fields import check_floats, check_pairs, check_text
from qmlstudio.core.training_config import TrainingConfig, TrainingHistory

__all__ = ["Project", "software_versions"]

_CLASSIFICATION_ONLY = ("accuracy", "f1")


@dataclass(frozen=True, slots=True)
class Project:
    """Circuit, data, model, training configuration and trained state of one study.

    ``weights`` is empty until the project is trained; once present it holds exactly
    ``circuit.n_weights`` finite values. ``readout`` holds the trained readout parameters
    (or none; see :class:`~qmlstudio.core.ReadoutParams`). ``versions`` maps package names to
    the versions that produced the trained state (see :func:`software_versions`), stored as
    sorted pairs. ``comparison`` is the last quantum-vs-classical comparison (or None); it
    stays through edits and tells by its fingerprint whether it still describes the project.
    ``noise`` is the noise model the circuit is evaluated and exported under (None: an ideal
    quantum computer) and trained under unless ``training.with_noise`` is false (see
    :attr:`training_noise`).
    """

    circuit: Circuit
    name: str = ""
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    preprocessing: Preprocessing = field(default_factory=Preprocessing)
    model: ModelSpec = field(default_factory=ModelSpec)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    weights: tuple[float, ...] = ()
    readout: ReadoutParams = field(default_factory=ReadoutParams)
    history: TrainingHistory = field(default_factory=TrainingHistory)
    versions: tuple[tuple[str, str], ...] = ()
    comparison: ComparisonResult | None = None
    noise: NoiseModel | None = None

    def __post_init__(self) -> None:
        for name, kind in _SECTIONS:
            value = getattr(self, name)
            if not isinstance(value, kind):
                raise ProjectError(f"{name}: expected a {kind.__name__}, got {value!r}")
        check_text(self.name, "name")
        weights = check_floats(self.weights, "weights")
        if weights and len(weights) != self.circuit.n_weights:
            raise ProjectError(f"weights: {len(weights)} values but the circuit uses "
                               f"{self.circuit.n_weights} weights")
        object.__setattr__(self, "weights", weights)
        versions = check_pairs(self.versions, "versions")
        for package, version in versions:
            if not isinstance(version, str):
                raise ProjectError(f"versions.{package}: expected text, got {version!r}")
        object.__setattr__(self, "versions", versions)
        if self.comparison is not None and not isinstance(self.comparison, ComparisonResult):
            raise ProjectError(f"comparison: expected a ComparisonResult or None, got "
                               f"{self.comparison!r}")
        if self.noise is not None and not isinstance(self.noise, NoiseModel):
            raise ProjectError(f"noise: expected a NoiseModel or None, got {self.noise!r}")
        self._check_model()

    def _check_model(self) -> None:
        model, n_qubits = self.model, self.circuit.n_qubits
        for i, text in enumerate(model.observables):
            try:
                parse_observable(text, n_qubits)
            except CircuitError as error:
                raise ProjectError(f"model.observables[{i}]: {error}") from None
        model.check_readout(self.readout)
        loss, metric = self.training.loss, self.training.early_stopping_metric
        if model.task == "regression":
            if loss != "mse":
                raise ProjectError(f"training.loss: a regressor trains with 'mse', got {loss!r}")
            if metric in _CLASSIFICATION_ONLY:
                raise ProjectError(f"training.early_stopping_metric: {metric!r} needs a "
                                   f"classifier")
        elif metric == "r2":
            raise ProjectError("training.early_stopping_metric: 'r2' needs a regressor")

    @property
    def training_noise(self) -> NoiseModel | None:
        """The noise model training runs under: :attr:`noise`, or None (the ideal simulator)
        when the training settings choose ideal training or there is no noise model."""
        noise = self.noise
        if not self.training.with_noise or noise is None or noise.is_ideal:
            return None
        return noise

    @property
    def is_trained(self) -> bool:
        """True if the project holds trained circuit weights."""
        return bool(self.weights)

    def with_circuit(self, circuit: Circuit) -> Project:
        """A copy with ``circuit``, keeping the trained weights that still exist.

        Weights beyond the new circuit's count are dropped and new ones start at 0.0 (an
        identity-like angle), so editing a trained circuit never discards the training.
        """
        weights = self.weights
        if weights:
            n = circuit.n_weights
            weights = weights[:n] + (0.0,) * (n - len(weights))
        return replace(self, circuit=circuit, weights=weights)


_SECTIONS = (
    ("circuit", Circuit),
    ("dataset", DatasetSpec),
    ("preprocessing", Preprocessing),
    ("model", ModelSpec),
    ("training", TrainingConfig),
    ("readout", ReadoutParams),
    ("history", TrainingHistory),
)


@cache
def _installed_versions() -> tuple[tuple[str, str], ...]:
    # Reading package metadata takes milliseconds, and an estimator asks on every fit.
    versions = {"qmlstudio": __version__}
    for package in ("numpy", "numba"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return tuple(versions.items())


def software_versions() -> dict[str, str]:
    """The running versions of qmlstudio, numpy and numba (for ``Project.versions``).

    Read from the installed package metadata (once per process), so numba is not imported
    here.
    """
    return dict(_installed_versions())
