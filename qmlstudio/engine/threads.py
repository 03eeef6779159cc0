"""How many threads an engine call uses: from its work, the user's choice and the free cores.

**The user's choice** comes first: a ``threads=`` argument of an engine call, else the
innermost :func:`using_threads` block of the calling thread (the estimators, the CLI's
``--threads`` and the app's Preferences set one), else automatic. A number is used as given,
capped by :func:`thread_cap`: numba's pool size, which ``NUMBA_NUM_THREADS`` sets, and the
CPUs this process may run on.

**Automatic** picks, per call, the smallest of

* the work: one thread per :data:`WORK_PER_THREAD` amplitude updates (amplitudes × samples ×
  blocks), so a small circuit runs on one thread — the drivers' serial twins, with no parallel
  region, no thread pool and no lock at all;
* the driver's independent tasks (chunks of 8 samples, or of 32768 amplitudes);
* the cores other processes leave free (:func:`free_cores`): parallel kernels that must wait
  for a core held by a browser, an IDE or another job are slower than one thread (every
  thread gets an equal share of the work; the one that shares its core finishes last, and
  the others spin at the barrier meanwhile), so a core that is busy elsewhere is not used.

How the load is seen, measured on this 2-core Linux machine (``bench_threads.py``): the
``/proc/stat`` counters (all CPUs' busy time since boot) minus this process's own CPU time,
over the time since the last look, give the cores other processes kept busy. That window
reaches back to the previous large call, which may be seconds ago: a job that ran in between
and has stopped would still count. So the tasks running at this instant (``/proc/loadavg``'s
fourth field, less the thread that looks) bound it: a core counts as held only if the
window says so and something other than this thread is running now. (Measured: a benchmark
that alternates our calls with another process's two-thread calls saw the machine busy at
every call and ran W2 on one thread, 80 ms instead of 49.) A steady job — a spinning
process, a training run — is seen both ways. One look costs
about 60 µs here (the kernel writes the whole file) and is taken at most every
:data:`LOAD_INTERVAL_S` seconds, and only for calls big enough to go parallel (milliseconds
each), so it adds under 0.1 %. The alternatives: ``os.getloadavg`` (0.7 µs) is a one-minute
average that still shows a finished job for a minute and counts our own threads — it is only
the first guess, before there is an interval to measure; ``os.sched_getaffinity`` says which
cores we may use, not whether they are free; timing each parallel call against its serial
twin now and then would spend a slow run exactly on the large calls where it hurts. With the
machine loaded by other jobs (load average 6–8), two threads forced on W3 took 2.4 s where one
took 0.23 s; automatic chose one thread and matched it. Where ``/proc/stat`` does not exist,
the load average is used throughout (and nothing, on Windows).

Results never depend on the thread count: the drivers split work into chunks whose size does
not depend on it, and sum per-chunk results in chunk order.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import numba

from qmlstudio.core import CircuitError

__all__ = ["LOAD_INTERVAL_S", "WORK_PER_THREAD", "check_threads", "choose_threads",
           "free_cores", "thread_cap", "threads_used", "using_threads"]

WORK_PER_THREAD = 1 << 16
"""Amplitude updates (amplitudes × samples × blocks) a call needs per thread before automatic
choice adds one: about a quarter of a millisecond of serial work (W1, 2.4 Mi updates, takes
10–20 ms), against 10–50 µs to wake a thread and meet at the barrier. So W1–W3 spread over
every free core, as do 16-row training steps of 10-qubit circuits with 8 blocks or more (an
epoch of the synthetic_q10 presets' compiled steps on two threads, measured here:
circuit-centric 17 → 13 ms, its separable variant 12.4 → 9.9, dressed 34 → 23, its
separable variant 26 → 17, re-uploading 36 → 22), while an 8-qubit step of 21 blocks (86 Ki
updates; 5.2 ms an epoch on one thread, 5.8 on two) and circuits of a few qubits (thousands
of updates per batch) stay on one thread: there two threads made a 2–4 qubit vjp on 16–64
samples 6–10× slower, on this machine with other jobs running."""

LOAD_INTERVAL_S = 0.1
"""Shortest time between two looks at the machine's load (the kernel counts in 10 ms ticks:
a shorter window would be mostly rounding)."""

_local = threading.local()  # per calling thread: the stack of using_threads choices
_used = [0]  # the thread count of the process's latest simulation


def check_threads(value: object, where: str = "threads") -> int | None:
    """``value`` as a thread count (a positive integer, also as text) or None (automatic:
    None or ``"auto"``); any other value raises :class:`~qmlstudio.core.CircuitError` naming
    ``where`` — the one message for a bad count, from the API, the CLI or a setting."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "auto":
            return None
        value = int(text) if text.isdigit() else text
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CircuitError(f"{where} must be a positive integer or 'auto', got {value!r}")
    return int(value)


