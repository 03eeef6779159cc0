"""Benchmark: test accuracy and training time of every preset, ours against PennyLane + JAX.

Usage::

    python tests/benchmarks/bench_quality.py [--datasets iris,wine,...] [--presets a,b]
                                             [--variants entangled,separable] [--seeds N]
                                             [--epochs E] [--layers L] [--batch-size B]
                                             [--learning-rate R] [--max-qubits N] [--quick]
                                             [--json [FILE]] [--no-pennylane]

For every data set of ``quality_data.py`` (bundled Iris, Wine, Breast Cancer; PCA-reduced
digits; a 10-feature synthetic set on 4 and on 10 qubits; each with one fixed stratified split)
and every preset of issue 16 (``reuploading``, ``circuit_centric``, ``iqp``, ``dressed``, each
entangled and separable) it trains, for training seeds 0..N-1:

* QML Studio: ``QNNClassifier(model=PRESET, separable=..., layers=L, n_qubits=...)`` with the
  preset's default readout and weight initialisation, Adam, ``E`` epochs of batches of ``B``;
* PennyLane: the independent implementation of the same circuit
  (``tests/reference/pennylane_presets.py``) on ``default.qubit`` with JAX (``jit`` + ``vmap``
  over the batch), trained by ``jax_training.py`` with the SAME settings: the same scaled
  features (checked equal to the project's own preprocessing), the same initial weights and
  readout, the same readout and loss, Adam with the same learning rate, batch size, epochs and
  batch order. The script checks that both circuits give the same expectation values on the
  test rows (column ``agree``: the largest difference, at the first seed's trained weights)
  and how far the two trainings end apart (column ``Δθ``: the largest difference of the
  trained circuit and readout parameters, the largest over the seeds). Rounding differences
  can grow over many Adam steps, so for every seed PennyLane also trains from its initial
  weights moved by :data:`NUDGE` (1e-13): column ``Δθ self`` is how far that run ends from
  PennyLane's own (the largest over the seeds). Where ``Δθ`` is of the size of ``Δθ self`` the
  training itself is chaotic and the two implementations differ no more than PennyLane
  differs from itself. Then the test accuracy of one seed is a draw from a spread, and the
  means of N seeds can differ by more than the target by chance alone: a case whose training
  shows itself chaotic at any seed (PennyLane against itself: decided without comparing any
  accuracy) runs :data:`CHAOTIC_SEEDS` seeds on both sides (its timings stay those of the
  first N);

and the classical baselines QML Studio ships (``qmlstudio.ml.evaluation.baselines``: logistic
regression, RBF SVM, MLP, random forest) on the same split.

The Markdown table (``--json FILE`` also writes the records as JSON; ``--json`` alone prints
them instead) gives, per data set and preset, the mean ± standard deviation over the seeds of
the test accuracy of both, the training wall time of both (ours: the whole ``fit``, data checks
and the per-epoch evaluation included; PennyLane: the training loop, with the one-time JIT
compilation of a preset's step function apart in ``PL jit s``), the speed-up (PennyLane's loop
time / ours, and in brackets with the compilation counted), the best baseline, and whether the
targets of issue 16 are met: accuracy within :data:`ACCURACY_TARGET` of PennyLane's and at
least :data:`SPEEDUP_TARGET` times faster (the bracketed speed-up).

A preset that refuses a case (e.g. IQP needs a qubit per feature) is listed with its reason,
and cases above ``--max-qubits`` (:data:`MAX_QUBITS`) qubits are not run. Numba's cache is
warmed by one untimed fit and a vjp on two threads first, and the script sets
``OMP_WAIT_POLICY=PASSIVE`` unless it is set (see the comment there). ``--quick`` runs one
small case (Iris, re-uploading, one seed, two epochs). Without JAX the PennyLane side is
skipped with a message (``--no-pennylane`` skips it on purpose).

This is a script, not a test (pytest does not collect it; ``tests/test_bench_quality_smoke.py``
runs its quick path). The PennyLane side needs the ``bench`` extra (pennylane, jax).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

# As in tests/conftest.py: numba's OpenMP threads sleep instead of spinning at the end of a
# parallel region. On a busy machine (this one is shared, and JAX runs its own threads here)
# spinning threads hold the cores the working thread needs: a small fit took 3x longer.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
for _p in (str(REPO), str(HERE)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from jax_training import (  # noqa: E402  (imports JAX only when it trains)
    JaxRun,
    JaxTrainer,
    Readout,
    batch_expvals,
    minmax_to_pi,
    predict_jax,
)
from quality_data import DATASETS, Split, load_split  # noqa: E402

from qmlstudio import engine  # noqa: E402
from qmlstudio.core import Circuit, QMLStudioError, w, x  # noqa: E402
from qmlstudio.ml.data.preprocessing import apply_preprocessing  # noqa: E402
from qmlstudio.ml.estimators import QNNClassifier  # noqa: E402
from qmlstudio.ml.evaluation.baselines import BASELINES, baseline_models  # noqa: E402
from qmlstudio.ml.export.trained_model import uses_amplitude_encoding  # noqa: E402
from qmlstudio.ml.models.presets import PRESETS, build_preset  # noqa: E402
from qmlstudio.ml.models.quantum_model import QuantumModel  # noqa: E402
from qmlstudio.ml.models.templates import init_weights  # noqa: E402

ACCURACY_TARGET = 0.02
"""Issue 16: every preset within this much of the PennyLane implementation's test accuracy."""
SPEEDUP_TARGET = 20.0
"""Issue 16: training at least this many times faster than the PennyLane implementation."""
MAX_QUBITS = 12
"""Cases needing more qubits are listed as not run unless ``--max-qubits`` allows them
(PennyLane's compile and run times grow with the qubits: Wine's 13-qubit IQP cases alone add
about 6.5 minutes)."""
VARIANTS = {"entangled": False, "separable": True}
NUDGE = 1e-13
"""How far the sensitivity check moves PennyLane's initial weights (column ``Δθ self``)."""
CHAOTIC = 1e-3
"""A ``Δθ self`` this large marks the training as chaotic in the verdict."""
CHAOTIC_SEEDS = 50
"""Seeds a chaotic case runs (at least). One seed's accuracy is a draw from a wide spread
there (on Breast Cancer, dressed: 0.30–0.96 over 20 seeds, a collapse now and then), so the
means of 20 seeds differ by chance by about 0.03 (one standard error): measured, 0.005 apart
in one run and 0.047 in another, after a change of rounding alone."""


