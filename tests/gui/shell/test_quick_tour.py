"""Help ▸ Quick Tour: a non-modal guide, clicked and keyed through like a user would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from qmlstudio.gui.shell.main_window import MainWindow
from qmlstudio.gui.shell.quick_tour import TOUR_PAGES, QuickTour, offer_on_first_launch


@pytest.fixture
def window(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window, 5000)
    return window


def _tour(window: MainWindow) -> QuickTour:
    tours = window.findChildren(QuickTour)
    assert len(tours) == 1
    return tours[0]


def test_help_menu_opens_a_non_modal_tour_and_next_back_close_walk_it(window, qtbot):
    action = window.actions_.actions["quick_tour"]
    assert action in window.menuBar().actions()[-1].menu().actions()  # under Help
    action.trigger()
    tour = _tour(window)
    qtbot.waitUntil(tour.isVisible)
    assert not tour.isModal()
    assert 5 <= tour.page_count() == len(TOUR_PAGES) <= 7
    assert window.isEnabled()  # the window stays usable beside the tour
    titles = []
    for k in range(tour.page_count()):
        titles.append(tour.title())
        assert f"{k + 1} of {tour.page_count()}" in tour._counter.text()
        assert tour.back_button.isEnabled() == (k > 0)
        if k < tour.page_count() - 1:
            qtbot.mouseClick(tour.next_button, Qt.MouseButton.LeftButton)
    assert titles == [page.title for page in TOUR_PAGES]
    assert not tour.next_button.isEnabled()
    qtbot.mouseClick(tour.back_button, Qt.MouseButton.LeftButton)
    assert tour.page() == tour.page_count() - 2
    qtbot.mouseClick(tour.close_button, Qt.MouseButton.LeftButton)
    assert not tour.isVisible()
    action.trigger()  # opening it again starts over, in the same dialog
    assert _tour(window) is tour and tour.isVisible() and tour.page() == 0


def test_the_tour_is_keyboard_navigable(window, qtbot):
    QTest.keyClick(window, Qt.Key.Key_F1)  # Help ▸ Quick Tour's shortcut
    tour = _tour(window)
    qtbot.waitUntil(tour.isVisible)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tour)  # keys now go to the tour
    QTest.keyClick(tour, Qt.Key.Key_Return)  # Enter goes on
    assert tour.page() == 1
    # A mnemonic "animates" the click: the button fires a moment later.
    QTest.keySequence(tour, QKeySequence("Alt+N"))  # &Next
    qtbot.waitUntil(lambda: tour.page() == 2, timeout=2000)
    QTest.keySequence(tour, QKeySequence("Alt+B"))  # &Back
    qtbot.waitUntil(lambda: tour.page() == 1, timeout=2000)
    for _ in range(tour.page_count()):
        QTest.keyClick(tour, Qt.Key.Key_Return)
    # On the last page Enter closes the tour (Close is the default button there).
    assert not tour.isVisible()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    QTest.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(tour.isVisible)
    QTest.keyClick(tour, Qt.Key.Key_Escape)
    assert not tour.isVisible()


def test_every_page_names_its_subject():
    text = " ".join(f"{page.title} {page.text}" for page in TOUR_PAGES).lower()
    for subject in ("palette", "inspector", "data", "train", "save", "export", "qmlstudio train"):
        assert subject in text, subject


def test_first_launch_offers_the_tour_once(window, qtbot):
    tour = offer_on_first_launch(window)
    assert tour is not None and tour.isVisible()
    tour.close()
    assert offer_on_first_launch(window) is None  # remembered in the (isolated) settings
    assert not tour.isVisible()


def test_each_page_frames_the_widget_it_talks_about(window, qtbot):
    window.resize(1280, 800)
    window.actions_.actions["quick_tour"].trigger()
    tour = _tour(window)
    qtbot.waitUntil(tour.isVisible)
    highlight = tour.highlight
    seen = []
    for k, page in enumerate(TOUR_PAGES):
        tour.set_page(k)
        target = tour.target_widget(k)
        if page.target is None:
            assert target is None and not highlight.isVisible()
            continue
        seen.append(page.target)
        assert highlight.isVisible() and highlight.target is target
        assert target.isVisible()  # a dock tabbed behind another was brought to the front
        # The frame surrounds the target's area of the window, and is drawn on top of it.
        framed = highlight.geometry()
        area = target.rect().translated(target.mapTo(window, target.rect().topLeft()))
        assert framed.contains(area.intersected(window.rect()).adjusted(1, 1, -1, -1))
        image = window.grab().toImage()
        edge = window.palette().color(window.palette().ColorRole.Highlight)
        middle_left = framed.topLeft() + QPoint(2, framed.height() // 2)
        assert image.pixelColor(middle_left).name() == edge.name(), page.title
    assert seen == ["palette", "inspector", "data", "training", "menu"]
    tour.close()
    assert not highlight.isVisible()
