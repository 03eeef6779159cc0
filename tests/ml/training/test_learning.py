"""Learning sanity: a 2-qubit classifier trained with Adam learns a linearly separable set,
while the same run on shuffled labels stays near chance (broken gradients cannot pass both)."""

import numpy as np

from qmlstudio.core import ModelSpec
from qmlstudio.ml.evaluation.metrics import accuracy
from qmlstudio.ml.models.quantum_model import QuantumModel
from qmlstudio.ml.models.templates import build_model_circuit, init_weights
from qmlstudio.ml.training.optimizers import Adam

RNG = np.random.default_rng(0)
X = RNG.uniform(0, np.pi, size=(80, 2))
Y = (X[:, 0] > X[:, 1]).astype(int)
MODEL = QuantumModel(build_model_circuit(2, 2, layers=2), ModelSpec(class_labels=(0, 1)))


def held_out_accuracy(y, steps=60):
    """Train on the first 40 samples (full batch), return accuracy on the other 40."""
    n = MODEL.circuit.n_weights
    params = np.r_[init_weights(n, "small", seed=1), MODEL.readout_vector(None)]
    optimizer = Adam(0.1)
    for _ in range(steps):
        _, dweights, dreadout = MODEL.loss_and_grad(X[:40], y[:40], params[:n], params[n:])
        params = optimizer.step(params, np.r_[dweights, dreadout])
    return accuracy(y[40:], MODEL.predict(X[40:], params[:n], params[n:]))


def test_learns_a_separable_set_but_not_shuffled_labels():
    majority = max(np.mean(Y[40:]), 1 - np.mean(Y[40:]))
    assert held_out_accuracy(Y) >= majority + 0.2
    shuffled = np.random.default_rng(0).permutation(Y)
    shuffled_majority = max(np.mean(shuffled[40:]), 1 - np.mean(shuffled[40:]))
    assert held_out_accuracy(shuffled) <= shuffled_majority + 0.1
