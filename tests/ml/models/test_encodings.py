"""Amplitude encoding: normalised, zero-padded initial states the engine accepts."""

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import Circuit, DatasetError
from qmlstudio.ml.models.encodings import amplitude_qubits, amplitude_states


def test_rows_are_normalised_and_zero_padded():
    X = np.array([[3.0, 4.0, 0.0], [1.0, -1.0, 1.0]])
    states = amplitude_states(X, 2)
    assert states.shape == (2, 4) and states.dtype == np.complex128
    np.testing.assert_allclose(states[0], [0.6, 0.8, 0.0, 0.0])
    np.testing.assert_allclose(states[1], np.array([1, -1, 1, 0]) / np.sqrt(3))
    np.testing.assert_allclose(np.linalg.norm(states, axis=1), 1.0)


def test_statevector_from_the_prepared_state_is_that_state():
    rng = np.random.default_rng(5)
    row = rng.normal(size=6)
    state = amplitude_states(row[None, :], 3)[0]
    empty = Circuit(3)
    np.testing.assert_allclose(qs.statevector(empty, initial_state=state),
                               np.r_[row, 0, 0] / np.linalg.norm(row), atol=1e-14)
    # Wire 0 is the most significant bit: feature 4 (index 0b100) is the amplitude of |100>.
    z0 = qs.expval(empty, None, None, ["Z0"], initial_state=state)[0, 0]
    np.testing.assert_allclose(z0, (np.sum(row[:4] ** 2) - np.sum(row[4:] ** 2))
                               / np.sum(row**2), atol=1e-12)


def test_amplitude_qubits():
    assert [amplitude_qubits(f) for f in (1, 2, 3, 4, 5, 8, 9)] == [1, 1, 2, 2, 3, 3, 4]


@pytest.mark.parametrize("X, n_qubits, message", [
    (np.ones((2, 5)), 2, "5 features need at least 3 qubits"),
    (np.array([[1.0, 2.0], [0.0, 0.0]]), 1, "row 1 is all zeros"),
    (np.array([[1.0, np.nan]]), 1, "row 0, column 1 is nan"),
    (np.ones((2, 2, 2)), 2, "shape"),
    ([["a", "b"]], 1, "numeric"),
])
def test_bad_data_raises_dataset_error(X, n_qubits, message):
    with pytest.raises(DatasetError, match=message):
        amplitude_states(X, n_qubits)
