"""The ``qmlstudio`` command on real files: what each command does, through ``main()`` in this
process (:func:`cli`), and the process boundary (``python -m qmlstudio``: its exit status, its
one-line errors, the desktop app it opens) in a real process (:func:`cli_process`)."""

import contextlib
import io
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from qmlstudio.cli import main
from qmlstudio.core import Circuit, DatasetSpec, Preprocessing, Project, TrainingConfig, x
from qmlstudio.io import load_project, save_project
from qmlstudio.ml.models.templates import build_model_circuit
from tests.alarm import raise_after
from tests.io.special_files import needs_fifos, special_file

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 120
"""A command that takes longer has hung (a blocked read, say): the test fails instead."""


def cli_process(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m qmlstudio ARGS`` as a real process in ``cwd``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "qmlstudio", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=TIMEOUT_S,
                          check=False)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``qmlstudio ARGS`` run by ``main()`` in this process, in ``cwd``, with what a real process
    would print: its exit status (argparse's exits too), stdout, and stderr with the warnings
    Python shows by default. A process start costs seconds; the commands' own behaviour needs
    none of it. An exception ``main()`` lets out fails the test (a process would print a
    traceback)."""
    out, err = io.StringIO(), io.StringIO()
    with (contextlib.chdir(cwd), contextlib.redirect_stdout(out),
          contextlib.redirect_stderr(err), warnings.catch_warnings(record=True) as shown,
          raise_after(TIMEOUT_S, lambda: TimeoutError(f"qmlstudio {args} hung"))):
        _default_warning_filters()
        try:
            status = main(list(map(str, args)))
        except SystemExit as exit_:  # argparse's usage errors, --help, --version
            status = exit_.code
    for warning in shown:
        err.write(warnings.formatwarning(warning.message, warning.category, warning.filename,
                                         warning.lineno, warning.line))
    return subprocess.CompletedProcess(["qmlstudio", *map(str, args)], status or 0,
                                       out.getvalue(), err.getvalue())


def _default_warning_filters() -> None:
    """The warnings a fresh interpreter shows (its default filters, ``python -W`` unset), and
    the suite's rule that a warning of our own code is an error."""
    warnings.resetwarnings()
    warnings.simplefilter("default")
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                     ResourceWarning):
        warnings.simplefilter("ignore", category)
    warnings.filterwarnings("error", module="qmlstudio")


def assert_one_line_error(result: subprocess.CompletedProcess, status: int, text: str) -> None:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], result.stderr


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    circuit = build_model_circuit(2, 2, layers=3, reuploading=True)
    project = Project(circuit, name="moons",
                      dataset=DatasetSpec.builtin("moons", n_samples=120, noise=0.1),
                      preprocessing=Preprocessing(test_fraction=0.5),
                      training=TrainingConfig(epochs=8, learning_rate=0.1))
    path = tmp_path / "moons.qmlproj"
    save_project(project, path)
    return path


def test_help_and_version(tmp_path):
    result = cli_process("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("train", "predict", "export"):
        assert command in result.stdout
    assert cli_process("--version", cwd=tmp_path).stdout.startswith("qmlstudio ")
    export_help = " ".join(cli("export", "--help", cwd=tmp_path).stdout.split())
    assert "every format needs a trained project" in export_help
    assert "qasm2 the same in OpenQASM 2.0, which has no inputs: refuses models whose circuit " \
           "reads data features" in export_help


def test_a_path_that_is_neither_a_file_nor_a_command_is_one_line_error(tmp_path):
    assert_one_line_error(cli("nothing-here.qmlproj", cwd=tmp_path), 2, "nothing-here.qmlproj")


def test_a_path_opens_the_desktop_app_which_keeps_running(project_file):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           **{f"XDG_{kind}_HOME": str(project_file.parent / kind.lower())
              for kind in ("CONFIG", "DATA", "STATE")}}
    app = subprocess.Popen([sys.executable, "-m", "qmlstudio", str(project_file)],
                           cwd=project_file.parent, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        with pytest.raises(subprocess.TimeoutExpired):  # still running: the window is up
            app.wait(timeout=8)
    finally:
        app.terminate()
        _, stderr = app.communicate(timeout=30)
    assert "Traceback" not in stderr and "Error" not in stderr


def test_train_saves_weights_and_history_and_continues(project_file):
    result = cli("train", project_file, "--json", "--epochs", "3", cwd=project_file.parent)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)  # exactly one JSON object
    assert summary["stop_reason"] == "completed" and summary["epoch"] == 3
    assert 0.5 <= summary["test_accuracy"] <= 1.0 and summary["train_loss"] > 0
    assert "epoch 3/3" in result.stderr and "Traceback" not in result.stderr
    trained = load_project(project_file)
    assert trained.is_trained and len(trained.history.records) == 3
    assert trained.preprocessing.is_fitted and trained.model.class_labels == (0, 1)
    assert trained.history.records[-1].get("test_accuracy") == summary["test_accuracy"]
    # The classical baselines on the same split, as the app's comparison computes them.
    from qmlstudio.ml.evaluation.baselines import baseline_metrics
    from qmlstudio.ml.training.prepared_data import prepare_training_data

    assert summary["baselines"] == baseline_metrics(prepare_training_data(trained))
    assert list(summary["baselines"]) == ["logistic_regression", "svm_rbf", "mlp",
                                          "random_forest"]
    assert set(summary["baselines"]["mlp"]) == {"train_accuracy", "train_f1", "test_accuracy",
                                                "test_f1"}
    result = cli("train", project_file, "--epochs", "2", "--seed", "4", "-q",
                 cwd=project_file.parent)
    assert result.returncode == 0 and result.stderr == ""
    assert "completed" in result.stdout and "test_accuracy" in result.stdout
    lines = result.stdout.splitlines()
    assert lines[lines.index("classical baselines on the same split:") + 1].split()[:3] == [
        "Logistic", "regression", "train_accuracy"]
    assert sum(line.startswith(("  RBF SVM ", "  MLP ", "  Random forest "))
               for line in lines) == 3
    resumed = load_project(project_file)
    assert [r.epoch for r in resumed.history.records] == [1, 2, 3, 4, 5]
    assert resumed.training.seed == 4


