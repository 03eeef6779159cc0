"""An exact model's training steps, an epoch of them in one compiled call.

A training step of a small circuit spent most of its ~180 µs in Python (the mini-batch's
rows, the engine's glue, the readout and loss, the optimizer, the report), its two passes of
the batch driver ~30 µs. :func:`run_steps` runs an epoch's steps in compiled code: per
mini-batch it gathers the rows, runs :func:`.batch_driver.run_forward`'s and
:func:`.batch_driver.run_backward`'s serial twins, the readout and loss
(:func:`.readout_loss.readout_cotangent`) and the Adam or momentum update, and records the
loss, the gradient's norm and magnitudes and the parameters after the step, which a trainer
then reports one by one (:class:`~qmlstudio.ml.training.trainer.Trainer`). It calls the same
kernels in the same order as a step through Python, so both train to the same bits.

It is compiled twice, for the drivers' serial twins and for their parallel ones
(:data:`run_steps_parallel`, for batches of large circuits: see :mod:`.threads`). Each first
compile takes about 10 s of CPU (it links both drivers), which no first run should wait for:
the compile helper compiles it once its parent is idle or gone (:mod:`.compile_helper`), and a
trainer takes this path only once it is cached (:func:`compiled_training_ready`); a later load
takes a tenth of a second.
"""

from __future__ import annotations

import math
from contextlib import nullcontext, suppress

import numpy as np

from qmlstudio.core import Circuit, w, x
from qmlstudio.engine._jit import (
    CACHE_DIR,
    caches,
    parallel_region,
    renamed_copy,
    serial_driver,
)
from qmlstudio.engine.api import bind
from qmlstudio.engine.batch_driver import chunks_for, lanes_log2_for, run_backward, run_forward
from qmlstudio.engine.readout_loss import (
    BINARY,
    CROSS_ENTROPY,
    adam_update,
    momentum_update,
    output_width,
    readout_cotangent,
)
from qmlstudio.engine.simulate import (
    SAMPLE_PARALLEL_MAX_QUBITS,
    kept_for_backward,
    kept_setups,
    threads_for,
)
from qmlstudio.engine.threads import thread_cap

__all__ = ["DIVERGED_GRADIENT", "DIVERGED_LOSS", "DIVERGED_UPDATE", "TRAINING_READY",
           "WORK_PER_CALL", "CompiledSteps", "batch_buffers", "compiled_training_ready",
           "prepare_training", "run_steps", "run_steps_parallel"]

DIVERGED_LOSS, DIVERGED_GRADIENT, DIVERGED_UPDATE = 1, 2, 3
"""Why :func:`run_steps` stopped early (0: it ran every step)."""

WORK_PER_CALL = 1 << 27
"""Amplitude updates (amplitudes × rows × blocks, summed over the steps) one call of
:meth:`CompiledSteps.run` may do, about a tenth of a second here: a cancel waits for the
call, and a large epoch runs in several."""

_forward = run_forward.serial  # one thread: the serial twins
_backward = run_backward.serial


