"""Pauli-string observables such as ``"Z0"``, ``"Z0 Z3"`` or ``"X1 Y2"``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qmlstudio.core.errors import CircuitError

__all__ = ["PauliString", "parse_observable"]

_TERM = re.compile(r"([IXYZ])(\d+)")


@dataclass(frozen=True, slots=True)
class PauliString:
    """A tensor product of Pauli operators: ``terms`` holds ``(wire, "X" | "Y" | "Z")`` pairs.

    An empty product is the identity (expectation 1).
    """

    terms: tuple[tuple[int, str], ...]

    @property
    def text(self) -> str:
        """The canonical text form, e.g. ``"Z0 Z3"`` (``"I"`` for the identity)."""
        return " ".join(f"{p}{w}" for w, p in self.terms) or "I"


def parse_observable(text: str | PauliString, n_qubits: int) -> PauliString:
    """Parse ``"Z0 Z3"`` style text (tokens may also be written without spaces, ``"Z0Z3"``).

    Raises :class:`CircuitError` for bad syntax, a wire outside the circuit or a repeated wire.
    """
    if isinstance(text, PauliString):
        terms = text.terms
    else:
        if not isinstance(text, str):
            raise CircuitError(f"an observable must be a Pauli string like 'Z0 Z1', got {text!r}")
        compact = "".join(text.upper().split())
        if not compact or _TERM.sub("", compact):
            raise CircuitError(
                f"observable {text!r} is not a Pauli string like 'Z0', 'Z0 Z3' or 'X1 Y2'"
            )
        terms = tuple((int(w), p) for p, w in _TERM.findall(compact) if p != "I")
    wires = [w for w, _ in terms]
    for wire in wires:
        if wire >= n_qubits:
            raise CircuitError(
                f"observable {text!r}: wire {wire} does not exist in a {n_qubits}-qubit circuit"
            )
    if len(set(wires)) != len(wires):
        raise CircuitError(f"observable {text!r} names a wire twice")
    return PauliString(tuple(sorted(terms)))
