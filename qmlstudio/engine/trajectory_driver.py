"""Run Monte-Carlo trajectories of a compiled noisy circuit: values and exact per-trajectory
gradients.

One trajectory is a state vector taken through the steps of the density program with one
drawn branch ``M`` per channel (:mod:`.trajectory_program`): ``ψ_N = M_N ⋯ M_1 |0⟩``, a fixed
linear map of the start state, and its values are ``⟨ψ_N|P_k|ψ_N⟩`` (ψ_N is not normalised:
the branch weights ``1/√q`` live in it). The gradient of ``Σ_k c_k⟨ψ_N|P_k|ψ_N⟩`` is the ideal
engine's adjoint pass on that linear map: the costate ``λ = Σ_k c_k P_k ψ_N`` walks back
through ``M†``, and a gate adds ``2 Re⟨λ_{s+1}|∂U|ψ_s⟩``. ψ_s comes from undoing the step
when it is unitary (every gate, every Pauli branch) and, for a non-unitary branch (amplitude
damping's ``|0⟩⟨1|``, which has no inverse), from a copy stored on the way forward.

Work is split into tasks of :data:`CHUNK` trajectories of one sample; threads take tasks
(task ``i`` goes to worker ``i mod workers``) and each task writes its own rows, summed
afterwards in a fixed order, so the numbers do not depend on the thread count. Per task the
driver keeps the sum and the sum of squares of the trajectories' weight gradients, which give
the gradient's standard error.
"""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np
from numba import prange

from qmlstudio.core import CircuitError
from qmlstudio.engine._jit import kernel, parallel_kernel, parallel_region
from qmlstudio.engine.block_matrices import constant_block_matrices
from qmlstudio.engine.block_steps import add_gradients, sample_op_matrices
from qmlstudio.engine.density_program import DEPOL1, DEPOL2, GATE, PERM_STEP
from qmlstudio.engine.kernels import apply_dense1, backward_dense1, gather
from qmlstudio.engine.measure import costate, expectation
from qmlstudio.engine.memory import available_bytes, human_bytes
from qmlstudio.engine.program import DENSE1
from qmlstudio.engine.trajectory_program import PAULI_MATRICES, TrajectoryProgram

__all__ = ["CHUNK", "TrajectoryRun", "run_trajectories"]

CHUNK = 16
"""Trajectories of one sample per task (fixed: the sums must not depend on the threads)."""


@kernel
def _quad_index(q, t0, t1):
    """The ``q``-th index whose bits ``t0`` and ``t1`` are zero (any order of the two)."""
    lo = min(t0, t1)
    hi = max(t0, t1)
    i = ((q >> lo) << (lo + 1)) | (q & ((1 << lo) - 1))
    return ((i >> hi) << (hi + 1)) | (i & ((1 << hi) - 1))


@kernel
def _apply2(re, im, t0, t1, u):
    """Apply the 4×4 ``u`` on bits (t0, t1), local index 2·b(t0) + b(t1), to the whole state."""
    s0 = 1 << t0
    s1 = 1 << t1
    for q in range(re.shape[0] >> 2):
        i0 = _quad_index(q, t0, t1)
        idx = (i0, i0 | s1, i0 | s0, i0 | s0 | s1)
        a = (complex(re[idx[0]], im[idx[0]]), complex(re[idx[1]], im[idx[1]]),
             complex(re[idx[2]], im[idx[2]]), complex(re[idx[3]], im[idx[3]]))
        for row in range(4):
            v = u[row, 0] * a[0] + u[row, 1] * a[1] + u[row, 2] * a[2] + u[row, 3] * a[3]
            re[idx[row]] = v.real
            im[idx[row]] = v.imag


