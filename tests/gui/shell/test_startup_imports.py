"""What the app loads before its window shows: scikit-learn (with scipy.stats and pandas,
1–2 s) only once a comparison, a baseline or an estimator needs it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

_SHOW_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from qmlstudio.gui.shell.app import create_application
from qmlstudio.gui.shell.main_window import MainWindow
from qmlstudio.gui.document import ProjectDocument
app = create_application()
window = MainWindow(ProjectDocument.open(sys.argv[1]))
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
print(sorted({name.split('.')[0] for name in sys.modules} & {'sklearn', 'pandas'}))
"""


def test_the_main_window_shows_a_project_without_loading_scikit_learn(tmp_path):
    example = ROOT / "resources" / "examples" / "moons.qmlproj"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", _SHOW_WINDOW, str(example)], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
