"""The desktop app (PySide6 + pyqtgraph): the only package that imports Qt.

Sub-packages by feature: ``shell`` (app start, main window, actions, autosave, crash report,
preferences, recent files, quick tour, opening files), ``editor`` (canvas, palette, inspector,
code and state views), ``data`` (the data panel), ``training`` (panel, worker, plots),
``noise`` (the noise panel) and ``theme`` (colours, fonts). Shared by all: ``document`` (the
open project and its undo stack), ``compute_runner`` (the background compute thread),
``threads`` (the one thread keeper), ``image_files`` and ``figure_grid`` (figures laid out to
fit, and their minimum size). What a panel shows is computed in the Qt-free
:mod:`qmlstudio.viewmodels`. May import everything below it.

Widgets take the document and react to its signals; ``shell.app.run_app`` starts the program.
"""