@contextmanager
def using_threads(threads: object) -> Iterator[None]:
    """Within this block, engine calls made by this thread that do not pass ``threads=``
    use ``threads``. None leaves the choice as it was (an enclosing block's, else
    automatic), so a library layer can pass its own ``threads=None`` through. Blocks nest;
    other threads are not affected."""
    choice = check_threads(threads)
    if choice is None:
        yield
        return
    stack = _local.__dict__.setdefault("choice", [])
    stack.append(choice)
    try:
        yield
    finally:
        stack.pop()


def threads_used() -> int:
    """Threads the process's latest engine simulation ran on, from whichever thread
    (0 before any): how a caller sees what a setting or an automatic choice did."""
    return _used[0]


@cache
def thread_cap() -> int:
    """Most threads a call may use: numba's pool size (``NUMBA_NUM_THREADS``, read when numba
    is imported, fixed for the process) and the CPUs this process may run on (asked once:
    asking costs more than a small circuit's simulation)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(numba.config.NUMBA_NUM_THREADS, cpus))


class _LoadProbe:
    """Cores left free by other processes, from the CPU counters (see the module docstring).

    Thread-safe: the last estimate is shared by every calling thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: tuple[float, float, float] | None = None  # wall, all busy, own CPU (s)
        self._free: float | None = None
        self._ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def _busy_seconds(self) -> float | None:
        """Busy CPU time of the whole machine since boot, or None without ``/proc/stat``."""
        try:
            with open("/proc/stat", "rb") as stat:
                fields = stat.readline().split()[1:]
        except OSError:
            return None
        ticks = [int(f) for f in fields]
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
        return (sum(ticks[:8]) - idle) / self._ticks  # guest time is already in user

    def free(self, cpus: int) -> float:
        """Cores of ``cpus`` that other processes left free recently."""
        now = time.monotonic()
        with self._lock:
            if self._last is not None and now - self._last[0] < LOAD_INTERVAL_S:
                return min(cpus, self._free)
            busy, own = self._busy_seconds(), time.process_time()
            if busy is None or self._last is None:  # the first look: the load average
                self._free = self._from_load_average(cpus)
            else:
                wall, busy0, own0 = self._last
                others = max(0.0, (busy - busy0) - (own - own0)) / max(now - wall, 1e-9)
                running = _running_now()
                if running is not None:  # not held now: the window saw a finished job
                    others = min(others, running - 1.0)
                self._free = max(0.0, (os.cpu_count() or cpus) - others)
            self._last = (now, busy if busy is not None else 0.0, own)
            return min(cpus, self._free)

    @staticmethod
    def _from_load_average(cpus: int) -> float:
        try:
            return max(0.0, cpus - os.getloadavg()[0])
        except (AttributeError, OSError):  # Windows
            return float(cpus)


def _running_now() -> float | None:
    """Tasks running on the machine at this instant, the calling thread included, or None
    without ``/proc/loadavg``."""
    try:
        with open("/proc/loadavg", "rb") as loadavg:
            return float(loadavg.read().split()[3].split(b"/")[0])
    except (OSError, IndexError, ValueError):
        return None


_probe = _LoadProbe()


def free_cores() -> float:
    """Cores (of :func:`thread_cap`) that other processes left free over the last
    :data:`LOAD_INTERVAL_S` seconds or more (see the module docstring)."""
    return _probe.free(thread_cap())


def choose_threads(work: int, tasks: int, threads: object = None) -> int:
    """Threads for a call of ``work`` amplitude updates split into ``tasks`` independent
    tasks, given the call's ``threads=`` argument (None: the calling thread's
    :func:`using_threads` choice, else automatic). Records it for :func:`threads_used`."""
    choice = check_threads(threads)
    if choice is None:
        stack = getattr(_local, "choice", None)
        choice = stack[-1] if stack else None
    if choice is not None:
        count = min(choice, thread_cap())
    else:
        count = max(1, min(tasks, work // WORK_PER_THREAD))
        if count > 1:
            count = max(1, min(count, thread_cap(), round(free_cores())))
    _used[0] = count
    return count
