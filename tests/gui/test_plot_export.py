"""Every plot's "Export Plot…": the file kinds it writes, and it does not outlive its plot."""

from __future__ import annotations

import weakref

import pyqtgraph as pg
import pytest

from qmlstudio.core import QMLStudioError
from qmlstudio.gui.plot_export import EXPORT_TEXT, add_export_action, write_plot


def test_a_plot_of_another_kind_is_refused_naming_the_file(qtbot, tmp_path):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    with pytest.raises(QMLStudioError, match=r"plot\.pdf: export a plot as \.png or \.svg"):
        write_plot(plot, tmp_path / "plot.pdf", "plot")
    assert not (tmp_path / "plot.pdf").exists()


def test_the_menu_entry_does_not_keep_a_closed_plot_alive(qtbot):
    # A plot kept alive after closing still gets palette events with its plot item gone.
    plot = pg.PlotWidget()
    action = add_export_action(plot, "plot", "plot")
    assert action.text() == EXPORT_TEXT and plot.scene().contextMenu == [action]
    gone = weakref.ref(plot)
    del action
    plot.close()
    del plot  # the cyclic collector is off in these tests: freed only if nothing refers to it
    assert gone() is None
