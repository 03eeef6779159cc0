"""The app's fixed-pitch font: DejaVu Sans Mono, shipped in ``resources/fonts``.

Asking Qt for "monospace" (or the system's fixed font) gives whatever fontconfig prefers, and
on some machines that is a font Qt does not treat as fixed pitch (with Noto installed,
"monospace" resolves to Noto Sans Mono and ``QFontInfo.fixedPitch()`` is False), so code
would be set differently from machine to machine. The app registers its own copy at start
(:func:`register_fonts`, called by ``create_application``) and every text that must line up in
columns takes :func:`monospace_font`. If the font files are missing (a partial install), the
system's fixed font stands in.
"""

from __future__ import annotations

import functools
import logging

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from qmlstudio._resources import resource_path

__all__ = ["MONOSPACE_FAMILY", "monospace_font", "register_fonts"]

MONOSPACE_FAMILY = "DejaVu Sans Mono"
_MONOSPACE_FILES = ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf")  # bold: the highlighter's
_log = logging.getLogger(__name__)


@functools.cache  # Qt's font database is global to the process: add the files once
def _shipped_families() -> frozenset[str]:
    families: set[str] = set()
    for name in _MONOSPACE_FILES:
        try:
            path = resource_path("fonts", name)
        except FileNotFoundError as error:
            _log.warning("%s", error)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            _log.warning("Qt could not load the font %s", path)
            continue
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    return frozenset(families)


def register_fonts() -> bool:
    """Add the shipped fonts to Qt's font database (once); whether the monospace one is there.

    Needs a QGuiApplication. A missing or unreadable file is logged, not raised: the app then
    runs with the system's fixed font.
    """
    return MONOSPACE_FAMILY in _shipped_families()


def monospace_font() -> QFont:
    """The shipped fixed-pitch font at the system fixed font's size (or the system fixed font
    itself if the shipped one is missing)."""
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if not register_fonts():
        return system
    font = QFont(MONOSPACE_FAMILY)
    size = system.pointSizeF() if system.pointSizeF() > 0 else QGuiApplication.font().pointSizeF()
    font.setPointSizeF(size)
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setFixedPitch(True)
    return font
