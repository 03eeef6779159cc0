"""Run a compiled noisy circuit on a batch: exact values and exact gradients.

Forward: ρ₀ = |0…0⟩⟨0…0|, then every step (gate or channel) of the
:class:`~qmlstudio.engine.density_program.DensityProgram`; the values are ``Tr(P_k ρ_N)``.

Gradients (the reverse pass): channels are not invertible, so the adjoint trick of the ideal
engine (undo each unitary on the final state) does not apply. Instead the costate
``σ_N = Σ_k c_k P_k`` walks back through the *dual* (Heisenberg) steps, ``σ_{s} = E_s†(σ_{s+1})``
with ``E†(σ) = Σ K† σ K`` (``U† σ U`` for a gate), and a gate step ``ρ → U ρ U†`` contributes
(σ_{s+1} here is the costate right after the gate, its fused channel's dual already applied)

    ∂/∂θ Tr(σ_{s+1} U ρ_s U†) = 2 Re Tr(σ_{s+1} ∂U ρ_s U†) = 2 Re Tr(∂U · R · U†),
    R = Tr_rest(ρ_s σ_s)   (a d × d matrix, d = 2 or 4),

which needs the forward state ρ_s *before* the step. Those are **stored, with checkpointing
when memory is short** (:func:`plan`): with stride 1 every forward state of a sample is kept
(the fastest: no recomputation; W4 keeps 40 states of 64 KiB per thread), otherwise only every
``stride``-th state is kept and the backward pass recomputes each segment's states from its
checkpoint, one segment at a time (one more forward pass; memory ``N/stride + stride`` states,
the least at ``stride ≈ √N``). Recomputing by inverting steps was rejected: a channel such as
full amplitude damping has no inverse, and inverting a strong depolarizing channel amplifies
rounding by ``1/(1 − p)`` per step.

Threads take samples (sample ``b`` goes to worker ``b mod workers``), each with its own buffers;
every sample's gradient is written to its own row and summed afterwards in a fixed order, so the
numbers do not depend on the thread count.
"""

from __future__ import annotations

import math
from contextlib import nullcontext

import numpy as np
from numba import prange

from qmlstudio.core import CircuitError
from qmlstudio.engine._jit import kernel, parallel_kernel, parallel_region
from qmlstudio.engine.block_matrices import constant_block_matrices
from qmlstudio.engine.block_steps import add_gradients, sample_op_matrices
from qmlstudio.engine.density_kernels import (
    costate_matrix,
    depolarize,
    depolarize1,
    gate1,
    gate2,
    pauli_expectation,
    permute,
    reduced,
    superop,
)
from qmlstudio.engine.density_program import (
    DEPOL1,
    DEPOL2,
    GATE,
    PERM_STEP,
    SUPER1,
    DensityProgram,
)
from qmlstudio.engine.memory import available_bytes, human_bytes
from qmlstudio.engine.program import DENSE1

__all__ = ["MAX_DENSITY_QUBITS", "STORED_STATES_BUDGET", "check_density_size", "final_scale",
           "plan", "run_density"]

MAX_DENSITY_QUBITS = 14
"""Largest circuit the exact density-matrix engine takes (one ρ of 14 qubits is 4 GiB)."""
STORED_STATES_BUDGET = 512 << 20
"""Bytes of forward states one worker keeps before it switches to checkpointing."""


def _buffers(n_steps: int, stride: int, backward: bool) -> int:
    """Density matrices one worker allocates: checkpoints, segment, two costates."""
    if not backward:
        return 3
    return n_steps // stride + 1 + max(stride, 2) + 2


def check_density_size(n_qubits: int) -> None:
    """Refuse, naming the bytes of one density matrix, more than :data:`MAX_DENSITY_QUBITS`."""
    if n_qubits > MAX_DENSITY_QUBITS:
        state = 16 << (2 * n_qubits)
        raise CircuitError(
            f"the exact density-matrix simulation of {n_qubits} qubits needs "
            f"{human_bytes(state)} ({state:,} bytes) for one density matrix; it takes at most "
            f"{MAX_DENSITY_QUBITS} qubits")