def _run_steps(prog, n, lead_fwd, lead_inv, flip, zmask, ny, max_factors, n_feature_blocks,
              layer_runs, widx, wscale, table, init_re, init_im, targets, order, batch_size,
              first_step, n_steps, full, last, u_const, d_const, params, n_weights, readout,
              train_readout, n_bias, linear, kind, loss, adam, learning_rate, beta1, beta2,
              eps, momentum, m, v, step_count, losses, grad_norms, grad_mags, history):
    """Steps ``first_step .. first_step + n_steps`` of an epoch whose rows (of the angle
    ``table``, the initial-state planes ``init_re/im`` — no rows: product states — and the
    ``targets``) come in ``order``. ``full`` and ``last`` hold the buffers
    (:func:`batch_buffers`) of a batch of ``batch_size`` rows and of the epoch's last,
    shorter one; ``u_const``, ``d_const`` and the program's arrays are the batch driver's.
    ``params`` (the circuit's weights, then the readout vector if ``train_readout``, else the
    fixed ``readout``) are updated in place by Adam (``adam``; moments ``m``, ``v``, steps
    counted from ``step_count``) or momentum (velocity ``m``). Per step ``k`` it fills
    ``losses[k]``, ``grad_norms[k]``, ``grad_mags[k]`` (|∂L/∂w| of the circuit's weights)
    and ``history[k]`` (the parameters after it). Returns ``(steps done, why it stopped)``:
    a loss, gradient or update that is not finite stops it before that step's update
    (:data:`DIVERGED_LOSS` and its kin; 0: every step ran)."""
    n_rows = len(order)
    use_product = init_re.shape[0] == 0
    n_head = len(readout) - n_bias
    weights = np.empty(n_weights)
    head = np.empty(n_head)
    bias = np.empty(n_bias)
    n_params = len(params)
    grad = np.empty(n_params)
    new = np.empty(n_params)
    readout_grad = np.empty(len(readout))
    for k in range(n_steps):
        start = (first_step + k) * batch_size
        rows = min(batch_size, n_rows - start)
        xb, ib_re, ib_im, yb, values, outputs, grad_outputs, cot, states_re, states_im, \
            layers, final_kept, setups, grad_chunks, lanes_log2 = full if rows == batch_size \
            else last
        for i in range(rows):
            r = order[start + i]
            for j in range(table.shape[1]):
                xb[i, j] = table[r, j]
            yb[i] = targets[r]
            if not use_product:
                for a in range(init_re.shape[1]):
                    ib_re[i, a] = init_re[r, a]
                    ib_im[i, a] = init_im[r, a]
        for i in range(n_weights):
            weights[i] = params[i]
        for i in range(len(readout)):
            value = params[n_weights + i] if train_readout else readout[i]
            if i < n_head:
                head[i] = value
            else:
                bias[i - n_head] = value
        u_const[:] = 0
        d_const[:] = 0
        _forward(prog, n, xb, weights, ib_re, ib_im, lead_fwd, flip, zmask, ny, True, True, 0,
                 grad_chunks.shape[0], u_const, d_const, -1, 0.0, max_factors, n_feature_blocks,
                 lanes_log2, values, states_re, states_im, layer_runs, layers, final_kept,
                 setups)
        value = readout_cotangent(values, head, bias, linear, kind, loss, yb, outputs,
                                  grad_outputs, cot, readout_grad)
        losses[k] = value
        if not math.isfinite(value):
            return k, DIVERGED_LOSS
        grad_chunks[:] = 0
        _backward(prog, n, lead_inv, flip, zmask, ny, use_product, rows, cot, 0, u_const,
                  d_const, n_feature_blocks, lanes_log2, grad_chunks, states_re, states_im,
                  layer_runs, layers, final_kept, setups)
        # summed as the Python path sums them (chunk by chunk, then each slot's scaled sum
        # into its weight in slot order), so both paths give the same bits
        grad[:] = 0
        for slot in range(grad_chunks.shape[1]):
            total = grad_chunks[0, slot]
            for c in range(1, grad_chunks.shape[0]):
                total += grad_chunks[c, slot]
            grad[widx[slot]] += wscale[slot] * total
        if train_readout:
            for i in range(len(readout)):
                grad[n_weights + i] = readout_grad[i]
        for i in range(n_params):
            if not math.isfinite(grad[i]):
                return k, DIVERGED_GRADIENT
        if adam:
            squares = adam_update(params, grad, m, v, step_count + k + 1, learning_rate,
                                  beta1, beta2, eps, new)
        else:
            squares = momentum_update(params, grad, m, learning_rate, momentum, new)
        for i in range(n_params):
            if not math.isfinite(new[i]):
                return k, DIVERGED_UPDATE
            params[i] = new[i]
            history[k, i] = new[i]
        grad_norms[k] = math.sqrt(squares)
        for i in range(n_weights):
            grad_mags[k, i] = abs(grad[i])
    return n_steps, 0


