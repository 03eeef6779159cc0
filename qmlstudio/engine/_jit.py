"""Every numba decorator the engine uses, with its options in one place.

* ``cache=True`` everywhere: a second launch loads machine code from numba's on-disk cache
  instead of compiling again.
* ``nogil=True`` everywhere: the GUI thread keeps running while a worker thread computes.
* ``fastmath={"reassoc", "contract"}``: lets LLVM reorder sums and fuse multiply-adds so the
  amplitude loops and their reductions vectorise. No ``nnan``/``ninf``: inputs are checked for
  NaN/inf before any kernel runs, and we never want non-finite values silently assumed away.
  The summation order stays fixed for a given input (chunk sizes never depend on the thread
  count), so results are reproducible whatever ``NUMBA_NUM_THREADS`` is.
* ``error_model="numpy"``: division follows numpy (no Python exception checks in hot loops).

Exception: :func:`parallel_kernel` adds ``parallel=True``; only the batch drivers use it.

Cache location: numba keys a cached function on its own file only, so after an edit to a
kernel in another module a caller could load stale machine code (seen here as a segfault).
The cache therefore lives in the user's cache folder under a directory named for a hash of
all engine sources and the numba version: any change to the engine starts a fresh cache. An
explicit ``NUMBA_CACHE_DIR`` is honoured as the parent folder.

Threading layer: ``omp`` (GNU OpenMP) where its library loads, else ``workqueue`` (always
available). Measured here, workqueue's per-region start-up makes the large-state driver, which
opens one parallel region per run of blocks, twice as slow (W3: 87 ms vs 46 ms). Neither layer
allows two threads in a parallel region at once, so every parallel call is serialised through
:data:`PARALLEL_LOCK` (a GUI compute worker and, say, a test thread never collide); omp is not
fork-safe, and nothing in QML Studio forks after computing (subprocesses use fork + exec).
numba's default order would try ``tbb`` first; we put it last (numba wants all three named;
workqueue never fails) so the layer does not change with whatever else is installed.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import numba
import platformdirs

__all__ = ["PARALLEL_LOCK", "kernel", "parallel_kernel"]


def _configure(name: str, value: str, parsed: object = None) -> None:
    """Set a numba option through its environment variable too: numba's compiler reloads its
    configuration from the environment, which would undo a plain ``numba.config`` assignment.
    ``parsed`` is the config value when it is not the string itself."""
    os.environ[f"NUMBA_{name}"] = value
    setattr(numba.config, name, value if parsed is None else parsed)


_configure("THREADING_LAYER", "default")
_configure("THREADING_LAYER_PRIORITY", "omp workqueue tbb", ["omp", "workqueue", "tbb"])


def _cache_dir() -> Path:
    digest = hashlib.sha256(numba.__version__.encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    parent = os.environ.get("NUMBA_CACHE_DIR") or platformdirs.user_cache_dir("qmlstudio")
    return Path(parent) / f"engine-{digest.hexdigest()[:16]}"


_configure("CACHE_DIR", str(_cache_dir()))

PARALLEL_LOCK = threading.RLock()
"""Held around every run of parallel kernels: one parallel region at a time (re-entrant, so a
cotangent function may itself call the engine)."""

_OPTIONS = dict(cache=True, nogil=True, fastmath={"reassoc", "contract"}, error_model="numpy")


def kernel(fn):
    """Compile ``fn`` as a serial engine kernel."""
    return numba.njit(**_OPTIONS)(fn)


def parallel_kernel(fn):
    """Compile ``fn`` as a parallel driver (``prange`` loops run on numba's thread pool)."""
    return numba.njit(parallel=True, **_OPTIONS)(fn)
