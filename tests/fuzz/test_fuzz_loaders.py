"""Mutated real files thrown at the five loaders: only QMLStudioError subclasses come out and
every input is loaded or refused within a second (see :mod:`tests.fuzz.harness`).

Seeds: the example projects in ``resources/examples``, a ``.qmodel`` saved from one of the
export tests' projects, the QASM and CSV files in ``tests/fuzz/seeds`` (four QASMBench
programs, one QASM 3 program using every construct the importer reads, CSV files with quotes,
tabs, a byte-order mark, no header), the bundled data sets, the bundled device calibrations
and a noise-model file holding every kind of rule and channel.
"""

from __future__ import annotations

from hypothesis import given

from qmlstudio.core.noise import Channel, NoiseModel, NoiseRule, ReadoutError
from qmlstudio.io.noise_file import write_noise_file
from qmlstudio.ml.export.model_file import save_model
from tests.ml.model_helpers import trained_project

from .harness import DEVICES, EXAMPLES, FOLDER, PROFILE, check, seed_bytes
from .mutations import byte_mutants, csv_tables, json_mutants

PROJECTS = seed_bytes("*.qmlproj", EXAMPLES)
QASM = seed_bytes("*.qasm")
CSV = seed_bytes("*.csv")


def _model_seeds() -> list[bytes]:
    path = FOLDER / "seed.qmodel"
    save_model(trained_project("iris"), path)
    return [path.read_bytes()]


MODELS = _model_seeds()


def _noise_seeds() -> list[bytes]:
    path = FOLDER / "seed-noise.json"
    kraus = Channel.kraus([[[1, 0], [0, 0.6j]], [[0, 0.8], [0, 0]]])
    write_noise_file(path, NoiseModel(
        (NoiseRule(((kraus, (1,)), (Channel.depolarizing(0.1, 2), ())), ("cx",), (2, 0)),
         NoiseRule(((Channel.thermal_relaxation(9.0, 7.0, 0.5), ()),), n_wires=1),
         NoiseRule((), gates=("rz",))),
        readout=((3, ReadoutError(0.1, 0.2)),), stand_ins=((1, "sx"),), notes=("a note",)))
    return [path.read_bytes(), *seed_bytes("*.json", DEVICES)]


NOISE = _noise_seeds()


def test_the_seeds_themselves_load():
    """The mutations start from working files (else they would test only the first check)."""
    for data in PROJECTS:
        assert check("project", data) == "ok"
    assert check("model", MODELS[0]) == "ok"
    for data in QASM:
        assert check("qasm-text", data) == "ok"
    assert sum(check("csv", data) == "ok" for data in CSV) >= 3
    assert len(NOISE) == 3 and all(check("noise", data) == "ok" for data in NOISE)


@PROFILE
@given(byte_mutants(NOISE))
def test_noise_reader_on_byte_mutants(data):
    check("noise", data)


@PROFILE
@given(json_mutants(NOISE))
def test_noise_reader_on_json_mutants(data):
    check("noise", data)


@PROFILE
@given(byte_mutants(PROJECTS))
def test_project_loader_on_byte_mutants(data):
    check("project", data)


@PROFILE
@given(json_mutants(PROJECTS))
def test_project_loader_on_json_mutants(data):
    check("project", data)


@PROFILE
@given(byte_mutants(MODELS))
def test_model_loader_on_byte_mutants(data):
    check("model", data)


@PROFILE
@given(json_mutants(MODELS))
def test_model_loader_on_json_mutants(data):
    check("model", data)


@PROFILE
@given(byte_mutants(QASM))
def test_qasm_importer_on_byte_mutants_as_text(data):
    check("qasm-text", data)


@PROFILE
@given(byte_mutants(QASM))
def test_qasm_importer_on_byte_mutants_as_files(data):
    check("qasm-file", data)


@PROFILE
@given(byte_mutants(CSV))
def test_csv_loader_on_byte_mutants(data):
    check("csv", data)


@PROFILE
@given(csv_tables())
def test_csv_loader_on_random_tables(data):
    check("csv", data)
