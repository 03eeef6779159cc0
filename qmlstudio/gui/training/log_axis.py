"""A log-scale value axis whose labels never overlap: :class:`LogAxis`.

In log mode pyqtgraph labels the 2…9 multiples inside a decade as well as the decades, and
does not check that they fit: a gradient-norm axis over 0.0004 … 0.002 drew "0.001", "0.0009",
"0.0008" … on top of each other. This axis labels, of the ticks that are at least
:data:`LABEL_GAP` label heights apart, the densest of: every decade (or every 2nd, 5th, 10th …
when decades are crowded), then — when fewer than two decades are in view — 1, 2 and 5 or
1 and 3 times a power of ten. The other multiples are ticked (and gridded) without a label
while they are not crammed together either.
"""

from __future__ import annotations

import itertools
import math

import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF

__all__ = ["LABEL_GAP", "LogAxis", "log_tick_label"]

LABEL_GAP = 1.5
"""Tick labels are at least this many label heights apart (centre to centre)."""
_MIN_TICK_GAP = 4.0  # px between unlabelled ticks: closer, they merge into a grey band
_DECADE_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500)  # a zero norm sits at 1e-300
_MANTISSAS = ((1, 2, 5), (1, 3), (1,))  # inside a decade, densest first
_UNLABELLED = -1.0  # the spacing that marks the level of unlabelled ticks
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def log_tick_label(value: float) -> str:
    """``value`` as a tick label: plain from 0.0001 to 99999 ("0.0005", "20"), else as a power
    of ten ("10⁻⁵", "2·10⁻⁵"), never "1e-05"."""
    if 1e-4 <= abs(value) < 1e5:
        return f"{value:g}"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = float(f"{value / 10 ** exponent:.3g}")
    power = f"10{str(exponent).translate(_SUPERSCRIPT)}"
    return power if mantissa == 1 else f"{mantissa:g}·{power}"


def _multiples(lo: float, hi: float, mantissas: tuple[int, ...]) -> list[float]:
    """log10 of every ``m``·10^k (``m`` in ``mantissas``) within [lo, hi] (log10 units)."""
    values = []
    for exponent in range(math.floor(lo), math.ceil(hi) + 1):
        for mantissa in mantissas:
            value = exponent + math.log10(mantissa)
            if lo <= value <= hi:
                values.append(value)
    return values


def _min_gap(values: list[float]) -> float:
    return min((b - a for a, b in itertools.pairwise(values)), default=math.inf)


class LogAxis(pg.AxisItem):
    """A left (or right) axis for a plot in log-y mode (see the module docstring); in
    linear mode it ticks as pyqtgraph does."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # pyqtgraph API
        if not self.logMode:
            return super().tickValues(minVal, maxVal, size)
        lo, hi = min(minVal, maxVal), max(minVal, maxVal)
        if not (hi > lo and size > 0 and math.isfinite(hi - lo)):
            return []
        per_decade = size / (hi - lo)  # px
        font = self.style["tickFont"] or self.font()
        label_gap = LABEL_GAP * QFontMetricsF(font).height() / per_decade  # in decades
        labelled = self._labelled(lo, hi, label_gap)
        minor = [value for value in _multiples(lo, hi, tuple(range(1, 10)))
                 if not any(math.isclose(value, major, abs_tol=1e-9) for major in labelled)]
        levels = [(1.0, labelled)]
        if minor and _min_gap(sorted(minor + labelled)) * per_decade >= _MIN_TICK_GAP:
            levels.append((_UNLABELLED, minor))
        return levels

    @staticmethod
    def _labelled(lo: float, hi: float, gap: float) -> list[float]:
        """The labelled ticks' log10 values: the densest choice at least ``gap`` apart."""
        decades = range(math.ceil(lo), math.floor(hi) + 1)
        if len(decades) >= 2:
            step = next((s for s in _DECADE_STEPS if s >= gap), _DECADE_STEPS[-1])
            return [float(d) for d in decades if d % step == 0]
        for mantissas in _MANTISSAS:
            values = _multiples(lo, hi, mantissas)
            if _min_gap(values) >= gap:
                return values
        return [float(d) for d in decades]  # too short for two labels: the decade, if any

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing == _UNLABELLED:
            return [""] * len(values)
        return [log_tick_label(10 ** value * scale) for value in values]
