"""The Qt binding we install must not leak or lose references on plain calls.

PySide6 6.12.0 under Python 3.11 dropped a reference to ``None`` on every void-returning call
(``setObjectName``, ``update``, every ``QPainter`` draw), so a long session aborted with
"deallocating None"; pyproject.toml excludes it. This test fails on such a binding.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QWidget


def test_void_calls_keep_the_reference_count_of_none(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.setObjectName("probe")
        widget.update()
    assert abs(sys.getrefcount(None) - before) < 100
