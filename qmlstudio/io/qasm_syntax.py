"""The statement-level syntax of OpenQASM 2/3 that the reader understands.

A program is cut into statements at ``;``, ``{`` and ``}`` (after comments are blanked, keeping
line numbers), and each statement is recognised by its first word with the patterns below;
expressions are left to :mod:`.qasm_expressions`. ``REFUSED`` names every construct the
simulator cannot honour, so the reader can refuse it by name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from qmlstudio.core import QasmError
from qmlstudio.core.parameters import MAX_PARAMETER_INDEX
from qmlstudio.io.qasm_expressions import Affine

__all__ = [
    "ASSIGN_MEASURE", "CALL", "CONST", "GATE_HEADER", "GROUP_ANNOTATION", "INCLUDE", "INPUT",
    "NEW_REGISTER", "OLD_REGISTER", "OPAQUE", "OPERAND", "REASON", "REFUSED", "VERSION", "WORD",
    "broadcast", "count", "group_annotations", "input_map", "statements", "strip_comments",
]

NAME = r"[^\W\d]\w*"
COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/|^[ \t]*(?:#?pragma\b|@)[^\n]*", re.S | re.M)
STATEMENT = re.compile(r"[^;{}]*[;{}]")
WORD = re.compile(NAME)
CALL = re.compile(rf"({NAME})\s*(?:\((.*)\))?\s*(.*)", re.S)
OPERAND = re.compile(rf"({NAME})\s*(?:\[\s*(\d+)\s*\])?")
VERSION = re.compile(r"OPENQASM\s+(\d+)(?:\.\d+)?")
INCLUDE = re.compile(r'include\s+"([^"]*)"')
OLD_REGISTER = re.compile(rf"(qreg|creg)\s+({NAME})\s*\[\s*(\d+)\s*\]")
NEW_REGISTER = re.compile(rf"(qubit|bit)\s*(?:\[\s*(\d+)\s*\])?\s+({NAME})")
INPUT = re.compile(rf"input\s+(\w+)\s*(?:\[\s*\d+\s*\])?\s+({NAME})")
GATE_HEADER = re.compile(rf"gate\s+({NAME})\s*(?:\((.*)\))?\s*(.*)", re.S)
OPAQUE = re.compile(rf"opaque\s+({NAME})")
CONST = re.compile(rf"const\s+\w+\s*(?:\[[^\]]*\])?\s+({NAME})\s*=\s*(.+)", re.S)
ASSIGN_MEASURE = re.compile(r"(.*?)=\s*measure\b(.*)", re.S)
INDEXED = re.compile(r"([xw])(\d+)")
GROUP_ANNOTATION = "@qmlstudio.group"
"""The OpenQASM 3 annotation that carries an operation's group id (a JSON string) on the line
before it. Annotations are part of the language for tool-specific data: other readers (Qiskit,
the reference parser) ignore the ones they do not know."""
_COMMENTS_ONLY = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_GROUP_LINE = re.compile(rf"^[ \t]*{re.escape(GROUP_ANNOTATION)}\b([^\n]*)", re.M)

REFUSED = {
    "else": "classical control ('else')",
    "switch": "classical control ('switch')", "for": "a 'for' loop",
    "while": "a 'while' loop", "break": "'break'", "continue": "'continue'", "end": "'end'",
    "def": "a subroutine ('def')", "return": "'return'", "extern": "an 'extern' function",
    "box": "a 'box' block", "delay": "timing ('delay')", "stretch": "timing ('stretch')",
    "duration": "timing ('duration')", "cal": "pulse calibration ('cal')",
    "defcal": "pulse calibration ('defcal')", "defcalgrammar": "pulse calibration",
    "let": "an alias ('let')",
    "output": "an 'output' declaration", "gphase": "a global phase ('gphase')",
    "ctrl": "a gate modifier ('ctrl @')", "negctrl": "a gate modifier ('negctrl @')",
    "inv": "a gate modifier ('inv @')", "pow": "a gate modifier ('pow @')",
    **{kind: f"a classical variable ('{kind}')" for kind in
       ("int", "uint", "float", "angle", "bool", "complex", "array")},
}
REASON = ("QML Studio simulates gates, channels, reset, measurements and gates steered by "
          "their results")


def strip_comments(text: str) -> str:
    """``text`` with comments, pragmas and annotations blanked (newlines kept)."""
    return COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)


def group_annotations(text: str) -> list[tuple[int, str]]:
    """``(line, group id)`` of each ``@qmlstudio.group "<id>"`` line of ``text`` (before its
    comments are stripped), in order; a malformed one is a :class:`QasmError` naming its line.
    One inside a comment does not count (the writer escapes ``/`` in ids as ``\\/``, so an id
    never looks like a comment).
    """
    text = _COMMENTS_ONLY.sub(lambda m: "\n" * m.group().count("\n"), text)
    found = []
    line, position = 1, 0
    for match in _GROUP_LINE.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        argument = match.group(1).strip()
        try:
            group, end = json.JSONDecoder().raw_decode(argument)
        except ValueError:
            group, end = None, 0
        if not isinstance(group, str) or argument[end:].strip():
            raise QasmError(f"line {line}: {GROUP_ANNOTATION} needs one group id in double "
                            f"quotes (a JSON string), got '{argument[:40]}'")
        found.append((line, group))
    return found


def statements(text: str) -> Iterator[tuple[str, str, int]]:
    """``(statement, terminator, line)`` for each piece ending in ``;``, ``{`` or ``}``."""
    line, end = 1, 0
    # Search only up to the last terminator: past it every start position would scan the
    # whole unterminated tail again (quadratic in its length).
    last = max(text.rfind(";"), text.rfind("{"), text.rfind("}"))
    for match in STATEMENT.finditer(text, 0, last + 1):
        chunk = match.group()
        body = chunk[:-1]
        stripped = body.lstrip()
        start = line + body.count("\n", 0, len(body) - len(stripped))
        line += chunk.count("\n")
        end = match.end()
        yield stripped.rstrip(), chunk[-1], start
    tail = text[end:]
    if tail.strip():
        start = line + tail.count("\n", 0, len(tail) - len(tail.lstrip()))
        raise QasmError(f"line {start}: statement '{tail.strip()[:40]}' does not end with ';'")


def input_map(text: str) -> dict[str, Affine]:
    """Parameters for the ``input`` declarations: ``xj`` -> feature j, ``wk`` -> weight k;
    other names become the features after the highest ``xj``. An index past
    :data:`~qmlstudio.core.parameters.MAX_PARAMETER_INDEX` is a :class:`QasmError` naming the
    input."""
    names = [m.group(2) for m in INPUT.finditer(text) if m.group(1) in ("float", "angle")]
    indices = {name: _input_index(name, match) for name in names
               if (match := INDEXED.fullmatch(name))}
    next_x = 1 + max((index for name, index in indices.items() if name[0] == "x"), default=-1)
    inputs = {}
    for name in names:
        if name in indices:
            inputs[name] = Affine(name, name[0], indices[name])
        else:
            inputs[name] = Affine(name, "x", _checked_index(name, next_x, "feature"))
            next_x += 1
    return inputs


def _input_index(name: str, match: re.Match) -> int:
    digits = match.group(2).lstrip("0") or "0"  # int() refuses past 4,300 digits
    index = int(digits) if len(digits) <= 9 else MAX_PARAMETER_INDEX + 1
    return _checked_index(name, index, "weight" if match.group(1) == "w" else "feature")


def _checked_index(name: str, index: int, kind: str) -> int:
    if index > MAX_PARAMETER_INDEX:
        raise QasmError(f"input '{name[:40]}': a {kind} index must be at most "
                        f"{MAX_PARAMETER_INDEX:,}")
    return index


def broadcast(groups: list, text: str, line: int) -> list[tuple[int, ...]]:
    """Wire tuples for operands (whole registers as lists, single qubits as ints), as
    OpenQASM broadcasts a gate over equal-sized registers."""
    sizes = {len(g) for g in groups if isinstance(g, list)}
    if not sizes:
        return [tuple(groups)]
    if len(sizes) > 1:
        raise QasmError(f"line {line}: registers of different sizes in '{text}'")
    size = sizes.pop()
    return [tuple(g[k] if isinstance(g, list) else g for g in groups) for k in range(size)]


def count(digits: str, line: int) -> int:
    """A register size or index (past 4,300 digits ``int()`` raises a bare ValueError)."""
    significant = digits.lstrip("0") or "0"
    if len(significant) > 9:
        shown = digits if len(digits) <= 12 else digits[:12] + "..."
        raise QasmError(f"line {line}: the number {shown} is too large")
    return int(significant)