@dataclass(frozen=True)
class Settings:
    """The training settings both implementations use."""

    layers: int = 2
    epochs: int = 15
    batch_size: int = 16
    learning_rate: float = 0.05


@dataclass
class Case:
    """The results of one preset variant on one data set, one entry per seed."""

    dataset: str
    preset: str
    separable: bool
    note: str = ""
    n_qubits: int = 0
    n_params: int = 0
    ours_accuracy: list[float] = field(default_factory=list)
    ours_seconds: list[float] = field(default_factory=list)
    pennylane_accuracy: list[float] = field(default_factory=list)
    pennylane_seconds: list[float] = field(default_factory=list)
    pennylane_compile_seconds: float = 0.0
    timed_seeds: int = 0
    """How many seeds (the first) the speed-up counts; 0: all of them."""
    agreement: float = 0.0
    parameter_gap: float = 0.0
    sensitivity: float = 0.0

    @property
    def name(self) -> str:
        """The preset with its variant (``iqp`` or ``iqp (sep)``)."""
        return self.preset + (" (sep)" if self.separable else "")

    def speedups(self) -> tuple[float, float] | None:
        """PennyLane's training time over ours: loop only, and with the compilation."""
        if not (self.pennylane_seconds and self.ours_seconds):
            return None
        timed = self.timed_seeds or len(self.ours_seconds)
        ours = sum(self.ours_seconds[:timed])
        loop = sum(self.pennylane_seconds[:timed])
        return loop / ours, (loop + self.pennylane_compile_seconds) / ours


def _stats(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), statistics.pstdev(values) if len(values) > 1 else 0.0


def _pm(values: list[float]) -> str:
    if not values:
        return "–"
    mean, spread = _stats(values)
    return f"{mean:.3f} ± {spread:.3f}"


# -- the three sides ---------------------------------------------------------------------------
def baseline_accuracies(split: Split, seeds: range) -> dict[str, list[float]]:
    """Test accuracy of every shipped classical baseline, per seed, on ``split``."""
    results: dict[str, list[float]] = {key: [] for key in BASELINES["classification"]}
    for seed in seeds:
        for key, model in baseline_models("classification", seed).items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)  # the MLP's cap, as shipped
                model.fit(split.X_train, split.y_train)
            results[key].append(float(model.score(split.X_test, split.y_test)))
    return results


