"""The ``alone`` marker: a test that measures time or threads runs while no other test runs.

The suite runs in parallel worker processes (pytest-xdist, ``-n`` in pyproject's addopts). A
timing bound or a thread measurement means something only when the test has the machine's
cores to itself, not while another worker compiles kernels or trains a model, so:

* every test of a worker holds a shared lock on one file for its whole run (setup, call and
  teardown, so module fixtures built for it count too);
* a test marked ``alone`` holds that lock exclusively: it starts once the running tests of the
  other workers have finished, and theirs wait until it has;
* a turnstile (a second lock, taken briefly before the first) keeps a waiting ``alone`` test
  from being starved by the other workers' stream of short tests.

The controller makes the lock folder and hands it to each worker; in a run without workers
(``-n 0``, ``-p no:xdist``) tests already run one at a time and nothing is locked.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_FOLDER_KEY = "qmlstudio_alone_lock_folder"
_folder = pytest.StashKey[Path]()
_files: dict[str, int] = {}  # this worker's open lock files, by name


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker."""
    config.addinivalue_line(
        "markers", "alone: run while no other test runs (timing bounds, thread counts)")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """On the controller: one lock folder for the run, named to every worker."""
    stash = node.config.stash
    if _folder not in stash:
        stash[_folder] = Path(tempfile.mkdtemp(prefix="qmlstudio-tests-"))
    node.workerinput[_FOLDER_KEY] = str(stash[_folder])


def pytest_unconfigure(config: pytest.Config) -> None:
    """On the controller: remove the lock folder once the workers are gone."""
    if _folder in config.stash:
        shutil.rmtree(config.stash[_folder], ignore_errors=True)


def _lock_file(folder: str, name: str) -> int:
    """This worker's descriptor of a lock file, opened once. ``O_CLOEXEC``: a test's child
    process never inherits it, so it can never keep holding the lock."""
    if name not in _files:
        _files[name] = os.open(Path(folder, name), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    return _files[name]


@contextmanager
def _held(folder: str, alone: bool) -> Iterator[None]:
    turnstile, running = _lock_file(folder, "turnstile"), _lock_file(folder, "running")
    fcntl.flock(turnstile, fcntl.LOCK_EX)
    try:
        fcntl.flock(running, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
    finally:
        fcntl.flock(turnstile, fcntl.LOCK_UN)
    try:
        yield
    finally:
        fcntl.flock(running, fcntl.LOCK_UN)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """Hold the run's lock, shared or (``alone``) exclusive, around the whole test."""
    folder = getattr(item.config, "workerinput", {}).get(_FOLDER_KEY)
    if folder is None:
        return (yield)
    with _held(folder, item.get_closest_marker("alone") is not None):
        return (yield)
