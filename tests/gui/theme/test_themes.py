"""Light and dark themes: readable colours in both, the user's choice, the system's scheme,
and the canvas, plots and messages changing as the user sees them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from qmlstudio.core import Circuit, Project, w
from qmlstudio.gui.data.scatter import DataScatter
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.palette import GatePalette
from qmlstudio.gui.shell.app import create_application
from qmlstudio.gui.shell.preferences import PreferencesDialog
from qmlstudio.gui.theme.colours import (
    CLASS_COLOURS,
    DARK,
    LIGHT,
    NEUTRAL,
    SERIES,
    THEMES,
    contrast_ratio,
)
from qmlstudio.gui.theme.themes import active_theme, set_theme_choice, set_tone, theme_choice
from qmlstudio.gui.training.plots import TrainingPlots
from tests.gui.canvas_support import show_view

_TEXT_PAIRS = (  # (ink, what it is read on): the main texts of the window, canvas and plots
    ("text", "base"), ("window_text", "window"), ("button_text", "button"),
    ("highlighted_text", "highlight"), ("placeholder", "base"), ("link", "base"),
    ("tooltip_text", "tooltip_base"), ("text", "alternate_base"),
    ("error", "window"), ("error", "base"), ("warning", "window"), ("warning", "base"),
    ("notice_text", "notice_background"),
    ("gate_text", "fill_const"), ("gate_text", "fill_weight"), ("gate_text", "fill_feature"),
    ("gate_text", "fill_block"), ("gate_text", "block_header"), ("base", "noise_badge"),
    ("code_keyword", "base"), ("code_constant", "base"), ("code_number", "base"),
    ("code_string", "base"), ("code_comment", "base"), ("text", "code_error_line"),
    ("text", "label_column"), ("text", "quantum_row"), ("best_value", "quantum_row"),
)


@pytest.fixture
def restored_palette(qapp):
    """The test may switch themes; the application's palette is put back afterwards."""
    before = QPalette(qapp.palette())
    yield
    QApplication.setPalette(before)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_every_main_text_has_a_contrast_ratio_of_at_least_4_5(theme):
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)  # the WCAG formula
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    low = {(ink, ground): round(contrast_ratio(getattr(theme, ink), getattr(theme, ground)), 2)
           for ink, ground in _TEXT_PAIRS
           if contrast_ratio(getattr(theme, ink), getattr(theme, ground)) < 4.5}
    assert low == {}


def test_plot_lines_and_points_read_on_both_backgrounds():
    # Data colours do not change with the theme: each has WCAG's 3:1 for graphics on both.
    for colour in (*SERIES, *CLASS_COLOURS, NEUTRAL):
        for theme in THEMES.values():
            assert contrast_ratio(colour, theme.base) >= 3.0, (colour, theme.name)


def _pixel(widget, point: QPoint) -> str:
    return widget.grab().toImage().pixelColor(point).name()


def test_switching_the_theme_recolours_canvas_plots_palette_and_messages(
        qtbot, restored_palette):
    circuit = Circuit(1).add("ry", 0, w(0))
    view = show_view(qtbot, ProjectDocument(Project(circuit)), 500, 250)
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.resize(900, 600)
    plots.show()
    qtbot.waitExposed(plots)
    palette = GatePalette()
    qtbot.addWidget(palette)
    scatter = DataScatter()  # follows the palette by itself (not inside the plots dock)
    qtbot.addWidget(scatter)
    message = QLabel("Cannot train: no data")
    set_tone(message, "error")
    qtbot.addWidget(message)
    inside_box = view.gate_rect(0).center().toPoint() + QPoint(0, -10)
    empty = QPoint(view.viewport().width() - 5, view.viewport().height() - 5)
    for choice, theme in (("dark", DARK), ("light", LIGHT), ("dark", DARK)):
        set_theme_choice(choice)
        qtbot.wait(10)  # the palette change events
        assert active_theme() is theme
        # What the user sees on the canvas: its background and the trainable gate's fill.
        assert _pixel(view.viewport(), empty) == theme.base
        assert _pixel(view.viewport(), inside_box) == theme.fill_weight
        # The plots: background, axis ink and title.
        for plot in (plots.loss_plot, plots.boundary_plot, plots.confusion_plot, scatter):
            assert plot.backgroundBrush().color().name() == theme.base
            axis = plot.getPlotItem().getAxis("left")
            assert axis.textPen().color().name() == theme.text
        assert _pixel(plots.loss_plot, QPoint(4, 4)) == theme.base
        # A message keeps its meaning (error red) in the colour that reads on this theme.
        assert theme.error in message.styleSheet()
        # The palette's icons: the box of a constant gate in the theme's fill.
        icon = palette.model.item(0).child(0).icon().pixmap(40, 20).toImage()
        assert icon.pixelColor(icon.width() // 8, icon.height() // 2).name() == \
            theme.fill_const


def test_the_choice_is_made_in_preferences_and_kept(qtbot, restored_palette):
    assert theme_choice() == "system"
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    assert [dialog.theme_combo.itemText(k) for k in range(dialog.theme_combo.count())] == [
        "System", "Light", "Dark"]
    dialog.theme_combo.setCurrentIndex(2)
    dialog.accept()
    assert QSettings().value("appearance/theme") == "dark"
    assert QGuiApplication.palette().color(QPalette.ColorRole.Window).name() == DARK.window
    again = PreferencesDialog()
    qtbot.addWidget(again)
    assert again.theme_combo.currentText() == "Dark"
    again.reject()  # Cancel changes nothing
    assert theme_choice() == "dark"


def test_system_follows_the_desktops_colour_scheme_as_it_changes(qtbot, restored_palette):
    create_application()  # installs the theme: "System", and the offscreen desktop says nothing
    assert active_theme() is LIGHT
    hints = QGuiApplication.styleHints()
    # What Qt emits when the desktop turns dark, then light again.
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert QGuiApplication.palette().color(QPalette.ColorRole.Base) == QColor(DARK.base)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert active_theme() is LIGHT
    # A fixed choice is kept whatever the desktop does.
    set_theme_choice("dark")
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert active_theme() is DARK
