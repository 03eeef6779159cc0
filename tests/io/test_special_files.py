"""Every file reader refuses a named pipe, a device or a folder, naming the path, without
opening it (``open()`` on a FIFO blocks forever, ``/dev/zero`` never ends).

The CLI and the desktop app's opening paths are tested in ``tests/test_cli.py`` and
``tests/gui/shell/test_file_safety.py``.
"""

from __future__ import annotations

import re

import pytest

from qmlstudio.core import DatasetError, ModelFileError, ProjectError, QasmError
from qmlstudio.io import (
    csv_dataset,
    from_qasm,
    load_project,
    read_qasm,
    relink_dataset,
    save_project,
)
from qmlstudio.io.regular_file import read_regular_file
from qmlstudio.ml.data.csv_files import load_csv, read_csv_table, sniff_csv
from qmlstudio.ml.data.feature_csv import read_feature_csv
from qmlstudio.ml.export.model_file import load_model
from tests.io.project_helpers import sample_project
from tests.io.special_files import KINDS, fails_if_blocked, needs_fifos, special_file

pytestmark = needs_fifos

CSV_TEXT = "x1,x2,label\n0.1,0.2,a\n0.3,0.4,b\n"


def _csv_project(tmp_path):
    data = tmp_path / "points.csv"
    data.write_text(CSV_TEXT, encoding="utf-8")
    return sample_project(dataset=csv_dataset(data, "label", feature_columns=("x1", "x2")))


# (reader, the error it raises, the suffix its files have, what its message calls the file)
READERS = {
    "load_project": (load_project, ProjectError, ".qmlproj", "a project file"),
    "load_model": (load_model, ModelFileError, ".qmodel", "a model file"),
    "load_csv": (load_csv, DatasetError, ".csv", "a data file"),
    "sniff_csv": (sniff_csv, DatasetError, ".csv", "a data file"),
    "read_csv_table": (read_csv_table, DatasetError, ".csv", "a data file"),
    "read_feature_csv (predict input)": (lambda p: read_feature_csv(p, ["x1"]), DatasetError,
                                         ".csv", "a data file"),
    "read_qasm": (read_qasm, QasmError, ".qasm", "an OpenQASM file"),
    "from_qasm(Path)": (from_qasm, QasmError, ".qasm", "an OpenQASM file"),
    "from_qasm(str)": (lambda p: from_qasm(str(p)), QasmError, ".qasm", "an OpenQASM file"),
    "csv_dataset": (lambda p: csv_dataset(p, "label"), ProjectError, ".csv", "a data file"),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reader", READERS)
def test_every_reader_refuses_special_files_naming_the_path(tmp_path, reader, kind):
    read, error, suffix, what = READERS[reader]
    path = special_file(tmp_path, kind, suffix)
    with fails_if_blocked(), pytest.raises(error) as caught:
        read(path)
    assert str(caught.value) == f"{path}: not {what}: it is {KINDS[kind]}, not a regular file"


@pytest.mark.parametrize("kind", KINDS)
def test_relinking_to_a_special_file_is_refused(tmp_path, kind):
    project = _csv_project(tmp_path)
    path = special_file(tmp_path, kind, ".csv")
    with fails_if_blocked(), pytest.raises(ProjectError, match=re.escape(
            f"{path}: not a data file: it is {KINDS[kind]}, not a regular file")):
        relink_dataset(project, path)


@pytest.mark.parametrize("kind", KINDS)
def test_a_project_whose_data_file_became_a_special_file_opens_with_it_missing(tmp_path, kind):
    project = _csv_project(tmp_path)
    save_project(project, tmp_path / "p.qmlproj")
    (tmp_path / "points.csv").unlink()
    special = special_file(tmp_path, kind, ".csv")
    special.rename(tmp_path / "points.csv")
    with fails_if_blocked():
        loaded = load_project(tmp_path / "p.qmlproj")
    assert loaded.dataset.status == "missing"
    assert f"it is {KINDS[kind]}, not a regular file" in loaded.dataset.message


def test_the_guard_also_refuses_a_missing_file_and_a_too_large_one(tmp_path):
    with pytest.raises(QasmError, match=r"nope\.qasm: file not found$"):
        read_regular_file(tmp_path / "nope.qasm", QasmError, "an OpenQASM file", 10)
    big = tmp_path / "big.qasm"
    big.write_bytes(b"x" * 11)
    with pytest.raises(QasmError, match=r"big\.qasm: the file is 11 bytes, over the 10-byte "
                                        r"limit for an OpenQASM file$"):
        read_regular_file(big, QasmError, "an OpenQASM file", 10)
    assert read_regular_file(big, QasmError, "an OpenQASM file", 11) == b"x" * 11
