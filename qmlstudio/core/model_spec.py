"""What the circuit's outputs mean: :class:`ModelSpec` and the trained :class:`ReadoutParams`.

A model reads expectation values of ``observables`` (Pauli strings such as ``"Z0"`` or
``"Z0 Z1"``) and turns them into predictions:

* classification, readout ``"expval"``: one observable per class (or a single one for a
  binary task), each output ``scale[k] * <O_k> + bias[k]``, softmax over classes;
* classification, readout ``"parity"``: the same, the observables being parity products
  of Z (``"Z0 Z1"``, the parity of the measured bits on those wires; other Pauli products
  are accepted, as they always were, so older files keep loading);
* readout ``"linear"``: any number K of observables (``"Z0" .. "Z3"``: every qubit) feed a
  trained linear layer, outputs ``W · <O> + b`` with ``W`` of shape (outputs, K): one output
  for a binary classifier or a regressor, one per class otherwise;
* regression (``"expval"`` or ``"parity"``): one observable, prediction
  ``scale[0] * <O> + bias[0]``.

The output scale (or the linear layer's weights) and bias are trained alongside the circuit
weights but stored apart from them (:class:`ReadoutParams`), so the circuit's weight indices
stay exactly those of ``w(k)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qmlstudio.core.circuit import MAX_QUBITS
from qmlstudio.core.errors import CircuitError, ProjectError
from qmlstudio.core.observables import parse_observable
from qmlstudio.core.project_fields import (
    as_tuple,
    check_bool,
    check_choice,
    check_float,
    check_floats,
    check_text,
)

__all__ = ["READOUTS", "TASKS", "ModelSpec", "ReadoutParams", "default_observables",
           "qubit_observables"]

TASKS = ("classification", "regression")
READOUTS = ("expval", "parity", "linear")

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
        check_bool(self.train_readout, "train_readout")
        if self.task == "regression":
            self._check_regression()
        else:
            self._check_classification()

    def _check_regression(self) -> None:
        if self.readout != "linear" and len(self.observables) != 1:
            raise ProjectError(f"observables: a regressor reads one observable (or any number "
                               f"through a 'linear' readout), got {len(self.observables)}")
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
                               f"use one per class (or one for two classes), or a 'linear' "
                               f"readout")

    @property
    def n_outputs(self) -> int:
        """Number of readout outputs: one per observable, except for a ``"linear"`` readout,
        which has one per class (one for two classes or unknown classes, and for a regressor)."""
        if self.readout != "linear":
            return len(self.observables)
        n_classes = len(self.class_labels) if self.task == "classification" else 0
        return n_classes if n_classes > 2 else 1

    def initial_readout(self) -> ReadoutParams:
        """The readout before training: scale 1 and bias 0 per output, or for a ``"linear"``
        readout the weights of an identity (output k reads observable k; the model starts as
        its ``"expval"`` counterpart) and bias 0."""
        n = self.n_outputs
        if self.readout != "linear":
            return ReadoutParams.initial(n)
        k = len(self.observables)
        weights = tuple(1.0 if row == col else 0.0 for row in range(n) for col in range(k))
        return ReadoutParams(bias=(0.0,) * n, weights=weights)

    def check_readout(self, readout: ReadoutParams) -> None:
        """Raise :class:`ProjectError` unless the trained ``readout`` fits this spec (an empty
        one, nothing trained, fits any)."""
        n = self.n_outputs
        if not readout.bias:
            return
        if self.readout != "linear":
            if readout.weights:
                raise ProjectError(f"readout.weights: only a 'linear' readout has a weight "
                                   f"matrix, this one is {self.readout!r}")
            if len(readout.scale) != n:
                raise ProjectError(f"readout.scale: {len(readout.scale)} values for {n} "
                                   f"readout outputs")
            return
        k = len(self.observables)
        if readout.scale or len(readout.bias) != n or len(readout.weights) != n * k:
            raise ProjectError(f"readout.weights: a linear readout of {k} observable(s) into "
                               f"{n} output(s) needs {n}x{k} weights and {n} bias(es), got "
                               f"{len(readout.weights)} weight(s), {len(readout.scale)} "
                               f"scale(s) and {len(readout.bias)} bias(es)")


@dataclass(frozen=True, slots=True)
class ReadoutParams:
    """Trained readout parameters (all empty: untrained).

    ``bias`` has one value per readout output. An ``"expval"`` or ``"parity"`` readout has one
    ``scale`` per output; a ``"linear"`` readout has no scales but ``weights``, its matrix
    (outputs × observables) row by row.
    """

    scale: tuple[float, ...] = ()
    bias: tuple[float, ...] = ()
    weights: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", check_floats(self.scale, "scale"))
        object.__setattr__(self, "bias", check_floats(self.bias, "bias"))
        object.__setattr__(self, "weights", check_floats(self.weights, "weights"))
        if self.weights:
            if self.scale:
                raise ProjectError("scale: a linear readout (weights) has no scales")
            if not self.bias or len(self.weights) % len(self.bias):
                raise ProjectError(f"weights: {len(self.weights)} values do not make rows "
                                   f"for {len(self.bias)} bias(es)")
        elif len(self.scale) != len(self.bias):
            raise ProjectError(f"bias: {len(self.bias)} values for {len(self.scale)} scales")

    @property
    def is_empty(self) -> bool:
        """True when nothing has been trained (no parameters at all)."""
        return not self.bias

    @classmethod
    def initial(cls, n_outputs: int, scale: float = 1.0) -> ReadoutParams:
        """Scale ``scale`` and bias 0 for each of ``n_outputs`` outputs."""
        value = check_float(scale, "scale")
        return cls((value,) * n_outputs, (0.0,) * n_outputs)


def default_observables(readout: str, task: str, n_classes: int,
                        n_qubits: int) -> tuple[str, ...]:
    """The observables a ``readout`` reads unless told otherwise, on ``n_qubits`` wires.

    ``"expval"``: ⟨Z_k⟩ of one qubit per output (``"Z0"`` for a binary classifier or a
    regressor, ``"Z0" .. "Z(C-1)"`` for C classes); ``"parity"``: the parity of all qubits
    (``"Z0 Z1 .. Z(n-1)"``) for a binary classifier or a regressor, and one qubit per class
    (a one-qubit parity) for more classes; ``"linear"``: ⟨Z⟩ of every qubit.
    """
    check_choice(readout, "readout", READOUTS)
    n_outputs = n_classes if task == "classification" and n_classes > 2 else 1
    if readout == "linear" or (readout == "parity" and n_outputs == 1):
        return qubit_observables(readout, range(n_qubits))
    return tuple(f"Z{k}" for k in range(n_outputs))


def qubit_observables(readout: str, qubits: Iterable[int]) -> tuple[str, ...]:
    """What ``readout`` reads on the chosen ``qubits``: their product of Z for ``"parity"``
    (``[0, 2]`` → ``("Z0 Z2",)``), else ⟨Z⟩ of each (``("Z0", "Z2")``)."""
    texts = tuple(f"Z{q}" for q in qubits)
    return (" ".join(texts),) if readout == "parity" and texts else texts