@kernel
def _backward2(pre, pim, lre, lim, t0, t1, u, r):
    """Undo the unitary 4×4 ``u`` on ψ and λ; add ψ_prev ⊗ conj(λ) into ``r`` (see
    :func:`~qmlstudio.engine.kernels.backward_dense1`)."""
    s0 = 1 << t0
    s1 = 1 << t1
    for q in range(pre.shape[0] >> 2):
        i0 = _quad_index(q, t0, t1)
        idx = (i0, i0 | s1, i0 | s0, i0 | s0 | s1)
        a = (complex(pre[idx[0]], pim[idx[0]]), complex(pre[idx[1]], pim[idx[1]]),
             complex(pre[idx[2]], pim[idx[2]]), complex(pre[idx[3]], pim[idx[3]]))
        lam = (complex(lre[idx[0]], lim[idx[0]]), complex(lre[idx[1]], lim[idx[1]]),
               complex(lre[idx[2]], lim[idx[2]]), complex(lre[idx[3]], lim[idx[3]]))
        for row in range(4):
            c0 = u[0, row].conjugate()
            c1 = u[1, row].conjugate()
            c2 = u[2, row].conjugate()
            c3 = u[3, row].conjugate()
            v = c0 * a[0] + c1 * a[1] + c2 * a[2] + c3 * a[3]
            w = c0 * lam[0] + c1 * lam[1] + c2 * lam[2] + c3 * lam[3]
            pre[idx[row]], pim[idx[row]] = v.real, v.imag
            lre[idx[row]], lim[idx[row]] = w.real, w.imag
            for b in range(4):
                r[row, b] += v * lam[b].conjugate()


@kernel
def _apply(re, im, d, t0, t1, m):
    """Apply the d×d matrix ``m`` (top-left of a 4×4) on bit t0 (d = 2) or bits (t0, t1)."""
    if d == 2:
        apply_dense1(re, im, t0, m, 0, re.shape[0] >> 1)
    else:
        _apply2(re, im, t0, t1, m)


@kernel
def _pauli(planes, p, t0, t1, d, pick, paulis, with_costate):
    """Apply the Pauli branch ``pick`` (one wire: 0..3 = I, X, Y, Z; two: 4·a + b) to ψ, and
    to λ too when ``with_costate`` (a Pauli is its own inverse and adjoint)."""
    half = planes.shape[1] >> 1
    for w in range(2 if d == 4 else 1):
        k = (pick >> 2 if w == 0 else pick & 3) if d == 4 else pick
        if k == 0:
            continue
        t = t0 if w == 0 else t1
        apply_dense1(planes[p], planes[p + 1], t, paulis[k], 0, half)
        if with_costate:
            apply_dense1(planes[p + 4], planes[p + 5], t, paulis[k], 0, half)


