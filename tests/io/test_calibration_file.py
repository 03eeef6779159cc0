"""Reading device calibration files: the bundled ones, and every way a file can be bad."""

import os

import pytest

from qmlstudio.core import NoiseError
from qmlstudio.io.calibration_file import (
    BUNDLED_DEVICES,
    bundled_device_noise,
    read_device_noise,
)


def test_bundled_devices_load():
    for name in BUNDLED_DEVICES:
        model = bundled_device_noise(name)
        assert model.rules and model.readout and not model.notes
    assert bundled_device_noise("manila").name == "ibmq_manila (2024-05-27)"
    with pytest.raises(NoiseError, match="unknown device 'melbourne'; the bundled ones are"):
        bundled_device_noise("melbourne")


def test_bad_files_give_one_message_naming_the_file(tmp_path):
    missing = tmp_path / "none.json"
    with pytest.raises(NoiseError, match=r"none\.json: file not found"):
        read_device_noise(missing)
    truncated = tmp_path / "cut.json"
    truncated.write_text('{"qubits": [[{"name": "T1", "value": 1')
    with pytest.raises(NoiseError, match=r"cut.json: not valid JSON \(line 1"):
        read_device_noise(truncated)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(NoiseError, match=r"empty\.json: the file is empty"):
        read_device_noise(empty)
    wrong = tmp_path / "list.json"
    wrong.write_text("[1, 2]")
    with pytest.raises(NoiseError, match=r"list.json: \$: expected an object, got list"):
        read_device_noise(wrong)
    with pytest.raises(NoiseError, match="not a calibration file: it is a folder"):
        read_device_noise(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(NoiseError, match=r"a named pipe \(FIFO\)"):
        read_device_noise(fifo)