def plan(n_qubits: int, n_steps: int, n_samples: int, threads: int,
         backward: bool) -> tuple[int, int]:
    """``(stride, workers)`` for a run, or :class:`~qmlstudio.core.CircuitError` naming the
    bytes when even one worker with the least memory cannot fit."""
    check_density_size(n_qubits)
    state = 16 << (2 * n_qubits)
    stride = 1
    if state * _buffers(n_steps, 1, backward) > STORED_STATES_BUDGET:
        stride = max(1, math.isqrt(n_steps))
    per_worker = state * _buffers(n_steps, stride, backward)
    free = available_bytes()
    workers = max(1, min(threads, n_samples, free // per_worker))
    if per_worker > free:
        raise CircuitError(
            f"the density-matrix simulation of {n_qubits} qubits needs {human_bytes(per_worker)} "
            f"({per_worker:,} bytes: {_buffers(n_steps, stride, backward)} density matrices of "
            f"{human_bytes(state)}) but only {human_bytes(free)} is available")
    return stride, workers


@kernel
def _step(prog, steps, s, u, src, dst, dual, work, svec):
    """Step ``s`` (``dual``: its Heisenberg dual) from ``src`` into ``dst`` (the same array
    except for a permutation)."""
    kind = steps.kind[s]
    t0 = steps.t0[s]
    t1 = steps.t1[s]
    op = steps.op[s]
    if kind == GATE:
        if prog.op_kind[op] == DENSE1:
            gate1(src, dst, t0, u[op], dual, steps.shrink[s])
        else:
            gate2(src, dst, t0, t1, u[op], dual, work)
    elif kind == PERM_STEP:
        table = prog.perm_inv[prog.op_perm[op]] if dual else prog.perm_fwd[prog.op_perm[op]]
        mask = (1 << t0 if t0 >= 0 else 0) if dual else steps.mask[s]
        permute(src, dst, table, t0, mask, steps.shrink[s], not dual)
    elif kind == DEPOL1:
        depolarize1(src, dst, t0, steps.shrink[s])
    elif kind == DEPOL2:
        depolarize(src, dst, 4, t0, t1, steps.shrink[s])
    else:
        table = steps.dual if dual else steps.superop
        superop(src, dst, 2 if kind == SUPER1 else 4, t0, t1, table[steps.sup[s]], svec)


@kernel
def _gradients(prog, steps, s, u, d_const, d_feat, rho, sigma, r, ru, grad):
    """Add gate step ``s``'s weight gradients: 2 Re Tr(∂U · R · U†) with R = Tr_rest(ρ σ)."""
    op = steps.op[s]
    d = 2 if prog.op_kind[op] == DENSE1 else 4
    reduced(rho, sigma, d, steps.t0[s], steps.t1[s], r)
    for a in range(d):
        for b in range(d):
            acc = 0j
            for k in range(d):
                acc += r[a, k] * u[op, b, k].conjugate()
            ru[a, b] = acc
    add_gradients(prog.fac_wslot, prog.op_f0[op], prog.op_f1[op], prog.op_kind[op],
                  d_feat if prog.op_fslot[op] >= 0 else d_const, ru, grad)


@kernel
def _sample(prog, steps, trainable, u, d_const, d_feat, buf, stride, backward, flip, zmask,
            ny, coef, values, grad, work, svec, r, ru):
    """Forward (and reverse) pass of one sample (see the module docstring)."""
    n_steps = len(steps.kind)
    keep0 = 0
    seg0 = n_steps // stride + 1 if backward else 1
    sig = seg0 + (max(stride, 2) if backward else 2)
    start = buf[keep0]
    for i in range(start.shape[0]):
        for j in range(start.shape[1]):
            start[i, j] = 0j
    start[0, 0] = 1.0
    src = keep0
    for s in range(n_steps):
        if backward and (s + 1) % stride == 0:
            dst = keep0 + (s + 1) // stride  # a checkpoint
        elif steps.kind[s] != PERM_STEP and src >= seg0:
            dst = src  # in place
        else:
            dst = seg0 + 1 if src == seg0 else seg0
        _step(prog, steps, s, u, buf[src], buf[dst], False, work, svec)
        src = dst
    for k in range(len(flip)):
        values[k] = pauli_expectation(buf[src], flip[k], zmask[k], ny[k])
    if not backward:
        return
    costate_matrix(buf[sig], flip, zmask, ny, coef)
    cur = sig
    for seg in range((n_steps - 1) // stride, -1, -1):
        first = seg * stride
        last = min(first + stride, n_steps) - 1
        for s in range(first, last):  # recompute the segment's states from its checkpoint
            here = keep0 + seg if s == first else seg0 + s - first
            _step(prog, steps, s, u, buf[here], buf[seg0 + s + 1 - first], False, work, svec)
        for s in range(last, first - 1, -1):
            other = sig + 1 - (cur - sig)
            target = other if steps.kind[s] == PERM_STEP else cur
            _step(prog, steps, s, u, buf[cur], buf[target], True, work, svec)
            cur = target
            if steps.kind[s] == GATE and trainable[steps.op[s]]:
                before = keep0 + seg if s == first else seg0 + s - first
                _gradients(prog, steps, s, u, d_const, d_feat, buf[before], buf[cur], r, ru,
                           grad)


@parallel_kernel
def _run(prog, n, steps, trainable, x, weights, u_const, d_const, flip, zmask, ny, coefs,
         backward, stride, workers, n_buffers, max_factors, n_feature_blocks, shift_factor,
         shift, values, grads):
    n_samples = x.shape[0]
    dim = 1 << n
    for worker in prange(workers):
        buf = np.empty((n_buffers, dim, dim), dtype=np.complex128)
        u = u_const.copy()
        d_feat = d_const.copy()
        u_feat = np.empty((max(1, n_feature_blocks), 4, 4), dtype=np.complex128)
        work = np.empty((3 * max_factors + 2, 4, 4), dtype=np.complex128)
        svec = np.empty((2, 16), dtype=np.complex128)
        r = np.empty((4, 4), dtype=np.complex128)
        ru = np.empty((4, 4), dtype=np.complex128)
        for b in range(worker, n_samples, workers):
            if n_feature_blocks:
                sample_op_matrices(prog, x[b], weights, shift_factor, shift, backward, u_feat,
                                   d_feat, work, u)
            _sample(prog, steps, trainable, u, d_const, d_feat, buf, stride, backward, flip,
                    zmask, ny, coefs[b], values[b], grads[b], work, svec, r, ru)


def run_density(dprog: DensityProgram, x: np.ndarray, weights: np.ndarray,
                paulis: tuple[np.ndarray, ...], coefs: np.ndarray | None,
                threads: int, shift_factor: int = -1,
                shift: float = 0.0) -> tuple[np.ndarray, np.ndarray | None]:
    """Values (B, K) and, with costate coefficients ``coefs`` (B, K), every sample's weight-slot
    gradients (B, slots) of ``Σ_k coefs[b, k] ⟨P_k⟩_b`` (arguments validated by the caller),
    on at most ``threads`` threads (each a worker with its own samples). ``shift_factor`` /
    ``shift`` move one factor's angle (parameter shift)."""
    program = dprog.program
    prog = program.arrays
    backward = coefs is not None
    n_samples, n_slots = len(x), len(program.weight_factors)
    stride, workers = plan(program.n_qubits, dprog.n_steps, n_samples, threads, backward)
    u_const = np.zeros((max(1, program.n_ops), 4, 4), dtype=np.complex128)
    d_const = np.zeros((max(1, n_slots), 4, 4), dtype=np.complex128)
    work = np.empty((3 * program.max_factors + 2, 4, 4), dtype=np.complex128)
    values = np.empty((n_samples, len(paulis[0])))
    grads = np.zeros((n_samples, n_slots))
    scale = final_scale(dprog, paulis[0] | paulis[1])
    coefs = np.zeros((n_samples, len(paulis[0]))) if coefs is None else coefs * scale
    threads = min(threads, workers)
    with parallel_region(threads) if threads > 1 else nullcontext():
        constant_block_matrices(prog, weights, shift_factor, shift, backward, u_const, d_const,
                                work)
        _run.on(threads)(prog, program.n_qubits, dprog.steps, dprog.trainable, x, weights, u_const,
             d_const, *paulis, coefs, backward, stride, workers,
             _buffers(dprog.n_steps, stride, backward), program.max_factors,
             program.n_feature_blocks, shift_factor, shift, values, grads)
    return values * scale, grads if backward else None


def final_scale(dprog: DensityProgram, supports: np.ndarray) -> np.ndarray:
    """Per Pauli string (its wires as the bits of ``supports``), the factor the depolarizing
    channels left at the end of the circuit put on its value: Π f_w over its wires."""
    n = dprog.program.n_qubits
    wires = (supports[:, None] >> (n - 1 - np.arange(n))) & 1
    return np.prod(np.where(wires == 1, dprog.final_shrink, 1.0), axis=1)
