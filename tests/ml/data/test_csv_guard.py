"""The CSV size guard: a file too large (over ``MAX_CSV_BYTES``, or more than the memory
available can hold while loading) is refused before reading, with its size in the message.

Large files are sparse (``truncate``), so no test writes more than a few bytes to disk.
"""

from __future__ import annotations

import time

import pytest

from qmlstudio.core import DatasetError, DatasetSpec
from qmlstudio.engine.memory import available_bytes
from qmlstudio.ml.data import csv_files as csv_loader
from qmlstudio.ml.data.csv_files import MEMORY_FACTOR, load_csv, sniff_csv
from qmlstudio.ml.data.feature_csv import read_feature_csv
from qmlstudio.ml.data.loading import load_dataset

ROWS = "x,y,label\n0.1,0.2,a\n0.3,0.4,b\n0.5,0.6,a\n0.7,0.8,b\n"


def _sparse(path, size: int):
    """A file of ``size`` bytes that takes (almost) no disk: a CSV head, then a hole."""
    path.write_text(ROWS, encoding="utf-8")
    with path.open("r+b") as handle:
        handle.truncate(size)
    return path


def test_a_file_over_the_default_limit_is_refused_at_once_naming_its_size(tmp_path):
    path = _sparse(tmp_path / "huge.csv", csv_loader.MAX_CSV_BYTES + 1)
    start = time.perf_counter()
    with pytest.raises(DatasetError) as caught:
        load_csv(path)
    assert time.perf_counter() - start < 0.5  # refused before reading a gigabyte
    message = str(caught.value)
    assert str(path) in message
    assert "1.0 GiB (1,073,741,825 bytes)" in message and "limit" in message


@pytest.mark.parametrize("reader", [load_csv, sniff_csv, lambda p: read_feature_csv(p, ["x", "y"])],
                         ids=["load_csv", "sniff_csv", "feature_csv"])
def test_an_injected_limit_applies_to_every_csv_reader(tmp_path, monkeypatch, reader):
    monkeypatch.setattr(csv_loader, "MAX_CSV_BYTES", 1000)
    path = _sparse(tmp_path / "big.csv", 2 << 20)
    with pytest.raises(DatasetError, match=r"2\.0 MiB \(2,097,152 bytes\), larger than the "
                                           r"1000 bytes limit"):
        reader(path)


def test_a_file_at_the_limit_still_loads(tmp_path, monkeypatch):
    path = tmp_path / "small.csv"
    path.write_text(ROWS, encoding="utf-8")
    monkeypatch.setattr(csv_loader, "MAX_CSV_BYTES", len(ROWS))
    assert load_csv(path).n_samples == 4
    monkeypatch.setattr(csv_loader, "MAX_CSV_BYTES", len(ROWS) - 1)
    with pytest.raises(DatasetError, match=f"{len(ROWS)} bytes, larger than"):
        load_csv(path)


def test_a_file_that_would_not_fit_in_memory_is_refused_naming_both_sizes(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(csv_loader, "MAX_CSV_BYTES", 1 << 60)  # only memory decides here
    size = available_bytes() // MEMORY_FACTOR + (1 << 30)
    try:
        path = _sparse(tmp_path / "too-big-for-memory.csv", size)
    except OSError as error:  # a file system without files this large
        pytest.skip(f"cannot make a sparse file of {size} bytes: {error}")
    with pytest.raises(DatasetError) as caught:
        load_csv(path)
    message = str(caught.value)
    assert f"({size:,} bytes)" in message
    assert "of memory but only" in message and "is available" in message


def test_a_project_data_set_over_the_limit_is_refused_through_load_dataset(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setattr(csv_loader, "MAX_CSV_BYTES", 100)
    _sparse(tmp_path / "data.csv", 5000)
    spec = DatasetSpec.csv("data.csv", "0" * 64, "label")  # size is checked before hash
    with pytest.raises(DatasetError, match=r"data\.csv: the file is 4\.9 KiB \(5,000 bytes\)"):
        load_dataset(spec, tmp_path)


@pytest.mark.parametrize("read", [load_csv, sniff_csv, lambda path: read_feature_csv(path, ["a"])])
def test_a_file_with_too_many_columns_is_refused_naming_the_count(tmp_path, read):
    width = csv_loader.MAX_COLUMNS + 1
    path = tmp_path / "wide.csv"
    path.write_text((",".join(["1"] * width) + "\n") * 2, encoding="utf-8")
    with pytest.raises(DatasetError, match=f"wide.csv: the first row has {width:,} columns; "
                                           f"at most {width - 1:,} are supported"):
        read(path)
    path.write_text((",".join(["1"] * (width - 2) + ["0"]) + "\n"
                     + ",".join(["2"] * (width - 2) + ["1"]) + "\n"), encoding="utf-8")
    assert load_csv(path).features.shape == (2, width - 2)
