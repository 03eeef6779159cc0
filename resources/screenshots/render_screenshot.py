"""Render the main window, as the app shows it, to ``main_window.png`` beside this script.

Run from a checkout: ``python resources/screenshots/render_screenshot.py [--out FILE]``. It uses
Qt's offscreen platform, opens the moons example like a first launch does, lets the state view
finish its background simulation, and grabs the window.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A fresh settings folder: the picture shows the default layout, not this machine's.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="qmlstudio-screenshot-")

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "main_window.png")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from qmlstudio.gui.app import create_application
    from qmlstudio.gui.main_window import MainWindow

    app = create_application()
    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    if not window.actions_.open_example("moons.qmlproj"):
        return 1
    window = [w for w in QApplication.topLevelWidgets()
              if isinstance(w, MainWindow) and w.isVisible()][-1]
    window.resize(1440, 900)
    window.document.set_selection([0])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # let the background simulation land in the plots
        app.processEvents()
        if window.state_view.probabilities() is not None:
            break
        time.sleep(0.05)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(args.out)):
        print(f"could not write {args.out}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    window.document.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