@kernel
def _trajectory(prog, steps, tables, u, d_const, d_feat, picks, backward, flip, zmask, ny,
                coef, scale, terms, grad, planes, keep, r):
    """One trajectory of one sample: its term values into ``terms`` and, when ``backward``, its
    weight-slot gradients of ``Σ_k coef[k]·term_k`` into ``grad`` (see the module docstring).
    ``planes`` holds ψ (rows p, p+1), its gather partner and the costate (rows p+4, p+5)."""
    draw, kraus, kraus_dag, unitary, stored, paulis, trainable, kraus_d = tables
    dim = planes.shape[1]
    half = dim >> 1
    for i in range(8):
        for j in range(dim):
            planes[i, j] = 0.0
    planes[0, 0] = 1.0
    p = 0
    n_kept = 0
    n_steps = len(steps.kind)
    for s in range(n_steps):
        kind = steps.kind[s]
        t0 = steps.t0[s]
        t1 = steps.t1[s]
        c = draw[s]
        pick = picks[c] if c >= 0 else 0
        if kind == GATE:
            op = steps.op[s]
            if prog.op_kind[op] == DENSE1:
                apply_dense1(planes[p], planes[p + 1], t0, u[op], 0, half)
            else:
                _apply2(planes[p], planes[p + 1], t0, t1, u[op])
            if c >= 0:
                _pauli(planes, p, t0, t1, 2, pick, paulis, False)
        elif kind == PERM_STEP:
            if c >= 0:
                _pauli(planes, p, t0, t1, 2, pick, paulis, False)
            q = 2 - p
            gather((planes[p], planes[p + 1]), (planes[q], planes[q + 1]),
                   prog.perm_fwd[prog.op_perm[steps.op[s]]], 0, 0, dim)
            p = q
        elif kind in (DEPOL1, DEPOL2):
            _pauli(planes, p, t0, t1, 4 if kind == DEPOL2 else 2, pick, paulis, False)
        else:
            row = steps.sup[s]
            if backward and stored[s] and not unitary[row, pick]:
                for j in range(dim):
                    keep[n_kept, 0, j] = planes[p, j]
                    keep[n_kept, 1, j] = planes[p + 1, j]
                n_kept += 1
            _apply(planes[p], planes[p + 1], kraus_d[row], t0, t1, kraus[row, pick])
    for k in range(len(flip)):
        terms[k] = scale[k] * expectation(planes[p], planes[p + 1], flip[k], zmask[k], ny[k],
                                          0, dim)
    if not backward:
        return
    costate(planes[p], planes[p + 1], planes[p + 4], planes[p + 5], flip, zmask, ny, coef, 0,
            dim)
    for s in range(n_steps - 1, -1, -1):
        kind = steps.kind[s]
        t0 = steps.t0[s]
        t1 = steps.t1[s]
        c = draw[s]
        pick = picks[c] if c >= 0 else 0
        if kind == GATE:
            op = steps.op[s]
            if c >= 0:
                _pauli(planes, p, t0, t1, 2, pick, paulis, True)
            for a in range(4):
                for b in range(4):
                    r[a, b] = 0j
            if prog.op_kind[op] == DENSE1:
                backward_dense1(planes[p], planes[p + 1], planes[p + 4], planes[p + 5], t0,
                                u[op], 0, half, r)
            else:
                _backward2(planes[p], planes[p + 1], planes[p + 4], planes[p + 5], t0, t1,
                           u[op], r)
            if trainable[op]:
                add_gradients(prog.fac_wslot, prog.op_f0[op], prog.op_f1[op],
                              prog.op_kind[op], d_feat if prog.op_fslot[op] >= 0 else d_const,
                              r, grad)
        elif kind == PERM_STEP:
            q = 2 - p
            gather((planes[p], planes[p + 1], planes[p + 4], planes[p + 5]),
                   (planes[q], planes[q + 1], planes[q + 4], planes[q + 5]),
                   prog.perm_inv[prog.op_perm[steps.op[s]]], 0, 0, dim)
            p = q
            if c >= 0:
                _pauli(planes, p, t0, t1, 2, pick, paulis, True)
        elif kind in (DEPOL1, DEPOL2):
            _pauli(planes, p, t0, t1, 4 if kind == DEPOL2 else 2, pick, paulis, True)
        else:
            row = steps.sup[s]
            d = kraus_d[row]
            _apply(planes[p + 4], planes[p + 5], d, t0, t1, kraus_dag[row, pick])
            if stored[s] and not unitary[row, pick]:
                n_kept -= 1
                for j in range(dim):
                    planes[p, j] = keep[n_kept, 0, j]
                    planes[p + 1, j] = keep[n_kept, 1, j]
            else:
                _apply(planes[p], planes[p + 1], d, t0, t1, kraus_dag[row, pick])


@parallel_kernel
def _run(prog, n, steps, tables, x, weights, u_const, d_const, flip, zmask, ny, scale, coefs,
         backward, picks, workers, n_keep, max_factors, n_feature_blocks, slot_weight,
         slot_scale, terms, s1, s2):
    n_samples = picks.shape[0]
    n_traj = picks.shape[1]
    chunks = (n_traj + CHUNK - 1) // CHUNK
    dim = 1 << n
    n_weights = s1.shape[1]
    for worker in prange(workers):
        planes = np.empty((8, dim))
        keep = np.empty((max(1, n_keep), 2, dim))
        u = u_const.copy()
        d_feat = d_const.copy()
        u_feat = np.empty((max(1, n_feature_blocks), 4, 4), dtype=np.complex128)
        work = np.empty((3 * max_factors + 2, 4, 4), dtype=np.complex128)
        r = np.empty((4, 4), dtype=np.complex128)
        grad = np.empty(len(slot_weight))
        gw = np.empty(n_weights)
        for task in range(worker, n_samples * chunks, workers):
            b = task // chunks
            if n_feature_blocks:
                sample_op_matrices(prog, x[b], weights, -1, 0.0, backward, u_feat, d_feat, work,
                                   u)
            for t in range((task % chunks) * CHUNK, min((task % chunks + 1) * CHUNK, n_traj)):
                grad[:] = 0.0
                _trajectory(prog, steps, tables, u, d_const, d_feat, picks[b, t], backward, flip,
                            zmask, ny, coefs[b], scale, terms[b, t], grad, planes, keep, r)
                if backward:
                    gw[:] = 0.0
                    for slot in range(len(slot_weight)):
                        gw[slot_weight[slot]] += slot_scale[slot] * grad[slot]
                    for w in range(n_weights):
                        s1[task, w] += gw[w]
                        s2[task, w] += gw[w] * gw[w]


