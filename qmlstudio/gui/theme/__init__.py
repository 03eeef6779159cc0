"""How the app looks: colours for plots (and, to come, light and dark themes).

Imports only Qt and pyqtgraph; every other ``gui`` sub-package may import it.
"""
