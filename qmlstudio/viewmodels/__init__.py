"""What the panels show, computed from project values without Qt (napari's ``components``).

Canvas layout and edits, the palette's contents, the gates a noise model follows, the code
view's text, the state view's maths, the data view, the gradient tint and the result
comparison. Everything here runs and is tested without a
QApplication; an import-linter contract forbids Qt here, directly or indirectly. May import
``ml``, ``io``, ``engine`` and ``core``; ``gui`` imports it.
"""
