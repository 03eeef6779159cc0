"""Kept layers: the batch driver's backward pass takes a rotation layer's reduced matrices
from the states after the layer and picks up the kept input state instead of undoing ψ.
Checked against finite differences of the dense reference, against the undoing path (the
same call with no memory budget for kept states), and on which blocks form layers. Also the
per-sample set-up a vjp keeps between its two passes (in groups of chunks beyond its budget)."""

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import Circuit, w, x
from qmlstudio.engine import compile_program, simulate
from tests.engine.test_fusion import _check, _ladder
from tests.reference.dense import dense_expval


def test_rotation_layers_are_found():
    # The first layer is leading (part of the product state); the later ones are layers of
    # one block per wire. A feature block or a two-qubit block ends a layer.
    program = compile_program(_ladder(4, 3))
    runs = program.layer_runs
    assert program.n_layers == 2
    assert [int((runs == k).sum()) for k in range(2)] == [4, 4]
    mixed = (Circuit(3).add("h", 0).add("h", 1).add("h", 2).add("cz", [0, 1])
             .add("ry", 0, w(0)).add("ry", 1, w(1)).add("rx", 2, x(0))
             .add("cx", [2, 0]).add("ry", 0, w(2)).add("rz", 2, w(3)).add("crx", [1, 2], w(4))
             .add("ry", 1, w(5)))
    program = compile_program(mixed, fold_tail=False)
    kinds = program.arrays.op_kind
    in_layers = np.flatnonzero(program.layer_runs >= 0)
    assert program.n_layers >= 1 and len(in_layers) >= 2
    assert (program.arrays.op_fslot[in_layers] < 0).all()
    assert (kinds[in_layers] == kinds[in_layers[0]]).all()


@pytest.mark.parametrize("n_samples", [1, 5, 8, 19])
def test_kept_layers_give_the_reference_gradients(n_samples):
    rng = np.random.default_rng(n_samples)
    circuit = _ladder(4, 3)
    X = rng.uniform(0, np.pi, size=(n_samples, 4))
    ws = rng.normal(size=circuit.n_weights)
    _check(circuit, X, ws, ["Z0", "X1 Y2", "Z3"])


def test_kept_and_undone_layers_agree(monkeypatch):
    rng = np.random.default_rng(3)
    circuit = (_ladder(5, 4)
               .add("ry", 0, w(60)).add("h", 1).add("rz", 2, w(61)).add("cx", [0, 1]))
    X = rng.uniform(0, np.pi, size=(13, 5))
    ws = rng.normal(size=circuit.n_weights)
    cot = rng.normal(size=(13, 2))
    obs = ["Z0", "Y1 X4"]
    kept = qs.vjp(circuit, X, ws, obs, cot)[1]
    kept_fn = qs.vjp(circuit, X, ws, obs, lambda v: cot)[1]
    monkeypatch.setattr(simulate, "LAYER_STATES_BUDGET", 0)
    assert simulate.layer_states(compile_program(circuit), 13, True).shape[0] == 0
    undone = qs.vjp(circuit, X, ws, obs, cot)[1]
    np.testing.assert_allclose(kept, undone, atol=1e-12)
    np.testing.assert_array_equal(kept_fn, kept)