run_steps = serial_driver(_run_steps)
run_steps_parallel = serial_driver(renamed_copy(
    _run_steps, "__parallel", _forward=run_forward.parallel, _backward=run_backward.parallel))
"""The same steps through the drivers' parallel twins: the threads share each batch's
chunks of interleaved samples (called inside :func:`._jit.parallel_region`)."""


def batch_buffers(program, n_rows: int, table_width: int, n_values: int, n_outputs: int,
                  amplitude: bool) -> tuple | None:
    """The buffers :func:`run_steps` needs for a batch of ``n_rows`` rows, as
    :func:`.simulate._run_batch` makes them; None when the batch's per-sample set-up does not
    fit in memory at once (then the steps run through Python)."""
    dim = 1 << program.n_qubits
    n_chunks = chunks_for(n_rows)
    setups = kept_setups(program, n_rows)
    if len(setups) < n_chunks:
        return None
    layers, final_kept, states = kept_for_backward(program, n_rows, initial=amplitude)
    init_rows = n_rows if amplitude else 0
    return (np.empty((n_rows, table_width)), np.empty((init_rows, dim)),
            np.empty((init_rows, dim)), np.empty(n_rows), np.empty((n_rows, n_values)),
            np.empty((n_rows, n_outputs)), np.empty((n_rows, n_outputs)),
            np.empty((n_rows, n_values)), *states, layers, final_kept, setups,
            np.zeros((n_chunks, len(program.weight_factors))), lanes_log2_for(n_rows))


TRAINING_READY = CACHE_DIR / "training-steps.ready"
"""Written once :func:`run_steps` and :data:`run_steps_parallel` are in the cache (by
:func:`prepare_training`)."""


def compiled_training_ready() -> bool:
    """True when a trainer may run its steps here at no compile cost: :func:`run_steps` and
    :data:`run_steps_parallel` are in the cache or have run in this process. A trainer asks
    once, when it is made, and never changes path within a run; the two paths train to the
    same bits (the tests check it), so a run started before the helper finished is no
    different from one started after."""
    return bool(run_steps.overloads and run_steps_parallel.overloads) or TRAINING_READY.exists()


def prepare_training() -> None:
    """Compile (or load) :func:`run_steps` and :data:`run_steps_parallel` on a model of two
    samples, with the types every trainer passes, and write :data:`TRAINING_READY`. The
    compile helper calls it once its other kernels are done (about 10 s of CPU each on a cold
    cache)."""
    circuit = Circuit(2).add("ry", 0, x(0)).add("ry", 1, w(0)).add("cx", [0, 1])
    steps = CompiledSteps(bind(circuit, ("Z1",)), np.zeros((2, 1)), None, np.zeros(2), 2,
                          np.array([1.0, 0.0]), 1, False, BINARY, CROSS_ENTROPY, True)
    for threads in (1, 0):  # 0: the parallel variant, on however many threads there are
        moments = np.zeros(3), np.zeros(3)
        steps.run(np.arange(2), 0, np.zeros(3), True, 0.1, 0.9, 0.999, 1e-8, 0.0, *moments,
                  0, threads)
    if caches(run_steps) and caches(run_steps_parallel):
        with suppress(OSError):
            TRAINING_READY.touch()