def _warm_up_engine(preset: str) -> None:
    """Load the engine's kernels from numba's cache (or compile them), so that no timed fit
    pays for it: a small fit (the serial drivers), and a vjp on two threads (their parallel
    twins, which the larger cases run on)."""
    train_ours(load_split("iris"), preset, False, Settings(epochs=1), 0)
    circuit = Circuit(2).add("ry", 0, x(0)).add("rx", 1, w(0)).add("cx", [0, 1])
    with engine.using_threads(min(2, engine.thread_cap())):
        engine.vjp(circuit, np.zeros((16, 1)), np.zeros(1), ["Z0"], lambda values: values)


def train_ours(split: Split, preset: str, separable: bool, settings: Settings,
               seed: int) -> tuple[QNNClassifier, float, float]:
    """Our estimator fitted on ``split``'s training rows: ``(estimator, seconds, accuracy)``."""
    estimator = QNNClassifier(model=preset, separable=separable, n_qubits=split.n_qubits,
                              layers=settings.layers, epochs=settings.epochs,
                              batch_size=settings.batch_size,
                              learning_rate=settings.learning_rate, random_state=seed)
    start = time.perf_counter()
    estimator.fit(split.X_train, split.y_train)
    seconds = time.perf_counter() - start
    return estimator, seconds, float(estimator.score(split.X_test, split.y_test))


class PennyLaneSide:
    """The PennyLane implementation of one preset variant, set up from the project our
    estimator trained (qubits, observables, readout, weight initialisation)."""

    def __init__(self, preset: str, separable: bool, estimator: QNNClassifier,
                 settings: Settings) -> None:
        import jax.numpy as jnp

        from tests.reference.pennylane_presets import preset_qnode

        project = estimator.project_
        self.project = project
        self.model = QuantumModel.from_project(project, uses_amplitude_encoding(project))
        spec = project.model
        qnode = preset_qnode(preset, separable, project.circuit.n_qubits, settings.layers,
                             spec.observables, interface="jax")
        self.expvals = lambda weights, x: jnp.stack(qnode(weights, x))
        self.n_weights = project.circuit.n_weights
        self.readout = Readout(spec.n_outputs, len(spec.observables), spec.readout == "linear",
                               spec.train_readout)
        self.trainer = JaxTrainer(self.expvals, self.n_weights, self.readout,
                                  learning_rate=settings.learning_rate,
                                  batch_size=settings.batch_size)

    def scaled(self, split: Split) -> tuple[np.ndarray, np.ndarray]:
        """The training and test rows scaled as this script reproduces the project's
        preprocessing, checked against the project's own transform."""
        X_train = minmax_to_pi(split.X_train, split.X_train)
        X_test = minmax_to_pi(split.X_train, split.X_test)
        ours = apply_preprocessing(self.project.preprocessing, split.X_test)
        if not np.allclose(X_test, ours, atol=1e-12):
            raise SystemExit(f"{split.name}: the reproduced preprocessing differs from the "
                             f"project's by {np.abs(X_test - ours).max():.2e}")
        return X_train, X_test

    def agreement(self, X_test: np.ndarray) -> float:
        """Largest difference of the two circuits' expectation values on ``X_test`` at the
        estimator's trained weights."""
        weights = np.array(self.project.weights)
        ours = self.model.expectations(X_test, weights)
        return float(np.abs(batch_expvals(self.expvals, weights, X_test) - ours).max())

    def train(self, split: Split, X_train: np.ndarray, X_test: np.ndarray, seed: int,
              settings: Settings) -> tuple[JaxRun, float]:
        """Train from our seed's initial weights and readout: ``(the run, test accuracy)``."""
        training = self.project.training
        weights = init_weights(self.n_weights, training.weight_init, seed)
        run = self.trainer.fit(X_train, split.y_train, weights, self.model.readout_vector(None),
                               epochs=settings.epochs, seed=seed)
        predicted = predict_jax(self.expvals, run.params, self.n_weights, self.readout, X_test)
        return run, float(np.mean(predicted == split.y_test))

    def sensitivity(self, split: Split, X_train: np.ndarray, seed: int, settings: Settings,
                    trained: np.ndarray) -> float:
        """How far PennyLane's own training ends from ``trained`` when its initial weights
        move by :data:`NUDGE`: the parameter gap rounding alone can cause."""
        training = self.project.training
        weights = init_weights(self.n_weights, training.weight_init, seed)
        weights += NUDGE * np.random.default_rng(seed).standard_normal(len(weights))
        run = self.trainer.fit(X_train, split.y_train, weights,
                               self.model.readout_vector(None), epochs=settings.epochs,
                               seed=seed)
        return float(np.abs(run.params - trained).max())

    def parameter_gap(self, estimator: QNNClassifier, params: np.ndarray) -> float:
        """Largest difference of PennyLane's trained flat parameters from ``estimator``'s
        (circuit weights, then readout)."""
        project = estimator.project_
        ours = np.r_[np.array(project.weights), self.model.readout_vector(project.readout)]
        return float(np.abs(params - ours).max())


