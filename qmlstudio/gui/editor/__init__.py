"""The circuit editor: the canvas, the gate palette, the inspector with its parameter editor,
the OpenQASM code view and the state view.

Widgets only draw and forward input: layout, edits, palette contents and the state view's
maths live in the Qt-free :mod:`qmlstudio.viewmodels`. May import ``gui.document``,
``gui.compute_runner``, ``gui.theme`` and anything below ``gui``; not ``gui.shell``.
"""
