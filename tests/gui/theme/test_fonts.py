"""The shipped fixed-pitch font: the same columns on every machine, whatever fonts it has."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetrics

from qmlstudio.gui.shell.crash_report import CrashDialog
from qmlstudio.gui.theme.fonts import monospace_font, register_fonts

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = "iW0m .;[]θ"  # narrow, wide, digits, punctuation, a Greek letter (parameter names)


def _advances(font: QFont) -> set[int]:
    metrics = QFontMetrics(font)
    return {metrics.horizontalAdvance(char) for char in SAMPLE}


def test_the_font_is_fixed_pitch_in_regular_and_bold(qapp):
    font = monospace_font()
    assert register_fonts()
    assert "DejaVu Sans Mono" in QFontDatabase.families()
    assert QFontInfo(font).family() == "DejaVu Sans Mono" and QFontInfo(font).fixedPitch()
    bold = QFont(font)
    bold.setBold(True)  # the highlighter's keywords: they must keep the columns too
    assert QFontInfo(bold).styleName() == "Bold"
    assert len(_advances(font)) == 1 and _advances(bold) == _advances(font)


def test_its_size_is_the_system_fixed_font_size(qapp):
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if system.pointSizeF() > 0:
        assert monospace_font().pointSizeF() == system.pointSizeF()
    else:
        assert monospace_font().pointSizeF() == qapp.font().pointSizeF()


def test_the_crash_details_are_set_in_it(qtbot):
    dialog = CrashDialog("boom", "Traceback (most recent call last):\n  ^^^^\n", None)
    qtbot.addWidget(dialog)
    assert QFontInfo(dialog.text.font()).family() == "DejaVu Sans Mono"


_CHILD = """
import json
from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QApplication
app = QApplication([])
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.code_view import CodeView
document = ProjectDocument()
view = CodeView(document)
font = view.editor.font()
metrics = QFontMetrics(font)
print(json.dumps({"system families": QFontDatabase.families(),
                  "family": QFontInfo(font).family(), "fixed": QFontInfo(font).fixedPitch(),
                  "advances": sorted({metrics.horizontalAdvance(c) for c in "iW0m .;"})}))
"""


def test_the_code_view_keeps_its_font_on_a_machine_without_fonts(tmp_path):
    # fontconfig told to look in no folder: the machine has no fonts at all, let alone a
    # fixed-pitch one; the code view must still show DejaVu Sans Mono, from the shipped file.
    config = tmp_path / "fonts.conf"
    config.write_text(f"<?xml version='1.0'?><fontconfig><cachedir>{tmp_path / 'cache'}"
                      "</cachedir></fontconfig>\n", encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(config), QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "Noto Sans Mono" not in seen["system families"]
    assert seen["family"] == "DejaVu Sans Mono" and seen["fixed"]
    assert len(seen["advances"]) == 1