def test_from_initial_states_the_leading_rotations_form_a_layer_too(monkeypatch):
    # Amplitude encoding: the first rotations act on a given state, so they are a kept layer
    # whose costate the backward pass never undoes (nothing comes before it).
    circuit = Circuit(4)
    for layer in range(2):
        for q in range(4):
            circuit = circuit.add("u3", q, w(12 * layer + 3 * q), w(12 * layer + 3 * q + 1),
                                  w(12 * layer + 3 * q + 2))
        for q in range(4):
            circuit = circuit.add("cx", [q, (q + 1) % 4])
    circuit = circuit.add("ry", 0, w(24))
    program = compile_program(circuit)
    assert program.n_initial_layers == program.n_layers + 1
    assert (program.initial_layer_runs[:4] == 0).all() and (program.layer_runs[:4] < 0).all()
    rng = np.random.default_rng(7)
    states = rng.normal(size=(11, 16)) + 1j * rng.normal(size=(11, 16))
    states /= np.linalg.norm(states, axis=1, keepdims=True)
    ws = rng.normal(size=circuit.n_weights)
    cot = rng.normal(size=(11, 2))
    obs = ["Z0", "X1 Z3"]
    values, grad = qs.vjp(circuit, np.zeros((11, 0)), ws, obs, cot, initial_state=states)
    np.testing.assert_allclose(values, dense_expval(circuit, np.zeros((11, 0)), ws, obs,
                                                    initial_state=states), atol=1e-12)
    step = 1e-6
    for k in range(circuit.n_weights):
        shift = np.zeros_like(ws)
        shift[k] = step
        slope = (dense_expval(circuit, np.zeros((11, 0)), ws + shift, obs, initial_state=states)
                 - dense_expval(circuit, np.zeros((11, 0)), ws - shift, obs,
                                initial_state=states)) / (2 * step)
        assert grad[k] == pytest.approx(np.sum(cot * slope), abs=1e-7)
    monkeypatch.setattr(simulate, "LAYER_STATES_BUDGET", 0)  # every block undone instead
    undone = qs.vjp(circuit, np.zeros((11, 0)), ws, obs, cot, initial_state=states)[1]
    np.testing.assert_allclose(grad, undone, atol=1e-12)


def test_kept_layers_fit_the_budget():
    program = compile_program(_ladder(8, 4))
    kept = simulate.layer_states(program, 256, False)
    assert kept.shape == (32, program.n_layers, 2, 256 * 8)
    assert kept.nbytes <= simulate.LAYER_STATES_BUDGET
    # a vjp with a cotangent function keeps the final state too, in one more slot
    assert simulate.layer_states(program, 256, True).shape == (32, program.n_layers + 1, 2,
                                                                 256 * 8)
    # no layers: only the final state, or nothing
    plain = compile_program(Circuit(2).add("ry", 0, x(0)).add("cx", [0, 1]).add("ry", 1, w(0)))
    assert plain.n_layers == 0
    assert simulate.layer_states(plain, 5, True).shape == (1, 1, 2, 4 * 8)
    assert simulate.layer_states(plain, 5, False).shape[0] == 0
    # 14 qubits, 4096 samples: far over the budget, so nothing is kept
    assert simulate.layer_states(compile_program(_ladder(14, 4)), 4096, True).shape[0] == 0


def test_layers_stay_kept_when_the_final_state_does_not_fit_beside_them(monkeypatch):
    # A budget for the layers alone: they are kept, and the final states go to arrays of
    # their own; the gradient is that of the call with room for both.
    rng = np.random.default_rng(5)
    circuit = _ladder(4, 3)
    program = compile_program(circuit)
    X = rng.uniform(0, np.pi, size=(13, 4))
    ws = rng.normal(size=circuit.n_weights)
    cot = rng.normal(size=(13, 1))
    both = qs.vjp(circuit, X, ws, ["Z0"], cot)[1]
    layers_only = simulate.layer_states(program, 13, False).nbytes
    monkeypatch.setattr(simulate, "LAYER_STATES_BUDGET", layers_only)
    assert simulate.layer_states(program, 13, True).shape[1] == program.n_layers > 0
    np.testing.assert_array_equal(qs.vjp(circuit, X, ws, ["Z0"], cot)[1], both)


def test_a_thread_reuses_its_kept_layer_array_and_a_nested_call_makes_its_own():
    program = compile_program(_ladder(4, 3))
    first = simulate.layer_states(program, 9, False)
    nested = simulate.layer_states(program, 9, False)  # while ``first`` is in use
    assert nested is not first
    simulate._return_kept("layers", first)
    assert simulate.layer_states(program, 9, False) is first
    simulate._return_kept("layers", first)
    assert simulate.layer_states(program, 30, False) is not first  # another shape


