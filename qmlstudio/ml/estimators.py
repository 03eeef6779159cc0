"""scikit-learn estimators: :class:`QNNClassifier` and :class:`QNNRegressor`.

They are genuine scikit-learn estimators (``BaseEstimator`` with ``ClassifierMixin`` or
``RegressorMixin``): the constructor only stores its arguments (checked when fitting),
``get_params``/``set_params``, ``clone``, pipelines, grid searches and cross-validation work,
input is checked by scikit-learn's ``validate_data`` (its messages, raised as
:class:`~qmlstudio.core.DatasetError`), an unfitted estimator raises
:class:`sklearn.exceptions.NotFittedError`, and everything learnt ends in ``_``
(``classes_``, ``n_features_in_``, ``feature_names_in_`` for a DataFrame, ``project_``,
``history_``, ``model_``). They pass ``sklearn.utils.estimator_checks`` (see
``tests/ml/test_sklearn_checks.py``).

``fit(X, y)`` trains one of three circuits:

* by default, :func:`~qmlstudio.ml.models.templates.build_model_circuit` (``encoding``,
  ``ansatz``, ``layers``, ``reuploading`` on ``n_qubits`` qubits);
* with ``model`` naming a preset of :data:`~qmlstudio.ml.models.presets.PRESETS`
  (``"reuploading"``, ``"circuit_centric"``, ``"iqp"``, ``"dressed"``), that model family's
  circuit with ``layers`` layers on ``n_qubits`` qubits (``None``: the preset's default);
* with ``circuit=`` (a :class:`~qmlstudio.core.Circuit`, e.g. a project's), that circuit
  (``n_qubits``, ``encoding``, ``ansatz``, ``layers`` and ``reuploading`` are then ignored).

``separable=True`` drops every two-qubit gate of the circuit (does entanglement help?). The
circuit is wrapped in a :class:`~qmlstudio.core.Project` whose data set is ``X, y`` embedded as
a table, and trained with the same :class:`~qmlstudio.ml.training.trainer.Trainer` as the
studio. ``project_`` is that trained project: save it with
:func:`~qmlstudio.io.save_project` or export it like any other.

``random_state`` seeds the weights, the mini-batch order and the validation split: an integer
gives the same model on every fit (so ``clone`` + refit reproduces it); ``None`` draws a fresh
seed per fit, and a :class:`numpy.random.RandomState` is drawn from (scikit-learn's meaning).

``validation_fraction`` sets rows aside exactly as a project's
``preprocessing.validation_fraction`` does (stratified for classes, seeded by
``random_state``): they are measured every epoch (``val_*`` in ``history_``) and are what
``early_stopping_patience`` and the best-weight restore judge by; without them those watch the
training rows. The fitted project has no test part: hold out your own test data.

``history_`` holds per epoch the mean loss of its mini-batches (``batch_loss``, as
scikit-learn's ``loss_curve_``) and gradient norm (``grad_norm``), the validation rows'
values, and the training rows' values (``train_*``) in the last epoch's record — also in every
epoch's with ``early_stopping_patience`` and no validation rows, or with
``measure_every_epoch=True``, which measures them at every epoch's end for a learning curve
(a forward pass over the training rows per epoch: about a quarter of a small model's fit).

``threads`` is how many threads the simulator uses for this estimator's fitting and
prediction: ``None`` (the default) keeps the caller's choice (an enclosing
:func:`~qmlstudio.engine.using_threads` block), else chooses per engine call from the
circuit's work and the cores other programs leave free; a positive integer is used as given
(capped by ``NUMBA_NUM_THREADS``). The numbers are the same whatever the count.

``noise`` (a :class:`~qmlstudio.core.noise.NoiseModel`, None: ideal) trains and predicts under
that noise model, simulated as ``noise_method`` says: ``"auto"`` (default) the exact density
matrix up to its size limit and Monte-Carlo trajectories (``trajectories`` per sample, seeded
by ``random_state``) above it, or either by name; ``shots`` are measured through the model's
readout errors and ``gradient_method="parameter-shift"`` runs on the density matrix (not with
amplitude encoding). ``noise_robustness(X, y, ...)`` scores the fitted model under a range
of noise strengths without retraining (see :mod:`qmlstudio.ml.evaluation.robustness`).

Prediction goes through :class:`~qmlstudio.ml.export.trained_model.TrainedModel` (``model_``), the
same code a saved ``.qmodel`` predicts with: exact expectation values, also for a model
trained with ``shots``, so predictions are deterministic.

The readout (``readout=``, ``observables=``; see :class:`~qmlstudio.core.ModelSpec`);
``readout=None`` (the default) is the preset's readout (see
:func:`~qmlstudio.ml.models.presets.build_preset`), or ``"expval"`` without one, and
``weight_init=None`` likewise the preset's initialisation, or ``"uniform"``:

* ``"expval"``: a classifier with two classes reads ``<Z0>``; with ``C > 2``
  classes it reads ``<Z0>..<Z(C-1)>``, one qubit per class; a regressor reads ``<Z0>``; each
  with a trained scale and bias;
* ``"parity"``: the product of Z over the chosen qubits (by default all of them);
* ``"linear"``: a trained linear layer over ``<Z>`` of the chosen qubits (by default all of
  them), one output for two classes or a regressor, one per class otherwise.

``observables`` chooses what is read: ``None`` (the readout's default), ``"all"`` (every
qubit), qubit numbers (``[0, 2]``: ``<Z0>`` and ``<Z2>``, or for ``"parity"`` the product
``Z0 Z2``) or Pauli strings (``["Z0", "Z1 Z2"]``). ``n_qubits=None`` uses one qubit per feature
(for amplitude encoding, the fewest that hold the features), and for ``"expval"`` or
``"parity"`` at least one per class.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from qmlstudio.core import (
    Circuit,
    DatasetError,
    DatasetSpec,
    ModelSpec,
    Preprocessing,
    Project,
    ProjectError,
    TrainingConfig,
)
from qmlstudio.core.dataset_spec import MAX_EMBEDDED_CELLS
from qmlstudio.core.model_spec import READOUTS, default_observables, qubit_observables
from qmlstudio.core.noise import NoiseModel
from qmlstudio.core.training_config import DEFAULT_TRAJECTORIES
from qmlstudio.core.wording import counted
from qmlstudio.engine import using_threads
from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.data.validation import estimator_data
from qmlstudio.ml.evaluation.robustness import (
    DEFAULT_STRENGTHS,
    NoiseRobustness,
    noise_robustness,
)
from qmlstudio.ml.export.trained_model import TrainedModel
from qmlstudio.ml.models.encodings import amplitude_qubits
from qmlstudio.ml.models.presets import build_preset, separable_circuit
from qmlstudio.ml.models.quantum_model import DEFAULT_LOSSES
from qmlstudio.ml.models.templates import build_model_circuit
from qmlstudio.ml.training.trainer import Trainer

__all__ = ["QNNClassifier", "QNNRegressor"]


def _label(value: object) -> int | str:
    """An original class label as a project stores it (an integer or a text)."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return int(value) if float(value).is_integer() else repr(float(value))
    return str(value)


