"""Every numba decorator the engine uses, with its options in one place.

* ``nogil=True`` everywhere: the GUI thread keeps running while a worker thread computes.
* ``fastmath={"reassoc", "contract"}``: lets LLVM reorder sums and fuse multiply-adds so the
  amplitude loops and their reductions vectorise. No ``nnan``/``ninf``: inputs are checked for
  NaN/inf before any kernel runs, and we never want non-finite values silently assumed away.
  The summation order stays fixed for a given input (chunk sizes never depend on the thread
  count), so results are reproducible whatever ``NUMBA_NUM_THREADS`` is. Exception: the
  training maths of :mod:`.readout_loss` and :mod:`.training_epoch` (``exact``): a few
  operations per sample (a 16-row readout, loss and cotangent takes 1.8 µs a call), compiled
  as plain IEEE arithmetic so that their results are the same bits whether Python calls a
  kernel or compiled code inlines it: the two training paths then train identically.
* ``error_model="numpy"``: division follows numpy (no Python exception checks in hot loops).
* an on-disk cache for every kernel (see below): a second launch loads machine code instead
  of compiling again.

Exception: :func:`parallel_kernel` compiles a driver twice, with ``parallel=True`` and as a
serial twin (same code, ``prange`` read as ``range``); :mod:`.threads` picks one per call.

Reference counting: a serial :func:`kernel` is compiled without numba's reference counting
(numba's ``_nrt=False`` option). With it, every call of a separately compiled kernel increfs
and decrefs each array it receives — the program alone is 23 arrays, about 0.2 µs per call —
and the per-sample set-up (the sample's block matrices and product-state tables, dozens of
kernel calls per sample) cost 10–17 µs per sample on W1, a fifth of a whole vjp; without it
the same calls cost nanoseconds. The kernels only read and write arrays their caller owns for
the whole call, so nothing is freed early. numba refuses, at compile time, a kernel without
reference counting that allocates or returns a view; those few use :func:`allocating_kernel`
(an explicit ``_nrt=True``: a callee otherwise inherits its caller's setting).

Wrappers: numba builds, for every compiled function, a wrapper that lets Python call it
(unboxing each argument — the program alone is 23 arrays — with its error paths) and a C
wrapper; both go through LLVM and machine-code emission on a cold cache. A :func:`kernel`
is only ever called from other compiled code, so it is compiled without them
(``no_cpython_wrapper``/``no_cfunc_wrapper``). Measured on the moons circuit's first vjp on
an empty cache (CPU seconds, busy 2-core machine): 21.5 → 16.0 with a serial batch driver,
35 → 30 with the parallel one. numba would crash calling such a kernel from Python, so its
dispatcher raises instead (:class:`_InnerKernel`). Nor does such a kernel get machine code
of its own: its code library keeps the IR its callers link in (:mod:`._inner_code`). The
drivers keep their wrappers. An :func:`entry_kernel` (a step the large-state driver's
Python loop calls, which the batch driver calls from compiled code) is compiled without them
for compiled callers, and a twin
with them compiles on its first call from Python: a small circuit's first run compiles no
wrapper it does not use (about 1 s of CPU on the cold moons run). With one copy per kernel
whatever constants it is called with (:class:`_EngineDispatcher`) and the batch driver
filling its constant block matrices itself, a cold moons training compiles 51 times instead
of 60, in 14.7 CPU seconds instead of 18.2 (``tests/benchmarks/profile_first_run.py``,
minimum of two runs each, interleaved, load average about 3).

The engine configures numba for itself only. Importing QML Studio never writes to
``os.environ`` (child processes inherit exactly the environment the user had) and leaves
``numba.config`` as it found it; the two settings below are made where numba reads them.

Cache location: numba keys a cached function on its own file only, so after an edit to a
kernel in another module a caller could load stale machine code (seen here as a segfault).
Each engine kernel therefore gets its own cache locator (not numba's global ``CACHE_DIR``)
pointing into the user's cache folder, under a directory named for a hash of all engine
sources and the numba version: any change to the engine starts a fresh cache. An explicit
``NUMBA_CACHE_DIR`` (or ``numba.config.CACHE_DIR``) is honoured as the parent folder; the
user's own numba functions keep numba's usual cache places. If the folder cannot be written,
the kernels compile at every launch rather than risk a stale cache elsewhere. A user's
``NUMBA_CACHE_LOCATOR_CLASSES`` replaces our locator like every other (numba's rule).
Two processes may fill one cache at once (a first run and its :mod:`.compile_helper`): a
kernel compiles under an exclusive lock file of its own in the cache folder, so the second
process to need it waits and then loads it (:func:`_compile_lock`).

Threading layer: ``omp`` (GNU OpenMP) where its library loads, else ``workqueue`` (always
available). Measured here, workqueue's per-region start-up makes the large-state driver, which
opens one parallel region per run of blocks, twice as slow (W3: 87 ms vs 46 ms). numba picks
the layer once per process, when its thread pool starts; the pool starts inside
:func:`parallel_region` (before any parallel kernel is compiled or run), which sets numba's
layer priority to ``omp workqueue tbb`` just for that start and puts the user's values back
afterwards — so a later ``numba.config.reload_config()`` (numba's compiler calls it) has
nothing to undo. numba's default order would try ``tbb`` first; we put it last so the layer
does not change with whatever else is installed. The user's choice wins: with
``NUMBA_THREADING_LAYER`` or ``NUMBA_THREADING_LAYER_PRIORITY`` set (in the environment or in
``numba.config``), or numba's pool already started by other code, the engine uses that layer.

Neither layer allows two threads in a parallel region at once, so every parallel call is
serialised through :func:`parallel_region` (a GUI compute worker and, say, a test thread never
collide); serial twins take no lock, so small simulations of several threads run side by
side. omp is not fork-safe, and nothing in QML Studio forks after computing (subprocesses use
fork + exec).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import ClassVar

import numba
import numba.core.config
import platformdirs
from numba.core import event, sigutils
from numba.core import types as nbtypes
from numba.core.caching import CompileResultCacheImpl, FunctionCache, UserProvidedCacheLocator
from numba.core.compiler_lock import global_compiler_lock
from numba.core.registry import CPUDispatcher

from qmlstudio.core.errors import QMLStudioError
from qmlstudio.engine._inner_code import INNER_KIND, InnerCompiler, rebuild
from qmlstudio.engine._vector_width import wide_libraries

try:
    import fcntl
except ImportError:  # Windows: no flock; two processes may then compile a kernel twice
    fcntl = None

__all__ = ["CACHE_DIR", "KERNEL_READY", "THREADING_LAYER_PRIORITY", "TwinKernel",
           "allocating_kernel", "caches", "entry_kernel", "kernel", "parallel_kernel",
           "parallel_region", "python_kernel", "renamed_copy", "serial_driver"]

COMPILE_WAIT_S = 120.0
"""Longest wait for a kernel another process is compiling (a whole cold compile takes about
10 s here)."""

KERNEL_READY = "qmlstudio:kernel-ready"
"""A numba event (``numba.core.event``) after a kernel was compiled or loaded from the cache
into this process: what :func:`~.warmup.prepare` counts (``numba:compile`` misses the
kernels another process compiled into the cache)."""

THREADING_LAYER_PRIORITY = ("omp", "workqueue", "tbb")
"""The order in which the engine tries numba's threading layers (unless the user chose)."""
_NUMBA_PRIORITY = ("tbb", "omp", "workqueue")  # numba's own default order
_LAYER_VARIABLES = ("NUMBA_THREADING_LAYER", "NUMBA_THREADING_LAYER_PRIORITY")