def test_a_vjp_inside_a_cotangent_function_leaves_the_outer_call_right():
    rng = np.random.default_rng(4)
    circuit = _ladder(4, 3)
    X = rng.uniform(0, np.pi, size=(9, 4))
    ws = rng.normal(size=circuit.n_weights)
    cot = rng.normal(size=(9, 1))
    plain = qs.vjp(circuit, X, ws, ["Z0"], cot)[1]

    def nested_cotangent(values):
        # same shapes, other states and set-ups, both paths
        qs.vjp(circuit, X[::-1], ws + 1.0, ["Z1"], cot)
        qs.vjp(circuit, X[::-1], ws + 2.0, ["Z1"], lambda v: cot)
        return cot

    np.testing.assert_array_equal(qs.vjp(circuit, X, ws, ["Z0"], nested_cotangent)[1], plain)


def _reuploading(n, n_layers):
    """Feature blocks all through the circuit: each layer encodes every feature again
    (alone on some wires, then weights on the same wire on others), between entanglers."""
    c = Circuit(n)
    k = 0
    for layer in range(n_layers):
        for q in range(n):
            c = c.add("ry", q, x(q))
            if (q + layer) % 2:
                c = c.add("rz", q, w(k)).add("ry", q, w(k + 1))
                k += 2
        for q in range(n - 1):
            c = c.add("crx", [q, q + 1], w(k)) if layer % 2 else c.add("cx", [q, q + 1])
            k += layer % 2
    return c


@pytest.mark.parametrize("n_samples", [1, 6, 17])
def test_kept_set_ups_give_the_reference_gradients(n_samples, monkeypatch):
    # _check compares the cotangent function's path with the fixed one and with finite
    # differences (every chunk's set-up kept); then the same call with a budget for the
    # set-ups of one or two chunks only (the backward pass in groups of chunks) agrees.
    rng = np.random.default_rng(10 + n_samples)
    circuit = _reuploading(4, 3)
    X = rng.uniform(0, np.pi, size=(n_samples, 4))
    ws = rng.normal(size=circuit.n_weights)
    _check(circuit, X, ws, ["Z0", "X1 Z3"])
    cot = rng.normal(size=(n_samples, 2))
    _agrees_in_groups(monkeypatch, circuit, X, ws, ["Z0", "X1 Z3"], cot, n_samples, None, 1)


@pytest.mark.parametrize("threads", [1, 2])
def test_set_ups_in_groups_with_kept_layers_initial_states_and_threads(threads, monkeypatch):
    # 41 samples are six chunks: the parallel twins run both passes in groups; the ladder
    # keeps its rotation layers; a start state per sample replaces the product-state layer.
    rng = np.random.default_rng(3)
    circuit = _ladder(4, 3)
    X = rng.uniform(0, np.pi, size=(41, 4))
    ws = rng.normal(size=circuit.n_weights)
    init = rng.normal(size=(41, 16)) + 1j * rng.normal(size=(41, 16))
    init /= np.linalg.norm(init, axis=1, keepdims=True)
    assert compile_program(circuit).n_layers > 0
    cot = rng.normal(size=(41, 1))
    for start in (None, init):
        _agrees_in_groups(monkeypatch, circuit, X, ws, ["Z1"], cot, 41, start, threads)


