"""The CLI's progress line on a terminal and in a log; the time left; preparing the simulator
before training."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from qmlstudio.cli import train
from qmlstudio.cli.common import ProgressLine
from qmlstudio.ml.training.report import TrainingReport

ROOT = Path(__file__).resolve().parents[1]


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_line_is_redrawn_in_place_and_ended_once():
    stream = Terminal()
    line = ProgressLine(stream, enabled=True, interval=5.0)
    assert line.due()
    line.show("fit 1/4")
    assert not line.due()  # redraws at most every 0.1 s
    line.show("fit 4/4")
    line.close()
    assert stream.getvalue() == "\rfit 1/4\x1b[K\rfit 4/4\x1b[K\n"


def test_in_a_log_each_line_is_new_and_disabled_lines_write_nothing():
    log = io.StringIO()
    line = ProgressLine(log, enabled=True, interval=5.0)
    line.show("epoch 1")
    assert not line.due()
    line.close()  # a log's lines already end
    assert log.getvalue() == "epoch 1\n"
    quiet = io.StringIO()
    off = ProgressLine(quiet, enabled=False, interval=0.0)
    assert not off.due()
    off.show("epoch 1")
    off.close()
    assert quiet.getvalue() == ""


def _report(progress: float, elapsed: float) -> TrainingReport:
    return TrainingReport("step", 1, 1, progress, 30, np.zeros(2), np.zeros(0), elapsed,
                          train_loss=0.5)


def test_the_time_left_is_extrapolated_from_the_first_step_on():
    # The first step took 10 s (the kernels compiled in it); the next half of the run 10 s
    # more: 0.49 of the run is left, 9.8 s, not the 19 s that counting the compile gives.
    first, later = _report(0.01, 10.0), _report(0.51, 20.0)
    assert "ETA" not in train._progress_line(first, 24, first)
    assert train._progress_line(later, 24, first).endswith("ETA 10s")


def test_train_says_when_it_prepares_the_simulator_then_trains(tmp_path):
    # The line appears once preparing has taken PREPARING_SHOWN_AFTER_S; at 0 s it appears
    # also on a warm cache (kernels loaded, not compiled), in a fresh process.
    project = tmp_path / "moons.qmlproj"
    shutil.copy(ROOT / "resources" / "examples" / "moons.qmlproj", project)
    code = ("import sys, qmlstudio.cli.common as common\n"
            "from qmlstudio.cli import main\n"
            "common.PREPARING_SHOWN_AFTER_S = 0.0\n"
            "sys.exit(main(['train', sys.argv[1], '--restart', '--epochs', '2']))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code, str(project)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stderr.splitlines()  # a log: one line per second at most, then per epoch
    preparing = [re.fullmatch(r"preparing the simulator \(first run only\): \d+/\d+ kernels",
                              line) is not None for line in lines]
    assert preparing[0] and preparing == sorted(preparing, reverse=True), lines  # first
    assert lines[-1].startswith("epoch 2/2 "), lines
    assert "completed (epoch 2," in result.stdout