def test_train_warns_when_the_circuit_sums_features(tmp_path):
    circuit = Circuit(2).add("ry", 0, x(0)).add("ry", 0, x(1)).add("cx", [0, 1])
    project = Project(circuit, name="summed",
                      dataset=DatasetSpec.builtin("moons", n_samples=40, noise=0.1),
                      training=TrainingConfig(epochs=1))
    path = tmp_path / "summed.qmlproj"
    save_project(project, path)
    result = cli("train", path, "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ("qmlstudio: warning: Features summed into one angle: RY(x₀) and "
                             "RY(x₁) on q0 act as one rotation: x₀ and x₁ are summed\n")


def test_export_formats_match_the_exporter():
    from qmlstudio.cli.export import EXPORT_FORMATS as cli_formats
    from qmlstudio.ml.export.formats import EXPORT_FORMATS as exporter_formats

    assert cli_formats == exporter_formats


def test_errors_are_one_line_without_traceback(tmp_path, project_file):
    assert_one_line_error(cli_process("train", tmp_path / "missing.qmlproj", cwd=tmp_path), 1,
                          "missing.qmlproj: file not found")
    assert_one_line_error(cli_process("trian", project_file, cwd=tmp_path), 2, "unknown command")
    broken = tmp_path / "broken.qmlproj"
    broken.write_text('{"format": "qmlstudio-project", "schema_version": 1,', encoding="utf-8")
    assert_one_line_error(cli("train", broken, cwd=tmp_path), 1, "broken.qmlproj")
    assert_one_line_error(cli("train", project_file, "--epochs", "0", cwd=tmp_path), 2,
                          "--epochs: expected an integer of at least 1, got '0'")
    circuit = tmp_path / "bell.qasm"
    circuit.write_text('// a Bell pair\nOPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\n'
                       'h q[0];\ncx q[0], q[1];\n', encoding="utf-8")
    assert_one_line_error(cli("train", "bell.qasm", cwd=tmp_path), 1,
                          "bell.qasm: an OpenQASM circuit, not a QML Studio project; create a "
                          "project with 'qmlstudio new --model NAME --data DATASET -o "
                          "OUT.qmlproj' (see 'qmlstudio new --list'), or open the circuit in the "
                          "app ('qmlstudio bell.qasm')")
    iris = Project(build_model_circuit(2, 2), dataset=DatasetSpec.builtin("iris"))
    save_project(iris, tmp_path / "iris.qmlproj")
    assert_one_line_error(cli("train", "iris.qmlproj", cwd=tmp_path), 1,
                          "iris.qmlproj: iris: 4 features, but the circuit can encode at most 2")
    assert_one_line_error(cli("export", project_file, "--to", "onnx", "-o", "x", cwd=tmp_path),
                          2, "invalid choice: 'onnx'")
    assert_one_line_error(cli("export", project_file, "--to", "qasm3", "-o", "m.qasm",
                              cwd=tmp_path), 1, "not been trained")


