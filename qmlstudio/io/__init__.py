"""Reading and writing what a project is made of, without Qt.

* OpenQASM 2/3: ``from_qasm(text_or_path) -> Circuit`` and
  ``to_qasm(circuit, version=3, weights=None) -> str`` (errors: :class:`QasmError` naming the
  line and construct).
* Projects: ``save_project(project, path)`` (atomic) and ``load_project(path) -> Project``
  (errors: :class:`ProjectError` naming the file and JSON path); ``relink_dataset`` points a
  project whose CSV moved or changed at the file again.
"""

from qmlstudio.io.dataset_link import csv_dataset, relink_dataset
from qmlstudio.io.project_file import load_project, project_text, save_project
from qmlstudio.io.qasm_export import to_qasm
from qmlstudio.io.qasm_import import from_qasm

__all__ = ["csv_dataset", "from_qasm", "load_project", "project_text", "relink_dataset",
           "save_project", "to_qasm"]
