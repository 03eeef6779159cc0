"""Words put around numbers in messages and panels: :func:`counted` (here, at the bottom
layer, so that every layer's messages can say "1 feature" rather than "1 features")."""

from __future__ import annotations

__all__ = ["counted"]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` with ``noun`` in the number it needs: ``"1 qubit"``, ``"2 qubits"``,
    ``"1,000 rows"`` (``plural`` for nouns that do not just take an s)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
