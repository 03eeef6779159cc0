"""Render the main window, as the app shows it, to ``main_window.png`` beside this script.

Run from a checkout: ``python resources/screenshots/render_screenshot.py [--out FILE]``. It uses
Qt's offscreen platform, opens the moons example like a first launch does, presses Train and
grabs the window mid-training, once the plots show a dozen epochs.
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

    from qmlstudio.gui.shell.app import create_application
    from qmlstudio.gui.shell.main_window import MainWindow

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
    panel = window.training_panel
    window.docks["training"].raise_()
    panel.train_button.click()
    deadline = time.monotonic() + 300  # a cold numba cache compiles first
    while time.monotonic() < deadline:
        app.processEvents()
        epochs, _ = window.plots.curve("train_loss")
        if len(epochs) >= 12 and window.state_view.probabilities() is not None:
            break
        time.sleep(0.02)
    panel.worker.pause()
    for _ in range(20):  # let the last reports and repaints land
        app.processEvents()
        time.sleep(0.02)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(args.out)):
        print(f"could not write {args.out}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    panel.shutdown()
    window.document.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
