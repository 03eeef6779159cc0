"""Words the panels put around numbers: :func:`counted`, whose home is
:mod:`qmlstudio.core.wording` (every layer's messages use it); named here for the panels."""

from __future__ import annotations

from qmlstudio.core.wording import counted

__all__ = ["counted"]
