"""Counts in panel texts."""

from qmlstudio.core.wording import counted


def test_counts_take_the_noun_in_the_number_they_need():
    assert counted(1, "feature") == "1 feature"
    assert counted(0, "feature") == "0 features"
    assert counted(12345, "row") == "12,345 rows"
    assert counted(3, "class", "classes") == "3 classes"
    assert counted(1, "class", "classes") == "1 class"
