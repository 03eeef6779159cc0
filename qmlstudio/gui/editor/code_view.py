"""The code view: the circuit as OpenQASM 3 text the user can read, edit and apply.

:class:`CodeView` shows :func:`~qmlstudio.viewmodels.qasm_view.view_text` of the document's
circuit — OpenQASM 3 with each noise channel as a ``// noise:`` line in its place and the
project's noise model named in a header comment, since OpenQASM has no noise instruction — and
follows the canvas and the Noise panel: every change of the circuit or its noise rewrites the
text, unless the user has edits not yet applied — then a bar says so and offers Apply (the
text replaces the circuit) or Discard (the text follows the circuit again), so typing is never
overwritten.

Apply (button or Ctrl+Return) parses the text (its ``// noise:`` lines too, with
:func:`~qmlstudio.viewmodels.qasm_view.read_view_text`) and makes the result the document's
circuit as ONE undoable edit; the rest of the project (data, model, trained weights that still
exist) is kept. A parse error is shown under the editor with its
line highlighted, and nothing changes: the text stays as typed, the circuit as it was.

OpenQASM has no notion of template groups, so the text cannot carry them: operations that the
edit left unchanged keep their group (matched in order, as a diff would), which makes the round
trip canvas → text → Apply give back the identical circuit (Apply is then a no-op).
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from difflib import SequenceMatcher

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from qmlstudio.core import Circuit, Project, QMLStudioError
from qmlstudio.core.noise import NoiseModel
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.theme.colours import Theme
from qmlstudio.gui.theme.fonts import monospace_font
from qmlstudio.gui.theme.themes import active_theme, set_tone
from qmlstudio.viewmodels.qasm_view import read_view_text, view_text

__all__ = ["CodeView", "QasmHighlighter", "with_kept_groups"]

_DEBOUNCE_MS = 50
_HIGHLIGHT_MAX_LINES = 20_000  # beyond this, colouring every line costs seconds; plain text
_DIFF_MAX_OPS = 5_000  # groups are matched by diff only within this many changed operations
_LINE = re.compile(r"\bline (\d+)")


def _format(colour: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(700)
    fmt.setFontItalic(italic)
    return fmt


_KEYWORDS = re.compile(r"\b(OPENQASM|include|qubit|bit|qreg|creg|input|output|float|int|uint|"
                       r"angle|bool|const|gate|measure|barrier|reset|if|else|for|in|while|"
                       r"def|return|let|ctrl|inv|pow|negctrl)\b")
_CONSTANTS = re.compile(r"\b(pi|π|tau|euler)\b")
_NUMBERS = re.compile(r"(?<![\w.])\d+\.?\d*(?:[eE][-+]?\d+)?")
_STRINGS = re.compile(r'"[^"\n]*"')
_COMMENTS = re.compile(r"//.*$|/\*.*?\*/")


@functools.cache
def _rules(theme: Theme) -> tuple[tuple[re.Pattern[str], QTextCharFormat], ...]:
    """The highlighting rules in ``theme``'s colours (made once per theme)."""
    return (
        (_KEYWORDS, _format(theme.code_keyword, bold=True)),
        (_CONSTANTS, _format(theme.code_constant)),
        (_NUMBERS, _format(theme.code_number)),
        (_STRINGS, _format(theme.code_string)),
        (_COMMENTS, _format(theme.code_comment, italic=True)),
    )


class QasmHighlighter(QSyntaxHighlighter):
    """Colours OpenQASM keywords, numbers, strings and comments (line by line), in the
    colours of the app's theme (:meth:`recolour` after a change).

    It keeps no state of its own: Qt may highlight a block while the editor is being torn
    down, when a Python attribute of this object would no longer be safe to read.
    """

    def recolour(self) -> None:
        """Highlight the text again, in the current theme's colours."""
        if self.document() is not None:
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # Qt override
        # Comments last: they win over what they contain.
        for pattern, fmt in _rules(active_theme()):
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), fmt)


