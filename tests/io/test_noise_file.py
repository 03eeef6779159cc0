"""Noise models in files: noise-model files round-trip, device calibrations load, the command
line's --noise words parse, and every way a file can be bad gives one message."""

import os

import pytest

from qmlstudio.core import NoiseError
from qmlstudio.core.noise import Channel, NoiseModel, NoiseRule, ReadoutError
from qmlstudio.io.noise_file import (
    BUNDLED_DEVICES,
    bundled_device_noise,
    noise_from_spec,
    read_noise,
    write_noise_file,
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
        read_noise(missing)
    truncated = tmp_path / "cut.json"
    truncated.write_text('{"qubits": [[{"name": "T1", "value": 1')
    with pytest.raises(NoiseError, match=r"cut.json: not valid JSON \(line 1"):
        read_noise(truncated)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(NoiseError, match=r"empty\.json: the file is empty"):
        read_noise(empty)
    wrong = tmp_path / "list.json"
    wrong.write_text("[1, 2]")
    with pytest.raises(NoiseError, match=r"list\.json: neither a QML Studio noise model"):
        read_noise(wrong)
    with pytest.raises(NoiseError, match="not a noise model or calibration file: it is a folder"):
        read_noise(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(NoiseError, match=r"a named pipe \(FIFO\)"):
        read_noise(fifo)


def test_every_kind_of_model_round_trips_through_a_file(tmp_path):
    kraus = Channel.kraus([[[1, 0], [0, 0.6j]], [[0, 0.8], [0, 0]]])
    models = [
        NoiseModel.ideal(),
        NoiseModel.uniform_depolarizing(0.01, readout=0.02),
        NoiseModel.thermal(100.0, 80.0, 35.0, 300.0),
        bundled_device_noise("lagos"),
        NoiseModel((NoiseRule(((kraus, (1,)), (Channel.depolarizing(0.1, 2), ())),
                              gates=("cx",), qubits=(2, 0)),
                    NoiseRule((), gates=("rz",))),
                   readout=((3, ReadoutError(0.1, 0.2)),), stand_ins=((1, "sx"),),
                   name="hand made", notes=("a note",)),
    ]
    for i, model in enumerate(models):
        path = tmp_path / f"model{i}.json"
        write_noise_file(path, model)
        assert read_noise(path) == model


def test_noise_words_of_the_command_line(tmp_path):
    assert noise_from_spec("ideal").is_ideal
    assert noise_from_spec("depolarizing:0.01") == NoiseModel.uniform_depolarizing(0.01)
    assert noise_from_spec("thermal:100,80,35,300") == NoiseModel.thermal(100, 80, 35, 300)
    assert noise_from_spec("device:manila") == bundled_device_noise("manila")
    path = tmp_path / "mine.json"
    write_noise_file(path, NoiseModel.uniform_depolarizing(0.03))
    assert noise_from_spec(str(path)) == NoiseModel.uniform_depolarizing(0.03)
    for spec, message in [("depolarizing:x", "expected 1 number"),
                          ("depolarizing:2", r"depolarizing p: must lie in \[0, 1.33333\]"),
                          ("thermal:1,2", "expected 4 number"),
                          ("device:eagle", "unknown device 'eagle'"),
                          ("noise.json", "no such file; give ideal, depolarizing:P")]:
        with pytest.raises(NoiseError, match=message):
            noise_from_spec(spec)


def test_a_json_file_of_another_kind_is_named_as_such(tmp_path):
    project = tmp_path / "project.json"
    project.write_text('{"format": "qmlstudio-project", "schema_version": 4}')
    with pytest.raises(NoiseError, match=r"expected 'qmlstudio-noise'.*not a QML Studio noise"):
        read_noise(project)
    other = tmp_path / "other.json"
    other.write_text('{"T1": 3}')
    with pytest.raises(NoiseError, match="neither a QML Studio noise model"):
        read_noise(other)
    bad = tmp_path / "bad.json"
    write_noise_file(bad, NoiseModel.uniform_depolarizing(0.01))
    bad.write_text(bad.read_text().replace("0.01", "1.9"))
    with pytest.raises(NoiseError, match=r"model.rules\[0\].channels\[0\]: depolarizing p"):
        read_noise(bad)
