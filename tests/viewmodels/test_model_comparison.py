"""The comparison table and verdict (Qt-free)."""

from dataclasses import replace

from qmlstudio.core import ModelComparison, SeedRun
from qmlstudio.viewmodels.model_comparison import comparison_table, verdict
from tests.io.project_helpers import sample_comparison


def test_the_table_shows_every_model_with_the_best_values_marked():
    table = comparison_table(sample_comparison())
    assert table.headers == ("Model", "Test accuracy", "CV accuracy", "Best hyper-parameters",
                             "Fit time", "Search time", "Size")
    quantum, mlp, forest = table.rows
    assert quantum.quantum and not mlp.quantum
    assert quantum.cells == ("Quantum model", "0.875 ± 0.035", "0.835", "learning_rate=0.1",
                             "0.38 s", "3.8 s", "26 weights")
    assert mlp.cells[3] == "alpha=0.01, hidden_layer_sizes=(16,)"
    assert forest.cells[6] == "900 tree nodes"
    # Best test and CV scores: the forest; equal times are all best; the fewest weights: the
    # quantum model (tree nodes are not ranked against weights).
    assert [row.best for row in table.rows] == [
        (False, False, False, False, True, True, True),
        (False, False, False, False, True, True, False),
        (False, True, True, False, True, True, False),
    ]


def test_the_verdict_names_the_better_side_or_a_tie():
    result = sample_comparison()
    assert verdict(result) == ("Test accuracy over 2 seeds: quantum model 0.875, best classical "
                               "model (Random forest) 0.975 — the classical model is better by "
                               "0.100.")
    close = replace(result, models=(
        replace(result.models[0], runs=tuple(replace(run, test_score=run.test_score + 0.07)
                                             for run in result.models[0].runs)),
        *result.models[1:]))
    assert verdict(close).endswith("— a tie within the spread over the seeds.")
    one = replace(result, seeds=(0,), models=tuple(
        ModelComparison(m.key, m.name, m.quantum, m.size_unit, m.runs[:1])
        for m in result.models))
    assert verdict(one).startswith("Test accuracy over 1 seed: quantum model 0.850")
    assert comparison_table(one).rows[0].cells[1] == "0.850 ± 0.000"
    level = replace(one, models=(replace(one.models[0], runs=(replace(
        one.models[0].runs[0], test_score=0.95),)), *one.models[1:]))
    assert verdict(level).endswith("Random forest) 0.950 — a tie.")


def test_sizes_that_differ_over_the_seeds_show_their_range():
    runs = (SeedRun(0, 0.5, 0.5, (), 0.1, 1.0, 64), SeedRun(1, 0.5, 0.5, (), 0.1, 1.0, 33))
    result = replace(sample_comparison(), models=(
        ModelComparison("mlp", "MLP", False, "weights", runs),))
    assert comparison_table(result).rows[0].cells[6] == "33–64 weights"
    assert comparison_table(result).rows[0].cells[3] == "—"
    assert verdict(result) == "Nothing to compare."
