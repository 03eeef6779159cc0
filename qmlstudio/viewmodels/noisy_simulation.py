"""What the training panel says about the simulator a run uses: :func:`simulation_text`.

A noisy circuit runs on one of two engines (see :mod:`qmlstudio.engine.density`): the exact
density matrix, or Monte-Carlo trajectories whose values carry sampling noise. The user should
see which one a run takes, and why, while it trains: the choice follows the training settings'
``noise_method`` and, for ``"auto"``, the circuit's size. A project trained ideal although it
has a noise model (``training.with_noise`` false) says so too.
"""

from __future__ import annotations

from qmlstudio.core import Project, QMLStudioError
from qmlstudio.core.wording import counted
from qmlstudio.engine import MAX_DENSITY_QUBITS
from qmlstudio.ml.models.quantum_model import QuantumModel

__all__ = ["simulation_text"]


def simulation_text(project: Project) -> str:
    """``""`` for an ideal project (or one that cannot be simulated: its error is shown
    elsewhere); otherwise what a run simulates and how, e.g. "Under the noise model
    'ibmq_manila': exact density matrix (4 qubits: up to 14 are simulated exactly).", or,
    when the training settings choose ideal training of a project with a noise model,
    "Ideal training: the state-vector simulator, without the noise model 'ibmq_manila'
    (chosen in the training panel)."."""
    try:
        engine = QuantumModel.from_project(project).noise_engine
    except QMLStudioError:
        return ""
    noise = project.training_noise
    if engine is None:
        unused = project.noise
        return ("" if unused is None or unused.is_ideal else
                f"Ideal training: the state-vector simulator, without the noise model "
                f"{unused.name!r} (chosen in the training panel).")
    what = (f"Under the noise model {noise.name!r}" if noise is not None and not noise.is_ideal
            else "With the circuit's channel operations")
    training = project.training
    qubits = counted(project.circuit.n_qubits, "qubit")
    if engine == "density":
        why = ("chosen in the training settings" if training.noise_method == "density" else
               f"{qubits}: up to {MAX_DENSITY_QUBITS} are simulated exactly")
        return f"{what}: exact density matrix ({why})."
    why = ("chosen in the training settings" if training.noise_method == "trajectories" else
           f"{qubits}: above the density-matrix limit of {MAX_DENSITY_QUBITS}")
    return (f"{what}: Monte-Carlo trajectories, {training.trajectories} per sample, each value "
            f"an estimate ({why}).")
