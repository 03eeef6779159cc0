"""The batch driver: small states, threads over chunks of interleaved samples.

Threads take chunks of ``lanes`` (up to 8) samples stored *interleaved*: amplitude ``i`` of
lane ``l`` sits at ``i * lanes + l``, so with 8 lanes the chunk is one state of ``n + 3`` bits
whose 3 lowest bits are the sample. A block whose matrix is shared by all samples (weights and
constants only) is then applied once to the whole chunk at bit ``t + 3`` — long contiguous
loops that vectorise even for the lowest wire bits — and its reduced matrix ``R`` is summed
over the lanes, which is exactly what the summed gradient needs. Blocks that read data
features are applied lane by lane. The chunk's states stay in cache through each pass.

Two drivers: :func:`run_forward` (values, and what a backward pass needs: the final states,
kept layers and per-sample set-up) and :func:`run_backward` (the gradients). They are two
code libraries, so on a cold cache the two compile in two processes at once (see
:mod:`.compile_helper`); the backward one reads every block matrix from the forward pass, so
its code holds none of the block-matrix kernels.

*Kept layers*: the backward pass undoes each block on ψ and on λ and takes its reduced matrix
(three sweeps). For a layer of one-wire blocks (:attr:`.Program.layer_runs`) the forward pass
may keep the chunk's state before the layer (``layer_states``, given by the caller within
its memory budget); the backward pass then takes every block's reduced matrix from ψ and λ
after the layer (:func:`.kernels.layer_reduced2`, two blocks per read of ψ and λ), undoes λ
alone, and picks the kept ψ up: one and a half sweeps per block instead of three. Where a
permutation comes right before the layer (the CNOT ring of the layer before), the state
before the permutation is kept instead, and the backward pass moves λ alone back through it
(W2 has four such rings). Both passes apply (undo) a layer's blocks two per pass
(:func:`.kernels.rotate_two`).
"""

from __future__ import annotations

import numpy as np
from numba import prange

from qmlstudio.engine._jit import allocating_kernel, kernel, parallel_kernel
from qmlstudio.engine.block_matrices import block_matrices
from qmlstudio.engine.block_steps import (
    add_gradients,
    add_lead_gradients,
    apply_block,
    backward_block,
    has_weights,
    lead_gradients,
    start_tables,
)
from qmlstudio.engine.diagonal_runs import MIN_RUN, multiply_diagonal_run, run_end, run_start
from qmlstudio.engine.kernels import (
    gather,
    layer_reduced1,
    layer_reduced2,
    rotate_two,
    undo_costate1,
)
from qmlstudio.engine.leading_layer import (
    boundary_contractions,
    product_expectation,
    product_reduced_matrices,
)
from qmlstudio.engine.measure import lane_costate, lane_expectations, product_amplitudes
from qmlstudio.engine.program import DENSE1, PERM

__all__ = ["MAX_LANES_LOG2", "chunks_for", "kept_setup_size", "lanes_log2_for",
           "run_backward", "run_forward"]

MAX_LANES_LOG2 = 3
"""At most 2**3 = 8 samples are interleaved in one chunk (a few AVX registers wide)."""


def lanes_log2_for(n_samples: int) -> int:
    """log2 of the lanes per chunk: a single sample is not padded to eight."""
    return min(MAX_LANES_LOG2, (n_samples - 1).bit_length())


def chunks_for(n_samples: int) -> int:
    """How many chunks of interleaved lanes ``n_samples`` samples take."""
    return ((n_samples - 1) >> lanes_log2_for(n_samples)) + 1


