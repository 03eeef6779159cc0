"""Property tests: random projects round-trip byte for byte, and no document — random,
mutated, truncated — makes loading fail with anything but one ProjectError.

``QMLSTUDIO_FUZZ_EXAMPLES`` raises the number of examples per property (default 200).
"""

import dataclasses
import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmlstudio.core import (
    Circuit,
    Const,
    DatasetSpec,
    EpochRecord,
    Expr,
    Feature,
    FittedPreprocessing,
    ModelSpec,
    Operation,
    Preprocessing,
    Project,
    ProjectError,
    ReadoutParams,
    Term,
    TrainingConfig,
    TrainingHistory,
    Weight,
)
from qmlstudio.io.circuit_codec import _checked_operation, _encode_operation, _quick_operation
from qmlstudio.io.document_reader import DocumentReader
from qmlstudio.io.project_file import load_project, project_text, save_project
from tests.io.project_helpers import sample_project

EXAMPLES = int(os.environ.get("QMLSTUDIO_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FOLDER = Path(tempfile.mkdtemp(prefix="qmlstudio-fuzz-"))  # strategies need it at import


@pytest.fixture(scope="module", autouse=True)
def _remove_folder():
    yield
    shutil.rmtree(FOLDER, ignore_errors=True)


# -- random projects --------------------------------------------------------------------------
finite = st.floats(allow_nan=False, allow_infinity=False)
small = st.floats(-10, 10, allow_nan=False)
names = st.text(max_size=12)
GATES = {"h": (1, 0), "x": (1, 0), "ry": (1, 1), "rz": (1, 1), "u3": (1, 3), "cx": (2, 0),
         "crx": (2, 1), "rzz": (2, 1), "ccx": (3, 0)}


@st.composite
def params(draw):
    kind = draw(st.sampled_from(["const", "weight", "feature", "expr"]))
    if kind == "const":
        return Const(draw(finite))
    if kind == "weight":
        return Weight(draw(st.integers(0, 6)))
    if kind == "expr":
        return draw(exprs())
    return Feature(draw(st.integers(0, 4)), draw(finite), draw(finite))


@st.composite
def exprs(draw):
    """An expression within the limits of a Term (up to three factors, at most one weight)
    that is not a plain Const, Weight or Feature."""
    terms = []
    while not terms or (len(terms) == 1 and len(terms[0].factors) == 1):  # not a plain kind
        features = [Feature(draw(st.integers(0, 4)), draw(small), draw(small))
                    for _ in range(draw(st.integers(0, 2)))]
        weight = [Weight(draw(st.integers(0, 6)))] if draw(st.booleans()) or not features else []
        terms.append(Term(draw(small.filter(bool)),
                          tuple(draw(st.permutations(weight + features)))))
    return Expr(draw(small), tuple(terms))


@st.composite
def circuits(draw):
    n_qubits = draw(st.integers(3, 5))
    ops = []
    for _ in range(draw(st.integers(0, 12))):
        gate = draw(st.sampled_from(sorted(GATES)))
        n_wires, n_params = GATES[gate]
        wires = draw(st.permutations(range(n_qubits)))[:n_wires]
        group = draw(st.none() | st.sampled_from(["layer1", "enc"]))
        ops.append(Operation(gate, tuple(wires),
                             tuple(draw(params()) for _ in range(n_params)), group))
    measured = draw(st.lists(st.integers(0, n_qubits - 1), unique=True, max_size=n_qubits))
    return Circuit(n_qubits, tuple(ops), tuple(measured))


scalars = st.booleans() | st.integers(-10**6, 10**6) | finite | names


@st.composite
def datasets(draw):
    kind = draw(st.sampled_from(["builtin", "csv", "embedded", "relative-csv"]))
    if kind == "builtin":
        return DatasetSpec.builtin(draw(st.sampled_from(["moons", "iris", "sine"])),
                                   **draw(st.dictionaries(st.sampled_from(
                                       ["noise", "n_samples", "seed", "factor"]), scalars)))
    if kind in ("csv", "relative-csv"):
        where = FOLDER / "data" if kind == "relative-csv" else Path("/nonexistent/data")
        return DatasetSpec.csv(str(where / draw(st.sampled_from(["a.csv", "b c.csv"]))),
                               "0" * 64, draw(st.integers(0, 5)),
                               feature_columns=(6, 7), delimiter=draw(st.sampled_from(",;\t")),
                               header=draw(st.booleans()), name=draw(names))
    columns = ("f0", "f1", "y")
    rows = draw(st.lists(st.tuples(finite, scalars, st.sampled_from(["a", "b"])), max_size=4))
    return DatasetSpec.embedded(columns, tuple(rows), "y", feature_columns=("f1", 0))


@st.composite
def preprocessings(draw):
    scaling = draw(st.sampled_from(["minmax", "standard", "none"]))
    n_components = draw(st.none() | st.integers(1, 2))
    fitted = None
    if draw(st.booleans()):
        n_out = n_components or 2
        pos = st.floats(1e-6, 1e6)
        fitted = FittedPreprocessing(
            center=tuple(draw(finite) for _ in range(n_out)) if scaling != "none" else (),
            width=tuple(draw(pos) for _ in range(n_out)) if scaling != "none" else (),
            pca_mean=(draw(small), draw(small), draw(small)) if n_components else (),
            pca_components=tuple((draw(small), draw(small), draw(small))
                                 for _ in range(n_components or 0)))
    return Preprocessing(scaling, (draw(small), draw(small) + 20.0), n_components,
                         draw(st.floats(0, 0.9)), draw(st.integers(0, 2**32)),
                         draw(st.booleans()), fitted,
                         validation_fraction=draw(st.floats(0, 0.9)))


@st.composite
def projects(draw):
    circuit = draw(circuits())
    task = draw(st.sampled_from(["classification", "regression"]))
    if task == "regression":
        model = ModelSpec("regression", observables=("Z0",), train_readout=draw(st.booleans()))
        loss = "mse"
    else:
        labels = draw(st.sampled_from([(), ("a", "b"), (0, 1, 2), ("x", 1)]))
        model = ModelSpec(observables=tuple(f"Z{k}" for k in range(max(len(labels), 1))),
                          class_labels=labels)
        loss = draw(st.sampled_from(["cross_entropy", "mse", "hinge"]))
    if draw(st.booleans()):  # a linear layer over <Z> of the first qubits
        n_read = draw(st.integers(1, circuit.n_qubits))
        model = dataclasses.replace(model, readout="linear",
                                    observables=tuple(f"Z{q}" for q in range(n_read)))
    training = TrainingConfig(
        optimizer=draw(st.sampled_from(["adam", "sgd", "spsa"])), loss=loss,
        learning_rate=draw(st.floats(1e-6, 10)), epochs=draw(st.integers(1, 10**6)),
        batch_size=draw(st.integers(1, 4096)), seed=draw(st.integers(0, 2**63)),
        gradient_method=draw(st.sampled_from(["adjoint", "parameter-shift"])),
        shots=draw(st.none() | st.integers(1, 10**6)), momentum=draw(st.floats(0, 0.99)),
        early_stopping_patience=draw(st.none() | st.integers(1, 50)))
    weights = ()
    if circuit.n_weights and draw(st.booleans()):
        weights = tuple(draw(finite) for _ in range(circuit.n_weights))
    readout = ReadoutParams()
    if draw(st.booleans()):
        n = model.n_outputs
        bias = tuple(draw(finite) for _ in range(n))
        if model.readout == "linear":
            readout = ReadoutParams(bias=bias, weights=tuple(
                draw(finite) for _ in range(n * len(model.observables))))
        else:
            readout = ReadoutParams(tuple(draw(finite) for _ in range(n)), bias)
    epochs = sorted(draw(st.sets(st.integers(0, 1000), max_size=4)))
    history = TrainingHistory(tuple(
        EpochRecord.of(e, **draw(st.dictionaries(st.sampled_from(["train_loss", "test_f1"]),
                                                 st.none() | finite)))
        for e in epochs), draw(names))
    return Project(circuit, draw(names), draw(datasets()), draw(preprocessings()), model,
                   training, weights, readout, history,
                   draw(st.dictionaries(st.sampled_from(["numpy", "numba"]), names)))


@FUZZ
@given(projects())
def test_save_load_save_is_byte_identical(project):
    path = FOLDER / "round.qmlproj"
    save_project(project, path)
    first = path.read_bytes()
    loaded = load_project(path)
    if project.dataset.kind == "csv":  # the CSVs do not exist: the loader says so
        assert loaded.dataset.status == "missing"
        loaded = dataclasses.replace(loaded, dataset=project.dataset)
    assert loaded == project
    save_project(loaded, path)
    assert path.read_bytes() == first


def test_relative_csv_paths_are_stored_relative():
    project = Project(Circuit(1), dataset=DatasetSpec.csv(
        str(FOLDER / "data" / "b c.csv"), "0" * 64, 0))
    assert json.loads(project_text(project, FOLDER))["dataset"]["path"] == "data/b c.csv"


# -- documents that must fail cleanly ---------------------------------------------------------
def _load_text(data: bytes) -> Project | None:
    """Load ``data``; return the project, or None after a ProjectError (anything else fails)."""
    path = FOLDER / "fuzz.qmlproj"
    path.write_bytes(data)
    try:
        return load_project(path)
    except ProjectError as error:
        assert str(error).startswith(f"{path}: ")
        return None


BASES = [json.loads(project_text(p, FOLDER)) for p in (
    sample_project(),
    sample_project(dataset=DatasetSpec.csv(str(FOLDER / "data" / "a.csv"), "0" * 64, "y",
                                           feature_columns=("u", 2))),
    sample_project(preprocessing=Preprocessing(n_components=1, fitted=FittedPreprocessing(
        (0.5,), (2.0,), (0.0, 1.0), ((0.6, 0.8),)))),
)]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats() | st.text(max_size=8)
    | st.sampled_from(["NaN", "Infinity", "-1e999", "", "ry", "Z0", "0" * 64]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=8,
)


def _slots(value: object, path: str = "") -> list[tuple[object, object, str]]:
    """Every (container, key, JSON path) of a document, depth first."""
    found = []
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        where = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)
        found.append((value, key, where))
        found.extend(_slots(item, where))
    return found


@st.composite
def mutated_documents(draw):
    document = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(document)
        container, key, _ = draw(st.sampled_from(slots))
        action = draw(st.sampled_from(["replace", "delete", "insert", "nest"]))
        if action == "delete":
            del container[key]
        elif action == "insert" and isinstance(container, dict):
            container[draw(st.text(max_size=6))] = draw(json_values)
        elif action == "insert":
            container.insert(key, draw(json_values))
        elif action == "nest":
            container[key] = [[[container[key]]]]
        else:
            container[key] = draw(json_values)
    return document


@FUZZ
@given(mutated_documents())
def test_mutated_documents_raise_only_project_errors(document):
    _load_text(json.dumps(document).encode())


@FUZZ
@given(st.sampled_from(BASES), st.data())
def test_truncated_files_raise_project_errors(document, data):
    text = json.dumps(document, indent=2).encode()
    cut = data.draw(st.integers(0, len(text) - 1))
    project = _load_text(text[:cut])
    assert project is None or not text[cut:].strip()


@FUZZ
@given(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_random_documents_raise_project_errors(data):
    assert _load_text(data) is None


@FUZZ
@given(json_values, st.dictionaries(st.sampled_from(["circuit", "weights", "model", "dataset"]),
                                    json_values))
def test_random_bodies_with_a_valid_header_raise_project_errors(schema, body):
    document = {"format": "qmlstudio-project", "schema_version": 2} | body
    if isinstance(schema, int) and not isinstance(schema, bool):
        document["schema_version"] = schema
    _load_text(json.dumps(document).encode())


def test_huge_and_deep_values_fail_cleanly():
    text = json.dumps(BASES[0])
    assert _load_text(text.replace('"weights": [', '"weights": [' + "9" * 5000 + ", ")
                      .encode()) is None
    deep = "[" * 50_000 + "]" * 50_000
    assert _load_text(text.replace('"weights": [', f'"weights": [{deep}, ').encode()) is None
    assert _load_text(text.replace('"n_qubits": 4', '"n_qubits": 1e999').encode()) is None


@st.composite
def broken_leaves(draw):
    """A base document with one scalar (or empty list) replaced by a value of the wrong type."""
    document = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    slots = [(c, k, p) for c, k, p in _slots(document)
             if not isinstance(c[k], dict | list) or c[k] == []]
    container, key, path = draw(st.sampled_from(slots))
    container[key] = draw(st.sampled_from([{"bogus": [1]}, [[1]], [{"weight": None}]]))
    return document, path


@FUZZ
@given(broken_leaves())
def test_a_wrong_type_is_reported_at_its_json_path(case):
    document, path = case
    file = FOLDER / "typed.qmlproj"
    file.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        load_project(file)
    assert f": {path}" in str(caught.value)


# -- the quick operation reader agrees with the checked one -----------------------------------
near_values = st.sampled_from([0, 1, -1, 4, 1.0, 2**53, 10**7, True, None, "CNOT", "cnot", "u",
                                "frob", math.nan, math.inf, "\ud800", "é", [], {}, [0, 1],
                                {"weight": 1}, {"feature": 1}, {"feature": 0, "scale": 1},
                                {"constant": 0, "terms": []},
                                {"terms": [{"factors": [{"weight": 0}, {"weight": 1}]}]}])


@st.composite
def operation_values(draw):
    """The JSON of a valid operation, often with one value swapped for a near miss."""
    circuit = draw(circuits().filter(lambda c: c.operations))
    raw = json.loads(json.dumps(_encode_operation(draw(st.sampled_from(circuit.operations)))
                                .value))
    change = draw(st.sampled_from(["none", "slot", "upper-case", "integers"]))
    if change == "slot":
        container, key, _ = draw(st.sampled_from(_slots(raw)))
        container[key] = draw(near_values | json_values)
    elif change == "upper-case":  # gate names are case-insensitive
        raw["gate"] = raw["gate"].upper()
    elif change == "integers":  # hand-written files write 1 for 1.0
        raw = json.loads(json.dumps(raw).replace(".0,", ",").replace(".0]", "]")
                         .replace(".0}", "}"))
    return raw, circuit.n_qubits


@FUZZ
@given(operation_values())
def test_quick_and_checked_operation_readers_agree(case):
    raw, n_qubits = case
    quick = _quick_operation(raw, n_qubits)
    try:
        checked = _checked_operation(DocumentReader(raw), n_qubits)
    except ProjectError:
        checked = None
    if quick is not None:
        assert checked == quick


@pytest.mark.parametrize(("raw", "expected"), [
    ({"gate": "CNOT", "wires": [0, 1]}, Operation("cx", (0, 1))),
    ({"gate": "ry", "wires": [2], "params": [1]}, Operation("ry", (2,), (Const(1.0),))),
    ({"gate": "ry", "wires": [0], "params": [{"feature": 1}]},
     Operation("ry", (0,), (Feature(1),))),
    ({"gate": "rz", "wires": [0], "params": [{"feature": 0, "scale": 2, "offset": 0}]},
     Operation("rz", (0,), (Feature(0, 2.0),))),
    ({"gate": "h", "wires": [1], "group": "é"}, Operation("h", (1,), (), "é")),
])
def test_unusual_operations_take_the_checked_path(raw, expected):
    assert _quick_operation(raw, 3) is None
    assert _checked_operation(DocumentReader(raw), 3) == expected


def test_quick_reader_takes_what_the_writer_writes():
    document = BASES[0]
    for raw in document["circuit"]["operations"]:
        assert _quick_operation(raw, 4) is not None
