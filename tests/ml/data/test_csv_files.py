"""CSV files on disk: layouts, column roles, labels, and an error naming the place for each
problem."""

import os
from pathlib import Path

import numpy as np
import pytest

from qmlstudio.core import DatasetError, DatasetSpec
from qmlstudio.io.dataset_link import csv_dataset
from qmlstudio.ml.data.csv_files import load_csv, sniff_csv
from qmlstudio.ml.data.loading import load_dataset

IRIS_HEAD = [
    ("5.1", "3.5", "1.4", "0.2", "setosa"),
    ("7.0", "3.2", "4.7", "1.4", "versicolor"),
    ("6.3", "3.3", "6.0", "2.5", "virginica"),
    ("4.9", "3.0", "1.4", "0.2", "setosa"),
]
NAMES = ("sepal_length", "sepal_width", "petal_length", "petal_width", "species")
FEATURES = np.array([[float(v) for v in row[:4]] for row in IRIS_HEAD])


def _write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _table(rows, delimiter=",", header=NAMES) -> str:
    lines = [delimiter.join(header)] if header else []
    return "\n".join(lines + [delimiter.join(row) for row in rows]) + "\n"


def _error(path, *args, **kwargs) -> str:
    with pytest.raises(DatasetError) as caught:
        load_csv(path, *args, **kwargs)
    return str(caught.value)


# -- layouts ----------------------------------------------------------------------------------
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|", " "])
@pytest.mark.parametrize("header", [True, False])
def test_delimiter_and_header_are_detected(tmp_path, delimiter, header):
    path = _write(tmp_path, _table(IRIS_HEAD, delimiter, NAMES if header else None))
    layout = sniff_csv(path)
    assert layout.delimiter == delimiter
    assert layout.header is header
    assert layout.columns == (NAMES if header else tuple(f"column {i}" for i in range(5)))
    dataset = load_csv(path)
    np.testing.assert_array_equal(dataset.features, FEATURES)
    assert dataset.class_labels == ("setosa", "versicolor", "virginica")
    assert dataset.labels.tolist() == [0, 1, 2, 0]
    assert dataset.feature_names == (NAMES[:4] if header else
                                     ("column 0", "column 1", "column 2", "column 3"))
    assert dataset.name == "data.csv"


def test_space_runs_bom_crlf_quotes_and_blank_rows(tmp_path):
    text = ("\ufeffa   b  label\r\n1.5   2  \"x y\"\r\n\r\n 3  4.25  z\r\n")
    dataset = load_csv(_write(tmp_path, text))
    np.testing.assert_array_equal(dataset.features, [[1.5, 2.0], [3.0, 4.25]])
    assert dataset.class_labels == ("x y", "z")
    assert dataset.feature_names == ("a", "b")
    spreadsheet = "a;b;label\n1,5;2;yes\n;;\n3;4;no\n;;\n"  # decimal commas stay text
    assert load_csv(_write(tmp_path, spreadsheet), feature_columns=["b"]).n_samples == 2


def test_explicit_layout_overrides_the_guess(tmp_path):
    # Every row numeric: no header is guessed; told there is one, the first row names columns.
    path = _write(tmp_path, "1,2,0\n3,4,1\n5,6,0\n")
    assert sniff_csv(path).header is False
    assert load_csv(path).n_samples == 3
    dataset = load_csv(path, header=True, delimiter=",")
    assert dataset.feature_names == ("1", "2") and dataset.n_samples == 2


def test_a_header_longer_than_the_sniffed_sample_is_detected(tmp_path):
    # 10,000 column names make a 140 kB first line: the header guess still sees line two.
    names = [f"feature_{i:05d}" for i in range(10_000)] + ["label"]
    rows = [[str(r + c / 8) for c in range(10_000)] + [str(r % 2)] for r in range(3)]
    lines = [",".join(row) for row in [names, *rows]]
    path = _write(tmp_path, lines[0] + "\n\n,,,\n" + "\n".join(lines[1:]) + "\n")
    assert len(lines[0]) > 1 << 16  # blank and empty-cell lines below it are skipped too
    layout = sniff_csv(path)
    assert layout.header is True and layout.columns[-1] == "label"
    dataset = load_csv(path)
    assert dataset.feature_names[9_999] == "feature_09999"
    assert dataset.features[2, 9_999] == 2 + 9_999 / 8


