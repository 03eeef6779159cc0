"""A weight-free entangling opening simulated once per row (``engine/encoded_opening.py``):
which circuits are split, the opening's states against the dense reference, and a model whose
inputs carry those states giving the whole circuit's values and gradients (the dense
reference and its finite differences)."""

import numpy as np
import pytest

from qmlstudio.core import Circuit, ModelSpec, w, x
from qmlstudio.engine import encoded_opening, vjp
from qmlstudio.engine.encoded_opening import opening_states, split_opening
from qmlstudio.ml.models.encodings import iqp_encoding, zz_feature_map
from qmlstudio.ml.models.quantum_model import QuantumModel
from tests.reference.dense import dense_expval, simulate

N = 4
ENCODINGS = {"IQP": lambda c: iqp_encoding(c, reps=2), "ZZ feature map": zz_feature_map}


def model_circuit(encode, reupload: bool = False) -> Circuit:
    """An encoding, then a trained layer (reading a feature again if ``reupload``)."""
    circuit = encode(Circuit(N))
    for q in range(N):
        circuit = circuit.add("u3", q, w(3 * q), w(3 * q + 1), w(3 * q + 2))
        circuit = circuit.add("cx", [q, (q + 1) % N])
    return circuit.add("ry", 0, x(1) * w(3 * N)) if reupload else circuit


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_encoding_is_the_opening_and_its_states_are_the_dense_references(encoding):
    encoded = ENCODINGS[encoding](Circuit(N))
    opening, rest = split_opening(model_circuit(ENCODINGS[encoding]), 5)
    assert opening.operations == encoded.operations
    assert rest.operations[0].gate == "u3" and rest.n_weights == 3 * N
    X = np.random.default_rng(0).uniform(-1, 1, (5, N))
    states = opening_states(opening, X)
    for row, state in zip(X, states, strict=True):
        np.testing.assert_allclose(state, simulate(encoded, row), atol=1e-13)


def test_circuits_without_an_entangling_weight_free_opening_are_not_split():
    angle = Circuit(N).add("ry", 0, x(0)).add("rz", 1, x(1)).add("ry", 1, w(0)).add("cx", [0, 1])
    assert split_opening(angle, 5) is None  # the opening's gates are one-wire: a product
    assert split_opening(iqp_encoding(Circuit(N)), 5) is None  # nothing after it
    trained_first = Circuit(N).add("ry", 0, w(0)).add("rzz", [0, 1], x(0))
    assert split_opening(trained_first, 5) is None


def test_rows_whose_states_exceed_the_budget_are_not_split(monkeypatch):
    circuit = model_circuit(ENCODINGS["IQP"])
    assert split_opening(circuit, 10) is not None
    monkeypatch.setattr(encoded_opening, "OPENING_STATES_BUDGET", 10 * (16 << N) - 1)
    assert split_opening(circuit, 10) is None


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_models_inputs_run_the_rest_from_the_opening_states(encoding):
    circuit = model_circuit(ENCODINGS[encoding], reupload=True)
    observables = ("Z0", "Z1 Z2")
    model = QuantumModel(circuit, ModelSpec(observables=observables))
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (6, N))
    weights = rng.uniform(-np.pi, np.pi, circuit.n_weights)
    inputs = model.inputs(X)
    assert inputs.circuit.n_weights == circuit.n_weights
    assert len(inputs.circuit.operations) < len(circuit.operations)
    expected = dense_expval(circuit, X, weights, observables)
    np.testing.assert_allclose(model.expectations(X, weights), expected, atol=1e-12)
    cotangent = rng.normal(size=expected.shape)
    _, grad = vjp(inputs.circuit, inputs.features, weights, observables, cotangent,
                  initial_state=inputs.init)
    step = 1e-6
    for k in range(circuit.n_weights):
        shift = np.zeros_like(weights)
        shift[k] = step
        slope = (dense_expval(circuit, X, weights + shift, observables)
                 - dense_expval(circuit, X, weights - shift, observables)) / (2 * step)
        assert grad[k] == pytest.approx(np.sum(cotangent * slope), abs=1e-7)