class TrajectoryRun:
    """A run's results: ``terms`` (samples, trajectories, terms) per-trajectory term values;
    with a backward pass, per sample the sum ``grad_sum`` and the sum of squares ``grad_sq``
    (samples, weights) of the trajectories' weight gradients."""

    __slots__ = ("grad_sq", "grad_sum", "terms")

    def __init__(self, terms: np.ndarray, grad_sum: np.ndarray | None,
                 grad_sq: np.ndarray | None) -> None:
        self.terms = terms
        self.grad_sum = grad_sum
        self.grad_sq = grad_sq


def _check_bytes(n_qubits: int, n_keep: int, workers: int) -> int:
    """Workers that fit in memory (at least one, else :class:`CircuitError` naming bytes)."""
    per_worker = (8 + 2 * max(1, n_keep)) << (n_qubits + 3)
    free = available_bytes()
    if per_worker > free:
        raise CircuitError(
            f"a trajectory of {n_qubits} qubits needs {human_bytes(per_worker)} "
            f"({per_worker:,} bytes: 4 state vectors and {n_keep} stored for the reverse pass) "
            f"but only {human_bytes(free)} is available")
    return max(1, min(workers, free // per_worker))


def run_trajectories(tprog: TrajectoryProgram, x: np.ndarray, weights: np.ndarray,
                     paulis: tuple[np.ndarray, ...], scale: np.ndarray, picks: np.ndarray,
                     coefs: np.ndarray | None, threads: int) -> TrajectoryRun:
    """Every sample's trajectories (``picks``: their drawn branches, see
    :func:`~.trajectory_program.draw_branches`); values of the ``paulis`` times ``scale``
    and, with costate coefficients ``coefs`` (samples, terms), the gradient sums of
    ``Σ_k coefs[b, k]·value_k`` (arguments validated by the caller)."""
    dprog = tprog.dprog
    program = dprog.program
    prog = program.arrays
    backward = coefs is not None
    n_samples, n_traj = picks.shape[:2]
    n_slots = len(program.weight_factors)
    n_keep = tprog.max_stored if backward else 0
    n_tasks = n_samples * (-(-n_traj // CHUNK))
    workers = _check_bytes(program.n_qubits, n_keep, min(threads, n_tasks))
    u_const = np.zeros((max(1, program.n_ops), 4, 4), dtype=np.complex128)
    d_const = np.zeros((max(1, n_slots), 4, 4), dtype=np.complex128)
    work = np.empty((3 * program.max_factors + 2, 4, 4), dtype=np.complex128)
    terms = np.empty((n_samples, n_traj, len(paulis[0])))
    n_w = max(1, program.n_weights)
    s1 = np.zeros((n_tasks, n_w))
    s2 = np.zeros((n_tasks, n_w))
    fac = program.weight_factors
    slot_weight = np.ascontiguousarray(prog.fac_idx[fac], dtype=np.int64)
    slot_scale = np.ascontiguousarray(prog.fac_scale[fac], dtype=np.float64)
    coefs = np.zeros((n_samples, len(paulis[0]))) if coefs is None else coefs * scale
    kraus_d = np.array([c.dimension for c in dprog.channels] or [2], dtype=np.int64)
    tables = (tprog.draw, tprog.kraus, tprog.kraus_dag, tprog.unitary, tprog.stored,
              PAULI_MATRICES, dprog.trainable, kraus_d)
    threads = min(threads, workers)
    with parallel_region(threads) if threads > 1 else nullcontext():
        constant_block_matrices(prog, weights, -1, 0.0, backward, u_const, d_const, work)
        _run.on(threads)(prog, program.n_qubits, dprog.steps, tables, x, weights, u_const,
                         d_const, *paulis, scale, coefs, backward, picks, workers, n_keep,
                         program.max_factors, program.n_feature_blocks, slot_weight,
                         slot_scale, terms, s1, s2)
    if not backward:
        return TrajectoryRun(terms, None, None)
    per_sample = (n_samples, -1, n_w)
    return TrajectoryRun(terms, s1.reshape(per_sample).sum(axis=1)[:, :program.n_weights],
                         s2.reshape(per_sample).sum(axis=1)[:, :program.n_weights])
