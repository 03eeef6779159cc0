"""The errors QML Studio raises on purpose.

Every one derives from :class:`QMLStudioError`, itself a ``ValueError``, so callers can catch
the whole family with one clause. Each message says what is wrong and where.
"""

__all__ = ["CircuitError", "QMLStudioError"]


class QMLStudioError(ValueError):
    """Base of every error QML Studio raises on purpose."""


class CircuitError(QMLStudioError):
    """A circuit, an operation, or an argument given to the simulator is invalid."""
