"""constraints/dev.txt pins every requirement of pyproject's runtime and dev lists."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints" / "dev.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def test_every_pin_is_exact_and_listed_once():
    lines = [line for line in (ROOT / "constraints" / "dev.txt").read_text().splitlines()
             if line and not line.startswith("#")]
    assert all(line.count("==") == 1 for line in lines)
    assert len({canonicalize_name(line.split("==")[0]) for line in lines}) == len(lines)


def test_each_runtime_and_dev_requirement_is_pinned_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _pins()
    for line in project["dependencies"] + project["optional-dependencies"]["dev"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in constraints/dev.txt: run constraints/update.py"
        assert requirement.specifier.contains(pins[name]), (line, str(pins[name]))
