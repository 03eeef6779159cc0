"""The batch driver: small states, threads over chunks of interleaved samples.

Threads take chunks of :data:`LANES` samples stored *interleaved*: amplitude ``i`` of lane
``l`` sits at ``i * LANES + l``, so the chunk is one state of ``n + 3`` bits whose 3 lowest bits
are the sample. A block whose matrix is shared by all samples (weights and constants only) is
then applied once to the whole chunk at bit ``t + 3`` — long contiguous loops that vectorise
even for the lowest wire bits — and its reduced matrix ``R`` is summed over the lanes, which is
exactly what the summed gradient needs. Blocks that read data features are applied lane by
lane. The chunk's states stay in cache for the whole forward and backward pass.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import parallel_kernel
from .block_steps import (
    add_gradients,
    apply_block,
    backward_block,
    lead_gradients,
    sample_matrices,
    start_tables,
)
from .leading_layer import boundary_contractions
from .measure import costate, expectation, product_amplitudes
from .program import PERM

__all__ = ["LANES", "run_batch"]

LANES_LOG2 = 3
LANES = 1 << LANES_LOG2
"""Samples interleaved in one chunk."""


@parallel_kernel
def run_batch(prog, n, x, weights, init_re, init_im, flip, zmask, ny, cot, do_forward,
               do_backward, u_const, d_const, shift_factor, shift, max_factors,
               n_feature_blocks, values, grad_chunks, states_re, states_im):
    """Forward and/or backward for a batch of small states, parallel over chunks of lanes.

    Without ``do_forward`` the final states are read from ``states_re/im`` (phase two of a
    vjp whose cotangent needed the values first); with it they are stored there if given.
    The last chunk's spare lanes repeat the last sample, with a zero costate.
    """
    dim = 1 << n
    size = dim << LANES_LOG2
    n_samples = x.shape[0]
    n_obs = flip.shape[0]
    n_ops = len(prog.op_kind)
    n_slots = d_const.shape[0]
    use_product = init_re.shape[0] == 0
    keep_states = states_re.shape[0] > 0
    h = n // 2
    for c in prange((n_samples + LANES - 1) // LANES):
        re = np.empty(size)
        im = np.empty(size)
        sre = np.empty(size)
        sim = np.empty(size)
        lre = np.empty(size)
        lim = np.empty(size)
        slre = np.empty(size)
        slim = np.empty(size)
        u_feat = np.empty((LANES, n_feature_blocks, 4, 4), dtype=np.complex128)
        d_feat = np.empty((LANES, n_slots, 4, 4), dtype=np.complex128)
        work = np.empty((3 * max_factors + 2, 4, 4), dtype=np.complex128)
        r = np.zeros((4, 4), dtype=np.complex128)
        reduced = np.zeros((n, 4, 4), dtype=np.complex128)
        vectors = np.empty((LANES, n, 2), dtype=np.complex128)
        tab_hi = np.empty((LANES, 1 << (n - h)), dtype=np.complex128)
        tab_lo = np.empty((LANES, 1 << h), dtype=np.complex128)
        t_hi = np.empty(1 << (n - h), dtype=np.complex128)
        t_lo = np.empty(1 << h, dtype=np.complex128)
        zero_cot = np.zeros(n_obs)
        grad = grad_chunks[c]
        first = c * LANES
        n_active = min(LANES, n_samples - first)
        for lane in range(LANES):
            b = first + min(lane, n_active - 1)
            sample_matrices(prog, x[b], weights, shift_factor, shift, do_backward,
                             u_feat[lane], d_feat[lane], work)
            if use_product:
                start_tables(prog, n, u_const, u_feat[lane], vectors[lane], tab_hi[lane],
                              tab_lo[lane])
        if do_forward:
            for lane in range(LANES):
                b = first + min(lane, n_active - 1)
                if use_product:
                    product_amplitudes(re[lane::LANES], im[lane::LANES], tab_hi[lane],
                                       tab_lo[lane], h, 0, dim)
                else:
                    row = b if init_re.shape[0] > 1 else 0
                    re[lane::LANES] = init_re[row]
                    im[lane::LANES] = init_im[row]
            for op in range(n_ops):
                if use_product and prog.op_lead[op]:
                    continue
                slot = prog.op_fslot[op]
                if slot >= 0:
                    for lane in range(LANES):
                        apply_block(prog, op, u_feat[lane, slot], re[lane::LANES],
                                     im[lane::LANES], sre, sim, 0, 0, dim)
                    continue
                apply_block(prog, op, u_const[op], re, im, sre, sim, LANES_LOG2, 0, size)
                if prog.op_kind[op] == PERM:
                    re, sre = sre, re
                    im, sim = sim, im
            for lane in range(n_active):
                for k in range(n_obs):
                    values[first + lane, k] = expectation(re[lane::LANES], im[lane::LANES],
                                                          flip[k], zmask[k], ny[k], 0, dim)
                if keep_states:
                    states_re[first + lane] = re[lane::LANES]
                    states_im[first + lane] = im[lane::LANES]
        else:
            for lane in range(LANES):
                b = first + min(lane, n_active - 1)
                re[lane::LANES] = states_re[b]
                im[lane::LANES] = states_im[b]
        if not do_backward:
            continue
        for lane in range(LANES):
            coef = cot[first + lane] if lane < n_active else zero_cot
            costate(re[lane::LANES], im[lane::LANES], lre[lane::LANES], lim[lane::LANES],
                    flip, zmask, ny, coef, 0, dim)
        for op in range(n_ops - 1, -1, -1):
            if use_product and prog.op_lead[op]:
                continue
            slot = prog.op_fslot[op]
            if slot >= 0:
                for lane in range(LANES):
                    r[:] = 0
                    backward_block(prog, op, u_feat[lane, slot], re[lane::LANES],
                                    im[lane::LANES], lre[lane::LANES], lim[lane::LANES],
                                    sre, sim, slre, slim, 0, 0, dim, r)
                    add_gradients(prog, op, d_feat[lane], r, grad)
                continue
            r[:] = 0
            backward_block(prog, op, u_const[op], re, im, lre, lim, sre, sim, slre, slim,
                            LANES_LOG2, 0, size, r)
            if prog.op_kind[op] == PERM:
                re, sre = sre, re
                im, sim = sim, im
                lre, slre = slre, lre
                lim, slim = slim, lim
            else:
                add_gradients(prog, op, d_const, r, grad)
        if use_product:
            for lane in range(LANES):
                t_lo[:] = 0
                boundary_contractions(lre[lane::LANES], lim[lane::LANES], tab_hi[lane],
                                      tab_lo[lane], h, 0, 1 << (n - h), t_hi, t_lo)
                lead_gradients(prog, n, vectors[lane], t_hi, t_lo, d_const, d_feat[lane],
                                reduced, grad)
