"""The application icon: the SVG source and the PNGs rendered from it, installed by pyproject."""

import struct
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (which the format requires to come first)."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert head[12:16] == b"IHDR", f"{path}: no IHDR chunk first"
    return struct.unpack(">II", head[16:24])


def test_svg_is_a_square_svg():
    root = ET.parse(ICONS / "qmlstudio.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    x, y, width, height = map(float, root.get("viewBox").split())
    assert (x, y) == (0, 0) and width == height > 0


def test_pngs_exist_at_every_size_and_are_square_pngs_of_that_size():
    for size in SIZES:
        path = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "qmlstudio.png"
        assert path.is_file(), f"{path} is missing (run resources/icons/render_icons.py)"
        assert png_size(path) == (size, size), path


def test_png_size_reader_rejects_other_files(tmp_path):
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"GIF89a" + bytes(40))
    try:
        png_size(fake)
    except AssertionError as error:
        assert "not a PNG" in str(error)
    else:
        raise AssertionError("a GIF passed as a PNG")


def test_pyproject_installs_each_png_into_the_hicolor_theme_and_the_svg_for_the_app():
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"]
    for size in SIZES:
        folder = f"{size}x{size}/apps"
        assert data_files[f"share/icons/hicolor/{folder}"] == [
            f"resources/icons/hicolor/{folder}/qmlstudio.png"]
    assert data_files["share/icons/hicolor/scalable/apps"] == ["resources/icons/qmlstudio.svg"]
    assert data_files["share/qmlstudio/icons"] == ["resources/icons/qmlstudio.svg"]
