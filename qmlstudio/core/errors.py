"""The errors QML Studio raises on purpose.

Every one derives from :class:`QMLStudioError`, itself a ``ValueError``, so callers can catch
the whole family with one clause. Each message says what is wrong and where (file, line, JSON
path, row/column).
"""

__all__ = [
    "CircuitError",
    "DatasetError",
    "ExportError",
    "Interrupted",
    "ModelFileError",
    "NoiseError",
    "ProjectError",
    "QMLStudioError",
    "QasmError",
    "user_message",
]


class QMLStudioError(ValueError):
    """Base of every error QML Studio raises on purpose."""


class CircuitError(QMLStudioError):
    """A circuit, an operation, or an argument given to the simulator is invalid."""


class NoiseError(QMLStudioError):
    """A noise channel, a noise model or a device calibration file is invalid."""


class QasmError(QMLStudioError):
    """OpenQASM text that cannot be imported faithfully (message names line and construct)."""


class ProjectError(QMLStudioError):
    """A project file that cannot be read or written (message names file and JSON path)."""


class DatasetError(QMLStudioError):
    """A data set that cannot be loaded or used (message names row and column)."""


class ExportError(QMLStudioError):
    """An exported file (OpenQASM, LaTeX, CSV, image) that cannot be made or written (message
    names the file and the reason)."""


class ModelFileError(QMLStudioError):
    """A ``.qmodel`` file that cannot be read or written."""


class Interrupted(Exception):
    """A long computation stopped early because its caller asked it to (through an
    ``interrupt`` callback). Not a :class:`QMLStudioError`: nothing was wrong with the input."""


def user_message(error: BaseException) -> str:
    """What a user is shown for ``error``: our own errors' message as it is; anything else (a
    bug, not a bad input) prefixed by its type, so it is not mistaken for advice."""
    if isinstance(error, QMLStudioError):
        return str(error)
    return f"{type(error).__name__}: {error}"
