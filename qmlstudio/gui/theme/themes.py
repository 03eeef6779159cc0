"""Light and dark: the application's palette from a :class:`~.colours.Theme`, the user's
choice (System, Light or Dark, kept in QSettings), and following the system's colour scheme.

:func:`install_theme` (called by ``create_application``) applies the stored choice and
listens to Qt 6.5+'s ``styleHints().colorSchemeChanged``, so with "System" the app turns dark
or light with the desktop. Widgets redraw from the application palette (Qt sends them a
``PaletteChange``); what cannot follow a palette — a label coloured as an error or a warning —
is given a *tone* with :func:`set_tone` and is recoloured here on every change.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from qmlstudio.gui.theme.colours import DARK, LIGHT, Theme

__all__ = [
    "THEME_CHOICES",
    "active_theme",
    "apply_theme",
    "install_theme",
    "qpalette",
    "set_theme_choice",
    "set_tone",
    "theme_choice",
    "theme_of",
]

THEME_CHOICES = ("system", "light", "dark")
"""What the user may choose: follow the system's scheme, or always light, or always dark."""
_KEY = "appearance/theme"
_TONE_PROPERTY = "qmlstudio_tone"
_TONES = {
    "error": lambda t: f"color: {t.error};",
    "warning": lambda t: f"color: {t.warning};",
    "strong_warning": lambda t: f"color: {t.warning}; font-weight: bold;",
    "notice": lambda t: f"QFrame {{ background: {t.notice_background}; "
                        f"color: {t.notice_text}; }}",
}
"""Style sheets of the tones a widget may take (see :func:`set_tone`)."""


def qpalette(theme: Theme) -> QPalette:
    """The QPalette of ``theme`` (every role of every colour group the styles read)."""
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    palette = QPalette()
    for name, colour in (
            (role.Window, theme.window), (role.WindowText, theme.window_text),
            (role.Base, theme.base), (role.AlternateBase, theme.alternate_base),
            (role.Text, theme.text), (role.Button, theme.button),
            (role.ButtonText, theme.button_text), (role.BrightText, theme.error),
            (role.Highlight, theme.highlight), (role.HighlightedText, theme.highlighted_text),
            (role.Light, theme.light), (role.Midlight, theme.midlight), (role.Mid, theme.mid),
            (role.Dark, theme.dark), (role.Shadow, theme.shadow),
            (role.PlaceholderText, theme.placeholder), (role.Link, theme.link),
            (role.LinkVisited, theme.link), (role.ToolTipBase, theme.tooltip_base),
            (role.ToolTipText, theme.tooltip_text)):
        palette.setColor(name, QColor(colour))
    for name in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group.Disabled, name, QColor(theme.disabled_text))
    return palette


def theme_of(palette: QPalette) -> Theme:
    """The theme whose colours suit ``palette``: dark if its Base is darker than mid-grey.

    The canvas and the plots ask this of the palette they are drawn with, so a diagram
    exported on white gets the light gate fills even in a dark session."""
    return DARK if palette.color(QPalette.ColorRole.Base).lightness() < 128 else LIGHT


def active_theme() -> Theme:
    """The theme of the application's palette now."""
    return theme_of(QGuiApplication.palette())


def theme_choice() -> str:
    """The stored choice: ``"system"`` (the default), ``"light"`` or ``"dark"``."""
    choice = str(QSettings().value(_KEY, "system"))
    return choice if choice in THEME_CHOICES else "system"


def set_theme_choice(choice: str) -> None:
    """Store ``choice`` (one of :data:`THEME_CHOICES`) and apply it now."""
    if choice not in THEME_CHOICES:
        raise ValueError(f"theme choice {choice!r} is not one of {', '.join(THEME_CHOICES)}")
    QSettings().setValue(_KEY, choice)
    apply_theme()


def _resolved(choice: str, scheme: Qt.ColorScheme | None) -> Theme:
    if choice == "system":
        if scheme is None:
            scheme = QGuiApplication.styleHints().colorScheme()
        return DARK if scheme == Qt.ColorScheme.Dark else LIGHT
    return DARK if choice == "dark" else LIGHT


def apply_theme(scheme: Qt.ColorScheme | None = None) -> Theme:
    """Give the application the palette of the stored choice and recolour every toned
    widget; returns the theme applied. For "System" the theme follows ``scheme``, the
    system's colour scheme (asked of Qt when None; light when the system does not say)."""
    theme = _resolved(theme_choice(), scheme)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setPalette(qpalette(theme))
        for widget in app.allWidgets():
            tone = widget.property(_TONE_PROPERTY)
            if tone:
                widget.setStyleSheet(_TONES[tone](theme))
    return theme


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Colour ``widget``'s text as ``tone`` (``"error"``, ``"warning"``,
    ``"strong_warning"`` — bold —, or ``"notice"``: a frame on a pale amber band) in the
    current theme and whatever theme comes later; None takes the tone away."""
    if tone is not None and tone not in _TONES:
        raise ValueError(f"no tone {tone!r}; the tones are {', '.join(_TONES)}")
    widget.setProperty(_TONE_PROPERTY, tone or "")
    widget.setStyleSheet(_TONES[tone](active_theme()) if tone else "")


class _SchemeFollower(QObject):
    """Re-applies the theme when the system's colour scheme changes (for "System")."""

    def on_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if theme_choice() == "system":
            apply_theme(scheme)


def install_theme(app: QApplication) -> Theme:
    """Apply the stored choice to ``app`` and follow the system's scheme from now on (once
    per application); returns the theme applied."""
    if app.findChild(_SchemeFollower) is None:
        follower = _SchemeFollower(app)
        QGuiApplication.styleHints().colorSchemeChanged.connect(follower.on_scheme_changed)
    return apply_theme()
