"""Settings for the whole suite, made before any test imports the engine.

``OMP_WAIT_POLICY=PASSIVE`` (unless set already): numba's OpenMP threads then sleep at the end
of a parallel region instead of spinning. With more busy threads than cores — CI runners, a
2-core machine running another job — spinning threads hold the cores the thread they wait for
needs, and the large-state tests ran 10 to 80 times slower (the 15-qubit adjoint gradient:
2.1 s spinning, 0.03 s sleeping; 18-qubit parameter shift: 20 s vs 2.7 s). The wait policy
changes when idle threads give up their core, never a number the engine computes.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# The ``alone`` marker for tests that need the machine's cores to themselves while the suite
# runs in parallel workers (see tests/run_alone.py).
pytest_plugins = ("tests.run_alone",)
