"""Render the README's screenshots from the real app: ``docs/screenshots/*.png``.

Opens the moons example in a :class:`MainWindow` of 1280×800, trains it a few epochs (so the
loss, accuracy, gradient and boundary plots show curves and the confusion matrix and baselines
are drawn), waits for the State view, and saves the window once in the light and once in the
dark theme. Then the noise walkthrough (``noise-light.png``): the same example on the 5-qubit
device chosen in the Noise panel, trained with noise, the State view comparing the noisy state
with the ideal one, and the robustness curve. Settings go to a temporary folder, so the user's
own layout and theme stay as they are. Runs without a display (Qt's offscreen platform unless
``QT_QPA_PLATFORM`` says another)::

    python docs/screenshots/make_screenshots.py   # workspace-light/-dark.png, noise-light.png
    python docs/screenshots/make_screenshots.py --size 1920x1080 --out /tmp/shots
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

SIZE = (1280, 800)
EPOCHS = 8
"""Enough epochs that the curves bend and the boundary separates the moons."""
THEMES = ("light", "dark")
_HERE = Path(__file__).resolve().parent
_CHECKOUT = _HERE.parents[1]
_TIMEOUT_MS = 300_000  # the first training of a fresh numba cache compiles the engine


def _isolate_settings(folder: str) -> None:
    """Keep this run's QSettings (theme, window layout, first-run flags) in ``folder``."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)


def render(paths: dict[str, Path], size: tuple[int, int] = SIZE, epochs: int = EPOCHS) -> None:
    """Save the trained moons window of ``size`` in each theme of ``paths`` (theme → PNG)."""
    from PySide6.QtTest import QTest

    from qmlstudio.gui.image_files import write_png
    from qmlstudio.gui.theme.themes import set_theme_choice, theme_choice

    window = _trained_moons(size, epochs)
    choice = theme_choice()
    for theme, path in paths.items():
        set_theme_choice(theme)
        QTest.qWait(300)  # repaint in the new palette
        _wait(lambda: window.state_view.probabilities() is not None, "the State view")
        write_png(window.grab(), path)
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    set_theme_choice(choice)  # the app as it was
    window.document.undo_stack.setClean()  # nothing to save: close without asking
    window.close()


def render_noise(path: Path, size: tuple[int, int] = SIZE, epochs: int = EPOCHS) -> None:
    """Save the noise walkthrough at ``path`` (PNG): moons trained on the 5-qubit device, the
    State view comparing the noisy state with the ideal one, the robustness curve."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from qmlstudio.gui.image_files import write_png

    def choose_device(window) -> None:
        choice = window.noise_panel.choice
        index = choice.findData("device:manila")
        choice.setCurrentIndex(index)
        choice.activated.emit(index)  # as a pick from the list

    window = _trained_moons(size, epochs, choose_device)
    state, robustness = window.state_view, window.robustness_panel
    window.docks["state"].raise_()
    QTest.mouseClick(state.compare_button, Qt.MouseButton.LeftButton)
    window.docks["robustness"].raise_()
    swept = []
    robustness.worker.finished.connect(lambda *_: swept.append(True))
    QTest.mouseClick(robustness.run_button, Qt.MouseButton.LeftButton)
    _wait(lambda: swept and state.bloch_lengths(ideal=True) is not None,
          "the robustness sweep and the ideal state")
    QTest.qWait(300)  # let the last results paint
    write_png(window.grab(), path)
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    window.document.undo_stack.setClean()
    window.close()


def _trained_moons(size: tuple[int, int], epochs: int, prepare=None):
    """The moons example (as Help ▸ Examples opens it: an unsaved copy) in a shown window of
    ``size``, ``prepare(window)`` applied, trained ``epochs`` from the Train button."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from qmlstudio._resources import resource_path
    from qmlstudio.gui.shell.main_window import MainWindow
    from qmlstudio.gui.shell.opening import open_document

    document = open_document(resource_path("examples", "moons.qmlproj"), example=True)
    project = document.project
    document.edit(replace(project, training=replace(project.training, epochs=epochs)),
                  f"{epochs} epochs")
    window = MainWindow(document)
    window.resize(*size)
    window.show()
    QTest.qWaitForWindowExposed(window)
    if prepare is not None:
        prepare(window)
    shown = []
    window.plots.results_shown.connect(lambda: shown.append(True))
    QTest.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    _wait(lambda: shown and window.state_view.probabilities() is not None, "training")
    return window


def _wait(done, what: str) -> None:
    from PySide6.QtCore import QDeadlineTimer
    from PySide6.QtTest import QTest

    deadline = QDeadlineTimer(_TIMEOUT_MS)
    while not done():
        if deadline.hasExpired():
            raise TimeoutError(f"waited {_TIMEOUT_MS // 1000} s for {what}")
        QTest.qWait(50)


def main(argv: list[str] | None = None) -> int:
    """The command line: render ``workspace-<theme>.png`` for each theme and
    ``noise-light.png`` into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=_HERE, help="folder of the PNG files")
    parser.add_argument("--size", default=f"{SIZE[0]}x{SIZE[1]}", help="window size, WxH")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.lower().split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(_CHECKOUT))  # the app of this checkout, not an installed copy
    from qmlstudio.gui.shell.app import create_application

    with tempfile.TemporaryDirectory() as settings:
        _isolate_settings(settings)
        app = create_application()
        args.out.mkdir(parents=True, exist_ok=True)
        render({theme: args.out / f"workspace-{theme}.png" for theme in THEMES},
               (width, height), args.epochs)
        render_noise(args.out / "noise-light.png", (width, height), args.epochs)
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
