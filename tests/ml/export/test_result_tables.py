"""CSV text of a training history and of predictions."""

from __future__ import annotations

import csv
import io

from qmlstudio.core import TrainingHistory
from qmlstudio.core.training_config import EpochRecord
from qmlstudio.ml.export.result_tables import history_csv


def test_history_csv_has_one_row_per_epoch_and_blank_unmeasured_cells():
    history = TrainingHistory((EpochRecord.of(1, train_loss=0.5, test_accuracy=0.75),
                               EpochRecord.of(2, train_loss=0.25, grad_norm=float("nan"))))
    rows = list(csv.reader(io.StringIO(history_csv(history))))
    assert rows[0] == ["epoch", "grad_norm", "test_accuracy", "train_loss"]
    assert rows[1] == ["1", "", "0.75", "0.5"]
    assert rows[2] == ["2", "", "", "0.25"]


def test_empty_history_is_a_header_only():
    assert history_csv(TrainingHistory()) == "epoch\n"
