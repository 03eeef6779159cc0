"""Benchmark: the noisy workload W4, one loss + gradient, ours against the peers in one run.

Usage::

    python tests/benchmarks/bench_noise.py [--repeats N]

W4 (../shared/design.md): the circuit of W1–W3 with n = 6, L = 3, batch 64 (54 weights) and a
one-qubit depolarizing channel (p = 0.01, ρ → (1 − p)ρ + p·I/2) after every gate on each wire
it touched (encoding gates included; a CNOT gets one on each of its wires); MSE loss of ⟨Z₀⟩.

Engines, all timed in this one process with the calls interleaved (round-robin, ``--repeats``
rounds after one warm-up call each, with a short pause before every timed call so the
previous engine's spinning thread pool is idle; the minimum is reported, the figure least
disturbed by other work on a shared machine):

* ``qmlstudio``: :func:`qmlstudio.engine.density_vjp` with the loss gradient as the cotangent
  function (exact density matrices, exact gradient);
* ``pennylane-mixed-jax``: PennyLane ``default.mixed``, backprop, JAX interface under
  ``jax.jit`` (``DepolarizingChannel(3p/4)``: PennyLane's parameter is 3/4 of ours);
* ``qmlstudio-trajectories-N``: :func:`qmlstudio.engine.density_vjp` with
  ``noise_method="trajectories"`` (N seeded Monte-Carlo trajectories per sample, gradients from
  the same trajectories); checked against the exact loss and gradient within 4 standard errors;
* ``aer-dm-forward``: Qiskit Aer ``AerSimulator(method="density_matrix")``, the 64 bound
  circuits in one ``run`` (transpiled outside the timing), forward only — it has no gradient;
  the parameter-shift gradient would take ``1 + 2·54`` such batches, reported as that multiple
  of the measured forward time.

Every peer's loss (and PennyLane's gradient) is checked against ours to 1e-8 (the
trajectories' within 4 of their standard errors). A script, not a
test (pytest does not collect it).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
for _p in (str(REPO), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from bench_engine import qmlstudio_circuit  # noqa: E402
from workloads import Workload, make_data, mse_loss, weight_index  # noqa: E402

W4 = Workload("W4", n_qubits=6, n_layers=3, batch=64, seed=404)
P = 0.01
TOL = 1e-8
TRAJECTORIES = (100, 1000)
TARGET_SPEEDUP = 15.0
PAUSE = 0.5
"""Seconds of rest before each timed call."""


def prepare_ours(X, y, weights):
    from qmlstudio.core.noise import NoiseModel
    from qmlstudio.engine import density_vjp

    circuit = qmlstudio_circuit(W4)
    noise = NoiseModel.uniform_depolarizing(P)

    def call():
        values, grad = density_vjp(circuit, X, weights, ["Z0"], noise,
                                   lambda v: 2.0 * (v - y[:, None]) / len(y))
        return mse_loss(values, y), np.asarray(grad)

    return call


def prepare_trajectories(trajectories):
    """A ``prepare`` for W4 by ``trajectories`` per sample; its call carries ``tolerance``:
    4 standard errors of the loss and of each gradient entry."""

    def prepare(X, y, weights):
        from qmlstudio.core.noise import NoiseModel
        from qmlstudio.engine import density_vjp, trajectory_vjp

        circuit = qmlstudio_circuit(W4)
        noise = NoiseModel.uniform_depolarizing(P)

        def cotangent(v):
            return 2.0 * (v - y[:, None]) / len(y)

        def call():
            values, grad = density_vjp(circuit, X, weights, ["Z0"], noise, cotangent,
                                       noise_method="trajectories", trajectories=trajectories,
                                       seed=1)
            return mse_loss(values, y), np.asarray(grad)

        est = trajectory_vjp(circuit, X, weights, ["Z0"], noise, cotangent,
                             trajectories=trajectories, seed=1)
        # The loss moves by ∂loss/∂v · δv: 4 standard errors of the values, propagated. A
        # weight with no effect (an RZ on |0⟩) has a zero gradient up to rounding.
        call.tolerance = (4 * float(np.abs(cotangent(est.values)[:, 0]) @ est.stderr[:, 0]),
                          4 * est.dweights_stderr + 1e-12)
        return call

    return prepare


def prepare_pennylane(X, y, weights):
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import pennylane as qml

    n, q = W4.n_qubits, 3 * P / 4
    dev = qml.device("default.mixed", wires=n)

    @qml.qnode(dev, interface="jax", diff_method="backprop")
    def circuit(x, w):
        for j in range(n):
            qml.RY(x[j], wires=j)
            qml.DepolarizingChannel(q, wires=j)
        for layer in range(W4.n_layers):
            for i in range(n):
                for r, gate in enumerate((qml.RZ, qml.RY, qml.RZ)):
                    gate(w[weight_index(n, layer, i, r)], wires=i)
                    qml.DepolarizingChannel(q, wires=i)
            for i in range(n):
                qml.CNOT(wires=[i, (i + 1) % n])
                qml.DepolarizingChannel(q, wires=i)
                qml.DepolarizingChannel(q, wires=(i + 1) % n)
        return qml.expval(qml.PauliZ(0))

    batched = jax.vmap(circuit, in_axes=(0, None))
    Xj, yj = jnp.asarray(X), jnp.asarray(y)
    step = jax.jit(jax.value_and_grad(lambda w: jnp.mean((batched(Xj, w) - yj) ** 2)))
    w0 = jnp.asarray(weights)

    def call():
        value, grad = step(w0)
        return float(value), np.asarray(jax.block_until_ready(grad))

    return call


def prepare_aer(X, y, weights):
    from qiskit import QuantumCircuit, transpile
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_aer import AerSimulator
    from qiskit_aer.noise import NoiseModel, depolarizing_error

    n = W4.n_qubits
    one = depolarizing_error(P, 1)
    model = NoiseModel()
    model.add_all_qubit_quantum_error(one, ["ry", "rz"])
    model.add_all_qubit_quantum_error(one.tensor(one), ["cx"])
    sim = AerSimulator(method="density_matrix", noise_model=model)
    z0 = SparsePauliOp("Z" + "I" * (n - 1))  # our wire 0 is Qiskit's qubit n − 1

    def bound(x):
        qc = QuantumCircuit(n)
        for j in range(n):
            qc.ry(x[j], n - 1 - j)
        for layer in range(W4.n_layers):
            for i in range(n):
                qc.rz(weights[weight_index(n, layer, i, 0)], n - 1 - i)
                qc.ry(weights[weight_index(n, layer, i, 1)], n - 1 - i)
                qc.rz(weights[weight_index(n, layer, i, 2)], n - 1 - i)
            for i in range(n):
                qc.cx(n - 1 - i, n - 1 - (i + 1) % n)
        qc.save_expectation_value(z0, list(range(n)))
        return qc

    circuits = transpile([bound(x) for x in X], sim, optimization_level=0)

    def call():
        result = sim.run(circuits).result()
        values = np.array([result.data(k)["expectation_value"] for k in range(len(X))])
        return mse_loss(values, y), None

    return call


ENGINES = {
    "qmlstudio": prepare_ours,
    **{f"qmlstudio-trajectories-{t}": prepare_trajectories(t) for t in TRAJECTORIES},
    "pennylane-mixed-jax": prepare_pennylane,
    "aer-dm-forward": prepare_aer,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    X, y, weights = make_data(W4)
    calls = {}
    reference = None
    for name, prepare in ENGINES.items():
        calls[name] = prepare(X, y, weights)
        loss, grad = calls[name]()  # warm-up: compiles (numba cache, jax.jit)
        if reference is None:
            reference = (loss, grad)
        loss_tol, grad_tol = getattr(calls[name], "tolerance", (TOL, TOL))
        ok = abs(loss - reference[0]) <= loss_tol and (
            grad is None or np.all(np.abs(grad - reference[1]) <= grad_tol))
        print(f"{name:22s} loss {loss:.12f} {'agrees' if ok else 'MISMATCH'}")
    times = {name: [] for name in calls}
    for _ in range(args.repeats):
        for name, call in calls.items():
            # Thread pools may spin for a while after a call (OpenMP's wait policy, XLA's
            # workers): a pause keeps one engine's idle spinning out of the next one's time.
            time.sleep(PAUSE)
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    best = {name: min(t) for name, t in times.items()}
    shift = 1 + 2 * W4.n_weights
    rows = [(name, best[name]) for name in calls]
    rows.append((f"aer parameter-shift (= {shift} × forward)", shift * best["aer-dm-forward"]))
    ours = best["qmlstudio"]
    print(f"\n{W4.describe()}, depolarizing p = {P}, one loss + gradient; min of "
          f"{args.repeats} interleaved calls\n")
    print("| engine | seconds | × ours |\n|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.4f} | {seconds / ours:.1f} |")
    fastest_peer = min(best["pennylane-mixed-jax"], best["aer-dm-forward"])
    speedup = fastest_peer / ours
    print(f"\nfastest peer / ours = {speedup:.1f}× (target ≥ {TARGET_SPEEDUP:g}×: "
          f"{'met' if speedup >= TARGET_SPEEDUP else 'NOT met'}; the Aer figure is a forward "
          f"pass only)")


if __name__ == "__main__":
    main()
