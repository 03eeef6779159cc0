"""The desktop app (PySide6 + pyqtgraph): the only package that imports Qt.

``document`` holds the open project and its undo stack; widgets take the document and react
to its signals. ``app.run_app`` starts the program.
"""