def with_kept_groups(parsed: Circuit, current: Circuit) -> Circuit:
    """``parsed`` with the template group of each operation it shares with ``current``.

    Operations are matched in order by gate, wires and parameters (the common start and end,
    and a diff of the middle when it is small), so an edit of one line keeps every other
    operation's group.
    """
    old, new = current.operations, parsed.operations
    if not any(op.group for op in old):
        return parsed
    key = lambda op: (op.gate, op.wires, op.params)  # noqa: E731
    old_keys, new_keys = [key(op) for op in old], [key(op) for op in new]
    pairs: list[tuple[int, int]] = []
    start = 0
    while start < min(len(old), len(new)) and old_keys[start] == new_keys[start]:
        pairs.append((start, start))
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old_keys[-1 - end] == new_keys[-1 - end]:
        end += 1
        pairs.append((len(old) - end, len(new) - end))
    middle_old, middle_new = old_keys[start:len(old) - end], new_keys[start:len(new) - end]
    if middle_old and middle_new and max(len(middle_old), len(middle_new)) <= _DIFF_MAX_OPS:
        matcher = SequenceMatcher(None, middle_old, middle_new, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            pairs.extend((start + a + k, start + b + k) for k in range(size))
    ops = list(new)
    for i, j in pairs:
        ops[j] = replace(ops[j], group=old[i].group)
    return replace(parsed, operations=tuple(ops))


class CodeView(QWidget):
    """The document's circuit as editable OpenQASM 3 (see the module docstring).

    Signals: ``applied(bool)`` after a successful Apply (True if the circuit changed);
    ``error_shown(str)`` after a parse or apply error is shown.
    """

    applied = Signal(bool)
    error_shown = Signal(str)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._shown_circuit: Circuit | None = None  # the circuit the editor's text was made from
        self._shown_noise: NoiseModel | None = None  # and the noise model its header names
        self._stale = True
        self._error_shown = False  # the message is an error about the text as it was

        self._bar = QFrame(frameShape=QFrame.Shape.StyledPanel, visible=False)
        set_tone(self._bar, "notice")
        bar_label = QLabel("The circuit changed; your edits are not applied.", wordWrap=True)
        bar_apply = QPushButton("Apply", toolTip="Replace the circuit by the text")
        bar_discard = QPushButton("Discard", toolTip="Drop your edits and show the circuit")
        bar_layout = QHBoxLayout(self._bar)
        bar_layout.setContentsMargins(6, 2, 6, 2)
        bar_layout.addWidget(bar_label, 1)
        bar_layout.addWidget(bar_apply)
        bar_layout.addWidget(bar_discard)

        self.editor = QPlainTextEdit(lineWrapMode=QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setFont(monospace_font())
        self.editor.setTabStopDistance(4 * self.editor.fontMetrics().horizontalAdvance(" "))
        self._highlighter = QasmHighlighter(self)

        self._message = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.
                               TextSelectableByMouse)
        self.apply_button = QPushButton("Apply", toolTip="Make the text the circuit "
                                        "(Ctrl+Return); one undoable edit")
        self.revert_button = QPushButton("Revert", toolTip="Drop your edits")
        bottom = QHBoxLayout()
        bottom.addWidget(self._message, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self._bar)
        layout.addWidget(self.editor, 1)
        layout.addLayout(bottom)

        # Ctrl+Return is read from the editor's own key presses, not a QShortcut: it then
        # works wherever the view sits (a floating dock, a window not yet active).
        self.editor.installEventFilter(self)
        self._timer = QTimer(self, singleShot=True, interval=_DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer)
        bar_apply.clicked.connect(self.apply)
        bar_discard.clicked.connect(self.discard)
        self.apply_button.clicked.connect(self.apply)
        self.revert_button.clicked.connect(self.discard)
        self.editor.textChanged.connect(self._on_text_changed)
        document.project_changed.connect(self._on_project_changed)
        self._update_buttons()

    # -- what tests and the window read ----------------------------------------------------
    def text(self) -> str:
        """The editor's text."""
        return self.editor.toPlainText()

    def message(self) -> str:
        """The message under the editor (an error, or what the last Apply did)."""
        return self._message.text()

    def has_unapplied_edits(self) -> bool:
        """True if the text differs from the circuit it was made from."""
        # The document's modified flag follows its own undo history: typing and undoing the
        # typing leaves it unmodified, and reading the flag is free even for a huge text.
        return self._shown_circuit is not None and self.editor.document().isModified()

    def is_conflict_shown(self) -> bool:
        """True while the bar "The circuit changed; your edits are not applied" is shown."""
        return not self._bar.isHidden()

    def error_line(self) -> int | None:
        """The highlighted (1-based) line of the last error, if any."""
        selections = self.editor.extraSelections()
        return selections[0].cursor.blockNumber() + 1 if selections else None

    # -- actions ---------------------------------------------------------------------------
    def apply(self) -> bool:
        """Make the text the document's circuit (one undoable edit). False on an error."""
        if self._shown_circuit is None:
            self._load()  # nothing shown yet: nothing typed either
            return True
        text = self.text()
        try:
            circuit = read_view_text(text)
            circuit = with_kept_groups(circuit, self._document.circuit)
            changed = self._document.edit_circuit(circuit, "Edit OpenQASM")
        except QMLStudioError as error:
            self._show_error(str(error))
            return False
        self._load()
        self._set_message("Applied." if changed else
                          "No change: the text describes the current circuit.")
        self.applied.emit(changed)
        return True

    def discard(self) -> None:
        """Drop the user's edits: show the document's circuit again."""
        self._load()

    def refresh(self) -> None:
        """Show the document's circuit now, unless the user has edits not yet applied."""
        self._timer.stop()
        project = self._document.project
        if project.circuit == self._shown_circuit and project.noise == self._shown_noise:
            self._bar.hide()
        elif self.has_unapplied_edits():
            self._bar.show()
        else:
            self._load()

    # -- handlers --------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # Qt override
        """Recolour the highlighting when the theme (the palette) changes."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._highlighter.recolour()

    def showEvent(self, event) -> None:  # Qt override
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if (watched is self.editor and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.apply()
            return True
        return super().eventFilter(watched, event)

    def _on_project_changed(self, _project: Project) -> None:
        self._timer.start()

    def _on_timer(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True  # writing a large circuit's text costs; do it when shown

    def _on_text_changed(self) -> None:
        if self.editor.extraSelections():
            self.editor.setExtraSelections([])  # the error marked the text as it was
        if self._error_shown:
            self._set_message("")  # it described the text as it was
        self._update_buttons()

    # -- helpers ---------------------------------------------------------------------------
    def _load(self) -> None:
        """Show the document's circuit and noise model."""
        project = self._document.project
        circuit = project.circuit
        try:
            text = view_text(circuit, project.noise)
        except QMLStudioError as error:  # not expected for a valid circuit, but never crash
            text = f"// cannot write this circuit as OpenQASM 3: {error}\n"
        # Colouring is per line but done for the whole document at once: skip it when huge.
        large = text.count("\n") > _HIGHLIGHT_MAX_LINES
        self._highlighter.setDocument(None if large else self.editor.document())
        self._shown_circuit, self._shown_noise = circuit, project.noise
        self._stale = False
        # setPlainText moves to the top: keep the reader's place (scroll and cursor) instead.
        scroll = self.editor.verticalScrollBar().value()
        position = self.editor.textCursor().position()
        self.editor.setPlainText(text)
        cursor = self.editor.textCursor()
        cursor.setPosition(min(position, len(text)))
        self.editor.setTextCursor(cursor)
        self.editor.verticalScrollBar().setValue(scroll)
        self._bar.hide()
        self._set_message("")
        self._update_buttons()

    def _show_error(self, text: str) -> None:
        self._error_shown = True
        set_tone(self._message, "error")
        self._message.setText(text)
        match = _LINE.search(text)
        block = self.editor.document().findBlockByNumber(int(match.group(1)) - 1) \
            if match else None
        if block is not None and block.isValid():
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(active_theme().code_error_line))
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection = QTextEdit.ExtraSelection()
            selection.format, selection.cursor = fmt, QTextCursor(block)
            self.editor.setExtraSelections([selection])
            cursor = QTextCursor(block)
            self.editor.setTextCursor(cursor)
            self.editor.centerCursor()
        self.error_shown.emit(text)

    def _set_message(self, text: str) -> None:
        self._error_shown = False
        set_tone(self._message, None)
        self._message.setText(text)

    def _update_buttons(self) -> None:
        edited = self.has_unapplied_edits()
        self.apply_button.setEnabled(edited)
        self.revert_button.setEnabled(edited)
