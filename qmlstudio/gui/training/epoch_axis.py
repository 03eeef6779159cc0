"""The epoch axis of the training curves: :class:`EpochAxis`, whole epochs only.

pyqtgraph places ticks at "nice" fractions of the visible range, so three epochs came out as
1.0, 1.1, 1.2 … 3.0 (21 crowded labels on a wide plot, and epochs that do not exist). This
axis keeps only whole-number ticks and writes them without decimals.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

__all__ = ["EpochAxis"]


class EpochAxis(pg.AxisItem):
    """A bottom axis with ticks at whole epochs only (see the module docstring)."""

    def __init__(self, **kwargs) -> None:
        super().__init__("bottom", **kwargs)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        levels = [(spacing, [value for value in values if float(value).is_integer()])
                  for spacing, values in super().tickValues(minVal, maxVal, size)
                  if spacing >= 1]
        if levels:
            return levels
        # A range of a few epochs: pyqtgraph's spacings are all fractions; one tick per epoch.
        first, last = math.ceil(minVal), math.floor(maxVal)
        return [(1.0, [float(epoch) for epoch in range(first, last + 1)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [str(round(value)) for value in values]
