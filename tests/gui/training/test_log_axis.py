"""The gradient norm's log axis: its labels never overlap, over any range and plot height, as
pyqtgraph's own did (0.001, 0.0009, 0.0008 … stacked), and read as numbers, not "1e-05"."""

import itertools
import math

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage, QPainter

from qmlstudio.gui.training.log_axis import LogAxis, log_tick_label


def _labels(plot: pg.PlotWidget) -> list[tuple[str, object]]:
    """The left axis's (text, rectangle) as pyqtgraph lays them out for painting."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = plot.getPlotItem().getAxis("left").generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(text, rect) for rect, _flags, text in texts if text]


_RANGES = ((4e-4, 2e-3), (1e-3, 1.2e-3), (0.05, 0.5), (1e-6, 1.0), (1e-300, 0.2), (2.0, 3e5))


def test_labels_never_overlap_and_at_least_two_show(qtbot):
    plot = pg.PlotWidget(axisItems={"left": LogAxis("left")})
    qtbot.addWidget(plot)
    plot.getPlotItem().setLogMode(x=False, y=True)
    axis = plot.getPlotItem().getAxis("left")
    axis.setWidth(70)  # room for every label from the start (pyqtgraph widens as it paints)
    plot.show()
    for height in (150, 400, 900):
        plot.resize(300, height)
        for low, high in _RANGES:
            plot.getPlotItem().setYRange(math.log10(low), math.log10(high), padding=0)
            qtbot.waitUntil(lambda height=height, high=high: plot.height() == height and
                            axis.range[1] == pytest.approx(math.log10(high)))
            labels = _labels(plot)
            rects = sorted((rect for _text, rect in labels), key=lambda rect: rect.top())
            assert all(not a.intersects(b) for a, b in itertools.pairwise(rects)), \
                (height, labels)
            if math.log10(high / low) >= 0.5:  # half a decade has room for 1, 2 and 5 × 10ᵏ
                assert len(labels) >= 2, (height, labels)
            values = [_value(text) for text, _rect in labels]
            assert all(low * 0.999 <= value <= high * 1.001 for value in values), labels


_SUPERSCRIPTS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def _value(text: str) -> float:
    """The number a label reads: "0.002", "10⁻⁵" or "2·10⁻⁵"."""
    if text.translate(_SUPERSCRIPTS) == text:  # no power of ten
        return float(text)
    mantissa, _, exponent = text.rpartition("10")
    return float(mantissa.rstrip("·") or 1) * 10.0 ** int(exponent.translate(_SUPERSCRIPTS))


def test_pyqtgraphs_own_log_axis_stacks_its_labels(qtbot):
    """The reference this axis fixes: the default axis over 0.0004 … 0.002 at 150 px."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.getPlotItem().setLogMode(x=False, y=True)
    widget.getPlotItem().getAxis("left").setWidth(70)
    widget.resize(300, 150)
    widget.show()
    widget.getPlotItem().setYRange(math.log10(4e-4), math.log10(2e-3), padding=0)
    qtbot.waitUntil(lambda: widget.height() == 150)
    rects = sorted((rect for _text, rect in _labels(widget)), key=lambda rect: rect.top())
    assert any(a.intersects(b) for a, b in itertools.pairwise(rects))


def test_labels_read_as_numbers():
    labels = {1e-3: "0.001", 5e-4: "0.0005", 1e-4: "0.0001", 1e-5: "10⁻⁵", 2e-5: "2·10⁻⁵",
              20.0: "20", 1e5: "10⁵", 1e-300: "10⁻³⁰⁰"}
    assert {value: log_tick_label(value) for value in labels} == labels
