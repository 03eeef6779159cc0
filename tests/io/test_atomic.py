"""Saving is atomic: a failed or killed save leaves the previous project file intact.

Failures are injected at the operating-system level (``os.write``, ``os.fsync``,
``os.replace``), and a real child process is killed with SIGKILL in the middle of saving.
"""

import errno
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qmlstudio.core import ProjectError
from qmlstudio.io.atomic import atomic_write
from qmlstudio.io.project_file import load_project, save_project
from tests.io.project_helpers import big_project, sample_project

ROOT = Path(__file__).resolve().parents[2]


def _only_file(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_creates_and_replaces(tmp_path):
    target = tmp_path / "f.bin"
    atomic_write(target, b"one")
    assert target.read_bytes() == b"one"
    atomic_write(str(target), b"two" * 1000)
    assert target.read_bytes() == b"two" * 1000
    assert _only_file(tmp_path) == ["f.bin"]


def test_new_file_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    target = tmp_path / "f.bin"
    atomic_write(target, b"x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_existing_permissions_are_kept(tmp_path):
    target = tmp_path / "p.qmlproj"
    save_project(sample_project(), target)
    target.chmod(0o640)
    save_project(sample_project(name="again"), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_temporary_file_is_beside_the_target(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((src, dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    target = tmp_path / "p.qmlproj"
    save_project(sample_project(), target)
    (src, dst), = seen
    assert os.path.dirname(src) == str(tmp_path)
    assert os.path.basename(src).startswith(".p.qmlproj.") and src.endswith(".tmp")
    assert dst == str(target)


def _assert_old_file_intact(folder: Path, target: Path, old_bytes: bytes) -> None:
    assert target.read_bytes() == old_bytes
    assert load_project(target).name == "old"
    assert _only_file(folder) == [target.name], "a temporary file was left behind"


def _failing_save(tmp_path: Path) -> tuple[Path, bytes]:
    target = tmp_path / "p.qmlproj"
    save_project(sample_project(name="old"), target)
    return target, target.read_bytes()


def test_failing_replace_keeps_the_old_file(tmp_path, monkeypatch):
    target, old = _failing_save(tmp_path)

    def broken_replace(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ProjectError, match=r"p\.qmlproj: cannot be written \(Input/output error\)"):
        save_project(sample_project(name="new"), target)
    monkeypatch.undo()
    _assert_old_file_intact(tmp_path, target, old)


def test_disk_full_mid_write_keeps_the_old_file(tmp_path, monkeypatch):
    target, old = _failing_save(tmp_path)
    real_write = os.write
    calls = []

    def write_half_then_fail(fd, data):
        if calls:  # anything after the injected failure behaves normally
            return real_write(fd, data)
        calls.append(fd)
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write_half_then_fail)
    with pytest.raises(ProjectError, match="No space left on device"):
        save_project(sample_project(name="new"), target)
    monkeypatch.undo()
    assert calls, "the injected write never ran"
    _assert_old_file_intact(tmp_path, target, old)


def test_failing_fsync_keeps_the_old_file(tmp_path, monkeypatch):
    target, old = _failing_save(tmp_path)

    def broken_fsync(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(ProjectError, match="cannot be written"):
        save_project(sample_project(name="new"), target)
    monkeypatch.undo()
    _assert_old_file_intact(tmp_path, target, old)


def test_short_writes_are_completed(tmp_path, monkeypatch):
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))
    target = tmp_path / "f.bin"
    atomic_write(target, b"0123456789" * 10)
    monkeypatch.undo()
    assert target.read_bytes() == b"0123456789" * 10


# The child saves A and B alternately, forever. In "bytes" mode it encodes both once and then
# only calls the atomic writer, so nearly all of its time is spent writing, syncing and renaming
# and the kill almost always lands inside that window; "save" mode runs save_project itself.
_CHILD = """
import sys
from qmlstudio.io.atomic import atomic_write
from qmlstudio.io.project_file import project_text, save_project
from tests.io.project_helpers import big_project

mode, path = sys.argv[1], sys.argv[2]
projects = [big_project("A", {n}), big_project("B", {n})]
data = [project_text(p, ".").encode() for p in projects]
save_project(projects[0], path)
print("ready", flush=True)
k = 1
while True:
    if mode == "bytes":
        atomic_write(path, data[k % 2])
    else:
        save_project(projects[k % 2], path)
    k += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killing_a_saving_process_leaves_a_loadable_file(tmp_path):
    n_ops = 5_000
    expected = {p.name: p for p in (big_project("A", n_ops), big_project("B", n_ops))}
    target = tmp_path / "big.qmlproj"
    rng = random.Random()
    for mode in ("bytes", "save", "bytes", "bytes"):
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD.format(n=n_ops), mode, str(target)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.0, 0.3))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        loaded = load_project(target)  # never truncated: always exactly A or exactly B
        assert loaded == expected[loaded.name]
