"""What a cold cache compiles: one copy of a kernel whatever constants its callers pass, and
an entry kernel that compiled code and Python both call (engine/_jit.py)."""

import numba
import numpy as np

from qmlstudio.engine._jit import entry_kernel, kernel


@kernel
def _scale(out, factor, flag):
    for i in range(out.shape[0]):
        if flag:
            out[i] *= factor


@numba.njit  # not cached: it compiles, and so looks its callee up, in every test run
def _scale_with_constants_and_variables(out, factor):
    _scale(out, 2, True)  # numba types these as Literal[int](2) and Literal[bool](True)
    _scale(out, factor, factor > 0)


def test_a_kernel_called_with_constants_and_with_variables_compiles_once():
    out = np.ones(3)
    _scale_with_constants_and_variables(out, 3)
    np.testing.assert_array_equal(out, 6.0)
    assert len(_scale.signatures) == 1  # loaded from the engine's cache, or compiled


@entry_kernel
def _scale_by(out, factor):
    _scale(out, factor, True)


@numba.njit
def _scale_by_five(out):
    _scale_by(out, 5)  # from compiled code: the entry kernel without wrappers


def test_an_entry_kernel_runs_from_python_and_from_compiled_code():
    out = np.ones(2)
    _scale_by_five(out)
    np.testing.assert_array_equal(out, 5.0)
    _scale_by(out, 2)  # from Python: its twin with wrappers
    np.testing.assert_array_equal(out, 10.0)
