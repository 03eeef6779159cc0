"""Coverage-guided fuzzing of one loader with atheris (optional; not run in CI).

Usage (atheris needs a clang-built CPython or a wheel for your platform)::

    pip install atheris
    python tests/fuzz/atheris_harness.py TARGET [CORPUS_DIR] [libFuzzer options]

TARGET is one of ``project``, ``model``, ``csv``, ``qasm-text``, ``qasm-file`` (see
:mod:`tests.fuzz.harness`). The seeds of that target are copied into CORPUS_DIR (default: a
fresh folder) first. Any exception other than a ``QMLStudioError``, or an input slower than the
harness's limit, is reported by libFuzzer as a crash with the input saved beside it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SEED_PATTERNS = {"project": ("*.qmlproj", "examples"), "model": ("*.qmodel", "seeds"),
                 "csv": ("*.csv", "seeds"), "qasm-text": ("*.qasm", "seeds"),
                 "qasm-file": ("*.qasm", "seeds")}


def main() -> int:
    """Copy the seeds into the corpus and hand over to libFuzzer."""
    import atheris  # only this script needs it

    with atheris.instrument_imports():
        from tests.fuzz import harness
    if len(sys.argv) < 2 or sys.argv[1] not in harness.TARGETS:
        raise SystemExit(f"usage: {sys.argv[0]} {{{','.join(harness.TARGETS)}}} [CORPUS_DIR]")
    target = sys.argv[1]
    corpus = Path(sys.argv[2]) if len(sys.argv) > 2 and not sys.argv[2].startswith("-") \
        else Path(tempfile.mkdtemp(prefix=f"qmlstudio-atheris-{target}-"))
    corpus.mkdir(parents=True, exist_ok=True)
    pattern, where = SEED_PATTERNS[target]
    folder = harness.EXAMPLES if where == "examples" else harness.SEEDS
    for seed in folder.glob(pattern):
        shutil.copy(seed, corpus / seed.name)
    options = [arg for arg in sys.argv[2:] if arg.startswith("-")]
    atheris.Setup([sys.argv[0], str(corpus), *options],
                  lambda data: harness.check(target, data))
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
