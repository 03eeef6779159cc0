"""Export: ``.qmodel`` files and the trained model loaded from them, standalone PennyLane and
Qiskit scripts, the export formats of a project, and result tables (predictions, history).

May import every other ``ml`` sub-package except ``ml.estimators``.
"""
