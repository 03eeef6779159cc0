"""What the circuit's outputs mean: :class:`ModelSpec` and the trained :class:`ReadoutParams`.

A model reads expectation values of ``observables`` (Pauli strings such as ``"Z0"`` or
``"Z0 Z1"``) and turns them into predictions:

* classification, readout ``"expval"``: one observable per class (or a single one for a
  binary task), each output ``scale[k] * <O_k> + bias[k]``, softmax over classes;
* classification, readout ``"parity"``: the observables are parity products (``"Z0 Z1"``)
  whose signs give the class;
* regression: one observable, prediction ``scale[0] * <O> + bias[0]``.

The output scale and bias are trained alongside the circuit weights but stored apart from them
(:class:`ReadoutParams`), so the circuit's weight indices stay exactly those of ``w(k)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from qmlstudio.core.circuit import MAX_QUBITS
from qmlstudio.core.errors import CircuitError, ProjectError
from qmlstudio.core.observables import parse_observable
from qmlstudio.core.project_fields import (
    as_tuple,
    check_choice,
    check_float,
    check_floats,
    check_text,
)

__all__ = ["READOUTS", "TASKS", "ModelSpec", "ReadoutParams"]

TASKS = ("classification", "regression")
READOUTS = ("expval", "parity")

Label = int | str
"""An original class label as it appears in the data (``"setosa"`` or ``1``)."""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """The task, the readout and the class labels (empty until the data set is known).

    Observables are kept in canonical text form (``"Z0 Z3"``); their wires are checked
    against the circuit by :class:`~qmlstudio.core.project.Project`.
    """

    task: str = "classification"
    readout: str = "expval"
    observables: tuple[str, ...] = ("Z0",)
    class_labels: tuple[Label, ...] = ()
    train_readout: bool = True

    def __post_init__(self) -> None:
        check_choice(self.task, "task", TASKS)
        check_choice(self.readout, "readout", READOUTS)
        texts = as_tuple(self.observables, "observables")
        if not texts:
            raise ProjectError("observables: a model reads at least one observable")
        canonical = []
        for i, text in enumerate(texts):
            check_text(text, f"observables[{i}]")
            try:
                canonical.append(parse_observable(text, MAX_QUBITS).text)
            except CircuitError as error:
                raise ProjectError(f"observables[{i}]: {error}") from None
        object.__setattr__(self, "observables", tuple(canonical))
        labels = as_tuple(self.class_labels, "class_labels")
        for i, label in enumerate(labels):
            if isinstance(label, bool) or not isinstance(label, int | str):
                raise ProjectError(f"class_labels[{i}]: expected an integer or text, "
                                   f"got {label!r}")
            if isinstance(label, str):
                check_text(label, f"class_labels[{i}]")
        if len(set(labels)) != len(labels):
            raise ProjectError(f"class_labels: labels repeat: {list(labels)}")
        object.__setattr__(self, "class_labels", labels)
        if not isinstance(self.train_readout, bool):
            raise ProjectError(f"train_readout: expected true or false, "
                               f"got {self.train_readout!r}")
        if self.task == "regression":
            self._check_regression()
        else:
            self._check_classification()

    def _check_regression(self) -> None:
        if self.readout != "expval":
            raise ProjectError("readout: a regressor reads an expectation value ('expval')")
        if len(self.observables) != 1:
            raise ProjectError(f"observables: a regressor reads one observable, "
                               f"got {len(self.observables)}")
        if self.class_labels:
            raise ProjectError("class_labels: a regressor has no classes")

    def _check_classification(self) -> None:
        n_classes = len(self.class_labels)
        if n_classes == 1:
            raise ProjectError("class_labels: a classifier needs at least two classes")
        n_obs = len(self.observables)
        allowed = (n_classes, 1) if n_classes == 2 else (n_classes,)
        if self.readout == "expval" and n_classes and n_obs not in allowed:
            raise ProjectError(f"observables: {n_obs} observables for {n_classes} classes; "
                               f"use one per class (or one for two classes)")

    @property
    def n_outputs(self) -> int:
        """Number of readout outputs (one per observable)."""
        return len(self.observables)


@dataclass(frozen=True, slots=True)
class ReadoutParams:
    """Trained output ``scale`` and ``bias``, one of each per readout output (empty: untrained)."""

    scale: tuple[float, ...] = ()
    bias: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", check_floats(self.scale, "scale"))
        object.__setattr__(self, "bias", check_floats(self.bias, "bias"))
        if len(self.scale) != len(self.bias):
            raise ProjectError(f"bias: {len(self.bias)} values for {len(self.scale)} scales")

    @classmethod
    def initial(cls, n_outputs: int, scale: float = 1.0) -> ReadoutParams:
        """Scale ``scale`` and bias 0 for each of ``n_outputs`` outputs."""
        value = check_float(scale, "scale")
        return cls((value,) * n_outputs, (0.0,) * n_outputs)