def test_export_then_predict_on_a_csv(tmp_path, project_file):
    assert cli("train", project_file, "--epochs", "2", "-q", cwd=tmp_path).returncode == 0
    for fmt, name in (("qmodel", "moons.qmodel"), ("qasm3", "moons.qasm")):
        result = cli("export", project_file, "--to", fmt, "-o", name, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "moons.qasm").read_text(encoding="utf-8").startswith("OPENQASM 3")
    data = tmp_path / "points.csv"
    data.write_text("x1,x0\n0.5,0.0\n-0.4,1.9\n0.2,1.0\n", encoding="utf-8")
    result = cli("predict", "moons.qmodel", data, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split(",") for line in result.stdout.splitlines()]
    assert rows[0] == ["prediction", "p_0", "p_1"] and len(rows) == 4
    assert all(row[0] in ("0", "1") and abs(float(row[1]) + float(row[2]) - 1) < 1e-9
               for row in rows[1:])
    result = cli("predict", "moons.qmodel", data, "-o", "out.csv", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "out.csv").read_text() == \
        "\n".join(",".join(row) for row in rows) + "\n"
    data.write_text("x0,x1\n0.5,abc\n", encoding="utf-8")
    assert_one_line_error(cli("predict", "moons.qmodel", data, cwd=tmp_path), 1,
                          "points.csv, row 2, column \"x1\": 'abc' is not a number")
    assert_one_line_error(cli("predict", project_file.name, data, cwd=tmp_path), 1,
                          "moons.qmlproj: a QML Studio project, not a trained QML Studio model "
                          "(.qmodel); export a model from it with 'qmlstudio export "
                          "moons.qmlproj --to qmodel -o OUT.qmodel'")