def test_columns_by_name_or_number(tmp_path):
    path = _write(tmp_path, _table(IRIS_HEAD))
    chosen = load_csv(path, "species", ["petal_width", "sepal_length"])
    np.testing.assert_array_equal(chosen.features, FEATURES[:, [3, 0]])
    assert chosen.feature_names == ("petal_width", "sepal_length")
    by_number = load_csv(path, 4, [3, 0])
    np.testing.assert_array_equal(by_number.features, chosen.features)
    # A numeric label column in the middle, the text column left out of the features.
    regression = load_csv(path, "petal_length", ["sepal_length", "sepal_width"])
    assert regression.task == "regression"
    np.testing.assert_array_equal(regression.labels, [1.4, 4.7, 6.0, 1.4])


def test_label_kinds_and_tasks(tmp_path):
    path = _write(tmp_path, "x,y\n0.5,3\n0.25,-1\n1.0,3\n2.0,10\n")
    ints = load_csv(path)
    assert (ints.task, ints.class_labels, ints.labels.tolist()) == (
        "classification", (-1, 3, 10), [1, 0, 1, 2])
    assert load_csv(path, task="regression").labels.tolist() == [3.0, -1.0, 3.0, 10.0]
    floats = _write(tmp_path, "x,y\n1,0.5\n2,1.5\n3,0.5\n", "floats.csv")
    assert load_csv(floats).task == "regression"
    as_classes = load_csv(floats, task="classification")
    assert as_classes.class_labels == ("0.5", "1.5") and as_classes.labels.tolist() == [0, 1, 0]
    many = _write(tmp_path, "x,y\n" + "".join(f"{i},{i}\n" for i in range(25)), "many.csv")
    assert load_csv(many).task == "regression"  # 25 integer values: targets, not classes
    words = _write(tmp_path, "x,y\n1,b\n2,B\n3,a\n4,b\n", "words.csv")
    assert load_csv(words).class_labels == ("B", "a", "b")  # sorted by code point


def test_quoted_line_breaks_keep_row_numbers_right(tmp_path):
    text = 'x,label\n1,"two\nlines"\n2,a\nabc,b\n'
    message = _error(_write(tmp_path, text))
    assert message == 'data.csv, row 5, column "x": "abc" is not a number'


