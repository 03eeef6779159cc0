"""The Linux desktop-integration files in resources/linux/, checked against each other, against
the ``qmlstudio`` command and icons they name, and against pyproject.toml, which installs them."""

import fnmatch
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import qmlstudio
from qmlstudio.gui.shell.opening import PROJECT_SUFFIX

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "resources" / "linux"
DESKTOP = LINUX / "qmlstudio.desktop"
METAINFO = LINUX / "io.github.qmlstudio.QMLStudio.metainfo.xml"
MIME = LINUX / "qmlstudio-mime.xml"
MIME_TYPE = "application/x-qmlstudio-project"
MIME_NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def desktop_entry() -> dict[str, str]:
    """The [Desktop Entry] group, parsed by the spec's rules (strictly: one group, no repeats)."""
    lines = [line for line in DESKTOP.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[0] == "[Desktop Entry]"
    entry: dict[str, str] = {}
    for number, line in enumerate(lines[1:], 2):
        key, equals, value = line.partition("=")
        assert equals and key == key.strip() and key.replace("-", "").isalnum(), (number, line)
        assert key not in entry, f"{DESKTOP.name}: {key} given twice"
        entry[key] = value
    return entry


def test_desktop_file_launches_the_command_with_files():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "QML Studio"
    command, *arguments = entry["Exec"].split()
    assert command == entry["TryExec"] == "qmlstudio"
    assert command in PYPROJECT["project"]["scripts"]
    assert arguments == ["%F"]  # the file manager passes every selected project
    assert entry["Terminal"] == "false"
    for key in ("Categories", "Keywords", "MimeType"):  # lists end with ';'
        assert entry[key].endswith(";"), key
    assert "Science" in entry["Categories"].split(";")


def test_desktop_file_names_the_project_type_and_an_installed_icon():
    entry = desktop_entry()
    assert entry["MimeType"].split(";")[:-1] == [MIME_TYPE]
    icon = entry["Icon"]
    assert (ROOT / "resources" / "icons" / f"{icon}.svg").is_file()
    assert (ROOT / "resources" / "icons" / "hicolor" / "48x48" / "apps" / f"{icon}.png").is_file()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (desktop-file-utils) is not installed")
def test_desktop_file_passes_desktop_file_validate():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_names_the_desktop_file_binary_icon_and_type():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == METAINFO.name.removesuffix(".metainfo.xml")
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("icon[@type='stock']") == desktop_entry()["Icon"]
    assert root.findtext("provides/binary") == "qmlstudio"
    assert root.findtext("provides/mediatype") == MIME_TYPE
    assert root.findtext("project_license") == PYPROJECT["project"]["license"]["text"]


def test_metainfo_lists_the_current_release():
    versions = [release.get("version") for release in ET.parse(METAINFO).iterfind(
        "releases/release")]
    assert versions[0] == qmlstudio.__version__, "add a <release> for the new version"


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstreamcli (appstream) is not installed")
def test_metainfo_passes_appstreamcli_validate():
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mime_xml_registers_the_project_type_for_project_files():
    root = ET.parse(MIME).getroot()
    assert root.tag == f"{{{MIME_NS['m']}}}mime-info"
    (mime_type,) = root.findall("m:mime-type", MIME_NS)
    assert mime_type.get("type") == MIME_TYPE
    globs = [glob.get("pattern") for glob in mime_type.findall("m:glob", MIME_NS)]
    assert globs == [f"*{PROJECT_SUFFIX}"]
    examples = sorted((ROOT / "resources" / "examples").glob("*"))
    matched = [path.name for path in examples if fnmatch.fnmatch(path.name, globs[0])]
    assert len(matched) == 4 and "make_examples.py" not in matched
    assert mime_type.findtext("m:comment", namespaces=MIME_NS) == "QML Studio project"


def test_pyproject_installs_every_desktop_file_where_desktops_look():
    data_files = PYPROJECT["tool"]["setuptools"]["data-files"]
    installed = {Path(source).name: target for target, sources in data_files.items()
                 for source in sources if source.startswith("resources/linux/")}
    assert installed == {DESKTOP.name: "share/applications", METAINFO.name: "share/metainfo",
                         MIME.name: "share/mime/packages"}
    for target, sources in data_files.items():
        for source in sources:
            assert list(ROOT.glob(source)), f"[tool.setuptools.data-files] {target}: {source}"
