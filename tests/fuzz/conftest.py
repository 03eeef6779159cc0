"""Fuzz-test fixtures: the harness's temporary folder is removed after the session, and with
``QMLSTUDIO_FUZZ=large`` the outcome counts and slowest inputs are printed (run with ``-s -n 0``:
parallel workers do not pass ``-s`` output on)."""

from __future__ import annotations

import os
import shutil

import pytest

from .harness import FOLDER, SLOWEST, STATS


@pytest.fixture(scope="session", autouse=True)
def _fuzz_folder_and_figures():
    yield
    shutil.rmtree(FOLDER, ignore_errors=True)
    if os.environ.get("QMLSTUDIO_FUZZ") == "large":
        for target, outcomes in sorted(STATS.items()):
            total = sum(outcomes.values())
            detail = ", ".join(f"{name} {count}" for name, count in outcomes.most_common())
            print(f"\n{target}: {total} inputs, slowest {SLOWEST[target] * 1000:.1f} ms "
                  f"({detail})")
