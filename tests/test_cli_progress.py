"""The CLI's progress line on a terminal and in a log."""

from __future__ import annotations

import io

from qmlstudio.cli.common import ProgressLine


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