def _seed(random_state: object) -> int:
    """The training seed of one fit: an integer ``random_state`` itself (so a refit, or a
    clone's fit, is the same run), else a draw from scikit-learn's ``check_random_state``
    (``None``: a fresh seed each fit; a ``RandomState``: its next number)."""
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return int(random_state)
    return int(check_random_state(random_state).randint(2**31 - 1))


class _QNNEstimator(BaseEstimator):
    """Parameters, fitting and prediction shared by the classifier and the regressor."""

    _task: ClassVar[str]

    def __init__(self, n_qubits: int | None = None, layers: int = 2, encoding: str = "angle",
                 ansatz: str = "strongly_entangling", reuploading: bool = False,
                 optimizer: str = "adam", learning_rate: float = 0.05, epochs: int = 30,
                 batch_size: int = 16, loss: str | None = None, weight_init: str | None = None,
                 gradient_method: str = "adjoint", shots: int | None = None,
                 scaling: str = "minmax", validation_fraction: float = 0.0,
                 early_stopping_patience: int | None = None, readout: str | None = None,
                 observables: object = None, random_state: object = 0,
                 model: str | None = None, separable: bool = False,
                 circuit: Circuit | None = None, threads: int | None = None,
                 noise: NoiseModel | None = None, noise_method: str = "auto",
                 trajectories: int = DEFAULT_TRAJECTORIES,
                 measure_every_epoch: bool = False) -> None:
        self.n_qubits = n_qubits
        self.layers = layers
        self.encoding = encoding
        self.ansatz = ansatz
        self.reuploading = reuploading
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.loss = loss
        self.weight_init = weight_init
        self.gradient_method = gradient_method
        self.shots = shots
        self.scaling = scaling
        self.validation_fraction = validation_fraction
        self.early_stopping_patience = early_stopping_patience
        self.readout = readout
        self.observables = observables
        self.random_state = random_state
        self.model = model
        self.separable = separable
        self.circuit = circuit
        self.threads = threads
        self.noise = noise
        self.noise_method = noise_method
        self.trajectories = trajectories
        self.measure_every_epoch = measure_every_epoch

    # -- fitting -------------------------------------------------------------------------------
    def fit(self, X: object, y: object) -> _QNNEstimator:
        """Train on features ``X`` (samples, features) and targets ``y``; returns the
        estimator."""
        with using_threads(self.threads):  # checks the value before any work
            features, targets = estimator_data(self, X, y)
            dataset, cells, fitted = self._dataset(features, targets)
            project = self._project(dataset, cells)
            if not isinstance(self.measure_every_epoch, bool | np.bool_):
                raise ProjectError(f"measure_every_epoch: expected True or False, got "
                                   f"{self.measure_every_epoch!r}")
            trainer = Trainer(project, dataset=dataset,
                              measure_every_epoch=bool(self.measure_every_epoch))
            while not trainer.finished:
                trainer.next_epoch()
            for name, value in fitted.items():
                setattr(self, name, value)
            self.project_ = trainer.result_project()
            self.history_ = self.project_.history
            self.model_ = TrainedModel.from_project(self.project_, dataset.feature_names)
        return self

    def _dataset(self, X: np.ndarray, y: np.ndarray) -> tuple[Dataset, list, dict]:
        """The data set, its label cells as the embedded table stores them, and the fitted
        attributes the targets determine."""
        raise NotImplementedError

    def _project(self, dataset: Dataset, label_cells: list) -> Project:
        n_features = dataset.n_features
        if dataset.n_samples * (n_features + 1) > MAX_EMBEDDED_CELLS:
            raise DatasetError(f"{counted(dataset.n_samples, 'sample')} of "
                               f"{counted(n_features, 'feature')} are more than a project "
                               f"embeds ({MAX_EMBEDDED_CELLS} values); train a "
                               f"project on a CSV data set instead")
        if self.readout is not None and self.readout not in READOUTS:
            raise ProjectError(f"readout: must be one of {', '.join(map(repr, READOUTS))}, got "
                               f"{self.readout!r}")
        if not isinstance(self.separable, bool | np.bool_):
            raise ProjectError(f"separable: expected True or False, got {self.separable!r}")
        if self.circuit is not None and not isinstance(self.circuit, Circuit):
            raise ProjectError(f"circuit: expected a Circuit or None, got "
                               f"{type(self.circuit).__name__}")
        if self.circuit is not None and self.model is not None:
            raise ProjectError("circuit: give a circuit or a model preset, not both")
        if self.model is None:
            circuit, readout, observables, weight_init = self._default_model(dataset)
        else:
            circuit, readout, observables, weight_init = self._preset_model(dataset)
        if self.separable:
            circuit = separable_circuit(circuit)
        columns = (*(f"x{j}" for j in range(n_features)), "y")
        rows = tuple((*row, cell) for row, cell in zip(dataset.features.tolist(), label_cells,
                                                       strict=True))
        seed = _seed(self.random_state)
        model = ModelSpec(self._task, readout, observables, dataset.class_labels)
        training = TrainingConfig(
            self.optimizer, self.loss or DEFAULT_LOSSES[self._task], self.learning_rate,
            self.epochs, self.batch_size, seed, weight_init, self.gradient_method,
            self.shots, early_stopping_patience=self.early_stopping_patience,
            noise_method=self.noise_method, trajectories=self.trajectories)
        return Project(circuit, type(self).__name__,
                       DatasetSpec.embedded(columns, rows, "y"),
                       Preprocessing(self.scaling, test_fraction=0.0, split_seed=seed,
                                     validation_fraction=self.validation_fraction),
                       model, training, noise=self.noise)

    def _default_model(self, dataset: Dataset) -> tuple[Circuit, str, tuple[str, ...], str]:
        """Circuit, readout, observables and weight initialisation without a preset."""
        readout, n_features = self.readout or "expval", dataset.n_features
        # Without a linear layer, each class past two is read on a qubit of its own.
        n_outputs = dataset.n_classes if dataset.n_classes > 2 else 1
        per_class = readout != "linear" and self.observables is None
        n_qubits = self.n_qubits if self.circuit is None else self.circuit.n_qubits
        if n_qubits is None:
            needed = amplitude_qubits(n_features) if self.encoding == "amplitude" else n_features
            n_qubits = max(needed, n_outputs) if per_class else needed
        elif per_class and n_qubits < n_outputs:
            raise ProjectError(f"n_qubits: {dataset.n_classes} classes need one qubit each, "
                               f"got n_qubits={n_qubits}")
        circuit = self.circuit if self.circuit is not None else build_model_circuit(
            n_qubits, n_features, self.encoding, self.ansatz, self.layers, self.reuploading)
        return (circuit, readout, self._observables(readout, n_qubits, dataset.n_classes),
                self.weight_init or "uniform")

    def _preset_model(self, dataset: Dataset) -> tuple[Circuit, str, tuple[str, ...], str]:
        """Circuit, readout, observables and weight initialisation of the ``model`` preset
        (its own readout and observables unless ``readout``/``observables`` say otherwise)."""
        built = build_preset(self.model, dataset.n_features, self.n_qubits, self.layers,
                             self._task, dataset.n_classes)
        readout, n_qubits = self.readout or built.readout, built.circuit.n_qubits
        observables = built.observables if readout == built.readout and \
            self.observables is None else self._observables(readout, n_qubits,
                                                            dataset.n_classes)
        return built.circuit, readout, observables, self.weight_init or built.weight_init

    def _observables(self, readout: str, n_qubits: int, n_classes: int) -> tuple[str, ...]:
        """The observables the ``observables`` parameter names for ``readout`` (see the
        module docstring)."""
        chosen = self.observables
        if chosen is None:
            return default_observables(readout, self._task, n_classes, n_qubits)
        if isinstance(chosen, str):
            if chosen != "all":
                raise ProjectError(f"observables: {chosen!r} is not 'all'; give a list of "
                                   f"qubit numbers or Pauli strings")
            chosen = range(n_qubits)
        items = list(chosen)
        if items and all(isinstance(q, numbers.Integral) and not isinstance(q, bool)
                         for q in items):
            for q in items:
                if not 0 <= q < n_qubits:
                    raise ProjectError(f"observables: qubit {q} is not one of the {n_qubits} "
                                       f"qubits 0..{n_qubits - 1}")
            return qubit_observables(readout, items)
        if not items or not all(isinstance(text, str) for text in items):
            raise ProjectError(f"observables: expected None, 'all', qubit numbers or Pauli "
                               f"strings, got {chosen!r}")
        return tuple(items)

    # -- prediction ----------------------------------------------------------------------------
    def _checked(self, X: object) -> np.ndarray:
        """``X`` as features of a fitted estimator's shape (scikit-learn's checks and
        messages; :class:`~sklearn.exceptions.NotFittedError` before ``fit``)."""
        check_is_fitted(self, "project_")
        return estimator_data(self, X, reset=False)

    def _model_targets(self, y: object) -> np.ndarray:
        """``y`` as the targets ``model_`` scores against."""
        return np.asarray(y)

    def noise_robustness(self, X: object, y: object, noise: NoiseModel | str | None = None,
                         strengths: Sequence[float] = DEFAULT_STRENGTHS) -> NoiseRobustness:
        """Score the fitted model on ``X``, ``y`` under each noise strength, without
        retraining: the table of :func:`~qmlstudio.ml.evaluation.robustness.noise_robustness`
        (``noise=None`` scales the ``noise`` the estimator was fitted with; an ideal estimator
        needs a noise model, or ``"depolarizing"`` to sweep a depolarizing ``p``)."""
        features = self._checked(X)
        with using_threads(self.threads):
            return noise_robustness(self.model_, features, self._model_targets(y), noise,
                                    strengths)


