"""Memory guard: refuse a simulation that cannot fit before allocating anything."""

from __future__ import annotations

import os

from qmlstudio.core import CircuitError
from qmlstudio.core.wording import counted

__all__ = ["MAX_SIMULATED_QUBITS", "NEVER_REFUSED_BYTES", "available_bytes", "check_memory",
           "human_bytes", "memory_breakdown", "simulation_bytes"]

MAX_SIMULATED_QUBITS = 30
"""Largest state the engine simulates (gather tables index amplitudes with int32)."""

NEVER_REFUSED_BYTES = 64 << 20
"""A simulation needing less than this runs without asking the system for its free memory:
reading ``/proc/meminfo`` costs 20–50 µs, more than a small circuit's whole vjp, and a
machine that runs Python at all has these 64 MiB."""

_PLANES = 8  # ψ, λ and a scratch copy of each, as real and imaginary float64 planes


def available_bytes() -> int:
    """Memory the system can give us now (MemAvailable on Linux, physical pages elsewhere)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 1 << 62


def _parts(n_qubits: int, n_samples: int, n_threads: int,
           kept_states: int) -> tuple[int, int, int, int]:
    """(working bytes per thread, threads with a working copy, gather-table bytes, bytes of
    the kept final states): what :func:`simulation_bytes` adds up."""
    dim = 1 << n_qubits
    per_thread = _PLANES * 8 * dim
    threads = max(1, min(n_threads, n_samples))
    tables = 2 * 4 * dim  # one permutation run's forward and inverse gather tables
    return per_thread, threads, tables, 16 * dim * kept_states


def simulation_bytes(n_qubits: int, n_samples: int, n_threads: int, kept_states: int) -> int:
    """Bytes a simulation of ``n_samples`` states of ``n_qubits`` qubits allocates, keeping
    ``kept_states`` final states."""
    per_thread, threads, tables, states = _parts(n_qubits, n_samples, n_threads, kept_states)
    return per_thread * threads + tables + states


def memory_breakdown(n_qubits: int, n_samples: int, n_threads: int, kept_states: int) -> str:
    """What :func:`simulation_bytes` counts, in words: ``"176.0 GiB (… bytes): 128.0 GiB for
    the state and the gradient pass's buffers …"`` (the one wording of the memory guard)."""
    per_thread, threads, tables, states = _parts(n_qubits, n_samples, n_threads, kept_states)
    needed = per_thread * threads + tables + states
    per = "" if threads == 1 else f": {human_bytes(per_thread)} per thread × {threads} threads"
    kept = "" if not kept_states else (
        f" and {human_bytes(states)} for the "
        f"{'final state' if kept_states == 1 else f'{kept_states} final states'} kept")
    return (f"{human_bytes(needed)} ({needed:,} bytes): {human_bytes(per_thread * threads)} "
            f"for the state "
            f"and the gradient pass's buffers (ψ, λ and a scratch copy of each, in float64"
            f"{per}), {human_bytes(tables)} of gather tables{kept}")


def human_bytes(n_bytes: int) -> str:
    """``n_bytes`` in the largest binary unit that keeps the number at least 1 (``4.0 GiB``)."""
    size = float(n_bytes)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if size < 1024 or unit == "PiB":
            return f"{size:.1f} {unit}" if unit != "bytes" else f"{n_bytes} bytes"
        size /= 1024
    raise AssertionError("unreachable")


def check_memory(n_qubits: int, n_samples: int, n_threads: int, kept_states: int) -> None:
    """Raise :class:`CircuitError` naming the bytes needed, and what they are for, if the
    simulation cannot fit."""
    needed = simulation_bytes(n_qubits, n_samples, n_threads, kept_states)
    if n_qubits > MAX_SIMULATED_QUBITS:
        raise CircuitError(
            f"simulating {n_qubits} qubits needs "
            f"{memory_breakdown(n_qubits, n_samples, n_threads, kept_states)}; "
            f"the engine simulates at most {MAX_SIMULATED_QUBITS} qubits"
        )
    if needed < NEVER_REFUSED_BYTES:
        return
    free = available_bytes()
    if needed > free:
        raise CircuitError(
            f"simulating {n_qubits} qubits for {counted(n_samples, 'sample')} needs "
            f"{memory_breakdown(n_qubits, n_samples, n_threads, kept_states)}; "
            f"only {human_bytes(free)} is available"
        )
