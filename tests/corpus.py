"""Where the tests find the real-world OpenQASM corpus, and what happens when it is missing.

The corpus (QASMBench's small circuits, a 187k-gate HHL circuit) lives in ``../shared/qasm``
beside the repository (it is not part of the package), or wherever the environment variable
``QMLSTUDIO_QASM_CORPUS`` says (e.g. from a git worktree). :func:`corpus_path` hands a test
the path it needs. When the file is missing, a test on a developer machine is skipped with the
reason; under CI (the ``CI`` environment variable set to anything but ``""``, ``0``, ``false``
or ``no``, as CI services and ``.ci/run`` do) it fails, so the corpus tests can never pass
there by not running.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest

BESIDE_THE_REPOSITORY = Path(__file__).resolve().parents[1].parent / "shared" / "qasm"
"""``../shared/qasm`` beside the repository: the corpus's usual place."""


def corpus_root(environ: Mapping[str, str] = os.environ) -> Path:
    """The corpus folder: ``QMLSTUDIO_QASM_CORPUS`` if set, else beside the repository."""
    return Path(environ.get("QMLSTUDIO_QASM_CORPUS") or BESIDE_THE_REPOSITORY)


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the tests run under CI, by the ``CI`` variable CI services set."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def corpus_path(*parts: str, root: Path | None = None) -> Path:
    """``root / parts`` (root: :func:`corpus_root`) if it exists; otherwise fail under CI and
    skip elsewhere, saying why."""
    path = (corpus_root() if root is None else root).joinpath(*parts)
    if path.exists():
        return path
    reason = f"the OpenQASM corpus is missing: {path} not found"
    if in_ci():
        pytest.fail(f"{reason}; CI must run the corpus tests (put QASMBench there)",
                    pytrace=False)
    pytest.skip(reason)
