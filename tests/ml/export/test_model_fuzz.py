"""Property tests: no mutated, truncated or random model file makes loading (or predicting
with what loaded) fail with anything but a QML Studio error — a bad file is always one
ModelFileError.

``QMLSTUDIO_FUZZ_EXAMPLES`` raises the number of examples per property (default 100).
"""

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qmlstudio.core import ModelFileError, QMLStudioError
from qmlstudio.ml.export.model_file import load_model, save_model
from tests.ml.model_helpers import trained_project

EXAMPLES = int(os.environ.get("QMLSTUDIO_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FOLDER = Path(tempfile.mkdtemp(prefix="qmlstudio-model-fuzz-"))
VALID = FOLDER / "valid.qmodel"
save_model(trained_project("all_gates"), VALID)
TEXT = VALID.read_text(encoding="utf-8")
DOCUMENT = json.loads(TEXT)


@pytest.fixture(scope="module", autouse=True)
def _remove_folder():
    yield
    shutil.rmtree(FOLDER, ignore_errors=True)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=6,
)


def _paths(value, prefix=()):
    """Every path (tuple of keys/indices) to a node of a JSON value."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


PATHS = [path for path in _paths(DOCUMENT) if path]


def _mutated(path, action, value):
    document = json.loads(TEXT)
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


def _check(text_or_bytes):
    path = FOLDER / "mutant.qmodel"
    data = text_or_bytes.encode("utf-8", "surrogatepass") if isinstance(
        text_or_bytes, str) else text_or_bytes
    path.write_bytes(data)
    try:
        model = load_model(path)
    except ModelFileError:
        return
    with contextlib.suppress(QMLStudioError):  # what loads predicts, or refuses clearly
        model.predict(np.full((2, model.n_features_in_), 0.5))


@FUZZ
@given(st.sampled_from(PATHS), st.sampled_from(["replace", "delete"]), json_values)
# Found by this test: a centre that makes a feature product overflow (now a CircuitError).
@example(("preprocessing", "center"), "replace", [0, 7.148763857329867e+154])
def test_a_mutated_field_is_one_model_file_error(path, action, value):
    _check(json.dumps(_mutated(path, action, value)))


@FUZZ
@given(st.integers(0, len(TEXT)), st.text(max_size=4))
def test_truncated_or_spliced_text_is_one_model_file_error(cut, junk):
    _check(TEXT[:cut] + junk)


@FUZZ
@given(st.binary(max_size=64))
def test_random_bytes_are_one_model_file_error(data):
    _check(data)