def kept_setup_size(n: int, lanes: int, n_feature_blocks: int, n_slots: int) -> int:
    """Complex entries of one chunk's kept set-up (see :func:`run_forward`): per lane, the
    feature blocks' 4×4 matrices, the weight slots' 4×4 derivatives, the product state's
    wire vectors and its two half tables, each kind for all lanes in turn."""
    return lanes * (16 * (n_feature_blocks + n_slots) + 2 * n + (1 << (n - n // 2))
                    + (1 << (n // 2)))


@kernel
def _to_lane(src_re, src_im, re, im, lane, lanes):
    """Copy one sample's state into its lane of the interleaved chunk."""
    # Element loops, not slice assignment: numba compiles a slice copy's shape-check error
    # path (string formatting) for seconds on a cold cache.
    for i in range(src_re.shape[0]):
        re[i * lanes + lane] = src_re[i]
        im[i * lanes + lane] = src_im[i]


@kernel
def _from_lane(re, im, dst_re, dst_im, lane, lanes):
    """Copy one lane of the interleaved chunk out as a sample's state."""
    for i in range(dst_re.shape[0]):
        dst_re[i] = re[i * lanes + lane]
        dst_im[i] = im[i * lanes + lane]


@kernel
def _keep(re, im, layer_states, c, layer):
    """Copy the chunk's state into its slot of the kept layer states."""
    kept_re, kept_im = layer_states[c, layer, 0], layer_states[c, layer, 1]
    for i in range(re.shape[0]):
        kept_re[i] = re[i]
        kept_im[i] = im[i]


@kernel
def _kept_before(prog, layer_runs, use_product, op):
    """Whether block ``op`` is a permutation right before a layer, whose kept state is then
    the one before ``op`` (see the module docstring)."""
    return (op >= 0 and op + 1 < len(prog.op_kind) and prog.op_kind[op] == PERM
            and layer_runs[op + 1] >= 0 and not (use_product and prog.op_lead[op]))


@kernel
def _rotate_layer_pair(prog, a, b, u_const, re, im, lanes_log2, adjoint):
    """Apply blocks ``a`` and ``b`` of one layer (undo them, with ``adjoint``) to the chunk
    in one pass (:func:`.kernels.rotate_two`)."""
    hi, lo = (a, b) if prog.op_t0[a] > prog.op_t0[b] else (b, a)
    # one call: each call site is another inlined copy of the kernel's loops to compile
    rotate_two(re, im, prog.op_t0[hi] + lanes_log2, u_const[hi], prog.op_t0[lo] + lanes_log2,
               u_const[lo], adjoint)


@kernel
def _product_only(prog):
    """Whether every block is a leading one-wire block: from |0…0⟩ the circuit ends in the
    product state, measured and differentiated wire by wire (see :mod:`.leading_layer`)."""
    for op in range(len(prog.op_kind)):
        if not (prog.op_lead[op] and prog.op_kind[op] == DENSE1):
            return False
    return len(prog.op_kind) > 0


@kernel
def _per_sample(prog, op, use_product):
    """Whether block ``op`` is applied lane by lane (it reads features and is not part of
    the product-state leading layer)."""
    return prog.op_fslot[op] >= 0 and not (use_product and prog.op_lead[op])


@allocating_kernel
def _setup_views(kept_setups, c, lanes, n, n_feature_blocks, n_slots):
    """Views of chunk ``c``'s per-sample set-up in its row of ``kept_setups`` (the layout of
    :func:`kept_setup_size`): its lanes' feature-block matrices and weight derivatives,
    product-state wire vectors and half tables."""
    h = n // 2
    setup = kept_setups[c]
    s1 = lanes * n_feature_blocks * 16
    s2 = s1 + lanes * n_slots * 16
    s3 = s2 + lanes * n * 2
    s4 = s3 + lanes * (1 << (n - h))
    return (setup[:s1].reshape((lanes, n_feature_blocks, 4, 4)),
            setup[s1:s2].reshape((lanes, n_slots, 4, 4)),
            setup[s2:s3].reshape((lanes, n, 2)),
            setup[s3:s4].reshape((lanes, 1 << (n - h))),
            setup[s4:].reshape((lanes, 1 << h)))


@kernel
def _chunk_setup(prog, n, x, weights, shift_factor, shift, with_derivs, u_const, d_const,
                 first, n_active, use_product, u_feat, d_feat, vectors, tab_hi, tab_lo, work):
    """Each lane's per-sample set-up: its feature blocks' matrices (and, ``with_derivs``,
    their weight derivatives) and, with the product-state leading layer, its tables. Spare
    lanes repeat the chunk's last sample."""
    for lane in range(u_feat.shape[0]):
        b = first + min(lane, n_active - 1)
        # block_matrices itself, not its wrapper sample_matrices (the large-state driver's
        # entry from Python): one level less to link on a cold compile
        block_matrices(prog, True, x[b], weights, shift_factor, shift, with_derivs,
                       u_feat[lane], d_feat[lane], True, u_const, d_const, work)
        if use_product:
            start_tables(prog, n, u_const, u_feat[lane], vectors[lane], tab_hi[lane],
                          tab_lo[lane], work[0])


@parallel_kernel
def run_forward(prog, n, x, weights, init_re, init_im, lead_fwd, flip, zmask, ny,
                backward_follows, sweep, chunk0, n_chunks, u_const, d_const, shift_factor,
                shift, max_factors, n_feature_blocks, lanes_log2, values, states_re,
                states_im, layer_runs, layer_states, final_kept, kept_setups):
    """The forward pass for a batch of small states, parallel over chunks of lanes: the
    expectation values, and what a backward pass (:func:`run_backward`) will need.

    First (with ``sweep``) it fills ``u_const``/``d_const`` (zeros on entry) with the
    sample-independent block matrices (their derivatives only if ``backward_follows``): done
    here rather than by :func:`.block_matrices.constant_block_matrices` from Python, a small
    circuit's first run compiles no Python entry (with its wrappers) for them, about 1 s of
    CPU.
    ``lead_fwd`` is :attr:`.Program.lead_tables`' first table (used without initial
    states). The final states are stored in ``states_re/im`` if they have rows.
    ``layer_runs`` is :attr:`.Program.layer_runs`; ``layer_states`` (chunks, layers, 2,
    chunk size) receives the kept layers' input states (see the module docstring), or has no
    rows: no layer is kept (before a permutation right before a layer, the state before
    it). With ``final_kept`` its last slot receives each chunk's final
    state, interleaved as the chunk is (no lane is copied out). ``kept_setups`` (one row of
    :func:`kept_setup_size` per chunk run) receives each chunk's per-sample set-up,
    derivatives included, for the backward pass (which never computes it); with no rows,
    nothing is kept. The call runs the chunks ``chunk0`` to ``chunk0 + n_chunks``; without
    ``sweep`` it only fills their set-up (for a backward pass whose set-ups did not all fit
    in memory at once: see :func:`.simulate._run_batch`).

    Per-sample work (feature blocks, measurement) copies a lane out into contiguous
    single-sample buffers and back, rather than working on strided lane views: every kernel
    then sees one array layout only, which halves the engine's compile time.
    """
    lanes = 1 << lanes_log2
    dim = 1 << n
    size = dim << lanes_log2
    n_samples = x.shape[0]
    n_obs = flip.shape[0]
    n_ops = len(prog.op_kind)
    use_product = init_re.shape[0] == 0
    product_only = use_product and _product_only(prog)
    keep_layers = layer_states.shape[0] > 0
    h = n // 2
    const_work = np.empty((3 * max_factors + 2, 4, 4), dtype=np.complex128)
    # split: the constant part of each encoding-then-weights block once, here (see there)
    if sweep:  # a set-up-only call finds them filled by the sweep before it
        block_matrices(prog, False, x[0], weights, shift_factor, shift, backward_follows,
                       u_const, d_const, True, u_const, d_const, const_work)
    n_slots = d_const.shape[0]
    keep_setups = kept_setups.shape[0] > 0
    for i in prange(n_chunks):
        c = chunk0 + i
        if keep_setups:
            u_feat, d_feat, vectors, tab_hi, tab_lo = _setup_views(
                kept_setups, i, lanes, n, n_feature_blocks, n_slots)
        else:
            u_feat = np.empty((lanes, n_feature_blocks, 4, 4), dtype=np.complex128)
            d_feat = np.empty((lanes, n_slots, 4, 4), dtype=np.complex128)
            vectors = np.empty((lanes, n, 2), dtype=np.complex128)
            tab_hi = np.empty((lanes, 1 << (n - h)), dtype=np.complex128)
            tab_lo = np.empty((lanes, 1 << h), dtype=np.complex128)
        work = np.empty((3 * max_factors + 2, 4, 4), dtype=np.complex128)
        first = c * lanes
        n_active = min(lanes, n_samples - first)
        # the derivatives only when they are kept for the backward pass
        _chunk_setup(prog, n, x, weights, shift_factor, shift,
                     backward_follows and keep_setups, u_const, d_const, first, n_active,
                     use_product, u_feat, d_feat, vectors, tab_hi, tab_lo, work)
        if not sweep:
            continue
        if product_only:  # no state, unless it is asked for
            for lane in range(n_active):
                for k in range(n_obs):
                    values[first + lane, k] = product_expectation(n, vectors[lane], flip[k],
                                                                  zmask[k], ny[k])
                if states_re.shape[0] > 0:
                    product_amplitudes(states_re[first + lane], states_im[first + lane],
                                       tab_hi[lane], tab_lo[lane], h, lead_fwd, 0, dim, 0, 0)
            continue
        re = np.empty(size)
        im = np.empty(size)
        sre = np.empty(size)
        sim = np.empty(size)
        bre = np.empty(dim)
        bim = np.empty(dim)
        t_hi = np.empty(1 << (n - h), dtype=np.complex128)
        t_lo = np.empty(1 << h, dtype=np.complex128)
        cross = np.empty((1 << (n - h), h, 2), dtype=np.complex128)  # see .diagonal_runs
        diag_re = np.empty(1 << h)
        diag_im = np.empty(1 << h)
        for lane in range(lanes):
            b = first + min(lane, n_active - 1)
            if use_product:
                product_amplitudes(re, im, tab_hi[lane], tab_lo[lane], h, lead_fwd, 0, dim,
                                   lanes_log2, lane)
            else:
                row = b if init_re.shape[0] > 1 else 0
                _to_lane(init_re[row], init_im[row], re, im, lane, lanes)
        op = 0
        while op < n_ops:
            if use_product and prog.op_lead[op]:
                op += 1
            elif prog.op_fslot[op] < 0:
                layer = layer_runs[op]
                # a layer's input state, kept for the backward pass; not the first block's:
                # the backward pass stops after the first layer (nothing before it to undo)
                if keep_layers:
                    if _kept_before(prog, layer_runs, use_product, op):
                        _keep(re, im, layer_states, c, layer_runs[op + 1])
                    elif (layer >= 0 and op > 0 and layer_runs[op - 1] != layer
                          and not _kept_before(prog, layer_runs, use_product, op - 1)):
                        _keep(re, im, layer_states, c, layer)
                if layer >= 0 and op + 1 < n_ops and layer_runs[op + 1] == layer:
                    _rotate_layer_pair(prog, op, op + 1, u_const, re, im, lanes_log2, False)
                    op += 2
                    continue
                apply_block(prog, op, u_const[op], re, im, sre, sim, lanes_log2, 0, size)
                if prog.op_kind[op] == PERM:
                    re, sre = sre, re
                    im, sim = sim, im
                op += 1
            else:
                end = op + 1
                while end < n_ops and _per_sample(prog, end, use_product):
                    end += 1
                for lane in range(lanes):
                    _from_lane(re, im, bre, bim, lane, lanes)
                    o = op
                    while o < end:
                        stop = run_end(prog, o, end)
                        if stop - o >= MIN_RUN:
                            multiply_diagonal_run(prog, o, stop, u_feat[lane], n,
                                                  (bre, bim, bre, bim), 1, False, t_hi, t_lo,
                                                  cross, diag_re, diag_im)
                            o = stop
                        else:
                            apply_block(prog, o, u_feat[lane, prog.op_fslot[o]], bre, bim,
                                        sre, sim, 0, 0, dim)
                            o += 1
                    _to_lane(bre, bim, re, im, lane, lanes)
                op = end
        lane_expectations(re, im, flip, zmask, ny, lanes_log2, values, first, n_active)
        if states_re.shape[0] > 0:
            for lane in range(n_active):
                _from_lane(re, im, states_re[first + lane], states_im[first + lane], lane,
                           lanes)
        if final_kept:
            _keep(re, im, layer_states, c, layer_states.shape[1] - 1)


@parallel_kernel
def run_backward(prog, n, lead_inv, flip, zmask, ny, use_product, n_samples, cot, chunk0,
                 u_const, d_const, n_feature_blocks, lanes_log2, grad_chunks, states_re,
                 states_im, layer_runs, layer_states, final_kept, kept_setups):
    """The backward pass after :func:`run_forward` (given the same ``u_const``/``d_const``
    and ``layer_states``, its final states in ``states_re/im`` or, with ``final_kept``, in
    the last slot of ``layer_states``, and in ``kept_setups`` the set-up of the chunks
    ``chunk0`` to ``chunk0 + len(kept_setups)``, which this call runs): adds, per chunk of
    lanes, the gradient of Σ_b Σ_k ``cot[b, k]`` ⟨P_k⟩_b (b < ``n_samples``) into its row of
    ``grad_chunks``.
    The last chunk's spare lanes get a zero costate. ``use_product``: the forward pass
    started from the product-state leading layer (no initial states); ``lead_inv`` is
    :attr:`.Program.lead_tables`' second table. It computes no block matrix (they are all
    kept), so its code holds none of that.
    """
    lanes = 1 << lanes_log2
    dim = 1 << n
    size = dim << lanes_log2
    n_ops = len(prog.op_kind)
    keep_layers = layer_states.shape[0] > 0
    product_only = use_product and _product_only(prog)
    h = n // 2
    for i in prange(kept_setups.shape[0]):
        c = chunk0 + i
        sre = np.empty(size)
        sim = np.empty(size)
        lre = np.empty(size)
        lim = np.empty(size)
        slre = np.empty(size)
        slim = np.empty(size)
        bre = np.empty(dim)
        bim = np.empty(dim)
        blre = np.empty(dim)
        blim = np.empty(dim)
        u_feat, d_feat, vectors, tab_hi, tab_lo = _setup_views(
            kept_setups, i, lanes, n, n_feature_blocks, d_const.shape[0])
        # empty, not zeros: both are cleared before each use, and numba compiles np.zeros
        # once more for every shape it is given (a cold compile's cost)
        r = np.empty((4, 4), dtype=np.complex128)
        r2 = np.empty((4, 4), dtype=np.complex128)
        reduced = np.empty((n, 4, 4), dtype=np.complex128)
        t_hi = np.empty(1 << (n - h), dtype=np.complex128)
        t_lo = np.empty(1 << h, dtype=np.complex128)
        cross = np.empty((1 << (n - h), h, 2), dtype=np.complex128)  # see .diagonal_runs
        diag_re = np.empty(1 << h)
        diag_im = np.empty(1 << h)
        grad = grad_chunks[c]
        first = c * lanes
        n_active = min(lanes, n_samples - first)
        if product_only:  # every gradient from the wires' vectors (see the forward pass)
            wire_values = np.empty(n)
            for lane in range(n_active):
                product_reduced_matrices(n, vectors[lane], flip, zmask, ny, cot[first + lane],
                                         wire_values, reduced)
                add_lead_gradients(prog, n, d_const, d_feat[lane], reduced, grad)
            continue
        if final_kept:  # the kept final state is this chunk's buffer from here on
            re = layer_states[c, layer_states.shape[1] - 1, 0]
            im = layer_states[c, layer_states.shape[1] - 1, 1]
        else:
            re = np.empty(size)
            im = np.empty(size)
            for lane in range(lanes):
                b = first + min(lane, n_active - 1)
                _to_lane(states_re[b], states_im[b], re, im, lane, lanes)
        lane_costate(re, im, lre, lim, flip, zmask, ny, cot, first, n_active, lanes_log2)
        op = n_ops - 1
        while op >= 0:
            if use_product and prog.op_lead[op]:
                op -= 1
            elif keep_layers and layer_runs[op] >= 0:
                layer = layer_runs[op]
                start = op
                while start > 0 and layer_runs[start - 1] == layer:
                    start -= 1
                o = op
                while o >= start:  # two blocks per read of ψ and λ where two have weights
                    if not has_weights(prog, o):
                        o -= 1
                        continue
                    r[:] = 0
                    other = o - 1
                    while other >= start and not has_weights(prog, other):
                        other -= 1
                    if other < start:
                        layer_reduced1(re, im, lre, lim, prog.op_t0[o] + lanes_log2,
                                       u_const[o], 0, size >> 1, r)
                    else:
                        r2[:] = 0
                        hi_op, lo_op = (o, other) if prog.op_t0[o] > prog.op_t0[other] else (
                            other, o)
                        layer_reduced2(re, im, lre, lim, prog.op_t0[hi_op] + lanes_log2,
                                       u_const[hi_op], r if hi_op == o else r2,
                                       prog.op_t0[lo_op] + lanes_log2, u_const[lo_op],
                                       r2 if hi_op == o else r, 0, size >> 2)
                        add_gradients(prog.fac_wslot, prog.op_f0[other], prog.op_f1[other],
                                      DENSE1, d_const, r2, grad)
                    add_gradients(prog.fac_wslot, prog.op_f0[o], prog.op_f1[o], DENSE1,
                                  d_const, r, grad)
                    o = other - 1
                if start == 0 and not use_product:
                    break  # the first block: no block before it wants λ or ψ
                o = op
                while o > start:
                    _rotate_layer_pair(prog, o, o - 1, u_const, lre, lim, lanes_log2, True)
                    o -= 2
                if o == start:
                    undo_costate1(lre, lim, prog.op_t0[o] + lanes_log2, u_const[o], 0,
                                  size >> 1)
                if _kept_before(prog, layer_runs, use_product, start - 1):
                    gather((lre, lim), (slre, slim), prog.perm_inv[prog.op_perm[start - 1]],
                           lanes_log2, 0, size)
                    lre, slre = slre, lre
                    lim, slim = slim, lim
                    start -= 1  # ψ from before the permutation is kept
                re = layer_states[c, layer, 0]
                im = layer_states[c, layer, 1]
                op = start - 1
            elif prog.op_fslot[op] < 0:
                r[:] = 0
                backward_block(prog, op, u_const[op], re, im, lre, lim, sre, sim, slre, slim,
                               lanes_log2, 0, size, r)
                if prog.op_kind[op] == PERM:
                    re, sre = sre, re
                    im, sim = sim, im
                    lre, slre = slre, lre
                    lim, slim = slim, lim
                else:
                    add_gradients(prog.fac_wslot, prog.op_f0[op], prog.op_f1[op],
                                  prog.op_kind[op], d_const, r, grad)
                op -= 1
            else:
                start = op
                while start > 0 and _per_sample(prog, start - 1, use_product):
                    start -= 1
                for lane in range(lanes):
                    _from_lane(re, im, bre, bim, lane, lanes)
                    _from_lane(lre, lim, blre, blim, lane, lanes)
                    o = op
                    while o >= start:
                        first_op = run_start(prog, o, start)
                        if o + 1 - first_op >= MIN_RUN:
                            multiply_diagonal_run(prog, first_op, o + 1, u_feat[lane], n,
                                                  (bre, bim, blre, blim), 2, True, t_hi,
                                                  t_lo, cross, diag_re, diag_im)
                            o = first_op - 1
                        else:
                            r[:] = 0
                            backward_block(prog, o, u_feat[lane, prog.op_fslot[o]], bre,
                                           bim, blre, blim, sre, sim, slre, slim, 0, 0, dim,
                                           r)
                            add_gradients(prog.fac_wslot, prog.op_f0[o], prog.op_f1[o],
                                          prog.op_kind[o], d_feat[lane], r, grad)
                            o -= 1
                    _to_lane(bre, bim, re, im, lane, lanes)
                    _to_lane(blre, blim, lre, lim, lane, lanes)
                op = start - 1
        if use_product:
            for lane in range(lanes):
                t_lo[:] = 0
                boundary_contractions(lre, lim, tab_hi[lane], tab_lo[lane], h, lead_inv, 0,
                                      1 << (n - h), t_hi, t_lo, lanes_log2, lane)
                lead_gradients(prog, n, vectors[lane], t_hi, t_lo, d_const, d_feat[lane],
                                reduced, grad)
