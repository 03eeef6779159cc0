"""The shipped font files: with their licence, installed by pyproject and the frozen build."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "resources" / "fonts"


def _shipped() -> list[str]:
    return sorted(path.name for path in FONTS.iterdir())


def test_each_font_has_its_licence_beside_it():
    fonts = [name for name in _shipped() if name.endswith(".ttf")]
    assert fonts == ["DejaVuSansMono-Bold.ttf", "DejaVuSansMono.ttf"]
    licence = (FONTS / "LICENSE.md").read_text(encoding="utf-8")
    assert "Bitstream Vera" in licence and "DejaVu changes are in public domain" in licence
    assert all(name in licence for name in fonts)
    assert all((FONTS / name).read_bytes()[:4] == b"\x00\x01\x00\x00" for name in fonts)  # TTF


def test_pyproject_installs_every_font_file_where_the_app_looks():
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"]
    installed = sorted(path.name for pattern in data_files["share/qmlstudio/fonts"]
                       for path in ROOT.glob(pattern))
    assert installed == _shipped()


def test_the_frozen_app_carries_them_too():
    spec = (ROOT / "packaging" / "qmlstudio.spec").read_text(encoding="utf-8")
    assert '(str(RESOURCES / "fonts" / "*.ttf"), "share/qmlstudio/fonts")' in spec
    assert '(str(RESOURCES / "fonts" / "LICENSE.md"), "share/qmlstudio/fonts")' in spec
