"""Edit one gate parameter's binding: a constant, a trainable weight, an input feature or an
expression of weights and features (``w0*x1 + w2``, ``(pi - x0)*(pi - x1)``).

The editor shows a :class:`~qmlstudio.core.Param` and emits the *new* parameter the user asks
for; it never edits the document itself (the
:class:`~qmlstudio.gui.editor.inspector.Inspector` turns
each emission into one undoable edit). Numbers are typed as expressions (``pi/4``,
``-2*pi/3``, ``0.5``) read by the OpenQASM expression parser, which never runs ``eval``.
Expressions are typed as OpenQASM 3 text with inputs ``x<j>`` and ``w<k>``, read by
:func:`~qmlstudio.io.qasm_import.parse_param` (whatever the text denotes is emitted: typing
``w3`` there binds a plain weight). Invalid input shows a red message under the fields and emits
nothing.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qmlstudio.core import Const, Expr, Feature, Param, QMLStudioError, Weight
from qmlstudio.core.parameters import MAX_PARAMETER_INDEX
from qmlstudio.gui.theme.themes import set_tone
from qmlstudio.io.qasm_export import param_text
from qmlstudio.io.qasm_expressions import ExpressionError, evaluate, parse_expressions
from qmlstudio.io.qasm_import import parse_param

__all__ = ["KINDS", "ParameterEditor", "format_number", "parse_number"]

KINDS = ("Constant", "Trainable weight", "Input feature", "Expression")
"""The combo box entries, in the order of :data:`_KIND_TYPES`."""
_KIND_TYPES = (Const, Weight, Feature, Expr)
_EXPRESSION = _KIND_TYPES.index(Expr)
_PI_DENOMINATORS = (1, 2, 3, 4, 6, 8, 12, 16)
MAX_FEATURE_INDEX = 999
"""Highest feature index offered (the data set, not the circuit, says how many there are)."""
"""How inline validation messages look."""


def parse_number(text: str) -> float:
    """The finite number an expression such as ``pi/4`` or ``-2*pi/3`` denotes.

    Raises ``ValueError`` with a message fit to show the user.
    """
    try:
        nodes = parse_expressions(text)
        if not nodes:
            raise ValueError("enter a number or an expression such as pi/4")
        if len(nodes) > 1:
            raise ValueError("enter one number, not a list")
        value = evaluate(nodes[0], {})
    except ExpressionError as error:
        raise ValueError(str(error)) from None
    if not isinstance(value, float) or not math.isfinite(value):
        raise ValueError(f"'{text.strip()}' is not a finite number")
    return value


def format_number(value: float) -> str:
    """Text that :func:`parse_number` reads back as exactly ``value``: a simple multiple of
    pi when it is one (``3*pi/4``), else the shortest decimal (``0.5``, ``-2``)."""
    for denominator in _PI_DENOMINATORS:
        numerator = round(value * denominator / math.pi)
        # Compared exactly, computed as the parser computes it, so the text round-trips.
        if numerator and math.gcd(numerator, denominator) == 1 \
                and abs(numerator) <= 8 * denominator \
                and (numerator * math.pi) / denominator == value:
            text = {1: "pi", -1: "-pi"}.get(numerator, f"{numerator}*pi")
            return text if denominator == 1 else f"{text}/{denominator}"
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _error_label() -> QLabel:
    label = QLabel()
    set_tone(label, "error")
    label.setWordWrap(True)
    label.hide()
    return label


class ParameterEditor(QGroupBox):
    """Binding of one gate parameter: a kind combo box and the fields of that kind.

    Signals: ``param_edited(Param)`` with the parameter the user asked for;
    ``weight_value_edited(int, float)`` when the user types a trained weight's value.
    Public widgets (for the inspector and tests): ``kind``, ``pages`` (one per kind),
    ``constant``, ``weight_index``, ``weight_value``, ``shared``, ``weight_note``,
    ``feature_index``, ``feature_scale``, ``feature_offset``, ``expression``, ``error``.
    """

    param_edited = Signal(object)
    weight_value_edited = Signal(int, float)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._param: Param = Const(0.0)
        self._n_weights = 0
        self._weight_value: float | None = None

        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        # ``activated`` fires for user choices only, never for refreshes from the document.
        self.kind.activated.connect(self._on_kind_chosen)

        self.constant = QLineEdit()
        self.constant.setPlaceholderText("e.g. pi/4, -2*pi/3, 0.5")
        self.constant.editingFinished.connect(self._on_constant_edited)

        self.weight_index = _spin_box(0)
        self.weight_index.valueChanged.connect(self._on_weight_index_changed)
        self.shared = QLabel()
        self.weight_value = QLineEdit()
        self.weight_value.editingFinished.connect(self._on_weight_value_edited)
        self.weight_note = QLabel()
        self.weight_note.setWordWrap(True)

        self.feature_index = _spin_box(MAX_FEATURE_INDEX)
        self.feature_index.valueChanged.connect(self._on_feature_edited)
        self.feature_scale = QLineEdit()
        self.feature_scale.editingFinished.connect(self._on_feature_edited)
        self.feature_offset = QLineEdit()
        self.feature_offset.editingFinished.connect(self._on_feature_edited)

        self.expression = QLineEdit()
        self.expression.setPlaceholderText("e.g. w0*x1 + w2, (pi - x0)*(pi - x1)")
        self.expression.setToolTip("An OpenQASM 3 expression: x0, x1, … are data features, "
                                   "w0, w1, … trainable weights; each term multiplies at most "
                                   "three of them and at most one weight")
        self.expression.editingFinished.connect(self._on_expression_edited)

        # One page per kind, only the current one shown (a stacked widget would keep the
        # tallest page's height and leave a gap under a constant).
        self.pages = (
            _form(("Value", self.constant)),
            _form(("Index w", self.weight_index), ("", self.shared),
                  ("Value", self.weight_value), ("", self.weight_note)),
            _form(("Index x", self.feature_index), ("Scale", self.feature_scale),
                  ("Offset", self.feature_offset)),
            _form(("Angle", self.expression)),
        )
        self.error = _error_label()

        layout = QVBoxLayout(self)
        layout.addWidget(self.kind)
        for page in self.pages:
            layout.addWidget(page)
        layout.addWidget(self.error)

    # -- showing the document's state --------------------------------------------------------
    def show_param(self, param: Param, *, n_weights: int, shared_with: tuple[str, ...] = (),
                   weight_value: float | None = None, weight_init: str = "") -> None:
        """Show ``param``. ``n_weights`` is the circuit's weight count (the highest index
        offered is a fresh one), ``shared_with`` labels the other gates using the same
        weight, ``weight_value`` is its trained value (None before training, when
        ``weight_init`` names how training will initialise it)."""
        self._param, self._n_weights, self._weight_value = param, n_weights, weight_value
        kind = _KIND_TYPES.index(type(param))
        blockers = [QSignalBlocker(w) for w in (self.kind, self.weight_index, self.feature_index)]
        self.kind.setCurrentIndex(kind)
        self._show_page(kind)
        self.weight_index.setMaximum(min(max(n_weights, 0), MAX_PARAMETER_INDEX))
        if isinstance(param, Const):
            self.constant.setText(format_number(param.value))
        elif isinstance(param, Weight):
            self.weight_index.setValue(param.index)
            self._show_weight(shared_with, weight_value, weight_init)
        elif isinstance(param, Expr):
            self.expression.setText(param_text(param))
        else:
            self.feature_index.setValue(param.index)
            self.feature_scale.setText(format_number(param.scale))
            self.feature_offset.setText(format_number(param.offset))
        del blockers
        self.show_error("")

    def _show_page(self, kind: int) -> None:
        for position, page in enumerate(self.pages):
            page.setVisible(position == kind)

    def _show_weight(self, shared_with: tuple[str, ...], value: float | None,
                     weight_init: str) -> None:
        count = len(shared_with)
        self.shared.setText("used by this gate only" if not count else
                            f"shared with {count} other gate{'s' if count > 1 else ''}")
        self.shared.setToolTip("\n".join(shared_with))
        trained = value is not None
        self.weight_value.setEnabled(trained)
        self.weight_value.setText(format_number(value) if trained else "")
        self.weight_value.setPlaceholderText("" if trained else "not trained yet")
        # Before training there is no value to edit: training draws it from the configured
        # initialisation (and the seed), so a typed value would be silently replaced.
        self.weight_note.setText(
            "Trained value; editing it changes every gate that shares this weight."
            if trained else
            f"Set when training starts by the training config's weight initialisation"
            f"{f' ({weight_init})' if weight_init else ''}.")

    def show_error(self, message: str) -> None:
        """Show ``message`` in red under the fields (hide the label if empty)."""
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # -- user input ------------------------------------------------------------------------------
    def _on_kind_chosen(self, kind: int) -> None:
        if isinstance(self._param, _KIND_TYPES[kind]):
            return
        if kind == _EXPRESSION:
            # Nothing to emit yet: the current binding, as text, is where the user starts.
            self._show_page(kind)
            self.expression.setText(param_text(self._param))
            self.expression.setFocus()
        elif kind == 0:
            # Freezing a trained weight keeps its value, so the circuit computes the same.
            value = self._weight_value if isinstance(self._param, Weight) else None
            self._emit(Const(value if value is not None else 0.0))
        elif kind == 1 and self._n_weights > MAX_PARAMETER_INDEX:
            with QSignalBlocker(self.kind):
                self.kind.setCurrentIndex(_KIND_TYPES.index(type(self._param)))
            self.show_error(f"No new weight index is free: the circuit already uses indices up "
                            f"to {MAX_PARAMETER_INDEX:,}")
        elif kind == 1:
            self._emit(Weight(self._n_weights))  # a fresh weight, shared with nothing
        else:
            self._emit(Feature(0))

    def _on_constant_edited(self) -> None:
        try:
            value = parse_number(self.constant.text())
        except ValueError as error:
            self.show_error(f"Value: {error}")
            return
        self._emit(Const(value))

    def _on_weight_index_changed(self, index: int) -> None:
        self._emit(Weight(index))

    def _on_weight_value_edited(self) -> None:
        if not isinstance(self._param, Weight) or self._weight_value is None:
            return
        try:
            value = parse_number(self.weight_value.text())
        except ValueError as error:
            self.show_error(f"Value: {error}")
            return
        self.show_error("")
        if value != self._weight_value:
            self.weight_value_edited.emit(self._param.index, value)

    def _on_feature_edited(self) -> None:
        try:
            scale = parse_number(self.feature_scale.text())
        except ValueError as error:
            self.show_error(f"Scale: {error}")
            return
        try:
            offset = parse_number(self.feature_offset.text())
        except ValueError as error:
            self.show_error(f"Offset: {error}")
            return
        self._emit(Feature(self.feature_index.value(), scale, offset))

    def _on_expression_edited(self) -> None:
        if self.kind.currentIndex() != _EXPRESSION:
            return
        try:
            param = parse_param(self.expression.text())
        except QMLStudioError as error:
            self.show_error(f"Expression: {error}")
            return
        self._emit(param)

    def _emit(self, param: Param) -> None:
        self.show_error("")
        if param != self._param:
            self.param_edited.emit(param)


def _spin_box(maximum: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, maximum)
    # One edit per committed value (Enter, focus out, arrows), not one per keystroke.
    box.setKeyboardTracking(False)
    return box


def _form(*rows: tuple[str, QWidget]) -> QWidget:
    page = QWidget()
    form = QFormLayout(page)
    form.setContentsMargins(0, 0, 0, 0)
    for label, widget in rows:
        form.addRow(label, widget)
    return page