def _jax_missing() -> str:
    """Why the PennyLane side cannot run ("" if it can)."""
    try:
        import jax  # noqa: F401
        import pennylane  # noqa: F401
    except ImportError as error:
        return (f"PennyLane side skipped: {error.name} is not installed (pip install "
                f"pennylane jax, the 'bench' extra)")
    return ""


def run_case(split: Split, preset: str, separable: bool, settings: Settings, seeds: range,
             pennylane: bool, max_qubits: int = MAX_QUBITS) -> Case:
    """Train one preset variant on ``split`` for every seed, ours and (optionally) PennyLane;
    a case needing more than ``max_qubits`` qubits is not run."""
    case = Case(split.name, preset, separable)
    try:
        built = build_preset(preset, split.n_features, split.n_qubits, settings.layers,
                             n_classes=split.n_classes, separable=separable)
    except QMLStudioError as error:
        case.note = f"refused: {error}"
        return case
    if built.circuit.n_qubits > max_qubits:
        case.note = f"not run: {built.circuit.n_qubits} qubits > {max_qubits} (--max-qubits)"
        return case
    side = scaled = None
    case.timed_seeds, stop = len(seeds), seeds.stop
    for seed in itertools.count(seeds.start):
        if seed >= stop:
            break
        estimator, seconds, accuracy = train_ours(split, preset, separable, settings, seed)
        case.ours_seconds.append(seconds)
        case.ours_accuracy.append(accuracy)
        project = estimator.project_
        case.n_qubits = project.circuit.n_qubits
        case.n_params = project.circuit.n_weights + len(
            QuantumModel.from_project(project).readout_vector(None))
        if not pennylane:
            continue
        if side is None:
            side = PennyLaneSide(preset, separable, estimator, settings)
            scaled = side.scaled(split)
            case.agreement = side.agreement(scaled[1])
        run, pl_accuracy = side.train(split, *scaled, seed, settings)
        case.pennylane_seconds.append(run.seconds)
        case.pennylane_compile_seconds += run.compile_seconds
        case.pennylane_accuracy.append(pl_accuracy)
        case.parameter_gap = max(case.parameter_gap, side.parameter_gap(estimator, run.params))
        case.sensitivity = max(case.sensitivity,
                               side.sensitivity(split, scaled[0], seed, settings, run.params))
        if case.sensitivity >= CHAOTIC:  # PennyLane against itself: no accuracy compared
            stop = max(stop, seeds.start + CHAOTIC_SEEDS)
    return case


# -- the report --------------------------------------------------------------------------------
def verdict(case: Case, baselines: dict[str, list[float]]) -> tuple[str, str]:
    """``(best baseline "name acc", the targets' verdict)`` of a case."""
    best = max(baselines, key=lambda key: statistics.fmean(baselines[key]))
    best_mean = statistics.fmean(baselines[best])
    classical = f"{BASELINES['classification'][best][0]} {best_mean:.3f}"
    if not case.ours_accuracy:
        return classical, case.note
    parts = []
    gap = statistics.fmean(case.ours_accuracy) - best_mean
    parts.append("≥ classical" if gap >= 0 else f"classical +{-gap:.3f}")
    if case.pennylane_accuracy:
        difference = abs(statistics.fmean(case.ours_accuracy)
                         - statistics.fmean(case.pennylane_accuracy))
        parts.append("acc ok" if difference <= ACCURACY_TARGET else "ACC MISSED")
        if case.sensitivity >= CHAOTIC:
            parts.append(f"chaotic training (Δθ self; {len(case.ours_accuracy)} seeds)")
        parts.append("speed ok" if case.speedups()[1] >= SPEEDUP_TARGET else "SPEED MISSED")
    return classical, ", ".join(parts)


