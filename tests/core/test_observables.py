"""Pauli-string observables."""

import pytest

from qmlstudio.core import CircuitError, PauliString, parse_observable


@pytest.mark.parametrize(("text", "terms"), [
    ("Z0", ((0, "Z"),)),
    ("Z0 Z3", ((0, "Z"), (3, "Z"))),
    ("X1 Y2", ((1, "X"), (2, "Y"))),
    ("Y2 X1", ((1, "X"), (2, "Y"))),
    ("Z0Z3", ((0, "Z"), (3, "Z"))),
    ("  x1   z0 ", ((0, "Z"), (1, "X"))),
    ("Z10", ((10, "Z"),)),
])
def test_parse(text, terms):
    assert parse_observable(text, 11).terms == terms


def test_text_round_trip():
    p = parse_observable("Y2 X1", 4)
    assert p.text == "X1 Y2"
    assert parse_observable(p, 4) == p
    assert isinstance(p, PauliString)


@pytest.mark.parametrize("bad", ["", "Q0", "Z", "Z-1", "Z0 +", "0Z", "Z0.5"])
def test_bad_syntax(bad):
    with pytest.raises(CircuitError, match="observable"):
        parse_observable(bad, 4)


def test_not_a_string():
    with pytest.raises(CircuitError, match="observable"):
        parse_observable(3, 4)


def test_wire_out_of_range():
    with pytest.raises(CircuitError, match="wire 5"):
        parse_observable("Z0 X5", 4)


def test_repeated_wire():
    with pytest.raises(CircuitError, match="twice"):
        parse_observable("Z1 X1", 4)