def _agrees_in_groups(monkeypatch, circuit, X, ws, obs, cot, n_samples, init, threads):
    """The gradient with every set-up kept equals, bit for bit, the gradient with a budget
    for the set-ups of 0, 1 or 2 chunks (array and function cotangents), and the finite
    differences of the dense reference."""
    with qs.using_threads(threads):
        kept = qs.vjp(circuit, X, ws, obs, lambda v: cot, initial_state=init)[1]
    step = 1e-6
    for k in range(0, len(ws), max(1, len(ws) // 4)):
        shift = np.zeros_like(ws)
        shift[k] = step
        difference = (dense_expval(circuit, X, ws + shift, obs, init)
                      - dense_expval(circuit, X, ws - shift, obs, init)) / (2 * step)
        np.testing.assert_allclose(kept[k], np.sum(cot * difference), atol=1e-6)
    program = compile_program(circuit)
    row_bytes = simulate.kept_setups(program, n_samples)[0].nbytes
    for rows in (0, 1, 2):  # 17 samples are three chunks: groups of one, and of two then one
        monkeypatch.setattr(simulate, "SETUPS_BUDGET", rows * row_bytes)
        assert len(simulate.kept_setups(program, n_samples)) == min(
            max(rows, 1), simulate.chunks_for(n_samples))
        for cotangent in (cot, lambda v: cot):
            with qs.using_threads(threads):
                grad = qs.vjp(circuit, X, ws, obs, cotangent, initial_state=init)[1]
            np.testing.assert_array_equal(grad, kept)


def test_kept_set_ups_fit_the_budget():
    program = compile_program(_reuploading(4, 3))
    setups = simulate.kept_setups(program, 20)
    assert setups.shape[0] == 3 and setups.dtype == np.complex128  # chunks of 8 samples
    many = simulate.kept_setups(program, 1 << 20)  # far over the budget: the rows that fit
    assert 1 <= len(many) < simulate.chunks_for(1 << 20)
    assert many.nbytes <= simulate.SETUPS_BUDGET < many.nbytes + many[0].nbytes


@pytest.mark.parametrize("n_samples", [3, 8, 21])
def test_layers_with_fixed_blocks_odd_widths_and_rings_give_the_reference_gradients(
        n_samples):
    # Layers after a CNOT ring (λ alone goes back through it: the state before it is kept),
    # blocks with weights taken two per read (5 wires: one left over), a fixed block in a
    # layer (no gradient), the trainable phase gate (its generator has a trace) and
    # observables with X and Y factors (the costate and values read the lanes in place).
    rng = np.random.default_rng(n_samples)
    n = 5
    circuit = Circuit(n)
    for q in range(n):
        circuit = circuit.add("ry", q, x(q))
    k = 0
    for layer in range(3):
        for q in range(n):
            if (q + layer) % 4 == 3:
                circuit = circuit.add("h", q)
            else:
                gate = ("rx", "p", "u3")[(q + layer) % 3]
                n_angles = 3 if gate == "u3" else 1
                circuit = circuit.add(gate, q, *[w(k + i) for i in range(n_angles)])
                k += n_angles
        for q in range(n):
            circuit = circuit.add("cx", [q, (q + 1) % n])
    program = compile_program(circuit, fold_tail=False)
    assert program.n_layers >= 2
    X = rng.uniform(0, np.pi, size=(n_samples, n))
    ws = rng.normal(size=circuit.n_weights)
    _check(circuit, X, ws, ["Z0", "X1 Y2", "Y3 Z4"])


@pytest.mark.parametrize("n_samples", [1, 11])
def test_wide_layers_taken_two_blocks_per_pass_give_the_reference_gradients(n_samples):
    # Both passes apply (undo) a layer's blocks two per pass (kernels.rotate_two), in runs of
    # at most ROTATION_TILE (64) quadruples: with 8 lanes the 6 wires sit at bits 3–8, and
    # wires 0 and 1 (bits 8 and 7) make runs of 128, which are cut; one sample puts wires 3–5
    # at bits 0–2 (runs of 1, 2 or 4).
    rng = np.random.default_rng(n_samples)
    circuit = _ladder(6, 2)
    X = rng.uniform(0, np.pi, size=(n_samples, 6))
    ws = rng.normal(size=circuit.n_weights)
    _check(circuit, X, ws, ["Z0", "X3 Y5"])