def markdown(cases: list[Case], baselines: dict[str, dict[str, list[float]]]) -> str:
    """The results as a Markdown table, then the baselines per data set."""
    lines = ["| data | preset | qubits | params | ours acc | PennyLane acc | agree | Δθ | "
             "Δθ self | ours s | PL s | PL jit s | speed-up | best classical | verdict |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for case in cases:
        classical, judged = verdict(case, baselines[case.dataset])
        if not case.ours_accuracy:
            lines.append(f"| {case.dataset} | {case.name} | | | | | | | | | | | | {classical} | "
                         f"{judged} |")
            continue
        speed = case.speedups()
        ratio = f"{speed[0]:.1f}× ({speed[1]:.1f}×)" if speed else "–"
        pl_seconds = (f"{statistics.fmean(case.pennylane_seconds):.2f}"
                      if case.pennylane_seconds else "–")
        jit = f"{case.pennylane_compile_seconds:.1f}" if case.pennylane_seconds else "–"
        agree, gap, self_gap = ((f"{case.agreement:.0e}", f"{case.parameter_gap:.0e}",
                                 f"{case.sensitivity:.0e}")
                                if case.pennylane_seconds else ("–", "–", "–"))
        lines.append(f"| {case.dataset} | {case.name} | {case.n_qubits} | {case.n_params} | "
                     f"{_pm(case.ours_accuracy)} | {_pm(case.pennylane_accuracy)} | "
                     f"{agree} | {gap} | {self_gap} | "
                     f"{statistics.fmean(case.ours_seconds):.2f} | {pl_seconds} | {jit} | "
                     f"{ratio} | {classical} | {judged} |")
    lines += ["", "| data | " + " | ".join(name for name, *_ in
                                           BASELINES["classification"].values()) + " |",
              "|---|" + "---|" * len(BASELINES["classification"])]
    for name, accuracies in baselines.items():
        lines.append(f"| {name} | " + " | ".join(_pm(accuracies[key]) for key in
                                                 BASELINES["classification"]) + " |")
    return "\n".join(lines)


def _names(text: str, known: object, what: str) -> list[str]:
    names = [name for name in text.split(",") if name]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"unknown {what} {', '.join(unknown)}; choose from "
                         f"{', '.join(known)}")
    return names


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table (or JSON); 1 if a target is missed."""
    defaults = Settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--presets", default=",".join(PRESETS))
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--seeds", type=int, default=3, help="training seeds 0..N-1")
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--layers", type=int, default=defaults.layers)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
    parser.add_argument("--max-qubits", type=int, default=MAX_QUBITS,
                        help="leave out cases needing more qubits")
    parser.add_argument("--quick", action="store_true",
                        help="one small case: iris, reuploading, 1 seed, 2 epochs")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="write the records as JSON to FILE (alone: print them instead of "
                             "the table)")
    parser.add_argument("--no-pennylane", action="store_true", help="train ours only")
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets, args.presets, args.variants = "iris", "reuploading", "entangled"
        args.seeds, args.epochs = 1, 2
    datasets = _names(args.datasets, DATASETS, "data set")
    presets = _names(args.presets, PRESETS, "preset")
    variants = _names(args.variants, VARIANTS, "variant")
    settings = Settings(args.layers, args.epochs, args.batch_size, args.learning_rate)
    seeds = range(args.seeds)
    skipped = "PennyLane side skipped (--no-pennylane)" if args.no_pennylane else _jax_missing()
    if skipped:
        print(skipped, file=sys.stderr)
    _warm_up_engine(presets[0])
    start = time.perf_counter()
    cases, baselines = [], {}
    for name in datasets:
        split = load_split(name)
        print(split.describe(), file=sys.stderr)
        baselines[name] = baseline_accuracies(split, seeds)
        for preset in presets:
            for variant in variants:
                case = run_case(split, preset, VARIANTS[variant], settings, seeds, not skipped,
                                args.max_qubits)
                print(f"  {case.name}: ours {_pm(case.ours_accuracy)}, PennyLane "
                      f"{_pm(case.pennylane_accuracy)} {case.note}", file=sys.stderr)
                cases.append(case)
    seconds = time.perf_counter() - start
    if args.json:
        records = json.dumps({"settings": asdict(settings), "seeds": args.seeds,
                              "seconds": seconds, "pennylane": not skipped,
                              "cases": [asdict(case) for case in cases],
                              "baselines": baselines}, indent=1)
        if args.json == "-":
            print(records)
        else:
            Path(args.json).write_text(records + "\n", encoding="utf-8")
    if args.json != "-":
        print(f"Settings: {settings}, seeds 0..{args.seeds - 1} (a chaotic case: "
              f"0..{max(args.seeds, CHAOTIC_SEEDS) - 1}); whole run {seconds:.0f} s.\n")
        print(markdown(cases, baselines))
    missed = any("MISSED" in verdict(case, baselines[case.dataset])[1] for case in cases)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
