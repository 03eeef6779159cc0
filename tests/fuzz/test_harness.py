"""The harness enforces its rule: a target that raises anything but a QMLStudioError, or is
slow every time, fails; a pause that does not come back is forgiven."""

from __future__ import annotations

import time
from collections import Counter, defaultdict

import pytest

from qmlstudio.core import DatasetError

from . import harness


def _target(monkeypatch, behaviour):
    monkeypatch.setitem(harness.TARGETS, "probe", behaviour)
    monkeypatch.setattr(harness, "STATS", defaultdict(Counter))  # kept out of the figures
    monkeypatch.setattr(harness, "SLOWEST", defaultdict(float))


def test_documented_errors_pass_and_others_fail(monkeypatch):
    def refuse(data):
        raise DatasetError("bad data")

    _target(monkeypatch, refuse)
    assert harness.check("probe", b"x") == "DatasetError"

    def crash(data):
        raise ValueError("boom")

    _target(monkeypatch, crash)
    with pytest.raises(AssertionError, match="probe: ValueError: boom on 1 bytes"):
        harness.check("probe", b"x")


def test_slow_every_time_fails_but_a_one_off_pause_does_not(monkeypatch):
    calls = []

    def slow(data):
        calls.append(1)
        time.sleep(0.15)

    _target(monkeypatch, slow)
    with pytest.raises(AssertionError, match=r"probe: 0\.1\d s \(limit 0\.1 s\)"):
        harness.check("probe", b"x", time_limit=0.1)
    assert len(calls) == 2  # timed again before failing

    def slow_once(data):
        calls.append(1)
        if len(calls) == 3:
            time.sleep(0.15)

    _target(monkeypatch, slow_once)
    assert harness.check("probe", b"x", time_limit=0.1) == "ok"