class QNNClassifier(ClassifierMixin, _QNNEstimator):
    """A variational quantum classifier (see the module docstring).

    Fitted attributes: ``classes_`` (the sorted original labels; ``predict_proba`` columns
    follow them), ``n_features_in_``, ``project_`` (the trained project), ``history_`` and
    ``model_`` (its :class:`~qmlstudio.ml.export.trained_model.TrainedModel`). ``score`` is
    the accuracy (scikit-learn's ``ClassifierMixin``).
    """

    _task = "classification"

    def _dataset(self, X: np.ndarray, y: np.ndarray) -> tuple[Dataset, list, dict]:
        try:
            check_classification_targets(y)
        except ValueError as error:
            raise DatasetError(f"{type(self).__name__}: {error}") from None
        classes, indices = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise DatasetError(f"y has 1 class {classes.tolist()!r}; a classifier needs at "
                               f"least two")
        labels = tuple(_label(value) for value in classes)
        if len(set(labels)) != len(labels):
            raise DatasetError(f"class labels {classes.tolist()!r} are not distinct as "
                               f"integers or texts")
        dataset = Dataset(X, indices.astype(np.int64), "classification", labels)
        return dataset, [labels[k] for k in indices], {"classes_": classes}

    def _model_targets(self, y: object) -> np.ndarray:
        """Original labels as ``model_``'s class labels (the project stores integers and
        texts: ``True`` becomes ``"True"``, ``2.0`` becomes ``2``)."""
        labels = np.asarray(y)
        codes = np.searchsorted(self.classes_, labels) if labels.ndim == 1 else None
        if codes is None or (codes >= len(self.classes_)).any() or \
                (self.classes_[np.minimum(codes, len(self.classes_) - 1)] != labels).any():
            raise DatasetError(f"y: expected labels among the fitted classes "
                               f"{self.classes_.tolist()!r}, one per row")
        return self.model_.classes_[codes]

    def predict_proba(self, X: object) -> np.ndarray:
        """Class probabilities ``(samples, classes)``, columns in the order of ``classes_``."""
        features = self._checked(X)
        with using_threads(self.threads):
            return self.model_.predict_proba(features)

    def predict(self, X: object) -> np.ndarray:
        """The most probable class of each sample, as an original label (``classes_`` keeps
        the labels' own type, which the project's integer-or-text labels may not)."""
        probabilities = self.predict_proba(X)
        return self.classes_[np.argmax(probabilities, axis=1)]


class QNNRegressor(RegressorMixin, _QNNEstimator):
    """A variational quantum regressor: by default ``scale·<Z0> + bias`` (see the module
    docstring for the other readouts).

    Fitted attributes: ``n_features_in_``, ``project_`` (the trained project), ``history_``
    and ``model_`` (its :class:`~qmlstudio.ml.export.trained_model.TrainedModel`). ``score``
    is R² (scikit-learn's ``RegressorMixin``).
    """

    _task = "regression"

    def _dataset(self, X: np.ndarray, y: np.ndarray) -> tuple[Dataset, list, dict]:
        try:
            targets = y.astype(float)
        except (TypeError, ValueError):
            raise DatasetError("y must be numeric for a regressor") from None
        return Dataset(X, targets, "regression"), targets.tolist(), {}

    def predict(self, X: object) -> np.ndarray:
        """Predicted values ``(samples,)``."""
        features = self._checked(X)
        with using_threads(self.threads):
            return self.model_.predict(features)