def _cache_dir() -> Path:
    digest = hashlib.sha256(numba.__version__.encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    parent = (os.environ.get("NUMBA_CACHE_DIR") or numba.config.CACHE_DIR
              or platformdirs.user_cache_dir("qmlstudio"))
    return Path(parent) / f"engine-{digest.hexdigest()[:16]}"


CACHE_DIR = _cache_dir()
"""Where the engine's compiled kernels are cached."""


class _EngineCacheLocator(UserProvidedCacheLocator):
    """numba's "user provided" locator, with :data:`CACHE_DIR` instead of the global
    ``numba.config.CACHE_DIR``."""

    def __init__(self, py_func, py_file):
        super().__init__(py_func, py_file)
        self._cache_path = str(CACHE_DIR / self.get_suitable_cache_subpath(py_file))

    @classmethod
    def from_function(cls, py_func, py_file):
        """The locator, or None if the folder cannot be written. Skips the parent class's
        test of ``numba.config.CACHE_DIR``: our folder does not depend on it."""
        return super(UserProvidedCacheLocator, cls).from_function(py_func, py_file)


class _EngineCacheImpl(CompileResultCacheImpl):
    _locator_classes: ClassVar[list] = [_EngineCacheLocator]

    def rebuild(self, target_context, payload):
        """numba's rebuild, and an inner kernel's IR-only library (:mod:`._inner_code`)."""
        if payload[0][1] == INNER_KIND:
            return rebuild(target_context, payload)
        return super().rebuild(target_context, payload)


class _EngineFunctionCache(FunctionCache):
    _impl_class = _EngineCacheImpl


_PARALLEL_LOCK = threading.RLock()
"""Held around every run of parallel kernels: one parallel region at a time (re-entrant, so a
cotangent function may itself call the engine)."""

_OPTIONS = dict(nogil=True, fastmath={"reassoc", "contract"}, error_model="numpy")
_EXACT = dict(fastmath=False)
"""The options of the exact kernels (see above)."""


class _EngineDispatcher(CPUDispatcher):
    """numba's dispatcher, compiling one copy of a kernel whatever constants it is called
    with.

    numba types a constant argument of a call from compiled code (``f(prog, True, ...)``, a
    module constant such as ``DENSE1``, a literal ``0``) as a ``Literal`` and compiles the
    callee once more for it, with all of its callees linked in again: on a cold cache,
    block_matrices compiled twice (True, False), add_gradients and _environments once more,
    about 2 s of CPU on the cold moons run. No engine kernel specialises on a literal's
    value, so every argument type is made plain before the overload is chosen."""

    def get_call_template(self, args, kws):
        """numba's call template for ``args`` and ``kws`` with every literal type made
        plain."""
        return super().get_call_template([nbtypes.unliteral(a) for a in args],
                                         {k: nbtypes.unliteral(a) for k, a in kws.items()})

    def compile(self, sig):
        """numba's compile (load from the cache, else compile and save), holding this
        kernel's compile lock across processes (see :func:`_compile_lock`); then the event
        :data:`KERNEL_READY`. Its code (and its callees') prefers the processor's widest
        vectors (:mod:`._vector_width`)."""
        # the compiler lock first: a thread of this process never waits on a flock
        with global_compiler_lock, wide_libraries(self.targetctx.codegen()):
            args, _ = sigutils.normalize_signature(sig)
            if tuple(args) in self.overloads:
                return super().compile(sig)
            if caches(self):
                with _compile_lock(self.py_func):
                    entry = super().compile(sig)
            else:
                entry = super().compile(sig)
            with event.trigger_event(KERNEL_READY, data={"dispatcher": self}):
                pass
            return entry


def caches(dispatcher: CPUDispatcher) -> bool:
    """True if ``dispatcher`` keeps its machine code in the engine's cache (false when the
    cache folder cannot be written)."""
    return isinstance(dispatcher._cache, _EngineFunctionCache)


@contextmanager
def _compile_lock(fn) -> Iterator[None]:
    """An exclusive ``flock`` on ``fn``'s lock file in the cache folder while it compiles.

    Two processes on one cold cache (a first run and its :mod:`.compile_helper`) then never
    compile a kernel twice: the second waits, then numba loads the first one's result from
    the cache. The locks follow the call graph (a kernel's lock is held while its callees
    compile), which has no cycles, so they cannot deadlock. Without ``flock`` (Windows) or a
    writable folder, it does not lock. A lock held for more than :data:`COMPILE_WAIT_S` (the
    other process stopped or stuck) is not waited for any longer: this process compiles the
    kernel itself, as it would have alone.
    """
    handle = _lock_file(fn)
    if handle is None:
        yield
        return
    with handle:  # the lock goes when the file closes
        deadline = time.monotonic() + COMPILE_WAIT_S
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:  # held by the other process
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
        yield


def _lock_file(fn):
    """``fn``'s lock file in the cache folder, open; None without ``flock`` or a writable
    folder."""
    if fcntl is None:
        return None
    name = re.sub(r"[^\w.-]", "_", f"{fn.__module__}.{fn.__qualname__}")
    try:
        (CACHE_DIR / "locks").mkdir(parents=True, exist_ok=True)
        return open(CACHE_DIR / "locks" / name, "a")
    except OSError:
        return None


class _InnerKernel(_EngineDispatcher):
    """A kernel compiled without the wrappers Python needs to call it (see above)."""

    def __call__(self, *args, **kwargs):
        raise QMLStudioError(f"qmlstudio.engine: the kernel {self.py_func.__qualname__} runs "
                             "only inside compiled engine code; call qmlstudio.engine's "
                             "functions instead")


def _compile(fn, inner: bool | type[_InnerKernel] = False, **options):
    """``fn``'s dispatcher with the engine's options and cache; ``inner``: without wrappers,
    as an :class:`_InnerKernel` (or the subclass given)."""
    options = {"nopython": True, **_OPTIONS, **options}
    if inner:
        kind = _InnerKernel if inner is True else inner
        dispatcher = kind(fn, targetoptions=dict(no_cpython_wrapper=True,
                                                 no_cfunc_wrapper=True, **options),
                          pipeline_class=InnerCompiler)
    else:  # what numba.njit(...)(fn) does, with our dispatcher class
        dispatcher = _EngineDispatcher(fn, targetoptions=options)
    # What njit(cache=True) does (Dispatcher.enable_caching), with our locator. Without one
    # (CACHE_DIR cannot be written) numba raises RuntimeError: compile at each launch.
    with suppress(RuntimeError):
        dispatcher._cache = _EngineFunctionCache(fn)
    return dispatcher


def kernel(fn):
    """Compile ``fn`` as a serial engine kernel without reference counting, called only from
    compiled code (see above)."""
    return _compile(fn, inner=True, _nrt=False)


def allocating_kernel(fn):
    """Compile ``fn`` as a serial engine kernel that allocates an array or returns a view of
    one, so it keeps numba's reference counting; called only from compiled code."""
    return _compile(fn, inner=True, _nrt=True)


def renamed_copy(fn, suffix: str, **names):
    """``fn`` as a new function object of the same code, with ``suffix`` added to its
    qualified name: numba names a cache file after the function and does not key it on
    compile options, so two dispatchers of one function with different options would
    otherwise load each other's machine code. ``names`` replace the module globals of those
    names that the copy reads (the callees it is compiled against)."""
    space = {**fn.__globals__, **names} if names else fn.__globals__
    copy = types.FunctionType(fn.__code__, space, fn.__name__, fn.__defaults__,
                              fn.__closure__)
    copy.__qualname__ = f"{fn.__qualname__}{suffix}"
    copy.__doc__ = fn.__doc__
    return copy


class _EntryKernel(_InnerKernel):
    """A kernel that compiled code and Python both call (see above): compiled without
    wrappers for compiled callers; a call from Python goes to a twin compiled with them on
    the first such call."""

    def __init__(self, fn, targetoptions, pipeline_class):
        super().__init__(fn, targetoptions=targetoptions, pipeline_class=pipeline_class)
        self._from_python = None

    def __call__(self, *args, **kwargs):
        twin = self._from_python
        if twin is None:  # two threads at once compile it twice, harmlessly
            options = self.targetoptions
            twin = self._from_python = _compile(renamed_copy(self.py_func, "__python"),
                                                _nrt=options["_nrt"],
                                                fastmath=options["fastmath"])
        return twin(*args, **kwargs)


def entry_kernel(fn=None, *, allocating=False, exact=False):
    """Compile ``fn`` as a serial engine kernel that Python calls too (the large-state
    driver's loop, the constant block matrices), with wrappers only for Python's calls (see
    above); use as ``@entry_kernel``, or ``@entry_kernel(allocating=True)`` for one that
    allocates (it keeps reference counting, like :func:`allocating_kernel`);
    ``exact=True``: without fastmath (see above)."""
    if fn is None:
        return lambda f: entry_kernel(f, allocating=allocating, exact=exact)
    return _compile(fn, inner=_EntryKernel, _nrt=allocating, **(_EXACT if exact else {}))


def python_kernel(fn):
    """Compile ``fn`` as an exact (see above) serial kernel that Python calls at every
    training step and compiled code calls too (:mod:`.readout_loss`): one copy, with its
    wrappers. An :func:`entry_kernel` would compile it twice (a copy without wrappers for
    compiled callers, a twin with them for Python): on a cold cache, CPU seconds that a first
    training run waits for."""
    return _compile(fn, _nrt=False, **_EXACT)


def serial_driver(fn):
    """Compile ``fn`` as an exact (see above) serial driver that Python calls and that calls
    the batch driver's serial twins (:mod:`.training_epoch`): with its wrappers and reference
    counting (its callees allocate their working buffers)."""
    return _compile(fn, _nrt=True, **_EXACT)


class TwinKernel:
    """A ``prange`` driver compiled twice: :attr:`parallel` (``parallel=True``, numba's
    thread pool) and :attr:`serial` (the same code with ``prange`` read as ``range``: no
    parallel region, no pool, no lock). Both compile lazily, on first use, so a user whose
    circuits are all small never compiles the parallel twin.

    The serial twin is compiled from a copy of the function under another qualified name
    (:func:`renamed_copy`).
    """

    def __init__(self, fn) -> None:
        self.parallel = _compile(fn, parallel=True)
        # it allocates its working buffers
        self.serial = _compile(renamed_copy(fn, "__serial"), _nrt=True)
        self.__doc__ = fn.__doc__

    def on(self, threads: int):
        """The twin for a call on ``threads`` threads (the caller set numba's count, inside
        :func:`parallel_region`, when it is more than one)."""
        return self.serial if threads == 1 else self.parallel


def parallel_kernel(fn) -> TwinKernel:
    """Compile ``fn`` as a driver whose ``prange`` loops may run on numba's thread pool."""
    return TwinKernel(fn)


def _user_chose_layer() -> bool:
    config = numba.config
    return (any(name in os.environ for name in _LAYER_VARIABLES)
            or str(config.THREADING_LAYER).lower() != "default"
            or tuple(config.THREADING_LAYER_PRIORITY) != _NUMBA_PRIORITY)


def _pool_started() -> bool:
    try:
        numba.threading_layer()
    except ValueError:  # numba's way of saying "not started yet"
        return False
    return True


def _start_threads() -> None:
    """Start numba's thread pool on the engine's layer, unless it runs or the user chose."""
    if _pool_started():
        return  # the layer is fixed for this process
    numba.core.config.reload_config()  # take in NUMBA_* variables set since numba loaded
    if _user_chose_layer():
        numba.get_num_threads()  # starts the pool as the user configured it
        return
    config = numba.config
    saved = config.THREADING_LAYER, config.THREADING_LAYER_PRIORITY
    config.THREADING_LAYER, config.THREADING_LAYER_PRIORITY = (
        "default", list(THREADING_LAYER_PRIORITY))
    try:
        numba.get_num_threads()  # starts the pool (numba's public way to do so)
    finally:
        config.THREADING_LAYER, config.THREADING_LAYER_PRIORITY = saved


@contextmanager
def parallel_region(threads: int) -> Iterator[None]:
    """Hold the engine's parallel lock, with numba's thread pool started and set to
    ``threads`` threads for this calling thread (its own count is put back afterwards, for
    the caller's own numba code); every call of a parallel twin happens inside one.
    ``threads`` must not exceed the pool (see :func:`.threads.thread_cap`)."""
    with _PARALLEL_LOCK:
        _start_threads()
        previous = numba.get_num_threads()
        numba.set_num_threads(threads)
        try:
            yield
        finally:
            numba.set_num_threads(previous)
