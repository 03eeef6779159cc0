"""Memory guard: refuse a simulation that cannot fit before allocating anything."""

from __future__ import annotations

import os

from qmlstudio.core import CircuitError

__all__ = ["MAX_SIMULATED_QUBITS", "NEVER_REFUSED_BYTES", "available_bytes", "check_memory",
           "simulation_bytes"]

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


def simulation_bytes(n_qubits: int, n_samples: int, n_threads: int, kept_states: int) -> int:
    """Bytes a simulation of ``n_samples`` states of ``n_qubits`` qubits allocates, keeping
    ``kept_states`` final states."""
    dim = 1 << n_qubits
    working = _PLANES * 8 * dim * max(1, min(n_threads, n_samples))
    tables = 2 * 4 * dim  # one permutation run's forward and inverse gather tables
    states = 16 * dim * kept_states
    return working + tables + states


def _human(n_bytes: int) -> str:
    size = float(n_bytes)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if size < 1024 or unit == "PiB":
            return f"{size:.1f} {unit}" if unit != "bytes" else f"{n_bytes} bytes"
        size /= 1024
    raise AssertionError("unreachable")


def check_memory(n_qubits: int, n_samples: int, n_threads: int, kept_states: int) -> None:
    """Raise :class:`CircuitError` naming the bytes needed if the simulation cannot fit."""
    needed = simulation_bytes(n_qubits, n_samples, n_threads, kept_states)
    if n_qubits > MAX_SIMULATED_QUBITS:
        raise CircuitError(
            f"simulating {n_qubits} qubits needs {_human(needed)} ({needed:,} bytes); "
            f"the engine simulates at most {MAX_SIMULATED_QUBITS} qubits"
        )
    if needed < NEVER_REFUSED_BYTES:
        return
    free = available_bytes()
    if needed > free:
        raise CircuitError(
            f"simulating {n_qubits} qubits for {n_samples} sample(s) needs {_human(needed)} "
            f"({needed:,} bytes) but only {_human(free)} is available"
        )
