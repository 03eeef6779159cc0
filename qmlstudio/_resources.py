"""Where the files shipped beside the code live: :func:`resource_path`.

The repository keeps them in its top-level ``resources/`` folder (``resources/datasets/``,
``resources/examples/``), outside the ``qmlstudio`` package. An installed wheel carries them as
setuptools ``data-files`` (see ``[tool.setuptools.data-files]`` in ``pyproject.toml``), which
pip places under the installation's data prefix as ``share/qmlstudio/<folder>/``. This module
finds either:

1. a source checkout: ``resources/<folder>`` next to the ``qmlstudio`` package folder, when a
   ``pyproject.toml`` sits there too (so a stray ``resources`` folder in ``site-packages`` is
   never mistaken for ours);
2. an installation: the folder recorded in the installed distribution's file list (exact
   wherever pip put it: a virtual environment, ``--user``, ``--prefix``), then the data
   directories of the running interpreter's install schemes, then ``share/qmlstudio`` beside
   the package folder (where ``pip install --target`` puts it).
"""

from __future__ import annotations

import sys
import sysconfig
from importlib import metadata
from pathlib import Path

__all__ = ["resource_path"]

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
_INSTALLED = ("share", "qmlstudio")


def _checkout_folder(folder: str) -> Path | None:
    candidate = _PACKAGE_PARENT / "resources" / folder
    if (_PACKAGE_PARENT / "pyproject.toml").is_file() and candidate.is_dir():
        return candidate
    return None


def _installed_folders(folder: str) -> list[Path]:
    found = []
    try:
        files = metadata.distribution("qmlstudio").files or []
    except metadata.PackageNotFoundError:
        files = []
    for file in files:
        parts = file.parts
        if len(parts) >= 4 and parts[-4:-1] == (*_INSTALLED, folder):
            found.append(Path(file.locate()).resolve().parent)
            break
    prefixes = [sysconfig.get_path("data"),
                sysconfig.get_path("data", sysconfig.get_preferred_scheme("user")),
                sys.prefix, sys.base_prefix, _PACKAGE_PARENT]  # the last for pip install --target
    found += [Path(prefix).joinpath(*_INSTALLED, folder) for prefix in prefixes]
    return found


def resource_path(folder: str, name: str) -> Path:
    """The path of the shipped file ``name`` in ``folder`` (e.g. ``"datasets", "iris.csv"``).

    Raises ``FileNotFoundError`` naming every place looked in if it is nowhere.
    """
    checkout = _checkout_folder(folder)
    places = [checkout] if checkout is not None else _installed_folders(folder)
    for place in places:
        path = place / name
        if path.is_file():
            return path
    looked = ", ".join(str(place) for place in places)
    raise FileNotFoundError(f"{folder}/{name} is not installed (looked in: {looked}); "
                            f"reinstall QML Studio")