class CompiledSteps:
    """An exact model's training steps over its training rows, an epoch (or, for a large
    one, a part of it) per :meth:`run`.

    ``bound`` is the model's bound circuit; ``features``, ``init`` (None: product states)
    and ``targets`` the training rows, checked; ``readout`` the readout vector (used while it
    is not trained), with ``n_bias`` biases; ``linear``, ``kind`` and ``loss`` as
    :func:`.readout_loss.readout_cotangent` takes them. :attr:`available` is False when the
    steps would not run in the batch driver with every set-up kept (a large circuit or
    batch): those run through Python."""

    def __init__(self, bound, features: np.ndarray, init: np.ndarray | None,
                 targets: np.ndarray, batch_size: int, readout: np.ndarray, n_bias: int,
                 linear: bool, kind: int, loss: int, train_readout: bool) -> None:
        program = bound.program
        self.program, self.bound = program, bound
        n_rows = len(targets)
        self.batch_size = min(batch_size, n_rows)
        self.n_steps = -(-n_rows // self.batch_size)
        self.available = program.n_qubits <= SAMPLE_PARALLEL_MAX_QUBITS
        if not self.available:
            return
        self.table = np.ascontiguousarray(program.angle_table(features))
        dim = 1 << program.n_qubits
        amplitude = init is not None
        self.init_re = np.ascontiguousarray(init.real) if amplitude else np.empty((0, dim))
        self.init_im = np.ascontiguousarray(init.imag) if amplitude else np.empty((0, dim))
        self.targets = np.ascontiguousarray(targets, dtype=float)
        shape = (self.table.shape[1], bound.n_observables, output_width(kind, n_bias),
                 amplitude)
        self.full = batch_buffers(program, self.batch_size, *shape)
        last_rows = n_rows - (self.n_steps - 1) * self.batch_size
        self.last = (self.full if last_rows == self.batch_size
                     else batch_buffers(program, last_rows, *shape))
        self.available = self.full is not None and self.last is not None
        self.readout = np.ascontiguousarray(readout, dtype=float)
        self.n_bias, self.linear, self.kind, self.loss = n_bias, linear, kind, loss
        self.train_readout = train_readout
        self.layer_runs = program.layers_from(amplitude)[0]
        self.u_const = np.zeros((program.n_ops, 4, 4), np.complex128)
        self.d_const = np.zeros((len(program.weight_factors), 4, 4), np.complex128)
        self.weight_index = program.weight_index.astype(np.int64)
        self.weight_scale = program.weight_scale.astype(float)
        step_work = dim * self.batch_size * max(1, program.n_ops)
        self.steps_per_call = max(1, min(self.n_steps, WORK_PER_CALL // step_work))

    def run(self, order: np.ndarray, first_step: int, params: np.ndarray, adam: bool,
            learning_rate: float, beta1: float, beta2: float, eps: float, momentum: float,
            m: np.ndarray, v: np.ndarray, step_count: int, threads: int | None = None,
            ) -> tuple:
        """The epoch's steps from ``first_step`` on, :attr:`steps_per_call` of them (or to
        the epoch's end), from ``params`` (updated in place, as are the moments ``m``, ``v``):
        ``(steps done, why it stopped, losses, gradient norms, gradient magnitudes of the
        circuit weights, parameters after each step)``. ``threads``: None chooses as every
        engine call does (:func:`.simulate.threads_for`, for a batch), at every call; 0 runs
        the parallel variant on the pool's threads. The results never depend on it."""
        program = self.program
        n_steps = min(self.steps_per_call, self.n_steps - first_step)
        n_weights = program.n_weights
        losses, norms = np.empty(n_steps), np.empty(n_steps)
        mags, history = np.empty((n_steps, n_weights)), np.empty((n_steps, len(params)))
        flip, zmask, ny = self.bound.measured
        if threads is None:
            threads = threads_for(program, self.batch_size)
        steps = run_steps if threads == 1 else run_steps_parallel
        with parallel_region(threads or thread_cap()) if threads != 1 else nullcontext():
            done, why = steps(
                program.arrays, program.n_qubits, program.lead_tables[0],
                program.lead_tables[1], flip, zmask, ny, program.max_factors,
                program.n_feature_blocks, self.layer_runs, self.weight_index,
                self.weight_scale, self.table, self.init_re, self.init_im, self.targets,
                np.ascontiguousarray(order, dtype=np.int64), self.batch_size, first_step,
                n_steps, self.full, self.last, self.u_const, self.d_const, params, n_weights,
                self.readout, self.train_readout, self.n_bias, self.linear, self.kind,
                self.loss, adam, learning_rate, beta1, beta2, eps, momentum, m, v, step_count,
                losses, norms, mags, history)
        return done, why, losses, norms, mags, history