def test_export_and_predict_run_without_loading_scikit_learn(tmp_path, project_file):
    # scikit-learn (with scipy.stats) takes 1–1.5 s to import: a command that only reads a
    # project or a model file and computes must not pay for it (issue 17, start-up).
    assert cli("train", project_file, "--epochs", "1", "-q", cwd=tmp_path).returncode == 0
    data = tmp_path / "points.csv"
    data.write_text("x0,x1\n0.5,0.0\n-0.4,1.9\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from qmlstudio.cli import main\n"
        "for args in (['export', 'moons.qmlproj', '--to', 'qmodel', '-o', 'm.qmodel'],\n"
        "             ['predict', 'm.qmodel', 'points.csv', '-o', 'out.csv']):\n"
        "    assert main(args) == 0, args\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'pandas'}))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, timeout=TIMEOUT_S, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
    assert len((tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()) == 3


def test_a_file_of_the_wrong_kind_is_named_with_what_to_do(tmp_path, project_file):
    """Each command recognises a project, model, circuit or CSV by its content, wherever it
    is given, and says what to do with it instead of how it fails to parse."""
    assert cli("train", project_file, "--epochs", "1", "-q", cwd=tmp_path).returncode == 0
    assert cli("export", project_file, "--to", "qmodel", "-o", "moons.qmodel",
               cwd=tmp_path).returncode == 0
    data = tmp_path / "points.csv"
    data.write_text("x0,x1\n0.5,0.0\n-0.4,1.9\n", encoding="utf-8")
    assert_one_line_error(cli("train", "points.csv", cwd=tmp_path), 1,
                          "points.csv: a CSV table, not a QML Studio project; create a project "
                          "that learns from it with 'qmlstudio new --model NAME --data "
                          "points.csv -o OUT.qmlproj'")
    assert_one_line_error(cli("compare", "moons.qmodel", cwd=tmp_path), 1,
                          "moons.qmodel: a trained QML Studio model (.qmodel), not a QML Studio "
                          "project; predict with it: 'qmlstudio predict moons.qmodel DATA.csv'")
    assert_one_line_error(cli("predict", "points.csv", "moons.qmodel", cwd=tmp_path), 1,
                          "points.csv: a CSV table, not a trained QML Studio model (.qmodel); "
                          "the model comes first: 'qmlstudio predict MODEL.qmodel points.csv'")
    assert_one_line_error(cli("predict", "moons.qmodel", project_file, cwd=tmp_path), 1,
                          "moons.qmlproj: a QML Studio project, not a CSV table")
    assert_one_line_error(cli("new", "--model", "iqp", "--data", project_file, "-o",
                              "new.qmlproj", cwd=tmp_path), 1,
                          "moons.qmlproj: a QML Studio project, not a CSV table")



def test_json_summary_and_progress_include_the_validation_part(tmp_path):
    project = Project(build_model_circuit(2, 2, layers=2, reuploading=True), name="moons",
                      dataset=DatasetSpec.builtin("moons", n_samples=80, noise=0.1),
                      preprocessing=Preprocessing(test_fraction=0.25, validation_fraction=0.2),
                      training=TrainingConfig(epochs=40, learning_rate=0.4,
                                              early_stopping_patience=2))
    path = tmp_path / "val.qmlproj"
    save_project(project, path)
    result = cli("train", path, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    for name in ("val_loss", "val_accuracy", "val_f1", "test_loss", "test_accuracy"):
        assert isinstance(summary[name], float), name
    assert summary["stop_reason"].startswith("early stopping: val_loss did not improve")
    # The progress shows the validation loss, and its last line is the epoch training ended
    # with (it used to end on whichever epoch was last shown, a second or more before).
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"epoch {summary['epoch']}/40 ") and "val_loss" in last
    record = load_project(path).history.records[-1]
    assert record.get("val_accuracy") == summary["val_accuracy"]
    assert load_project(path).preprocessing.validation_fraction == 0.2


def test_export_and_predict_errors_name_the_right_file(tmp_path, project_file):
    # An untrained project: the message says which project.
    assert_one_line_error(cli("export", project_file, "--to", "qmodel", "-o", "m.qmodel",
                              cwd=tmp_path), 1, f"{project_file}: the project has not been")
    assert cli("train", project_file, "--epochs", "1", "-q", cwd=tmp_path).returncode == 0
    assert cli("export", project_file, "--to", "qmodel", "-o", "m.qmodel",
               cwd=tmp_path).returncode == 0
    (tmp_path / "points.csv").write_text("x0,x1\n0.5,0.0\n", encoding="utf-8")
    # An output folder that does not exist: the output file is named, not a temporary file.
    result = cli("predict", "m.qmodel", "points.csv", "-o", "no/such/out.csv", cwd=tmp_path)
    assert_one_line_error(result, 1, "no/such/out.csv: cannot be written")
    assert ".tmp" not in result.stderr


@needs_fifos
def test_special_files_are_refused_not_read(tmp_path):
    """A named pipe would block the command forever, a device never end: each is one line
    naming the path, and the command returns at once (the subprocess timeout guards a
    regression)."""
    from qmlstudio.ml.export.model_file import save_model
    from tests.ml.model_helpers import trained_project

    save_model(trained_project("parity"), tmp_path / "m.qmodel")
    fifo_project = special_file(tmp_path, "fifo", ".qmlproj")
    fifo_csv = special_file(tmp_path, "fifo", ".csv")
    fifo_model = special_file(tmp_path, "fifo", ".qmodel")
    zero_csv = special_file(tmp_path, "dev-zero", ".csv")
    (tmp_path / "data.csv").write_text("x0,x1\n0.1,0.2\n", encoding="utf-8")
    pipe = "it is a named pipe (FIFO), not a regular file"
    for args, message in (
            (("train", fifo_project), f"{fifo_project.name}: not a project file: {pipe}"),
            (("export", fifo_project, "--to", "qasm3", "-o", "out.qasm"),
             f"{fifo_project.name}: not a project file: {pipe}"),
            (("predict", "m.qmodel", fifo_csv), f"{fifo_csv.name}: not a data file: {pipe}"),
            (("predict", "m.qmodel", zero_csv),
             f"{zero_csv.name}: not a data file: it is a character device"),
            (("predict", fifo_model, "data.csv"), f"{fifo_model.name}: not a model file: {pipe}")):
        assert_one_line_error(cli(*args, cwd=tmp_path), 1, message)


def test_train_honours_a_linear_readout_written_in_the_project(tmp_path, project_file):
    """A user writes the readout into the project's JSON model spec; training learns the
    linear layer, saves it, and the exported model predicts with it."""
    document = json.loads(project_file.read_text(encoding="utf-8"))
    document["model"].update(readout="linear", observables=["Z0", "Z1", "Z0 Z1"])
    project_file.write_text(json.dumps(document), encoding="utf-8")
    result = cli("train", project_file, "--epochs", "2", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    trained = load_project(project_file)
    assert trained.model.readout == "linear" and len(trained.readout.weights) == 3
    assert trained.readout.scale == () and len(trained.readout.bias) == 1
    assert trained.readout.weights != (1.0, 0.0, 0.0)  # the layer was trained
    assert cli("export", project_file, "--to", "qmodel", "-o", "m.qmodel",
               cwd=tmp_path).returncode == 0
    data = tmp_path / "points.csv"
    data.write_text("x0,x1\n0.5,0.0\n-0.4,1.9\n", encoding="utf-8")
    result = cli("predict", "m.qmodel", data, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "prediction,p_0,p_1"
