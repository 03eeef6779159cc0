"""Reading and writing what a project is made of, without Qt.

* OpenQASM 2/3: ``parse_qasm(text) -> Circuit``, ``read_qasm(path) -> Circuit`` (and
  ``from_qasm(text_or_path)``, which picks one of them) and
  ``to_qasm(circuit, version=3, weights=None) -> str`` (errors: :class:`QasmError` naming the
  line and construct).
* Projects: ``save_project(project, path)`` (atomic) and ``load_project(path) -> Project``
  (errors: :class:`ProjectError` naming the file and JSON path); ``relink_dataset`` points a
  project whose CSV moved or changed at the file again.
* Every file is written by :func:`~qmlstudio.io.atomic.atomic_write` and read through
  :func:`~qmlstudio.io.regular_file.open_regular_file` (folders, pipes and devices refused).

May import ``core`` only: not ``engine`` (``io`` and ``engine`` are independent layers), not
``ml`` (which gives these values behaviour), never Qt, numba or scikit-learn.
"""

from qmlstudio.io.dataset_link import csv_dataset, relink_dataset
from qmlstudio.io.project_file import load_project, project_text, save_project
from qmlstudio.io.qasm_export import to_qasm
from qmlstudio.io.qasm_import import from_qasm, parse_qasm, read_qasm

__all__ = ["csv_dataset", "from_qasm", "load_project", "parse_qasm", "project_text",
           "read_qasm", "relink_dataset", "save_project", "to_qasm"]
