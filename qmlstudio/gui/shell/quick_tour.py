"""Help ▸ Quick Tour: a short, non-modal guide through the main flow of the app.

Six pages — design a circuit, bind parameters, load data, train, save and export, headless
use — with Back / Next / Close. It is a plain dialog beside the window (not modal), so the user
can try each step while reading it. Keyboard: Enter or Alt+N goes on, Alt+B goes back, Esc
closes; the page text is selectable with the keyboard too.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

__all__ = ["TOUR_PAGES", "QuickTour", "offer_on_first_launch", "show_quick_tour"]

TOUR_PAGES: tuple[tuple[str, str], ...] = (
    ("Design a circuit",
     "Drag a gate or a template (angle encoding, ZZ feature map, entangling layers) from the "
     "<b>Gates</b> palette onto a wire of the canvas; drop it on the dashed wire to add a "
     "qubit. Drag gates to move them, drag a control dot to rewire it. Select with a click, "
     "Ctrl+click or a rubber band; Delete, Cut/Copy/Paste and Undo/Redo work as everywhere. "
     "Ctrl+wheel (or Ctrl++ / Ctrl+-) zooms."),
    ("Bind parameters",
     "Select a gate and open the <b>Inspector</b>. Each angle is a constant "
     "(<code>pi/4</code>), a trainable weight θₖ (share an index to tie weights) or an input "
     "feature <code>scale·xⱼ + offset</code> — that is how data enters the circuit. The "
     "<b>OpenQASM</b> tab shows the same circuit as text; edit it and press Ctrl+Return. "
     "The <b>State</b> view shows the probabilities and Bloch vectors for one sample."),
    ("Load data",
     "The <b>Data</b> tab picks a built-in data set (moons, circles, XOR, spirals, Iris…) with "
     "its noise, size and seed, or a CSV file (or drop a CSV on the window). Choose the label "
     "and feature columns, the scaling, PCA and the test / validation split; the points are "
     "plotted as you go."),
    ("Train",
     "The <b>Training</b> tab sets the model, loss, optimizer, learning rate, batch size, "
     "epochs and seed. Press Train: the <b>Plots</b> dock draws the losses, the accuracy "
     "(or R²), the gradient norm and the decision boundary live, and the canvas tints each "
     "gate by its gradient. Pause, Step, Resume or Stop at any time; the result enters the "
     "project as one undoable step."),
    ("Save and export",
     "File ▸ Save writes a <code>.qmlproj</code> (readable JSON). File ▸ Export writes "
     "OpenQASM 3 or 2, the diagram as PNG, SVG or LaTeX, the trained model (<code>.qmodel"
     "</code>, OpenQASM 3, a PennyLane or Qiskit script), predictions for a new CSV, the "
     "training history and the plots. Help ▸ Examples opens finished projects to start from."),
    ("Headless and from Python",
     "Everything works without the window: <code>qmlstudio train moons.qmlproj</code>, "
     "<code>qmlstudio export moons.qmlproj --to qmodel -o moons.qmodel</code>, "
     "<code>qmlstudio predict moons.qmodel points.csv</code>. In Python, "
     "<code>import qmlstudio as q</code> gives circuits, the simulator, training and "
     "<code>q.load_model(…).predict(X)</code> — no Qt needed. The README has the details."),
)
"""(title, rich text) of each page, in order."""

_SHOWN_KEY = "app/quick_tour_offered"


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
        for _title, text in TOUR_PAGES:
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

    def set_page(self, index: int) -> None:
        """Show page ``index`` (clamped to the pages there are)."""
        index = max(0, min(index, self.page_count() - 1))
        self._stack.setCurrentIndex(index)
        self._heading.setText(TOUR_PAGES[index][0])
        self._counter.setText(f"{index + 1} of {self.page_count()}")
        last = index == self.page_count() - 1
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(not last)
        # Enter always does the natural thing: go on, or close on the last page.
        default = self.close_button if last else self.next_button
        default.setDefault(True)
        default.setFocus()

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
