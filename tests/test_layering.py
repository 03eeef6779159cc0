"""The layering of design.md and ruff cleanliness, checked by the real tools in the test run."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_import_linter_contracts_hold():
    result = _run(str(BIN / "lint-imports"), "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_is_clean():
    result = _run(sys.executable, "-m", "ruff", "check", "qmlstudio", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def _lint_copy(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess:
    """lint-imports on a copy of the package with ``line`` appended to ``module``'s source."""
    import shutil

    shutil.copytree(ROOT / "qmlstudio", tmp_path / "qmlstudio",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / Path(*module.split(".")).with_suffix(".py")
    target.write_text(target.read_text() + f"\n{line}\n")
    return subprocess.run([str(BIN / "lint-imports"), "pyproject.toml"],
                          cwd=tmp_path, capture_output=True, text=True, check=False,
                          env={"PYTHONPATH": str(tmp_path), "PATH": str(BIN)})


def test_an_indirect_qt_import_in_a_view_model_breaks_a_contract(tmp_path):
    # viewmodels -> ml module -> Qt: the route the old contracts allowed.

    result = _lint_copy(tmp_path, "qmlstudio.ml.evaluation.metrics", "import PySide6.QtCore")
    assert result.returncode != 0
    assert "Qt only in gui" in result.stdout and "BROKEN" in result.stdout
    assert "qmlstudio.viewmodels" in result.stdout


def test_io_importing_the_engine_breaks_the_layers(tmp_path):
    result = _lint_copy(tmp_path, "qmlstudio.io.atomic", "import qmlstudio.engine")
    assert result.returncode != 0
    assert "Layers: cli above gui" in result.stdout and "BROKEN" in result.stdout
    assert "qmlstudio.io.atomic -> qmlstudio.engine" in result.stdout


def test_importing_the_package_and_view_models_loads_no_qt():
    code = ("import sys, pkgutil, importlib, qmlstudio, qmlstudio.cli, qmlstudio.viewmodels as v\n"
            "for m in pkgutil.iter_modules(v.__path__):\n"
            "    importlib.import_module(f'{v.__name__}.{m.name}')\n"
            "loaded = sorted(n for n in sys.modules if n.split('.')[0] in "
            "('PySide6', 'pyqtgraph', 'shiboken6'))\n"
            "print(loaded)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