def test_latin1_file_is_read(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("x,label\n1,caf\xe9\n2,th\xe9\n".encode("latin-1"))
    assert load_csv(path).class_labels == ("café", "thé")


# -- errors -----------------------------------------------------------------------------------
def test_missing_file_directory_and_binary_file(tmp_path):
    missing = tmp_path / "gone.csv"
    assert _error(missing) == f"{missing}: file not found"
    assert _error(tmp_path) == f"{tmp_path}: not a data file: it is a folder, not a regular file"
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    assert _error(binary) == f"{binary}: not a text file (it contains NUL bytes)"


@pytest.mark.parametrize(("text", "message"), [
    ("", "{path}: the file is empty"),
    ("  \n\n \n", "{path}: the file is empty"),
    (",,\n,,\n", "data.csv: no data rows (every line is empty)"),
    ("a,b,label\n", "data.csv: no data rows (only a header row)"),
])
def test_empty_files(tmp_path, text, message):
    path = _write(tmp_path, text)
    assert _error(path, header=True) == message.format(path=path)


def test_missing_values_name_row_and_column(tmp_path):
    rows = [list(row) for row in IRIS_HEAD]
    rows[2][3] = ""
    path = _write(tmp_path, _table(rows))
    assert _error(path) == 'data.csv, row 4, column "petal_width": missing value'
    for token in ("NA", "?", "null"):
        rows[2][3] = token
        path = _write(tmp_path, _table(rows))
        assert _error(path) == f"data.csv, row 4, column \"petal_width\": missing value ('{token}')"
    rows[2][3] = "NaN"  # parses as a float, still a missing value
    assert _error(_write(tmp_path, _table(rows))) == \
        'data.csv, row 4, column "petal_width": missing value'
    rows[2][3], rows[1][4] = "1.0", ""
    assert _error(_write(tmp_path, _table(rows))) == \
        'data.csv, row 3, column "species": missing value (every row needs a label)'


def test_non_numeric_feature_cell_names_row_and_column(tmp_path):
    rows = [list(row) for row in IRIS_HEAD * 5]
    rows[15][3] = "abc"
    assert _error(_write(tmp_path, _table(rows))) == \
        'data.csv, row 17, column "petal_width": "abc" is not a number'
    rows[15][3] = "-inf"
    assert _error(_write(tmp_path, _table(rows))) == \
        'data.csv, row 17, column "petal_width": "-inf" is not a finite number'
    rows[15][3] = "1.0"
    rows[3][0] = "1,5"
    path = _write(tmp_path, _table(rows, delimiter=";"))
    assert _error(path) == 'data.csv, row 5, column "sepal_length": "1,5" is not a number'


def test_without_header_columns_are_numbered(tmp_path):
    path = _write(tmp_path, "1,2,a\n3,x,b\n")
    assert _error(path) == 'data.csv, row 2, column 1: "x" is not a number'
    assert _error(path, "label") == ("data.csv: the label column 'label' is a name, but the "
                                     "data has no header row; choose columns by number (from 0)")


def test_regression_target_must_be_numeric(tmp_path):
    path = _write(tmp_path, "x,y\n1,2.5\n2,high\n")
    assert _error(path, task="regression") == \
        'data.csv, row 3, column "y": "high" is not a number (a regression target must be a number)'


def test_single_class_and_too_many_features(tmp_path):
    path = _write(tmp_path, "a,b,label\n1,2,yes\n3,4,yes\n")
    assert _error(path) == ('data.csv, column "label": every row has the label \'yes\'; '
                            'a classifier needs at least two classes')
    wide = _write(tmp_path, "a,b,c,label\n1,2,3,x\n4,5,6,y\n", "wide.csv")
    assert _error(wide, max_features=2) == (
        "wide.csv: 3 feature columns, but the circuit can encode at most 2; choose fewer "
        "feature columns or reduce them with PCA")
    assert load_csv(wide, max_features=3).n_features == 3


def test_ragged_rows(tmp_path):
    path = _write(tmp_path, "a,b,label\n1,2,x\n3,y\n5,6,z\n")
    assert _error(path) == ("data.csv, row 3: 2 values, but the header has 3 columns "
                            "(is the delimiter ',' right?)")
    headless = _write(tmp_path, "1,2,x\n3,4,y\n5,6,7,z\n", "headless.csv")
    assert _error(headless, header=False) == ("headless.csv, row 3: 4 values, but row 1 has 3 "
                                              "columns (is the delimiter ',' right?)")


def test_bad_column_choices(tmp_path):
    path = _write(tmp_path, "a,b,a,label\n1,2,3,x\n4,5,6,y\n")
    assert _error(path, "lable") == ("data.csv: no column named 'lable' for the label column "
                                     "(the columns are a, b, a, label)")
    assert _error(path, 7) == ("data.csv: the label column 7 does not exist (the data has 4 "
                               "columns, numbered from 0)")
    assert _error(path, "label", ["a"]) == ("data.csv: the header names 2 columns 'a'; choose "
                                            "the feature column by number instead")
    assert _error(path, "label", ["b", "label"]) == ('data.csv, column "label" is the label '
                                                     'column and cannot also be a feature column')
    assert _error(path, "label", [1, 1]) == "data.csv: a feature column is chosen twice"
    only = _write(tmp_path, "label\nx\ny\n", "only.csv")
    assert _error(only, header=True) == ("only.csv: no feature columns: the data needs at "
                                         "least one column besides the label 'label'")


# -- through a project's data set spec ----------------------------------------------------------
def test_csv_spec_loads_relative_to_the_project_and_checks_the_hash(tmp_path):
    path = _write(tmp_path, _table(IRIS_HEAD))
    spec = csv_dataset(path, "species", feature_columns=("petal_length", "petal_width"))
    dataset = load_dataset(spec)
    np.testing.assert_array_equal(dataset.features, FEATURES[:, 2:])
    relative = DatasetSpec.csv("data.csv", spec.sha256, 4, feature_columns=(2, 3))
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    os.replace(path, moved / "data.csv")
    np.testing.assert_array_equal(load_dataset(relative, moved).features, dataset.features)
    (moved / "data.csv").write_text(_table(IRIS_HEAD[:3]), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"data.csv: the file has changed since it was chosen "
                                           r"\(its SHA-256 differs\)"):
        load_dataset(relative, moved)
    # Changed into something that no longer parses: still reported as changed (checked first).
    (moved / "data.csv").write_bytes(b"a,b\n\0\0\n")
    with pytest.raises(DatasetError, match=r"data.csv: the file has changed since it was chosen"):
        load_dataset(relative, moved)


def test_embedded_table_loads_with_named_errors():
    spec = DatasetSpec.embedded(
        ("a", "b", "label"),
        ((0.0, 0, "even"), (0.0, 1.5, "odd"), (1.0, 0.0, "odd"), (1.0, 1.0, "even")),
        "label", name="xor table")
    dataset = load_dataset(spec)
    np.testing.assert_array_equal(dataset.features, [[0, 0], [0, 1.5], [1, 0], [1, 1]])
    assert dataset.class_labels == ("even", "odd") and dataset.name == "xor table"
    bad = DatasetSpec.embedded(("a", "label"), ((0.5, 1), (True, 2)), "label")
    with pytest.raises(DatasetError) as caught:
        load_dataset(bad)
    assert str(caught.value) == 'embedded table, row 2, column "a": "true" is not a number'
