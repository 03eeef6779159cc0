"""How the app looks: colours for plots, the shipped fixed-pitch font (and, to come, light and
dark themes).

Imports only Qt, pyqtgraph and ``qmlstudio._resources``; every other ``gui`` sub-package may
import it.
"""
