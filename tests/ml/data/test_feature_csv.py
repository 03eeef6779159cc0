"""Reading the raw feature columns of a prediction CSV: columns picked by header name, the
same layout rules and row numbers as training data, every problem named by file, row and
column."""

import numpy as np
import pytest

from qmlstudio.core import DatasetError
from qmlstudio.ml.data.feature_csv import read_feature_csv

NAMES = ("x0", "x1")


def write(tmp_path, text, name="points.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_header_picks_the_model_columns_in_the_model_order(tmp_path):
    path = write(tmp_path, "label,x1,x0\nA,0.5,1.5\nB,-2,3e-1\n")
    np.testing.assert_array_equal(read_feature_csv(path, NAMES), [[1.5, 0.5], [0.3, -2.0]])


def test_without_a_header_the_columns_must_be_exactly_the_features(tmp_path):
    np.testing.assert_array_equal(read_feature_csv(write(tmp_path, "1;2\n3;4\n"), NAMES),
                                  [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(DatasetError, match="3 columns, but the model takes 2 features"):
        read_feature_csv(write(tmp_path, "1,2,3\n4,5,6\n"), NAMES)


def test_problems_name_the_file_row_and_column(tmp_path):
    with pytest.raises(DatasetError, match="no column named 'x1'"):
        read_feature_csv(write(tmp_path, "x0,y\n1,2\n"), NAMES)
    with pytest.raises(DatasetError, match=r'points\.csv, row 3, column "x1": missing value'):
        read_feature_csv(write(tmp_path, "x0,x1\n1,2\n3,NA\n"), NAMES)
    with pytest.raises(DatasetError, match=r"row 2, column \"x0\": 'inf' is not a finite"):
        read_feature_csv(write(tmp_path, "x0,x1\ninf,2\n"), NAMES)
    with pytest.raises(DatasetError, match="the file is empty"):
        read_feature_csv(write(tmp_path, "\n  \n"), NAMES)
    with pytest.raises(DatasetError, match="file not found"):
        read_feature_csv(tmp_path / "nothing.csv", NAMES)


def test_a_quoted_line_break_reports_the_row_where_it_starts(tmp_path):
    # Row numbers are line numbers as an editor shows them: the bad row starts on line 3,
    # which is what training data reports too (it used to say line 4, where the row ends).
    path = write(tmp_path, 'x0,x1,note\n1,2,fine\n3,abc,"two\nlines"\n')
    with pytest.raises(DatasetError, match=r"row 3, column \"x1\": 'abc' is not a number"):
        read_feature_csv(path, NAMES)
