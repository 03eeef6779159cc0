"""A circuit plus its readout as a trainable model: :class:`QuantumModel`.

The engine gives expectation values ``E`` (B, K) of the model's K observables. The readout
maps them to outputs with a trainable matrix ``W`` (outputs × K) and bias ``b``,
``Z = E · Wᵀ + b``:

* readouts ``"expval"`` and ``"parity"``: ``W = diag(s)``, one trainable scale per observable
  (``Z_k = s_k·⟨O_k⟩ + b_k``); ``"parity"`` only says the observables are products of Z such as
  ``"Z0 Z1"``, whose sign is the parity of the measured bits;
* readout ``"linear"``: ``W`` is a full trained linear layer over any number of observables
  (``"Z0" .. "Z(n-1)"``: every qubit), one output for a binary classifier or a regressor, one
  per class otherwise.

The outputs become predictions the same way for every readout:

* binary classifier with one output: logits ``(0, Z_0)``, so ``P(class 1) = sigmoid(Z_0)`` — a
  positive expectation value leans to class 1 while its weight is positive;
* classifier with one output per class: logits ``Z``, probabilities ``softmax(Z)``;
* regressor: prediction ``Z_0``.

A loss of the outputs and its gradient take ONE engine :func:`~qmlstudio.engine.vjp` call: the
cotangent handed to the engine is a function of ``E`` that computes the loss, its gradient
``G = ∂L/∂Z`` and returns ``∂L/∂E = G · W`` (the engine's compiled
:func:`~qmlstudio.engine.readout_loss.readout_cotangent`, as every output and loss here); on
the way it records the readout gradients ``∂L/∂W = Gᵀ · E`` (its diagonal ``Σ_b G ⊙ E`` for
the scales) and ``∂L/∂b = Σ_b G``.

Readout parameters travel as :class:`~qmlstudio.core.ReadoutParams` or as a flat vector (what
optimizers work on): ``(s_1..s_K, b_1..b_K)``, or for ``"linear"`` the rows of ``W`` then
``b``; gradients come back as such a vector.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from qmlstudio.core import (
    Circuit,
    CircuitError,
    DatasetError,
    ModelSpec,
    Project,
    ProjectError,
    ReadoutParams,
    parse_observable,
)
from qmlstudio.core.noise import NoiseModel
from qmlstudio.core.wording import counted
from qmlstudio.engine import (
    DEFAULT_TRAJECTORIES,
    GRADIENT_METHODS,
    bind,
    density_expval,
    density_vjp,
    expval,
    noise_method_for,
    vjp,
)
from qmlstudio.engine.encoded_opening import opening_states, split_opening
from qmlstudio.engine.readout_loss import (
    BINARY,
    CLASSES,
    LOSS_CODES,
    REGRESSION,
    output_width,
    readout_cotangent,
    readout_outputs,
)
from qmlstudio.ml.data.validation import check_features
from qmlstudio.ml.models.encodings import amplitude_states
from qmlstudio.ml.models.losses import loss_function, softmax

__all__ = ["DEFAULT_LOSSES", "ModelInputs", "QuantumModel"]

DEFAULT_LOSSES = {"classification": "cross_entropy", "regression": "mse"}
"""The loss a model trains with when none is named."""

Readout = ReadoutParams | np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class ModelInputs:
    """Rows of data checked once by :meth:`QuantumModel.inputs`, for evaluating the model many
    times (a trainer's data parts and their mini-batches): the ``circuit`` the engine runs,
    the features it reads (C-contiguous, finite), its initial states (None: |0…0⟩) and the
    targets (None when not given).

    The circuit is the model's, or the model's after a weight-free entangling opening (an IQP
    encoding, a ZZ feature map): then the initial states are that opening's states of these
    rows, simulated once here rather than at every step (see
    :mod:`qmlstudio.engine.encoded_opening`). With amplitude encoding they are the encoded
    rows."""

    features: np.ndarray
    init: np.ndarray | None
    targets: np.ndarray | None
    circuit: Circuit

    def __len__(self) -> int:
        return len(self.features)

    def rows(self, index: np.ndarray) -> ModelInputs:
        """The rows ``index`` (an integer array), checked as these are: a mini-batch."""
        return ModelInputs(self.features[index],
                           None if self.init is None else self.init[index],
                           None if self.targets is None else self.targets[index], self.circuit)


@dataclass(frozen=True, slots=True)
class QuantumModel:
    """``circuit`` read out as ``spec`` describes, trained with ``loss``.

    ``method`` is the engine's gradient method, ``shots`` (``None``: exact) the number of
    measurements per expectation value (gradients with shots need ``"parameter-shift"``; the
    engine refuses the adjoint method with shots, while SPSA only evaluates losses). With
    ``amplitude_encoding`` each row of ``X`` is also written into the initial state (see
    :func:`~qmlstudio.ml.models.encodings.amplitude_states`). ``X`` may have more columns than the
    circuit reads; the circuit reads the first ``circuit.n_features``. Class targets are class
    indices ``0..n_classes−1`` in the order of ``spec.class_labels``.

    Under ``noise`` the circuit runs as ``noise_method`` says (``"auto"``: the exact density
    matrix up to its size limit, else ``trajectories`` Monte-Carlo trajectories per sample; see
    :mod:`qmlstudio.engine.density`), with ``shots`` measured through the model's readout
    errors and ``"parameter-shift"`` gradients on the density matrix.
    """

    circuit: Circuit
    spec: ModelSpec = field(default_factory=ModelSpec)
    loss: str = ""
    method: str = "adjoint"
    shots: int | None = None
    amplitude_encoding: bool = False
    noise: NoiseModel | None = None
    noise_method: str = "auto"
    trajectories: int = DEFAULT_TRAJECTORIES

    def __post_init__(self) -> None:
        if not isinstance(self.circuit, Circuit):
            raise CircuitError(f"expected a Circuit, got {type(self.circuit).__name__}")
        if not isinstance(self.spec, ModelSpec):
            raise ProjectError(f"model: expected a ModelSpec, got {self.spec!r}")
        for i, text in enumerate(self.spec.observables):
            try:
                parse_observable(text, self.circuit.n_qubits)
            except CircuitError as error:
                raise ProjectError(f"model.observables[{i}]: {error}") from None
        loss = self.loss or DEFAULT_LOSSES[self.spec.task]
        loss_function(loss, self.spec.task)
        object.__setattr__(self, "loss", loss)
        if self.method not in GRADIENT_METHODS:
            raise ProjectError(f"training.gradient_method: unknown {self.method!r}; choose one "
                               f"of {', '.join(GRADIENT_METHODS)}")
        if self.noise is not None and not isinstance(self.noise, NoiseModel):
            raise ProjectError(f"noise: expected a NoiseModel or None, got {self.noise!r}")
        try:
            noise_method_for(self.circuit.n_qubits, self.noise_method)
        except CircuitError as error:
            raise ProjectError(f"training.{error}") from None
        if self.noisy and self.amplitude_encoding:
            # The field to fix: the noise model, or the circuit's own channel operations.
            where = ("noise: the noisy simulator" if self.noise is not None
                     and not self.noise.is_ideal else
                     "circuit: it holds channel operations, and the noisy simulator")
            raise ProjectError(f"{where} starts every circuit in |0…0⟩; it cannot use "
                               f"amplitude encoding (choose the ideal simulator, or a gate "
                               f"encoding)")
        k, c = self.n_outputs, self.n_classes
        if self.is_classifier and k != c and not (k == 1 and c == 2):
            raise ProjectError(f"model.observables: {k} observables for {c} classes; use one "
                               f"per class (or one for two classes), or a 'linear' readout")

    @classmethod
    def from_project(cls, project: Project, amplitude_encoding: bool = False) -> QuantumModel:
        """The model ``project`` trains: its circuit, model spec, loss, gradient method, shots
        and training noise (:attr:`~qmlstudio.core.Project.training_noise`, with the way it is
        simulated)."""
        training = project.training
        return cls(project.circuit, project.model, training.loss, training.gradient_method,
                   training.shots, amplitude_encoding, project.training_noise,
                   training.noise_method, training.trajectories)

    @property
    def noisy(self) -> bool:
        """True when a noise model (not the ideal one) applies or the circuit holds channel
        operations: the density-matrix engine simulates the model."""
        return self.circuit.has_channels or (self.noise is not None
                                             and not self.noise.is_ideal)

    @property
    def noise_engine(self) -> str | None:
        """``"density"`` or ``"trajectories"``: how the noisy circuit runs (None: ideal)."""
        return noise_method_for(self.circuit.n_qubits, self.noise_method) if self.noisy else None

    @property
    def is_random(self) -> bool:
        """True when values are random draws (shots or trajectories): they take a seed."""
        return self.shots is not None or self.noise_engine == "trajectories"

    # -- shape facts -------------------------------------------------------------------------
    @property
    def is_classifier(self) -> bool:
        """True for a classification model."""
        return self.spec.task == "classification"

    @property
    def n_outputs(self) -> int:
        """Number of readout outputs (see :attr:`~qmlstudio.core.ModelSpec.n_outputs`)."""
        return self.spec.n_outputs

    @property
    def is_linear(self) -> bool:
        """True for a ``"linear"`` readout (a full weight matrix, not one scale per output)."""
        return self.spec.readout == "linear"

    @property
    def n_classes(self) -> int:
        """Number of classes (from the labels, else implied by the observables); 0 for a
        regressor."""
        if not self.is_classifier:
            return 0
        return len(self.spec.class_labels) or (2 if self.n_outputs == 1 else self.n_outputs)

    # -- readout parameters --------------------------------------------------------------------
    def initial_readout(self) -> ReadoutParams:
        """The untrained readout (see :meth:`~qmlstudio.core.ModelSpec.initial_readout`)."""
        return self.spec.initial_readout()

    def readout_vector(self, readout: Readout | None) -> np.ndarray:
        """``readout`` as the flat vector (scales or weight rows, then biases; empty or None:
        initial)."""
        if readout is None or (isinstance(readout, ReadoutParams) and readout.is_empty):
            readout = self.initial_readout()
        if isinstance(readout, ReadoutParams):
            self.spec.check_readout(readout)
            vector = np.array(readout.weights + readout.scale + readout.bias, dtype=float)
        else:
            vector = np.asarray(readout, dtype=float)
        n, k = self.n_outputs, len(self.spec.observables)
        size = n * (k + 1) if self.is_linear else 2 * n
        if vector.shape != (size,):
            what = (f"{n}x{k} weights and {counted(n, 'bias', 'biases')}" if self.is_linear
                    else f"{counted(n, 'scale')} and {counted(n, 'bias', 'biases')}")
            raise ProjectError(f"readout: expected {what}, got {counted(vector.size, 'value')}")
        return vector

    def readout_params(self, vector: np.ndarray) -> ReadoutParams:
        """The flat readout vector as :class:`ReadoutParams`."""
        vector = self.readout_vector(vector)
        n = self.n_outputs
        head, bias = tuple(vector[:-n].tolist()), tuple(vector[-n:].tolist())
        return ReadoutParams(bias=bias, weights=head) if self.is_linear else ReadoutParams(
            head, bias)

    # -- evaluation ------------------------------------------------------------------------------
    def inputs(self, X: object, y: object = None) -> ModelInputs:
        """``X`` (and the targets ``y``, if given) checked once, as every method checks them,
        for many evaluations by :meth:`batch_forward` and :meth:`batch_loss_and_grad`."""
        xs, init = self._inputs(X)
        targets = None if y is None else self._targets(y, len(xs))
        split = None if init is not None or self.noisy else split_opening(self.circuit, len(xs))
        if split is None:
            return ModelInputs(xs, init, targets, self.circuit)
        opening, rest = split
        return ModelInputs(np.ascontiguousarray(xs[:, :rest.n_features]),
                           opening_states(opening, xs), targets, rest)

    def expectations(self, X: object, weights: object, seed: object = None,
                     interrupt: Callable[[], bool] | None = None) -> np.ndarray:
        """The engine's expectation values ``(B, K)`` of the model's observables;
        ``interrupt`` is asked between groups of trajectories (see
        :func:`~qmlstudio.engine.density_expval`)."""
        return self._expectations(self.inputs(X), weights, seed, interrupt, trusted=False)

    def forward(self, X: object, weights: object, readout: Readout | None,
                seed: object = None, interrupt: Callable[[], bool] | None = None) -> np.ndarray:
        """Model outputs: logits ``(B, C)`` for a classifier, predictions ``(B,)`` for a
        regressor (``interrupt`` as :meth:`expectations` takes it)."""
        vector = self.readout_vector(readout)
        return self._forward(self.inputs(X), weights, vector, seed, interrupt, trusted=False)

    def batch_forward(self, inputs: ModelInputs, weights: np.ndarray, readout: np.ndarray,
                      seed: object = None, interrupt: Callable[[], bool] | None = None,
                      ) -> np.ndarray:
        """:meth:`forward` for a trainer: ``inputs`` from :meth:`inputs`, ``weights`` a float
        vector of the circuit's weights whose values are finite and ``readout`` a flat readout
        vector (:meth:`readout_vector`); none of them is checked again."""
        return self._forward(inputs, weights, readout, seed, interrupt, trusted=True)

    def predict_proba(self, X: object, weights: object, readout: Readout | None,
                      seed: object = None) -> np.ndarray:
        """Class probabilities ``(B, C)``, columns in class-index order."""
        if not self.is_classifier:
            raise ProjectError("model.task: class probabilities need a classifier")
        return softmax(self.forward(X, weights, readout, seed))

    def predict(self, X: object, weights: object, readout: Readout | None,
                seed: object = None) -> np.ndarray:
        """Predicted class indices (most probable class) or regression values ``(B,)``."""
        outputs = self.forward(X, weights, readout, seed)
        return np.argmax(outputs, axis=1) if self.is_classifier else outputs

    def loss_value(self, X: object, y: object, weights: object, readout: Readout | None,
                   seed: object = None) -> float:
        """The loss of a batch (one forward pass, no gradient: what SPSA needs)."""
        inputs = self.inputs(X, y)
        return self._evaluate(inputs, weights, self.readout_vector(readout), seed, None,
                              trusted=False)[1]

    def batch_evaluate(self, inputs: ModelInputs, weights: np.ndarray, readout: np.ndarray,
                       seed: object = None, interrupt: Callable[[], bool] | None = None,
                       ) -> tuple[np.ndarray, float]:
        """``(outputs, loss)`` of a batch with targets (one forward pass), for a trainer:
        arguments as :meth:`batch_forward` takes them."""
        return self._evaluate(inputs, weights, readout, seed, interrupt, trusted=True)

    def loss_and_grad(self, X: object, y: object, weights: object, readout: Readout | None,
                      seed: object = None, interrupt: Callable[[], bool] | None = None,
                      ) -> tuple[float, np.ndarray, np.ndarray]:
        """``(loss, ∂loss/∂weights, ∂loss/∂readout)`` of a batch from one engine call.

        ``interrupt`` is handed to the engine (see :func:`~qmlstudio.engine.vjp`).

        The readout gradient is a flat readout vector, all zeros when
        ``spec.train_readout`` is false (the readout stays fixed). A diverged batch (a loss or
        gradient that overflows to inf or NaN, e.g. after a far too large learning rate) is
        returned as that non-finite loss with NaN gradients, for the caller to stop on.
        """
        inputs = self.inputs(X, y)
        vector = self.readout_vector(readout)
        return self._loss_and_grad(inputs, weights, vector, seed, interrupt, trusted=False)

    def batch_loss_and_grad(self, inputs: ModelInputs, weights: np.ndarray,
                            readout: np.ndarray, seed: object = None,
                            interrupt: Callable[[], bool] | None = None,
                            ) -> tuple[float, np.ndarray, np.ndarray]:
        """:meth:`loss_and_grad` for a trainer: ``inputs`` from :meth:`inputs` with targets,
        the weights and readout vector as :meth:`batch_forward` takes them (not checked
        again)."""
        return self._loss_and_grad(inputs, weights, readout, seed, interrupt, trusted=True)

    # -- internals -----------------------------------------------------------------------------
    def _exact_engine(self, trusted: bool) -> bool:
        """True when a call may go straight to the engine's bound circuit (:func:`bind`):
        exact values of an ideal circuit, from arguments checked before (``trusted``)."""
        return trusted and self.shots is None and not self.noisy

    def _expectations(self, inputs: ModelInputs, weights: object, seed: object,
                      interrupt: Callable[[], bool] | None, trusted: bool) -> np.ndarray:
        xs, init, circuit = inputs.features, inputs.init, inputs.circuit
        if self._exact_engine(trusted):
            return bind(circuit, self.spec.observables).values(xs, weights, init)
        if self.noisy:
            return density_expval(circuit, xs, weights, self.spec.observables, self.noise,
                                  noise_method=self.noise_method,
                                  trajectories=self.trajectories, shots=self.shots, seed=seed,
                                  interrupt=interrupt)
        return expval(circuit, xs, weights, self.spec.observables, initial_state=init,
                      shots=self.shots, seed=seed)

    def _forward(self, inputs: ModelInputs, weights: object, vector: np.ndarray, seed: object,
                 interrupt: Callable[[], bool] | None, trusted: bool) -> np.ndarray:
        values = self._expectations(inputs, weights, seed, interrupt, trusted)
        head, bias = self._readout_parts(vector)
        outputs = self._output_array(len(values))
        readout_outputs(np.ascontiguousarray(values, dtype=float), head, bias, self.is_linear,
                        self.output_kind, outputs)
        return self._model_outputs(outputs)

    def _evaluate(self, inputs: ModelInputs, weights: object, vector: np.ndarray, seed: object,
                  interrupt: Callable[[], bool] | None, trusted: bool,
                  ) -> tuple[np.ndarray, float]:
        """Outputs and loss from one kernel call (its cotangent and readout gradient unused:
        one compiled kernel for both the steps and the measurements of a training run)."""
        values = np.ascontiguousarray(
            self._expectations(inputs, weights, seed, interrupt, trusted), dtype=float)
        head, bias = self._readout_parts(vector)
        outputs = self._output_array(len(values))
        loss = readout_cotangent(values, head, bias, self.is_linear, self.output_kind,
                                 self.loss_code, np.asarray(inputs.targets, dtype=float),
                                 outputs, np.empty_like(outputs), np.empty_like(values),
                                 np.empty(len(head) + len(bias)))
        return self._model_outputs(outputs), loss

    def _loss_and_grad(self, inputs: ModelInputs, weights: object, vector: np.ndarray,
                       seed: object, interrupt: Callable[[], bool] | None, trusted: bool,
                       ) -> tuple[float, np.ndarray, np.ndarray]:
        xs, init, circuit = inputs.features, inputs.init, inputs.circuit
        targets = np.asarray(inputs.targets, dtype=float)
        head, bias = self._readout_parts(vector)
        outputs = self._output_array(len(xs))
        grad_outputs = np.empty_like(outputs)
        dreadout = np.empty(len(head) + len(bias))
        found: dict[str, object] = {}

        def cotangent(values: np.ndarray) -> np.ndarray:
            values = np.ascontiguousarray(values, dtype=float)
            cot = np.empty_like(values)
            loss = readout_cotangent(values, head, bias, self.is_linear, self.output_kind,
                                     self.loss_code, targets, outputs, grad_outputs, cot,
                                     dreadout)
            found["loss"] = loss
            if not (math.isfinite(loss) and np.isfinite(cot).all()):
                # The engine refuses a non-finite cotangent; there is no gradient to take.
                found["diverged"] = True
                return np.zeros_like(cot)
            return cot

        if self._exact_engine(trusted) and self.method == "adjoint":
            _, dweights = bind(circuit, self.spec.observables).vjp(xs, weights, cotangent,
                                                                        init)
        elif self.noisy:
            _, dweights = density_vjp(circuit, xs, weights, self.spec.observables,
                                      self.noise, cotangent, method=self.method,
                                      noise_method=self.noise_method,
                                      trajectories=self.trajectories, shots=self.shots,
                                      seed=seed, interrupt=interrupt)
        else:
            _, dweights = vjp(circuit, xs, weights, self.spec.observables, cotangent,
                              method=self.method, initial_state=init, shots=self.shots,
                              seed=seed, interrupt=interrupt)
        if not self.spec.train_readout:
            dreadout = np.zeros_like(vector)
        if found.get("diverged"):
            dweights, dreadout = np.full_like(dweights, np.nan), np.full_like(vector, np.nan)
        return float(found["loss"]), dweights, dreadout

    @property
    def output_kind(self) -> int:
        """The kind of outputs (:data:`~qmlstudio.engine.readout_loss.BINARY`, ``CLASSES`` or
        ``REGRESSION``): the logits ``(0, Z_0)`` of one output for two classes, the logits
        of every output, or a regressor's prediction."""
        if not self.is_classifier:
            return REGRESSION
        return BINARY if self.n_outputs == 1 else CLASSES

    @property
    def loss_code(self) -> int:
        """The engine's code of the model's loss (see :mod:`qmlstudio.engine.readout_loss`)."""
        return LOSS_CODES[self.spec.task, self.loss]

    def _readout_parts(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The readout vector as its head (scales, or the (outputs × observables) matrix row
        by row) and its biases, contiguous for the engine."""
        vector = np.ascontiguousarray(vector, dtype=float)
        n = self.n_outputs
        return vector[:-n], vector[-n:]

    def _model_outputs(self, outputs: np.ndarray) -> np.ndarray:
        """The kernels' outputs as the model returns them: a regressor's column as a vector."""
        return outputs[:, 0] if self.output_kind == REGRESSION else outputs

    def _output_array(self, n_samples: int) -> np.ndarray:
        """An empty array for the outputs of ``n_samples`` samples (a regressor's as a
        column)."""
        return np.empty((n_samples, output_width(self.output_kind, self.n_outputs)))

    def _inputs(self, X: object) -> tuple[np.ndarray, np.ndarray | None]:
        data = check_features(X, "X")
        n = self.circuit.n_features
        if data.shape[1] < n:
            raise DatasetError(f"the circuit reads {counted(n, 'feature')} (highest index used "
                               f"+ 1), but X has {counted(data.shape[1], 'column')}")
        init = amplitude_states(data, self.circuit.n_qubits) if self.amplitude_encoding else None
        return np.ascontiguousarray(data[:, :n]), init

    def _targets(self, y: object, n_samples: int) -> np.ndarray:
        values = np.asarray(y)
        if values.shape != (n_samples,):
            raise DatasetError(f"y must have one value per sample, shape ({n_samples},), "
                               f"got {values.shape}")
        try:
            numbers = values.astype(float)
        except (TypeError, ValueError):
            raise DatasetError("y must be numeric (class indices or target values)") from None
        bad = np.flatnonzero(~np.isfinite(numbers))
        if len(bad):
            raise DatasetError(f"y[{bad[0]}] is {numbers[bad[0]]}; targets must be finite")
        if not self.is_classifier:
            return numbers
        c = self.n_classes
        bad = np.flatnonzero((numbers != np.round(numbers)) | (numbers < 0) | (numbers >= c))
        if len(bad):
            raise DatasetError(f"y[{bad[0]}] is {numbers[bad[0]]:g}; class indices must be "
                               f"integers 0..{c - 1}")
        return numbers.astype(np.int64)
