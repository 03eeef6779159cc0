"""The fuzz targets and the rule every input must obey.

Each target takes raw bytes, hands them to one loader the way a user would (a file for the
project, model and CSV loaders; text or a file for the QASM importer) and returns. The rule
(:func:`check`): the loader returns or raises the error type it documents (:data:`ERRORS`,
each a :class:`~qmlstudio.core.QMLStudioError`) with a message; any other exception, or more
than :data:`TIME_LIMIT_S`, fails. A loader that hangs is stopped by
an alarm after :data:`HANG_LIMIT_S` so the run reports it instead of never ending.

Hypothesis profiles: ``ci`` (the default: ~200 examples per target, 1 s deadline) and
``large`` (``QMLSTUDIO_FUZZ=large``: 20,000 examples per target, for the figures in the note).
:data:`STATS` counts outcomes and the slowest input per target for that note.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings

from qmlstudio.core import (
    DatasetError,
    ModelFileError,
    NoiseError,
    ProjectError,
    QasmError,
    QMLStudioError,
)
from qmlstudio.io import from_qasm, load_project
from qmlstudio.io.noise_file import read_noise
from qmlstudio.ml.data.csv_files import load_csv
from qmlstudio.ml.export.model_file import load_model
from tests.alarm import raise_after

TIME_LIMIT_S = 1.0
"""No input may take longer than this to be loaded or refused."""
HANG_LIMIT_S = 10.0
"""An input still running after this is reported as a hang (the alarm interrupts it)."""
SEEDS = Path(__file__).parent / "seeds"
EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
DEVICES = EXAMPLES.parent / "devices"

_COMMON = {"suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much],
           "deadline": timedelta(seconds=TIME_LIMIT_S), "print_blob": True}
settings.register_profile("ci", max_examples=200, **_COMMON)
settings.register_profile("large", max_examples=20_000, **_COMMON)
PROFILE = settings.get_profile("large" if os.environ.get("QMLSTUDIO_FUZZ") == "large"
                               else "ci")
"""The settings every fuzz test uses (not loaded globally: other tests keep theirs)."""

STATS: dict[str, Counter] = defaultdict(Counter)
SLOWEST: dict[str, float] = defaultdict(float)
FOLDER = Path(tempfile.mkdtemp(prefix="qmlstudio-fuzz-"))
"""Where targets write their input files (removed by the package's conftest)."""


class Hang(BaseException):
    """Raised by the alarm inside a loader that ran past :data:`HANG_LIMIT_S` (a
    BaseException, so that no ``except Exception`` in the loader can swallow it)."""


@contextmanager
def _no_collection():
    """Pause the cyclic garbage collector while a loader is timed. By the end of a large run,
    hypothesis holds millions of objects, and one full collection of them (up to a second,
    measured) would be charged to whichever input happened to be loading."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _file(data: bytes, suffix: str) -> Path:
    path = FOLDER / f"input{suffix}"
    path.write_bytes(data)
    return path


def project_target(data: bytes) -> object:
    """``load_project`` of a ``.qmlproj`` file holding ``data``."""
    return load_project(_file(data, ".qmlproj"))


def model_target(data: bytes) -> object:
    """``load_model`` of a ``.qmodel`` file holding ``data``."""
    return load_model(_file(data, ".qmodel"))


def csv_target(data: bytes) -> object:
    """``load_csv`` of a ``.csv`` file holding ``data`` (delimiter and header guessed)."""
    return load_csv(_file(data, ".csv"))


def qasm_text_target(data: bytes) -> object:
    """``from_qasm`` of ``data`` as a string (UTF-8, undecodable bytes as surrogates: any
    string a caller might pass)."""
    return from_qasm(data.decode("utf-8", "surrogateescape"))


def qasm_file_target(data: bytes) -> object:
    """``from_qasm`` of a ``.qasm`` file holding ``data``."""
    return from_qasm(_file(data, ".qasm"))


def noise_target(data: bytes) -> object:
    """``read_noise`` of a ``.json`` file holding ``data`` (a noise model or a calibration)."""
    return read_noise(_file(data, ".json"))


TARGETS: dict[str, Callable[[bytes], object]] = {
    "project": project_target,
    "model": model_target,
    "csv": csv_target,
    "qasm-text": qasm_text_target,
    "qasm-file": qasm_file_target,
    "noise": noise_target,
}
ERRORS: dict[str, type[QMLStudioError]] = {
    "project": ProjectError,
    "model": ModelFileError,
    "csv": DatasetError,
    "qasm-text": QasmError,
    "qasm-file": QasmError,
    "noise": NoiseError,
}
"""The one error type each loader documents (a target not listed may raise any
QMLStudioError)."""


def check(target: str, data: bytes, time_limit: float = TIME_LIMIT_S,
          hang_limit: float = HANG_LIMIT_S) -> str:
    """Run ``TARGETS[target]`` on ``data`` and enforce the rule; the outcome's name ("ok" or
    the QMLStudioError subclass). Fails with the exception type, the time and the input.

    An input over ``time_limit`` is timed once more and fails only if it is slow again (as
    hypothesis confirms a deadline): in large runs the test process itself pauses now and then
    for up to a second, charged to whichever tiny input was loading."""
    outcome, seconds = _run(target, data, hang_limit)
    if seconds > time_limit:
        seconds = min(seconds, _run(target, data, hang_limit)[1])
    STATS[target][outcome] += 1
    SLOWEST[target] = max(SLOWEST[target], seconds)
    assert seconds <= time_limit, f"{target}: {seconds:.2f} s (limit {time_limit} s) on " \
                                  f"{_show(data)}"
    return outcome


def _run(target: str, data: bytes, hang_limit: float) -> tuple[str, float]:
    """One timed run: the outcome's name and the seconds taken (failures raise)."""
    start = time.perf_counter()
    try:
        with raise_after(hang_limit, lambda: Hang(f"still running after {hang_limit} s")), \
                _no_collection():
            TARGETS[target](data)
        outcome = "ok"
    except QMLStudioError as error:
        outcome = type(error).__name__
        if not str(error).strip():
            raise AssertionError(f"{target}: {outcome} with an empty message") from error
        if not isinstance(error, ERRORS.get(target, QMLStudioError)):
            raise AssertionError(f"{target}: {outcome} ({error}), not the documented "
                                 f"{ERRORS[target].__name__}, on {_show(data)}") from error
    except Hang as error:
        raise AssertionError(f"{target}: {error} on {_show(data)}") from None
    except RecursionError as error:  # named apart: the usual cause (deep nesting) is known
        raise AssertionError(f"{target}: RecursionError on {_show(data)}") from error
    except Exception as error:  # the point of the harness: nothing else may come out
        raise AssertionError(f"{target}: {type(error).__name__}: {error} on "
                             f"{_show(data)}") from error
    return outcome, time.perf_counter() - start


def _show(data: bytes) -> str:
    return f"{len(data)} bytes {data[:120]!r}{'...' if len(data) > 120 else ''}"


def seed_bytes(pattern: str, folder: Path = SEEDS) -> list[bytes]:
    """The contents of the seed files matching ``pattern``, smallest first."""
    files = sorted(folder.glob(pattern), key=lambda p: p.stat().st_size)
    return [path.read_bytes() for path in files]
