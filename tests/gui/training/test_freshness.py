"""The training-freshness tracker (qmlstudio.gui.training.freshness) forgets the runs the
document and its undo stack no longer hold."""

import gc
import weakref
from dataclasses import replace

from qmlstudio._resources import resource_path
from qmlstudio.core import TrainingHistory
from qmlstudio.core.training_config import EpochRecord
from qmlstudio.gui.shell.opening import open_document
from qmlstudio.gui.training.freshness import TrainingFreshness


def _trained(project, epoch):
    history = TrainingHistory((EpochRecord.of(epoch, train_loss=1.0 / epoch),), "completed")
    return replace(project, history=history)


def test_runs_the_document_no_longer_holds_are_forgotten(qtbot):
    document = open_document(resource_path("examples", "moons.qmlproj"), example=True)
    tracker = TrainingFreshness(document)
    start = document.project
    document.edit(_trained(start, 1), "train")
    first = weakref.ref(document.project.history)
    document.edit(replace(document.project, circuit=start.circuit.add("h", 0)), "add a gate")
    assert tracker.reason == "trained on an earlier circuit"
    document.undo_stack.undo()  # back to the trained circuit: current again
    assert tracker.reason == ""
    for epoch in range(2, 30):  # a long session: run after run
        document.edit(_trained(start, epoch), "train")
    document.undo_stack.clear()
    gc.collect()
    assert first() is None  # the tracker kept no run alive that nothing else holds
    document.edit(replace(document.project, circuit=start.circuit.add("h", 0)), "add a gate")
    assert tracker.reason == "trained on an earlier circuit"  # the current run is tracked
