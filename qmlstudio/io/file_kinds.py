"""What a file holds, judged by its content: :func:`file_kind`, and :func:`wrong_kind`, the
one message for a file of another kind than the one expected.

Given a circuit where a project goes (``qmlstudio train circuit.qasm``), a reader would
otherwise report how the file fails to parse as the format it expected ("not valid JSON (line
1, column 1)"). The readers of projects, models and CSV data sets ask :func:`wrong_kind` first,
and say what the file is and what to do with it instead.
"""

from __future__ import annotations

import os
import re

__all__ = ["file_kind", "wrong_kind"]

_HEAD = 4096  # bytes looked at: the format field and a CSV's first lines are near the start
_FORMAT = re.compile(r'"format"\s*:\s*"qmlstudio-(project|model)"')
_DELIMITERS = (",", ";", "\t", "|")

_NAMES = {"openqasm": "an OpenQASM circuit", "project": "a QML Studio project",
          "model": "a trained QML Studio model (.qmodel)", "csv": "a CSV table"}
_NEW = "'qmlstudio new --model NAME --data {data} -o OUT.qmlproj' (see 'qmlstudio new --list')"
_ADVICE = {
    ("openqasm", "project"): "create a project with " + _NEW.format(data="DATASET")
                             + ", or open the circuit in the app ('qmlstudio {path}'), choose "
                               "a data set and save it as a project",
    ("csv", "project"): "create a project that learns from it with " + _NEW.format(data="{path}"),
    ("model", "project"): "predict with it: 'qmlstudio predict {path} DATA.csv'",
    ("project", "model"): "export a model from it with 'qmlstudio export {path} --to qmodel "
                          "-o OUT.qmodel' (once it is trained)",
    ("openqasm", "model"): "a model is exported from a trained project with 'qmlstudio export "
                           "PROJECT.qmlproj --to qmodel -o OUT.qmodel'",
    ("csv", "model"): "the model comes first: 'qmlstudio predict MODEL.qmodel {path}'",
}
_DATA_ADVICE = "a data set is a CSV table of features (and a label column)"


def _text_lines(data: bytes) -> list[str]:
    text = data[:_HEAD].decode("utf-8-sig", errors="replace")
    return [line.strip() for line in text.splitlines() if line.strip()]


def file_kind(data: bytes) -> str | None:
    """``"openqasm"``, ``"project"``, ``"model"`` or ``"csv"`` for what the bytes of a file
    look like, or None when they look like none of these."""
    if b"\0" in data[:_HEAD]:
        return None
    lines = [line for line in _text_lines(data) if not line.startswith("//")]
    if not lines:
        return None
    if lines[0].startswith("OPENQASM"):
        return "openqasm"
    if lines[0].startswith("{"):
        match = _FORMAT.search(data[:_HEAD].decode("utf-8-sig", errors="replace"))
        return match.group(1) if match else None
    if len(lines) >= 2 and any(0 < lines[0].count(d) == lines[1].count(d) for d in _DELIMITERS):
        return "csv"
    return None


def wrong_kind(path: str | os.PathLike, data: bytes, expected: str) -> str | None:
    """``"PATH: an OpenQASM circuit, not a QML Studio project; create a project with …"`` when
    the bytes ``data`` of the file at ``path`` are recognisably another kind of file than
    ``expected`` (``"project"``, ``"model"`` or ``"csv"``); None otherwise."""
    found = file_kind(data)
    if found is None or found == expected:
        return None
    path = os.fspath(path)
    advice = _DATA_ADVICE if expected == "csv" else _ADVICE[found, expected].format(path=path)
    return f"{path}: {_NAMES[found]}, not {_NAMES[expected]}; {advice}"
