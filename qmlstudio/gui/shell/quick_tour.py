"""Help ▸ Quick Tour: a short, non-modal guide through the main flow of the app.

Six pages — design a circuit, bind parameters, load data, train, save and export, headless
use — with Back / Next / Close. It is a plain dialog beside the window (not modal), so the user
can try each step while reading it; a frame in the highlight colour surrounds the part of the
window each page talks about (its dock brought to the front). Keyboard: Enter or Alt+N goes
on, Alt+B goes back, Esc closes; the page text is selectable with the keyboard too.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

__all__ = ["TOUR_PAGES", "QuickTour", "TourHighlight", "TourPage", "offer_on_first_launch",
           "show_quick_tour"]

class TourPage(NamedTuple):
    """One page: its ``title``, the ``target`` it points at (a key of the window's
    ``docks``, ``"menu"`` for the menu bar, or None) and its rich ``text``."""

    title: str
    target: str | None
    text: str


TOUR_PAGES: tuple[TourPage, ...] = (
    TourPage("Design a circuit", "palette",
     "Drag a gate or a template (angle encoding, ZZ feature map, entangling layers) from the "
     "<b>Gates</b> palette onto a wire of the canvas; drop it on the dashed wire to add a "
     "qubit. Drag gates to move them, drag a control dot to rewire it. Select with a click, "
     "Ctrl+click or a rubber band; Delete, Cut/Copy/Paste and Undo/Redo work as everywhere. "
     "Ctrl+wheel (or Ctrl++ / Ctrl+-) zooms."),
    TourPage("Bind parameters", "inspector",
     "Select a gate and open the <b>Inspector</b>. Each angle is a constant "
     "(<code>pi/4</code>), a trainable weight θₖ (share an index to tie weights) or an input "
     "feature <code>scale·xⱼ + offset</code> — that is how data enters the circuit. The "
     "<b>OpenQASM</b> tab shows the same circuit as text; edit it and press Ctrl+Return. "
     "The <b>State</b> view shows the probabilities and Bloch vectors for one sample."),
    TourPage("Load data", "data",
     "The <b>Data</b> tab picks a built-in data set (moons, circles, XOR, spirals, Iris…) with "
     "its noise, size and seed, or a CSV file (or drop a CSV on the window). Choose the label "
     "and feature columns, the scaling, PCA and the test / validation split; the points are "
     "plotted as you go."),
    TourPage("Train", "training",
     "The <b>Training</b> tab sets the model, loss, optimizer, learning rate, batch size, "
     "epochs and seed. Press Train: the <b>Plots</b> dock draws the losses, the accuracy "
     "(or R²), the gradient norm and the decision boundary live, and the canvas tints each "
     "gate by its gradient. Pause, Step, Resume or Stop at any time; the result enters the "
     "project as one undoable step."),
    TourPage("Save and export", "menu",
     "File ▸ Save writes a <code>.qmlproj</code> (readable JSON). File ▸ Export writes "
     "OpenQASM 3 or 2, the diagram as PNG, SVG or LaTeX, the trained model (<code>.qmodel"
     "</code>, OpenQASM 3, a PennyLane or Qiskit script), predictions for a new CSV, the "
     "training history and the plots. Help ▸ Examples opens finished projects to start from."),
    TourPage("Headless and from Python", None,
     "Everything works without the window: <code>qmlstudio train moons.qmlproj</code>, "
     "<code>qmlstudio export moons.qmlproj --to qmodel -o moons.qmodel</code>, "
     "<code>qmlstudio predict moons.qmodel points.csv</code>. In Python, "
     "<code>import qmlstudio as q</code> gives circuits, the simulator, training and "
     "<code>q.load_model(…).predict(X)</code> — no Qt needed. The README has the details."),
)
"""The pages, in order."""

_SHOWN_KEY = "app/quick_tour_offered"
_FRAME_WIDTH = 4


class TourHighlight(QWidget):
    """A frame drawn over the window around the widget a tour page talks about.

    A child of the window on top of everything, transparent to the mouse (the user keeps
    working under it); it follows the target when the window is resized or the dock moves.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._target: QWidget | None = None
        self.hide()

    @property
    def target(self) -> QWidget | None:
        """The widget framed (None: nothing is)."""
        return self._target

    def point_at(self, target: QWidget | None) -> None:
        """Frame ``target`` (a widget of the window), or hide with None."""
        if self._target is not None:
            self._target.removeEventFilter(self)
        self._target = target
        if target is None:
            self.hide()
            return
        target.installEventFilter(self)
        self._follow()
        self.show()
        self.raise_()

    def _follow(self) -> None:
        target = self._target
        if target is None:
            return
        top_left = target.mapTo(self.parentWidget(), target.rect().topLeft())
        margin = _FRAME_WIDTH
        self.setGeometry(QRect(top_left, target.size()).adjusted(-margin, -margin, margin,
                                                                 margin)
                         & self.parentWidget().rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if watched is self._target and event.type() in (QEvent.Type.Resize,
                                                         QEvent.Type.Move):
            self._follow()
        return False

    def paintEvent(self, _event) -> None:  # Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = self.palette().color(QPalette.ColorRole.Highlight)
        painter.setPen(QPen(colour, _FRAME_WIDTH))
        half = _FRAME_WIDTH / 2
        painter.drawRoundedRect(self.rect().toRectF().adjusted(half, half, -half, -half), 6, 6)


class QuickTour(QDialog):
    """The tour: one page per entry of :data:`TOUR_PAGES`, with Back / Next / Close."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quick Tour")
        self.setModal(False)
        self._heading = QLabel()
        font = self._heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)  # relative, so it scales with the system
        font.setBold(True)
        self._heading.setFont(font)
        self._stack = QStackedWidget()
        for _title, _target, text in TOUR_PAGES:
            body = QLabel(text, wordWrap=True)
            body.setTextFormat(Qt.TextFormat.RichText)
            body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            self._stack.addWidget(body)
        self._counter = QLabel()
        self.back_button = QPushButton("< &Back")
        self.next_button = QPushButton("&Next >")
        self.close_button = QPushButton("&Close")
        self.back_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self._counter)
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self._heading)
        layout.addWidget(self._stack, 1)
        layout.addLayout(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 70,
                    self.fontMetrics().height() * 16)
        self.highlight = TourHighlight(parent) if parent is not None else None
        self.set_page(0)

    def page(self) -> int:
        """Index of the page shown."""
        return self._stack.currentIndex()

    def page_count(self) -> int:
        """Number of pages."""
        return self._stack.count()

    def title(self) -> str:
        """The heading of the page shown."""
        return self._heading.text()

    def text(self) -> str:
        """The (rich) text of the page shown."""
        return self._stack.currentWidget().text()

    def target_widget(self, index: int) -> QWidget | None:
        """The widget of the window page ``index`` talks about (a dock, the menu bar), or
        None."""
        window, name = self.parentWidget(), TOUR_PAGES[index].target
        if window is None or name is None:
            return None
        if name == "menu":
            return window.menuBar()
        return getattr(window, "docks", {}).get(name)

    def set_page(self, index: int) -> None:
        """Show page ``index`` (clamped to the pages there are) and frame what it talks
        about."""
        index = max(0, min(index, self.page_count() - 1))
        self._stack.setCurrentIndex(index)
        target = self.target_widget(index)
        if isinstance(target, QDockWidget):
            target.show()
            target.raise_()  # a tabbed dock comes to the front
        if self.highlight is not None:
            self.highlight.point_at(target if self.isVisible() else None)
        self._heading.setText(TOUR_PAGES[index].title)
        self._counter.setText(f"{index + 1} of {self.page_count()}")
        last = index == self.page_count() - 1
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(not last)
        # Enter always does the natural thing: go on, or close on the last page.
        default = self.close_button if last else self.next_button
        default.setDefault(True)
        default.setFocus()

    def showEvent(self, event) -> None:  # Qt override
        """Frame the page's widget as the tour appears."""
        super().showEvent(event)
        if self.highlight is not None:
            self.highlight.point_at(self.target_widget(self.page()))

    def hideEvent(self, event) -> None:  # Qt override
        """No frame once the tour is closed."""
        super().hideEvent(event)
        if self.highlight is not None:
            self.highlight.point_at(None)

    def next_page(self) -> None:
        """Go to the next page (nothing on the last one)."""
        self.set_page(self.page() + 1)

    def previous_page(self) -> None:
        """Go back one page (nothing on the first one)."""
        self.set_page(self.page() - 1)


def show_quick_tour(parent: QWidget) -> QuickTour:
    """Show ``parent``'s tour from its first page (one per window, created on first use)."""
    tour = parent.findChild(QuickTour)
    if tour is None:
        tour = QuickTour(parent)
    tour.set_page(0)
    tour.show()
    tour.raise_()
    tour.activateWindow()
    return tour


def offer_on_first_launch(parent: QWidget) -> QuickTour | None:
    """Show the tour if it has never been shown by this user (remembered in QSettings);
    returns it, or None if it was offered before."""
    settings = QSettings()
    if settings.value(_SHOWN_KEY, False, type=bool):
        return None
    settings.setValue(_SHOWN_KEY, True)
    return show_quick_tour(parent)
